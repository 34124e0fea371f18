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

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from spacy.attrs import DEP, ENT_TYPE, IDX, IS_PUNCT, IS_STOP, LOWER, POS
from spacy.tokens import Doc, Token

from . import nlp

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


def _word_of(punct: bool, stop: bool, pos: str, lower: str, ent: str) -> str:
    """A function word or punctuation as itself, any other word as its POS and entity type."""
    if punct or stop or pos in FUNCTION_POS:
        return lower
    return pos + ("_" + ent if ent else "")


def _word(tok: Token) -> str:
    """:func:`_word_of` for one token."""
    return _word_of(tok.is_punct, tok.is_stop, tok.pos_, tok.lower_, tok.ent_type_)


def _doc_words(doc: Doc) -> tuple[list[str], list[str]]:
    """:func:`_word` and the dependency label of every token, read from the doc's arrays
    (creating a Token object per word costs more than the rest of the table)."""
    strings = doc.vocab.strings
    memo: dict[tuple[int, ...], str] = {}
    words = []
    for row in doc.to_array([IS_PUNCT, IS_STOP, POS, LOWER, ENT_TYPE]).tolist():
        key = tuple(row)
        w = memo.get(key)
        if w is None:
            punct, stop, pos, lower, ent = row
            w = memo[key] = _word_of(punct, stop, strings[pos], strings[lower], strings[ent])
        words.append(w)
    return words, [strings[d] for d in doc.to_array(DEP).tolist()]


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
    hi = _whole_phrases(verb, hi, {s.i for s in source} | content)
    return [doc[i] for i in range(lo, hi + 1) if not doc[i].is_space]


def _whole_phrases(verb: Token, hi: int, keep: set[int]) -> int:
    """The cue's last index, cut back where the CRF stopped inside a phrase: a preposition
    inside one of the verb's phrases, whose object is in neither the cue, the source nor the
    content ("said in response to America's claims during his visit to [China]"), loses the
    verb's phrase that holds it. The verb's own prepositions stay ("according to [X]",
    "called on [X]", "told about")."""
    doc = verb.doc
    last = doc[hi]
    if last.pos_ != "ADP" or hi <= verb.i:
        return hi
    objects = [c for c in last.children if c.dep_ in ("pobj", "pcomp")]
    if not objects or any(o.i in keep or verb.i <= o.i <= hi for o in objects):
        return hi
    top = last  # (spaCy makes a new Token object on each access: compare indices)
    while top.head.i != verb.i and top.head.i != top.i:
        top = top.head
    if top.head.i != verb.i or top.i <= verb.i or top.i == last.i:
        return hi  # ("called on", "told about": the verb's own preposition stays)
    return top.i - 1


# --- content edges ----------------------------------------------------------------------------
#
# Where a content begins and ends is the commonest disagreement between the parse rules and
# annotators: "called on *the governor* to veto the bill" takes the addressee in, a trailing
# ", which ..." or "citing ..." is content for some cues and not others, a quote runs on into
# the next sentence. A second CRF labels the words around each statement C (content) or O,
# reading the rules' content as a feature, so it learns where PolNeAR's annotators draw the
# edges differently from the rules (``python scripts/train_spans.py --content``; model
# ``data/content_crf.bin``; :func:`onrecord.find.attribution.redraw_contents` applies it). Without
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
    words, deps = _doc_words(doc)
    starts = [s.start for s in doc.sents]
    sent = [0] * len(doc)
    for k, s in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(doc)
        sent[s:end] = [k] * (end - s)
    heads = nlp.head_indices(doc).tolist()
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
    for idx in doc.to_array(IDX).tolist():
        while k < len(qstarts) and qstarts[k][1] <= idx:
            k += 1
        in_quote.append(k < len(qstarts) and qstarts[k][0] <= idx < qstarts[k][1])
    return DocTable(
        words=words,
        head_deps=[f"{deps[h]}_{d}" for h, d in zip(heads, deps, strict=True)],
        in_quote=in_quote,
        sent=sent,
        sent_starts=starts,
        depth=depth,
    )


MARGIN = 150  # tokens of a content window beyond the statement's cue, source and content


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
    # at most MARGIN tokens beyond the statement's own on either side: a "sentence" of
    # thousands of tokens (a list, a page without full stops) would make each of its
    # statements cost its whole length
    return max(lo, min(ids) - MARGIN), min(hi, max(max(ids), content_end) + 1 + MARGIN)


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


