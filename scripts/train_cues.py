"""Train the cue model (``src/onrecord/data/cue_model.json``) on PolNeAR train.

    python scripts/train_cues.py ../shared/data/polnear/train [--docbin CACHE] [--c 0.5]

Every verb that the reported-speech pass would consider (a verb with a subject and a
complement) is one example; it is positive when it overlaps a gold cue. Features are
:func:`onrecord.find.cues.features`; the model is scikit-learn's logistic regression (lbfgs,
deterministic). Needs ``pip install scikit-learn`` (training only; the product only reads the
weights). ``--docbin`` caches the spaCy parse of the texts between runs.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from onrecord.evaluate import parsed_corpus
from onrecord.find import attribution, cues, phrases

OUT = Path(__file__).resolve().parents[1] / "src" / "onrecord" / "data" / "cue_model.json"


def examples(root: Path, docbin: Path | None):
    """(features, label) for every candidate verb of the corpus under ``root``."""
    rates = phrases.cue_rates()
    for gold, doc in parsed_corpus(root, docbin):
        cue_spans = [span for a in gold.attributions for span in a.cue]
        for verb, source, content, _spans in weighed(doc):
            start, end = verb.idx, verb.idx + len(verb)
            label = any(s < end and start < e for s, e in cue_spans)
            rate = rates.get(verb.lemma_.lower(), 0.0)
            yield cues.features(verb, source, content, rate), label


def weighed(doc) -> list[tuple]:
    """(verb, source, content, spans) for every candidate the cue model decides on in
    ``doc``: the reported-speech pass of :func:`onrecord.find.attribution.find` run as the
    model sees it (the quotes' cues as the rules draw them), without its decision; questions
    ("Asked whether …") are left out, as no model weighs them (67 of 88 in train are
    annotated)."""
    p = attribution.Pass.start(doc, learned=True, draw=False, redraw=False)
    attribution.quotations(p)
    return [
        (c.verb, c.source, c.content, c.spans) for c in attribution.candidates(p) if not c.asked
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--docbin", type=Path)
    parser.add_argument("--c", type=float, default=0.5, help="inverse regularisation strength")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    data = list(examples(args.corpus, args.docbin))
    vec = DictVectorizer()
    x = vec.fit_transform([{f: 1 for f in feats} for feats, _ in data])
    y = [label for _, label in data]
    model = LogisticRegression(C=args.c, solver="lbfgs", max_iter=3000)
    model.fit(x, y)
    weights = {
        name: round(float(w), 4)
        for name, w in zip(vec.get_feature_names_out(), model.coef_[0], strict=True)
        if abs(w) >= 0.01
    }
    args.out.write_text(
        json.dumps(
            {
                "bias": round(float(model.intercept_[0]), 4),
                "weights": dict(sorted(weights.items())),
            },
            indent=0,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(data)} candidates, {sum(y)} cues; {len(weights)} weights -> {args.out}")


if __name__ == "__main__":
    main()
