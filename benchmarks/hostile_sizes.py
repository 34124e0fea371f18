"""How the time and memory of one article grow with the size of hostile and long texts.

Each case of the hardening issue (a speaker chain, a storm of quotation marks, thousands of
one-line paragraphs, texts over spaCy's 1,000,000-character limit, a long ordinary article)
is run at N, 2N and 4N, each in a fresh process (its own peak RSS) with a time limit, and
printed as a table: seconds, peak RSS, statements found. Linear work doubles with N.

    python benchmarks/hostile_sizes.py [--cases chain,marks] [--scale 1] [--limit 300]
        [--mode default] [--budget 0]

``--scale`` multiplies every N (0.25 for a quick look); ``--budget`` sets
``ONRECORD_ARTICLE_SECONDS`` for the runs (0, the default here: no budget, to see the raw
cost; 60 is what ingest uses). Model loading is not timed. To compare with another version,
run it with ``PYTHONPATH`` pointing at that version's ``src``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "../shared/data/polnear/dev/text"

# name -> (N, what the text is, as Python over n, with `news` the dev texts joined)
CASES = {
    "chain": (60, "' '.join(['\"Yes\" he said and'] * n) + ' left.'"),
    "marks": (2500, "' '.join(['\"Yes, no,\" he said.'] * n)"),  # 2n quotation marks
    "bare-marks": (10000, "' '.join(['\"'] * n)"),
    "paragraphs": (10000, "'word,\" he said.\\n' * n"),
    "one-line": (1_000_000, "(news.replace('\\n', ' ') * (n // len(news) + 1))[:n]"),
    "article": (215_000, "(news * (n // len(news) + 1))[:n]"),
}

RUN = r"""
import json, resource, sys, time
from pathlib import Path
n, expr, mode, corpus = int(sys.argv[1]), sys.argv[2], sys.argv[3], Path(sys.argv[4])
news = "\n\n".join(p.read_text() for p in sorted(corpus.glob("*.txt"))) if corpus.is_dir() else ""
text = eval(expr)
from onrecord import nlp, pipeline, tagger
nlp.load()
if mode != "fast":
    tagger._model()
start = time.perf_counter()
statements = pipeline.extract(text, mode=mode)
seconds = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"chars": len(text), "s": seconds, "rss": rss, "found": len(statements)}))
"""


def run(n: int, expr: str, mode: str, limit: int, budget: str) -> dict:
    """One case at one size in a fresh process; {"timeout": True} past ``limit`` seconds."""
    env = dict(os.environ, ONRECORD_ARTICLE_SECONDS=budget)
    try:
        out = subprocess.run(
            [sys.executable, "-c", RUN, str(n), expr, mode, str(CORPUS)],
            capture_output=True,
            text=True,
            timeout=limit,
            env=env,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return {"timeout": True}
    except subprocess.CalledProcessError as err:
        return {"error": (err.stderr.strip().splitlines() or ["?"])[-1][:60]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", default=",".join(CASES), help="comma-separated: " + ", ".join(CASES))
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every N")
    ap.add_argument("--limit", type=int, default=300, help="seconds per run")
    ap.add_argument("--mode", default="default", choices=("fast", "default", "accurate"))
    ap.add_argument("--budget", default="0", help="ONRECORD_ARTICLE_SECONDS for the runs")
    args = ap.parse_args()
    print(f"{'case':<12} {'N':>9} {'chars':>9} {'seconds':>8} {'peak MB':>8} {'found':>6}")
    for name in args.cases.split(","):
        base, expr = CASES[name]
        for factor in (1, 2, 4):
            n = max(1, int(base * args.scale * factor))
            r = run(n, expr, args.mode, args.limit, args.budget)
            if "timeout" in r or "error" in r:
                what = f"over {args.limit} s" if "timeout" in r else r["error"]
                print(f"{name:<12} {n:>9} {'':>9} {what}", flush=True)
                break  # (a larger size would only take longer)
            row = f"{r['chars']:>9} {r['s']:>8.1f} {r['rss']:>8.0f} {r['found']:>6}"
            print(f"{name:<12} {n:>9} {row}", flush=True)


if __name__ == "__main__":
    main()
