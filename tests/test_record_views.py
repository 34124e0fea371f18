"""The record's default views, and confidence. Speech first: the default views of the record
(``onrecord statements`` and ``timeline``, the search page, a speaker's page and timeline
API) show speech and say what they hide; ``/api/statements`` gives every category unless
asked. ``min_confidence`` filters everywhere it is offered, a confidence below 0.5 is marked,
and migration 11 makes the confidence of rows stored before it was measured unknown (NULL).

The record here is written by hand, so that every count below is known: one article, one
speaker, six statements.

    id  category  confidence
    s1  speech    0.2   (low)
    s2  speech    None  (not measured)
    s3  speech    0.5   (the threshold itself: not low)
    s4  belief    0.8
    s5  finding   0.7
    s6  finding   None
"""

from __future__ import annotations

import csv
import json
import sqlite3

import lxml.html
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from onrecord.cli import main
from onrecord.model import Article, Cue, Speaker, Statement
from onrecord.record import entities, migrations, query, schema, store
from onrecord.web.app import create_app

TEXT = (
    "Anna Smith said the bridge opens in May. Smith told reporters the budget grows. "
    "Smith said the mayor resigns. Smith thinks taxes will rise. Smith showed support at 40 "
    "percent. Smith found the river is clean."
)
ARTICLE = Article(
    id="c" * 16, text=TEXT, path="c.txt", outlet="Daily", published="2024-03-01", title="C"
)
# content, cue, cue lemma, category, confidence
ROWS = [
    ("the bridge opens in May", "said", "say", "speech", 0.2),
    ("the budget grows", "told", "tell", "speech", None),
    ("the mayor resigns", "said", "say", "speech", 0.5),
    ("taxes will rise", "thinks", "think", "belief", 0.8),
    ("support at 40 percent", "showed", "show", "finding", 0.7),
    ("the river is clean", "found", "find", "finding", None),
]


def _statements() -> list[Statement]:
    out, at = [], 0
    for content, cue, lemma, category, confidence in ROWS:
        start = TEXT.index(content, at)
        cue_start = TEXT.rindex(cue, 0, start)
        at = start + len(content)
        out.append(
            Statement(
                ARTICLE.id,
                Speaker("Anna Smith", "Anna Smith", (0, 10), "person", (0, 10)),
                Cue(cue, (cue_start, cue_start + len(cue)), lemma),
                [(start, at)],
                content,
                "indirect",
                category=category,
                confidence=confidence,
                speech_act="claim",
            )
        )
    return out


STATEMENTS = _statements()
IDS = {f"s{n}": schema.statement_id(s) for n, s in enumerate(STATEMENTS, 1)}
NAME = {sid: key for key, sid in IDS.items()}


def names(rows: list[dict]) -> set[str]:
    return {NAME[r["id"]] for r in rows}


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("confidence") / "c.db"
    conn = store.connect(path)
    store.write_article(conn, ARTICLE, STATEMENTS)
    entities.rebuild(conn)
    conn.close()
    return str(path)


# --- the record: what is stored, filtered and exported --------------------------------------


def test_confidence_is_stored_as_given_and_unknown_stays_unknown(db):
    conn = store.connect(db, readonly=True)
    got = {NAME[s["id"]]: s["confidence"] for s in query.statements(conn)}
    assert got == {"s1": 0.2, "s2": None, "s3": 0.5, "s4": 0.8, "s5": 0.7, "s6": None}


@pytest.mark.parametrize(
    ("minimum", "category", "expected"),
    [
        (None, None, {"s1", "s2", "s3", "s4", "s5", "s6"}),
        (0.5, None, {"s3", "s4", "s5"}),  # 0.5 itself included; unknown never
        (0.0, None, {"s1", "s3", "s4", "s5"}),  # even 0 leaves the unknown out
        (0.75, None, {"s4"}),
        (1.0, None, set()),
        (0.5, "speech", {"s3"}),
        (None, "finding", {"s5", "s6"}),
    ],
)
def test_min_confidence_filter(db, minimum, category, expected):
    conn = store.connect(db, readonly=True)
    filters = query.Filters(min_confidence=minimum, category=category)
    assert names(query.statements(conn, filters)) == expected
    assert query.count(conn, filters) == len(expected)


