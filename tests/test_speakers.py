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


def test_he_after_an_unnamed_speaker_in_the_same_paragraph_is_that_speaker(extract):
    stmts = extract(
        "Senator John Walsh spoke at the rally on Tuesday, where he promised new jobs.\n\n"
        "Later, a security guard who was at the scene told reporters that the crowd had been "
        "calm. He said nobody was hurt.\n\n"
        "Walsh said he would return next week."
    )
    he = _by_content(stmts, "nobody was hurt")
    assert (he.speaker.mention, he.speaker.name, he.speaker.kind) == ("He", None, "anonymous")
    assert _by_content(stmts, "would return").speaker.name == "John Walsh"


def test_he_in_the_next_paragraph_is_not_an_unnamed_questioner(extract):
    stmts = extract(
        "Donald Trump says the military has become too cautious.\n\n"
        "At a forum in Virginia on Monday, one questioner claimed that the forces of political "
        "correctness were hurting the military.\n\n"
        "He said that, if elected, he would leave such decisions to military leaders."
    )
    assert _by_content(stmts, "if elected").speaker.name == "Donald Trump"


def test_a_surname_goes_to_the_person_the_article_names_most(extract):
    stmts = extract(
        "Carly Fiorina told voters in Iowa that she would cut taxes. Fiorina said the plan "
        "was ready. Fiorina added that she would sign it on her first day.\n\n"
        "Her husband, Frank Fiorina, joined her on the bus.\n\n"
        "Fiorina said she would return to Iowa in March."
    )
    assert _by_content(stmts, "return to Iowa").speaker.name == "Carly Fiorina"


def test_a_building_named_after_a_person_is_not_the_person(extract):
    stmts = extract(
        "Donald Trump spoke in Ohio on Monday. Trump said that jobs would come back.\n\n"
        "Trump Tower said in a statement that the lobby would close for repairs."
    )
    tower = _by_content(stmts, "the lobby would close")
    assert tower.speaker.name != "Donald Trump"


def test_what_belongs_to_a_person_is_not_the_person(extract):
    text = (
        "Donald Trump spoke in Ohio on Monday.\n\n"
        "The Trump team has said that taxes will fall.\n\n"
        "Trump's lawyer said that the suit was baseless.\n\n"
        "Hillary Clinton spoke in Iowa.\n\n"
        "Clinton spokesman Brian Fallon said that the ad was false."
    )
    stmts = extract(text)
    team = _by_content(stmts, "taxes will fall").speaker
    assert (team.name, team.kind) == ("Trump team", "organisation")
    lawyer = _by_content(stmts, "the suit was baseless").speaker
    assert lawyer.name is None and lawyer.mention == "Trump's lawyer"
    assert _by_content(stmts, "the ad was false").speaker.name == "Brian Fallon"


def test_honorifics_and_relatives_keep_a_family_apart(extract):
    stmts = extract(
        "President Obama campaigned in Philadelphia on Tuesday. Mr. Obama told the crowd that "
        "the election was close.\n\n"
        "The campaign will also send his wife, Michelle Obama, to Ohio.\n\n"
        "Mr. Obama said that turnout would decide it. She said that young people had to vote."
    )
    for words in ("the election was close", "turnout would decide it"):
        assert _by_content(stmts, words).speaker.name == "Obama"
    she = _by_content(stmts, "young people had to vote").speaker
    assert (she.mention, she.name) == ("She", "Michelle Obama")


def test_a_role_word_beside_another_name_says_nothing_of_a_person(extract):
    # "businessman" before "says of Clinton" is Trump's, not Clinton's: "she" is still Clinton
    stmts = extract(
        "Hillary Clinton spoke in Ohio. The businessman says of Clinton that she is tired.\n\n"
        "Clinton said the race was close. She added that the polls were wrong."
    )
    assert _by_content(stmts, "the polls were wrong").speaker.name == "Hillary Clinton"


def test_a_document_is_its_named_author_s_and_the_poll_later_is_the_same(extract):
    stmts = extract(
        "A new Washington Post-ABC News poll shows Clinton ahead by four points.\n\n"
        "The poll indicates a tightening race as Trump consolidates support.\n\n"
        "A Government Accountability Office report released Tuesday criticized the program. "
        "The report found that the agency could not track the money."
    )
    for words in ("ahead by four points", "a tightening race"):
        sp = _by_content(stmts, words).speaker
        assert (sp.name, sp.kind) == ("Washington Post-ABC News", "organisation")
    report = _by_content(stmts, "could not track the money").speaker
    assert (report.mention, report.name) == ("The report", "Government Accountability Office")


def test_asked_about_someone_s_words_does_not_make_the_one_spoken_of_a_speaker(extract):
    stmts = extract(
        "Hillary Clinton spoke in Ohio on Monday.\n\n"
        "Asked about Trump's calling Hillary Clinton a bigot, Pence said the remark was fair."
    )
    assert all(s.speaker.name != "Hillary Clinton" for s in stmts)
    assert _by_content(stmts, "the remark was fair").speaker.mention == "Pence"


def test_what_an_article_writes_of_a_person_says_which_pronoun_is_theirs(extract):
    # twice "Clinton said she ...": "she" is hers; the "he" after her is Sanders
    stmts = extract(
        "Bernie Sanders spoke in Iowa on Monday.\n\n"
        "Hillary Clinton said she would win the state. Clinton said she was ready to lead. "
        "He said the race was far from over."
    )
    assert _by_content(stmts, "far from over").speaker.name == "Bernie Sanders"


