"""Learned span edges: which words around a cue verb belong to the cue, and where a
statement's content begins and ends (two CRFs; the second is described further down).

Annotators mark a cue as the words that carry the act of reporting, not the verb alone:
"*has* said", "*also* views", "*did not immediately respond to*", "*complained about*",
"*was first reported by*", "*accusing* her *of*". Which neighbours join depends on their
relation to the verb (an auxiliary nearly always, "in ..." rarely, "about ..." mostly) and on
the verb. A linear-chain CRF over a window around the verb learns this from PolNeAR train
(``python scripts/train_spans.py``); the model ships in ``data/cue_crf.bin`` and runs in
CRFsuite. Without it the cue is the verb with its particle.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spacy.attrs import HEAD
from spacy.tokens import Doc, Token

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


@lru_cache(maxsize=2)
def _crf(name: str):
    """A CRFsuite tagger with ``data/<name>`` opened, once; None without the file."""
    path = resources.files("onrecord") / "data" / name
    if not path.is_file():
        return None
    import pycrfsuite

    t = pycrfsuite.Tagger()
    t.open(str(path))
    return t


def tagger():
    """The cue span CRF (``data/cue_crf.bin``), or None without a model."""
    return _crf("cue_crf.bin")


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


# --- content edges ----------------------------------------------------------------------------
#
# Where a content begins and ends is the commonest disagreement between the parse rules and
# annotators: "called on *the governor* to veto the bill" takes the addressee in, a trailing
# ", which ..." or "citing ..." is content for some cues and not others, a quote runs on into
# the next sentence. A second CRF labels the words around each statement C (content) or O,
# reading the rules' content as a feature, so it learns where PolNeAR's annotators draw the
# edges differently from the rules (``python scripts/train_spans.py --content``; model
# ``data/content_crf.bin``; :func:`onrecord.attribution.redraw_contents` applies it). Without
# the model the rules' edges stand.

QUOTE_TOKENS = set('"“”«»„') | {"''", "``"}
# what may stand between a content's last word and its sentence's end for it to run on
# (whitespace tokens read "SPACE" in DocTable.words)
RUN_ON = QUOTE_TOKENS | {".", "!", "?", ",", ";", ":", "…", "-", "—", "–", "SPACE"}


@dataclass
class DocTable:
    """Per-token facts of one doc that every statement's window reads: computed once."""

    words: list[str]
    head_deps: list[str]  # the head's dependency label and the token's
    in_quote: list[bool]
    sent: list[int]  # sentence number
    sent_starts: list[int]  # token index where each sentence starts
    depth: list[int]  # steps to the sentence root


def doc_table(doc: Doc, quotes: list[tuple[int, int]]) -> DocTable:
    """The :class:`DocTable` of ``doc``; ``quotes`` are (start, end) character spans."""
    tokens = list(doc)
    starts = [s.start for s in doc.sents]
    sent = [0] * len(doc)
    for k, s in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(doc)
        sent[s:end] = [k] * (end - s)
    heads = [i + int(h) for i, h in enumerate(doc.to_array(HEAD).astype("int64"))]
    depth: list[int] = [-1] * len(doc)
    for i in range(len(doc)):  # steps up to the root, each token's counted once
        path = []
        while depth[i] < 0 and heads[i] != i and len(path) < len(doc):
            path.append(i)
            i = heads[i]
        d = max(depth[i], 0)
        depth[i] = d
        for j in reversed(path):
            d += 1
            depth[j] = d
    qstarts = sorted(quotes)
    in_quote = []
    k = 0
    for tok in tokens:
        while k < len(qstarts) and qstarts[k][1] <= tok.idx:
            k += 1
        in_quote.append(k < len(qstarts) and qstarts[k][0] <= tok.idx < qstarts[k][1])
    deps = [t.dep_ for t in tokens]
    return DocTable(
        words=[_word(t) for t in tokens],
        head_deps=[f"{deps[h]}_{d}" for h, d in zip(heads, deps, strict=True)],
        in_quote=in_quote,
        sent=sent,
        sent_starts=starts,
        depth=depth,
    )


def content_window(table: DocTable, ids: list[int], content_end: int) -> tuple[int, int]:
    """Token range a statement's content is drawn in: the sentences of its cue, source and
    content, and the sentence after them where the content runs to its sentence's end (a
    quote or paraphrase may go on in the next one)."""
    first = min(table.sent[i] for i in ids)
    last = max(table.sent[i] for i in ids)
    starts = table.sent_starts
    end = starts[last + 1] if last + 1 < len(starts) else len(table.sent)
    if all(table.words[i] in RUN_ON for i in range(content_end + 1, end)):
        last += 1
    lo = starts[first]
    hi = starts[last + 1] if last + 1 < len(starts) else len(table.sent)
    return lo, hi