@pytest.mark.parametrize("bad", [1.5, -0.1, float("nan"), float("inf"), True])
def test_a_min_confidence_outside_0_to_1_is_refused(db, bad):
    conn = store.connect(db, readonly=True)
    with pytest.raises(ValueError, match="min_confidence must be a number from 0 to 1"):
        query.statements(conn, query.Filters(min_confidence=bad))


def test_typed_min_confidence():
    assert query.parse_confidence(".7") == 0.7
    assert query.parse_confidence("1") == 1.0
    assert query.parse_confidence("") is None and query.parse_confidence(None) is None
    for bad in ("abc", "1.01", "nan", "inf", "0x1"):
        with pytest.raises(ValueError, match=f"not '{bad}'"):
            query.parse_confidence(bad)


def test_category_counts_and_what_a_view_hides(db):
    conn = store.connect(db, readonly=True)
    counts = query.category_counts(conn, query.Filters(category="speech"))
    assert counts == {"speech": 3, "belief": 1, "finding": 2}  # the category filter lifted
    assert query.hidden(counts, "speech") == "1 belief and 2 findings"
    assert query.hidden(counts, "belief") == "2 findings and 3 speech statements"
    assert query.hidden(counts, None) is None
    assert query.hidden({"speech": 3}, "speech") is None
    high = query.category_counts(conn, query.Filters(min_confidence=0.75))
    assert high == {"belief": 1}


def test_exports_carry_confidence_with_unknown_as_empty(db, tmp_path):
    conn = store.connect(db, readonly=True)
    query.export(conn, "csv", tmp_path / "c.csv")
    rows = {NAME[r["id"]]: r for r in csv.DictReader((tmp_path / "c.csv").open(encoding="utf-8"))}
    assert (rows["s1"]["confidence"], rows["s2"]["confidence"]) == ("0.2", "")
    query.export(conn, "parquet", tmp_path / "c.parquet")
    table = pq.read_table(tmp_path / "c.parquet")
    assert str(table.schema.field("confidence").type) == "double"
    got = {NAME[r["id"]]: r["confidence"] for r in table.to_pylist()}
    assert got == {"s1": 0.2, "s2": None, "s3": 0.5, "s4": 0.8, "s5": 0.7, "s6": None}
    query.export(conn, "jsonl", tmp_path / "c.jsonl")
    lines = [json.loads(line) for line in (tmp_path / "c.jsonl").read_text().splitlines()]
    assert {NAME[r["id"]]: r["confidence"] for r in lines}["s6"] is None


def test_timeline_by_category(db):
    conn = store.connect(db, readonly=True)
    every = query.timeline(conn, "Anna Smith")
    assert (every["total"], every["category"]) == (6, "all")
    speech = query.timeline(conn, "Anna Smith", category="speech")
    assert (speech["total"], speech["category"]) == (3, "speech")
    assert names(speech["statements"]) == {"s1", "s2", "s3"}
    assert speech["categories"] == {"speech": 3, "belief": 1, "finding": 2}
    assert sum(n for b in speech["buckets"] for n in b["acts"].values()) == 3  # the chart too
    with pytest.raises(ValueError, match="category must be one of"):
        query.timeline(conn, "Anna Smith", category="opinion")


# --- migration 11 ---------------------------------------------------------------------------


def _schema_10(path) -> None:
    """A record as schema 10 wrote it: confidence NOT NULL, 1.0 for every row (measured by
    nothing), with a signature and the full-text index."""
    raw = sqlite3.connect(path)
    for step in migrations.MIGRATIONS[:10]:
        if callable(step):
            step(raw)
        else:
            migrations._run_script(raw, step)
    raw.execute("PRAGMA user_version = 10")
    raw.execute(
        "INSERT INTO articles(id, text, ingested_at) VALUES ('a', 'Tom Hale warned of taxes.', 'now')"
    )
    for sid in ("s1", "s2"):
        raw.execute(
            """INSERT INTO statements(id, article_id, seq, speaker_name, speaker_kind,
               content_text, content_spans, kind, cluster_id)
               VALUES (?, 'a', 0, 'Tom Hale', 'person', 'of taxes', '[[16, 24]]', 'indirect', ?)""",
            (sid, sid),
        )
        raw.execute("INSERT INTO minhashes(statement_id, signature) VALUES (?, x'00')", (sid,))
    raw.commit()
    raw.close()


