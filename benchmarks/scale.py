"""Scale: what ingesting costs as the record grows, as workers are added, and as the input
grows.

    python benchmarks/scale.py size [--base train.db] [--sizes 1000 10000 100000]
    python benchmarks/scale.py workers [--texts 60] [--runs workers1 dask1 ...] [--repeat 2]
    python benchmarks/scale.py memory
    python benchmarks/scale.py writer

``size``: the time to ingest the same 100 new articles (PolNeAR dev texts, with their
metadata) into records of 1,000, 10,000 and 100,000 articles, in one process. The base
record is PolNeAR train ingested for real (``--base``: a record of it already made, else it
is made first, a few minutes). Bigger records are made from it by copying its articles under
new ids (``<id>-<k>``), as more outlets printing the same stories would: the copies'
statements are the originals' words again, reports of the same statements (in their
clusters), signed and filed in the LSH index like any, their names counted. So the new
articles meet a record whose index buckets, clusters and entities are 10 and 100 times
larger. The table splits the ingest into finding the statements (the same work at every
size) and the rest: storing, entities, clusters.

``workers``: articles per second on the same texts (PolNeAR train) by bare spaCy
(``nlp.pipe``, ``n_process`` 1 and 2), ``onrecord ingest --workers 1`` and ``2``, and a local
Dask cluster of 1 and 2 worker processes (``--dask local:N``): each a whole process, from
start (model loading, a cluster's start) to end.

``memory``: peak resident memory of ``onrecord ingest`` on a folder and on a WARC archive
of N and 10N articles (PolNeAR train texts wrapped as HTML), each in a fresh process.

``writer``: rows per second the single writer (``store.write_article``, one transaction per
article) sustains on statements found beforehand, and the derived-state update after it.
"""

from __future__ import annotations

import argparse
import io
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = ROOT.parent / "shared" / "data" / "polnear"


def _metadata(folder: Path, names: list[str]) -> None:
    """PolNeAR's metadata (publisher, date) for these files, as a sidecar."""
    rows = (POLNEAR / "metadata.tsv").read_text(encoding="utf-8").splitlines()
    head, keep = rows[0], [r for r in rows[1:] if r.split("\t")[1] + ".txt" in names]
    (folder / "metadata.tsv").write_text("\n".join([head, *keep]) + "\n", encoding="utf-8")


def base_record(path: Path) -> None:
    """PolNeAR train ingested for real, with its metadata."""
    from onrecord.read.metadata import load_sidecar
    from onrecord.record import store
    from onrecord.record.ingest import ingest

    conn = store.connect(path)
    meta = load_sidecar(POLNEAR / "metadata.tsv")
    ingest(conn, [str(POLNEAR / "train" / "text")], metadata=meta, workers=1)
    conn.close()


