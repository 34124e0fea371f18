"""The schema's history: :data:`MIGRATIONS` lists the steps from each version of the
database to the next (SQL, or a function for a step that must compute), and :func:`migrate`
applies those a database lacks, each in one transaction (all or nothing), recording the
version in ``PRAGMA user_version``.

A new column is a new step at the end; a step once released never changes.
"""

from __future__ import annotations

import sqlite3


def _category(conn: sqlite3.Connection) -> None:
    """Version 10: each statement's category (speech, belief or finding), filled for the rows
    stored before it from their cue and source mention (:func:`onrecord.find.category`)."""
    _run_script(
        conn,
        """
        ALTER TABLE statements ADD COLUMN category TEXT NOT NULL DEFAULT 'speech';
        CREATE INDEX statements_category ON statements(category);
        """,
    )
    from ..find.category import category  # (plain words: no parser)

    rows = conn.execute(
        "SELECT id, cue_lemma, cue_text, speaker_mention, speaker_kind FROM statements"
    )
    conn.executemany(
        "UPDATE statements SET category = ? WHERE id = ?",
        [(category(*row[1:]), row[0]) for row in rows.fetchall()],
    )


_CONFIDENCE_BEFORE = "confidence REAL NOT NULL DEFAULT 1.0"


def _confidence_unknown(conn: sqlite3.Connection) -> None:
    """Version 11: ``confidence`` becomes nullable, and NULL (not measured) for every row
    stored before: until then it was 1.0 for every statement, a default rather than a
    measure. Rows written from now on keep what the extractor gives.

    SQLite cannot drop a NOT NULL constraint with ALTER TABLE, and rebuilding ``statements``
    would cascade deletions to its signatures (foreign keys are on) and need its full-text
    index rebuilt; so the table's definition is edited in place, as SQLite's documentation
    describes for removing a NOT NULL constraint or changing a default ("Making Other Kinds
    Of Table Schema Changes"): within this transaction, the CREATE TABLE text in
    ``sqlite_master`` is changed and ``schema_version`` raised, which makes SQLite read the
    schema again. The rows themselves are untouched by that step.
    """
    notnull = {r[1]: r[3] for r in conn.execute("PRAGMA table_info(statements)")}
    if notnull.get("confidence"):
        sql = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'statements'"
        ).fetchone()[0]
        if sql.count(_CONFIDENCE_BEFORE) != 1:
            raise RuntimeError(
                f"statements.confidence is not declared as {_CONFIDENCE_BEFORE!r}: cannot make "
                "it nullable"
            )
        version = conn.execute("PRAGMA schema_version").fetchone()[0]
        conn.execute("PRAGMA writable_schema = ON")
        try:
            conn.execute(
                "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'statements'",
                (sql.replace(_CONFIDENCE_BEFORE, "confidence REAL"),),
            )
            conn.execute(f"PRAGMA schema_version = {version + 1}")
        finally:
            conn.execute("PRAGMA writable_schema = OFF")
        problems = [r[0] for r in conn.execute("PRAGMA quick_check(statements)")]
        notnull = {r[1]: r[3] for r in conn.execute("PRAGMA table_info(statements)")}
        if problems != ["ok"] or notnull.get("confidence"):
            raise RuntimeError(f"statements.confidence could not be made nullable: {problems[:3]}")
    conn.execute("UPDATE statements SET confidence = NULL")


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
    from ..find.acts import speech_act  # (plain words: no parser)

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
    # (entities are regrouped by migration 14, which files what their update reads)


