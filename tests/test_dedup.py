"""Reports of one statement in several articles become one cluster; different statements don't."""

from __future__ import annotations

import shutil

import pytest

from onrecord.find.pipeline import analyze
from onrecord.read.sources import read_paths
from onrecord.record import dedup, query, store
from onrecord.record.ingest import ingest

from .conftest import SEEDS

SEED = "000_fde3fa9627d4bcef.txt"
EDITS = [  # small changes of wording and punctuation a second outlet might make
    ("criticized Washington’s supply", "slammed Washington’s delivery"),
    ("long-range", "long range"),
    ("“another mistake by the United States.”", "“yet another mistake by the United States.”"),
    ("to Kyiv.", "to Kiev."),
]


def test_same_statement_rule():
    full = "the new missiles would cause unnecessary casualties and prolong the conflict"
    assert dedup.same(full, full.upper() + "!")
    assert dedup.same(full, "“The new missiles would cause unnecessary casualties,”")  # fragment
    assert dedup.same(full, full.replace("unnecessary", "needless"))  # one word changed
    # another statement by the same speaker on the same subject
    assert not dedup.same(full, "the missiles would not change the situation on the battlefield")
    assert not dedup.same(full, "")


def _edited_copy(folder):
    """A folder with an edited copy of seed 000, from another outlet a day later."""
    copy = folder / "other"
    copy.mkdir()
    text = (SEEDS / SEED).read_text(encoding="utf-8")
    for old, new in EDITS:
        assert old in text
        text = text.replace(old, new)
    text = "Putin mocks US over ATACMS: 'Let them take them back'\n\n" + text
    (copy / "copy.txt").write_text(text, encoding="utf-8")
    (copy / "metadata.csv").write_text("file,published,outlet\ncopy.txt,2023-10-20,Other Outlet\n")
    return copy


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """The five seeds, and an edited copy of 000 from another outlet a day later."""
    folder = tmp_path_factory.mktemp("dedup")
    seeds = folder / "seeds"
    shutil.copytree(SEEDS, seeds)
    copy = _edited_copy(folder)
    conn = store.connect(folder / "d.db")
    ingest(conn, [str(seeds)])
    assert ingest(conn, [str(copy)]).added == 1
    return conn


def test_edited_copy_gives_clusters_of_two(db):
    original = query.statements(db, search="ATACMS", speaker="Putin", order="oldest")
    from_seed = [s for s in original if s["article"]["path"].endswith(SEED)]
    assert len(from_seed) >= 4
    for stmt in from_seed:
        cluster = stmt["cluster"]
        assert cluster["reports"] == 2, stmt["content"]["text"]
        outlets = [a["outlet"] for a in cluster["articles"]]
        assert outlets == [None, "Other Outlet"]  # the seed's outlet is unknown
        assert cluster["first_reported"] == stmt["article"]["id"]  # 2023-10-19 before 10-20
    edited = next(s for s in from_seed if "another mistake" in s["content"]["text"])
    assert "yet another mistake" in edited["cluster"]["text"]  # the longest version


def test_copy_adds_no_new_entries(db):
    seed_ids = {
        r[0] for r in db.execute("SELECT id FROM articles WHERE path LIKE ?", (f"%{SEED}",))
    }
    copy_id = db.execute("SELECT id FROM articles WHERE path LIKE '%copy.txt'").fetchone()[0]
    marks = ",".join("?" * len(seed_ids))
    seed_clusters = {
        r[0]
        for r in db.execute(
            f"SELECT cluster_id FROM statements WHERE article_id IN ({marks})", list(seed_ids)
        )
    }
    copy_clusters = [
        r[0]
        for r in db.execute("SELECT cluster_id FROM statements WHERE article_id = ?", (copy_id,))
    ]
    shared = [c for c in copy_clusters if c in seed_clusters]
    assert len(shared) >= 0.8 * len(copy_clusters)