def _confidence_column(conn) -> tuple:
    """(notnull, default) of statements.confidence."""
    row = next(r for r in conn.execute("PRAGMA table_info(statements)") if r[1] == "confidence")
    return row[3], row[4]


def test_migration_11_makes_old_confidence_unknown(tmp_path):
    path = tmp_path / "v10.db"
    _schema_10(path)
    raw = sqlite3.connect(path)
    assert _confidence_column(raw) == (1, "1.0")
    assert raw.execute("SELECT confidence FROM statements").fetchall() == [(1.0,), (1.0,)]
    raw.close()
    assert migrations.MIGRATIONS[10] is migrations._confidence_unknown  # (version 11)
    # step 11 alone, foreign keys on: the signatures stay (no cascade; step 12 drops them on
    # purpose, to cluster again)
    import shutil

    shutil.copy(path, tmp_path / "v10-copy.db")
    alone = sqlite3.connect(tmp_path / "v10-copy.db", isolation_level=None)
    alone.execute("PRAGMA foreign_keys = ON")
    alone.execute("BEGIN")
    migrations._confidence_unknown(alone)
    alone.execute("COMMIT")
    assert alone.execute("SELECT COUNT(*) FROM minhashes").fetchone()[0] == 2
    alone.close()
    conn = store.connect(path)  # opening for writing upgrades
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    assert _confidence_column(conn) == (0, None)
    assert [r[0] for r in conn.execute("SELECT confidence FROM statements")] == [None, None]
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # nothing else moved: the full-text index, the rows' JSON
    found = query.statements(conn, search="taxes")
    assert [s["id"] for s in found] == ["s1", "s2"] and found[0]["confidence"] is None
    assert query.statements(conn, query.Filters(min_confidence=0)) == []
    # rows written from now on keep what the extractor gives, an unknown one too
    store.write_article(conn, ARTICLE, STATEMENTS[:2])
    stored = dict(
        conn.execute("SELECT id, confidence FROM statements WHERE article_id = ?", (ARTICLE.id,))
    )
    assert stored == {IDS["s1"]: 0.2, IDS["s2"]: None}
    # a database made new runs the same step: the same column
    fresh = store.connect(tmp_path / "new.db")
    assert _confidence_column(fresh) == (0, None)


def test_migration_11_is_all_or_nothing(tmp_path, monkeypatch):
    """A failure after the table's definition was edited leaves the record of schema 10 as it
    was: the definition, the values and the version."""
    path = tmp_path / "v10.db"
    _schema_10(path)

    def edited_then_failed(conn):
        migrations._confidence_unknown(conn)
        raise RuntimeError("power cut")

    steps = [*migrations.MIGRATIONS[:10], edited_then_failed]
    monkeypatch.setattr(migrations, "MIGRATIONS", steps)
    with pytest.raises(RuntimeError, match="power cut"):
        store.connect(path)
    raw = sqlite3.connect(path)
    assert _confidence_column(raw) == (1, "1.0")
    assert raw.execute("SELECT confidence FROM statements").fetchall() == [(1.0,), (1.0,)]
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 10
    raw.close()
    monkeypatch.undo()
    conn = store.connect(path)
    assert _confidence_column(conn) == (0, None)


# --- the command line -----------------------------------------------------------------------


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_statements_show_speech_unless_asked(db):
    result = _run("statements", "--db", db, "--format", "json")
    assert result.exit_code == 0, result.output
    assert names(json.loads(result.stdout)) == {"s1", "s2", "s3"}
    # what is hidden goes to stderr beside a machine format, not into it
    assert result.stderr == "1 belief and 2 findings hidden; --category all shows every kind\n"
    every = _run("statements", "--db", db, "--format", "json", "--category", "all")
    assert names(json.loads(every.stdout)) == set(IDS) and every.stderr == ""
    findings = _run("statements", "--db", db, "--format", "json", "--category", "finding")
    assert names(json.loads(findings.stdout)) == {"s5", "s6"}
    assert (
        findings.stderr
        == "1 belief and 3 speech statements hidden; --category all shows every kind\n"
    )


