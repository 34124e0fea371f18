"""Quotations: where they are in the text, and the quote pass that gives each one its cue
and source.

:func:`find_quotes` reads the quotation marks only: top-level double quotations, a quotation
that runs over paragraphs (opening mark repeated, no closing mark) being one.

:func:`claim_quotes` is the first pass of :func:`onrecord.find.attribution.find`. A quotation is
claimed by a cue next to it: after it (``"...," Putin said``; ``"...," said Putin``;
``"…" ― Sonya Herridge``) or before it (``he said: "..."``). A quotation with no cue of its own
right after a claimed one (``"A," Putin said. "B."``, or the next paragraph) continues that
statement. A long quotation opening a paragraph after a paragraph about one person, with no
cue at all, is given to that person.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from spacy.tokens import Doc, Token

from ..model import Span
from . import budget, nlp
from . import spans as span_model
from .phrases import (
    CLOSE_MARKS,
    DASHES,
    OPEN_MARKS,
    SPEECH_VERBS,
    STRAIGHT,
    SUBJECTS,
    Found,
    Quote,
    inverted_subject,
    is_cue,
    noun_phrase,
    subject_of,
    tokens_in,
    trim,
    words_in,
)

_MARKS = re.compile("[" + re.escape(OPEN_MARKS + CLOSE_MARKS + STRAIGHT) + "]")


def find_quotes(text: str) -> list[Quote]:
    """Top-level double quotations in ``text``, joined over paragraphs where they run on."""
    quotes: list[Quote] = []
    pending: Quote | None = None  # a quote left open at the end of the last paragraph
    for para in re.finditer(r"[^\n]+", text):
        # ``...'' and ''...'' quote pairs (some wire styles) read as one straight mark each
        p_start, line = para.start(), para.group().replace("''", ' "').replace("``", ' "')
        stripped = line.lstrip()
        lead = p_start + len(line) - len(stripped)
        if pending and stripped[:1] not in OPEN_MARKS + STRAIGHT:
            quotes.append(pending)
            pending = None
        depth, open_at = 0, None
        for mark in _MARKS.finditer(line):  # (no other character changes anything)
            i, ch = mark.start(), mark.group()
            pos = p_start + i
            prev = line[i - 1] if i else " "
            # (a closing mark that opens a paragraph before a word opens a quote: ”Mr. …”)
            typo = ch in CLOSE_MARKS and pos == lead and line[i + 1 : i + 2].isalnum()
            if ch in OPEN_MARKS or (depth == 0 and (ch == STRAIGHT and not prev.isalnum() or typo)):
                if depth == 0:
                    open_at = pos
                depth += 1
            elif ch in CLOSE_MARKS or ch == STRAIGHT:
                if depth == 0:
                    continue
                depth -= 1
                if depth == 0 and open_at is not None:
                    span = (open_at, pos + 1)
                    if pending and open_at == lead:
                        pending.spans.append(span)
                        quotes.append(pending)
                        pending = None
                    else:
                        if pending:
                            quotes.append(pending)
                            pending = None
                        quotes.append(Quote([span]))
                    open_at = None
        if depth > 0 and open_at is not None:
            span = (open_at, p_start + len(line.rstrip()))
            if pending and open_at == lead:
                pending.spans.append(span)
            else:
                if pending:
                    quotes.append(pending)
                pending = Quote([span])
    if pending:
        quotes.append(pending)
    return quotes


def quote_at(pos: int, quotes: list[Quote]) -> Quote | None:
    """The quotation that holds the character at ``pos``, if any."""
    for q in quotes:
        for s, e in q.spans:
            if s <= pos < e:
                return q
    return None


class QuoteIndex:
    """Quotations (or any groups of character spans) looked up by position in about
    logarithmic time, where a scan of all of them per word or per statement would make a
    text with thousands of quotation marks cost their square.

    ``whole`` reads each quotation as its extent, from its start to its end (the breaks
    between its paragraphs too); else as its spans. Lookups give what a scan of the list
    would, in the list's order, overlapping spans included (a running maximum of the span
    ends bounds the walk back)."""

    def __init__(self, quotes: list[Quote], whole: bool = False):
        self.quotes = quotes
        spans = sorted(
            (s, e, k)
            for k, q in enumerate(quotes)
            for s, e in ([(q.start, q.end)] if whole else q.spans)
        )
        self.spans = spans
        self.starts = [s for s, _, _ in spans]
        self.reach = []  # the furthest end of any span up to this one
        furthest = -1
        for _, e, _ in spans:
            furthest = max(furthest, e)
            self.reach.append(furthest)
        self.first = sorted((q.spans[0][0], k) for k, q in enumerate(quotes) if q.spans)
        self.first_starts = [s for s, _ in self.first]

    def _touching(self, lo: int, hi: int) -> set[int]:
        """Indices (into the list) of the quotes with a span that overlaps ``[lo, hi)``."""
        out = set()
        for j in range(bisect_left(self.starts, hi) - 1, -1, -1):
            if self.reach[j] <= lo:
                break
            if self.spans[j][1] > lo:
                out.add(self.spans[j][2])
        return out

    def at(self, pos: int) -> Quote | None:
        """The first quotation that holds the character at ``pos`` (as :func:`quote_at`)."""
        found = self._touching(pos, pos + 1)
        return self.quotes[min(found)] if found else None

    def overlapping(self, spans: list[Span]) -> list[Quote]:
        """The quotations that overlap any of ``spans``, in list order."""
        return [self.quotes[k] for k in self.overlapping_ids(spans)]

    def overlapping_ids(self, spans: list[Span]) -> list[int]:
        """The places in the list of the quotations that overlap any of ``spans``."""
        return sorted(set().union(*(self._touching(s, e) for s, e in spans if e > s)))

    def starting_in(self, spans: list[Span]) -> list[Quote]:
        """The quotations that start inside any of ``spans``, in list order."""
        ids = set()
        for s, e in spans:
            lo, hi = bisect_left(self.first_starts, s), bisect_left(self.first_starts, e)
            ids.update(k for _, k in self.first[lo:hi])
        return [self.quotes[k] for k in sorted(ids)]


# a sentence end, but not the point of "Ms." / "Sen." / "U.S." / "D-Mo."
_SENTENCE_END = re.compile(
    r"(?<![A-Z])(?<!\b[A-Z][a-z])(?<!\b[A-Z][a-z]{2})(?<!\b[A-Z][a-z]{3})[.!?](?=\s|$)"
)


def _window_after(text: str, q: Quote, next_start: int) -> tuple[int, int]:
    end = q.end
    limit = min(next_start, len(text))
    nl = text.find("\n", end, limit)  # (no further: a search to the text's end per quote
    if nl != -1:  # would cost the square of a long line)
        limit = min(limit, nl)
    m = _SENTENCE_END.search(text[end:limit])
    return end, end + m.end() if m else limit


def _window_before(text: str, q: Quote, prev_end: int) -> tuple[int, int]:
    start = q.start
    floor = max(prev_end, text.rfind("\n", prev_end, start) + 1)  # (no further back)
    chunk = text[floor:start]
    ends = [m.end() for m in re.finditer(r"[.!?](?=\s)", chunk)]
    return (floor + ends[-1] if ends else floor), start


def _quote_cue_after(
    doc: Doc, window: tuple[int, int], comma: bool = False
) -> tuple[Token, list[Token]] | None:
    """``"...," Putin said`` / ``," said the Russian leader``: a cue close after the quote,
    with its subject. The subject must lie after the quote: where the parse also makes a word
    of the quotation a subject (``Full panic mode," said Leslie Wimes``), that one is not.
    After a quotation that ends with a comma (``comma``), any verb that takes nothing but its
    subject and adverbs is the cue too (``"…," Carson continued.``, ``," the judge
    exclaimed``), and a speech verb whose subject the parse lost takes the name before it
    (:func:`_signed_by_name`)."""
    toks = words_in(doc, *window)
    found = _cue_after(toks, comma)
    return found if found or not comma else _signed_by_name(toks)


def _cue_after(toks: list[Token], comma: bool) -> tuple[Token, list[Token]] | None:
    """The cue among the first words after a quotation, when its subject is there too."""
    inside = {t.i for t in toks}
    for n, tok in enumerate(toks[:9]):
        bare = (
            comma and tok.pos_ == "VERB" and all(c.dep_ in BARE_CUE_CHILDREN for c in tok.children)
        )
        if (is_cue(tok) or bare) and tok.lemma_.lower() not in (
            "believe",
            "know",
            "think",
            "see",
            "find",
        ):
            subjects = [noun_phrase(c) for c in tok.children if c.dep_ in SUBJECTS]
            subjects.append(inverted_subject(tok))
            subject = next((s for s in subjects if s and all(t.i in inside for t in s)), None)
            return (tok, subject) if subject else None
        if tok.pos_ in ("VERB",) or (tok.pos_ == "AUX" and tok.dep_ != "aux") or tok.text in (";",):
            return None
        if (
            n == 0
            and tok.text not in ",—–-"
            and tok.pos_ not in ("PROPN", "PRON", "DET", "NOUN", "ADJ", "ADV")
        ):
            return None
    return None


COMPLEMENTS = frozenset({"ccomp", "xcomp", "dobj", "dative"})


def _signed_by_name(toks: list[Token]) -> tuple[Token, list[Token]] | None:
    """``"…," Tulsa police Chief Chuck Jordan said Monday``, where the parse left the speech
    verb without a subject (or took "Tulsa" for a verb): the name between the quotation and
    the verb speaks."""
    for k, tok in enumerate(toks[:12]):
        if tok.pos_ == "VERB" and tok.lemma_.lower() in SPEECH_VERBS:
            name = trim(toks[:k])
            if (
                name
                and name[0].pos_ not in ("CCONJ", "SCONJ", "ADV", "ADP")
                and all(t.ent_type_ or t.pos_ != "VERB" for t in name)
                and any(t.ent_type_ in ("PERSON", "ORG", "NORP") or t.pos_ == "PRON" for t in name)
                and not any(c.dep_ in COMPLEMENTS and c.i > tok.i for c in tok.children)
            ):
                return tok, name
            return None
    return None


# what a verb signing a quotation may take besides its subject ("," he continued Friday.)
BARE_CUE_CHILDREN = frozenset(
    {"nsubj", "punct", "advmod", "npadvmod", "prt", "ccomp", "parataxis", "dep", "aux", "neg"}
)


def _signs_alone(verb: Token) -> bool:
    """A cue after a quotation that ends its sentence is that quotation's only when it makes a
    sentence of its own with its subject (``…missing.” Trump said.``), not when it reports
    something else (``… address." He said that …``)."""
    return all(c.dep_ in BARE_CUE_CHILDREN - {"ccomp", "parataxis"} for c in verb.children)


def _is_dash(tok: Token) -> bool:
    """A dash, or a closing quote mark the tokenizer glued to one ("”―")."""
    return tok.text.lstrip(CLOSE_MARKS + STRAIGHT) in DASHES


def _dash_signature(doc: Doc, window: tuple[int, int]) -> tuple[Token | None, list[Token] | None]:
    """``"…" ― Sonya Herridge``: a dash and a name after the quote sign it."""
    toks = words_in(doc, *window)
    if len(toks) >= 2 and _is_dash(toks[0]) and toks[1].ent_type_ in ("PERSON", "ORG"):
        name = [t for t in toks[1:] if t.ent_type_ == toks[1].ent_type_ and t.ent_iob_ != "O"]
        name = [t for k, t in enumerate(name) if t.i == toks[1].i + k]
        return toks[0], name
    return None, None


def _quote_cue_before(doc: Doc, window: tuple[int, int], text: str) -> Token | None:
    """``Putin said: "..."``, ``he told reporters, "..."``: a cue just before the quote."""
    before = text[window[0] : window[1]].rstrip()
    toks = words_in(doc, *window)
    if not toks:
        return None
    if not (before.endswith((":", ",")) or is_cue(toks[-1])):
        return None
    for tok in reversed(toks[-8:]):
        if is_cue(tok):
            if not before.endswith((":", ",")) and _reported_within(tok, window[0]):
                return None  # the verb pass takes the outer verb, quote and all
            return tok
        if tok.pos_ == "VERB" and tok.dep_ not in ("amod",):
            return None
    return None


def _without(cue: list[Token], source: list[Token], verb: Token) -> list[Token]:
    """A drawn cue never takes in its source's words (``Said Ellis: "…"`` is cued by "Said"):
    what is left is the run of words around the cue verb."""
    taken = {t.i for t in source}
    if not any(t.i in taken for t in cue):
        return cue
    ids = {t.i for t in cue if t.i not in taken} | {verb.i}
    lo = hi = verb.i
    while lo - 1 in ids:
        lo -= 1
    while hi + 1 in ids:
        hi += 1
    return list(verb.doc[lo : hi + 1])


def _name_after(verb: Token, end: int) -> list[Token] | None:
    """``Said Ellis: "…"``: the name between a sentence-opening cue and its quotation, which
    the parse takes for the sentence's head (with the cue its compound)."""
    if verb.i != verb.sent.start:
        return None
    words = []
    for t in verb.doc[verb.i + 1 : verb.sent.end]:
        if t.idx >= end:
            break
        words.append(t)
    words = trim(words)
    return words if words and all(t.pos_ == "PROPN" for t in words) else None


def _reported_within(verb: Token, floor: int) -> bool:
    """Whether ``verb`` is itself part of what an earlier cue in the same sentence (after
    ``floor``) reports: in "Trump said Fox executives were calling “every 15 minutes.”",
    "calling" is inside what Trump said, and the quotation belongs to that mixed statement."""
    tok = verb
    while tok.head.i != tok.i and tok.dep_ in ("ccomp", "xcomp", "conj"):
        head = tok.head
        if head.idx < floor:
            return False
        if tok.dep_ == "ccomp" and is_cue(head):
            return True
        tok = head
    return False


def _sources_near(doc: Doc, start: int) -> list[Token] | None:
    """The subject of the last sentence before ``start`` when it is a person."""
    k = bisect_left(nlp.token_starts(doc), start) - 1  # the last token before it
    while k >= 0 and doc[k].is_space:
        k -= 1
    if k < 0:
        return None
    sent = doc[k].sent
    root = sent.root
    for child in root.children:
        if child.dep_ in SUBJECTS and (
            child.ent_type_ == "PERSON" or child.lower_ in ("he", "she")
        ):
            return noun_phrase(child)
    return None


def _a_sentence(text: str, q: Quote) -> bool:
    """A one-word quotation that is a sentence of its own (``"Technicals," Bob said.``,
    ``Priebus said, "Probably."``): it opens a paragraph or follows a sentence end, a colon or
    a comma, and ends with punctuation inside its marks. A word quoted inside a sentence
    ("called Trump a “blowhard,”") is not."""
    inner = text[q.start : q.end].strip(OPEN_MARKS + CLOSE_MARKS + STRAIGHT + "'’‘ ")
    before = _last_char(text, 0, q.start, " \t")
    return inner.endswith((",", ".", "!", "?")) and (before is None or before in "\n.!?:,")


def _last_char(text: str, lo: int, hi: int, blank: str | None = None) -> str | None:
    """The last character of ``text[lo:hi]`` that is not in ``blank`` (None: whitespace),
    or None: what ``text[lo:hi].rstrip(blank)[-1:]`` gives, without copying what lies
    before it (quotes far apart would make that cost the square of the text)."""
    i = hi
    while i > lo and (text[i - 1].isspace() if blank is None else text[i - 1] in blank):
        i -= 1
    return text[i - 1] if i > lo else None


def _split_after(text: str, q: Quote, rest: list[Quote], cue: Token | None) -> bool:
    """``"That," he added, "promises …"``: a cue after ``q`` and the quotation goes on."""
    if cue is None or not rest:
        return False
    between = text[q.end : rest[0].start]
    return (
        q.end <= cue.idx < rest[0].start
        and len(between) < 80
        and "\n" not in between
        and between.rstrip().endswith(",")
    )


_LINK = re.compile(r",\s*((?:(?:but|and|or|yet|still|then|so|also|even|now|though)\s+){1,2})$")


def _with_link(text: str, prev_end: int, spans: list[Span]) -> list[Span]:
    """A quotation going on after its cue clause takes the words that link it to the first
    part (``"I love Larry," he said, but "when it comes to …"``: "but" is content too)."""
    link = _LINK.search(text[prev_end : spans[0][0]])
    if link is None:
        return spans
    return [(prev_end + link.start(1), spans[0][1])] + spans[1:]


def _continues(between: str) -> bool:
    """True when the text between two quotes is only the first quote's cue clause."""
    if "\n\n\n" in between:
        return False
    paragraphs = [p for p in between.split("\n") if p.strip()]
    if len(paragraphs) > 1:
        return False
    if "\n" in between and between.rsplit("\n", 1)[1].strip():
        # words opening the new quote's paragraph lead into it ("Sanders told co-host Joe
        # Scarborough that he "honestly …""): a statement of its own
        return False
    sentences = _SENTENCE_END.findall(between)  # (not the point of "Charles B. Rangel")
    return len(between) < 200 and len(sentences) <= 1


def claim_quotes(
    doc: Doc, text: str, quotes: list[Quote], draw: bool
) -> tuple[list[Found], set[int]]:
    """The quote pass: each quotation claimed by a cue next to it, a split quotation's parts and
    a quotation running on after its cue joined into one statement, a long paragraph-opening
    quotation with no cue given to the person the paragraph before is about. ``draw`` lets the
    cue span model draw each cue's edges. Returns the statements and the indices of the cue
    verbs they used (the reported-speech pass skips those)."""
    found: list[Found] = []
    used_cues: set[int] = set()
    last: Found | None = None
    for k, q in enumerate(quotes):
        budget.check()
        words = len(text[q.start : q.end].split())
        prev_end = quotes[k - 1].end if k else 0
        next_start = quotes[k + 1].start if k + 1 < len(quotes) else len(text)
        before = _window_before(text, q, prev_end)
        spans = list(q.spans)
        closed = text[q.start : q.end].rstrip(CLOSE_MARKS + STRAIGHT + "’' ").endswith(".")
        # ("… another address." He said that …: a quotation that ends its sentence takes no
        # cue from the next one)
        comma = text[q.start : q.end].rstrip(CLOSE_MARKS + STRAIGHT + "’' ").endswith(",")
        after = _quote_cue_after(doc, _window_after(text, q, next_start), comma)
        cue_before = _quote_cue_before(doc, before, text) if closed or not after else None
        if closed and after and (not _signs_alone(after[0]) or cue_before is not None):
            after = None
        cue, source = after or (None, None)
        if cue is not None:
            # "The counteroffensive is “making advances,” X said": the lead-in is content too
            lead = trim(words_in(doc, *before))
            lead_text = text[before[0] : before[1]].rstrip()
            if (
                lead
                and not lead_text.endswith(":")
                and not is_cue(lead[-1])
                and not (lead_text.endswith(",") and any(is_cue(t) for t in lead))
            ):
                spans[0] = (lead[0].idx, spans[0][1])
        else:
            cue = cue_before
            source = (
                (subject_of(cue) or inverted_subject(cue) or _name_after(cue, q.start))
                if cue is not None
                else None
            )
        if cue is None or (not source and _is_dash(cue)):  # (the parse calls "―" a verb)
            cue, source = _dash_signature(doc, _window_after(text, q, next_start))
        if source and last is not None and cue is not None and any(t.i == cue.i for t in last.cue):
            # "A," he said, "B.": the second part continues the first statement
            last.content.extend(_with_link(text, last.quotes[-1].end, spans))
            last.quotes.append(q)
            continue
        if source and (
            words >= 2 or _split_after(text, q, quotes[k + 1 :], cue) or _a_sentence(text, q)
        ):
            drawn = None
            if draw and cue is not None:
                drawn = span_model.cue(cue, source, {t.i for t in tokens_in(doc, spans)})
                drawn = _without(drawn, source, cue) if drawn else None
            stmt = Found(source, drawn or [cue], spans, [q])
            found.append(stmt)
            used_cues.add(cue.i)
            last = stmt
            continue
        gap = last.quotes[-1].end if last and last.quotes else None  # where ``between`` starts
        # a short quote continues the last one only as a sentence of its own ("I would.")
        opens = gap is not None and _last_char(text, gap, q.start) in (".", "!", "?")
        if words < 4 and not (opens and words >= 2):
            continue
        if gap is not None and q.start - gap < 200 and _continues(text[gap : q.start]):
            last.content.extend(_with_link(text, last.quotes[-1].end, list(q.spans)))
            last.quotes.append(q)
            continue
        starts_para = q.start == 0 or _last_char(text, 0, q.start, " ") == "\n"
        if starts_para and words >= 8:
            source = _sources_near(doc, q.start)
            if source:
                stmt = Found(source, [], list(q.spans), [q])
                found.append(stmt)
                last = stmt
    return found, used_cues
