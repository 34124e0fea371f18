"""The rough edges a new user meets in the command line: export formats and folders, the
statements table (ids, limit, order), dates, outlets."""

from __future__ import annotations

import csv
import json
from collections import Counter

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from onrecord.cli import TABLE_LIMIT, main

from .conftest import SEEDS


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory, runner):
    """The seeds, ingested once for the module."""
    path = str(tmp_path_factory.mktemp("edges") / "edges.db")
    result = runner.invoke(main, ["ingest", str(SEEDS), "--db", path])
    assert result.exit_code == 0, result.output
    return path


def _json(runner, *args) -> list[dict]:
    result = runner.invoke(main, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_export_format_from_the_suffix_into_a_new_folder(runner, db, tmp_path):
    n = len(_json(runner, "statements", "--db", db, "--category", "all"))  # export: every kind
    for name in ("a/b/out.jsonl", "c/out.csv", "d/out.parquet", "e/OUT.CSV"):
        out = tmp_path / name
        result = runner.invoke(main, ["export", "--db", db, str(out)])
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output
        assert f"{n} statement(s) written" in result.stderr
        if out.suffix.lower() == ".csv":
            assert len(list(csv.DictReader(out.open(encoding="utf-8")))) == n
        elif out.suffix == ".parquet":
            assert pq.read_table(out).num_rows == n
        else:
            assert len(out.read_text(encoding="utf-8").splitlines()) == n


def test_export_unknown_suffix_is_a_usage_error(runner, db, tmp_path):
    result = runner.invoke(main, ["export", "--db", db, str(tmp_path / "out.xlsx")])
    assert result.exit_code == 2 and "--format" in result.output
    assert not (tmp_path / "out.xlsx").exists()


def test_export_where_a_folder_cannot_be_made_is_one_line(runner, db, tmp_path):
    (tmp_path / "file").write_text("")
    result = runner.invoke(main, ["export", "--db", db, str(tmp_path / "file" / "out.csv")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot write") and result.output.count("\n") == 1


def test_export_columns_typed_and_complete(runner, db, tmp_path):
    runner.invoke(main, ["export", "--db", db, str(tmp_path / "o.parquet")])
    runner.invoke(main, ["export", "--db", db, str(tmp_path / "o.csv")])
    table = pq.read_table(tmp_path / "o.parquet")
    types = {f.name: f.type for f in table.schema}
    assert types["speaker_id"] == pa.int64() and types["reports"] == pa.int64()
    assert types["content_spans"] == pa.list_(pa.list_(pa.int64()))
    assert types["targets"] == pa.list_(pa.string())
    for name in ("venue", "audience", "said_on_precision", "said_on", "outlet"):
        assert types[name] == pa.string(), name
    rows = table.to_pylist()
    assert any(r["venue"] for r in rows) and any(r["targets"] for r in rows)
    assert {r["said_on_precision"] for r in rows} >= {"day"}
    assert all(isinstance(r["speaker_id"], int) for r in rows if r["speaker"])
    header = next(csv.reader((tmp_path / "o.csv").open(encoding="utf-8")))
    for name in ("venue", "audience", "targets", "speaker_id", "said_on_precision"):
        assert name in header, name


def test_statements_table_shows_ids_that_show_takes(runner, db):
    result = runner.invoke(main, ["statements", "--db", db, "--search", "why supply"])
    assert result.exit_code == 0, result.output
    header, _rule, first = result.stdout.splitlines()[:3]
    assert header.startswith("ID ")
    sid = first.split()[0]
    assert len(sid) == 16
    shown = runner.invoke(main, ["show", sid, "--db", db])
    assert shown.exit_code == 0 and "ATACMS" in shown.stdout


def test_statements_table_limit_and_count_line(runner, db):
    total = len(_json(runner, "statements", "--db", db))  # json: every match (of speech)
    every = _json(runner, "statements", "--db", db, "--category", "all")
    others = Counter(s["category"] for s in every if s["category"] != "speech")
    assert total > TABLE_LIMIT and total + sum(others.values()) == len(every)
    assert others  # the seeds hold beliefs or findings, hidden by default
    lines = runner.invoke(main, ["statements", "--db", db]).stdout.splitlines()
    assert lines[-2] == f"{TABLE_LIMIT} of {total} speech statement(s); --limit N for more"
    assert lines[-1].endswith(" hidden; --category all shows every kind")
    assert len(lines) == 2 + TABLE_LIMIT + 3  # header, rule, rows, blank, count, hidden
    lines = runner.invoke(main, ["statements", "--db", db, "--limit", "3"]).stdout.splitlines()
    assert lines[-2] == f"3 of {total} speech statement(s); --limit N for more"
    lines = runner.invoke(main, ["statements", "--db", db, "--category", "all"]).stdout
    assert (
        lines.splitlines()[-1] == f"{TABLE_LIMIT} of {len(every)} statement(s); --limit N for more"
    )
    few = runner.invoke(main, ["statements", "--db", db, "--speaker", "Peskov"]).stdout
    assert few.splitlines()[-1].endswith(" speech statement(s)")
    assert " of " not in few.splitlines()[-1]


def test_statements_newest_first_by_default(runner, db):
    dates = [s["said_on"]["date"] for s in _json(runner, "statements", "--db", db) if s["said_on"]]
    assert dates == sorted(dates, reverse=True) and dates[0] > dates[-1]
    oldest = _json(runner, "statements", "--db", db, "--order", "oldest")
    assert oldest[0]["said_on"]["date"] == dates[-1]


@pytest.mark.parametrize("value", ["2016-13", "2023-02-30", "2023-00", "yesterday", "2023-1"])
def test_statements_bad_dates_are_usage_errors(runner, db, value):
    for option in ("--since", "--until"):
        result = runner.invoke(main, ["statements", "--db", db, option, value])
        assert result.exit_code == 2, (option, value)
        assert f"not '{value}'" in result.output


def test_statements_good_dates(runner, db):
    for value in ("2024", "2024-02", "2024-02-29"):
        result = runner.invoke(main, ["statements", "--db", db, "--since", value])
        assert result.exit_code == 0, result.output


def test_outlet_any_case(runner, db):
    exact = _json(runner, "statements", "--db", db, "--outlet", "Euronews")
    assert exact and {s["article"]["outlet"] for s in exact} == {"Euronews"}
    assert _json(runner, "statements", "--db", db, "--outlet", "EURONEWS") == exact
    assert _json(runner, "statements", "--db", db, "--outlet", "euronews") == exact
    assert _json(runner, "statements", "--db", db, "--outlet", "euro") == []


def test_outlets_lists_what_is_stored(runner, db):
    rows = _json(runner, "outlets", "--db", db)
    by = {r["outlet"]: r for r in rows}
    assert set(by) == {"The Moscow Times", "Euronews", None}
    assert by["Euronews"]["articles"] == 1 and by["Euronews"]["first"] == "2024-09-05"
    assert by[None]["articles"] == 3
    everything = _json(runner, "statements", "--db", db, "--category", "all")
    assert sum(r["statements"] for r in rows) == len(everything)
    euronews = _json(runner, "statements", "--db", db, "--outlet", "Euronews", "--category", "all")
    assert by["Euronews"]["statements"] == len(euronews)
    table = runner.invoke(main, ["outlets", "--db", db]).stdout
    assert "The Moscow Times" in table and "(none)" in table


def test_statements_table_has_date_and_outlet(runner, db):
    lines = runner.invoke(main, ["statements", "--db", db, "--outlet", "euronews"]).stdout
    header, _rule, first = lines.splitlines()[:3]
    assert "SAID ON" in header and "OUTLET" in header
    assert "Euronews" in first and "2024-09-0" in first  # the article of 2024-09-05
    # without an outlet the article's file name stands in the column
    unnamed = runner.invoke(main, ["statements", "--db", db, "--search", "ATACMS"]).stdout
    assert "000_fde3fa9" in unnamed


def test_an_unknown_outlet_is_named_with_the_stored_ones(runner, db):
    result = runner.invoke(main, ["statements", "--db", db, "--outlet", "euro"])
    assert result.exit_code == 0 and result.stdout.splitlines()[-1] == "0 speech statement(s)"
    assert "no outlet called 'euro'; stored: " in result.stderr and "Euronews" in result.stderr


def test_date_errors_name_the_option(runner, db):
    result = runner.invoke(main, ["statements", "--db", db, "--since", "2023-02-30"])
    assert result.exit_code == 2
    assert "--since must be a date" in result.output and "no such day" in result.output


def test_export_to_standard_output(runner, db, tmp_path):
    result = runner.invoke(main, ["export", "-", "--db", db])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    every = _json(runner, "statements", "--db", db, "--category", "all")
    assert result.exit_code == 0 and len(rows) == len(every)
    assert "written to standard output" in result.stderr and not (tmp_path / "-").exists()
    as_csv = runner.invoke(main, ["export", "-", "--db", db, "--format", "csv"]).stdout
    assert len(list(csv.DictReader(as_csv.splitlines()))) == len(rows)
    parquet = runner.invoke(main, ["export", "-", "--db", db, "--format", "parquet"])
    assert parquet.exit_code == 2 and "Parquet is written to a file" in parquet.output


def test_timeline_header_counts_and_limit(runner, db):
    result = runner.invoke(main, ["timeline", "Putin", "--db", db, "--limit", "2"])
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    total = json.loads(
        runner.invoke(main, ["timeline", "Putin", "--db", db, "--format", "json"]).stdout
    )["total"]
    assert total > 2
    assert first.startswith(f"Vladimir Putin (person): {total} speech statement(s); ")
    assert first.endswith(" hidden (--category all); the latest 2 shown (--limit for more)")
    every = runner.invoke(main, ["timeline", "Putin", "--db", db, "--category", "all"]).stdout
    assert every.startswith("Vladimir Putin (person): ") and "hidden" not in every.split("\n")[0]
    whole = runner.invoke(main, ["timeline", "Putin", "--db", db]).stdout.splitlines()[0]
    assert "shown" not in whole


def test_timeline_of_an_empty_name_is_refused(runner, db):
    result = runner.invoke(main, ["timeline", " ", "--db", db])
    assert result.exit_code == 2 and "NAME is empty" in result.output


def test_serve_takes_the_database_as_argument(runner, tmp_path):
    result = runner.invoke(main, ["serve", str(tmp_path / "a.db"), "--db", str(tmp_path / "b.db")])
    assert result.exit_code == 2 and "two databases given" in result.output
    missing = runner.invoke(main, ["serve", str(tmp_path / "a.db")])
    assert missing.exit_code == 1 and "no database at" in missing.output