def grow(base: Path, out: Path, articles: int) -> tuple[int, int]:
    """A copy of ``base`` grown to ``articles`` articles by copies of its own (see the
    module doc); returns (articles, statements)."""
    shutil.copy(base, out)
    conn = sqlite3.connect(out)
    n = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    a_cols = [r[1] for r in conn.execute("PRAGMA table_info(articles)")]
    s_cols = [r[1] for r in conn.execute("PRAGMA table_info(statements)")]
    a_changed = {"id": "id || '-' || :k", "path": "path || '#copy' || :k"}
    s_changed = {"id": "id || '-' || :k", "article_id": "article_id || '-' || :k"}
    a_select = ", ".join(a_changed.get(c, c) for c in a_cols)
    s_select = ", ".join(s_changed.get(c, c) for c in s_cols)
    from onrecord.record.dedup import band_keys

    filed = {
        sid
        for (sid,) in conn.execute(
            "SELECT s.id FROM statements s WHERE s.rowid IN (SELECT DISTINCT sid FROM lsh_bands)"
        )
    }
    keys = {
        sid: band_keys(sig)
        for sid, sig in conn.execute("SELECT statement_id, signature FROM minhashes")
        if sid in filed
    }
    k = 1
    while n < articles:
        with conn:
            conn.execute(
                f"INSERT INTO articles({', '.join(a_cols)}) SELECT {a_select} FROM articles "
                "WHERE id NOT LIKE '%-%' ORDER BY id LIMIT :n",
                {"k": k, "n": articles - n},
            )
            conn.execute(
                f"INSERT INTO statements({', '.join(s_cols)}) SELECT {s_select} FROM statements "
                "WHERE article_id IN (SELECT substr(id, 1, 16) FROM articles WHERE id LIKE "
                "'%-' || :k)",
                {"k": k},
            )
            conn.execute(
                "INSERT INTO minhashes(statement_id, signature) SELECT m.statement_id || '-' || "
                ":k, m.signature FROM minhashes m JOIN statements s ON s.id = m.statement_id || "
                "'-' || :k WHERE m.statement_id NOT LIKE '%-%'",
                {"k": k},
            )
            copies = conn.execute(
                "SELECT rowid, id FROM statements WHERE id LIKE '%-' || ?", (str(k),)
            ).fetchall()
            suffix = len(str(k)) + 1
            conn.executemany(
                "INSERT OR IGNORE INTO lsh_bands(key, sid) VALUES (?, ?)",
                [(key, rowid) for rowid, sid in copies for key in keys.get(sid[:-suffix], ())],
            )
            conn.execute(
                "INSERT OR IGNORE INTO titles_seen(article_id, name, title) SELECT "
                "t.article_id || '-' || :k, t.name, t.title FROM titles_seen t JOIN articles a "
                "ON a.id = t.article_id || '-' || :k WHERE t.article_id NOT LIKE '%-%'",
                {"k": k},
            )
        n = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        k += 1
    with conn:  # the copies are reports of the statements they copy: nothing is pending
        conn.execute("DELETE FROM unsigned")
        conn.execute("UPDATE speaker_names SET dirty = 0")
    statements = conn.execute("SELECT COUNT(*) FROM statements").fetchone()[0]
    conn.execute("ANALYZE")
    conn.close()
    return n, statements


def _timed(real, spent: dict, key: str, stream: bool):
    """``real`` with the seconds it takes added to ``spent[key]`` (for a generator: the time
    spent producing each item, not the time its consumer holds it)."""

    def call(*a, **kw):
        start = time.perf_counter()
        try:
            return real(*a, **kw)
        finally:
            spent[key] += time.perf_counter() - start

    def gen(*a, **kw):
        it = real(*a, **kw)
        while True:
            start = time.perf_counter()
            try:
                item = next(it)
            except StopIteration:
                return
            finally:
                spent[key] += time.perf_counter() - start
            yield item

    return gen if stream else call


def size(args) -> None:
    from onrecord.read.metadata import load_sidecar
    from onrecord.record import dedup, entities, store
    from onrecord.record import ingest as ingest_module

    work = Path(args.tmp) if args.keep and args.tmp else Path(tempfile.mkdtemp(dir=args.tmp))
    base = args.base or work / "base.db"
    if not base.exists():
        print(f"ingesting PolNeAR train into {base} ...", file=sys.stderr)
        base_record(base)
    b = sqlite3.connect(base)
    if b.execute("SELECT COUNT(*) FROM lsh_bands").fetchone()[0] == 0:
        raise SystemExit(f"{base}: no LSH band keys (a record of this onrecord is needed)")
    b.close()
    new = sorted((POLNEAR / "dev" / "text").glob("*.txt"))[: args.new]
    meta = load_sidecar(POLNEAR / "metadata.tsv")
    print(
        f"{'articles':>9} {'statements':>11} {'ingest s':>9} {'finding s':>10} "
        f"{'storing s':>10} {'entities s':>11} {'clusters s':>11} {'rest x first':>13}"
    )
    first = None
    for target in args.sizes:
        grown = work / f"grown{target}.db"  # (kept with --keep, and used again)
        if not grown.exists():
            grow(base, grown, target)
        db = work / f"r{target}.db"
        shutil.copy(grown, db)
        conn = store.connect(db)
        articles = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        statements = conn.execute("SELECT COUNT(*) FROM statements").fetchone()[0]
        spent: dict[str, float] = {"finding": 0.0, "entities": 0.0, "clusters": 0.0}
        patched = [
            (ingest_module, "analyze", "finding", True),
            (entities, "update", "entities", False),
            (dedup, "update", "clusters", False),
        ]
        originals = [(m, name, getattr(m, name)) for m, name, _, _ in patched]
        for (module, name, key, stream), (_, _, real) in zip(patched, originals, strict=True):
            setattr(module, name, _timed(real, spent, key, stream))
        start = time.perf_counter()
        try:
            ingest_module.ingest(conn, [str(p) for p in new], metadata=meta, workers=1)
        finally:
            for module, name, real in originals:
                setattr(module, name, real)
        took = time.perf_counter() - start
        conn.close()
        storing = took - sum(spent.values())
        rest = took - spent["finding"]
        first = first or rest
        print(
            f"{articles:>9,} {statements:>11,} {took:>9.1f} {spent['finding']:>10.1f} "
            f"{storing:>10.2f} {spent['entities']:>11.2f} {spent['clusters']:>11.2f} "
            f"{rest / first:>13.2f}"
        )
        db.unlink()
        if not args.keep:
            grown.unlink()
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


