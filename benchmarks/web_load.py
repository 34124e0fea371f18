"""Requests per second and latency of ``onrecord serve`` with several clients at once.

    python benchmarks/web_load.py --db load.db [--workers 1 2] [--clients 1 4 16]
        [--requests 600] [--seconds 60] [--rounds 1] [--before SRC [--before-db OLD.db]]

One server is started per worker count (``onrecord serve --workers N``), and with
``--before SRC`` one more from the onrecord sources in SRC (``PYTHONPATH=SRC``; e.g. a
``git worktree`` of an earlier commit), all on free ports of 127.0.0.1 (nothing else is
contacted) and all running at once. For each round, each number of concurrent clients and
each server in turn, the same fixed number of requests is sent, split evenly between the
clients: the rows of the servers are sent back to back, so that a load changing on a shared
machine falls on all of them alike, and results are pooled over the rounds. Each client is a
thread with its own keep-alive connection that sends its next request as soon as the last one
is answered. The mix is that of ``benchmarks/web_latency.py``, one seventh each: the front
page (pages 1-5), search pages with one word and with a word and filters,
``/api/statements`` with one word, speaker pages, ``/api/speakers/{id}/timeline`` and
statement pages, in a shuffled order (fixed seed; a different set of URLs per number of
clients, the same for every server and round). A few requests of each kind are sent to each
server first, unless ``--no-warm-up``. The table gives, per server and number of clients:
requests answered, errors (any status but 200, or no answer), requests per second over the
wall-clock time of its rows, p50/p95/p99 and maximum latency in milliseconds as the client
sees it; processor time per request, in milliseconds, of the server (all its processes) and
of this client; and the server's resident memory (all its processes) at the end.

Bounded: each row stops after ``--requests`` requests or ``--seconds`` seconds, whichever
comes first (a row cut short says so); each request gives up after 30 seconds.

The client runs on the same machine as the server and takes processor time from it: the
figures are those of both together, so say how many cores the machine has when you quote them.

Any onrecord database does (an older onrecord refuses a newer schema: give it a copy made
before ``onrecord upgrade`` with ``--before-db``). The figures in docs/web.md came from 400
PolNeAR train articles:

    mkdir load-texts
    ls ../shared/data/polnear/train/text/*.txt | sort | head -400 | xargs cp -t load-texts
    onrecord ingest load-texts --db load.db --fast

(with their outlet, date and title from ``../shared/data/polnear/metadata.tsv`` given as a
``--metadata`` CSV sidecar with columns file, published, outlet, title).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
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


def _server_usage(pid: int) -> tuple[float, float]:
    """Processor seconds used so far and resident memory in MB of a process and all its
    descendants (Linux /proc; zeros elsewhere)."""
    cpu, rss, todo = 0, 0, [pid]
    while todo:
        p = todo.pop()
        try:
            stat = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            cpu += int(stat[11]) + int(stat[12])  # utime, stime (clock ticks)
            status = Path(f"/proc/{p}/status").read_text()
            rss += next(int(x.split()[1]) for x in status.splitlines() if x.startswith("VmRSS"))
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration):
            continue
    return cpu / os.sysconf("SC_CLK_TCK"), rss / 1024


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

    began, client_cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(clients) as pool:
        done = list(pool.map(client, shares))
    wall = time.perf_counter() - began
    client_cpu = time.process_time() - client_cpu
    times = sorted(t for ts, _ in done for t in ts)
    return {
        "requests": len(times),
        "errors": sum(e for _, e in done),
        "seconds": wall,
        "client_cpu": client_cpu,
        "cut": len(times) < len(urls),
        "times": times,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="an onrecord database")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--requests", type=int, default=600, help="per row and round")
    parser.add_argument("--seconds", type=float, default=60, help="time cap per row and round")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--before", help="also serve with the onrecord sources in this folder")
    parser.add_argument("--before-db", type=Path, help="its database (default: --db)")
    parser.add_argument("--no-warm-up", dest="warm_up", action="store_false")
    args = parser.parse_args()
    for db in (args.db, args.before_db):
        if db and not db.is_file():
            raise SystemExit(f"no database at {db} (see this script's docstring)")
    if min(args.clients + args.workers + [args.requests, args.rounds]) < 1 or args.seconds <= 0:
        raise SystemExit("every count and --seconds must be positive")

    servers = {}  # label: (database, serve arguments, environment)
    if args.before:
        src = str(Path(args.before).resolve())
        servers["before"] = (args.before_db or args.db, (), {"PYTHONPATH": src})
    for w in args.workers:
        servers[f"--workers {w}"] = (args.db, ("--workers", str(w)) if w != 1 else (), {})
    urls = {c: mix(args.db, args.requests, seed=c) for c in args.clients}
    rows = {(label, c): [] for label in servers for c in args.clients}
    with ExitStack() as stack:
        running = {
            label: stack.enter_context(serving(db, *extra, env=env))
            for label, (db, extra, env) in servers.items()
        }
        if args.warm_up:
            for base, _ in running.values():
                run_clients(base, mix(args.db, 35, seed=0), 1, args.seconds)
        for r in range(args.rounds):
            for clients in args.clients:
                for label, (base, pid) in running.items():
                    cpu_before, _ = _server_usage(pid)
                    row = run_clients(base, urls[clients], clients, args.seconds)
                    row["cpu"], row["rss"] = _server_usage(pid)
                    row["cpu"] -= cpu_before
                    rows[(label, clients)].append(row)
            print(f"round {r + 1} of {args.rounds} done", file=sys.stderr, flush=True)
    print(
        f"{'server':12} {'clients':>7} {'requests':>8} {'errors':>6} {'req/s':>7} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} {'srv cpu':>7} "
        f"{'cli cpu':>7} {'RSS MB':>7}"
    )
    for (label, clients), done in rows.items():
        t = sorted(x for row in done for x in row["times"])
        n = len(t)
        cut = any(row["cut"] for row in done)
        print(
            f"{label:12} {clients:>7} {n:>8} {sum(row['errors'] for row in done):>6} "
            f"{n / sum(row['seconds'] for row in done):>7.1f} {statistics.median(t):>7.1f} "
            f"{percentile(t, 0.95):>7.1f} {percentile(t, 0.99):>7.1f} {t[-1]:>7.1f} "
            f"{sum(row['cpu'] for row in done) / n * 1000:>7.2f} "
            f"{sum(row['client_cpu'] for row in done) / n * 1000:>7.2f} {done[-1]['rss']:>7.0f}"
            + ("  (cut at the time cap)" if cut else "")
        )
        if args.rounds > 1:
            per_round = " / ".join(f"{len(r['times']) / r['seconds']:.0f}" for r in done)
            print(f"{'':12} req/s per round: {per_round}")


if __name__ == "__main__":
    main()
