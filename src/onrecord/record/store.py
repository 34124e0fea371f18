"""The SQLite store: articles, speakers (entities), statements and a full-text index.

- The schema carries a version (``PRAGMA user_version``); :mod:`.migrations` lists the
  steps from each version to the next, applied in order when a database is opened for
  writing (a reader refuses another version).
- Each article is written with its statements in one transaction: an ingest killed half-way
  leaves whole articles only, and the next run completes the rest.
- Writing an article that is already stored (same id: same original bytes) changes nothing,
  unless asked to replace it: an article found by a faster mode is found again by a more
  accurate one. ``articles.extractor`` records which mode found an article's statements.
- ``statements_fts`` (FTS5) indexes statement text and speaker names, kept in step by triggers.
"""

from __future__ import annotations

import json
import os
import shlex
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from ..model import MODES, Article, Statement
from . import schema
from .migrations import SCHEMA_VERSION, migrate

DEFAULT_DB = "onrecord.db"


def default_path() -> str:
    """``$ONRECORD_DB`` if set, else ``./onrecord.db``."""
    return os.environ.get("ONRECORD_DB") or DEFAULT_DB


class NotReadable(RuntimeError):
    """A database that cannot be read as it is: not SQLite, holding no record, or of a schema
    other than :data:`SCHEMA_VERSION` (one message line, naming what to do)."""


def connect(
    path: str | Path | None = None, *, readonly: bool = False, immutable: bool = False
) -> sqlite3.Connection:
    """Open the database at ``path``: for writing, migrated to the current schema; or
    ``readonly``, changing nothing (see :func:`reader`) and checked (:func:`check_schema`).

    ``immutable`` (readonly only) reads without locks or side files, for a database nothing
    writes meanwhile; it is also chosen where SQLite could not read otherwise
    (:func:`immutable_read`).
    """
    path = str(path or default_path())
    if readonly:
        if not Path(path).exists():
            raise FileNotFoundError(f"no database at {path} (run 'onrecord ingest' first)")
        immutable = immutable_read(path, immutable)
        # Checked through an immutable connection where there is no -wal file (the main file
        # then holds every commit): a refused database is left without new side files.
        probe = reader(path, immutable=immutable or not Path(f"{path}-wal").exists())
        try:
            check_schema(probe, path)
        finally:
            probe.close()
        return reader(path, immutable=immutable)
    else:
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA journal_mode=WAL")
        # WAL with NORMAL sync: a killed process loses nothing and the file stays consistent;
        # only a power cut may lose the last commits. Saves an fsync per stored article.
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        # the indexes an article's statements go into (full text, LSH bands, names) are
        # spread over a big record's file: a page cache of 64 MB keeps their upper levels
        conn.execute("PRAGMA cache_size=-65536")
        migrate(conn)
    conn.row_factory = sqlite3.Row
    return conn


def reader(path: str | Path, *, immutable: bool = False) -> sqlite3.Connection:
    """A read-only connection to an existing, checked database (cheap: no checks here).

    Opened ``mode=ro``: SQLite never writes the database file through it, and each query sees
    what writers (an ingest beside a server) have committed. A database in WAL mode, as every
    one onrecord writes, is read through the WAL index in ``<db>-shm``, which readers and
    writers share to agree on which commits each may see; where ``<db>-shm`` and ``<db>-wal``
    are missing, SQLite creates them (empty) for the reader, and leaves them behind. They
    hold no data of the reader's; the next writer uses them and removes them when it closes.

    ``immutable``: SQLite takes no locks and makes no files, and reads the main file alone
    (a -wal file's commits are not seen): only for a database nothing writes while it is read.
    """
    mode = "mode=ro&immutable=1" if immutable else "mode=ro"
    uri = f"{Path(os.path.abspath(path)).as_uri()}?{mode}"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn


