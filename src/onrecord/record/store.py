"""The SQLite store: articles, speakers (entities), statements and a full-text index.

- The schema carries a version (``PRAGMA user_version``); :data:`MIGRATIONS` lists the steps
  from each version to the next, applied in order when a database is opened.
- Each article is written with its statements in one transaction: an ingest killed half-way
  leaves whole articles only, and the next run completes the rest.
- Writing an article that is already stored (same id: same original bytes) changes nothing,
  unless asked to replace it: an article found by a faster mode is found again by a more
  accurate one. ``articles.extractor`` records which mode found an article's statements.
- ``statements_fts`` (FTS5) indexes statement text and speaker names, kept in step by triggers.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from ..model import MODES, Article, Statement

DEFAULT_DB = "onrecord.db"


def _context_columns(conn: sqlite3.Connection) -> None:
    """Version 2: speech act, outlet, date and cluster on each statement, filled for old rows.

    ``outlet`` is copied from the article (articles never change once stored) so that search
    facets and filters need no join. ``cluster_first`` marks the earliest report of each
    cluster, so that a speaker's timeline lists each cluster once straight from an index.
    ``said_on`` is the date the statement was made; until the
    text gives one it is the publication date, and ``said_on_from`` says which.
    """
    _run_script(
        conn,
        """
        ALTER TABLE statements ADD COLUMN speech_act TEXT;
        ALTER TABLE statements ADD COLUMN outlet TEXT;
        ALTER TABLE statements ADD COLUMN said_on TEXT;
        ALTER TABLE statements ADD COLUMN said_on_from TEXT;
        ALTER TABLE statements ADD COLUMN cluster_id TEXT;
        ALTER TABLE statements ADD COLUMN cluster_first INTEGER NOT NULL DEFAULT 1;
        UPDATE statements SET
            outlet = (SELECT outlet FROM articles a WHERE a.id = statements.article_id),
            said_on = (SELECT published FROM articles a WHERE a.id = statements.article_id),
            said_on_from = 'published',
            cluster_id = id;
        CREATE INDEX statements_said_on ON statements(said_on);
        CREATE INDEX statements_entity_cluster
            ON statements(entity_id, cluster_id, said_on, speech_act, article_id);
        CREATE INDEX statements_entity_first
            ON statements(entity_id, cluster_first, said_on, speech_act);
        CREATE INDEX statements_outlet ON statements(outlet);
        CREATE INDEX statements_speech_act ON statements(speech_act);
        CREATE INDEX statements_cluster ON statements(cluster_id);
        """,
    )
    from ..find.context import speech_act  # (the parser's vocabulary: only this old step needs it)

    rows = conn.execute("SELECT id, cue_lemma, cue_text, content_text FROM statements").fetchall()
    conn.executemany(
        "UPDATE statements SET speech_act = ? WHERE id = ?",
        [(speech_act(lemma, content, cue), sid) for sid, lemma, cue, content in rows],
    )


def _identity_tables(conn: sqlite3.Connection) -> None:
    """Version 3: aliases on entities, titles per article, settings (alias rules).

    Titles move from the entity to ``titles_seen`` (one row per article, name and title) so
    that an entity's titles carry the dates they were seen; old titles are attached to the
    entity's first article. Entities are then regrouped across articles.
    """
    _run_script(
        conn,
        """
        ALTER TABLE entities ADD COLUMN aliases TEXT NOT NULL DEFAULT '[]';
        CREATE TABLE titles_seen (
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            title TEXT NOT NULL,
            PRIMARY KEY (article_id, name, title)
        );
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE INDEX statements_speaker_name ON statements(speaker_name, speaker_kind);
        INSERT OR IGNORE INTO titles_seen(article_id, name, title)
            SELECT s.article_id, e.name, t.value
            FROM entities e, json_each(e.titles) t
            JOIN statements s ON s.rowid = (
                SELECT MIN(rowid) FROM statements WHERE entity_id = e.id)
            WHERE json_valid(e.titles) AND t.type = 'text';
        """,
    )
    from . import identity

    identity.rebuild(conn, commit=False)


MIGRATIONS: list = [
    # 1: the first schema
    """
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        path TEXT,
        url TEXT,
        title TEXT,
        outlet TEXT,
        published TEXT,
        published_from TEXT,
        language TEXT,
        text TEXT NOT NULL,
        skips TEXT NOT NULL DEFAULT '[]',
        title_start INTEGER,
        title_end INTEGER,
        ingested_at TEXT NOT NULL
    );
    CREATE TABLE entities (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        titles TEXT NOT NULL DEFAULT '[]',
        UNIQUE (name, kind)
    );
    CREATE TABLE statements (
        id TEXT PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        entity_id INTEGER REFERENCES entities(id),
        speaker_name TEXT,
        speaker_kind TEXT NOT NULL,
        speaker_mention TEXT,
        speaker_start INTEGER,
        speaker_end INTEGER,
        cue_text TEXT,
        cue_lemma TEXT,
        cue_start INTEGER,
        cue_end INTEGER,
        content_text TEXT NOT NULL,
        content_spans TEXT NOT NULL,
        kind TEXT NOT NULL,
        confidence REAL NOT NULL DEFAULT 1.0
    );
    CREATE INDEX statements_article ON statements(article_id, seq);
    CREATE INDEX statements_entity ON statements(entity_id);
    CREATE INDEX statements_kind ON statements(kind);
    CREATE VIRTUAL TABLE statements_fts USING fts5(
        content_text, speaker_name, content='statements', content_rowid='rowid',
        tokenize='porter unicode61'
    );
    CREATE TRIGGER statements_ai AFTER INSERT ON statements BEGIN
        INSERT INTO statements_fts(rowid, content_text, speaker_name)
        VALUES (new.rowid, new.content_text, new.speaker_name);
    END;
    CREATE TRIGGER statements_ad AFTER DELETE ON statements BEGIN
        INSERT INTO statements_fts(statements_fts, rowid, content_text, speaker_name)
        VALUES ('delete', old.rowid, old.content_text, old.speaker_name);
    END;
    """,
    _context_columns,
    _identity_tables,
    # 4: MinHash signatures of statements, for clustering reports of the same statement
    """
    CREATE TABLE minhashes (
        statement_id TEXT PRIMARY KEY REFERENCES statements(id) ON DELETE CASCADE,
        signature BLOB NOT NULL
    );
    """,
    # 5: the rest of a statement's context (rows written before keep empty values)
    """
    ALTER TABLE statements ADD COLUMN said_on_precision TEXT;
    ALTER TABLE statements ADD COLUMN said_on_text TEXT;
    ALTER TABLE statements ADD COLUMN venue TEXT;
    ALTER TABLE statements ADD COLUMN audience TEXT;
    ALTER TABLE statements ADD COLUMN targets TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE statements ADD COLUMN numbers TEXT NOT NULL DEFAULT '[]';
    UPDATE statements SET said_on_precision = 'day' WHERE said_on IS NOT NULL;
    """,
    # 6: the speaker's whole source phrase (rows written before keep none)
    """
    ALTER TABLE statements ADD COLUMN speaker_phrase_start INTEGER;
    ALTER TABLE statements ADD COLUMN speaker_phrase_end INTEGER;
    """,
    # 7: which mode found an article's statements (rows written before: NULL, not recorded)
    """
    ALTER TABLE articles ADD COLUMN extractor TEXT;
    """,
    # 8: the default mode takes the tagger in; what it stored before is the rules' alone,
    # which is now the fast mode
    """
    UPDATE articles SET extractor = 'fast' WHERE extractor = 'default';
    """,
    # 9: entities and clusters lag behind while a mark says so (store.derived_behind); a
    # record whose last ingest died before clustering (statements without a signature)
    # gets the mark now
    """
    INSERT OR REPLACE INTO settings(key, value)
        SELECT 'derived_behind', '1' WHERE EXISTS (
            SELECT 1 FROM statements s LEFT JOIN minhashes m ON m.statement_id = s.id
            WHERE m.statement_id IS NULL);
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


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


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run SQL statements one by one inside the caller's transaction.

    (``executescript`` would commit first, and a migration must be all or nothing.)
    """
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            conn.execute(pending)
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement in migration: {pending.strip()[:60]}")


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the migrations this database lacks; returns the schema version."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise RuntimeError(
            f"database schema version {version} is newer than this onrecord ({SCHEMA_VERSION})"
        )
    for step in range(version, SCHEMA_VERSION):
        conn.execute("BEGIN")
        try:
            migration = MIGRATIONS[step]
            if callable(migration):
                migration(conn)
            else:
                _run_script(conn, migration)
            conn.execute(f"PRAGMA user_version = {step + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return SCHEMA_VERSION


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


def statement_id(stmt: Statement) -> str:
    """Stable id: the article and the content offsets."""
    key = stmt.article_id + json.dumps(stmt.content_spans)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _entity(conn: sqlite3.Connection, name: str | None, kind: str) -> int | None:
    """The entity of this exact name and kind, made if new (:func:`identity.rebuild`, run
    after each ingest, then merges it with its other names)."""
    if not name:
        return None
    row = conn.execute("SELECT id FROM entities WHERE name = ? AND kind = ?", (name, kind))
    found = row.fetchone()
    if found:
        return found[0]
    return conn.execute("INSERT INTO entities(name, kind) VALUES (?, ?)", (name, kind)).lastrowid


def _json_or_null(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


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
        for seq, stmt in enumerate(statements):
            sp = stmt.speaker
            entity = _entity(conn, sp.name, sp.kind)
            sid = statement_id(stmt)
            said = stmt.said_on
            model_dict = stmt.to_dict()
            stored += conn.execute(
                """INSERT OR IGNORE INTO statements(id, article_id, seq, entity_id, speaker_name,
                   speaker_kind, speaker_mention, speaker_start, speaker_end, cue_text, cue_lemma,
                   cue_start, cue_end, content_text, content_spans, kind, confidence,
                   speech_act, outlet, said_on, said_on_from, said_on_precision, said_on_text,
                   venue, audience, targets, numbers, cluster_id, speaker_phrase_start,
                   speaker_phrase_end)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                           ?, ?, ?, ?, ?, ?, ?)""",
                (
                    sid,
                    article.id,
                    seq,
                    entity,
                    sp.name,
                    sp.kind,
                    sp.mention,
                    sp.span[0] if sp.span else None,
                    sp.span[1] if sp.span else None,
                    stmt.cue.text if stmt.cue else None,
                    stmt.cue.lemma if stmt.cue else None,
                    stmt.cue.span[0] if stmt.cue else None,
                    stmt.cue.span[1] if stmt.cue else None,
                    stmt.content_text,
                    json.dumps(stmt.content_spans),
                    stmt.kind,
                    stmt.confidence,
                    stmt.speech_act,
                    article.outlet,
                    said.date if said else article.published,
                    said.source if said else ("published" if article.published else None),
                    said.precision if said else ("day" if article.published else None),
                    said.text if said else None,
                    _json_or_null(model_dict["venue"]),
                    _json_or_null(model_dict["audience"]),
                    json.dumps(model_dict["targets"], ensure_ascii=False),
                    json.dumps(model_dict["numbers"], ensure_ascii=False),
                    sid,
                    sp.phrase_span[0] if sp.phrase_span else None,
                    sp.phrase_span[1] if sp.phrase_span else None,
                ),
            ).rowcount
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