def test_statements_table_shows_confidence_and_the_hidden(db):
    result = _run("statements", "--db", db)
    lines = result.stdout.splitlines()
    header = lines[0]
    assert header.split()[:4] == ["ID", "SPEAKER", "KIND", "CONF"]
    column = header.index("CONF")
    conf = {NAME[line.split()[0]]: line[column : column + 4].strip() for line in lines[2:5]}
    assert conf == {"s1": "0.20", "s2": "—", "s3": "0.50"}
    assert lines[-2:] == [
        "3 speech statement(s)",
        "1 belief and 2 findings hidden; --category all shows every kind",
    ]
    high = _run("statements", "--db", db, "--min-confidence", "0.5", "--category", "all")
    assert high.stdout.splitlines()[-1] == "3 statement(s)"  # s3, s4, s5


@pytest.mark.parametrize("bad", ["1.5", "-1", "nan", "abc"])
def test_min_confidence_option_is_checked(db, bad):
    result = _run("statements", "--db", db, "--min-confidence", bad)
    assert result.exit_code == 2
    assert "Invalid value for '--min-confidence'" in result.output
    if bad != "abc":  # (click's own words for a word that is no number)
        assert "must be a number from 0 to 1" in result.output


def test_timeline_command_shows_speech_unless_asked(db):
    result = _run("timeline", "Anna Smith", "--db", db)
    first = result.stdout.splitlines()[0]
    assert (
        first
        == "Anna Smith (person): 3 speech statement(s); 1 belief and 2 findings hidden (--category all)"
    )
    every = json.loads(
        _run("timeline", "Smith", "--db", db, "--category", "all", "--format", "json").stdout
    )
    assert every["total"] == len(every["statements"]) == 6


# --- the web app ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def web(db):
    with TestClient(create_app(db), base_url="http://127.0.0.1") as client:
        yield client


def page(web, url: str):
    response = web.get(url)
    assert response.status_code == 200, (url, response.text[:300])
    return lxml.html.fromstring(response.text)


def text(doc, xpath: str) -> str:
    return " ".join(doc.xpath(xpath)[0].text_content().split())


def listed(doc) -> set[str]:
    return {NAME[i] for i in doc.xpath('//li[@class="statement"]/@data-id')}


def test_search_page_shows_speech_and_says_what_it_hides(web):
    doc = page(web, "/")
    assert listed(doc) == {"s1", "s2", "s3"}
    assert text(doc, '//p[@class="summary"]').startswith("3 speech statements ·")
    assert text(doc, '//span[@class="of"]') == "of 6 statements of every kind from 1 articles"
    line = doc.xpath('//p[@class="hidden-categories"]')[0]
    assert " ".join(line.text_content().split()) == (
        "Showing speech; 1 belief and 2 findings hidden — show all"
    )
    assert line.xpath("a/@href") == ["/?category=all"]
    assert doc.xpath('//select[@name="category"]/option[@selected]/@value') == ["speech"]
    assert "all" in doc.xpath('//select[@name="category"]/option/@value')
    # the category facet counts every category under the other filters; speech chosen, and
    # its ✕ shows all
    facet = doc.xpath('//section[@data-facet="category"]//li')
    counts = {
        li.xpath("a")[0].text_content().strip(" ✕"): li.xpath('span[@class="count"]/text()')[0]
        for li in facet
    }
    assert counts == {"speech": "3", "belief": "1", "finding": "2"}
    chosen = doc.xpath('//section[@data-facet="category"]//li[@class="chosen"]/a/@href')
    assert chosen == ["/?category=all"]
    assert (
        doc.xpath('//a[@class="filter"]') == []
    )  # the page's own choice is no filter of the user's
    # the page's JSON twin asks for what the page shows
    twin = doc.xpath('//footer/a[@class="json"]/@href')[0]
    assert names(web.get(twin).json()["statements"]) == {"s1", "s2", "s3"}