def test_a_headline_s_words_are_not_part_of_a_name(extract):
    text = (
        "Ben Carson Defends Himself Against Claims He Exaggerated His Life Story\n\n"
        "Ben Carson said on Sunday that the reports were false.\n\n"
        "Carson added that he was proud of his campaign."
    )
    stmts = extract(text, clean_text=False)  # (the headline read, as PolNeAR's texts are)
    assert {s.speaker.name for s in stmts if s.speaker.kind == "person"} == {"Ben Carson"}
    # a headline name the body never writes makes no person
    rubio = extract(
        "Weak Rubio Tells Voters He Will Stay In The Race Until March\n\n"
        "Marco Rubio said that he would stay in the race.",
        clean_text=False,
    )
    assert {s.speaker.name for s in rubio} == {"Marco Rubio"}


def test_the_republican_is_a_person_and_the_campaign_is_the_one_named_before(extract):
    stmts = extract(
        "Donald Trump, the Republican nominee, spoke in Michigan on Friday. The Republican "
        "told supporters that the election was rigged.\n\n"
        "Hillary Clinton spoke in Ohio. The Clinton campaign said it was pleased with the "
        "debate. The campaign said that another rally was planned."
    )
    assert _by_content(stmts, "the election was rigged").speaker.name == "Donald Trump"
    campaign = _by_content(stmts, "another rally was planned").speaker
    assert (campaign.mention, campaign.name) == ("The campaign", "Clinton campaign")


def test_titles_are_offices_not_honorifics_or_headline_words():
    from onrecord.find import nlp, speakers

    text = (
        "Carly Fiorina Endorses Ted Cruz For President In Miami\n\n"
        "Texas Sen. Ted Cruz thanked her. Mr. Cruz said the race was close.\n\n"
        "Dr. Ben Carson said he would stay."
    )
    doc = nlp.load()(text)
    doc.user_data["onrecord_text"] = text
    titles = speakers.ArticleSpeakers(doc).titles()
    assert titles["Ted Cruz"] == ["Texas Sen."]
    assert titles["Ben Carson"] == []


def test_a_title_is_a_role_or_an_office():
    from onrecord.find import nlp, speakers

    def titles(text):
        doc = nlp.load()(text)
        doc.user_data["onrecord_text"] = text
        return speakers.ArticleSpeakers(doc).titles()

    assert titles("Secretary of State Hillary Clinton said the deal was good.") == {
        "Hillary Clinton": ["Secretary of State"]
    }
    # a party word or a stray capitalised word is no title
    assert titles("Republican Donald Trump said it again.") == {"Donald Trump": []}
    assert titles("Republican nominee Donald Trump said it.") == {
        "Donald Trump": ["Republican nominee"]
    }


def test_a_name_keeps_its_hyphens_and_stops_at_a_transcript_colon(extract):
    text = (
        "Secretary-General Ban Ki-moon said the abuses were a cancer in the system.\n\n"
        "Luciana Lopez: Saying to people that speculation is bad misses the point, she said.\n\n"
        "Alex Seitz-Wald said the plan would not pass the Senate this year.\n"
    )
    names = {s.speaker.name for s in extract(text)}
    assert {"Ban Ki-moon", "Alex Seitz-Wald"} <= names
    assert not any("Saying" in (n or "") or "Ki moon" in (n or "") for n in names)


def test_a_long_headline_with_a_word_in_lower_case_gives_no_name(extract):
    text = (
        "Clinton Cash Debunks Hillary: Only One or Two Instances where Donations Slipped "
        "through the Cracks\n\n"
        "Hillary Clinton said the foundation had disclosed every donor to the public.\n\n"
        "Peter Schweizer said the foundation had not disclosed all of its donors.\n"
    )
    names = {s.speaker.name for s in extract(text)}
    assert "Hillary Clinton" in names
    assert not any("Debunks" in (n or "") for n in names)


def test_titles_are_offices_held_by_the_name_they_precede():
    from onrecord.find import nlp, speakers

    text = (
        "Democratic presidential nominee Hillary Clinton said taxes would rise.\n\n"
        "Ms. Brainard later served as President Clinton's liaison, Clinton said.\n\n"
        "The federal judge Trump was referring to is Gonzalo Curiel, Donald Trump said.\n\n"
        "It is an agenda a President Sanders could pass, Bernie Sanders said.\n"
    )
    titles = speakers.ArticleSpeakers(nlp.load()(text)).titles()
    assert titles["Hillary Clinton"] == ["Democratic presidential nominee"]
    assert titles["Donald Trump"] == [] and titles["Bernie Sanders"] == []


def test_a_body_named_after_a_person_and_verbs_glued_to_a_name_make_no_person():
    from onrecord.find import nlp, speakers

    text = (
        "Said Comey: the bureau found nothing to charge.\n\n"
        "The Clinton Foundation said it would release the list. Team Clinton said no.\n\n"
        "Trump Wants Wall, Donald Trump said on Friday.\n\n"
        "Telling Jeb Bush to quit, Marco Rubio spoke in Iowa.\n"
    )
    people = [p.name for p in speakers.ArticleSpeakers(nlp.load()(text)).people]
    assert "Comey" in people and "Donald Trump" in people and "Jeb Bush" in people
    glued = ("Said", "Wants", "Telling", "Foundation", "Team")
    assert not any(w in name for name in people for w in glued)