_SPACY = """
import sys, time
from pathlib import Path
from onrecord.find import nlp
texts = [Path(p).read_text(encoding="utf-8") for p in sys.argv[2:]]
pipeline = nlp.load()
start = time.perf_counter()
for _ in pipeline.pipe(texts, batch_size=32, n_process=int(sys.argv[1])):
    pass
print(time.perf_counter() - start)
"""


def workers(args) -> None:
    """Articles per second on the same texts: bare spaCy, ``--workers`` and ``--dask``."""
    texts = sorted((POLNEAR / "train" / "text").glob("*.txt"))[: args.texts]
    work = Path(tempfile.mkdtemp(dir=args.tmp))
    folder = work / "texts"
    folder.mkdir()
    for t in texts:
        shutil.copy(t, folder / t.name)
    runs = {
        "spacy1": ("bare spaCy, n_process 1", ["spacy", "1"]),
        "spacy2": ("bare spaCy, n_process 2", ["spacy", "2"]),
        "workers1": ("ingest --workers 1", ["--workers", "1"]),
        "workers2": ("ingest --workers 2", ["--workers", "2"]),
        "dask1": ("ingest --dask local:1", ["--dask", "local:1"]),
        "dask2": ("ingest --dask local:2", ["--dask", "local:2"]),
    }
    chosen = [runs[name] for name in args.runs] * args.repeat
    print(f"{'run':<26} {'wall s':>7} {'articles/s':>11}")
    for label, run in chosen:
        if run[0] == "spacy":  # (each run a whole process, model loading included)
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-c", _SPACY, run[1], *map(str, texts)],
                capture_output=True,
                check=True,
            )
            wall = time.perf_counter() - start
        else:
            db = work / f"{run[-1].replace(':', '')}.db"
            db.unlink(missing_ok=True)  # (a repeated run starts from an empty record)
            start = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "onrecord.cli",
                    "ingest",
                    str(folder),
                    "--db",
                    str(db),
                    *run,
                ],
                capture_output=True,
                check=True,
            )
            wall = time.perf_counter() - start
        print(f"{label:<26} {wall:>7.1f} {len(texts) / wall:>11.2f}")
    shutil.rmtree(work, ignore_errors=True)


def html_of(title: str, text: str) -> bytes:
    """A news page around a text: its paragraphs, a title, and the leftovers a page has."""
    paras = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n") if p.strip())
    return (
        f"<html><head><title>{escape(title)}</title></head><body><nav>Home | World | "
        f"Politics</nav><article><h1>{escape(title)}</h1>{paras}</article>"
        "<footer>Share this article</footer></body></html>"
    ).encode()


def write_warc(path: Path, texts: list[Path], copies: int) -> int:
    """A gzipped WARC of ``copies`` rounds of these texts as HTML responses (each round's
    pages under other URLs and with a round mark, so that none is a duplicate), with a
    request record and a 404 response between pages, as a crawl has: returns the records."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    n = 0
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for k in range(copies):
            for t in texts:
                uri = f"https://news.example/{k}/{t.stem}"
                body = html_of(t.stem, t.read_text(encoding="utf-8") + f"\n\n(Round {k}.)")
                for status, kind, payload in (
                    ("200 OK", "response", body),
                    ("404 Not Found", "response", b"<html>gone</html>"),
                ):
                    headers = StatusAndHeaders(
                        status, [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
                    )
                    writer.write_record(
                        writer.create_warc_record(
                            uri if status.startswith("200") else uri + "/gone",
                            kind,
                            payload=io.BytesIO(payload),
                            http_headers=headers,
                        )
                    )
                    n += 1
    return n


def _peak(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of a command, from GNU time."""
    out = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", *cmd], capture_output=True, text=True, check=True
    )
    wall, kb = out.stderr.strip().splitlines()[-1].split()
    return float(wall), int(kb) / 1024