def test_search_page_of_every_kind_and_of_one(web):
    doc = page(web, "/?category=all")
    assert listed(doc) == set(IDS)
    assert text(doc, '//p[@class="summary"]').startswith("6 statements ·")
    assert doc.xpath('//p[@class="hidden-categories"]') == []
    assert doc.xpath('//select[@name="category"]/option[@selected]/@value') == ["all"]
    doc = page(web, "/?category=finding")
    assert listed(doc) == {"s5", "s6"}
    assert text(doc, '//p[@class="summary"]').startswith("2 findings ·")
    assert text(doc, '//p[@class="hidden-categories"]') == (
        "Showing findings; 1 belief and 3 speech statements hidden — show all"
    )
    assert {a.get("data-param"): a.get("href") for a in doc.xpath('//a[@class="filter"]')} == {
        "category": "/?category=all"
    }


def test_api_gives_every_category_unless_asked(web):
    every = web.get("/api/statements").json()
    assert every["total"] == 6 and names(every["statements"]) == set(IDS)
    assert web.get("/api/statements", params={"category": "all"}).json()["total"] == 6
    speech = web.get("/api/statements", params={"category": "speech"}).json()
    assert names(speech["statements"]) == {"s1", "s2", "s3"}


def test_api_min_confidence(web):
    high = web.get("/api/statements", params={"min_confidence": "0.5"}).json()
    assert names(high["statements"]) == {"s3", "s4", "s5"} and high["total"] == 3
    for bad in ("abc", "1.5", "-0.5", "nan"):
        answer = web.get("/api/statements", params={"min_confidence": bad})
        assert answer.status_code == 400, bad
        assert answer.json() == {
            "error": f"min_confidence must be a number from 0 to 1, not '{bad}'",
            "status": 400,
        }
    bad_page = web.get("/", params={"min_confidence": "abc"})
    assert bad_page.status_code == 400 and "min_confidence must be a number" in bad_page.text


def test_search_page_min_confidence_control(web):
    doc = page(web, "/?min_confidence=0.5&category=all")
    assert listed(doc) == {"s3", "s4", "s5"}
    assert doc.xpath('//input[@name="min_confidence"]/@value') == ["0.5"]
    removers = {a.get("data-param"): a.get("href") for a in doc.xpath('//a[@class="filter"]')}
    assert removers["min_confidence"] == "/?category=all"
    assert "confidence at least: 0.5" in text(doc, '//p[@class="filters"]')
    # the default page: the control is there, empty
    assert page(web, "/").xpath('//input[@name="min_confidence"]/@value') == [""]


def test_low_confidence_is_marked_in_lists_and_on_the_statement_page(web):
    doc = page(web, "/?category=all")
    marked = doc.xpath(
        '//li[@class="statement"][.//span[contains(@class, "low-confidence")]]/@data-id'
    )
    assert [NAME[i] for i in marked] == ["s1"]  # not s2 (unknown), not s3 (0.5 itself)
    badge = doc.xpath('//span[contains(@class, "low-confidence")]')[0]
    assert badge.text_content() == "low confidence" and "0.20, below 0.5" in badge.get("title")
    s1 = page(web, f"/statements/{IDS['s1']}")
    assert text(s1, '//dd[@class="confidence"]') == "0.20 low confidence"
    s2 = page(web, f"/statements/{IDS['s2']}")
    assert text(s2, '//dd[@class="confidence"]').startswith("— (not measured")
    assert s2.xpath('//span[contains(@class, "low-confidence")]') == []
    s3 = page(web, f"/statements/{IDS['s3']}")
    assert text(s3, '//dd[@class="confidence"]') == "0.50"
    article = page(web, f"/articles/{ARTICLE.id}")
    assert len(article.xpath('//aside//span[contains(@class, "low-confidence")]')) == 1


