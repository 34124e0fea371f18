"""The learned cue span: which words around a cue verb belong to the cue.

Annotators mark a cue as the words that carry the act of reporting, not the verb alone:
"*has* said", "*also* views", "*did not immediately respond to*", "*complained about*",
"*was first reported by*", "*accusing* her *of*". Which neighbours join depends on their
relation to the verb (an auxiliary nearly always, "in ..." rarely, "about ..." mostly) and on
the verb. A linear-chain CRF over a window around the verb learns this from PolNeAR train
(``python scripts/train_spans.py``); the model ships in ``data/cue_crf.bin`` and runs in
CRFsuite. Without it the cue is the verb with its particle.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from spacy.tokens import Token

LEFT, RIGHT = 6, 10  # the window: 6 tokens before the verb, 10 after, within its sentence
FUNCTION_POS = {"ADP", "AUX", "PART", "SCONJ", "CCONJ", "DET", "PRON", "ADV"}


def window(verb: Token) -> tuple[int, int]:
    """Token range the model labels: around the verb, inside its sentence.

    (Walking to the sentence edges is much cheaper than spaCy's ``Token.sent``.)
    """
    doc = verb.doc
    lo = verb.i
    while lo > verb.i - LEFT and not doc[lo].is_sent_start:
        lo -= 1
    hi = verb.i + 1
    while hi < min(len(doc), verb.i + RIGHT + 1) and not doc[hi].is_sent_start:
        hi += 1
    return lo, hi


def _relation(tok: Token, verb: Token) -> str:
    """The token's place in the tree relative to the verb, by dependency labels."""
    if tok.i == verb.i:
        return "verb"
    if tok.head.i == verb.i:
        return "child_" + tok.dep_
    if tok.head.head.i == verb.i and tok.head.i != tok.i:
        return f"grand_{tok.head.dep_}_{tok.dep_}"
    if verb.head.i == tok.i:
        return "head_" + verb.dep_
    if tok.head.i == verb.head.i:
        return "sibling_" + tok.dep_
    return "other"


def _word(tok: Token) -> str:
    if tok.is_punct or tok.is_stop or tok.pos_ in FUNCTION_POS:
        return tok.lower_
    return tok.pos_ + ("_" + tok.ent_type_ if tok.ent_type_ else "")


def features(
    verb: Token, source: set[int], content: set[int], start: int, end: int
) -> list[list[str]]:
    """One feature list per token of ``doc[start:end]``."""
    tokens = list(verb.doc[start:end])
    words = [_word(t) for t in tokens]  # each word is also its neighbours' feature
    lemma = verb.lemma_.lower()
    out = []
    for k, tok in enumerate(tokens):
        i = start + k
        rel = _relation(tok, verb)
        side = "L" if i < verb.i else "R" if i > verb.i else "C"
        word = words[k]
        f = [
            "bias",
            f"rel={rel}",
            f"side={side}",
            f"dist={side}{min(abs(i - verb.i), 6)}",
            f"w={word}",
            f"pos={tok.pos_}",
            f"dep={tok.dep_}",
            f"content={i in content}",
            f"source={i in source}",
            f"rel_w={rel}_{word}",
            f"lemma_rel={lemma}_{rel}",
            f"lemma_rel_w={lemma}_{rel}_{word}",
            f"rel_content={rel}_{i in content}",
        ]
        if tok.dep_ == "prep" and any(c.i in content for c in tok.children):
            f.append("prep_of_content")
        for step, name in ((-1, "p"), (1, "n")):
            j = i + step
            if start <= j < end:
                f.append(f"{name}w={words[j - start]}")
                f.append(f"{name}content={j in content}")
            else:
                f.append(f"{name}w=EDGE")
        out.append(f)
    return out


@lru_cache(maxsize=1)
def tagger():
    """The CRFsuite tagger with ``data/cue_crf.bin`` opened, or None without a model."""
    path = resources.files("onrecord") / "data" / "cue_crf.bin"
    if not path.is_file():
        return None
    import pycrfsuite

    t = pycrfsuite.Tagger()
    t.open(str(path))
    return t


def cue(verb: Token, source: list[Token], content: set[int]) -> list[Token] | None:
    """The cue's tokens around ``verb``, contiguous and holding it (None: no model)."""
    t = tagger()
    if t is None:
        return None
    start, end = window(verb)
    labels = t.tag(features(verb, {s.i for s in source}, content, start, end))
    marked = {start + k for k, lab in enumerate(labels) if lab == "K"}
    lo = hi = verb.i
    while lo - 1 in marked:
        lo -= 1
    while hi + 1 in marked:
        hi += 1
    doc = verb.doc
    return [doc[i] for i in range(lo, hi + 1) if not doc[i].is_space]