def test_a_given_name_says_he_or_she(extract):
    # "Mrs. Clinton" is not Bill Clinton, though he is named first and more often
    stmts = extract(
        "Bill Clinton spoke in Ohio on Monday. Bill Clinton told the crowd that jobs would "
        "come back.\n\n"
        "Hillary Clinton was in Florida. Mrs. Clinton said that the economy needed help.\n\n"
        "She said that taxes on the rich would rise."
    )
    assert _by_content(stmts, "the economy needed help").speaker.name == "Hillary Clinton"
    assert _by_content(stmts, "taxes on the rich").speaker.name == "Hillary Clinton"
    # a "he" passes over a woman named last ("Aparna Mathur") to the man before her
    stmts = extract(
        "Donald Trump proposed a child-care plan on Tuesday. Economist Aparna Mathur "
        "studied the plan.\n\nHe said that parents would save thousands of dollars."
    )
    assert _by_content(stmts, "parents would save").speaker.name == "Donald Trump"


def test_an_i_in_quoted_words_is_the_quoted_speaker(extract):
    stmts = extract(
        "WALLACE: Governor, what did you make of the debate?\n\n"
        "PENCE: Well, it was a great night for our campaign.\n\n"
        '"And I think the voters saw a leader on that stage."\n\n'
        "WALLACE: Thank you, Governor."
    )
    s = _by_content(stmts, "the voters saw a leader")
    assert s.speaker.mention == "I" and s.speaker.name == "PENCE"
    # outside any quote an "I" is the writer's: no one named
    stmts = extract("I think the council made a mistake, Mayor John Smith said on Monday.")
    assert all(s.speaker.name != "John Smith" or s.speaker.mention != "I" for s in stmts)


def test_they_is_the_plural_or_organisation_subject_before_it(extract):
    stmts = extract(
        "Democrats want more revenue, and Republicans want lower taxes.\n\n"
        "They said that lower rates would spur the economy."
    )
    s = _by_content(stmts, "lower rates would spur")
    assert (s.speaker.name, s.speaker.kind) == ("Republicans", "group")
    # people named after an organisation are what "they" stands for: nobody named
    stmts = extract(
        "The Associated Press interviewed more than 20 former crew members and editors. "
        "They said that the host was rude to the staff."
    )
    s = _by_content(stmts, "the host was rude")
    assert s.speaker.name is None and s.speaker.kind == "group"


def test_an_apposition_a_government_and_a_newspaper_resolve_to_names(extract):
    stmts = extract(
        "Obama met McConnell, now the Senate majority leader, who said the goal was to win.\n\n"
        "The city of Phoenix is demanding that the campaign stop using its images.\n\n"
        "The story was first reported by The Washington Post. The newspaper said that the "
        "foundation had broken the rules.\n\n"
        "The Tax Policy Center at the Urban Institute estimates that the plan would raise "
        "$1 trillion."
    )
    assert _by_content(stmts, "the goal was to win").speaker.name == "McConnell"
    assert _by_content(stmts, "stop using its images").speaker.name == "Phoenix"
    assert _by_content(stmts, "the foundation had broken").speaker.name == "Washington Post"
    assert _by_content(stmts, "would raise").speaker.name == "Tax Policy Center"


def test_a_description_goes_to_the_person_of_its_party_and_office(extract):
    # "presidential" is not "President", and a Libertarian is not the Republican nominee
    stmts = extract(
        "President Barack Obama spoke in Ohio. Libertarian presidential candidate Gary "
        "Johnson spoke in Utah.\n\n"
        "Donald Trump says he has big plans for the final month.\n\n"
        "The GOP presidential nominee noted that his campaign has not spent much on ads."
    )
    s = _by_content(stmts, "has not spent much")
    assert s.speaker.name == "Donald Trump"


def test_a_new_description_is_the_person_named_just_after(extract):
    stmts = extract(
        "A Texas judge has rejected the request, saying the records must stay sealed.\n\n"
        "The newspaper had filed a motion last week.\n\n"
        "State District Judge Maria Lopez rejected that argument in a ruling on Thursday."
    )
    assert _by_content(stmts, "the records must stay sealed").speaker.name == "Maria Lopez"
    # an unnamed source on purpose stays unnamed
    stmts = extract(
        "The plant will reopen next year, one state official said.\n\n"
        "Gov. Jim Hart visited the plant on Monday."
    )
    s = _by_content(stmts, "will reopen next year")
    assert s.speaker.name is None


def test_the_union_is_the_organisation_named_before_it(extract):
    stmts = extract(
        "The Association of Flight Attendants endorsed Clinton on Thursday. "
        '"She has fought for workers," the union wrote.\n\n'
        "The House Oversight Committee met with FBI officials on Tuesday. The FBI sent "
        "documents. The committee said that the documents were incomplete."
    )
    assert _by_content(stmts, "fought for workers").speaker.name == (
        "Association of Flight Attendants"
    )
    assert _by_content(stmts, "the documents were incomplete").speaker.name == (
        "House Oversight Committee"
    )