def _cue_head(cue: list[Token]) -> Token:
    ids = {t.i for t in cue}
    return next((t for t in cue if t.head.i not in ids or t.head.i == t.i), cue[0])


def _relations(head: Token, lo: int, hi: int, depth: list[int]) -> list[tuple[str, str, int]]:
    """Per token of ``lo:hi``: (relation to the cue head, its two nearest labels, depth below
    it). Subtrees are contiguous in spaCy's projective parse, so each child's range says which
    tokens hang from the cue through that child."""
    out = [("out", "x", 0)] * (hi - lo)
    a = head
    while a.head.i != a.i:
        a = a.head
        if lo <= a.i < hi:
            out[a.i - lo] = ("anc", "x", 0)
    for child in head.children:
        for i in range(max(lo, child.left_edge.i), min(hi, child.right_edge.i + 1)):
            out[i - lo] = (f"in_{child.dep_}", f"{child.dep_}>", depth[i] - depth[head.i] - 1)
        for grand in child.children:
            for i in range(max(lo, grand.left_edge.i), min(hi, grand.right_edge.i + 1)):
                out[i - lo] = (out[i - lo][0], f"{child.dep_}>{grand.dep_}", out[i - lo][2])
    if lo <= head.i < hi:
        out[head.i - lo] = ("cue", "cue", 0)
    return out


def content_features(
    table: DocTable, cue: list[Token], source: set[int], content: set[int], lo: int, hi: int
) -> list[list[str]]:
    """One feature list per token of ``doc[lo:hi]`` for the content CRF."""
    head = _cue_head(cue)
    cue_ids = {t.i for t in cue}
    lemma = head.lemma_.lower()
    rels = _relations(head, lo, hi, table.depth)
    cue_sent = table.sent[head.i]
    words = table.words
    inside = [i in content for i in range(lo, hi)]
    n = hi - lo
    out = []
    for j in range(n):
        i = lo + j
        rel, r2, depth = rels[j]
        side = "L" if i < head.i else "R" if i > head.i else "C"
        so = max(-2, min(2, table.sent[i] - cue_sent))
        c = inside[j]
        w = words[i]
        q = table.in_quote[i]
        f = [
            f"r2={r2}",
            f"c_r2={c}_{r2}",
            f"qb={w in QUOTE_TOKENS}",
            f"hdep={table.head_deps[i]}",
            f"c_hdep={c}_{table.head_deps[i]}",
            f"lemma_rel={lemma}_{rel}",
            f"rel_w={rel}_{w}",
            f"rel={rel}",
            f"reld={rel}{min(depth, 4)}",
            f"w={w}",
            f"c={c}",
            f"cue={i in cue_ids}",
            f"src={i in source}",
            f"c_rel={c}_{rel}",
            f"c_sent={c}_{so}",
            f"c_side={c}_{side}",
            f"lemma_c={lemma}_{c}",
            f"c_w={c}_{w}",
            f"c_inq={c}_{q}",
        ]
        if j == 0 or inside[j - 1] != c:
            f.append(f"cstart={c}")
        if j == n - 1 or inside[j + 1] != c:
            f.append(f"cend={c}")
        for step, name in ((-1, "p"), (1, "n"), (-2, "pp"), (2, "nn")):
            m = j + step
            if 0 <= m < n:
                f += [f"{name}w={words[lo + m]}", f"{name}w_c={words[lo + m]}_{c}"]
            else:
                f.append(f"{name}w=EDGE")
        out.append(f)
    return out


def content_tagger():
    """The content edge CRF (``data/content_crf.bin``), or None without a model."""
    return _crf("content_crf.bin")


def content_inputs(
    table: DocTable, cue: list[Token], source: list[Token], content_tokens: list[Token]
) -> tuple[int, int, list[list[str]]]:
    """A statement's window (``lo``, ``hi``) and its features, in training and use alike."""
    ids = {x.i for x in content_tokens}
    lo, hi = content_window(table, [*ids, *(x.i for x in cue), *(x.i for x in source)], max(ids))
    return lo, hi, content_features(table, cue, {x.i for x in source}, ids, lo, hi)


def content(
    table: DocTable, cue: list[Token], source: list[Token], content_tokens: list[Token]
) -> list[Token] | None:
    """The content's tokens as the model draws them (None: no model, or it drew none)."""
    t = content_tagger()
    if t is None or not cue or not content_tokens:
        return None
    lo, hi, features = content_inputs(table, cue, source, content_tokens)
    labels = t.tag(features)
    doc = cue[0].doc
    drawn = [doc[lo + j] for j, lab in enumerate(labels) if lab == "C" and not doc[lo + j].is_space]
    return drawn or None
