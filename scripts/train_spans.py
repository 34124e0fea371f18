"""Train the cue span model (``src/onrecord/data/cue_crf.bin``) on PolNeAR train, or with
``--content`` the content edge model (``src/onrecord/data/content_crf.bin``).

    python scripts/train_spans.py ../shared/data/polnear/train [--docbin CACHE]
    python scripts/train_spans.py ../shared/data/polnear/train --content [--docbin CACHE]

Content: every statement the rules find (content edges as the rules draw them) whose cue
overlaps a gold cue is one sequence, the tokens of :func:`onrecord.find.spans.content_window`
labelled ``C`` where they overlap that attribution's content, else ``O``; features are
:func:`onrecord.find.spans.content_inputs` (as in use), penalties ``--c1 1.0 --c2 0.1``
(chosen on dev).

Every candidate of the reported-speech pass whose verb overlaps a gold cue is one sequence:
the tokens of :func:`onrecord.find.spans.window`, labelled ``K`` where they overlap that cue,
else ``O``. Features are :func:`onrecord.find.spans.features`; training is
CRFsuite's L-BFGS with L1 and L2 penalties, deterministic. ``--docbin`` caches the spaCy parse.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pycrfsuite

from onrecord.evaluate import parsed_corpus
from onrecord.find import attribution, nlp, phrases, spans
from onrecord.find.quotes import find_quotes

DATA = Path(__file__).resolve().parents[1] / "src" / "onrecord" / "data"
# the rules of attribution.find after its reported-speech pass (which the models learn
# from as candidates instead) and the quote pass (run first, by hand)
AFTER_REPORTED_SPEECH = attribution.RULES[
    attribution.RULES.index(attribution.reported_speech) + 1 :
]


def sequences(pairs):
    """(features, labels) for every candidate verb that overlaps a gold cue."""
    for gold, doc in pairs:
        # the verb pass's candidates as the cue model weighs them (without its decision; no
        # questions), and the cues the quote pass found (one verb each here: none drawn by the
        # cue span model, nor the contents redrawn)
        p = attribution.Pass.start(doc, learned=True, draw=False, redraw=False)
        attribution.quotations(p)
        candidates = [
            (c.verb, c.source, c.content, c.spans) for c in attribution.candidates(p) if not c.asked
        ]
        found = attribution.run(p, AFTER_REPORTED_SPEECH)
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
            inside = {t.i for t in phrases.tokens_in(doc, found_spans)}
            feats = spans.features(verb, {t.i for t in source}, inside, lo, hi)
            labels = [
                "K"
                if any(s < doc[i].idx + len(doc[i]) and doc[i].idx < e for s, e in match)
                else "O"
                for i in range(lo, hi)
            ]
            yield feats, labels


def content_sequences(pairs):
    """(features, labels) for every statement the rules find whose cue is a gold cue's."""
    for gold, doc in pairs:
        quotes = [(q.start, q.end) for q in find_quotes(nlp.text_of(doc))]
        table = spans.doc_table(doc, quotes)
        for f in attribution.find(doc, content_model=False):
            if not f.cue or not f.content:
                continue
            start, end = f.cue[0].idx, f.cue[-1].idx + len(f.cue[-1])
            match = next(
                (a for a in gold.attributions if any(s < end and start < e for s, e in a.cue)),
                None,
            )
            if match is None:
                continue
            lo, hi, feats = spans.content_inputs(
                table, f.cue, f.speaking, phrases.tokens_in(doc, f.content)
            )
            labels = [
                "C"
                if any(s < doc[i].idx + len(doc[i]) and doc[i].idx < e for s, e in match.content)
                else "O"
                for i in range(lo, hi)
            ]
            yield feats, labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--docbin", type=Path)
    parser.add_argument("--content", action="store_true", help="train the content edge model")
    parser.add_argument("--c1", type=float, help="L1 penalty (cue 1.0, content 1.0)")
    parser.add_argument("--c2", type=float, help="L2 penalty (cue 0.01, content 0.1)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    name, make, c2 = (
        ("content_crf.bin", content_sequences, 0.1)
        if args.content
        else ("cue_crf.bin", sequences, 0.01)
    )
    args.out = args.out or DATA / name
    args.c1 = 1.0 if args.c1 is None else args.c1
    args.c2 = c2 if args.c2 is None else args.c2

    trainer = pycrfsuite.Trainer(verbose=False)
    n = 0
    for feats, labels in make(parsed_corpus(args.corpus, args.docbin)):
        trainer.append(feats, labels)
        n += 1
    trainer.set_params({"c1": args.c1, "c2": args.c2, "max_iterations": 200})
    trainer.train(str(args.out))
    print(f"{n} sequences -> {args.out} ({args.out.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
