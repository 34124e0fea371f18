"""Reading the record: statement search and filters, speakers, exports.

Every function takes an open connection and returns plain dicts in the public JSON shape
(the same as ``onrecord extract --format jsonl``), so the CLI, the Python API and any web
front end share one definition. All SQL is parameterised.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

KINDS = ("direct", "indirect", "mixed")
FLAT_FIELDS = (
    "id",
    "article_id",
    "path",
    "title",
    "outlet",
    "published",
    "speaker",
    "speaker_kind",
    "mention",
    "cue",
    "kind",
    "content",
    "content_spans",
)


def fts_query(text: str) -> str:
    """A user's search words as a safe FTS5 query: every word must match, as a prefix of none."""
    words = re.findall(r"\w+", text)
    return " ".join(f'"{w}"' for w in words)


def _row_to_dict(row: sqlite3.Row) -> dict:
    speaker_span = (
        [row["speaker_start"], row["speaker_end"]] if row["speaker_start"] is not None else None
    )
    cue = (
        {"text": row["cue_text"], "span": [row["cue_start"], row["cue_end"]]}
        if row["cue_text"] is not None
        else None
    )
    return {
        "id": row["id"],
        "article": {
            "id": row["article_id"],
            "path": row["path"],
            "title": row["title"],
            "outlet": row["outlet"],
            "published": row["published"],
        },
        "speaker": {
            "name": row["speaker_name"],
            "mention": row["speaker_mention"],
            "span": speaker_span,
            "kind": row["speaker_kind"],
        },
        "cue": cue,
        "content": {"text": row["content_text"], "spans": json.loads(row["content_spans"])},
        "kind": row["kind"],
    }


SELECT = """
    SELECT s.*, a.path, a.title, a.outlet, a.published
    FROM statements s JOIN articles a ON a.id = s.article_id
"""


def statements(
    conn: sqlite3.Connection,
    *,
    speaker: str | None = None,
    search: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict]:
    """Statements matching every given filter.

    ``speaker`` matches the resolved name (case-insensitive; a part such as "Putin" is
    enough); ``search`` is full-text (all words, stemmed) and ranks by relevance; without it,
    statements come in article order.
    """
    where, params = [], []
    order = "a.published IS NULL, a.published, s.article_id, s.seq"
    sql = SELECT
    if search:
        query = fts_query(search)
        if not query:
            return []
        sql += " JOIN statements_fts f ON f.rowid = s.rowid"
        where.append("statements_fts MATCH ?")
        params.append(query)
        order = "bm25(statements_fts), s.article_id, s.seq"
    if speaker:
        where.append("(s.speaker_name LIKE ? OR s.speaker_name LIKE ?)")
        params += [speaker, f"%{speaker}%"]
    if kind:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        where.append("s.kind = ?")
        params.append(kind)
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY {order}"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [int(limit), int(offset)]
    return [_row_to_dict(r) for r in conn.execute(sql, params)]


def speakers(conn: sqlite3.Connection) -> list[dict]:
    """Every named speaker with kind, titles, statement and article counts, most quoted first."""
    rows = conn.execute(
        """
        SELECT e.id, e.name, e.kind, e.titles, COUNT(s.id) AS statements,
               COUNT(DISTINCT s.article_id) AS articles,
               MIN(a.published) AS first, MAX(a.published) AS last
        FROM entities e
        JOIN statements s ON s.entity_id = e.id
        JOIN articles a ON a.id = s.article_id
        GROUP BY e.id
        ORDER BY statements DESC, e.name
        """
    )
    return [
        {
            "id": r["id"],
            "name": r["name"],
            "kind": r["kind"],
            "titles": json.loads(r["titles"]),
            "statements": r["statements"],
            "articles": r["articles"],
            "first": r["first"],
            "last": r["last"],
        }
        for r in rows
    ]


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """How many articles, statements and speakers the store holds."""
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    return {
        "articles": one("SELECT COUNT(*) FROM articles"),
        "statements": one("SELECT COUNT(*) FROM statements"),
        "speakers": one("SELECT COUNT(*) FROM entities"),
    }


def flatten(stmt: dict) -> dict:
    """One statement as a flat row (CSV, Parquet)."""
    return {
        "id": stmt.get("id"),
        "article_id": stmt["article"]["id"],
        "path": stmt["article"].get("path"),
        "title": stmt["article"].get("title"),
        "outlet": stmt["article"].get("outlet"),
        "published": stmt["article"].get("published"),
        "speaker": stmt["speaker"]["name"],
        "speaker_kind": stmt["speaker"]["kind"],
        "mention": stmt["speaker"]["mention"],
        "cue": stmt["cue"]["text"] if stmt["cue"] else None,
        "kind": stmt["kind"],
        "content": stmt["content"]["text"],
        "content_spans": json.dumps(stmt["content"]["spans"]),
    }


def iter_all(conn: sqlite3.Connection, batch: int = 5000) -> Iterator[dict]:
    """Every statement, in article order, fetched in batches."""
    offset = 0
    while True:
        rows = statements(conn, limit=batch, offset=offset)
        if not rows:
            return
        yield from rows
        offset += batch


def export(conn: sqlite3.Connection, fmt: str, out: Path) -> int:
    """Write every statement to ``out`` as jsonl, csv or parquet; returns the count."""
    n = 0
    if fmt == "jsonl":
        with out.open("w", encoding="utf-8") as fh:
            for stmt in iter_all(conn):
                fh.write(json.dumps(stmt, ensure_ascii=False) + "\n")
                n += 1
    elif fmt == "csv":
        with out.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=FLAT_FIELDS)
            writer.writeheader()
            for stmt in iter_all(conn):
                writer.writerow(flatten(stmt))
                n += 1
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.schema([(f, pa.string()) for f in FLAT_FIELDS])
        with pq.ParquetWriter(str(out), schema) as writer:
            batch: list[dict] = []
            for stmt in iter_all(conn):
                batch.append(flatten(stmt))
                if len(batch) >= 5000:
                    writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                    n += len(batch)
                    batch = []
            if batch or n == 0:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                n += len(batch)
    else:
        raise ValueError(f"unknown export format: {fmt}")
    return n