def immutable_read(path: str | Path, asked: bool = False) -> bool:
    """Whether to read ``path`` as immutable: when ``asked``, or when a ``mode=ro`` reader
    could not open it (a WAL database without its -shm and -wal files, in a folder this
    process may not write: SQLite would have to create them).

    Raises :class:`NotReadable` where the -wal file holds commits an immutable read would miss.
    """
    path = Path(path)
    side = [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm")]
    with path.open("rb") as fh:
        wal_mode = fh.read(20)[18:20] == b"\x02\x02"  # file format versions: 2 is WAL
    needed = wal_mode and not all(p.exists() for p in side) and not os.access(path.parent, os.W_OK)
    if not (asked or needed):
        return False
    if side[0].exists() and side[0].stat().st_size > 0:
        raise NotReadable(
            f"{side[0]} holds commits not yet in {path}, which an immutable read would miss: "
            f"read it without --immutable, or fold them in first ('onrecord upgrade --db "
            f"{shlex.quote(str(path))}' opens it for writing and does)"
        )
    return True


def check_schema(conn: sqlite3.Connection, path: str | Path) -> None:
    """Raise :class:`NotReadable` unless ``conn`` holds a record of this schema version.

    A reader never migrates (that is a write): ``onrecord upgrade`` does.
    """
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as err:
        raise NotReadable(f"cannot read {path} as a database: {err}") from None
    if version == 0 and tables == 0:
        raise NotReadable(f"{path} holds no record (run 'onrecord ingest --db FILE ...' first)")
    if version < SCHEMA_VERSION:
        raise NotReadable(
            f"{path} has schema version {version}, this onrecord reads version "
            f"{SCHEMA_VERSION}: run 'onrecord upgrade --db {shlex.quote(str(path))}' "
            "(it upgrades the file in place)"
        )
    if version > SCHEMA_VERSION:
        raise NotReadable(
            f"{path} has schema version {version}, newer than this onrecord's "
            f"({SCHEMA_VERSION}): install a newer onrecord to read it"
        )


def has_article(conn: sqlite3.Connection, article_id: str) -> bool:
    return conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None


def stored_mode(conn: sqlite3.Connection, article_id: str) -> str | None:
    """The mode that found a stored article's statements (``MODES``), ``"unrecorded"``
    for an article stored before modes were recorded, None if the article is not stored."""
    row = conn.execute("SELECT extractor FROM articles WHERE id = ?", (article_id,)).fetchone()
    return None if row is None else (row[0] or "unrecorded")


def _remove_article(conn: sqlite3.Connection, article_id: str) -> None:
    """Delete an article with its statements, signatures and titles (foreign keys cascade).

    Reports of its statements in other articles lose their cluster (:func:`dedup.dissolve`):
    a cluster may have held together only through a removed report.
    """
    clusters = [
        row[0]
        for row in conn.execute(
            "SELECT DISTINCT cluster_id FROM statements WHERE article_id = ?", (article_id,)
        )
    ]
    from . import dedup  # (the writer's: readers need no MinHash)

    conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
    dedup.dissolve(conn, clusters)


def _entity(conn: sqlite3.Connection, name: str | None, kind: str) -> int | None:
    """The entity of this name and kind: the one its earlier statements point at, else one
    of this exact name, made if new (:func:`onrecord.record.entities.update`, run after each
    ingest, then merges it with its other names)."""
    if not name:
        return None
    known = conn.execute(
        "SELECT entity_id FROM speaker_names WHERE name = ? AND kind = ? AND entity_id IS NOT NULL",
        (name, kind),
    ).fetchone()
    if known:
        return known[0]  # the name's entity as the last update grouped it
    row = conn.execute("SELECT id FROM entities WHERE name = ? AND kind = ?", (name, kind))
    found = row.fetchone()
    if found:
        return found[0]
    return conn.execute("INSERT INTO entities(name, kind) VALUES (?, ?)", (name, kind)).lastrowid


def write_article(
    conn: sqlite3.Connection,
    article: Article,
    statements: list[Statement],
    titles: dict[str, list[str]] | None = None,
    *,
    extractor: str = "default",
    replace: bool = False,
) -> int | None:
    """Store an article and its statements atomically; returns how many statements were
    stored (two found with the same content spans are one row), None if the article was
    already stored.

    ``extractor`` is the mode that found the statements. ``replace`` puts them in place of
    those of the stored article (and of its clusters), in the same transaction. The same
    transaction marks the derived state (entities, clusters) as behind, until
    :func:`derived_done`: a run killed after this commit leaves the mark for the next.
    """
    rows = [schema.row(stmt, article, seq=seq) for seq, stmt in enumerate(statements)]
    return write_rows(conn, article, rows, titles, extractor=extractor, replace=replace)


def write_rows(
    conn: sqlite3.Connection,
    article: Article,
    rows: list[dict],
    titles: dict[str, list[str]] | None = None,
    *,
    extractor: str = "default",
    replace: bool = False,
) -> int | None:
    """:func:`write_article` of statements given as their rows (:func:`schema.row`, as a
    Parquet dataset of the record keeps them): each speaker's entity is found here."""
    if extractor not in MODES:
        raise ValueError(f"unknown extractor {extractor!r}; one of {MODES}")
    titles = titles or {}
    with conn:
        if has_article(conn, article.id):
            if not replace:
                return None
            _remove_article(conn, article.id)
        mark_behind(conn)
        conn.execute(
            """INSERT INTO articles(id, path, url, title, outlet, published, published_from,
               language, text, skips, title_start, title_end, ingested_at, extractor)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                article.id,
                article.path,
                article.url,
                article.title,
                article.outlet,
                article.published,
                article.published_from,
                article.language,
                article.text,
                json.dumps([[s.start, s.end, s.reason] for s in article.skips]),
                article.title_span[0] if article.title_span else None,
                article.title_span[1] if article.title_span else None,
                datetime.now(UTC).isoformat(timespec="seconds"),
                extractor,
            ),
        )
        conn.executemany(
            "INSERT OR IGNORE INTO titles_seen(article_id, name, title) VALUES (?, ?, ?)",
            [(article.id, name, t) for name, seen in titles.items() for t in seen],
        )
        stored = 0
        for values in rows:
            entity = _entity(conn, values["speaker_name"], values["speaker_kind"])
            values = {**values, "entity_id": entity}
            stored += conn.execute(*schema.insert(values)).rowcount
    return stored


# the settings key present while entities and clusters lag behind the stored statements
BEHIND = "derived_behind"


def mark_behind(conn: sqlite3.Connection) -> None:
    """Mark entities and clusters as behind (inside the caller's transaction)."""
    conn.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, '1')", (BEHIND,))


def derived_behind(conn: sqlite3.Connection) -> bool:
    """Do entities and clusters lag behind what is stored (an ingest that did not finish)?"""
    query = "SELECT 1 FROM settings WHERE key = ?"
    return conn.execute(query, (BEHIND,)).fetchone() is not None


def derived_done(conn: sqlite3.Connection) -> None:
    """Clear the mark of :func:`derived_behind`, once entities and clusters are up to date."""
    with conn:
        conn.execute("DELETE FROM settings WHERE key = ?", (BEHIND,))
