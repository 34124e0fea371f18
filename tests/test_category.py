"""The category of a statement: speech, belief or finding, from its cue and its source."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from onrecord.cli import main
from onrecord.find.category import category
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
    ],
)
def test_category_from_cue_and_source(lemma, cue, mention, expected):
    assert category(lemma, cue, mention) == expected


def test_a_person_who_found_something_said_it():
    assert category("find", "found", "the senator", "person") == "speech"
    assert category("find", "found", "Pew", "organisation") == "finding"


TEXT = (
    "A new Gallup poll showed that Clinton leads in Ohio by four points.\n\n"
    "Trump thinks the race in Ohio is rigged against him.\n\n"
    '"We will win Ohio in November," Clinton said on Monday.\n'
)


def test_extract_stores_and_filters_by_category(extract, tmp_path):
    found = {s.cue.text: s.category for s in extract(TEXT)}
    assert found == {"showed": "finding", "thinks": "belief", "said": "speech"}
    (tmp_path / "a.txt").write_text(TEXT)
    db = str(tmp_path / "c.db")
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(tmp_path / "a.txt"), "--db", db]).exit_code == 0
    rows = json.loads(runner.invoke(main, ["statements", "--db", db, "--format", "json"]).stdout)
    assert [r["category"] for r in rows] == ["speech"]  # speech unless asked for another
    every = ["statements", "--db", db, "--format", "json", "--category", "all"]
    rows = json.loads(runner.invoke(main, every).stdout)
    assert sorted(r["category"] for r in rows) == ["belief", "finding", "speech"]
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