def test_one_party_member_unnamed_is_no_party(extract):
    stmts = extract(
        '"The gap is too wide," a New Hampshire Democrat said.\n\n'
        '"Polls are misleading," one Republican said.'
    )
    for words in ("The gap is too wide", "Polls are misleading"):
        s = _by_content(stmts, words)
        assert (s.speaker.name, s.speaker.kind) == (None, "anonymous")


def test_the_writer_named_at_the_foot_is_the_i_of_the_narration(extract):
    stmts = extract(
        "I grew up on a farm in Ohio.\n\n"
        "I believe that small towns have been forgotten by both parties.\n\n"
        'My neighbor once told me, "I think nobody in Washington listens."\n\n'
        "Jane Whitcombe is a novelist and teaches writing at Oberlin College."
    )
    writer = _by_content(stmts, "small towns have been forgotten").speaker
    assert writer.name == "Jane Whitcombe"
    # an "I" inside quotation marks is whoever is quoted, never the writer
    assert all(
        s.speaker.name != "Jane Whitcombe"
        for s in stmts
        if "nobody in Washington" in s.content_text
    )
    # no note at the foot: nobody to give the "I" to
    [alone] = [
        s
        for s in extract("I believe that small towns have been forgotten by both parties.")
        if "small towns" in s.content_text
    ]
    assert alone.speaker.name is None


def test_a_document_is_its_authors(extract):
    stmts = extract(
        "Taxes would rise for some families, according to an analysis by Lily Batchelder, "
        "a former Senate aide, whose conclusions were seconded by the Tax Foundation.\n\n"
        "Donations hit $1 billion, a USA TODAY analysis of campaign-finance reports shows.\n\n"
        "The Real Clear Politics average of recent polls shows that Clinton leads by three.\n\n"
        "A new ad from Donald Trump's presidential campaign is seizing on the remarks.\n\n"
        "The ad then says that the economy is failing."
    )
    assert _by_content(stmts, "Taxes would rise").speaker.name == "Lily Batchelder"
    assert _by_content(stmts, "Donations hit").speaker.name == "USA TODAY"
    assert _by_content(stmts, "Clinton leads").speaker.name == "Real Clear Politics"
    later = _by_content(stmts, "the economy is failing").speaker
    assert (later.name, later.kind) == ("Donald Trump's presidential campaign", "organisation")


def test_a_role_is_the_person_given_that_title_or_named_next(extract):
    stmts = extract(
        "Connecticut's tax commissioner says an internal review found no leak.\n\n"
        "Kevin Sullivan says he instructed staff Monday to check the records.\n\n"
        "Donald Trump said the leak was a disgrace.\n\n"
        "The commissioner said that the review would take a week."
    )
    assert _by_content(stmts, "an internal review").speaker.name == "Kevin Sullivan"
    # a role goes to nobody whose title does not hold it, however prominent
    stmts = extract(
        "Donald Trump said the leak was a disgrace.\n\n"
        "Trump said that he would sue.\n\n"
        "The sheriff said that nobody had been arrested."
    )
    sheriff = _by_content(stmts, "nobody had been arrested").speaker
    assert (sheriff.name, sheriff.kind) == (None, "anonymous")


def test_his_campaign_is_the_named_persons(extract):
    stmts = extract(
        "Mr. Tom Clarke bought the park in 2014.\n\n"
        "His nonprofit group said that it would keep the trails open."
    )
    assert _by_content(stmts, "keep the trails open").speaker.name == "Tom Clarke's group"
    # of nobody the article says is a he: no name, rather than one called "His group"
    stmts = extract(
        "Pat Morgan bought the park in 2014.\n\n"
        "His nonprofit group said that it would keep the trails open."
    )
    group = _by_content(stmts, "keep the trails open").speaker
    assert (group.name, group.kind) == (None, "anonymous")

    stmts = extract(
        "Mr. Tom Clarke bought the park in 2014.\n\n"
        "His aides said that the trails would stay open.\n\n"
        "Their lawyers said that the sale was legal."
    )
    aides = _by_content(stmts, "the trails would stay open").speaker
    assert (aides.name, aides.kind) == ("Tom Clarke's aides", "group")
    # whose lawyers the article does not say: no group called "Their lawyers" for the record
    lawyers = _by_content(stmts, "the sale was legal").speaker
    assert lawyers.name is None


def test_the_fund_is_the_body_named_with_its_noun_or_nobody(extract):
    stmts = extract(
        "The International Monetary Fund cut its forecast for the United States on Tuesday.\n\n"
        "Growth slowed in the spring. Investment was weak. Inventories were slim. Exports "
        "fell. Consumers held up. Wages rose. Prices were flat.\n\n"
        "The fund warned that the exit of Britain will raise many questions.\n\n"
        "The U.S. Court of Appeals for the Sixth Circuit heard the case in May.\n\n"
        "The district court said that the state had broken the law."
    )
    fund = _by_content(stmts, "raise many questions").speaker
    assert (fund.name, fund.kind) == ("International Monetary Fund", "organisation")
    # "the district court" is no other court named before
    court = _by_content(stmts, "broken the law").speaker
    assert court.name == "district court"