def test_speaker_timeline_shows_speech_unless_asked(web):
    speaker = web.get("/api/speakers").json()["speakers"][0]
    base = f"/api/speakers/{speaker['id']}/timeline"
    line = web.get(base).json()
    assert (line["total"], line["category"]) == (3, "speech")
    assert names(line["statements"]) == {"s1", "s2", "s3"}
    assert line["categories"] == {"speech": 3, "belief": 1, "finding": 2}
    every = web.get(base, params={"category": "all"}).json()
    assert (every["total"], every["category"]) == (6, "all")
    assert web.get(base, params={"category": "opinion"}).status_code == 400
    doc = page(web, f"/speakers/{speaker['id']}")
    assert listed(doc) == {"s1", "s2", "s3"}
    assert text(doc, '//p[@class="hidden-categories"]') == (
        "Showing speech; 1 belief and 2 findings hidden — show all"
    )
    assert "3 speech statements, newest first" in [
        " ".join(h.text_content().split()) for h in doc.xpath("//h2")
    ]
    # the totals above the list are of every kind, and say so
    assert (
        text(doc, '//p[@class="counts-label"]')
        == "Totals over all of Anna Smith’s statements, of every kind:"
    )
    assert doc.xpath('//dd[@class="n-statements"]/text()') == ["6"]
    doc = page(web, f"/speakers/{speaker['id']}?category=all")
    assert listed(doc) == set(IDS) and doc.xpath('//p[@class="hidden-categories"]') == []


# --- what 'show' says, the category column, the timeline's minimum confidence ---------------


def test_show_says_category_and_confidence_and_marks_low(db):
    def facts(key: str) -> dict[str, str]:
        result = _run("show", IDS[key], "--db", db)
        assert result.exit_code == 0, result.output
        lines = result.stdout.split("\n\n", 1)[1].splitlines()  # after the marked text
        return dict(line.strip().split(": ", 1) for line in lines if ": " in line)

    s1 = facts("s1")
    assert s1["category"] == "speech"
    assert s1["confidence"] == "0.20 (low confidence: below 0.5, check it in the article)"
    assert facts("s2")["confidence"] == "— (not measured)"
    assert facts("s3")["confidence"] == "0.50"  # the threshold itself is not low
    s4 = facts("s4")
    assert (s4["category"], s4["confidence"]) == ("belief", "0.80")
    assert facts("s6")["category"] == "finding"


def _column(stdout: str, name: str) -> dict[str, str]:
    """{statement: its cell in column ``name``} of a statement table (the id first)."""
    header, rule, *rows = stdout.split("\n\n")[0].splitlines()
    at = header.index(name)
    width = len(rule[at:].split("  ")[0])  # the column's rule: dashes as wide as it is
    return {NAME[row.split()[0]]: row[at : at + width].strip() for row in rows}


def test_statements_table_shows_category_where_several_can_appear(db):
    every = _run("statements", "--db", db, "--category", "all").stdout
    assert every.splitlines()[0].split()[:5] == ["ID", "SPEAKER", "KIND", "CATEGORY", "CONF"]
    assert _column(every, "CATEGORY") == {
        "s1": "speech",
        "s2": "speech",
        "s3": "speech",
        "s4": "belief",
        "s5": "finding",
        "s6": "finding",
    }
    assert _column(every, "CONF")["s4"] == "0.80"  # the columns after it still line up
    for one in ("speech", "finding"):  # one category: no column for it
        table = _run("statements", "--db", db, "--category", one).stdout
        assert "CATEGORY" not in table.splitlines()[0]


def test_timeline_min_confidence_and_confidence_column(db):
    result = _run("timeline", "Anna Smith", "--db", db)
    lines = result.stdout.splitlines()
    assert lines[1].split() == [
        "SAID",
        "ON",
        "REPORTS",
        "ACT",
        "CONF",
        "REPORTED",
        "BY",
        "STATEMENT",
    ]
    conf = {line.split("Daily")[1].strip(): line.split()[3] for line in lines[3:]}
    assert conf == {
        "the bridge opens in May": "0.20",
        "the budget grows": "—",
        "the mayor resigns": "0.50",
    }
    high = _run("timeline", "Anna Smith", "--db", db, "--min-confidence", "0.5")
    assert high.exit_code == 0, high.output
    assert high.stdout.splitlines()[0] == (
        "Anna Smith (person): 1 speech statement(s) of confidence 0.5 or more; "
        "1 belief and 1 finding hidden (--category all)"
    )
    assert [line.split()[-1] for line in high.stdout.splitlines()[3:]] == ["resigns"]
    every = _run(
        "timeline", "Smith", "--db", db, "--min-confidence", "0.5", "--category", "all"
    ).stdout.splitlines()
    assert every[0] == "Anna Smith (person): 3 statement(s) of confidence 0.5 or more"
    assert every[1].split()[:5] == ["SAID", "ON", "REPORTS", "CATEGORY", "ACT"]
    assert sorted(line.split()[2] for line in every[3:]) == ["belief", "finding", "speech"]
    as_json = json.loads(
        _run("timeline", "Smith", "--db", db, "--min-confidence", "0", "--format", "json").stdout
    )
    assert names(as_json["statements"]) == {"s1", "s3"}  # unknown left out even at 0
    assert (as_json["total"], as_json["min_confidence"]) == (2, 0.0)
    assert as_json["categories"] == {"speech": 2, "belief": 1, "finding": 1}
    bad = _run("timeline", "Smith", "--db", db, "--min-confidence", "1.5")
    assert bad.exit_code == 2 and "must be a number from 0 to 1" in bad.output


