"""Fuzz ``onrecord ingest`` with hostile inputs, with a large budget.

    python scripts/fuzz.py --cases 2000 --seed 1 --jobs 1 --timeout 120

Builds ``--cases`` cases from the families of ``tests/hostile.py`` (large sizes; ``--small``
for the test suite's), runs them in batches (``--batch`` cases beside two good articles per
ingest; a ``--metadata`` case in a run of its own, one stdin case a run), and
when a batch fails, runs its halves again and then each case alone to name the culprits.
Every run must end within its time limit, without a traceback, under the memory bound, with
both good articles stored and exit status 0; or, for a bad ``--metadata`` file, refused at
once: exit status 1, one ``Error: --metadata ...`` line and nothing stored.

At the end it prints: cases tried, cases handled cleanly, failures by family with their
first error line, the slowest case (from the runs of one case: the cases of the slowest
batch, and of every batch that took longer than ``--timeout``, are run alone again for it, see
``--profile``), peak memory and total time. It stops by
itself: every run has a time limit, and no new run starts after ``--max-seconds``.

``--family NAME`` runs one family only, ``--case NAME`` one case (as the report names it),
``--keep DIR`` keeps the files, command and output of each failing case for reproduction.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import hostile  # noqa: E402


class Tally:
    """What the runs found, case by case (thread-safe)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.clean: set[str] = set()
        self.failed: dict[str, hostile.Outcome] = {}
        self.together: list[hostile.Outcome] = []
        self.undetermined: set[str] = set()
        self.single: list[tuple[float, str]] = []  # (seconds, case) of one-case runs
        self.runs: list[hostile.Outcome] = []

    def record(self, outcome: hostile.Outcome) -> None:
        with self.lock:
            self.runs.append(outcome)
            if outcome.ok:
                self.clean.update(outcome.names)
            if len(outcome.names) == 1:
                self.single.append((outcome.seconds, outcome.names[0]))


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def describe(outcome: hostile.Outcome) -> str:
    what = outcome.names[0] if len(outcome.names) == 1 else f"{len(outcome.names)} cases"
    state = "ok" if outcome.ok else "; ".join(outcome.failures)
    return f"  {what}: {outcome.seconds:.1f} s, {outcome.rss / 2**20:.0f} MiB: {state}"