def memory(args) -> None:
    work = Path(tempfile.mkdtemp(dir=args.tmp))
    texts = sorted((POLNEAR / "train" / "text").glob("*.txt"))[: args.texts]
    onrecord = [sys.executable, "-m", "onrecord.cli"]
    print(f"{'input':>8} {'articles':>9} {'seconds':>8} {'peak RSS MB':>12}")
    for copies in (1, 10):
        folder = work / f"folder{copies}"
        folder.mkdir()
        for k in range(copies):
            for t in texts:
                text = t.read_text(encoding="utf-8") + f"\n\n(Round {k}.)"
                (folder / f"{k}-{t.name}").write_text(text, encoding="utf-8")
        warc = work / f"crawl{copies}.warc.gz"
        write_warc(warc, texts, copies)
        for label, source in (("folder", folder), ("warc", warc)):
            db = work / f"{label}{copies}.db"
            wall, peak = _peak(
                [*onrecord, "ingest", str(source), "--db", str(db), "--workers", "1"]
            )
            n = sqlite3.connect(db).execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            print(f"{label:>8} {n:>9,} {wall:>8.1f} {peak:>12.0f}")
    shutil.rmtree(work, ignore_errors=True)


def writer(args) -> None:
    from onrecord.find.pipeline import analyze
    from onrecord.model import Problem
    from onrecord.read.sources import read_paths
    from onrecord.record import store
    from onrecord.record.ingest import complete

    texts = sorted((POLNEAR / "train" / "text").glob("*.txt"))[: args.texts]
    found = [
        r for r in analyze(a for a in read_paths(map(str, texts)) if not isinstance(a, Problem))
    ]
    work = Path(tempfile.mkdtemp(dir=args.tmp))
    conn = store.connect(work / "w.db")
    start = time.perf_counter()
    rows = 0
    for r in found:
        rows += store.write_article(conn, r.article, r.statements, r.titles) or 0
    wrote = time.perf_counter() - start
    start = time.perf_counter()
    complete(conn)
    derived = time.perf_counter() - start
    conn.close()
    per_article = wrote / len(found)
    print(f"articles {len(found):,}, statements {rows:,}")
    print(
        f"writing: {wrote:.2f} s, {len(found) / wrote:,.0f} articles/s, "
        f"{rows / wrote:,.0f} statements/s"
    )
    print(
        f"entities and clusters after: {derived:.2f} s "
        f"({derived / len(found) * 1000:.1f} ms an article)"
    )
    print(f"one writer keeps up with {1 / (per_article + derived / len(found)):,.0f} articles/s")
    from onrecord.record.parquet import DatasetWriter

    start = time.perf_counter()
    out = DatasetWriter(work / "dataset")
    for r in found:
        out.add(r, "default")
    out.close()
    took = time.perf_counter() - start
    print(f"--parquet instead: {took:.2f} s, {len(found) / took:,.0f} articles/s")
    shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("size", help="ingest cost against record size")
    s.add_argument("--base", type=Path, help="a record of PolNeAR train (made if missing)")
    s.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    s.add_argument("--new", type=int, default=100, help="PolNeAR dev texts to ingest")
    s.add_argument("--tmp", default=None, help="where to build the records")
    s.add_argument(
        "--keep", action="store_true", help="keep the grown records in --tmp, and use them again"
    )
    k = sub.add_parser("workers", help="articles per second against workers")
    k.add_argument("--texts", type=int, default=120)
    k.add_argument("--tmp", default=None)
    k.add_argument(
        "--runs",
        nargs="+",
        default=["spacy1", "spacy2", "workers1", "workers2", "dask1", "dask2"],
        choices=["spacy1", "spacy2", "workers1", "workers2", "dask1", "dask2"],
        help="which runs, in this order (default: all)",
    )
    k.add_argument("--repeat", type=int, default=1, help="run the chosen runs this many times")
    m = sub.add_parser("memory", help="peak memory as the input grows 10x")
    m.add_argument("--texts", type=int, default=60)
    m.add_argument("--tmp", default=None)
    w = sub.add_parser("writer", help="rows per second of the single writer")
    w.add_argument("--texts", type=int, default=200)
    w.add_argument("--tmp", default=None)
    args = ap.parse_args()
    {"size": size, "workers": workers, "memory": memory, "writer": writer}[args.command](args)


if __name__ == "__main__":
    main()
