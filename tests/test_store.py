"""The SQLite store: schema version, idempotent writes, crash consistency, full-text search."""

from __future__ import annotations

import sqlite3

import pytest

from onrecord.record import migrations, query, store
from onrecord.record.ingest import ingest

ARTICLE_A = (
    "Mayor Lisa Grant said on Monday that the new bridge would open in May.\n\n"
    '"It is the best bridge in the region," Grant told reporters.\n'
)
ARTICLE_B = (
    "Governor Tom Hale, who took office in May, said that the budget for schools would grow "
    "by ten percent.\n"
)


@pytest.fixture()
def folder(tmp_path):
    src = tmp_path / "articles"
    src.mkdir()
    (src / "a.txt").write_text(ARTICLE_A)
    (src / "b.txt").write_text(ARTICLE_B)
    return src


def test_schema_is_versioned(tmp_path):
    conn = store.connect(tmp_path / "x.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    # opening again applies nothing new
    assert store.migrate(conn) == store.SCHEMA_VERSION


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.db"
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    with pytest.raises(RuntimeError, match="newer"):
        store.connect(path)


def test_reingest_changes_nothing(tmp_path, folder):
    conn = store.connect(tmp_path / "x.db")
    first = ingest(conn, [str(folder)])
    assert first.added == 2 and first.statements >= 3
    before = query.counts(conn)
    second = ingest(conn, [str(folder)])
    assert second.added == 0 and second.already == 2
    assert query.counts(conn) == before


def test_a_more_accurate_ingest_finds_articles_again(tmp_path, folder):
    conn = store.connect(tmp_path / "x.db")
    ingest(conn, [str(folder)], mode="fast")
    ids = [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY id")]
    assert [store.stored_mode(conn, i) for i in ids] == ["fast", "fast"]
    assert store.stored_mode(conn, "no such article") is None
    again = ingest(conn, [str(folder)])
    assert (again.added, again.redone, again.already) == (0, 2, 0)
    assert [store.stored_mode(conn, i) for i in ids] == ["default", "default"]
    again = ingest(conn, [str(folder)], mode="accurate")
    assert (again.added, again.redone, again.already) == (0, 2, 0)
    assert [store.stored_mode(conn, i) for i in ids] == ["accurate", "accurate"]
    assert query.article(conn, ids[0])["extractor"] == "accurate"
    # the same statements as an accurate ingest into an empty database: nothing left over
    fresh = store.connect(tmp_path / "fresh.db")
    ingest(fresh, [str(folder)], mode="accurate")
    sql = "SELECT id, content_text, speaker_name FROM statements ORDER BY id"
    assert conn.execute(sql).fetchall() == fresh.execute(sql).fetchall()
    assert query.counts(conn) == query.counts(fresh)
    conn.execute("INSERT INTO statements_fts(statements_fts) VALUES ('integrity-check')")
    # no mode finds accurate-mode articles again
    for mode in ("accurate", "default", "fast"):
        rerun = ingest(conn, [str(folder)], mode=mode)
        assert (rerun.added, rerun.redone, rerun.already) == (0, 0, 2)
    assert [store.stored_mode(conn, i) for i in ids] == ["accurate", "accurate"]


def test_unknown_extractor_is_refused(tmp_path):
    from onrecord.read.article import make_article

    conn = store.connect(tmp_path / "x.db")
    with pytest.raises(ValueError, match="unknown extractor"):
        store.write_article(conn, make_article(ARTICLE_A), [], extractor="quick")
    assert query.counts(conn)["articles"] == 0


def test_killed_ingest_leaves_whole_articles_and_rerun_completes(tmp_path, folder, monkeypatch):
    path = tmp_path / "x.db"
    conn = store.connect(path)
    real_insert = store._entity
    calls = {"n": 0}

    def dying_entity(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:  # in the middle of writing the second article's statements
            raise KeyboardInterrupt
        return real_insert(*args, **kwargs)

    monkeypatch.setattr(store, "_entity", dying_entity)
    with pytest.raises(KeyboardInterrupt):
        ingest(conn, [str(folder)])
    conn.close()
    monkeypatch.setattr(store, "_entity", real_insert)

    conn = store.connect(path)
    articles = conn.execute("SELECT id FROM articles").fetchall()
    orphans = conn.execute(
        "SELECT COUNT(*) FROM statements WHERE article_id NOT IN (SELECT id FROM articles)"
    ).fetchone()[0]
    assert len(articles) == 1 and orphans == 0
    per_article = conn.execute("SELECT COUNT(*) FROM statements").fetchone()[0]
    assert per_article >= 2  # the finished article has all its statements

    again = ingest(conn, [str(folder)])
    assert again.added == 1 and again.already == 1
    assert query.counts(conn)["articles"] == 2


def test_full_text_search_and_filters(tmp_path, folder):
    conn = store.connect(tmp_path / "x.db")
    ingest(conn, [str(folder)])
    hits = query.statements(conn, search="bridges")  # stemmed
    assert hits and all("bridge" in h["content"]["text"] for h in hits)
    assert query.statements(conn, search="bridge", speaker="Hale") == []
    hale = query.statements(conn, speaker="hale")
    assert [h["speaker"]["name"] for h in hale] == ["Tom Hale"]
    a, b = hale[0]["speaker"]["phrase_span"]  # stored and read back
    assert ARTICLE_B[a:b] == "Governor Tom Hale, who took office in May"
    direct = query.statements(conn, kind="direct")
    assert [h["speaker"]["name"] for h in direct] == ["Lisa Grant"]
    with pytest.raises(ValueError):
        query.statements(conn, kind="rumour")


def test_hostile_search_text_is_harmless(tmp_path, folder):
    conn = store.connect(tmp_path / "x.db")
    ingest(conn, [str(folder)])
    assert query.statements(conn, search="'; DROP TABLE statements; --") == []
    assert query.statements(conn, search='" OR 1=1 NEAR(') == []
    assert query.counts(conn)["statements"] >= 3


def test_speakers_counts(tmp_path, folder):
    conn = store.connect(tmp_path / "x.db")
    ingest(conn, [str(folder)])
    rows = {r["name"]: r for r in query.speakers(conn)}
    assert rows["Lisa Grant"]["statements"] == 2 and rows["Lisa Grant"]["articles"] == 1
    assert rows["Lisa Grant"]["kind"] == "person"
    assert [t["title"] for t in rows["Lisa Grant"]["titles"]] == ["Mayor"]


def test_version_1_database_is_upgraded_with_its_rows(tmp_path):
    """A database written by schema 1 gains speech act, outlet, date and cluster columns."""
    path = tmp_path / "old.db"
    raw = sqlite3.connect(path)
    migrations._run_script(raw, migrations.MIGRATIONS[0])
    raw.execute("PRAGMA user_version = 1")
    raw.execute(
        "INSERT INTO articles(id, text, outlet, published, ingested_at) "
        "VALUES ('a1', 'Tom Hale warned that taxes would rise.', 'Daily', '2020-05-04', 'now')"
    )
    raw.execute(
        "INSERT INTO statements(id, article_id, seq, speaker_name, speaker_kind, cue_text, "
        "cue_lemma, content_text, content_spans, kind) VALUES ('s1', 'a1', 0, 'Tom Hale', "
        "'person', 'warned', 'warn', 'that taxes would rise', '[[16, 37]]', 'indirect')"
    )
    raw.commit()
    raw.close()
    conn = store.connect(path)  # opening for writing upgrades the schema
    row = conn.execute("SELECT * FROM statements WHERE id = 's1'").fetchone()
    assert (row["speech_act"], row["outlet"], row["said_on"], row["cluster_id"]) == (
        "warn",
        "Daily",
        "2020-05-04",
        "s1",
    )
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    assert query.statements(conn, search="taxes")[0]["said_on"]["from"] == "published"
    assert store.stored_mode(conn, "a1") == "unrecorded"  # written before modes were recorded
    assert query.article(conn, "a1")["extractor"] is None


def test_version_7_default_mode_articles_become_fast_mode_ones(tmp_path):
    """Before schema 8 the default mode was the rules alone, which is now the fast mode: an
    article it stored is found again by the default mode, an accurate one is kept."""
    path = tmp_path / "v7.db"
    raw = sqlite3.connect(path)
    for step in migrations.MIGRATIONS[:7]:
        if callable(step):
            step(raw)
        else:
            migrations._run_script(raw, step)
    raw.execute("PRAGMA user_version = 7")
    for aid, mode in (("a1", "default"), ("a2", "accurate"), ("a3", None)):
        raw.execute(
            "INSERT INTO articles(id, text, ingested_at, extractor) VALUES (?, 'x', 'now', ?)",
            (aid, mode),
        )
    raw.commit()
    raw.close()
    conn = store.connect(path)
    assert [store.stored_mode(conn, a) for a in ("a1", "a2", "a3")] == [
        "fast",
        "accurate",
        "unrecorded",
    ]


def test_failed_migration_changes_nothing(tmp_path, monkeypatch):
    path = tmp_path / "half.db"
    raw = sqlite3.connect(path)
    migrations._run_script(raw, migrations.MIGRATIONS[0])
    raw.execute("PRAGMA user_version = 1")
    raw.commit()
    raw.close()

    def broken(conn):
        conn.execute("ALTER TABLE statements ADD COLUMN half_done TEXT")
        raise RuntimeError("power cut")

    monkeypatch.setattr(migrations, "MIGRATIONS", [migrations.MIGRATIONS[0], broken])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 2)
    with pytest.raises(RuntimeError, match="power cut"):
        store.connect(path)
    raw = sqlite3.connect(path)
    columns = [r[1] for r in raw.execute("PRAGMA table_info(statements)")]
    assert "half_done" not in columns
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
