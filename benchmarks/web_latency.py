"""Latency of the web pages and API on a large record (>= 100,000 statements by default).

    python benchmarks/web_latency.py [--db bench-web.db] [--statements 100000] [--requests 200]

1. If ``--db`` holds no statements yet, the PolNeAR train texts are ingested into it for real
   (with their publisher and date from PolNeAR's ``metadata.tsv`` as a sidecar): about
   20,000 statements, several minutes on two cores.
2. The articles are then copied under new ids (``<id>-<k>``), each copy dated ``k`` months
   later, until the database holds ``--statements`` statements. The copies go through the same
   SQL tables, indexes and full-text triggers as ingested articles; they are distinct articles
   with distinct statements (no cross-article clustering is applied to them).
3. ``onrecord serve`` is started on a free loopback port, and each kind of request below is
   sent ``--requests`` times (after a warm-up), one at a time, over HTTP. The table gives the
   wall-clock time per request as the client sees it: p50, p95 and max, in milliseconds.
   This runs twice: as served (totals and facet counts cached per filter set while the
   database is unchanged) and with that cache off (``ONRECORD_SUMMARY_CACHE=0``), where every
   request computes them.

Search terms are drawn (fixed seed) half from the 50 most frequent words of the statements,
the worst case for full-text search, and half at random from the rest; speakers half from the
10 most quoted (their timelines are the longest) and half at random.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = ROOT / "../shared/data/polnear"
STOP = set(
    "the a an and or of to in on for with that this is was are were be been it its as at by from "
    "he she they we i you his her their our not have has had will would said says say but about "
    "who which what there more than also can could one all if after over into no so do did".split()
)


def ingest_train(db: Path, texts: Path, metadata_tsv: Path) -> None:
    """Ingest PolNeAR train for real, with publisher and date from its metadata."""
    from onrecord.record import store
    from onrecord.record.ingest import ingest

    meta = {}
    with metadata_tsv.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            meta[row["filename"] + ".txt"] = {
                "published": row["publication_date"],
                "outlet": row["publisher"],
                "title": row["title"],
            }
    conn = store.connect(db)
    start = time.perf_counter()
    summary = ingest(conn, [str(texts)], metadata=meta)
    print(
        f"ingested {summary.added} articles, {summary.statements} statements "
        f"in {time.perf_counter() - start:.0f} s",
        file=sys.stderr,
    )


def replicate(db: Path, target: int) -> int:
    """Copy the original articles (and statements) under new ids until ``target`` statements."""
    conn = sqlite3.connect(db)
    original = conn.execute(
        "SELECT COUNT(*) FROM statements WHERE article_id NOT LIKE '%-%'"
    ).fetchone()[0]
    total = conn.execute("SELECT COUNT(*) FROM statements").fetchone()[0]
    k = conn.execute("SELECT COUNT(DISTINCT substr(article_id, 18)) FROM statements").fetchone()[0]
    s_cols = [r[1] for r in conn.execute("PRAGMA table_info(statements)")]
    changed = {
        "id": "id || '-' || :k",
        "article_id": "article_id || '-' || :k",
        "said_on": "date(said_on, '+' || :k || ' months')",
        "cluster_id": "cluster_id || '-' || :k",
    }
    s_select = ", ".join(changed.get(c, c) for c in s_cols)
    while total < target:
        with conn:
            conn.execute(
                """INSERT INTO articles(id, path, url, title, outlet, published, published_from,
                       language, text, skips, title_start, title_end, ingested_at)
                   SELECT id || '-' || :k, path || '#copy' || :k, url, title, outlet,
                       date(published, '+' || :k || ' months'), published_from, language, text,
                       skips, title_start, title_end, ingested_at
                   FROM articles WHERE id NOT LIKE '%-%'""",
                {"k": k},
            )
            conn.execute(
                f"INSERT INTO statements({', '.join(s_cols)}) SELECT {s_select} "
                "FROM statements WHERE article_id NOT LIKE '%-%'",
                {"k": k},
            )
        total += original
        k += 1
    conn.execute("ANALYZE")
    conn.close()
    return total


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def requests(db: Path, n: int, seed: int = 7) -> dict[str, list[str]]:
    """The URLs to time, per kind of page."""
    rng = random.Random(seed)
    conn = sqlite3.connect(db)
    words = Counter()
    sample = conn.execute(
        "SELECT content_text FROM statements WHERE article_id NOT LIKE '%-%'"
    ).fetchall()
    for (text,) in sample:
        words.update(w for w in re.findall(r"[a-z]{3,}", text.lower()) if w not in STOP)
    common = [w for w, _ in words.most_common(50)]
    rare = [w for w, c in words.items() if c >= 3 and w not in common]
    terms = [rng.choice(common) if i % 2 else rng.choice(rare) for i in range(n)]
    speakers = [
        r[0]
        for r in conn.execute(
            "SELECT entity_id FROM statements WHERE entity_id IS NOT NULL "
            "GROUP BY entity_id ORDER BY COUNT(*) DESC"
        )
    ]
    people = [rng.choice(speakers[:10]) if i % 2 else rng.choice(speakers) for i in range(n)]
    ids = [r[0] for r in conn.execute("SELECT id FROM statements ORDER BY random() LIMIT ?", (n,))]
    acts = ["claim", "criticize", "deny", "warn", "question"]
    return {
        "search page, no query": [f"/?page={1 + i % 5}" for i in range(n)],
        "search page, 1 word": [f"/?q={t}" for t in terms],
        "search page, word + filters": [
            f"/?q={t}&act={acts[i % 5]}&since=2016" for i, t in enumerate(terms)
        ],
        "api/statements, 1 word": [f"/api/statements?q={t}" for t in terms],
        "speaker page": [f"/speakers/{p}" for p in people],
        "api/speakers/{id}/timeline": [f"/api/speakers/{p}/timeline" for p in people],
        "statement page": [f"/statements/{i}" for i in ids],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=Path("bench-web.db"))
    parser.add_argument("--texts", type=Path, default=POLNEAR / "train" / "text")
    parser.add_argument("--metadata", type=Path, default=POLNEAR / "metadata.tsv")
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    if (
        not args.db.exists()
        or sqlite3.connect(args.db)
        .execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'statements'")
        .fetchone()[0]
        == 0
    ):
        ingest_train(args.db, args.texts, args.metadata)
    total = replicate(args.db, args.statements)
    conn = sqlite3.connect(args.db)
    n_articles = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    n_speakers = conn.execute("SELECT COUNT(DISTINCT entity_id) FROM statements").fetchone()[0]
    conn.close()
    print(f"database: {total} statements, {n_articles} articles, {n_speakers} speakers")

    urls = requests(args.db, args.requests)
    for label, cache in (("as served", "256"), ("summary cache off", "0")):
        print(f"\n{label}:")
        measure(args.db, urls, cache)


def percentile(ordered: list[float], q: float) -> float:
    """The value below which a share ``q`` of the sorted values lie (nearest rank)."""
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@contextmanager
def serving(db: Path, *args: str, env: dict | None = None) -> Iterator[tuple[str, int]]:
    """``onrecord serve --db DB ARGS`` on a free loopback port, ready to answer; yields its
    base URL and process id, and stops it on exit."""
    port = _free_port()
    log = tempfile.TemporaryFile()
    server = subprocess.Popen(
        [sys.executable, "-m", "onrecord.cli", "serve", "--db", str(db), "--port", str(port)]
        + list(args),
        stdout=log,
        stderr=log,
        env={**os.environ, **(env or {})},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(150):
                try:
                    client.get("/api/speakers?size=1")
                    break
                except httpx.TransportError:
                    if server.poll() is not None:
                        log.seek(0)
                        raise SystemExit("server died: " + log.read().decode()) from None
                    time.sleep(0.2)
        yield base, server.pid
    finally:
        server.terminate()
        server.wait()


def measure(db: Path, urls: dict[str, list[str]], cache: str) -> None:
    """Start the server with this cache size and time every kind of request."""
    with (
        serving(db, env={"ONRECORD_SUMMARY_CACHE": cache}) as (base, _),
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        print(f"{'request':32} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for name, batch in urls.items():
            for url in batch[:5]:  # warm-up
                client.get(url)
            times = []
            for url in batch:
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{url}: HTTP {response.status_code}")
            times.sort()
            print(
                f"{name:32} {len(times):>5} {statistics.median(times):>8.1f} "
                f"{percentile(times, 0.95):>8.1f} {times[-1]:>8.1f}"
            )


if __name__ == "__main__":
    main()
