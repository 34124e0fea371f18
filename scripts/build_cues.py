"""Rebuild src/onrecord/data/cues.tsv: cue verbs learned from PolNeAR train.

For every verb lemma in the training texts, count how often it is (part of) an annotated cue
and how often it occurs at all. Lemmas seen as cues at least MIN_COUNT times with a rate of at
least MIN_RATE are kept, with their rate as the weight. Deterministic: same data, same file.

    python scripts/build_cues.py ../shared/data/polnear/train
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from onrecord import evaluate
from onrecord.find import nlp

MIN_COUNT = 3
MIN_RATE = 0.2


def main(root: str) -> None:
    pipeline = nlp.load()
    as_cue: Counter[str] = Counter()
    total: Counter[str] = Counter()
    docs = evaluate.load_corpus(Path(root))
    texts = [d.text for d in docs]
    for gold, doc in zip(docs, pipeline.pipe(texts, batch_size=16), strict=True):
        cue_chars = set()
        for att in gold.attributions:
            for s, e in att.cue:
                cue_chars.update(range(s, e))
        for tok in doc:
            if tok.pos_ not in ("VERB",):
                continue
            lemma = tok.lemma_.lower()
            total[lemma] += 1
            if tok.idx in cue_chars:
                as_cue[lemma] += 1
    rows = []
    for lemma, n in as_cue.items():
        rate = n / total[lemma]
        if n >= MIN_COUNT and rate >= MIN_RATE:
            rows.append((lemma, rate, n, total[lemma]))
    rows.sort(key=lambda r: (-r[1], r[0]))
    out = Path(__file__).resolve().parents[1] / "src/onrecord/data/cues.tsv"
    with out.open("w", encoding="utf-8") as fh:
        fh.write("lemma\trate\tas_cue\ttotal\n")
        for lemma, rate, n, t in rows:
            fh.write(f"{lemma}\t{rate:.3f}\t{n}\t{t}\n")
    print(f"{len(rows)} cue lemmas -> {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/polnear/train")