def test_different_statements_stay_apart(db):
    # across the five seeds alone, no two articles report one statement
    rows = db.execute(
        """SELECT cluster_id, COUNT(DISTINCT article_id) FROM statements
           WHERE article_id NOT IN (SELECT id FROM articles WHERE path LIKE '%copy.txt')
           GROUP BY cluster_id HAVING COUNT(*) > 1"""
    ).fetchall()
    assert rows == []
    putin = db.execute(
        "SELECT COUNT(DISTINCT cluster_id), COUNT(*) FROM statements s JOIN entities e "
        "ON e.id = s.entity_id WHERE e.name = 'Vladimir Putin' AND s.article_id NOT IN "
        "(SELECT id FROM articles WHERE path LIKE '%copy.txt')"
    ).fetchone()
    assert putin[0] == putin[1]  # every statement of his in the seeds is its own cluster


def test_reingest_and_update_are_idempotent(db):
    before = db.execute("SELECT id, cluster_id FROM statements ORDER BY id").fetchall()
    assert dedup.update(db) == 0
    assert db.execute("SELECT id, cluster_id FROM statements ORDER BY id").fetchall() == before


def test_timeline_shows_each_cluster_once_by_its_first_report(db):
    putin = next(s for s in query.speakers(db) if s["name"] == "Vladimir Putin")
    line = query.timeline(db, putin["id"], limit=500)
    clusters = db.execute(
        "SELECT COUNT(DISTINCT cluster_id) FROM statements WHERE entity_id = ?", (putin["id"],)
    ).fetchone()[0]
    assert line["total"] == len(line["statements"]) == clusters == putin["clusters"]
    for stmt in line["statements"]:
        assert stmt["article"]["id"] == stmt["cluster"]["first_reported"]
    assert sum(s["cluster"]["reports"] == 2 for s in line["statements"]) >= 4


def test_replaced_article_leaves_no_dangling_clusters(tmp_path):
    """Replacing an article's statements (as an accurate ingest over the default mode's does)
    takes its old reports out of their clusters; the other outlet's reports then stand alone
    until the new statements join them again."""
    seed = tmp_path / "seed"
    seed.mkdir()
    shutil.copy(SEEDS / SEED, seed / SEED)
    copy = _edited_copy(tmp_path)
    conn = store.connect(tmp_path / "d.db")
    ingest(conn, [str(seed), str(copy)])
    copy_id = conn.execute("SELECT id FROM articles WHERE path LIKE '%copy.txt'").fetchone()[0]

    def joined() -> int:
        """The copy's reports whose cluster is named by a report in another article."""
        return conn.execute(
            """SELECT COUNT(*) FROM statements c JOIN statements f ON f.id = c.cluster_id
               WHERE c.article_id = ? AND f.article_id != ? AND f.cluster_first = 1""",
            (copy_id, copy_id),
        ).fetchone()[0]

    assert joined() >= 4
    (result,) = analyze(read_paths([str(seed)]))
    store.write_article(conn, result.article, [], replace=True)
    dedup.update(conn)
    copy_rows = conn.execute(
        "SELECT id = cluster_id AND cluster_first = 1 FROM statements WHERE article_id = ?",
        (copy_id,),
    ).fetchall()
    assert copy_rows and all(row[0] for row in copy_rows)  # each its own cluster again
    store.write_article(conn, result.article, result.statements, replace=True)
    dedup.update(conn)
    assert joined() >= 4
    signed = conn.execute("SELECT COUNT(*) FROM minhashes").fetchone()[0]
    assert signed == conn.execute("SELECT COUNT(*) FROM statements").fetchone()[0]


def test_a_few_words_are_no_statement_reported_twice():
    # "Trump" or "the deal" said by many is no one statement; six words are
    assert not dedup.same("Trump", "Trump")
    assert not dedup.same("the deal", "the deal")
    assert not dedup.same("Mr. Clinton's personal life", "Mr. Clinton's personal life")
    assert not dedup.same("the vote will be close", "The vote will be close.")  # three 3-grams
    assert dedup.same("the vote will be very close", "The vote will be very close.")


LONG = "the missiles would change nothing at all on the battlefield this year"