def test_timeline_api_and_speaker_page_take_min_confidence(web):
    speaker = web.get("/api/speakers").json()["speakers"][0]
    base = f"/api/speakers/{speaker['id']}/timeline"
    line = web.get(base, params={"min_confidence": "0.5"}).json()
    assert names(line["statements"]) == {"s3"} and line["total"] == 1
    assert line["categories"] == {"speech": 1, "belief": 1, "finding": 1}
    assert line["min_confidence"] == 0.5
    every = web.get(base, params={"min_confidence": "0.5", "category": "all"}).json()
    assert names(every["statements"]) == {"s3", "s4", "s5"} and every["total"] == 3
    assert sum(n for b in every["buckets"] for n in b["acts"].values()) == 3  # the chart too
    assert web.get(base).json()["min_confidence"] is None
    for bad in ("abc", "1.5", "nan"):
        answer = web.get(base, params={"min_confidence": bad})
        assert answer.json() == {
            "error": f"min_confidence must be a number from 0 to 1, not '{bad}'",
            "status": 400,
        }
    url = f"/speakers/{speaker['id']}"
    doc = page(web, url + "?min_confidence=0.5")
    assert doc.xpath('//p[contains(@class, "ignored")]') == []
    assert listed(doc) == {"s3"}
    assert doc.xpath(f'//form[@action="{url}"]//input[@name="min_confidence"]/@value') == ["0.5"]
    assert text(doc, '//h2[@class="listed"]') == (
        "1 speech statement of confidence 0.5 or more, newest first"
    )
    assert text(doc, '//p[@class="hidden-categories"]') == (
        "Showing speech; 1 belief and 1 finding hidden — show all"
    )
    assert text(doc, '//p[@class="counts-label"]') == (
        "Totals over all of Anna Smith’s statements, of every kind, whatever their confidence:"
    )
    removers = {a.get("data-param"): a.get("href") for a in doc.xpath('//a[@class="filter"]')}
    assert removers == {"min_confidence": url}
    twin = doc.xpath('//footer/a[@class="json"]/@href')[0]
    assert "min_confidence=0.5" in twin and names(web.get(twin).json()["statements"]) == {"s3"}
    assert page(web, url).xpath('//input[@name="min_confidence"]/@value') == [""]
    assert web.get(url, params={"min_confidence": "2"}).status_code == 400


# --- a large record, and a speaker of findings alone ----------------------------------------

SPEECHES = 1200  # Bo Lee's: more than a thousand, to be written 1,200


def _many() -> tuple[Article, list[Statement]]:
    """One article: Bo Lee says 1,200 different things, the exit polls show three."""
    lines = [
        ("Bo Lee", "said", "say", f"plan {n:04x} {n * 7:05x} holds", "speech")
        for n in range(SPEECHES)
    ]
    lines += [
        ("exit polls", "showed", "show", f"support at {n} percent", "finding") for n in (40, 41, 42)
    ]
    text, parts = "", []
    for who, cue, lemma, content, category in lines:
        start = len(text)
        text += f"{who} {cue} {content}. "
        parts.append((who, start, cue, lemma, content, category))
    article = Article(
        id="d" * 16, text=text, path="d.txt", outlet="Daily", published="2024-03-01", title="D"
    )
    statements = []
    for who, start, cue, lemma, content, category in parts:
        cue_at = start + len(who) + 1
        at = cue_at + len(cue) + 1
        kind = "group" if who == "exit polls" else "person"
        statements.append(
            Statement(
                article.id,
                Speaker(who, who, (start, start + len(who)), kind, (start, start + len(who))),
                Cue(cue, (cue_at, cue_at + len(cue)), lemma),
                [(at, at + len(content))],
                content,
                "indirect",
                category=category,
                confidence=0.9,
                speech_act="claim",
            )
        )
    return article, statements


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("many") / "m.db"
    conn = store.connect(path)
    store.write_article(conn, *_many())
    entities.rebuild(conn)
    conn.close()
    return str(path)