# The content CRF's features come in groups, each a function of a few values (its key): a
# token's features are the groups' outputs for its keys. Keys repeat a great deal (the same
# relation and word, the same neighbour), so in use each group's summed weights are memoised by
# key and no feature string is built twice; training builds the strings themselves.


def _relation_group(lemma: str, rel: str, r2: str, depth: int, c: bool) -> list[str]:
    """The token's relation to the cue head, with the cue's lemma and the rules' content."""
    return [
        f"r2={r2}",
        f"c_r2={c}_{r2}",
        f"lemma_rel={lemma}_{rel}",
        f"rel={rel}",
        f"reld={rel}{depth}",
        f"c={c}",
        f"c_rel={c}_{rel}",
        f"lemma_c={lemma}_{c}",
    ]


def _rel_word_group(rel: str, w: str) -> list[str]:
    return [f"rel_w={rel}_{w}"]


def _place_group(c: bool, so: int, side: str, is_cue: bool, is_src: bool) -> list[str]:
    """Where the token is: in the cue or source, its sentence and side relative to the cue."""
    return [f"cue={is_cue}", f"src={is_src}", f"c_sent={c}_{so}", f"c_side={c}_{side}"]


def _edge_group(c: bool, start: bool, end: bool) -> list[str]:
    """Whether the rules' content (or what is outside it) starts or ends at the token."""
    return [f"cstart={c}"] * start + [f"cend={c}"] * end


def _token_group(w: str, hdep: str, quoted: bool, c: bool) -> list[str]:
    """The token itself: its word, its and its head's dependency labels, inside a quote."""
    return [
        f"qb={w in QUOTE_TOKENS}",
        f"hdep={hdep}",
        f"c_hdep={c}_{hdep}",
        f"w={w}",
        f"c_w={c}_{w}",
        f"c_inq={c}_{quoted}",
    ]


def _neighbour_group(name: str, w: str | None, c: bool) -> list[str]:
    """A neighbour's word (``p``/``n``: 1 before/after, ``pp``/``nn``: 2); None: outside."""
    if w is None:
        return [f"{name}w=EDGE"]
    return [f"{name}w={w}", f"{name}w_c={w}_{c}"]


GROUPS = (_relation_group, _rel_word_group, _place_group, _edge_group, _token_group)
NEIGHBOURS = ((-1, "p"), (1, "n"), (-2, "pp"), (2, "nn"))
# keys a memo holds before it starts again: over PolNeAR train (840 articles) the largest
# two grow to 36,000 and 31,000 keys (about 30 MB in all) and keep growing, slowly, with the corpus
MEMO_LIMIT = 20_000
KEYED = GROUPS + (_neighbour_group,) * len(NEIGHBOURS)  # what each of a token's keys feeds


def _keys(
    table: DocTable, cue: list[Token], source: set[int], content: set[int], lo: int, hi: int
) -> Iterator[tuple[tuple, ...]]:
    """Per token of ``doc[lo:hi]``: its key for each of :data:`GROUPS`, then one per
    neighbour of :data:`NEIGHBOURS`."""
    head = _cue_head(cue)
    cue_ids = {t.i for t in cue}
    lemma = head.lemma_.lower()
    rels = _relations(head, lo, hi, table.depth)
    cue_sent = table.sent[head.i]
    words = table.words
    inside = [i in content for i in range(lo, hi)]
    n = hi - lo
    for j in range(n):
        i = lo + j
        rel, r2, depth = rels[j]
        c = inside[j]
        w = words[i]
        side = "L" if i < head.i else "R" if i > head.i else "C"
        yield (
            (lemma, rel, r2, min(depth, 4), c),
            (rel, w),
            (c, max(-2, min(2, table.sent[i] - cue_sent)), side, i in cue_ids, i in source),
            (c, j == 0 or inside[j - 1] != c, j == n - 1 or inside[j + 1] != c),
            (w, table.head_deps[i], table.in_quote[i], c),
            *((name, words[i + d] if 0 <= j + d < n else None, c) for d, name in NEIGHBOURS),
        )


def _statement_keys(
    table: DocTable, cue: list[Token], source: list[Token], content_tokens: list[Token]
) -> tuple[int, int, Iterator[tuple[tuple, ...]]]:
    """A statement's window (``lo``, ``hi``) and its tokens' keys."""
    ids = {x.i for x in content_tokens}
    lo, hi = content_window(table, [*ids, *(x.i for x in cue), *(x.i for x in source)], max(ids))
    return lo, hi, _keys(table, cue, {x.i for x in source}, ids, lo, hi)


