"""How likely each statement is to be right: its ``confidence``, a probability in [0, 1].

"Right" is what :func:`onrecord.evaluate.correct` checks against PolNeAR's annotations: the
statement matches an annotated attribution (most of its content, a word of its source) and
its cue overlaps that attribution's cue. The estimate is a logistic regression over what the
finding knows of the statement (:func:`features`: which rule found it, how sure the cue
model and the tagger were of its cue, whether both found it, its kind, category, speaker
and content), learned on PolNeAR train, then mapped through an isotonic calibration fitted
on PolNeAR dev so that, of the statements given 0.8, about 8 in 10 are right. Weights and
calibration are in ``data/confidence.json``, one model per mode (the fast mode has no
tagger to read from; the accurate mode uses the default's); ``scripts/train_confidence.py``
makes them. Without that file every statement keeps confidence 1.0.

A statement below :data:`FLOOR` is not kept (:func:`kept`); one below
:data:`onrecord.model.LOW_CONFIDENCE` is marked as of low confidence where the record shows it.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from importlib import resources

import numpy as np

from ..model import Statement
from .phrases import Found, cue_rates

# a statement less likely than this to be right is not kept: on PolNeAR dev (default mode)
# the statements below it are right about one time in four, and leaving them out raises
# every figure of ``onrecord evaluate`` (docs/confidence.md)
FLOOR = 0.3

PRONOUNS = frozenset(
    "he she they it we i you him her them us me who which that this those these".split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+")


@cache
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def features(stmt: Statement, found: Found) -> dict[str, float]:
    """What the confidence of ``stmt`` (found as ``found``) is read from, by name."""
    words = _WORD.findall(stmt.content_text)
    stop = _stop_words()
    content_words = [w for w in words if w.lower() not in stop]
    mention = (stmt.speaker.mention or "").strip()
    lemma = stmt.cue.lemma if stmt.cue else ""
    out = {
        f"rule={found.rule or 'other'}": 1.0,
        f"kind={stmt.kind}": 1.0,
        f"category={stmt.category}": 1.0,
        f"speaker={stmt.speaker.kind}": 1.0,
        "agreed": float(found.agreed),
        "settled": float(found.settled),
        "cue_rate": cue_rates().get(lemma, 0.0),
        "cue_say": float(lemma in ("say", "tell")),
        "no_cue": float(stmt.cue is None),
        "cue_words": min(len(_WORD.findall(stmt.cue.text)), 6) if stmt.cue else 0.0,
        "no_source": float(not mention),
        "pronoun_source": float(mention.lower() in PRONOUNS),
        "named": float(stmt.speaker.name is not None),
        "log_words": math.log1p(len(words)),
        "few_words": float(len(words) <= 3),
        "no_content_word": float(not content_words),
        "pieces": float(len(stmt.content_spans) > 1),
    }
    if found.cue_score is not None:
        out["cue_score"] = found.cue_score
    else:
        out["no_cue_score"] = 1.0
    if found.tagger_cue is not None:
        out["tagger_cue"] = found.tagger_cue
        out["tagger_sure"] = float(found.tagger_cue >= 0.9)
    return out


@cache
def _models() -> dict | None:
    path = resources.files("onrecord") / "data" / "confidence.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _model(mode: str) -> dict | None:
    models = _models()
    if models is None:
        return None
    return models.get(mode) or models.get("default")


def raw(feats: dict[str, float], model: dict) -> float:
    """The logistic regression's probability, before calibration."""
    weights = model["weights"]
    z = model["bias"] + sum(weights.get(name, 0.0) * value for name, value in feats.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def calibrate(p: float, model: dict) -> float:
    """``p`` through the model's isotonic calibration (piecewise linear between its points)."""
    points = model.get("calibration")
    if not points:
        return p
    return float(np.interp(p, points["x"], points["y"]))


def kept(statements: list[Statement]) -> list[Statement]:
    """The statements at or above :data:`FLOOR`."""
    return [s for s in statements if s.confidence >= FLOOR]


def assign(statements: list[Statement], found: list[Found], mode: str) -> None:
    """Set each statement's confidence (``found[i]`` found ``statements[i]``), in place."""
    model = _model(mode)
    if model is None:
        return
    for stmt, f in zip(statements, found, strict=True):
        stmt.confidence = round(calibrate(raw(features(stmt, f), model), model), 3)
