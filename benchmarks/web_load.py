"""Requests per second and latency of ``onrecord serve`` with several clients at once.

    python benchmarks/web_load.py --db load.db [--workers 1 2] [--clients 1 4 16]
                                  [--requests 600] [--seconds 60]

For each worker count (``onrecord serve --workers N``), the real server is started on a free
port of 127.0.0.1 (nothing else is contacted). For each number of concurrent clients, the same
fixed number of requests is then sent, split evenly between the clients; each client is a
thread with its own keep-alive connection that sends its next request as soon as the last one
is answered. The mix is that of ``benchmarks/web_latency.py``, one seventh each: the front
page (pages 1-5), search pages with one word and with a word and filters,
``/api/statements`` with one word, speaker pages, ``/api/speakers/{id}/timeline`` and
statement pages, in a shuffled order (fixed seed; a different set of URLs per number of
clients, the same for every worker count). A few requests of each kind are sent first, unless
``--no-warm-up``. The table gives, per row: requests answered, errors (any status but 200, or
no answer), requests per second over the wall-clock time of the row, p50/p95/p99 and maximum
latency in milliseconds as the client sees it, and the server's resident memory (all its
processes) after the row.

Bounded: each row stops after ``--requests`` requests or ``--seconds`` seconds, whichever
comes first (a row cut short says so); each request gives up after 30 seconds.

The client runs on the same machine as the server and takes processor time from it: the
figures are those of both together, so say how many cores the machine has when you quote them.

Any onrecord database does. The figures in docs/web.md came from 400 PolNeAR train articles:

    mkdir load-texts
    ls ../shared/data/polnear/train/text/*.txt | sort | head -400 | xargs cp -t load-texts
    onrecord ingest load-texts --db load.db --fast

(with their outlet, date and title from ``../shared/data/polnear/metadata.tsv`` given as a
``--metadata`` CSV sidecar with columns file, published, outlet, title).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_latency import percentile, requests, serving  # noqa: E402


def mix(db: Path, n: int, seed: int) -> list[str]:
    """``n`` URLs, the kinds of :func:`web_latency.requests` in equal shares, shuffled."""
    per_kind = requests(db, -(-n // 7), seed=seed)
    urls = [url for batch in per_kind.values() for url in batch]
    random.Random(seed).shuffle(urls)
    return urls[:n]


def _rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (Linux /proc; 0 elsewhere)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += next(int(x.split()[1]) for x in status.splitlines() if x.startswith("VmRSS"))
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration):
            continue
    return total / 1024


def run_clients(base: str, urls: list[str], clients: int, seconds: float) -> dict:
    """Send ``urls`` from ``clients`` threads at once; latencies (ms), errors, wall time."""
    deadline = time.monotonic() + seconds
    start_together = threading.Barrier(clients)
    shares = [urls[i::clients] for i in range(clients)]

    def client(share: list[str]) -> tuple[list[float], int]:
        times, errors = [], 0
        with httpx.Client(base_url=base, timeout=30) as http:
            start_together.wait()
            for url in share:
                if time.monotonic() > deadline:
                    break
                start = time.perf_counter()
                try:
                    ok = http.get(url).status_code == 200
                except httpx.HTTPError:
                    ok = False
                times.append((time.perf_counter() - start) * 1000)
                errors += not ok
        return times, errors

    began = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        done = list(pool.map(client, shares))
    wall = time.perf_counter() - began
    times = sorted(t for ts, _ in done for t in ts)
    return {
        "requests": len(times),
        "errors": sum(e for _, e in done),
        "seconds": wall,
        "cut": len(times) < len(urls),
        "times": times,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="an onrecord database")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--requests", type=int, default=600, help="per row")
    parser.add_argument("--seconds", type=float, default=60, help="time cap per row")
    parser.add_argument("--no-warm-up", dest="warm_up", action="store_false")
    args = parser.parse_args()
    if not args.db.is_file():
        raise SystemExit(f"no database at {args.db} (see this script's docstring)")
    if min(args.clients + args.workers) < 1 or args.requests < 1 or args.seconds <= 0:
        raise SystemExit("--workers, --clients, --requests and --seconds must be positive")

    urls = {c: mix(args.db, args.requests, seed=c) for c in args.clients}
    warm = mix(args.db, 35, seed=0)
    print(
        f"{'workers':>7} {'clients':>7} {'requests':>8} {'errors':>6} {'req/s':>7} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} {'RSS MB':>7}"
    )
    for workers in args.workers:
        extra = ("--workers", str(workers)) if workers != 1 else ()
        with serving(args.db, *extra) as (base, pid):
            if args.warm_up:
                run_clients(base, warm, 1, args.seconds)
            for clients in args.clients:
                row = run_clients(base, urls[clients], clients, args.seconds)
                t = row["times"]
                print(
                    f"{workers:>7} {clients:>7} {row['requests']:>8} {row['errors']:>6} "
                    f"{row['requests'] / row['seconds']:>7.1f} {statistics.median(t):>7.1f} "
                    f"{percentile(t, 0.95):>7.1f} {percentile(t, 0.99):>7.1f} {t[-1]:>7.1f} "
                    f"{_rss_mb(pid):>7.0f}" + ("  (cut at the time cap)" if row["cut"] else ""),
                    flush=True,
                )


if __name__ == "__main__":
    main()
