"""The onrecord command, run as a user runs it (click's runner, real files and database)."""

from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from onrecord.cli import main

from .conftest import SEEDS

GOOD = "Mayor Lisa Grant said on Monday that the new bridge would open in May.\n"


@pytest.fixture()
def runner():
    return CliRunner()


@pytest.fixture()
def db(tmp_path):
    return str(tmp_path / "cli.db")


def test_ingest_reports_bad_files_and_goes_on(runner, tmp_path, db):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text(GOOD)
    (tmp_path / "in" / "empty.txt").write_text("")
    (tmp_path / "in" / "binary.txt").write_bytes(b"\x00\x01\x02")
    result = runner.invoke(main, ["ingest", str(tmp_path / "in"), "--db", db])
    assert result.exit_code == 0, result.output
    assert "1 article(s) added" in result.stdout and "2 skipped" in result.stdout
    assert "empty.txt: empty file" in result.stderr
    assert "binary.txt: binary file" in result.stderr


def test_ingest_fails_only_when_nothing_ingested(runner, tmp_path, db):
    (tmp_path / "bad.txt").write_bytes(b"\x00")
    result = runner.invoke(main, ["ingest", str(tmp_path / "bad.txt"), "--db", db])
    assert result.exit_code == 1


def test_ingest_twice_is_idempotent(runner, db):
    runner.invoke(main, ["ingest", str(SEEDS), "--db", db])
    result = runner.invoke(main, ["ingest", str(SEEDS), "--db", db])
    assert result.exit_code == 0
    assert "0 article(s) added, 5 already stored" in result.stdout


def test_ingest_from_stdin(runner, db):
    result = runner.invoke(main, ["ingest", "-", "--db", db], input=GOOD)
    assert result.exit_code == 0 and "1 article(s) added" in result.stdout


def test_db_from_environment(runner, tmp_path):
    path = tmp_path / "env.db"
    result = runner.invoke(main, ["ingest", "-"], input=GOOD, env={"ONRECORD_DB": str(path)})
    assert result.exit_code == 0 and path.exists()


def test_extract_jsonl_shape(runner):
    path = str(SEEDS / "000_fde3fa9627d4bcef.txt")
    result = runner.invoke(main, ["extract", path, "--format", "jsonl"])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    kremlin = next(r for r in rows if r["speaker"]["mention"] == "The Kremlin leader")
    assert kremlin["article"] == {
        "id": kremlin["article"]["id"],
        "path": path,
        "url": None,
        "title": None,
        "outlet": None,
        "published": "2023-10-19",
    }
    assert kremlin["speaker"]["name"] == "Vladimir Putin"
    assert kremlin["speaker"]["span"] == [567, 585] and kremlin["speaker"]["kind"] == "person"
    assert kremlin["cue"] == {"text": "criticized", "lemma": "criticize", "span": [586, 596]}
    # the stored form's shape, less what only a record knows
    assert len(kremlin["id"]) == 16 and "cluster" not in kremlin and "id" not in kremlin["speaker"]
    assert kremlin["content"]["spans"][0][0] == 597
    assert kremlin["content"]["text"].startswith("Washington’s supply of long-range ATACMS")
    assert kremlin["kind"] == "indirect"


def test_statements_filters_and_formats(runner, db):
    runner.invoke(main, ["ingest", str(SEEDS), "--db", db])
    result = runner.invoke(
        main,
        ["statements", "--db", db, "--speaker", "Putin", "--search", "ATACMS", "--format", "json"],
    )
    rows = json.loads(result.stdout)
    assert rows and all(r["speaker"]["name"] == "Vladimir Putin" for r in rows)
    assert all("ATACMS" in r["content"]["text"] for r in rows)
    result = runner.invoke(main, ["statements", "--db", db, "--kind", "direct", "--format", "csv"])
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert table and {r["kind"] for r in table} == {"direct"}
    result = runner.invoke(main, ["statements", "--db", db, "--kind", "rumour"])
    assert result.exit_code == 2


def test_speakers_json(runner, db):
    runner.invoke(main, ["ingest", str(SEEDS), "--db", db])
    rows = json.loads(runner.invoke(main, ["speakers", "--db", db, "--format", "json"]).stdout)
    putin = rows[0]
    assert putin["name"] == "Vladimir Putin" and putin["articles"] == 5
    titles = {t["title"]: t for t in putin["titles"]}
    # "Russian President Vladimir Putin" is printed in 001 (2024-06-05); in 000 only in a caption
    assert (titles["Russian President"]["first"], titles["Russian President"]["last"]) == (
        "2024-06-05",
        "2024-06-05",
    )
    assert titles["President"]["first"] == "2019-09-05"  # 004: "President Vladimir Putin"


def test_export_formats(runner, db, tmp_path):
    runner.invoke(main, ["ingest", str(SEEDS), "--db", db])
    every = ["statements", "--db", db, "--format", "json", "--category", "all"]
    n = len(json.loads(runner.invoke(main, every).stdout))
    for fmt in ("jsonl", "csv", "parquet"):
        out = tmp_path / f"out.{fmt}"
        result = runner.invoke(main, ["export", "--db", db, "--format", fmt, str(out)])
        assert result.exit_code == 0
        if fmt == "jsonl":
            assert len(out.read_text().splitlines()) == n
        elif fmt == "csv":
            assert len(list(csv.DictReader(out.open()))) == n
        else:
            assert pq.read_table(out).num_rows == n