def keep(outcome: hostile.Outcome, case: hostile.Case, dest: Path) -> None:
    """Move a failing one-case run to ``dest/<case>``, with its command line and recipe."""
    target = dest / case.name
    if target.exists():
        hostile.remove_tree(target)
    os.rename(outcome.folder, target)
    command = [a.replace(str(outcome.folder), str(target)) for a in outcome.command]
    stdin = " < stdin.bin" if "-" in command[4:] else ""
    (target / "command.sh").write_text(
        f"# {case.recipe}\n# {'; '.join(outcome.failures)}\ncd {shlex.quote(str(target))}\n"
        f"rm -f out.db out.db-wal out.db-shm\n{shlex.join(command)}{stdin}\n"
    )
    outcome.folder = target


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=1, help="ingest runs at once (default 1)")
    ap.add_argument(
        "--timeout",
        type=float,
        default=120,
        help="seconds one case may take (start-up included); a run of n cases may take n times "
        "this, and ends as a hang after this long with nothing new on stderr or in its database",
    )
    ap.add_argument("--batch", type=int, default=25, help="cases per ingest run (default 25)")
    ap.add_argument("--family", action="append", help="only this family (repeatable)")
    ap.add_argument("--case", action="append", help="only this case, e.g. quote_storm-1-7")
    ap.add_argument("--keep", type=Path, help="keep each failing case here")
    ap.add_argument("--small", action="store_true", help="the test suite's small sizes")
    ap.add_argument("--mode", choices=("fast", "default", "accurate"), default="fast")
    ap.add_argument("--rss-limit-mb", type=int, default=hostile.RSS_LIMIT // 2**20)
    ap.add_argument("--as-limit-mb", type=int, default=hostile.AS_LIMIT // 2**20)
    ap.add_argument("--max-seconds", type=float, default=6 * 3600, help="no new run after this")
    ap.add_argument("--isolate-runs", type=int, default=30, help="most reruns per failed batch")
    ap.add_argument(
        "--profile",
        type=int,
        default=1,
        help="the slowest batches whose cases run alone again (besides every passing batch "
        "that took longer than --timeout: a case in it may be too slow alone)",
    )
    ap.add_argument("--list", action="store_true", help="print the cases and stop")
    args = ap.parse_args(argv)

    big = not args.small
    if args.case:
        specs = [hostile.parse_name(n, big) for n in args.case]
    else:
        specs = hostile.generate(args.seed, args.cases, big=big, families=args.family)
    if args.list:
        for spec in specs:
            print(spec.name, "-", spec.build().recipe)
        return 0

    started = time.monotonic()
    deadline = started + args.max_seconds
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        workdir = Path(tempfile.mkdtemp(prefix=".runs-", dir=args.keep))
    else:
        workdir = Path(tempfile.mkdtemp(prefix="onrecord-fuzz-"))
    kw = dict(
        mode=args.mode,
        as_limit=args.as_limit_mb * 2**20,
        rss_limit=args.rss_limit_mb * 2**20,
        slack=args.timeout,
    )
    state = hostile.product_state()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # (runs in flight are killed)
    base = hostile.run([], workdir, timeout=max(args.timeout, 120), **kw)
    log(f"the good articles alone: {base.seconds:.1f} s, {base.rss / 2**20:.0f} MiB")
    if not base.ok:
        log("the ingest fails without any hostile case; stopping: " + "; ".join(base.failures))
        log(base.tail(20))
        hostile.cleanup(base)
        hostile.remove_tree(workdir)
        return 2
    hostile.cleanup(base)
    tally = Tally()
    unavailable: dict[str, str] = {}
    not_run: list[str] = []
    batches = hostile.batches(specs, args.batch)
    batch_times: list[tuple[float, list[str]]] = []

    def one(batch: list[hostile.Spec]) -> None:
        if time.monotonic() > deadline:
            not_run.extend(s.name for s in batch)
            return
        cases = []
        for spec in batch:
            case = spec.build()
            if case.unavailable:
                unavailable[case.name] = case.unavailable
            else:
                cases.append(case)
        if not cases:
            return
        outcome = hostile.run(cases, workdir, timeout=args.timeout, **kw)
        tally.record(outcome)
        log(f"run of {', '.join(outcome.names) if len(cases) < 4 else f'{len(cases)} cases'}:")
        log(describe(outcome))
        if len(cases) > 1 and outcome.ok:
            batch_times.append((outcome.seconds, outcome.names))
        if outcome.ok:
            hostile.cleanup(outcome)
            return
        if len(cases) == 1:
            found = hostile.Isolated(alone=[outcome])
        else:
            hostile.cleanup(outcome)

            def rerun(o: hostile.Outcome) -> None:
                tally.record(o)
                log(describe(o))

            found = hostile.isolate(
                cases,
                workdir,
                failed=outcome,
                max_runs=args.isolate_runs,
                on_run=rerun,
                timeout=args.timeout,
                **kw,
            )
        by_name = {c.name: c for c in cases}
        with tally.lock:
            tally.undetermined.update(found.untried)
            tally.together.extend(found.together)
        for o in found.alone:
            with tally.lock:
                tally.failed[o.names[0]] = o
            if args.keep:
                keep(o, by_name[o.names[0]], args.keep)
            else:
                hostile.cleanup(o)

    with ThreadPoolExecutor(max_workers=max(args.jobs, 1)) as pool:
        for f in [pool.submit(one, b) for b in batches]:
            f.result()

    # the slowest case: the cases of the slowest batches, each alone
    ranked = sorted(batch_times, reverse=True)
    alone_already = {n for _, n in tally.single}
    for rank, (seconds, names) in enumerate(ranked):
        if rank >= args.profile and seconds <= args.timeout:
            break
        if time.monotonic() > deadline:
            break
        log(f"profile: the {len(names)} cases of a batch of {seconds:.0f} s, each alone")
        for name in names:
            if name in tally.failed or name in alone_already or time.monotonic() > deadline:
                continue
            case = hostile.parse_name(name, big).build()
            o = hostile.run([case], workdir, timeout=args.timeout, **kw)
            tally.record(o)
            log(describe(o))
            if o.ok:
                hostile.cleanup(o)
                continue
            tally.failed.setdefault(name, o)
            if args.keep:
                keep(o, case, args.keep)
            else:
                hostile.cleanup(o)

    if not args.keep:
        hostile.remove_tree(workdir)
    else:
        with_runs = list(workdir.iterdir())
        if not with_runs:
            workdir.rmdir()
    report(specs, tally, unavailable, not_run, started, args)
    print(
        f"baseline run:        the good articles alone, {base.seconds:.1f} s, "
        f"{base.rss / 2**20:.0f} MiB"
    )
    now = hostile.product_state()
    if now != state:
        print(
            f"warning: onrecord's source changed during the run ({state} -> {now}): "
            "the results mix versions"
        )
    else:
        print(f"onrecord source:     {state} (unchanged during the run)")
    return 0 if not tally.failed and not tally.together and not tally.undetermined else 1


def report(specs, tally: Tally, unavailable, not_run, started, args) -> None:
    for name in tally.failed:
        tally.clean.discard(name)
    tried = [s.name for s in specs if s.name not in unavailable and s.name not in not_run]
    clean = [n for n in tried if n in tally.clean]
    failing = [n for n in tried if n in tally.failed]
    other = [n for n in tried if n not in tally.clean and n not in tally.failed]
    out = []
    out.append("")
    made = "named" if args.case else f"generated from seed {args.seed}"
    out.append(f"cases tried:         {len(tried)} ({len(specs)} {made})")
    if unavailable:
        reasons = sorted(set(unavailable.values()))
        out.append(f"not made here:       {len(unavailable)} ({'; '.join(reasons)})")
    if not_run:
        out.append(f"not run (time):      {len(not_run)} (--max-seconds reached)")
    out.append(f"handled cleanly:     {len(clean)} of {len(tried)}")
    out.append(f"failing alone:       {len(failing)}")
    if other:
        out.append(f"in a failed batch, not named: {len(other)} ({', '.join(other[:10])})")
    if tally.together:
        out.append(f"batches failing only together: {len(tally.together)}")
        for o in tally.together:
            out.append(f"  {', '.join(o.names)}: {'; '.join(o.failures)}")
    if failing:
        out.append("")
        out.append("failures by family:")
        families: dict[str, list[str]] = defaultdict(list)
        for name in failing:
            families[name.rsplit("-", 2)[0]].append(name)
        width = max(len(f) for f in families)
        for family, names in sorted(families.items()):
            kinds: dict[str, list[str]] = defaultdict(list)
            for name in names:
                kinds[tally.failed[name].failures[0]].append(name)
            for first, members in sorted(kinds.items(), key=lambda kv: -len(kv[1])):
                out.append(f"  {family:<{width}}  {len(members):>4}  {first[:160]}")
                more = f" and {len(members) - 6} more" if len(members) > 6 else ""
                out.append(f"  {'':<{width}}        {', '.join(members[:6])}{more}")
    out.append("")
    if tally.single:
        seconds, name = max(tally.single)
        cut = (
            " (killed at the limit)"
            if name in tally.failed and tally.failed[name].kind == "hang"
            else ""
        )
        out.append(f"slowest case:        {name}, {seconds:.1f} s alone, with startup{cut}")
    if tally.runs:
        slow = max(tally.runs, key=lambda o: o.seconds)
        what = slow.names[0] if len(slow.names) == 1 else f"a batch of {len(slow.names)}"
        out.append(f"slowest run:         {what}, {slow.seconds:.1f} s")
        peak = max(tally.runs, key=lambda o: o.rss)
        what = peak.names[0] if len(peak.names) == 1 else f"a batch of {len(peak.names)}"
        out.append(f"peak memory:         {peak.rss / 2**20:.0f} MiB max RSS ({what})")
        out.append(f"ingest runs:         {len(tally.runs)}")
    out.append(f"total time:          {time.monotonic() - started:.0f} s")
    small = " --small" if args.small else ""
    out.append(f"reproduce a case:    python scripts/fuzz.py --case NAME{small} [--keep DIR]")
    print("\n".join(out), flush=True)


if __name__ == "__main__":
    sys.exit(main())
