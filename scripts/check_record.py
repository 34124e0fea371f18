"""Check that the record survives growth and kills, on real articles (PolNeAR by default).

    python scripts/check_record.py growth --batches 4          # dev in 4 ingests and in 1
    python scripts/check_record.py kill --moments 10 --limit 100  # kill -9 at 10 moments

``growth`` ingests the articles in one run, then into a second database in N runs of
consecutive files, and compares what a reader sees of both (entities with their names, kinds,
aliases and titles; every statement's speaker and cluster: ``tests/test_growth.snapshot``).

``kill`` runs ``onrecord ingest`` as a child process and kills it with SIGKILL at spread
moments of the run (during start-up, as the commits come in, and as soon as every article
is committed), runs the same ingest again to the end, and compares the result with a clean
run's. Prints one line per case and exits 1 if any record differs.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_growth import snapshot  # noqa: E402

POLNEAR = ROOT.parent / "shared" / "data" / "polnear"


def corpus(split: str, limit: int | None, into: Path) -> list[Path]:
    """Copy a PolNeAR split's texts into ``into`` with a metadata.csv sidecar (outlet, date,
    title from the corpus's TSV); returns the files in name order."""
    into.mkdir(parents=True, exist_ok=True)
    files = sorted((POLNEAR / split / "text").glob("*.txt"))[:limit]
    meta = {}
    with (POLNEAR / "metadata.tsv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            meta[row["filename"] + ".txt"] = row
    with (into / "metadata.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["file", "published", "outlet", "title"])
        for f in files:
            row = meta.get(f.name, {})
            out.writerow(
                [f.name, row.get("publication_date"), row.get("publisher"), row.get("title")]
            )
    for f in files:
        shutil.copy(f, into / f.name)
    return [into / f.name for f in files]


def onrecord(*args: str) -> list[str]:
    return [sys.executable, "-m", "onrecord.cli", *args]


def run_ingest(paths: list[str], db: Path, mode: str) -> None:
    flags = {"fast": ["--fast"], "accurate": ["--accurate"], "default": []}[mode]
    subprocess.run(
        onrecord("ingest", *paths, "--db", str(db), *flags),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def read(db: Path) -> dict:
    conn = sqlite3.connect(db)
    try:
        return snapshot(conn)
    finally:
        conn.close()


def describe(a: dict, b: dict) -> str:
    """'same', or where two snapshots differ."""
    if a == b:
        return "same"
    parts = []
    for key in a:
        if a[key] != b[key]:
            if isinstance(a[key], list):
                only_a = len(set(a[key]) - set(b[key]))
                only_b = len(set(b[key]) - set(a[key]))
                parts.append(f"{key}: {only_a} rows only in one, {only_b} only in the other")
            else:
                parts.append(f"{key}: {a[key]} vs {b[key]}")
    return "DIFFERENT (" + "; ".join(parts) + ")"


def growth(args, work: Path) -> bool:
    files = corpus(args.split, args.limit, work / "articles")
    started = time.monotonic()
    run_ingest([str(work / "articles")], work / "one.db", args.mode)
    one_s = time.monotonic() - started
    size = -(-len(files) // args.batches)
    started = time.monotonic()
    for start in range(0, len(files), size):
        batch = [str(f) for f in files[start : start + size]]
        run_ingest(batch, work / "grown.db", args.mode)
    grown_s = time.monotonic() - started
    one, grown = read(work / "one.db"), read(work / "grown.db")
    print(
        f"{len(files)} {args.split} articles, {args.mode} mode: 1 ingest {one_s:.0f} s, "
        f"{args.batches} ingests {grown_s:.0f} s; {len(one['entities'])} entities, "
        f"{len(one['statements'])} statements, "
        f"{len({s[2] for s in one['statements']})} clusters; records: {describe(one, grown)}"
    )
    return one == grown


def _articles(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def kill(args, work: Path) -> bool:
    files = corpus(args.split, args.limit, work / "articles")
    folder = [str(work / "articles")]
    started = time.monotonic()
    run_ingest(folder, work / "clean.db", args.mode)
    total_s = time.monotonic() - started
    clean = read(work / "clean.db")
    print(f"clean run: {len(files)} articles in {total_s:.0f} s")
    flags = {"fast": ["--fast"], "accurate": ["--accurate"], "default": []}[args.mode]
    ok = True
    for i in range(args.moments):
        db = work / f"killed-{i}.db"
        # the first kill while the models load, the others as the commits come in, the
        # last as soon as every article is committed
        target = round(len(files) * i / (args.moments - 1))
        child = subprocess.Popen(
            onrecord("ingest", *folder, "--db", str(db), *flags),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        begun = time.monotonic()
        while child.poll() is None:
            if i == 0 and time.monotonic() - begun >= 1.0:
                break
            if i and _articles(db) >= target:
                break
            time.sleep(0.01)
        stored, when = _articles(db), time.monotonic() - begun
        finished = child.poll() is not None
        if not finished:
            os.kill(child.pid, signal.SIGKILL)
        child.wait()
        run_ingest(folder, db, args.mode)
        result = describe(clean, read(db))
        ok &= result == "same"
        note = " (the run had ended first)" if finished else ""
        print(
            f"kill {i + 1}: at {when:.1f} s, {stored} of {len(files)} articles committed"
            f"{note}; after a rerun: {result}"
        )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("check", choices=("growth", "kill"))
    parser.add_argument("--split", default="dev", choices=("dev", "train"))
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument("--batches", type=int, default=4)
    parser.add_argument("--moments", type=int, default=10)
    parser.add_argument("--mode", default="default", choices=("fast", "default", "accurate"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="onrecord-check-") as tmp:
        ok = (growth if args.check == "growth" else kill)(args, Path(tmp))
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
