"""Train the cue span model (``src/onrecord/data/cue_crf.bin``) on PolNeAR train.

    python scripts/train_spans.py ../shared/data/polnear/train [--docbin CACHE]

Every candidate of the reported-speech pass whose verb overlaps a gold cue is one sequence:
the tokens of :func:`onrecord.spans.window`, labelled ``K`` where they overlap that cue,
else ``O``. Features are :func:`onrecord.spans.features`; training is
CRFsuite's L-BFGS with L1 and L2 penalties, deterministic. ``--docbin`` caches the spaCy parse.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pycrfsuite

from onrecord import attribution, spans
from onrecord.evaluate import parsed_corpus

OUT = Path(__file__).resolve().parents[1] / "src" / "onrecord" / "data" / "cue_crf.bin"


def sequences(pairs):
    """(features, labels) for every candidate verb that overlaps a gold cue."""
    for gold, doc in pairs:
        candidates: list = []
        found = attribution.find(doc, collect=candidates)
        # the verb pass's candidates, and the cues the quote pass found (one verb each here)
        candidates += [(f.cue[0], f.source, None, f.content) for f in found if f.quotes and f.cue]
        for verb, source, _content, found_spans in candidates:
            start, end = verb.idx, verb.idx + len(verb)
            match = next(
                (a.cue for a in gold.attributions if any(s < end and start < e for s, e in a.cue)),
                None,
            )
            if match is None:
                continue
            lo, hi = spans.window(verb)
            inside = {t.i for t in attribution.tokens_in(doc, found_spans)}
            feats = spans.features(verb, {t.i for t in source}, inside, lo, hi)
            labels = [
                "K"
                if any(s < doc[i].idx + len(doc[i]) and doc[i].idx < e for s, e in match)
                else "O"
                for i in range(lo, hi)
            ]
            yield feats, labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--docbin", type=Path)
    parser.add_argument("--c1", type=float, default=1.0)
    parser.add_argument("--c2", type=float, default=0.01)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    trainer = pycrfsuite.Trainer(verbose=False)
    n = 0
    for feats, labels in sequences(parsed_corpus(args.corpus, args.docbin)):
        trainer.append(feats, labels)
        n += 1
    trainer.set_params({"c1": args.c1, "c2": args.c2, "max_iterations": 200})
    trainer.train(str(args.out))
    print(f"{n} sequences -> {args.out} ({args.out.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
