"""One definition of each count, the same in every face: the ingest summary, the CLI, the
API and the pages agree with each other and with what the database holds.

- statements: stored statements (every category);
- reported statements: clusters, one however many articles reported it;
- articles: stored articles (of a speaker: those with a statement of theirs).

The record: the five seeds and an edited copy of one of them from another outlet, so that
some statements are reported twice and the counts of statements and clusters differ.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3

import lxml.html
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from onrecord.cli import main
from onrecord.web.app import create_app

from .conftest import SEEDS
from .test_dedup import _edited_copy


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    folder = tmp_path_factory.mktemp("counts")
    seeds = folder / "seeds"
    shutil.copytree(SEEDS, seeds)
    db = str(folder / "r.db")
    runner = CliRunner()
    summaries = [
        runner.invoke(main, ["ingest", str(path), "--db", db]).output
        for path in (seeds, _edited_copy(folder))
    ]
    return db, summaries


@pytest.fixture(scope="module")
def web(record):
    with TestClient(create_app(record[0]), base_url="http://127.0.0.1") as client:
        yield client


def _db(record):
    return sqlite3.connect(record[0])


def _one(conn, sql, *args):
    return conn.execute(sql, args).fetchone()[0]


def _cli_json(db, *args):
    result = CliRunner().invoke(main, [*args, "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_ingest_summary_says_what_was_stored(record):
    conn = _db(record)
    new = 0
    for summary in record[1]:
        new += int(re.search(r"([\d,]+) new statement", summary).group(1).replace(",", ""))
    assert new == _one(conn, "SELECT COUNT(*) FROM statements")
    last = record[1][-1]
    stored = re.search(r": ([\d,]+) articles, ([\d,]+) statements, ([\d,]+) speakers", last)
    assert int(stored.group(1)) == _one(conn, "SELECT COUNT(*) FROM articles") == 6
    assert int(stored.group(2).replace(",", "")) == _one(conn, "SELECT COUNT(*) FROM statements")
    assert int(stored.group(3)) == _one(conn, "SELECT COUNT(*) FROM entities")


def test_a_speaker_s_counts_agree_in_the_cli_the_api_and_the_page(record, web):
    db = record[0]
    conn = _db(record)
    putin = next(s for s in _cli_json(db, "speakers") if s["name"] == "Vladimir Putin")
    eid = putin["id"]
    held = {
        "statements": _one(conn, "SELECT COUNT(*) FROM statements WHERE entity_id = ?", eid),
        "clusters": _one(
            conn, "SELECT COUNT(DISTINCT cluster_id) FROM statements WHERE entity_id = ?", eid
        ),
        "articles": _one(
            conn, "SELECT COUNT(DISTINCT article_id) FROM statements WHERE entity_id = ?", eid
        ),
    }
    assert held["clusters"] < held["statements"]  # the edited copy's reports joined
    assert {k: putin[k] for k in held} == held
    api = web.get(f"/api/speakers/{eid}").json()
    assert {k: api[k] for k in held} == held
    page = lxml.html.fromstring(web.get(f"/speakers/{eid}").text)
    shown = {
        "statements": page.xpath('//dd[@class="n-statements"]/text()'),
        "clusters": page.xpath('//dd[@class="n-clusters"]/text()'),
        "articles": page.xpath('//dd[@class="n-articles"]/text()'),
    }
    assert shown == {k: [str(v)] for k, v in held.items()}
    # the timeline lists each reported statement once: as many as the speaker's clusters
    timeline = _cli_json(db, "timeline", "Vladimir Putin", "--category", "all")
    assert timeline["total"] == held["clusters"] == len(timeline["statements"])
    assert sum(s["cluster"]["reports"] for s in timeline["statements"]) == held["statements"]
    api_line = web.get(f"/api/speakers/{eid}/timeline", params={"category": "all"}).json()
    assert api_line["total"] == held["clusters"]
    # a speech view: the page's list and the CLI's agree, and say what they leave out
    speech = _cli_json(db, "timeline", "Vladimir Putin")
    listed = page.xpath('//h2[@class="listed"]/text()')[0]
    assert listed.startswith(f"{speech['total']} speech statement")
    hidden = sum(n for c, n in speech["categories"].items() if c != "speech")
    assert hidden > 0  # (the seeds have acts and a belief of Putin's)


def test_statement_totals_agree_in_the_cli_the_api_and_the_search_page(record, web):
    db = record[0]
    conn = _db(record)
    every = _one(conn, "SELECT COUNT(*) FROM statements")
    speech = _one(conn, "SELECT COUNT(*) FROM statements WHERE category = 'speech'")
    assert len(_cli_json(db, "statements", "--category", "all", "--limit", "1000")) == every
    assert len(_cli_json(db, "statements", "--limit", "1000")) == speech
    assert web.get("/api/statements", params={"size": 1}).json()["total"] == every
    api_speech = web.get("/api/statements", params={"size": 1, "category": "speech"}).json()
    assert api_speech["total"] == speech
    facets = web.get("/api/statements", params={"size": 1}).json()["facets"]["category"]
    assert sum(f["count"] for f in facets) == every
    page = lxml.html.fromstring(web.get("/", params={"category": "all"}).text)
    assert page.xpath('//strong[@class="total"]/text()') == [str(every)]
    page = lxml.html.fromstring(web.get("/").text)
    assert page.xpath('//strong[@class="total"]/text()') == [str(speech)]


def test_outlet_counts_add_up_to_the_record(record):
    conn = _db(record)
    result = CliRunner().invoke(main, ["outlets", "--db", record[0], "--format", "json"])
    assert result.exit_code == 0, result.output
    outlets = json.loads(result.stdout)
    assert sum(o["articles"] for o in outlets) == _one(conn, "SELECT COUNT(*) FROM articles")
    assert sum(o["statements"] for o in outlets) == _one(conn, "SELECT COUNT(*) FROM statements")


def test_rebuild_makes_the_same_record_from_scratch(record, tmp_path):
    source = sqlite3.connect(record[0])
    path = tmp_path / "copy.db"
    source.execute("VACUUM INTO ?", (str(path),))

    def state(db):
        conn = sqlite3.connect(db)
        entities = sorted(conn.execute("SELECT name, kind, aliases, titles FROM entities"))
        rows = conn.execute(
            "SELECT s.id, e.name, s.cluster_id FROM statements s "
            "LEFT JOIN entities e ON e.id = s.entity_id ORDER BY s.id"
        ).fetchall()
        clusters = sorted(sorted(i for i, _, c in rows if c == cid) for cid in {r[2] for r in rows})
        return entities, [(i, e) for i, e, _ in rows], clusters

    before = state(path)
    result = CliRunner().invoke(main, ["rebuild", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{len(before[0]):,} speakers" in result.output
    assert state(path) == before
