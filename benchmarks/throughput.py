"""Throughput and peak memory of bare spaCy, `onrecord extract` and `onrecord ingest`.

All three run on the same texts (PolNeAR dev by default), each in a fresh process so that peak
memory (max RSS) belongs to that run alone; model loading is excluded from the timings.

    python benchmarks/throughput.py [--corpus ../shared/data/polnear/dev/text] [--repeat 1]

``--repeat N`` feeds the corpus N times (under new names for ingest, so nothing is skipped),
to show that memory stays flat as the corpus grows. ``--rounds K`` (default 3) runs the
measurements K times, interleaved (spaCy, extract, ingest, ..., spaCy, ...), and reports each
one's median time: on a shared 2-core machine one run of the same code varies by about 10%.
extract and ingest run in the default mode, ``extract-fast`` and ``ingest-fast`` in the fast
one; ``--accurate`` adds extract and ingest in the accurate mode.
"CPU s" is processor time over all threads: bare spaCy keeps one core busy; onrecord finds
statements on a second thread while spaCy parses, and the default and accurate modes run the
tagger there too.
``--modes spacy,extract-accurate`` runs only the runs named (bare spaCy must come first, as
the others are compared to it), to spend a long x10 run on one mode.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / "../shared/data/polnear/dev/text"


def _texts(corpus: Path, repeat: int) -> list[tuple[str, str]]:
    files = sorted(corpus.glob("*.txt"))
    out = []
    for r in range(repeat):
        for f in files:
            text = f.read_text(encoding="utf-8")
            # a marker line makes each copy a distinct article (new id) without changing its size
            out.append((f"{r}-{f.name}", text if r == 0 else f"{text}\n[copy {r}]\n"))
    return out


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    """Processor time of this process, all its threads, user and system."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_one(mode: str, corpus: Path, repeat: int) -> dict:
    """One measurement, in this process."""
    from onrecord.find import nlp

    texts = _texts(corpus, repeat)
    kind, _, found_by = mode.partition("-")
    found_by = found_by or "default"  # "extract-fast": the extract run in the fast mode
    if kind != "spacy" and found_by != "fast":
        from onrecord.find import tagger

        tagger._model()  # loading is excluded, as for spaCy
    if kind == "spacy":
        model = nlp.bare()
        start, cpu = time.perf_counter(), _cpu_seconds()
        tokens = sum(len(doc) for doc in model.pipe((t for _, t in texts), batch_size=32))
    elif kind == "extract":
        from onrecord.find.pipeline import analyze
        from onrecord.read.article import make_article

        nlp.load()
        start, cpu = time.perf_counter(), _cpu_seconds()
        articles = (make_article(t, path=name, check_language=False) for name, t in texts)
        tokens = 0
        for _result in analyze(articles, mode=found_by):
            pass
    elif kind == "ingest":
        from onrecord.record import store
        from onrecord.record.ingest import ingest

        nlp.load()
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "in"
            folder.mkdir()
            for name, text in texts:
                (folder / name).write_text(text, encoding="utf-8")
            conn = store.connect(Path(tmp) / "bench.db")
            start, cpu = time.perf_counter(), _cpu_seconds()
            summary = ingest(conn, [str(folder)], mode=found_by)
            assert summary.added == len(texts), summary
        tokens = 0
    else:
        raise ValueError(mode)
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    return {
        "mode": mode,
        "articles": len(texts),
        "seconds": seconds,
        "cpu_seconds": cpu,
        "tokens": tokens,
        "peak_rss_mb": _peak_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--accurate", action="store_true", help="also time the accurate mode")
    parser.add_argument("--modes", help="comma-separated runs, spacy first (default: all)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.corpus, args.repeat)))
        return
    modes = ["spacy", "extract", "ingest", "extract-fast", "ingest-fast"]
    if args.accurate:
        modes += ["extract-accurate", "ingest-accurate"]
    if args.modes:
        modes = args.modes.split(",")
        if modes[0] != "spacy":
            parser.error("--modes must start with spacy, the baseline")
    runs: dict[str, list[dict]] = {mode: [] for mode in modes}
    for _round in range(args.rounds):
        for mode, done in runs.items():
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--one",
                    mode,
                    "--corpus",
                    str(args.corpus),
                    "--repeat",
                    str(args.repeat),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            done.append(json.loads(out.stdout.strip().splitlines()[-1]))
    rows = [
        {
            **done[0],
            "seconds": statistics.median(r["seconds"] for r in done),
            "cpu_seconds": statistics.median(r["cpu_seconds"] for r in done),
            "all_seconds": [round(r["seconds"], 2) for r in done],
            "peak_rss_mb": max(r["peak_rss_mb"] for r in done),
        }
        for done in runs.values()
    ]
    tokens = rows[0]["tokens"]
    print(
        f"corpus: {args.corpus} x{args.repeat}: {rows[0]['articles']} articles, {tokens} tokens;"
        f" median of {args.rounds} rounds"
    )
    print(
        f"{'run':<29}{'seconds':>9}{'CPU s':>8}{'articles/s':>12}{'tokens/s':>10}"
        f"{'vs spaCy':>10}{'peak RSS MB':>13}   seconds of each round"
    )
    base = rows[0]["seconds"]
    for row in rows:
        name = "bare spaCy" if row["mode"] == "spacy" else f"onrecord {row['mode']}"
        name = name.replace("-accurate", " --accurate").replace("-fast", " --fast")
        print(
            f"{name:<29}{row['seconds']:>9.2f}{row['cpu_seconds']:>8.1f}"
            f"{row['articles'] / row['seconds']:>12.2f}"
            f"{tokens / row['seconds']:>10.0f}{100 * base / row['seconds']:>9.0f}%"
            f"{row['peak_rss_mb']:>13.0f}   {row['all_seconds']}"
        )


if __name__ == "__main__":
    main()