def test_query_without_database_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(main, ["statements", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "no database" in result.output


def test_demo(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    assert "5 articles" in result.stdout and "Vladimir Putin" in result.stdout
    assert (tmp_path / "onrecord-demo.db").exists()


def test_timeline_and_about(runner, db):
    runner.invoke(main, ["ingest", str(SEEDS), "--db", db])
    result = runner.invoke(main, ["timeline", "Putin", "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout)
    assert line["speaker"]["name"] == "Vladimir Putin"
    dates = [s["said_on"]["date"] for s in line["statements"]]
    assert dates == sorted(dates) and dates[0][:4] == "2019" and dates[-1][:4] == "2024"
    assert len({s["article"]["id"] for s in line["statements"]}) == 5
    about = json.loads(
        runner.invoke(
            main, ["timeline", "Putin", "--db", db, "--about", "ATACMS", "--format", "json"]
        ).stdout
    )
    assert 3 <= len(about["statements"]) < len(line["statements"])
    for s in about["statements"]:
        assert "ATACMS" in s["content"]["text"] or "ATACMS" in {t["text"] for t in s["targets"]}
    rows = json.loads(
        runner.invoke(
            main,
            [
                "statements",
                "--db",
                db,
                "--about",
                "ATACMS",
                "--since",
                "2023-10-18",
                "--until",
                "2023-10-18",
                "--format",
                "json",
            ],
        ).stdout
    )
    assert rows and {r["said_on"]["date"] for r in rows} == {"2023-10-18"}
    missing = runner.invoke(main, ["timeline", "Nobody Atall", "--db", db])
    assert missing.exit_code == 1 and "no speaker" in missing.output


def _seed_statements(runner, db, words: str) -> list[dict]:
    """The seeds ingested, then the statements a search for ``words`` finds (as JSON)."""
    runner.invoke(main, ["ingest", str(SEEDS), "--db", db])
    found = runner.invoke(main, ["statements", "--db", db, "--search", words, "--format", "json"])
    return json.loads(found.stdout)


def test_show_highlights_the_statement(runner, db):
    rows = _seed_statements(runner, db, "why supply")
    result = runner.invoke(main, ["show", rows[0]["id"], "--db", db])
    assert result.exit_code == 0, result.output
    assert "«“If the war is lost, then why supply ATACMS?" in result.stdout
    assert "[Putin] {said} in response to" in result.stdout
    assert "said on: 2023-10-18 (day, from 'on Wednesday (18/10/2023)')" in result.stdout
    assert "venue: during his visit to China" in result.stdout
    assert runner.invoke(main, ["show", "nope", "--db", db]).exit_code == 1


def test_extract_and_ingest_accurate_mode(runner, tmp_path):
    path = str(SEEDS / "000_fde3fa9627d4bcef.txt")
    result = runner.invoke(main, ["extract", path, "--format", "jsonl", "--accurate"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    kremlin = next(r for r in rows if r["speaker"]["mention"] == "The Kremlin leader")
    assert kremlin["speaker"]["name"] == "Vladimir Putin"
    assert kremlin["cue"] == {"text": "criticized", "lemma": "criticize", "span": [586, 596]}
    assert kremlin["content"]["text"].startswith("Washington’s supply of long-range ATACMS")
    db = str(tmp_path / "a.db")
    assert runner.invoke(main, ["ingest", path, "--db", db, "--fast"]).exit_code == 0
    result = runner.invoke(main, ["ingest", path, "--db", db])  # found again
    assert "0 article(s) added, 1 found again in default mode, 0 already stored" in result.stdout
    result = runner.invoke(main, ["ingest", path, "--db", db, "--accurate"])  # and again
    assert result.exit_code == 0, result.output
    assert "0 article(s) added, 1 found again in accurate mode, 0 already stored" in result.stdout
    stored = json.loads(runner.invoke(main, ["statements", "--db", db, "--format", "json"]).stdout)
    assert len(stored) == len(rows)


def test_fast_and_accurate_exclude_each_other(runner):
    path = str(SEEDS / "000_fde3fa9627d4bcef.txt")
    result = runner.invoke(main, ["extract", path, "--fast", "--accurate"])
    assert result.exit_code == 2
    assert "--fast and --accurate exclude each other" in result.output


def test_evaluate_accurate_mode_on_a_small_corpus(runner, tmp_path):
    # PolNeAR's annotators keep "that" in the content
    text = "Senator Jane Smith said on Tuesday that the new bill would fail in the House.\n"
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "attributions" / "a_x.ann").write_text(
        "T1\tSource 0 18\tSenator Jane Smith\n"
        "T2\tCue 19 23\tsaid\n"
        "T3\tContent 35 76\tthat the new bill would fail in the House\n"
        "E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["evaluate", str(tmp_path), "--json", "--accurate"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    for role in ("content", "source", "cue"):
        assert report[role]["exact"]["f1"] == 1.0, (role, report[role])


def test_show_a_statement_with_no_named_speaker(runner, db):
    rows = _seed_statements(runner, db, "exaggerating")
    # "Moscow has frequently been accused of exaggerating …": said of Moscow, by nobody named
    assert [(r["speaker"]["mention"], r["content"]["text"]) for r in rows] == [
        (None, "Moscow … exaggerating its battlefield successes")
    ]
    result = runner.invoke(main, ["show", rows[0]["id"], "--db", db])
    assert "speaker: - (anonymous), not named in the article" in result.stdout