def test_a_share_of_voters_is_a_group_not_an_organisation(extract):
    stmts = extract(
        "A new poll of 1,000 voters was released on Monday.\n\n"
        "Sixty-three percent of voters said that the economy was their first concern.\n\n"
        "About four in 10 voters said that they would not vote at all.\n\n"
        "Two Democratic senators said that the poll was wrong."
    )
    for words in ("the economy was their first concern", "they would not vote at all"):
        share = _by_content(stmts, words).speaker
        assert share.kind == "group" and share.name, share
    # a count of people is no share
    two = _by_content(stmts, "the poll was wrong").speaker
    assert two.name == "Two Democratic senators"


def test_a_full_name_the_tagger_calls_a_body_is_a_person():
    from onrecord.find import nlp
    from onrecord.find.speakers import _given_named

    text = "Carly Fiorina spoke to General Motors, Media Matters and Lincoln Center."
    doc = nlp.load()(text)

    def as_body(name):  # (read as an organisation, whatever the tagger made of it)
        start = text.index(name)
        return doc.char_span(start, start + len(name), label="ORG")

    assert _given_named(as_body("Carly Fiorina"))
    for body in ("General Motors", "Media Matters", "Lincoln Center"):
        assert not _given_named(as_body(body)), body


def test_the_target_of_criticism_is_not_its_author():
    from onrecord import extract
    from onrecord.find.speakers import UNDERGOING

    stmts = extract(
        "The United Nations came under withering criticism for its failure to speak out.\n\n"
        "Mehmet Oz said that the charges were false.",
        mode="default",
    )
    target = _by_content(stmts, "its failure to speak out").speaker
    assert (target.name, target.kind) == (None, "anonymous")
    assert _by_content(stmts, "the charges were false").speaker.name == "Mehmet Oz"
    for cue in ("has been dogged by charges", "has faced sharp criticism for", "drew fire"):
        assert UNDERGOING.search(cue), cue
    for cue in ("charged", "criticized", "said", "questioned", "faced down"):
        assert not UNDERGOING.search(cue), cue


def test_a_surname_the_tagger_reads_as_a_plural_noun_is_the_person(extract):
    text = "Bernie Sanders spoke in Iowa on Monday.\n\nSanders often questions Clinton's ties."
    from onrecord.find import nlp

    later = [t for t in nlp.load()(text) if t.text == "Sanders"][-1]
    assert later.pos_ == "NOUN"  # (what the tagger makes of it: "sanders", the tools)
    sanders = _by_content(extract(text), "Clinton's ties").speaker
    assert (sanders.name, sanders.kind) == ("Bernie Sanders", "person")


def test_it_is_the_subject_before_not_the_body_its_clause_names(extract):
    # "It" is the ad, the subject of the sentence before, and the ad is the campaign's: not
    # the FBI that sentence names last
    stmts = extract(
        "A new ad from Donald Trump's presidential campaign went on air on Friday.\n\n"
        "The ad then references FBI criticism of Clinton's use of a private email system. "
        "It also mentions policies that Trump says allowed terrorism to spread."
    )
    s = _by_content(stmts, "allowed terrorism to spread")
    assert s.speaker.mention == "It"
    assert s.speaker.name == "Donald Trump's presidential campaign"
    assert s.speaker.kind == "organisation"


def test_it_is_an_organisation_named_in_a_subordinate_clause(extract):
    stmts = extract(
        "Donald Trump has called for steep new tariffs on goods from China.\n\n"
        "Although the IMF did not single out Trump's proposals, it said that political "
        "tensions were generating uncertainty."
    )
    s = _by_content(stmts, "political tensions were generating")
    assert (s.speaker.name, s.speaker.kind) == ("IMF", "organisation")


def test_it_is_the_organisation_last_quoted(extract):
    stmts = extract(
        "The Islamic State has previously called for attacks using vehicles, according to "
        "the SITE Intelligence Group, which monitors extremist statements. It said that "
        "supporters of the group were celebrating."
    )
    s = _by_content(stmts, "supporters of the group were celebrating")
    assert s.speaker.name == "SITE Intelligence Group"


def test_a_description_goes_to_whom_the_passage_is_about(extract):
    # no one's title says "Indiana governor"; the passage is about Pence, while Trump is
    # named last, in a subordinate clause
    stmts = extract(
        "Mike Pence says too much is made of Donald Trump's tweets.\n\n"
        "The Republican vice presidential nominee was speaking Friday in Fort Wayne, hours "
        "after Trump unleashed a flurry of tweets attacking a former beauty queen.\n\n"
        "The Indiana governor said that the media are to blame."
    )
    s = _by_content(stmts, "the media are to blame")
    assert s.speaker.name == "Mike Pence"


def test_a_titled_person_is_not_a_description_of_another_office(extract):
    # de Blasio, named last as a subject, is the mayor: "the Republican presidential
    # candidate" is Trump, who spoke before
    stmts = extract(
        "Donald Trump said on Thursday that the city should watch its mosques again.\n\n"
        "Trump called upon Mayor Bill de Blasio to restart the surveillance program. De "
        "Blasio disbanded the unit in April 2014.\n\n"
        '"There is hatred like nobody has ever seen," the Republican presidential '
        "candidate said."
    )
    s = _by_content(stmts, "There is hatred")
    assert s.speaker.name == "Donald Trump"


