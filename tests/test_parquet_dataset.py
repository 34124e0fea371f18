"""A record as a Parquet dataset: ``ingest --parquet DIR`` writes typed, partitioned tables
that pyarrow (and so Spark, DuckDB, Polars) reads as they are; ``ingest --from-parquet DIR``
loads them into a record equal to a direct ingest; a second run writes nothing twice."""

from __future__ import annotations

import shutil
import sqlite3

import pyarrow.dataset as ds
from click.testing import CliRunner

from onrecord.cli import main

from .conftest import SEEDS


def _run(*args):
    result = CliRunner().invoke(main, [*args])
    assert result.exit_code == 0, result.output
    return result.output


def _record(db) -> tuple:
    conn = sqlite3.connect(db)
    articles = conn.execute(
        "SELECT id, path, title, outlet, published, text, skips, title_start FROM articles "
        "ORDER BY id"
    ).fetchall()
    statements = conn.execute(
        """SELECT s.id, s.article_id, s.seq, e.name, s.speaker_kind, s.cue_text, s.content_text,
                  s.content_spans, s.category, s.confidence, s.said_on, s.targets, s.cluster_id
           FROM statements s LEFT JOIN entities e ON e.id = s.entity_id ORDER BY s.id"""
    ).fetchall()
    entities = sorted(conn.execute("SELECT name, kind, aliases, titles FROM entities"))
    return articles, statements, entities


def test_a_dataset_written_and_loaded_is_the_record_a_direct_ingest_makes(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    out = tmp_path / "dataset"
    said = _run("ingest", str(seeds), "--parquet", str(out), "--workers", "1")
    assert "5 article(s) written" in said
    # typed, partitioned by month, readable as a dataset
    statements = ds.dataset(str(out / "statements"), format="parquet", partitioning="hive")
    table = statements.to_table()
    assert table.num_rows > 50
    assert str(table.schema.field("content_spans").type) == "list<element: list<element: int64>>"
    assert str(table.schema.field("cue_start").type) == "int64"
    assert set(table.column("month").to_pylist()) >= {"2023-10", "2024-06"}
    # a second run writes nothing twice
    again = _run("ingest", str(seeds), "--parquet", str(out), "--workers", "1")
    assert "0 article(s) written" in again
    assert ds.dataset(str(out / "articles"), partitioning="hive").count_rows() == 5
    # loaded into a record: the same as a direct ingest
    _run("ingest", "--from-parquet", str(out), "--db", str(tmp_path / "loaded.db"))
    _run("ingest", str(seeds), "--db", str(tmp_path / "direct.db"), "--workers", "1")
    assert _record(tmp_path / "loaded.db") == _record(tmp_path / "direct.db")
    # loading again adds nothing
    said = _run("ingest", "--from-parquet", str(out), "--db", str(tmp_path / "loaded.db"))
    assert said.startswith("0 article(s) added, 5 already stored")


def test_from_parquet_takes_no_paths_and_needs_a_dataset(tmp_path):
    result = CliRunner().invoke(main, ["ingest", "x.txt", "--from-parquet", str(tmp_path)])
    assert result.exit_code == 2 and "takes no PATHS" in result.output
    result = CliRunner().invoke(
        main, ["ingest", "--from-parquet", str(tmp_path), "--db", str(tmp_path / "a.db")]
    )
    assert result.exit_code == 1 and "no 'articles' table" in result.output
    result = CliRunner().invoke(main, ["ingest", "--db", str(tmp_path / "a.db")])
    assert result.exit_code == 2 and "Missing argument" in result.output
