"""The hand-labelled precision set: statements drawn at random from ``extract`` on PolNeAR
**dev** texts (never train), each labelled by reading its article.

    python scripts/precision.py sample --n 330 --seed 25 --out tests/fixtures/precision/sample.jsonl

``sample`` runs the extractor (default mode) over the dev texts, draws ``--n`` of its
statements at random and writes each with what a labeller needs: the file, the speaker
(name as resolved, mention and its span), the cue, the content and its spans, the kind, and
the passage around it with the parts marked (``[speaker]``, ``{cue}``, ``«content»``). The
labels (``real``, ``category``, ``speaker_ok``, ``note``) are added by people reading the
articles; see ``tests/fixtures/precision/README.md`` for what each means.

A statement is keyed by its file and its content's first and last offsets, so labels stay
attached to the same words when the extractor changes around them.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "data" / "polnear" / "dev" / "text"


def published(name: str) -> str | None:
    """The publication date in a PolNeAR file name (``outlet_2016-09-12_slug.txt``)."""
    m = re.search(r"_(\d{4}-\d{2}-\d{2})_", name)
    return m.group(1) if m else None


def key(file: str, spans: list) -> str:
    return f"{file}:{spans[0][0]}-{spans[-1][1]}"


def marked(text: str, stmt: dict, margin: int = 300) -> str:
    """The passage around a statement, its speaker, cue and content marked."""
    marks = []
    if stmt["speaker"]["span"]:
        s, e = stmt["speaker"]["span"]
        marks += [(s, "["), (e, "]")]
    if stmt["cue"]:
        s, e = stmt["cue"]["span"]
        marks += [(s, "{"), (e, "}")]
    for s, e in stmt["content"]["spans"]:
        marks += [(s, "«"), (e, "»")]
    lo = max(0, min(p for p, _ in marks) - margin)
    hi = min(len(text), max(p for p, _ in marks) + margin)
    out, at = [], lo
    for pos, mark in sorted(marks, key=lambda m: (m[0], m[1] in "]}»")):
        out += [text[at:pos], mark]
        at = pos
    out.append(text[at:hi])
    return ("…" if lo else "") + "".join(out) + ("…" if hi < len(text) else "")


def sample(args) -> int:
    from onrecord.find.pipeline import extract_many
    from onrecord.record import schema

    files = sorted(args.dev.glob("*.txt"))
    drawn = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        (stmts,) = extract_many([text], published=published(path.name))
        for s in stmts:
            d = schema.statement_json(s)
            drawn.append((path.name, text, d))
    rng = random.Random(args.seed)
    picked = rng.sample(drawn, min(args.n, len(drawn)))
    picked.sort(key=lambda x: (x[0], x[2]["content"]["spans"][0][0]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        for name, text, d in picked:
            row = {
                "key": key(name, d["content"]["spans"]),
                "file": name,
                "speaker": d["speaker"]["name"],
                "speaker_kind": d["speaker"]["kind"],
                "mention": d["speaker"]["mention"],
                "cue": d["cue"]["text"] if d["cue"] else None,
                "kind": d["kind"],
                "content": d["content"]["text"],
                "passage": marked(text, d),
            }
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(picked)} of {len(drawn)} statements from {len(files)} texts to {args.out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample", help="draw statements to label")
    s.add_argument("--dev", type=Path, default=DEV)
    s.add_argument("--n", type=int, default=330)
    s.add_argument("--seed", type=int, default=25)
    s.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    return sample(args)


if __name__ == "__main__":
    sys.exit(main())