def test_cli_counts_have_thousands_separators_throughout(many):
    lines = _run("statements", "--db", many, "--category", "finding").stdout.splitlines()
    assert lines[-2:] == [
        "3 finding statement(s)",
        "1,200 speech statements hidden; --category all shows every kind",
    ]
    lines = _run("statements", "--db", many).stdout.splitlines()
    assert lines[-2:] == [
        "50 of 1,200 speech statement(s); --limit N for more",
        "3 findings hidden; --category all shows every kind",
    ]
    first = _run("timeline", "Bo Lee", "--db", many, "--limit", "3").stdout.splitlines()[0]
    assert (
        first == "Bo Lee (person): 1,200 speech statement(s); the latest 3 shown (--limit for more)"
    )
    first = _run("timeline", "Bo Lee", "--db", many, "--category", "all", "--limit", "3").stdout
    assert first.splitlines()[0] == (
        "Bo Lee (person): 1,200 statement(s) in 1,200 report(s); the latest 3 shown "
        "(--limit for more)"
    )


def test_a_speaker_without_speech_says_where_its_statements_are(many):
    result = _run("timeline", "exit polls", "--db", many)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "exit polls (group): no speech statements; 3 findings (--category finding shows them)\n"
    )  # and no empty table
    lines = _run("timeline", "Bo Lee", "--db", many, "--category", "belief").stdout.splitlines()
    assert lines == [
        "Bo Lee (person): no beliefs; 1,200 speech statements (--category speech shows them)"
    ]
    shown = _run("timeline", "exit polls", "--db", many, "--category", "finding").stdout
    assert shown.splitlines()[0] == "exit polls (group): 3 finding statement(s)"
    assert len(shown.splitlines()) == 3 + 3  # the line, the header and rule, three rows


def test_pages_write_large_counts_with_separators_and_a_speaker_without_speech(many):
    with TestClient(create_app(many), base_url="http://127.0.0.1") as client:
        ids = {s["name"]: s["id"] for s in client.get("/api/speakers").json()["speakers"]}
        doc = page(client, f"/speakers/{ids['Bo Lee']}")
        assert doc.xpath('//dd[@class="n-statements"]/text()') == ["1,200"]
        assert doc.xpath('//dd[@class="n-clusters"]/text()') == ["1,200"]
        assert text(doc, '//h2[@class="listed"]') == "1,200 speech statements, newest first"
        assert text(doc, '//nav[@class="pager"]/span') == "page 1 of 24"
        doc = page(client, "/?category=finding")
        assert text(doc, '//p[@class="hidden-categories"]') == (
            "Showing findings; 1,200 speech statements hidden — show all"
        )
        assert text(doc, '//span[@class="of"]') == (
            "of 1,203 statements of every kind from 1 articles"
        )
        facet = doc.xpath('//section[@data-facet="category"]//span[@class="count"]/text()')
        assert facet == ["1,200", "3"]
        assert text(page(client, "/speakers"), '//table//td[@class="num"]') == "1,200"
        # a speaker of findings alone: says so, and links to them
        url = f"/speakers/{ids['exit polls']}"
        doc = page(client, url)
        line = doc.xpath('//p[@class="hidden-categories"]')[0]
        assert " ".join(line.text_content().split()) == "No speech; 3 findings — show all"
        assert line.xpath("a/@href") == [url + "?category=all"]
        every = page(client, url + "?category=all")
        assert len(every.xpath('//li[@class="statement"]')) == 3
        assert every.xpath('//p[@class="hidden-categories"]') == []
        doc = page(client, f"/?speaker_id={ids['exit polls']}")
        assert text(doc, '//p[@class="hidden-categories"]') == "No speech; 3 findings — show all"