def test_a_title_s_abbreviation_and_an_apposition_describe_the_person(extract):
    stmts = extract(
        "Sen. Lindsey Graham and Donald Trump spoke at separate events on Thursday. Mary "
        "Smith, the Ohio party chairwoman, was there too.\n\n"
        "Trump said that drilling would start soon. The senator said that clean energy "
        "mattered. The chairwoman said that turnout would be high."
    )
    assert _by_content(stmts, "clean energy mattered").speaker.name == "Lindsey Graham"
    assert _by_content(stmts, "turnout would be high").speaker.name == "Mary Smith"


def test_who_is_made_to_say_it_is_the_speaker(extract):
    # "forced Stumpf to admit": the admission is Stumpf's; "using the tweet to mock": not
    # the tweet's
    stmts = extract(
        "Senator Elizabeth Warren questioned John Stumpf for two hours on Tuesday.\n\n"
        "The senator also forced Stumpf to admit that no senior executives had been held "
        "accountable.\n\n"
        "Donald Trump was using the tweet to mock that Hillary Clinton invited a critic."
    )
    assert _by_content(stmts, "no senior executives").speaker.name == "John Stumpf"
    mock = [s for s in stmts if "invited a critic" in s.content_text]
    assert all(s.speaker.name == "Donald Trump" for s in mock)


def test_people_joined_by_and_speak_together(extract):
    stmts = extract(
        "Sens. Charles E. Grassley, Republican of Iowa, and Patrick J. Leahy, Democrat of "
        "Vermont, want the program changed. They sent a letter on Thursday to Senate "
        'leaders.\n\n"The program has become plagued by fraud," they wrote.\n\n'
        "Grassley and Leahy said that the program should expire."
    )
    pair = "Charles E. Grassley and Patrick J. Leahy"
    wrote = _by_content(stmts, "plagued by fraud")
    assert (wrote.speaker.mention, wrote.speaker.name) == ("they", pair)
    said = _by_content(stmts, "the program should expire")
    assert (said.speaker.name, said.speaker.kind) == (pair, "group")


def test_a_short_headline_s_epithet_is_no_part_of_a_name(extract):
    stmts = extract(
        "Derelict Obama and Clinton;\nTrump will go on offense against terrorism.\n\n"
        "President Obama said on Monday that the country was safe."
    )
    assert _by_content(stmts, "the country was safe").speaker.name == "Obama"


def test_names_glued_by_the_tagger_come_apart():
    # (the default mode: the rules alone find no cue in the first, misparsed sentence)
    from onrecord import extract

    stmts = extract(
        "Donald Trump has long questioned NATO.\n\n"
        "In a March 2016 meeting with the editorial board of the Washington Post Trump said "
        "that U.S. involvement in NATO may need to be diminished.\n\n"
        "According to a new report by Politico, Democratic party insiders are trying to "
        "mobilize black voters."
    )
    assert _by_content(stmts, "involvement in NATO").speaker.name == "Donald Trump"
    assert _by_content(stmts, "insiders are trying").speaker.name == "Politico"


def test_a_platform_an_outlet_or_a_family_is_no_person(extract):
    stmts = extract(
        "Pence was the subject of 60 percent of the conversation about the debate, Twitter "
        "announced on Wednesday.\n\n"
        "The Clintons said that they would release their tax returns.\n\n"
        "Politifact did a fact-check on the claim. In the course of their report they "
        "pointed out that every shooting did not result in a homicide."
    )
    twitter = _by_content(stmts, "60 percent of the conversation")
    assert (twitter.speaker.name, twitter.speaker.kind) == ("Twitter", "organisation")
    clintons = _by_content(stmts, "release their tax returns")
    assert clintons.speaker.kind == "group"
    they = _by_content(stmts, "every shooting did not result")
    assert (they.speaker.name, they.speaker.kind) == ("Politifact", "organisation")


def test_people_named_together_are_one_group_in_either_order(extract):
    stmts = extract(
        "Nancy Foner and Richard Alba said that immigrants were moving to the suburbs.\n\n"
        "Richard Alba and Nancy Foner said that the trend would last."
    )
    names = {s.speaker.name for s in stmts}
    assert names == {"Nancy Foner and Richard Alba"}


def test_a_title_before_a_name_starts_after_its_comma():
    from onrecord.find import nlp
    from onrecord.find.speakers import ArticleSpeakers

    doc = nlp.load()("Weeks later, Russia's leader, Vladimir V. Putin, said the talks were over.")
    [putin] = [p for p in ArticleSpeakers(doc).people if p.name == "Vladimir V. Putin"]
    assert putin.titles == ["Russia's leader"]


def test_a_document_is_whoever_filed_wrote_or_owns_it(extract):
    stmts = extract(
        "Federal officials charged two developers with fraud on Thursday.\n\n"
        "According to a civil complaint filed by the Securities and Exchange Commission, the "
        "developers ran an eight-year scheme.\n\n"
        "Ivana Trump's brief said that was not her view.\n\n"
        "Mexico's economy minister, Ildefonso Guajardo Villarreal, has been traveling.\n\n"
        "A slide from a presentation that Mr. Guajardo Villarreal and his aides carry with "
        "them as they speak to American business leaders shows that Mexico buys more than "
        "Japan.\n\n"
        '"There are invertebrates that have shown more spine than Sen. Charles Grassley," '
        "reads a Wednesday editorial in The Des Moines Register."
    )
    assert _by_content(stmts, "eight-year scheme").speaker.name == (
        "Securities and Exchange Commission"
    )
    assert _by_content(stmts, "not her view").speaker.name == "Ivana Trump"
    assert _by_content(stmts, "Mexico buys more").speaker.name == "Ildefonso Guajardo Villarreal"
    assert _by_content(stmts, "invertebrates").speaker.name == "Des Moines Register"


