"""The default and accurate modes: a fine-tuned encoder tags cue, source and content, rules
tie them up.

all-MiniLM-L6-v2 (Apache-2.0), fine-tuned on PolNeAR train by ``scripts/train_tagger.py``,
labels every word piece O, B or I for each of the three roles. The int8 ONNX graph and its
tokenizer ship in ``data/``; onnxruntime and tokenizers run them on the CPU, without torch.
:func:`find` turns the tags into :class:`~onrecord.find.phrases.Found` statements:

- each content span goes to the nearest cue (fewest words between them) in its sentence or
  the one before, so a quote split by its cue ("A," he said, "B.") is one statement;
- each cue with content takes the nearest source span in its sentence;
- :func:`with_rules` then merges these with what the parse rules found
  (:func:`onrecord.find.attribution.find`): the rules draw cue phrases more exactly, the model
  finds more statements;
- :func:`redraw_edges`, in the accurate mode only, last asks the same model, once per
  statement with its cue marked in the input, for that statement's own content and source,
  and takes them where it marks any; only for statements whose edges are unsettled (the
  rules' and the tags' contents hold different words).

The thresholds (``IN_AT``, ``EDGE_IN``, ``MIN_ALONE``, ``MAX_GAP``, the 0.9 / 0.05 of
:meth:`Belief.prefers_own`) were chosen on PolNeAR dev.

The model reads one window at a time, on one thread: a window's output depends on that
window alone (int8 activations are scaled per run, so a batch would let windows sway each
other), and on this model one window at a time is the fastest on the CPU. The rest of the
flow (speakers, context, store) is the same in every mode.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
from spacy.tokens import Doc, Token

from ..model import Span
from . import budget, nlp
from .phrases import RELATIVE, Found, char_spans, negated, noun_phrase, tokens_in
from .quotes import Quote, QuoteIndex, find_quotes

ROLES = ("cue", "source", "content")
TAGGING = 3 * len(ROLES)  # the logits of the tagging heads (O, B, I per role); the edge
# heads' six (O, B, I for source and content) follow them
WINDOW = 254  # pieces per window, [CLS] and [SEP] aside, as in training (windows overlapping
# by a quarter gave the same dev scores, 15% slower)
MIN_ALONE = 0.8  # the cue confidence a statement the rules did not find needs
MAX_GAP = 6  # content pieces this many words apart or fewer are one piece
IN_AT = 0.6  # a piece is in a role when P(O) is below this
EDGE_IN = (0.5, 0.4)  # the same for a statement's own source and content (chosen on dev)
_WORD = re.compile(r"\w+")
MARKS = (1, 2)  # the ids of [unused0] and [unused1]: they open and close a cue's pieces


@lru_cache(maxsize=1)
def _model():
    """(onnxruntime session, tokenizer), loaded once."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    data = resources.files("onrecord") / "data"
    options = ort.SessionOptions()
    options.log_severity_level = 3
    # one thread: the tagging runs beside spaCy's parse, on the second core (two threads
    # fought the parse for the cores; in the accurate mode they gained 8% for 27% more time)
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(
        str(data / "tagger.onnx"), options, providers=["CPUExecutionProvider"]
    )
    tokenizer = Tokenizer.from_str((data / "tagger_tokenizer.json").read_text(encoding="utf-8"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return session, tokenizer


def windows(n: int) -> list[tuple[int, int]]:
    """(start, end) of the windows ``n`` pieces are cut into, in training and here alike."""
    return [(s, min(n, s + WINDOW)) for s in range(0, n, WINDOW)]


def cue_pieces(offsets: list[tuple[int, int]], spans: list[Span]) -> list[int]:
    """The indices of the pieces that overlap the cue's character spans."""
    return [
        i for i, (s, e) in enumerate(offsets) if e > s and any(s < b and e > a for a, b in spans)
    ]


def edge_window(ids, cue: list[int], cls: int, sep: int) -> tuple[list[int], list[int | None]]:
    """The input that asks for one statement's edges: up to ``WINDOW`` pieces around its cue,
    each run of the cue's pieces between the two ``MARKS``, in training and here alike.
    Returns the piece ids and, per position, the text's piece it holds (None for the rest)."""
    lo, hi = cue[0], cue[-1] + 1
    room = max(0, WINDOW - (hi - lo))
    after = min(len(ids) - hi, room - min(lo, room // 2))
    start, end = lo - min(lo, room - after), hi + after
    marked = set(cue)
    out, where = [cls], [None]
    for i in range(start, end):
        if i in marked and i - 1 not in marked:
            out.append(MARKS[0])
            where.append(None)
        out.append(int(ids[i]))
        where.append(i)
        if i in marked and i + 1 not in marked:
            out.append(MARKS[1])
            where.append(None)
    return out + [sep], where + [None]


def labels_of(p: np.ndarray, at=IN_AT) -> np.ndarray:
    """Labels (pieces x roles; 0 O, 1 B, 2 I) from probabilities: a piece is in a role when
    P(O) is below ``at`` (one for all roles, or one per role), then B or I, whichever is
    likelier."""
    return np.where(p[..., 0] < at, np.where(p[..., 1] > p[..., 2], 1, 2), 0)


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def piece_probs(text: str) -> tuple[list[tuple[int, int]], np.ndarray]:
    """The pieces' character offsets and label probabilities (pieces x roles x O/B/I)."""
    budget.check()  # (an article already past its budget is not even cut into pieces)
    session, tokenizer = _model()
    enc = tokenizer.encode(text, add_special_tokens=False)
    n = len(enc.ids)
    if not n:
        return [], np.zeros((0, 3, 3), dtype=np.float32)
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    ids = np.array(enc.ids, dtype=np.int64)
    logits = np.zeros((n, TAGGING), dtype=np.float32)
    for s, e in windows(n):
        budget.check()
        x = np.concatenate(([cls], ids[s:e], [sep]))[None, :]
        logits[s:e] = session.run(["logits"], {"input_ids": x})[0][0, 1 : e - s + 1, :TAGGING]
    return list(enc.offsets), _softmax(logits.reshape(n, 3, 3))


def edge_probs(
    text: str, cues: list[list[Span]]
) -> tuple[list[tuple[int, int]], Iterator[np.ndarray]]:
    """The pieces' character offsets and, per cue (its character spans), P(O, B, I) of
    source and content for every piece (pieces x 2 x 3), as the model reads that one
    statement with its cue marked: outside the cue's window a piece is O. The arrays come
    one at a time, as they are read."""
    session, tokenizer = _model()
    enc = tokenizer.encode(text, add_special_tokens=False)
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    offsets = list(enc.offsets)
    starts, ends = [s for s, _ in offsets], [e for _, e in offsets]

    def each():  # (one cue's array at a time: all of them at once would take cues x pieces)
        for spans in cues:
            budget.check()
            p = np.zeros((len(offsets), 2, 3), dtype=np.float32)
            p[:, :, 0] = 1.0
            cue = _pieces_in(starts, ends, spans)
            if cue:
                ids, where = edge_window(enc.ids, cue, cls, sep)
                z = session.run(["logits"], {"input_ids": np.array([ids], dtype=np.int64)})[0][0]
                probs = _softmax(z[:, TAGGING:].reshape(len(ids), 2, 3))
                keep = [j for j, i in enumerate(where) if i is not None]
                p[[where[j] for j in keep]] = probs[keep]
            yield p

    return offsets, each()


def _pieces_in(starts: list[int], ends: list[int], spans: list[Span]) -> list[int]:
    """:func:`cue_pieces`, by bisection: the pieces come in text order, so those a span
    overlaps are a run of them (looked for a little wider, then checked one by one)."""
    found: set[int] = set()
    for a, b in spans:
        lo = max(0, bisect_right(ends, a) - 1)
        for i in range(lo, bisect_left(starts, b) + 1):
            if i < len(starts) and ends[i] > starts[i] and starts[i] < b and ends[i] > a:
                found.add(i)
    return sorted(found)


def decode(
    text: str,
    offsets: list[tuple[int, int]],
    labels,
    roles: tuple[str, ...] = ROLES,
    first: int = 0,
) -> dict[str, list[Span]]:
    """Character spans per role from piece labels: a span opens at B, or at an I after O,
    and runs over the following I pieces; a word takes the label of its first piece.

    ``labels`` may cover only the pieces from ``first`` on, the others being O: then only
    those are read (and the rest of a word that runs past them)."""
    glued = [  # the rest of a word goes with its first piece
        i > 0 and s == offsets[i - 1][1] and text[s - 1 : s + 1].isalnum()
        for i, (s, _) in enumerate(offsets[first:], first)
    ]
    rows = labels.tolist() if isinstance(labels, np.ndarray) else labels  # (plain ints: faster)
    out: dict[str, list[Span]] = {}
    for r, role in enumerate(roles):
        spans: list[Span] = []
        run: list[int] | None = None
        for k, (s, e) in enumerate(offsets[first:]):
            if glued[k]:
                if run is not None:
                    run[1] = e
                continue
            if k >= len(rows):  # (past the labelled pieces: all O)
                break
            lab = rows[k][r]
            if run is not None and lab != 2:
                spans.append((run[0], run[1]))
                run = None
            if lab == 2 and run is not None:
                run[1] = e
            elif lab != 0:
                run = [s, e]
        if run is not None:
            spans.append((run[0], run[1]))
        out[role] = spans
    return out


def _gap_words(text: str, a: Span, b: Span) -> int:
    lo, hi = (a[1], b[0]) if a[1] <= b[0] else (b[1], a[0])
    return len(_WORD.findall(text, lo, hi)) if hi > lo else 0


class _Gaps:
    """:func:`_gap_words` for one text, by bisection over where its words start: counting
    the words between every content and every cue of a long sentence one by one would cost
    the cube of its length."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [m.start() for m in _WORD.finditer(text)]

    def __call__(self, a: Span, b: Span) -> int:
        lo, hi = (a[1], b[0]) if a[1] <= b[0] else (b[1], a[0])
        if hi <= lo:
            return 0
        # the words that start inside, and the one that ``lo`` cuts into, if any
        inner = bisect_left(self.starts, hi) - bisect_right(self.starts, lo)
        return inner + (_WORD.match(self.text, lo, hi) is not None)


def _inside(inner: Span, outer: Span) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def _close_gaps(text: str, pieces: list[Span], cue: Span) -> list[Span]:
    """Join content pieces a few words apart, unless their own cue stands between them
    ("A," she said, "B."): a word the model missed inside a clause is no real gap."""
    out = [pieces[0]]
    for s, e in pieces[1:]:
        last = out[-1]
        if not (last[1] <= cue[0] and cue[1] <= s) and _gap_words(text, last, (s, e)) <= MAX_GAP:
            out[-1] = (last[0], max(last[1], e))
        else:
            out.append((s, e))
    return out


def assemble(doc: Doc, spans: dict[str, list[Span]]) -> list[Found]:
    """Statements from role spans, tied by nearness within sentences (see the module doc)."""
    text = nlp.text_of(doc)
    starts = np.array([s.start_char for s in doc.sents])

    def sent(pos: int) -> int:
        return int(np.searchsorted(starts, pos, side="right")) - 1

    cues = spans["cue"]
    # each span's sentence, once; the cues and sources of some sentences are looked up by
    # bisection (a scan of all of them per span would cost the square of a long text)
    cue_sent = [sent(q[0]) for q in cues]
    near_cues = _Near(cues, cue_sent)
    gaps = _Gaps(text)
    source_sent = [sent(s[0]) for s in spans["source"]]
    near_sources = _Near(spans["source"], source_sent)
    taken: dict[int, list[Span]] = {}
    for c in spans["content"]:
        budget.check()
        first, last = sent(c[0]), sent(max(c[0], c[1] - 1))
        best = None
        for k in near_cues.within(first - 1, last, c):
            q = cues[k]
            if _inside(q, c) or _inside(c, q):
                continue
            # a cue in the content's own sentences before one in the sentence before it
            d = (cue_sent[k] < first, gaps(q, c), q[0] > c[0])
            if best is None or d < best[0]:
                best = (d, k)
        if best is not None:
            taken.setdefault(best[1], []).append(c)
    quotes = QuoteIndex(find_quotes(text), whole=True)
    found = []
    for k, pieces in sorted(taken.items()):
        budget.check()
        q = cues[k]
        content = _close_gaps(text, sorted(pieces), q)
        cue_tokens = tokens_in(doc, [q])
        if not cue_tokens:
            continue
        best_src = None
        for s in (spans["source"][j] for j in near_sources.within(cue_sent[k], cue_sent[k], q)):
            if _overlap([s], content):
                continue
            d = gaps(s, q)
            if best_src is None or d < best_src[0]:
                best_src = (d, s)
        phrase = tokens_in(doc, [best_src[1]]) if best_src else []
        mention = []
        if phrase:
            root = doc[phrase[0].i : phrase[-1].i + 1].root
            lead = doc[root.left_edge.i : phrase[0].i]  # "The former" the model left out
            if all(t.head.i >= t.i and not t.is_punct and t.dep_ != "cc" for t in lead):
                phrase = list(lead) + phrase
            mention = _mention(doc, phrase, root)
        found.append(
            Found(
                source=mention,
                cue=cue_tokens,
                content=sorted(content),
                quotes=quotes.overlapping(content),
                phrase=phrase,
            )
        )
    return found


REACH = 50  # spans weighed on each side of a content or cue in its sentences (see _Near)


class _Near:
    """Spans (a list of ``(start, end)``, with the sentence each starts in) looked up by
    sentence and position: the places of those in some sentences that lie nearest a
    position, at most :data:`REACH` on each side of it in text order.

    A news sentence holds a few cues and sources; a freak one (``"Yes" he said and …``
    thousands of times) holds thousands, and weighing them all against each other would
    cost the square of its length. Nearness decides the pairing anyway (the fewest words
    between), so only the nearest are weighed: the same as all of them wherever a
    sentence's spans are fewer than REACH on each side."""

    def __init__(self, spans: list[Span], sents: list[int]):
        self.order = sorted(range(len(spans)), key=lambda k: (sents[k], spans[k][0]))
        self.keys = [sents[k] for k in self.order]
        self.starts = [spans[k][0] for k in self.order]

    def within(self, first: int, last: int, span: Span) -> list[int]:
        """The places, in list order, of the spans in sentences ``first`` to ``last`` that
        are among the REACH nearest on each side of ``span``'s start and of its end."""
        lo, hi = bisect_left(self.keys, first), bisect_right(self.keys, last)
        places: set[int] = set()
        for pos in span:
            at = bisect_left(self.starts, pos, lo, hi)  # (in text order within the sentences)
            places.update(self.order[max(lo, at - REACH) : min(hi, at + REACH)])
        return sorted(places)


def _mention(doc: Doc, phrase: list[Token], root: Token | None = None) -> list[Token]:
    """Who a source phrase names: its head's (``root``'s) noun phrase, within the phrase."""
    ids = {t.i for t in phrase}
    root = root if root is not None else doc[phrase[0].i : phrase[-1].i + 1].root
    return [t for t in noun_phrase(root) if t.i in ids] or phrase


def _words(text: str, spans: list[Span]) -> set[int]:
    """Where the words the spans hold start (quote marks and commas at their edges aside)."""
    return {m.start() for s, e in spans for m in _WORD.finditer(text, s, e)}


def _overlap(a: list[Span], b: list[Span]) -> bool:
    return any(min(x[1], y[1]) > max(x[0], y[0]) for x in a for y in b)


@dataclass
class Belief:
    """The model's probabilities for one text, read back by character position."""

    text: str
    offsets: list[tuple[int, int]]
    p: np.ndarray  # pieces x roles x (O, B, I)

    def __post_init__(self):
        self.starts = np.array([s for s, _ in self.offsets], dtype=np.int64)
        self.ends = np.array([e for _, e in self.offsets], dtype=np.int64)

    def cue(self, f: Found) -> float:
        """How sure the model is of a cue: its likeliest piece's P(not O)."""
        s, e = nlp.char_extent(f.cue)
        inside = (self.starts < e) & (self.ends > s)
        return float((1 - self.p[inside, 0, 0]).max()) if inside.any() else 0.0

    def content(self, positions: list[int]) -> float:
        """Mean P(content) of the pieces that start the words at ``positions``."""
        i = np.searchsorted(self.starts, positions, side="right") - 1
        return float((1 - self.p[i[i >= 0], 2, 0]).mean()) if len(i) else 0.5

    def prefers_own(self, own: list[Span], rules: list[Span]) -> bool:
        """Whether the model's content edges beat the rules': it is sure of the words it
        adds to theirs (mean P >= 0.9), or sure the words it leaves out are none (<= 0.05)."""
        a, b = _words(self.text, own), _words(self.text, rules)
        if a == b:
            return False
        mean = self.content(sorted(a ^ b))
        return mean >= 0.9 if len(a) > len(b) else mean <= 0.05


def with_rules(
    doc: Doc, tagged: list[Found], ruled: list[Found], belief: Belief | None = None
) -> list[Found]:
    """Where the rules found the same statement (their cues share a word, or the model's cue
    has no verb and :func:`_same_statement` finds it), take the parts the rules draw more
    exactly on dev: the cue phrase (the cue CRF), the source and the content, unless
    ``belief`` shows the model sure of its own content edges; add what only the rules found.
    A statement the model found alone needs a sure cue (``MIN_ALONE``): below that, half of
    them were wrong on dev; and a cue that is not a negated verb ("has not announced"): a
    record of what was said leaves out what was not, as the rules do. The model decides most
    of which statements there are, the parse most of where their edges lie."""
    text = nlp.text_of(doc)
    by_cue = {t.i: r for r in ruled for t in r.cue}
    tagged_cues = {t.i for f in tagged for t in f.cue}
    kept = []
    for f in tagged:
        r = next((by_cue[t.i] for t in f.cue if t.i in by_cue), None)
        if r is None and not any(t.pos_ in ("VERB", "AUX") for t in f.cue):
            r = _same_statement(f, ruled, tagged_cues)  # "Sanders said on [Friday:] "…""
        f.rule = "tagger"
        if belief is not None:
            f.tagger_cue = belief.cue(f)
        if r is None:
            if _negated(doc, f):  # "has not announced …": nothing said (as in the rules)
                continue
            if belief is None or f.tagger_cue >= MIN_ALONE:
                kept.append(f)
            continue
        kept.append(f)
        f.rule, f.cue_score, f.agreed = r.rule, r.cue_score, True
        # the two readings hold the same words: the edge pass leaves the statement
        f.settled = _words(text, f.content) == _words(text, r.content)
        f.cue = r.cue
        if r.source:  # the parse follows "who said", "he and she said" to a name
            f.source, f.phrase = r.source, None
        f.unnamed = r.unnamed  # ("Moscow has been accused of …": nobody named speaks)
        if _overlap(r.content, f.content) and not (
            belief and belief.prefers_own(f.content, r.content)
        ):
            f.content, f.quotes = r.content, r.quotes
    # what the rules found and the model did not: no shared cue word, no shared content
    # unless the model's statement is nested in the rules' one (its cue in their content)
    tagged = kept
    used = {t.i for f in tagged for t in f.cue}

    contents = QuoteIndex([Quote(f.content) for f in tagged])  # (by position: see there)

    def clashes(r: Found) -> bool:
        """Whether a found statement has content of ``r``'s, other than one nested in it."""
        return any(
            not (f.cue and _overlap(r.content, [nlp.char_extent(f.cue)]))
            for f in (tagged[k] for k in contents.overlapping_ids(r.content))
        )

    alone = [r for r in ruled if not any(t.i in used for t in r.cue) and not clashes(r)]
    for r in alone:
        r.settled = bool(r.quotes)  # a quotation the model missed: its marks are its edges
        if belief is not None and r.cue:
            r.tagger_cue = belief.cue(r)
    return _not_anothers_quote(text, tagged + alone)


def _opens_paragraph(text: str, pos: int) -> bool:
    """Whether only spaces or tabs stand between ``pos`` and the start of its line."""
    i = pos - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] == "\n"


def _not_anothers_quote(text: str, found: list[Found]) -> list[Found]:
    """Take from a statement of several pieces a piece that opens a paragraph inside a
    quotation over paragraphs that another statement ends: a quotation reopened in the next
    paragraph and signed there ("I promise … / "We will also …," she said) is hers, not the
    earlier speaker's the model ran on to. (A piece that goes on in its cue's paragraph, ""A,"
    she said. "B …", is the earlier speaker's, however the quotation runs on.)"""

    def covers(f: Found, span: Span) -> bool:
        return any(s <= span[0] and span[1] <= e for s, e in f.content)

    running = {tuple(q.spans): q for f in found for q in f.quotes if len(q.spans) > 1}
    for q in running.values():
        budget.check()
        last = q.spans[-1]
        owner = next((g for g in found if covers(g, last)), None)
        if owner is None:
            continue
        for f in found:
            if f is owner or len(f.content) < 2 or covers(f, last):
                continue
            kept = [
                piece
                for piece in f.content
                if not (
                    _opens_paragraph(text, piece[0])
                    and any(s <= piece[0] and piece[1] <= e for s, e in q.spans[:-1])
                )
            ]
            if kept and len(kept) < len(f.content):
                f.content = kept
    return found


def _same_statement(f: Found, ruled: list[Found], taken: set[int]) -> Found | None:
    """The rules' statement that a tagged one with a cue of no verb ("Friday:") misreads:
    its content overlaps, its cue is in the same sentence and no tagged cue shares a word
    with it."""
    if not f.cue:
        return None
    start = f.cue[0].sent.start
    for r in ruled:
        if (
            r.cue
            and not any(t.i in taken for t in r.cue)
            and _overlap(r.content, f.content)
            and r.cue[0].sent.start == start
        ):
            return r
    return None


def _negated(doc: Doc, f: Found) -> bool:
    """Whether a statement's cue is a negated verb ("has not announced its results")."""
    verb = doc[f.cue[0].i : f.cue[-1].i + 1].root
    return negated(verb) or any(t.dep_ == "neg" for t in f.cue)


def find(
    doc: Doc,
    probs: tuple[list[tuple[int, int]], np.ndarray] | None = None,
    redraw: bool = True,
) -> list[Found]:
    """:func:`onrecord.find.attribution.find` with the model. ``probs`` is what :func:`piece_probs`
    gives for the doc's text, where it was computed beforehand; ``redraw`` (the accurate mode:
    :attr:`onrecord.model.Mode.redraw_edges`) redraws each statement's content and source
    with :func:`redraw_edges`."""
    from .attribution import find as find_by_rules

    text = nlp.text_of(doc)
    offsets, p = probs if probs is not None else piece_probs(text)
    tagged = assemble(doc, decode(text, offsets, labels_of(p)))
    found = with_rules(doc, tagged, find_by_rules(doc), Belief(text, offsets, p))
    if redraw:
        redraw_edges(doc, found)
        _not_anothers_quote(text, found)
    found.sort(key=lambda f: f.content[0][0] if f.content else 0)  # in text order
    return found


def redraw_edges(doc: Doc, found: list[Found]) -> None:
    """Draw each unsettled statement's content and source again with the model, its cue
    marked in the input: it reads one statement at a time, so nested and split statements
    keep apart, and on dev it draws both more exactly than the rules and the tags where
    those two disagree (where they agree, a second reading did worse). A statement
    keeps its own content where the model marks none for its cue, or where the model's
    would take in another statement's cue that its own does not hold ("Ukraine reported
    taking villages ... and Putin said ..."); its own source where the model marks none,
    and its own speaker where the model marks "who" (annotators' source, not a name)."""
    text = nlp.text_of(doc)
    stated = [(f, nlp.char_extent(f.cue)) for f in found if f.cue]
    cues = [cue for _, cue in stated]
    todo = [(f, cue) for f, cue in stated if not f.settled]
    quotes = QuoteIndex(find_quotes(text), whole=True)
    offsets, probs = edge_probs(text, [char_spans(f.cue) for f, _ in todo])
    for (f, cue), p in zip(todo, probs, strict=True):
        labels = labels_of(p, np.array(EDGE_IN))
        marked = np.flatnonzero(labels.any(axis=1))  # (the pieces in a role: the cue's window)
        lo, hi = (int(marked[0]), int(marked[-1]) + 1) if len(marked) else (0, 0)
        spans = decode(text, offsets, labels[lo:hi], ("source", "content"), first=lo)
        content = [sp for sp in spans["content"] if _WORD.search(text, *sp)]  # not a stray "."
        if content:
            content = _close_gaps(text, sorted(content), cue)
        if content and not any(_overlap([c], content) > _overlap([c], f.content) for c in cues):
            f.content = content
            f.quotes = quotes.overlapping(content)
        words = tokens_in(doc, spans["source"])
        if words and not f.unnamed:
            f.phrase = words
            if f.source and all(t.lower_ in RELATIVE for t in words):
                continue  # "who said": the mention stays the name the rules found
            f.source = _mention(doc, words)
