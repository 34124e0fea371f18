"""The learned cue model: is this verb, with this subject and this complement, a cue?

The reported-speech pass of :mod:`onrecord.find.attribution` looks at every verb that has a subject
(the would-be source) and a complement (the would-be content). Whether such a verb reports
speech depends on the verb ("said" almost always, "showed" sometimes, "won" never) and on the
construction: a "that" clause, a human subject, a negation, a verb inside a relative clause.
A logistic regression over such features, trained on PolNeAR train
(``python scripts/train_cues.py``), scores each candidate; the weights ship in
``data/cue_model.json`` and scoring is a sum of weights, in pure Python.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources

from spacy.tokens import Token

PERSONISH = {"PERSON", "ORG", "NORP", "GPE"}
PRONOUNS = {"he", "she", "they", "i", "we", "it", "you", "who"}


def features(verb: Token, source: list[Token], content: list[Token], rate: float) -> list[str]:
    """The features of one candidate (``rate``: the verb's cue rate in PolNeAR train)."""
    lemma = verb.lemma_.lower()
    deps = sorted({c.dep_ for c in verb.children})
    inside = {t.i for t in source}
    head = next((t for t in source if t.head.i not in inside or t.head.i == t.i), None)
    src_kind = "none"
    if head is not None:
        if head.lower_ in PRONOUNS:
            src_kind = "pron"
        elif head.ent_type_ in PERSONISH:
            src_kind = "ent_" + head.ent_type_
        else:
            src_kind = head.pos_
    comp = next((c for c in verb.children if c.dep_ in ("ccomp", "xcomp")), None)
    has_that = comp is not None and any(
        c.lower_ == "that" and c.dep_ == "mark" for c in comp.children
    )
    first = content[0] if content else None
    n = len([t for t in content if not t.is_punct])
    size = "1-3" if n <= 3 else "4-8" if n <= 8 else "9-20" if n <= 20 else "21+"
    bucket = int(rate * 10)
    inner = {t.i for t in content}
    top = next((t for t in content if t.head.i not in inner), None)
    ctype = "none" if top is None else top.dep_
    if top is not None and top.head.dep_ == "prep" and top.head.head.i == verb.i:
        ctype = "prep_" + top.head.lower_
    out = [
        f"lemma={lemma}",
        f"rate={bucket}",
        f"tag={verb.tag_}",
        f"dep={verb.dep_}",
        f"src={src_kind}",
        f"comp={comp.dep_ if comp is not None else 'none'}",
        f"that={has_that}",
        f"first={first.pos_ if first is not None else 'none'}",
        f"size={size}",
        f"lemma_comp={lemma}_{comp.dep_ if comp is not None else 'none'}",
        f"rate_comp={bucket}_{comp.dep_ if comp is not None else 'none'}",
        f"rate_src={bucket}_{src_kind}",
        f"neg={any(c.dep_ == 'neg' for c in verb.children)}",
        f"modal={any(c.tag_ == 'MD' for c in verb.children)}",
        f"ctype={ctype}",
        f"lemma_ctype={lemma}_{ctype}",
        f"head_dep={verb.head.dep_ if verb.head.i != verb.i else 'root'}",
    ]
    out += [f"child={d}" for d in deps if d not in ("punct",)]
    if head is not None and head.pos_ == "NOUN":
        out.append(f"src_noun={head.lemma_.lower()}")
    if first is not None:
        out.append(f"first_w={first.lower_ if first.is_stop else first.pos_}")
    out += [f"acomp={c.lemma_.lower()}" for c in verb.children if c.dep_ == "acomp"]
    if verb.dep_ in ("ccomp", "xcomp", "advcl", "conj") and verb.head.i != verb.i:
        out.append(f"parent={verb.head.lemma_.lower()}_{verb.dep_}")
    root = verb
    while root.head.i != root.i:
        root = root.head
    out.append(f"headline={root.left_edge.i == 0}")  # the first sentence: the headline

    return out


@lru_cache(maxsize=1)
def weights() -> tuple[float, dict[str, float]] | None:
    """(bias, weights) from ``data/cue_model.json``, or None when there is no model."""
    path = resources.files("onrecord") / "data" / "cue_model.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["bias"], data["weights"]


def score(feats: list[str]) -> float:
    """The model's probability that the candidate is a cue."""
    model = weights()
    if model is None:
        return 0.0
    bias, w = model
    z = bias + sum(w.get(f, 0.0) for f in feats)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
