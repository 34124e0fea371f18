"""Speaker resolution within an article: names, pronouns, descriptions, distinct people."""

from __future__ import annotations


def _by_content(stmts, words):
    return next(s for s in stmts if words in s.content_text)


def test_surname_and_pronoun_resolve_to_full_name(extract):
    stmts = extract(
        "German Chancellor Olaf Scholz arrived in Rome on Monday.\n\n"
        '"We stand together," Scholz said.\n\n'
        "He added that more aid would follow within weeks."
    )
    assert _by_content(stmts, "We stand together").speaker.name == "Olaf Scholz"
    he = _by_content(stmts, "more aid would follow")
    assert he.speaker.mention == "He" and he.speaker.name == "Olaf Scholz"


def test_description_resolves_by_title(extract):
    stmts = extract(
        "Russian President Vladimir Putin met Chinese President Xi Jinping in Beijing.\n\n"
        "The Russian leader said that the talks had been useful."
    )
    s = _by_content(stmts, "the talks had been useful")
    assert s.speaker.mention == "The Russian leader"
    assert s.speaker.name == "Vladimir Putin"


def test_two_people_with_one_surname_stay_apart(extract):
    stmts = extract(
        "Hillary Clinton said that the campaign was going well.\n\n"
        "Bill Clinton said that he was proud of her."
    )
    names = {s.speaker.name for s in stmts}
    assert names == {"Hillary Clinton", "Bill Clinton"}


def test_pronoun_follows_subject_not_object(extract):
    stmts = extract(
        "Angela Merkel criticized Boris Johnson on Friday.\n\n"
        "She said that the deal was unfair to Europe."
    )
    assert _by_content(stmts, "the deal was unfair").speaker.name == "Angela Merkel"


def test_anonymous_source(extract):
    [s] = extract("A senior official said that the talks had collapsed.")
    assert s.speaker.kind == "anonymous" and s.speaker.name is None


def test_names_are_tidied():
    from onrecord.find.speakers import tidy_name

    assert tidy_name("Donald\u00a0 Trump") == "Donald Trump"  # a no-break space from a page
    assert tidy_name("Donald Trump\u2018s") == "Donald Trump"  # a possessive, any apostrophe
    assert tidy_name("Putin\u2019s") == tidy_name("Putin's") == "Putin"
    assert tidy_name("O'Malley") == "O'Malley" and tidy_name("Ban Ki-moon") == "Ban Ki-moon"
    assert tidy_name("'s") == tidy_name(" \u2019 ") == ""  # nothing left: no name


def test_no_break_spaces_and_odd_apostrophes_make_no_new_name(extract):
    stmts = extract(
        "Donald\u00a0Trump said that the wall would be built.\n\n"
        "Donald Trump\u2018s aide said nothing, but Donald Trump said that taxes would fall."
    )
    assert {s.speaker.name for s in stmts if s.speaker.name} == {"Donald Trump"}
