"""One statement schema: the row the store writes, the JSON the record gives back, the JSON of
a statement found without a record, and the flat exports all come from record/schema.py."""

from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq

from onrecord.model import Article, Cue, Mention, Number, Said, Speaker, Statement
from onrecord.record import query, schema, store

TEXT = "The minister told reporters in Kyiv on Monday that 54 tanks had reached Kharkiv."


def _article() -> Article:
    return Article(
        id="a" * 16,
        text=TEXT,
        path="news/a.txt",
        url="https://example.org/a",
        title="Tanks",
        outlet="Daily",
        published="2023-10-19",
    )


def _statement() -> Statement:
    return Statement(
        "a" * 16,
        Speaker("Anna Smith", "The minister", (0, 12), "person", (0, 12)),
        Cue("told", (13, 17), "tell"),
        [(51, 80)],
        TEXT[51:80],
        "indirect",
        speech_act="claim",
        said_on=Said("2023-10-16", "day", "text", "on Monday", (36, 45)),
        venue=Mention("in Kyiv", (28, 35)),
        audience=Mention("reporters", (18, 27)),
        targets=[Mention("Kharkiv", (72, 79), "GPE")],
        numbers=[Number("54 tanks", (51, 59), 54.0, None, "tanks")],
    )


def _stored(tmp_path, statements, article=None):
    conn = store.connect(tmp_path / "s.db")
    store.write_article(conn, article or _article(), statements)
    return conn


def test_the_row_fills_every_column_of_the_table(tmp_path):
    conn = _stored(tmp_path, [])
    columns = {r[1] for r in conn.execute("PRAGMA table_info(statements)")}
    row = schema.row(_statement(), _article())
    assert set(row) == columns - {"cluster_first"}  # (set by clustering)
    assert set(schema.CONTEXT) <= set(row)


def test_a_statement_found_and_the_same_stored_have_one_json(tmp_path):
    stmt, article = _statement(), _article()
    found = schema.statement_json(stmt, article)
    stored = query.statement(_stored(tmp_path, [stmt], article), found["id"])
    assert found["id"] == schema.statement_id(stmt)
    assert stored.pop("cluster")["reports"] == 1
    assert stored["speaker"].pop("id") is not None  # the record's entity
    assert found == stored
    assert found["venue"] == {"text": "in Kyiv", "span": [28, 35]}
    assert found["targets"] == [{"text": "Kharkiv", "span": [72, 79], "label": "GPE"}]
    assert found["numbers"][0]["value"] == 54.0
    assert found["cue"] == {"text": "told", "lemma": "tell", "span": [13, 17]}
    assert found["article"]["url"] == "https://example.org/a"


def test_a_statement_without_context_or_date(tmp_path):
    stmt = _statement()
    stmt.said_on = stmt.venue = stmt.audience = None
    stmt.targets, stmt.numbers, stmt.cue = [], [], None
    article = _article()
    article.published = None
    found = schema.statement_json(stmt, article)
    assert (found["said_on"], found["venue"], found["cue"], found["targets"]) == (
        None,
        None,
        None,
        [],
    )
    stored = query.statement(_stored(tmp_path, [stmt], article), found["id"])
    del stored["cluster"], stored["speaker"]["id"]
    assert found == stored


def test_an_undated_statement_takes_the_publication_date():
    stmt = _statement()
    stmt.said_on = None
    said = schema.statement_json(stmt, _article())["said_on"]
    assert said == {
        "date": "2023-10-19",
        "precision": "day",
        "source_text": None,
        "from": "published",
    }


def test_seed_statements_found_and_stored_agree(seed_results, tmp_path):
    conn = store.connect(tmp_path / "seeds.db")
    found = {}
    for result in seed_results.values():
        store.write_article(conn, result.article, result.statements, result.titles)
        for stmt in result.statements:
            one = schema.statement_json(stmt, result.article)
            found.setdefault(one["id"], one)  # (two found with the same spans are one row)
    stored = query.statements(conn)
    assert len(stored) == len(found) > 50
    for s in stored:
        del s["cluster"], s["speaker"]["id"]
        assert s == found[s["id"]]


def test_flat_exports_are_typed(tmp_path):
    conn = _stored(tmp_path, [_statement()])
    query.export(conn, "parquet", tmp_path / "s.parquet")
    table = pq.read_table(tmp_path / "s.parquet")
    assert table.column_names == list(schema.FLAT_FIELDS)
    types = {f.name: str(f.type) for f in table.schema}
    assert types["speaker_id"] == types["reports"] == "int64"
    assert types["content_spans"] == "list<element: list<element: int64>>"
    assert types["targets"] == "list<element: string>"
    [row] = table.to_pylist()
    assert (row["venue"], row["audience"], row["targets"]) == ("in Kyiv", "reporters", ["Kharkiv"])
    assert (row["said_on"], row["said_on_precision"], row["reports"]) == ("2023-10-16", "day", 1)
    assert row["content_spans"] == [[51, 80]]
    query.export(conn, "csv", tmp_path / "s.csv")
    [line] = csv.DictReader((tmp_path / "s.csv").open(encoding="utf-8"))
    assert (line["content_spans"], line["targets"], line["reports"]) == (
        "[[51, 80]]",
        '["Kharkiv"]',
        "1",
    )
    assert line["speaker_id"] == str(row["speaker_id"])
    query.export(conn, "jsonl", tmp_path / "s.jsonl")
    assert json.loads((tmp_path / "s.jsonl").read_text())["id"] == row["id"]


def test_a_date_shows_as_far_as_its_precision_goes():
    said = {"date": "2023-10-01", "precision": "month"}
    assert schema.shown_date(said) == "2023-10"
    assert schema.shown_date({**said, "precision": "year"}) == "2023"
    assert schema.shown_date({**said, "precision": "week"}) == "2023-10-01"
    assert schema.shown_date({**said, "precision": "day"}) == "2023-10-01"
    assert schema.shown_date(None) is None and schema.shown_date({"date": None}) is None
