"""A record as a partitioned Parquet dataset, for corpora beyond one SQLite file.

``onrecord ingest PATH... --parquet DIR`` writes what the workers find to ``DIR`` instead of
a database: three tables, each a folder of Parquet files partitioned by the month of
publication (Hive style, ``month=2016-09``, ``month=unknown``), with typed columns that
Spark, DuckDB, Polars and pyarrow read as they are:

- ``articles``: an article per row, its original text and what cleaning marks to skip;
- ``statements``: a statement per row, the columns of the ``statements`` table
  (:func:`onrecord.record.schema.row`: offsets as integers, the content's spans as a list of
  pairs, the context fields as JSON text), without what only a record decides (the
  speaker's entity, the cluster);
- ``titles``: the titles seen per person per article.

Writes are keyed by article: each file is named by the id of its first article, the
articles already in ``DIR`` are skipped, so a run that is interrupted and run again, or a
chunk run twice, writes nothing twice. ``onrecord ingest --from-parquet DIR`` loads such a
dataset into a record (through the one writer, like an ingest), then brings its entities
and clusters up to date.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from ..find.pipeline import Result, Summary
from ..model import Article, Skip
from . import schema, store

# articles per file (per month within it): a file holds a chunk of the stream
CHUNK_ARTICLES = 500

ARTICLE_COLUMNS = (
    ("id", "string"),
    ("path", "string"),
    ("url", "string"),
    ("title", "string"),
    ("outlet", "string"),
    ("published", "string"),
    ("published_from", "string"),
    ("language", "string"),
    ("text", "string"),
    ("skips", "string"),  # JSON: [[start, end, reason], ...]
    ("title_start", "int"),
    ("title_end", "int"),
    ("extractor", "string"),
)
_INTS = {
    "seq",
    "speaker_start",
    "speaker_end",
    "cue_start",
    "cue_end",
    "speaker_phrase_start",
    "speaker_phrase_end",
}
_FLOATS = {"confidence"}
_LEFT_OUT = {"entity_id", "cluster_id"}  # what a record decides


def _types():
    import pyarrow as pa

    return {"string": pa.string(), "int": pa.int64(), "float": pa.float64()}


def article_schema():
    import pyarrow as pa

    types = _types()
    return pa.schema([(n, types[t]) for n, t in ARTICLE_COLUMNS] + [("month", pa.string())])


def statement_schema():
    """The statements' Parquet schema: the ``statements`` row's columns, typed."""
    import pyarrow as pa

    sample = schema.row(_SAMPLE_STATEMENT, _SAMPLE_ARTICLE)
    fields = []
    for name in sample:
        if name in _LEFT_OUT:
            continue
        if name == "content_spans":
            fields.append((name, pa.list_(pa.list_(pa.int64()))))
        elif name in _INTS:
            fields.append((name, pa.int64()))
        elif name in _FLOATS:
            fields.append((name, pa.float64()))
        else:
            fields.append((name, pa.string()))
    return pa.schema([*fields, ("month", pa.string())])


def titles_schema():
    import pyarrow as pa

    names = ("article_id", "name", "title", "month")
    return pa.schema([(n, pa.string()) for n in names])


def _month(published: str | None) -> str:
    return published[:7] if published and len(published) >= 7 else "unknown"


class DatasetWriter:
    """Writes results to a Parquet dataset as they come, a chunk of articles per file."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.done = stored_ids(self.folder)
        self.pending: list[tuple[Result, str]] = []

    def has(self, article_id: str) -> bool:
        return article_id in self.done

    def add(self, result: Result, extractor: str) -> int | None:
        """Keep one article's result; None if the dataset has the article already, else
        how many statements it brings."""
        if result.article.id in self.done:
            return None
        self.done.add(result.article.id)
        self.pending.append((result, extractor))
        if len(self.pending) >= CHUNK_ARTICLES:
            self.flush()
        return len({schema.statement_id(s) for s in result.statements})

    def flush(self) -> None:
        """Write the kept results: a file per table and month, named by the first article."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self.pending:
            return
        tables: dict[str, dict[str, list[dict]]] = {
            "articles": defaultdict(list),
            "statements": defaultdict(list),
            "titles": defaultdict(list),
        }
        for result, extractor in self.pending:
            article = result.article
            month = _month(article.published)
            tables["articles"][month].append({**_article_row(article, extractor), "month": month})
            seen = set()
            for seq, stmt in enumerate(result.statements):
                row = schema.row(stmt, article, seq=seq)
                if row["id"] in seen:
                    continue  # (two found with the same spans are one row, as in a record)
                seen.add(row["id"])
                row = {k: v for k, v in row.items() if k not in _LEFT_OUT}
                row["content_spans"] = json.loads(row["content_spans"])
                tables["statements"][month].append({**row, "month": month})
            for name, seen_titles in result.titles.items():
                for title in seen_titles:
                    tables["titles"][month].append(
                        {"article_id": article.id, "name": name, "title": title, "month": month}
                    )
        first = self.pending[0][0].article.id
        schemas = {
            "articles": article_schema(),
            "statements": statement_schema(),
            "titles": titles_schema(),
        }
        for table, by_month in tables.items():
            for month, rows in by_month.items():
                folder = self.folder / table / f"month={month}"
                folder.mkdir(parents=True, exist_ok=True)
                data = pa.Table.from_pylist(rows, schema=schemas[table])
                part = folder / f"part-{first}.parquet"
                pq.write_table(data.drop_columns(["month"]), part.with_suffix(".tmp"))
                part.with_suffix(".tmp").replace(part)  # (whole or not at all)
        self.pending = []

    def close(self) -> None:
        self.flush()


def _article_row(article: Article, extractor: str) -> dict:
    return {
        "id": article.id,
        "path": article.path,
        "url": article.url,
        "title": article.title,
        "outlet": article.outlet,
        "published": article.published,
        "published_from": article.published_from,
        "language": article.language,
        "text": article.text,
        "skips": json.dumps([[s.start, s.end, s.reason] for s in article.skips]),
        "title_start": article.title_span[0] if article.title_span else None,
        "title_end": article.title_span[1] if article.title_span else None,
        "extractor": extractor,
    }


def _dataset(folder: Path):
    import pyarrow.dataset as ds

    return ds.dataset(str(folder), format="parquet", partitioning="hive")


def stored_ids(folder: Path) -> set[str]:
    """The ids of the articles a dataset holds (none where it has no articles yet)."""
    if not (folder / "articles").is_dir():
        return set()
    table = _dataset(folder / "articles").to_table(columns=["id"])
    return set(table.column("id").to_pylist())


def load(conn: sqlite3.Connection, folder: str | Path) -> Summary:
    """Store the articles of a Parquet dataset that the record lacks, with their statements
    and titles, a month at a time. (Entities and clusters are then behind: the caller brings
    them up to date, :func:`onrecord.record.ingest.complete`.)"""
    folder = Path(folder)
    if not (folder / "articles").is_dir():
        raise FileNotFoundError(f"{folder}: no 'articles' table (not a dataset of onrecord)")
    summary = Summary()
    for article, extractor, rows, titles in _articles(folder):
        written = store.write_rows(conn, article, rows, titles, extractor=extractor)
        if written is None:
            summary.already += 1
        else:
            summary.added += 1
            summary.statements += written
    return summary


def _months(folder: Path) -> list[str]:
    return sorted(p.name.split("=", 1)[1] for p in (folder / "articles").glob("month=*"))


def _read(folder: Path, table: str, month: str) -> list[dict]:
    import pyarrow.parquet as pq

    part = folder / table / f"month={month}"
    if not part.is_dir():
        return []
    return [row for f in sorted(part.glob("*.parquet")) for row in pq.read_table(f).to_pylist()]


def _articles(folder: Path) -> Iterator[tuple[Article, str, list[dict], dict]]:
    """Each article of the dataset with its statements' rows and titles, a month at a time
    (the memory of one month's partition)."""
    for month in _months(folder):
        statements: dict[str, list[dict]] = defaultdict(list)
        for row in _read(folder, "statements", month):
            row["content_spans"] = json.dumps(row["content_spans"])
            row["cluster_id"] = row["id"]
            statements[row["article_id"]].append(row)
        titles: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for row in _read(folder, "titles", month):
            titles[row["article_id"]][row["name"]].append(row["title"])
        for row in _read(folder, "articles", month):
            article = Article(
                id=row["id"],
                text=row["text"],
                path=row["path"],
                url=row["url"],
                title=row["title"],
                outlet=row["outlet"],
                published=row["published"],
                published_from=row["published_from"],
                language=row["language"],
                title_span=(row["title_start"], row["title_end"])
                if row["title_start"] is not None
                else None,
                skips=[Skip(*s) for s in json.loads(row["skips"])],
            )
            rows = sorted(statements.get(article.id, []), key=lambda r: r["seq"])
            yield article, row["extractor"] or "default", rows, dict(titles.get(article.id, {}))


def _sample() -> tuple[Article, object]:
    from ..model import Speaker, Statement

    article = Article(id="0" * 16, text="x")
    stmt = Statement(
        article_id=article.id,
        speaker=Speaker(name=None, mention=None, span=None, kind="anonymous"),
        cue=None,
        content_spans=[(0, 1)],
        content_text="x",
        kind="indirect",
    )
    return article, stmt


_SAMPLE_ARTICLE, _SAMPLE_STATEMENT = _sample()
