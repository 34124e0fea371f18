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
from dataclasses import dataclass
from pathlib import Path

from .context import SPEECH_ACTS

KINDS = ("direct", "indirect", "mixed")
ORDERS = ("relevance", "newest", "oldest")
MAX_PAGE = 500
FLAT_FIELDS = (
    "id",
    "article_id",
    "path",
    "title",
    "outlet",
    "published",
    "said_on",
    "speaker",
    "speaker_kind",
    "mention",
    "cue",
    "kind",
    "speech_act",
    "content",
    "content_spans",
    "cluster_id",
    "reports",
)
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_PRECISION = {4: "year", 7: "month", 10: "day"}


def fts_query(text: str) -> str:
    """A user's search words as a safe FTS5 query: every word must match, as a prefix of none."""
    words = re.findall(r"\w+", text)
    return " ".join(f'"{w}"' for w in words)


@dataclass
class Filters:
    """What a statement search asks for; every field given must hold.

    ``speaker`` matches the resolved name (case-insensitive; "Putin" is enough), ``entity``
    one speaker by id; ``since``/``until`` bound the date the statement was made (YYYY,
    YYYY-MM or YYYY-MM-DD, both ends included); ``search`` is full text (all words, stemmed).
    """

    search: str | None = None
    speaker: str | None = None
    entity: int | None = None
    outlet: str | None = None
    kind: str | None = None
    act: str | None = None
    since: str | None = None
    until: str | None = None

    def check(self) -> None:
        """Raise ValueError with a message a user can act on when a value is not valid."""
        if self.kind and self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        if self.act and self.act not in SPEECH_ACTS:
            raise ValueError(f"act must be one of {', '.join(SPEECH_ACTS)}")
        for name in ("since", "until"):
            value = getattr(self, name)
            if value and not _DATE.match(value):
                raise ValueError(f"{name} must be a date as YYYY, YYYY-MM or YYYY-MM-DD")

    def sql(self, skip: str | None = None) -> tuple[str, list]:
        """JOIN + WHERE clauses and their parameters (``skip``: leave one filter out)."""
        self.check()
        join, where, params = "", [], []
        if self.search:
            join = " JOIN statements_fts f ON f.rowid = s.rowid"
            where.append("statements_fts MATCH ?")
            params.append(fts_query(self.search) or '""')
        if self.speaker and skip != "speaker":
            where.append("s.speaker_name LIKE ?")
            params.append(f"%{self.speaker}%")
        if self.entity is not None and skip != "speaker":
            where.append("s.entity_id = ?")
            params.append(int(self.entity))
        for field_name, column in (("outlet", "outlet"), ("kind", "kind"), ("act", "speech_act")):
            value = getattr(self, field_name)
            if value and skip != field_name:
                where.append(f"s.{column} = ?")
                params.append(value)
        if self.since:
            where.append("s.said_on >= ?")
            params.append(self.since)
        if self.until:
            where.append("s.said_on <= ?")
            params.append(self.until + "\uffff")  # "2023" includes every day of 2023
        return join + (" WHERE " + " AND ".join(where) if where else ""), params


def _said_on(row: sqlite3.Row) -> dict | None:
    date = row["said_on"]
    if not date:
        return None
    return {
        "date": date,
        "precision": _PRECISION.get(len(date)),
        "from": row["said_on_from"],
    }


def _row_to_dict(row: sqlite3.Row) -> dict:
    speaker_span = (
        [row["speaker_start"], row["speaker_end"]] if row["speaker_start"] is not None else None
    )
    cue = (
        {
            "text": row["cue_text"],
            "lemma": row["cue_lemma"],
            "span": [row["cue_start"], row["cue_end"]],
        }
        if row["cue_text"] is not None
        else None
    )
    return {
        "id": row["id"],
        "article": {
            "id": row["article_id"],
            "path": row["path"],
            "url": row["url"],
            "title": row["title"],
            "outlet": row["outlet"],
            "published": row["published"],
        },
        "speaker": {
            "id": row["entity_id"],
            "name": row["speaker_name"],
            "mention": row["speaker_mention"],
            "span": speaker_span,
            "kind": row["speaker_kind"],
        },
        "cue": cue,
        "content": {"text": row["content_text"], "spans": json.loads(row["content_spans"])},
        "kind": row["kind"],
        "speech_act": row["speech_act"],
        "said_on": _said_on(row),
        "cluster": {"id": row["cluster_id"], "reports": 1, "articles": [], "first_reported": None},
    }


SELECT = """
    SELECT s.*, a.path, a.url, a.title, a.published
    FROM statements s JOIN articles a ON a.id = s.article_id
"""
_ORDER_BY = {
    "relevance": "bm25(statements_fts), s.article_id, s.seq",
    "newest": "s.said_on IS NULL, s.said_on DESC, s.article_id, s.seq",
    "oldest": "s.said_on IS NULL, s.said_on, s.article_id, s.seq",
}