def _speaker_names(conn: sqlite3.Connection) -> None:
    """Version 14: each stored speaker name with its number of statements and its entity
    (kept by triggers, which mark a name dirty when its statements change), the keys that
    link names (:func:`onrecord.record.entities.keys`), and each name's titles counted as
    articles are stored (so that an entity's titles are read off its names, not its
    statements; a title seen marks its name dirty too); every name regrouped."""
    _run_script(
        conn,
        """
        CREATE TABLE IF NOT EXISTS speaker_names (
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            statements INTEGER NOT NULL,
            entity_id INTEGER,
            dirty INTEGER NOT NULL DEFAULT 1,
            PRIMARY KEY (name, kind)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS speaker_names_dirty ON speaker_names(dirty) WHERE dirty;
        CREATE TABLE IF NOT EXISTS name_keys (
            key TEXT NOT NULL,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            PRIMARY KEY (key, name, kind)
        ) WITHOUT ROWID;
        CREATE TRIGGER IF NOT EXISTS statements_name_in AFTER INSERT ON statements
        WHEN new.speaker_name IS NOT NULL BEGIN
            INSERT INTO speaker_names(name, kind, statements, entity_id, dirty)
            VALUES (new.speaker_name, new.speaker_kind, 1, new.entity_id, 1)
            ON CONFLICT(name, kind) DO UPDATE SET statements = statements + 1, dirty = 1;
        END;
        CREATE TRIGGER IF NOT EXISTS statements_name_out AFTER DELETE ON statements
        WHEN old.speaker_name IS NOT NULL BEGIN
            UPDATE speaker_names SET statements = statements - 1, dirty = 1
            WHERE name = old.speaker_name AND kind = old.speaker_kind;
        END;
        INSERT OR REPLACE INTO speaker_names(name, kind, statements, entity_id, dirty)
            SELECT speaker_name, speaker_kind, COUNT(*), MIN(entity_id), 1 FROM statements
            WHERE speaker_name IS NOT NULL GROUP BY speaker_name, speaker_kind;
        CREATE TABLE IF NOT EXISTS title_counts (
            name TEXT NOT NULL,
            title TEXT NOT NULL,
            articles INTEGER NOT NULL,
            first TEXT,
            last TEXT,
            PRIMARY KEY (name, title)
        ) WITHOUT ROWID;
        CREATE TRIGGER IF NOT EXISTS titles_seen_in AFTER INSERT ON titles_seen BEGIN
            INSERT INTO title_counts(name, title, articles, first, last)
            VALUES (new.name, new.title, 1,
                    (SELECT published FROM articles WHERE id = new.article_id),
                    (SELECT published FROM articles WHERE id = new.article_id))
            ON CONFLICT(name, title) DO UPDATE SET
                articles = articles + 1,
                first = CASE WHEN first IS NULL OR excluded.first < first
                             THEN coalesce(excluded.first, first) ELSE first END,
                last = CASE WHEN last IS NULL OR excluded.last > last
                            THEN coalesce(excluded.last, last) ELSE last END;
            UPDATE speaker_names SET dirty = 1 WHERE name = new.name;
        END;
        CREATE TRIGGER IF NOT EXISTS titles_seen_out AFTER DELETE ON titles_seen BEGIN
            UPDATE title_counts SET articles = articles - 1
            WHERE name = old.name AND title = old.title;
            UPDATE speaker_names SET dirty = 1 WHERE name = old.name;
        END;
        DELETE FROM title_counts;
        INSERT INTO title_counts(name, title, articles, first, last)
            SELECT t.name, t.title, COUNT(*), MIN(a.published), MAX(a.published)
            FROM titles_seen t JOIN articles a ON a.id = t.article_id GROUP BY t.name, t.title;
        """,
    )
    from . import entities

    entities.rebuild(conn, commit=False)


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
    # 10: each statement's category: speech, belief or finding
    _category,
    # 11: confidence nullable; rows stored before it was measured: NULL (unknown)
    _confidence_unknown,
    # 12: clusters hold one speaker's informative statements only (dedup): every cluster is
    # dissolved and its statements unsigned, to be clustered again by the new rule by the
    # next ingest or `onrecord upgrade` (the mark of store.derived_behind says so)
    """
    DELETE FROM minhashes;
    UPDATE statements SET cluster_id = id, cluster_first = 1;
    INSERT OR REPLACE INTO settings(key, value)
        SELECT 'derived_behind', '1' WHERE EXISTS (SELECT 1 FROM statements);
    """,
    # 13: the LSH index of dedup kept in the database (band keys, looked up per new
    # statement) and the statements waiting to be signed; clusters hold by complete linkage
    # now: every cluster is dissolved and clustered again by the next ingest or upgrade
    """
    CREATE TABLE IF NOT EXISTS lsh_bands (
        key INTEGER NOT NULL,
        sid INTEGER NOT NULL,
        PRIMARY KEY (key, sid)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS unsigned (statement_id TEXT PRIMARY KEY);
    CREATE TRIGGER IF NOT EXISTS statements_unsigned AFTER INSERT ON statements BEGIN
        INSERT OR IGNORE INTO unsigned(statement_id) VALUES (new.id);
    END;
    DELETE FROM minhashes;
    INSERT OR IGNORE INTO unsigned(statement_id) SELECT id FROM statements;
    UPDATE statements SET cluster_id = id, cluster_first = 1;
    INSERT OR REPLACE INTO settings(key, value)
        SELECT 'derived_behind', '1' WHERE EXISTS (SELECT 1 FROM statements);
    """,
    # 14: the stored names and the keys that link them, kept for entities.update
    _speaker_names,
]
SCHEMA_VERSION = len(MIGRATIONS)


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
