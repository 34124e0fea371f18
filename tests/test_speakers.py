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