def test_it_is_the_body_its_own_sentence_names_where_no_thing_is_a_subject(extract):
    stmts = extract(
        "Mr. Hurt's book came out in 1993.\n\n"
        "But when Mr. Hurt asked Norton to republish the book this year, it declined, "
        "saying that the legal risks were too high."
    )
    s = _by_content(stmts, "legal risks were too high")
    assert (s.speaker.name, s.speaker.kind) == ("Norton", "organisation")


def _resolved(text: str, mention: str, after: str = "") -> tuple:
    """The name and kind the resolver gives a mention of ``text`` (the first after
    ``after``), as a statement's speaker: for mentions the extractor's rules seldom give."""
    from onrecord.find import nlp, speakers
    from onrecord.model import Speaker, Statement

    start = text.index(mention, text.index(after) if after else 0)
    stmt = Statement(
        article_id="a",
        speaker=Speaker(None, mention, (start, start + len(mention)), "anonymous"),
        cue=None,
        content_spans=[],
        content_text="",
        kind="indirect",
    )
    speakers.ArticleSpeakers(nlp.load()(text)).resolve(stmt)
    return stmt.speaker.name, stmt.speaker.kind


def test_a_relative_pronoun_speaks_for_the_noun_its_clause_is_on():
    text = (
        "Glenn Beck spoke in Dallas on Sunday.\n\n"
        "Beck, who has in the past described Trump as a narcissist, said nothing.\n\n"
        "The bill was fought by the Saudi government, which has denied any role.\n\n"
        "Relatives of the victims, many of whom say the law is overdue, gathered outside.\n"
    )
    assert _resolved(text, "who") == ("Glenn Beck", "person")
    assert _resolved(text, "which") == ("Saudi government", "organisation")
    assert _resolved(text, "many of whom") == ("Relatives of the victims", "group")


def test_a_document_is_whoever_its_clause_says_made_it_and_the_same_one_later_too(extract):
    stmts = extract(
        "After a late meeting, the Security Council issued a statement on the test. "
        "The statement noted that members would take further measures.\n\n"
        "Just 18 percent of Hispanic voters view Trump favorably in a new Washington "
        "Post-ABC News poll. According to the same poll, Clinton's standing fell in August.\n\n"
        "The goal is to curb activist investors, according to a speech Hillary Clinton "
        "delivered at New York University in July 2015."
    )
    noted = _by_content(stmts, "would take further measures")
    assert (noted.speaker.name, noted.speaker.kind) == ("Security Council", "organisation")
    fell = _by_content(stmts, "standing fell in August")
    assert fell.speaker.name == "Washington Post-ABC News"
    goal = _by_content(stmts, "curb activist investors")
    assert (goal.speaker.name, goal.speaker.kind) == ("Hillary Clinton", "person")


def test_he_after_a_subject_that_is_a_person_s_thing_is_that_person(extract):
    stmts = extract(
        "President Barack Obama met scientists at the White House on Monday.\n\n"
        "Benjamin J. Rhodes, one of the president's closest aides, recalled the meeting.\n\n"
        "The president's Pacific roots also came into play. In Honolulu last week, he told "
        "island leaders that few people understood the stakes better.\n\n"
        "Union leaders praised Phil Smith. Donald Trump's role in the campaign is complicated, "
        "because he said that unions cost jobs."
    )
    told = _by_content(stmts, "few people understood the stakes")
    assert told.speaker.name == "Barack Obama"
    unions = _by_content(stmts, "unions cost jobs")
    assert unions.speaker.name == "Donald Trump"


def test_who_is_the_people_a_place_after_them_belongs_to(extract):
    stmts = extract(
        "The change is likely to placate nervous Democrats on Capitol Hill, who have argued "
        "that it helps down-ballot candidates when Trump is painted as a greedy Republican."
    )
    argued = _by_content(stmts, "it helps down-ballot candidates")
    assert argued.speaker.mention == "nervous Democrats on Capitol Hill"
    assert (argued.speaker.name, argued.speaker.kind) == ("Democrats", "group")


def test_a_surname_that_is_a_title_word_is_a_surname(extract):
    stmts = extract(
        "Larry King and Ed Schultz host shows on RT America.\n\n"
        "Both Mr. King and Mr. Schultz say the network has never told them what to say.\n\n"
        '"I have never been edited," Mr. King said.\n\n'
        "Gov. Jim Justice was asked about the mines, but Mr. Justice declined to say "
        "whether the state would pay."
    )
    assert _by_content(stmts, "I have never been edited").speaker.name == "Larry King"
    both = _by_content(stmts, "the network has never told them")
    assert (both.speaker.name, both.speaker.kind) == ("Ed Schultz and Larry King", "group")
    assert _by_content(stmts, "whether the state would pay").speaker.name == "Jim Justice"