def _attach_clusters(conn: sqlite3.Connection, stmts: list[dict]) -> list[dict]:
    """Fill each statement's ``cluster``: every article that reported it, earliest first."""
    ids = sorted({s["cluster"]["id"] for s in stmts})
    members: dict[str, list[dict]] = {}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        rows = conn.execute(
            f"""SELECT s.cluster_id, s.id AS statement_id, a.id, a.outlet, a.published, a.path
                FROM statements s JOIN articles a ON a.id = s.article_id
                WHERE s.cluster_id IN ({",".join("?" * len(part))})
                ORDER BY a.published IS NULL, a.published, a.id""",
            part,
        )
        for r in rows:
            members.setdefault(r["cluster_id"], []).append(
                {
                    "id": r["id"],
                    "statement": r["statement_id"],
                    "outlet": r["outlet"],
                    "published": r["published"],
                    "path": r["path"],
                }
            )
    for stmt in stmts:
        reports = members.get(stmt["cluster"]["id"], [])
        stmt["cluster"].update(
            reports=len(reports) or 1,
            articles=reports,
            first_reported=reports[0]["id"] if reports else stmt["article"]["id"],
        )
    return stmts


def statements(
    conn: sqlite3.Connection,
    filters: Filters | None = None,
    *,
    order: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    **by,
) -> list[dict]:
    """Statements matching ``filters`` (or the same given as keywords: ``search="ATACMS"``).

    With a search the default order is relevance, without one the statement's date, oldest
    first (then article order).
    """
    filters = filters or Filters(**by)
    order = order or ("relevance" if filters.search else "oldest")
    if order not in ORDERS or (order == "relevance" and not filters.search):
        raise ValueError("order must be newest or oldest (or relevance, with a search)")
    where, params = filters.sql()
    sql = SELECT + where + f" ORDER BY {_ORDER_BY[order]}"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [int(limit), int(offset)]
    return _attach_clusters(conn, [_row_to_dict(r) for r in conn.execute(sql, params)])


def count(conn: sqlite3.Connection, filters: Filters) -> int:
    """How many statements match ``filters``."""
    where, params = filters.sql()
    return conn.execute(f"SELECT COUNT(*) FROM statements s{where}", params).fetchone()[0]


def facets(conn: sqlite3.Connection, filters: Filters, top: int = 12) -> dict[str, list[dict]]:
    """Counts per speaker, outlet, kind and speech act among the matching statements.

    Each facet leaves its own filter out, so a chosen value still shows its alternatives.
    """
    out: dict[str, list[dict]] = {}
    for facet, column, skip in (
        ("speaker", "s.entity_id, s.speaker_name", "speaker"),
        ("outlet", "s.outlet", "outlet"),
        ("kind", "s.kind", "kind"),
        ("speech_act", "s.speech_act", "act"),
    ):
        where, params = filters.sql(skip=skip)
        rows = conn.execute(
            f"""SELECT {column}, COUNT(*) AS n FROM statements s{where}
                GROUP BY {column} ORDER BY n DESC LIMIT ?""",
            [*params, top],
        ).fetchall()
        if facet == "speaker":
            out[facet] = [{"id": r[0], "value": r[1], "count": r["n"]} for r in rows if r[1]]
        else:
            out[facet] = [{"value": r[0], "count": r["n"]} for r in rows if r[0]]
    return out


def statement(conn: sqlite3.Connection, statement_id: str) -> dict | None:
    """One statement by id, with its cluster, or None."""
    row = conn.execute(SELECT + " WHERE s.id = ?", (statement_id,)).fetchone()
    return _attach_clusters(conn, [_row_to_dict(row)])[0] if row else None


def article(conn: sqlite3.Connection, article_id: str) -> dict | None:
    """One article: metadata, original text, skipped ranges and its statements, or None."""
    row = conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
    if row is None:
        return None
    title = [row["title_start"], row["title_end"]] if row["title_start"] is not None else None
    rows = conn.execute(SELECT + " WHERE s.article_id = ? ORDER BY s.seq", (article_id,))
    return {
        "id": row["id"],
        "path": row["path"],
        "url": row["url"],
        "title": row["title"],
        "outlet": row["outlet"],
        "published": row["published"],
        "published_from": row["published_from"],
        "language": row["language"],
        "ingested_at": row["ingested_at"],
        "title_span": title,
        "skips": [{"start": a, "end": b, "reason": r} for a, b, r in json.loads(row["skips"])],
        "text": row["text"],
        "statements": _attach_clusters(conn, [_row_to_dict(r) for r in rows]),
    }


_SPEAKERS = """
    SELECT e.id, e.name, e.kind, e.titles, COUNT(s.id) AS statements,
           COUNT(DISTINCT s.article_id) AS articles,
           COUNT(DISTINCT s.cluster_id) AS clusters,
           MIN(s.said_on) AS first, MAX(s.said_on) AS last
    FROM entities e
    JOIN statements s ON s.entity_id = e.id
"""


