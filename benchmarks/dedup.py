"""Cost of clustering reports of the same statement, at 1x and 10x the statements.

    python benchmarks/dedup.py [--texts ../shared/data/polnear/dev/text] [--scales 1 10]

The texts are ingested once (real extraction). For scale k the database then holds k reports
of every statement: the original and k-1 edited copies in new articles (one word dropped or
changed, or the punctuation removed, at random with a fixed seed), as other outlets would
print them. Signatures, band keys and clusters are reset (every statement waits to be
signed) and ``dedup.update`` is timed from scratch, and once
more for one new article added to the full database. The table shows statements, seconds,
microseconds per statement (flat when the cost grows linearly), how many clusters have
exactly k reports (all of them, when every copy is found and nothing else is merged), and,
of the original statements that say something (``dedup.MIN_SHINGLES`` word 3-grams or more:
a few words are never clustered), how many are in a cluster of exactly k reports.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def edit(text: str, rng: random.Random) -> str:
    """A lightly edited copy: one word dropped or replaced (in texts of ten words or more),
    or the punctuation stripped."""
    words = text.split()
    change = rng.choice(("drop", "replace", "punctuation")) if len(words) >= 10 else "punctuation"
    if change == "drop":
        words.pop(rng.randrange(len(words)))
    elif change == "replace":
        words[rng.randrange(len(words))] = rng.choice(["very", "also", "now", "indeed"])
    text = " ".join(words)
    return re.sub(r"[,;“”\"]", "", text) if change == "punctuation" else text


def build(base: Path, scale: int, out: Path) -> int:
    """A copy of ``base`` where every article appears ``scale`` times (edited copies)."""
    shutil.copy(base, out)
    conn = sqlite3.connect(out)
    rng = random.Random(scale)
    s_cols = [r[1] for r in conn.execute("PRAGMA table_info(statements)")]
    originals = conn.execute(f"SELECT {', '.join(s_cols)} FROM statements").fetchall()
    with conn:
        conn.execute("DELETE FROM minhashes")
        conn.execute("DELETE FROM lsh_bands")
        conn.execute("UPDATE statements SET cluster_id = id")
        for k in range(1, scale):
            conn.execute(
                """INSERT INTO articles(id, path, url, title, outlet, published, published_from,
                       language, text, skips, title_start, title_end, ingested_at)
                   SELECT id || '-' || ?1, path, url, title, 'copy ' || ?1,
                       date(published, '+1 day'), published_from, language, text, skips,
                       title_start, title_end, ingested_at
                   FROM articles WHERE id NOT LIKE '%-%'""",
                (k,),
            )
            rows = []
            for row in originals:
                row = dict(zip(s_cols, row, strict=True))
                row["id"] = row["cluster_id"] = f"{row['id']}-{k}"
                row["article_id"] = f"{row['article_id']}-{k}"
                row["content_text"] = edit(row["content_text"], rng)
                rows.append(tuple(row[c] for c in s_cols))
            conn.executemany(
                f"INSERT INTO statements({', '.join(s_cols)}) VALUES "
                f"({', '.join('?' * len(s_cols))})",
                rows,
            )
    with conn:  # every statement waits to be signed and clustered from scratch
        conn.execute("INSERT OR IGNORE INTO unsigned(statement_id) SELECT id FROM statements")
    n = conn.execute("SELECT COUNT(*) FROM statements").fetchone()[0]
    conn.close()
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=Path, default=ROOT / "../shared/data/polnear/dev/text")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument(
        "--min-shingles",
        type=int,
        default=None,
        help="what says something, in word 3-grams (default: dedup.MIN_SHINGLES); 3 gives the "
        "figures of records clustered before six words were the least",
    )
    args = parser.parse_args()

    from onrecord.find.pipeline import analyze
    from onrecord.model import Problem
    from onrecord.read.sources import read_paths
    from onrecord.record import dedup, store
    from onrecord.record.ingest import ingest

    work = Path(tempfile.mkdtemp())
    base = work / "base.db"
    conn = store.connect(base)
    ingest(conn, [str(args.texts)])
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    extra = work / "extra"
    extra.mkdir()
    first = sorted(args.texts.glob("*.txt"))[0]
    (extra / "new.txt").write_text(first.read_text(encoding="utf-8") + "\n[new copy]\n")

    print(
        f"{'scale':>5} {'statements':>10} {'seconds':>8} {'us/stmt':>8} {'full clusters':>14}"
        f" {'informative full':>17} {'+1 article s':>13}"
    )
    for scale in args.scales:
        db = work / f"x{scale}.db"
        n = build(base, scale, db)
        conn = store.connect(db)
        start = time.perf_counter()
        dedup.update(conn)
        took = time.perf_counter() - start
        sizes = conn.execute(
            "SELECT COUNT(*) FROM (SELECT cluster_id FROM statements GROUP BY cluster_id "
            "HAVING COUNT(*) = ?)",
            (scale,),
        ).fetchone()[0]
        clusters = conn.execute("SELECT COUNT(DISTINCT cluster_id) FROM statements").fetchone()[0]
        # the statements that say something (dedup.MIN_SHINGLES word 3-grams or more): a few
        # words are never one statement reported twice, so only these can gather all reports
        size = dict(conn.execute("SELECT cluster_id, COUNT(*) FROM statements GROUP BY cluster_id"))
        said = [
            cid
            for sid, cid, text in conn.execute(
                "SELECT id, cluster_id, content_text FROM statements WHERE id NOT LIKE '%-%'"
            )
            if len(dedup.shingles(text)) >= (args.min_shingles or dedup.MIN_SHINGLES)
        ]
        whole = sum(size[cid] == scale for cid in said)
        for result in analyze(a for a in read_paths([str(extra)]) if not isinstance(a, Problem)):
            store.write_article(conn, result.article, result.statements, result.titles)
        start = time.perf_counter()
        dedup.update(conn)  # the new article's statements against everything stored
        one = time.perf_counter() - start
        print(
            f"{scale:>5} {n:>10} {took:>8.2f} {took / n * 1e6:>8.0f} "
            f"{sizes:>6}/{clusters:<7} {whole:>8}/{len(said):<8} {one:>13.2f}"
        )
        conn.close()
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