def test_a_group_of_a_named_person_carries_their_full_name(extract):
    stmts = extract(
        "Keith Lamont Scott was shot by police on Tuesday.\n\n"
        "Scott's family called on people to protest peacefully. "
        "Bernie Sanders spoke in Iowa. Mr. Sanders's aides said the crowds were the largest yet."
    )
    family = _by_content(stmts, "people to protest peacefully")
    assert (family.speaker.name, family.speaker.kind) == ("Keith Lamont Scott's family", "group")
    aides = _by_content(stmts, "the crowds were the largest yet")
    assert aides.speaker.name == "Bernie Sanders's aides"


def test_each_of_people_joined_as_a_subject_is_them_together(extract):
    stmts = extract(
        "Donald Trump and Hillary Clinton vied for the title of commander in chief Wednesday, "
        "each touting their own experience and saying the other lacks the judgment to lead."
    )
    said = _by_content(stmts, "the other lacks the judgment")
    assert (said.speaker.mention, said.speaker.kind) == ("each", "group")
    assert said.speaker.name == "Donald Trump and Hillary Clinton"


def test_someone_of_a_named_person_is_not_that_person(extract):
    stmts = extract(
        "President Barack Obama spoke in Hawaii.\n\n"
        "As one of Mr. Obama's climate advisers pointed out, Hawaii does not get "
        "back-to-back hurricanes."
    )
    pointed = _by_content(stmts, "back-to-back hurricanes")
    assert (pointed.speaker.name, pointed.speaker.kind) == (None, "anonymous")


def test_he_after_a_quote_is_not_someone_the_quote_names(extract):
    stmts = extract(
        "President Barack Obama campaigned in Miami on Tuesday.\n\n"
        "Henry Crespo runs the Florida Democratic Black Caucus.\n\n"
        '"No one is writing songs for Hillary. Obama had will.i.am. Hillary has nobody '
        'like that," he said.'
    )
    said = _by_content(stmts, "Obama had will.i.am")
    assert said.speaker.name == "Henry Crespo"


def test_he_after_a_description_as_subject_is_whom_it_describes(extract):
    stmts = extract(
        "Former President Bill Clinton spoke in Ohio on Monday.\n\n"
        "Donald Trump attacked him on Twitter.\n\n"
        "The former president said the attack was unfair. He added that Trump had no plan "
        "for the economy."
    )
    added = _by_content(stmts, "Trump had no plan for the economy")
    assert added.speaker.name == "Bill Clinton"


def test_a_name_set_off_at_a_mention_s_end_is_its_speaker(extract):
    stmts = extract(
        "Bryan Pagliano refused to testify on Tuesday.\n\n"
        "An attorney for Pagliano, Mark MacDougall, stressed that his client was ready to "
        "appear behind closed doors.\n\n"
        "Last week, I caught Larry King on his network. His guest, the actress and activist "
        "Kamala Lopez, was emotional as she said that the amendment was overdue.\n\n"
        "A web video by the Republican National Committee says that Kaine defended killers."
    )
    stressed = _by_content(stmts, "his client was ready")
    assert stressed.speaker.name == "Mark MacDougall"
    assert _by_content(stmts, "the amendment was overdue").speaker.name == "Kamala Lopez"
    video = _by_content(stmts, "Kaine defended killers")
    assert video.speaker.name == "Republican National Committee"


def test_plural_documents_are_no_group_and_results_are_their_poll_s(extract):
    stmts = extract(
        "Polls show that few Americans think of climate change as a high priority.\n\n"
        "Clinton leads by four points, according to the results of the latest Quinnipiac "
        "University poll released Wednesday.\n\n"
        "Other WikiLeaks emails combed through by Vox suggest that Oz puts business first."
    )
    polls = _by_content(stmts, "few Americans think of climate change")
    assert (polls.speaker.name, polls.speaker.kind) == (None, "anonymous")
    leads = _by_content(stmts, "Clinton leads by four points")
    assert (leads.speaker.name, leads.speaker.kind) == ("Quinnipiac University", "organisation")
    assert _by_content(stmts, "Oz puts business first").speaker.name != "Vox"


def test_a_body_s_name_beside_a_common_noun_and_no_name_of_a_word_for_bodies():
    text = (
        "Marco Rubio dropped out on March 15.\n\n"
        "Disclosures were filed by Conservative Solutions, a super PAC that backed Mr. Rubio.\n\n"
        "But a super PAC supporting Mrs. Clinton's candidacy, Priorities USA Action, may start "
        "running ads.\n\n"
        "A super PAC said it would spend heavily.\n"
    )
    assert _resolved(text, "that", "super PAC") == ("Conservative Solutions", "organisation")
    assert _resolved(text, "a super PAC", "But") == ("Priorities USA Action", "organisation")
    assert _resolved(text, "A super PAC") == (None, "anonymous")
    assert _resolved(text, "Mr.") == ("Marco Rubio", "person")


def test_bodies_and_peoples_joined_by_and_speak_together(extract):
    stmts = extract(
        "Ahead of Friday's meeting, France and Germany unveiled a proposal that would create "
        "a joint military headquarters.\n\n"
        "In Washington, both Democrats and Republicans have questioned Europe's reliance on "
        "the United States for defense."
    )
    questioned = _by_content(stmts, "Europe's reliance on the United States")
    assert (questioned.speaker.name, questioned.speaker.kind) == (
        "Democrats and Republicans",
        "group",
    )