def _merge(rows: list[tuple], pairs: set[tuple[str, str]], articles=None) -> list[list[str]]:
    """Statements (entity, content[, category, published, said on by the text]), each of an
    article of its own (or of ``articles``), merged over ``pairs`` by :func:`dedup._merge`:
    the clusters."""
    import sqlite3

    conn = sqlite3.connect(":memory:")
    conn.executescript(
        """CREATE TABLE articles(id TEXT PRIMARY KEY, published TEXT);
           CREATE TABLE statements(id TEXT PRIMARY KEY, article_id TEXT, entity_id INTEGER,
               content_text TEXT, cluster_id TEXT, cluster_first INTEGER, category TEXT,
               said_on TEXT, said_on_from TEXT);"""
    )
    for n, row in enumerate(rows):
        entity, content, category, published, said = (*row, *("speech", None, None)[len(row) - 2 :])
        article = articles[n] if articles else f"a{n}"
        conn.execute(
            "INSERT OR IGNORE INTO articles VALUES (?, ?)", (article, published or "2023-10-10")
        )
        conn.execute(
            "INSERT INTO statements VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)",
            (f"s{n}", article, entity, content, f"s{n}", category, said, said and "text"),
        )
    dedup._merge(conn, pairs)
    rows = conn.execute("SELECT id, cluster_id FROM statements ORDER BY id").fetchall()
    return sorted(sorted(i for i, c in rows if c == cid) for cid in {c for _, c in rows})


def _pair_merge(entities: tuple, contents=(LONG, LONG)) -> bool:
    rows = list(zip(entities, contents, strict=True))
    return len(_merge(rows, {("s0", "s1")})) == 1


def test_only_one_speaker_s_statements_are_one_cluster():
    assert _pair_merge((1, 1))
    assert not _pair_merge((1, 2))
    # an unresolved speaker joins only another unresolved one: never a chain between people
    assert not _pair_merge((1, None))
    assert not _pair_merge((None, 1))
    assert _pair_merge((None, None))
    assert not _pair_merge((1, 1), ("Trump", "Trump"))


def test_two_unresolved_speakers_must_share_a_passage_not_a_phrase():
    phrase = "Republican presidential candidate Donald Trump's call for a ban"
    assert _pair_merge((1, 1), (phrase, phrase))  # one speaker's words
    assert not _pair_merge((None, None), (phrase, phrase))  # a shared phrase
    assert _pair_merge((None, None), (LONG, LONG))


def test_two_fragments_of_one_long_quote_stay_two_statements():
    one = "the fact that her schedule was full of meetings with donors is troubling"
    two = "it would be a dereliction of duty not to appoint a special prosecutor now"
    rows = [(1, one), (1, two), (1, f"{one}. {two}")]
    # each fragment lies within the long quote, but not one within the other
    clusters = _merge(rows, {("s0", "s2"), ("s1", "s2")})
    assert sorted(map(len, clusters)) == [1, 2]
    assert ["s0", "s1"] not in clusters


def test_acts_and_words_said_again_later_are_no_report_of_the_same_statement():
    act = (1, "the North American Free Trade Agreement", "other")
    assert len(_merge([act, act], {("s0", "s1")})) == 2  # "supported NAFTA": nobody's words
    reprinted = (1, LONG, "other")  # ... but a passage reprinted is one report twice
    assert len(_merge([reprinted, reprinted], {("s0", "s1")})) == 1
    early = (1, LONG, "speech", "2016-02-04")  # published on the 4th, said before
    later = (1, LONG, "speech", "2016-02-08", "2016-02-08")  # said on the 8th, by its text
    assert len(_merge([early, later], {("s0", "s1")})) == 2
    same_day = (1, LONG, "speech", "2016-02-09", "2016-02-04")
    assert len(_merge([early, same_day], {("s0", "s1")})) == 1


def test_upgrading_clusters_an_old_record_again_by_the_new_rule(tmp_path):
    from click.testing import CliRunner

    from onrecord.cli import main

    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    path = tmp_path / "old.db"
    conn = store.connect(path)
    ingest(conn, [str(seeds)])
    ingest(conn, [str(_edited_copy(tmp_path))])

    def clusters():
        rows = conn.execute("SELECT id, cluster_id FROM statements ORDER BY id").fetchall()
        return sorted(sorted(i for i, c in rows if c == cid) for cid in {c for _, c in rows})

    right = clusters()
    assert any(len(c) == 2 for c in right)
    # a record of schema 12 whose clustering chained two speakers' statements into one
    a, b = conn.execute(
        "SELECT id FROM statements WHERE entity_id IS NOT NULL GROUP BY entity_id LIMIT 2"
    ).fetchall()
    conn.execute("UPDATE statements SET cluster_id = ? WHERE id = ?", (a[0], b[0]))
    conn.execute("PRAGMA user_version = 12")
    conn.commit()
    assert clusters() != right
    conn.close()
    result = CliRunner().invoke(main, ["upgrade", "--db", str(path)])
    assert result.exit_code == 0, result.output
    conn = store.connect(path)
    assert clusters() == right
    assert not store.derived_behind(conn)