def _speaker_dict(r: sqlite3.Row) -> dict:
    return {
        "id": r["id"],
        "name": r["name"],
        "kind": r["kind"],
        "titles": json.loads(r["titles"]),
        "statements": r["statements"],
        "articles": r["articles"],
        "clusters": r["clusters"],
        "first": r["first"],
        "last": r["last"],
    }


def speakers(
    conn: sqlite3.Connection,
    *,
    name: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict]:
    """Named speakers with kind, titles, counts and first/last dates, most quoted first."""
    where, params = [], []
    if name:
        where.append("e.name LIKE ?")
        params.append(f"%{name}%")
    if kind:
        where.append("e.kind = ?")
        params.append(kind)
    sql = _SPEAKERS + (" WHERE " + " AND ".join(where) if where else "")
    sql += " GROUP BY e.id ORDER BY statements DESC, e.name"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [int(limit), int(offset)]
    return [_speaker_dict(r) for r in conn.execute(sql, params)]


def speaker(conn: sqlite3.Connection, entity_id: int) -> dict | None:
    """One speaker by id, or None."""
    row = conn.execute(_SPEAKERS + " WHERE e.id = ? GROUP BY e.id", (entity_id,)).fetchone()
    return _speaker_dict(row) if row else None


def timeline(
    conn: sqlite3.Connection,
    entity_id: int,
    *,
    about: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict:
    """A speaker's statements, newest first, each reported statement (cluster) once.

    Returns ``{"buckets": [...], "total": n, "statements": [...]}``; the buckets count
    statements per year (or per month when they span two years or less) and speech act, for
    a chart. ``about`` narrows to a full-text search.
    """
    filters = Filters(entity=entity_id, search=about)
    where, params = filters.sql()
    firsts = f"""
        SELECT s.rowid AS rid, s.said_on, s.speech_act, COUNT(*) OVER win AS reports,
               ROW_NUMBER() OVER (win ORDER BY s.said_on, s.article_id, s.seq) AS nth
        FROM statements s{where}
        WINDOW win AS (PARTITION BY s.cluster_id)
    """
    clusters = conn.execute(
        f"SELECT rid, said_on, speech_act, reports FROM ({firsts}) WHERE nth = 1", params
    ).fetchall()
    dated = sorted(c["said_on"] for c in clusters if c["said_on"])
    width = 7 if dated and int(dated[-1][:4]) - int(dated[0][:4]) <= 1 else 4
    buckets: dict[str, dict[str, int]] = {}
    for c in clusters:
        if c["said_on"]:
            period = buckets.setdefault(c["said_on"][:width], {})
            act = c["speech_act"] or "other"
            period[act] = period.get(act, 0) + 1
    ordered = sorted(clusters, key=lambda c: (c["said_on"] or "", c["rid"]), reverse=True)
    page = ordered[offset : offset + limit]
    reports = {c["rid"]: c["reports"] for c in page}
    rows = []
    if page:
        marks = ",".join("?" * len(page))
        found = {
            r["rowid"]: r
            for r in conn.execute(
                f"SELECT s.rowid, s.*, a.path, a.url, a.title, a.published "
                f"FROM statements s JOIN articles a ON a.id = s.article_id "
                f"WHERE s.rowid IN ({marks})",
                [c["rid"] for c in page],
            )
        }
        rows = [_row_to_dict(found[c["rid"]]) for c in page]
    _attach_clusters(conn, rows)
    for row, c in zip(rows, page, strict=True):
        row["cluster"]["reports"] = max(row["cluster"]["reports"], reports[c["rid"]])
    return {
        "granularity": "month" if width == 7 else "year",
        "buckets": [{"period": k, "acts": v} for k, v in sorted(buckets.items())],
        "total": len(clusters),
        "statements": rows,
    }


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
    said_on = stmt.get("said_on") or {}
    cluster = stmt.get("cluster") or {}
    return {
        "id": stmt.get("id"),
        "article_id": stmt["article"]["id"],
        "path": stmt["article"].get("path"),
        "title": stmt["article"].get("title"),
        "outlet": stmt["article"].get("outlet"),
        "published": stmt["article"].get("published"),
        "said_on": said_on.get("date"),
        "speaker": stmt["speaker"]["name"],
        "speaker_kind": stmt["speaker"]["kind"],
        "mention": stmt["speaker"]["mention"],
        "cue": stmt["cue"]["text"] if stmt["cue"] else None,
        "kind": stmt["kind"],
        "speech_act": stmt.get("speech_act"),
        "content": stmt["content"]["text"],
        "content_spans": json.dumps(stmt["content"]["spans"]),
        "cluster_id": cluster.get("id"),
        "reports": str(cluster["reports"]) if cluster.get("reports") else None,
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
