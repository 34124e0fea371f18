"""The category of a statement: speech, belief, finding or other, from its cue, its source and
the shape of its content."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from onrecord.cli import main
from onrecord.find import nlp
from onrecord.find.category import category, shape
from onrecord.record import migrations, store


@pytest.mark.parametrize(
    ("lemma", "cue", "mention", "expected"),
    [
        ("say", "said", "Clinton", "speech"),
        ("tell", "told", "the ministry", "speech"),
        ("according", "according to", "the ministry", "speech"),
        ("according", "according to", "a report by the ministry", "speech"),  # a document
        ("according", "according to", "a Gallup poll", "finding"),
        ("according", "according to", "new census data", "finding"),
        ("think", "thinks", "Trump", "belief"),
        ("fear", "fear", "Many voters", "belief"),
        ("want", "wants", "he", "belief"),
        ("show", "showed", "A new poll", "finding"),
        ("find", "found", "the study", "finding"),
        ("find", "found", "the senator", "finding"),  # (kind unknown)
        ("find", "found", "Pew", "finding"),
        ("show", "showed", "Trump", "speech"),  # a person who "showed" something said it
        ("say", "said", "A Pew Research Center survey released Thursday", "finding"),
        ("say", "said", "a spokesman for the research institute", "speech"),
        (":", ":", "Poll", "finding"),
        ("put", "puts", "Gallup's own tracking poll", "finding"),
        ("say", "said", "a study by Michael Greenstone", "finding"),
        ("suggest", "suggested", "Trump", "speech"),
        ("seem", "seems", None, "finding"),
        ("expect", "is expected", None, "finding"),
        ("expect", "expects", "Smith", "belief"),
        (None, None, None, "speech"),
        ("say", "said", "Another 19 percent", "finding"),  # a poll's share of people
        ("say", "say", "About four in 10 voters", "finding"),
        ("say", "said", "64% of Republicans", "finding"),
        ("say", "said", "two senators", "speech"),  # a count of people is no share
        ("call", "stopped short of calling", "Trump", "other"),  # words not said
        ("say", "declined to say", "the spokesman", "other"),
        ("describe", "would have described", "Few people", "other"),
        ("suggest", "suggests", "the truck story", "finding"),  # a thing's evidence
        ("suggest", "suggest", "other WikiLeaks emails", "finding"),
        ("suggest", "suggested", "experts", "speech"),  # people suggest
        ("suggest", "suggested", "Trump", "speech"),
        ("show", "shows", "the family", "speech"),
    ],
)
def test_category_from_cue_and_source(lemma, cue, mention, expected):
    assert category(lemma, cue, mention) == expected


def test_a_person_who_found_something_said_it():
    assert category("find", "found", "the senator", "person") == "speech"
    assert category("find", "found", "Pew", "organisation") == "finding"


@pytest.mark.parametrize(
    ("lemma", "content", "expected"),
    [
        ("say", "quote", "speech"),
        ("use", "quote", "speech"),  # quoted words are somebody's words
        ("say", "clause", "speech"),
        ("agree", "clause", "speech"),  # "agreed that ..."
        ("agree", "infinitive", "other"),  # "agreed to lend him $5 million"
        ("urge", "infinitive", "speech"),  # "urged Congress to act"
        ("vow", "infinitive", "speech"),
        ("refuse", "infinitive", "other"),  # "refused to pledge ..."
        ("ask", "question", "speech"),  # "asked whether ..."
        ("explain", "question", "other"),  # "explained why he backs Trump": a topic
        ("praise", "phrase", "speech"),  # "praised her proposals"
        ("endorse", "phrase", "other"),  # "endorsed the Democratic nominee"
        ("back", "phrase", "other"),
        ("highlight", "clause", "other"),
        ("criticize", "word", "other"),  # "criticized Clinton": nothing said in it
        ("say", "headline", "other"),  # "Former White House Doctor Says Clinton Hid ..."
        ("back", None, "speech"),  # a row stored before shapes were read: as before them
    ],
)
def test_speech_needs_a_cue_of_saying_and_a_content_that_says_something(lemma, content, expected):
    assert category(lemma, lemma, "Smith", "person", content) == expected


@pytest.mark.parametrize(
    ("lemma", "cue", "content", "expected"),
    [
        ("speak", "spoke about", "phrase", "other"),  # "spoke about her ties to …": a topic
        ("ask", "Asked about", "phrase", "other"),
        ("speak", "spoke about", "clause", "speech"),  # "spoke about how taxes will rise"
        ("report", "was first reported", "phrase", "other"),  # "The issue was first reported"
        ("report", "was first reported", "clause", "speech"),
        ("demand", "is demanding", "phrase", "speech"),  # (no passive: "is demanding X")
        ("praise", "praised", "phrase", "speech"),
        ("speak", "spoke of", "phrase", "other"),  # "spoke of the legacy of racism"
        ("accuse", "has been accused of", "phrase", "speech"),  # the charge, by somebody
    ],
)
def test_a_topic_or_a_passive_report_of_a_phrase_is_other(lemma, cue, content, expected):
    assert category(lemma, cue, "Smith", "person", content) == expected


def test_a_belief_or_a_finding_whatever_the_shape():
    assert category("think", "thinks", "Smith", "person", "phrase") == "belief"
    assert category("show", "showed", "a new poll", None, "phrase") == "finding"
    assert category("estimate", "estimates", "the Tax Policy Center", "organisation") == "finding"


@pytest.mark.parametrize(
    ("text", "content", "expected"),
    [
        ("He said that taxes will rise.", "that taxes will rise", "clause"),
        ("He said taxes will rise.", "taxes will rise", "clause"),
        ("He urged Congress to act quickly.", "Congress to act quickly", "infinitive"),
        ("He agreed to lend them money.", "to lend them money", "infinitive"),
        ("She explained why she backs Trump.", "why she backs Trump", "question"),
        ("She praised his plan to cut taxes.", "his plan to cut taxes", "phrase"),
        (
            "They protested the system, which critics say hurts schools.",
            "the system, which critics say hurts schools",
            "phrase",  # a relative clause inside a noun phrase
        ),
        ("She criticized Clinton.", "Clinton", "word"),
        ("Obama barely mentioned climate change.", "climate change", "word"),  # a topic
        ("Ivanka Trump noted the rule.", "the rule", "word"),
        ("He denied that he knew.", "that he knew", "clause"),  # (short, with a verb)
        ("She praised the new tax plan.", "the new tax plan", "phrase"),  # (four words)
        (
            "Doctor Says Clinton Hid Past Health Problems From Public",
            "Clinton Hid Past Health Problems From Public",
            "headline",
        ),
        ("Obama said it before he died in 2014.", "before he died in 2014", "adverbial"),
        (
            "He said though that transition was seamless, the next would be harder.",
            "though that transition was seamless, the next would be harder",
            "clause",  # (the main clause is there too)
        ),
    ],
)
def test_the_shape_of_a_content_from_its_parse(text, content, expected):
    doc = nlp.load()(text)
    start = text.index(content)
    span = doc.char_span(start, start + len(content), alignment_mode="contract")
    assert shape(list(span), quoted=False) == expected
    assert shape(list(span), quoted=True) == "quote"


TEXT = (
    "A new Gallup poll showed that Clinton leads in Ohio by four points.\n\n"
    "Trump thinks the race in Ohio is rigged against him.\n\n"
    '"We will win Ohio in November," Clinton said on Monday.\n\n'
    "The union endorsed Clinton's campaign for the White House on Friday.\n"
)


def test_extract_stores_and_filters_by_category(extract, tmp_path):
    found = {s.cue.text: s.category for s in extract(TEXT)}
    assert found == {
        "showed": "finding",
        "thinks": "belief",
        "said": "speech",
        "endorsed": "other",
    }
    (tmp_path / "a.txt").write_text(TEXT)
    db = str(tmp_path / "c.db")
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(tmp_path / "a.txt"), "--db", db]).exit_code == 0
    rows = json.loads(runner.invoke(main, ["statements", "--db", db, "--format", "json"]).stdout)
    assert [r["category"] for r in rows] == ["speech"]  # speech unless asked for another
    every = ["statements", "--db", db, "--format", "json", "--category", "all"]
    rows = json.loads(runner.invoke(main, every).stdout)
    assert sorted(r["category"] for r in rows) == ["belief", "finding", "other", "speech"]
    beliefs = runner.invoke(
        main, ["statements", "--db", db, "--category", "belief", "--format", "json"]
    )
    assert [r["cue"]["text"] for r in json.loads(beliefs.stdout)] == ["thinks"]
    bad = runner.invoke(main, ["statements", "--db", db, "--category", "opinion"])
    assert bad.exit_code == 2


def test_the_upgrade_gives_old_rows_their_category(tmp_path):
    # a record of schema 9 (before the category): the upgrade reads it off the cue and source
    path = tmp_path / "old.db"
    conn = store.connect(path)
    conn.execute("DROP INDEX statements_category")
    conn.execute("ALTER TABLE statements DROP COLUMN category")
    conn.execute(
        """INSERT INTO articles(id, text, ingested_at)
           VALUES ('a', 'A poll showed it. He thinks so.', '2024-01-01')"""
    )
    for sid, lemma, cue, mention in (
        ("s1", "show", "showed", "A poll"),
        ("s2", "think", "thinks", "He"),
    ):
        conn.execute(
            """INSERT INTO statements(id, article_id, seq, speaker_kind, speaker_mention,
               cue_text, cue_lemma, content_text, content_spans, kind)
               VALUES (?, 'a', 0, 'anonymous', ?, ?, ?, 'it', '[[0, 1]]', 'indirect')""",
            (sid, mention, cue, lemma),
        )
    conn.execute("PRAGMA user_version = 9")
    conn.commit()
    conn.close()
    assert migrations.MIGRATIONS[9] is migrations._category  # (version 10)
    conn = store.connect(path)
    got = dict(conn.execute("SELECT id, category FROM statements"))
    assert got == {"s1": "finding", "s2": "belief"}