def content_inputs(
    table: DocTable, cue: list[Token], source: list[Token], content_tokens: list[Token]
) -> tuple[int, int, list[list[str]]]:
    """A statement's window (``lo``, ``hi``) and one feature list per token of it, as the
    content CRF is trained on them."""
    lo, hi, keys = _statement_keys(table, cue, source, content_tokens)
    features = [[x for group, k in zip(KEYED, key, strict=True) for x in group(*k)] for key in keys]
    return lo, hi, features


@dataclass
class Weights:
    """The content CRF's weights, read out of CRFsuite (label 0 is O, 1 is C), with each
    feature group's summed weights memoised by key: scoring a token is then a few dictionary
    lookups, and a two-state Viterbi picks the labels. This gives CRFsuite's labels (a test
    checks it) at a fraction of the cost of handing it thousands of feature strings."""

    state: dict[str, tuple[float, float]]  # feature -> (weight for O, weight for C)
    trans: tuple[tuple[float, float], tuple[float, float]]  # [from][to]
    # one memo per key of a token (GROUPS, then the neighbours): key -> (O, C) weights
    memo: list[dict] = field(default_factory=lambda: [{} for _ in KEYED])

    def score(self, features: list[str]) -> tuple[float, float]:
        o = c = 0.0
        for f in features:
            w = self.state.get(f)
            if w is not None:
                o += w[0]
                c += w[1]
        return o, c

    def token(self, key: tuple[tuple, ...]) -> tuple[float, float]:
        """A token's (O, C) score from its keys (see :func:`_keys`)."""
        o = c = 0.0
        for memo, group, k in zip(self.memo, KEYED, key, strict=True):
            w = memo.get(k)
            if w is None:
                if len(memo) >= MEMO_LIMIT:  # memory stays flat however long the run
                    memo.clear()
                w = memo[k] = self.score(group(*k))
            o += w[0]
            c += w[1]
        return o, c

    def viterbi(self, scores: list[tuple[float, float]]) -> list[bool]:
        """The best label sequence (True: C) under the state scores and transitions."""
        (oo, oc), (co, cc) = self.trans
        best_o, best_c = scores[0]
        back: list[tuple[bool, bool]] = []  # per step: was C the better previous, for O / C
        for so, sc in scores[1:]:
            to_o = (best_c + co > best_o + oo, best_c + cc > best_o + oc)
            best_o, best_c = (
                (best_c + co if to_o[0] else best_o + oo) + so,
                (best_c + cc if to_o[1] else best_o + oc) + sc,
            )
            back.append(to_o)
        label = best_c > best_o
        out = [label]
        for step in reversed(back):
            label = step[1] if label else step[0]
            out.append(label)
        return out[::-1]


def content_tagger():
    """The content edge CRF (``data/content_crf.bin``), or None without a model."""
    return _crf("content_crf.bin")


@lru_cache(maxsize=1)
def content_weights() -> Weights | None:
    """The content CRF's weights (None without a model)."""
    t = content_tagger()
    if t is None:
        return None
    info = t.info()
    state: dict[str, list[float]] = {}
    for (feature, label), w in info.state_features.items():
        state.setdefault(feature, [0.0, 0.0])[label == "C"] += w
    tr = info.transitions
    return Weights(
        {f: (w[0], w[1]) for f, w in state.items()},
        (
            (tr.get(("O", "O"), 0.0), tr.get(("O", "C"), 0.0)),
            (tr.get(("C", "O"), 0.0), tr.get(("C", "C"), 0.0)),
        ),
    )


def content(
    table: DocTable, cue: list[Token], source: list[Token], content_tokens: list[Token]
) -> list[Token] | None:
    """The content's tokens as the model draws them (None: no model, or it drew none)."""
    weights = content_weights()
    if weights is None or not cue or not content_tokens:
        return None
    lo, hi, keys = _statement_keys(table, cue, source, content_tokens)
    labels = weights.viterbi([weights.token(key) for key in keys])
    doc = cue[0].doc
    drawn = [doc[lo + j] for j, lab in enumerate(labels) if lab and not doc[lo + j].is_space]
    return drawn or None