def test_in_a_reprint_a_few_words_of_one_speaker_are_one_statement():
    sentences = [
        "the missiles would change nothing at all on the battlefield this year",
        "we will answer any attack on our territory with all the means we have",
        "the talks in Geneva ended without any agreement on the ceasefire today",
    ]
    short = "a very big mistake"  # four words: too few anywhere else
    rows = [(1, s) for s in sentences] + [(1, short)]
    rows += [(1, s) for s in sentences] + [(1, short)]
    articles = ["a"] * 4 + ["b"] * 4
    pairs = {(f"s{i}", f"s{i + 4}") for i in range(4)}
    clusters = _merge(rows, pairs, articles)
    assert ["s3", "s7"] in clusters  # the two articles are one text printed twice
    alone = _merge([(1, short), (1, short)], {("s0", "s1")})
    assert len(alone) == 2


def _clusters(conn) -> list[list[str]]:
    rows = conn.execute("SELECT id, cluster_id FROM statements").fetchall()
    return sorted(sorted(i for i, c in rows if c == cid) for cid in {c for _, c in rows})


def _unclustered_copy(db, path):
    """A copy of the record at ``path`` with every cluster dissolved and nothing signed."""
    db.execute("VACUUM INTO ?", (str(path),))
    again = store.connect(path)
    with again:
        dedup.dissolve(
            again, [r[0] for r in again.execute("SELECT DISTINCT cluster_id FROM statements")]
        )
        again.execute("DELETE FROM lsh_bands")
        again.execute("DELETE FROM minhashes")
    return again


def test_the_incremental_record_equals_a_full_rebuild(db, tmp_path):
    # the module's record grew in two ingests (seeds, then an edited copy): clustering
    # everything again from scratch gives the same clusters
    grown = _clusters(db)
    assert any(len(c) > 1 for c in grown)
    path = tmp_path / "again.db"
    again = _unclustered_copy(db, path)
    dedup.update(again)
    assert _clusters(again) == grown
    # each statement is filed under its band keys once, and nothing waits to be signed
    assert again.execute("SELECT COUNT(*) FROM unsigned").fetchone()[0] == 0
    per = again.execute("SELECT COUNT(DISTINCT sid) FROM lsh_bands").fetchone()[0]
    assert 0 < per <= again.execute("SELECT COUNT(*) FROM statements").fetchone()[0]


def test_the_update_in_small_batches_gives_the_clusters_of_one(db, tmp_path, monkeypatch):
    # the statements waiting to be signed are clustered a batch at a time (bounded memory),
    # as consecutive ingests would: batches of seven give the clusters of one batch
    grown = _clusters(db)
    n = db.execute("SELECT COUNT(*) FROM statements").fetchone()[0]
    path = tmp_path / "batches.db"
    again = _unclustered_copy(db, path)
    monkeypatch.setattr(dedup, "UPDATE_BATCH", 7)
    assert n > 7 * 10  # (many batches)
    dedup.update(again)
    assert _clusters(again) == grown
    assert again.execute("SELECT COUNT(*) FROM unsigned").fetchone()[0] == 0
    assert again.execute("SELECT COUNT(*) FROM minhashes").fetchone()[0] == n


def test_band_keys_are_stable_and_shared_by_equal_signatures():
    a, b, c = dedup.signatures(
        ["the vote will be very close", "the vote will be very close", "taxes rise in May again"]
    )
    assert dedup.band_keys(a) == dedup.band_keys(b)
    assert len(dedup.band_keys(a)) == dedup.BANDS
    assert not set(dedup.band_keys(a)) & set(dedup.band_keys(c))
