"""The context of a statement: when, where and to whom it was said, what it is about, its
numbers, and what kind of speech act it is (:func:`onrecord.find.acts.speech_act`).

**When** (``said_on``): a date expression in the cue's clause, outside the content ("said on
Wednesday (18/10/2023)", "told reporters last week"), resolved against the publication date
(dateparser, plus the newsroom rule that "on Thursday" in a Thursday paper is that day), with
its precision (day, week, month, year) and its text. A statement with none takes the date of
the same speaker's statement just before it, if that one had a date from the text and is at
most three sentences back ("context"), else the publication date ("published").

**Where and to whom**: prepositional phrases of the cue's clause: "at"/"during" anything,
"in"/"on" a place or an event word (forum, interview, visit, sidelines) give the venue; the
object of "told"/"assured"/..., "said to X", and "with X" inside a meeting, interview or
conference give the audience. A sentence right after the statement that describes the
remarks ("The comment — which Putin made at a press conference with foreign news outlets —")
gives them when the statement's own clause does not.

**About what**: the named entities inside the content (people, organisations, places,
products such as ATACMS, laws, events) are its targets; its cardinal numbers, amounts of
money, quantities and percentages are its numbers, with value, unit and the noun counted.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from ..model import Mention, Number, Said, Statement
from . import budget, nlp
from .acts import speech_act
from .category import category, shape
from .words import word_set, word_table

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# --- when, where, to whom, about what ------------------------------------------------------

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
# The word lists (venue and remark nouns, verbs of telling, numbers written as words, ...) are
# in data/words.toml, [context], with what each is for.
VENUE_NOUNS = word_set("context", "venue_nouns")
AUDIENCE_HOSTS = word_set("context", "audience_hosts")
TIME_WORDS = word_set("context", "time_words")
TELLING = word_set("context", "telling")
REMARK_NOUNS = word_set("context", "remark_nouns")
NUMBER_WORDS: dict[str, int] = word_table("context", "number_words")
TARGET_LABELS = frozenset("PERSON ORG GPE NORP PRODUCT EVENT LAW FAC LOC WORK_OF_ART".split())
NUMBER_LABELS = frozenset("CARDINAL MONEY QUANTITY PERCENT".split())


def _overlaps(start: int, end: int, spans) -> bool:
    return any(start < e and s < end for s, e in spans)


def _published_day(published: str | None) -> date | None:
    """The publication date as a date; None where there is none or it is not an ISO date.

    Ingest stores every ``published`` as ``YYYY-MM-DD`` (:func:`onrecord.read.dates.iso_date`);
    this guards the other ways in (a value given to the Python API, an older database): a
    timestamp counts as its day, anything else as no date, never as an error.
    """
    if not isinstance(published, str):
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


@lru_cache(maxsize=64)
def _date_parser(published: str | None):
    """A dateparser parser for English, reading relative dates from ``published``."""
    import dateparser

    settings = {"PREFER_DATES_FROM": "past", "DATE_ORDER": "DMY", "RETURN_TIME_AS_PERIOD": True}
    base = _published_day(published)
    if base:
        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day)
    return dateparser.date.DateDataParser(languages=["en"], settings=settings)


@lru_cache(maxsize=4096)
def resolve_date(expression: str, published: str | None) -> tuple[str, str] | None:
    """(ISO date of the period's first day, precision) for a date expression, or None.

    Relative expressions count from ``published``; a bare weekday is the latest such day on
    or before it ("on Thursday" in a Thursday paper is that day). Without a publication date
    only an expression that names its year resolves: "on Monday" or "Sept. 5" would
    otherwise be read from today's date. Precision is day, week, month or year; a week
    starts on Monday.
    """
    base = _published_day(published)
    words = re.findall(r"[a-z]+", expression.lower())
    day = next((w for w in words if w in WEEKDAYS), None)
    explicit = NUMERIC_DATE.search(expression)
    if explicit:
        d, m, y = (int(g) for g in explicit.groups())
        if m > 12 >= d:
            d, m = m, d  # 10/18/2023
        try:
            return date(y, m, d).isoformat(), "day"
        except ValueError:
            return None
    if day and base and not re.search(r"\d", expression) and "last" not in words:
        back = (base.weekday() - WEEKDAYS.index(day)) % 7
        return (base - timedelta(days=back)).isoformat(), "day"
    if base is None and not re.search(r"\b\d{4}\b", expression):
        return None
    found = _date_parser(base.isoformat() if base else None).get_date_data(expression)
    if found is None or found.date_obj is None:
        return None
    when, period = found.date_obj.date(), found.period or "day"
    if period == "week":
        when -= timedelta(days=when.weekday())
    elif period == "month":
        when = when.replace(day=1)
    elif period == "year":
        when = when.replace(month=1, day=1)
    else:
        period = "day"
    if base and when > base:
        return None  # a statement reported before it was made: a misreading
    if base and period in ("month", "year") and (base - when).days > 400:
        return None  # "a revolution in 2014": the time of what is talked about, not of the talk
    return when.isoformat(), period


class _Sentences:
    """A doc's text and sentences, found once (``Doc.text`` joins every token and
    ``Token.sent`` walks the whole doc, on each access)."""

    def __init__(self, doc: Doc) -> None:
        self.text = nlp.text_of(doc)
        self.spans = list(doc.sents)
        self.starts = [s.start for s in self.spans]

    def index(self, token_i: int) -> int:
        return bisect_right(self.starts, token_i) - 1

    def of(self, token_i: int):
        return self.spans[self.index(token_i)]


FRAME_REACH = 200  # tokens on each side of the cue that its frame may hold


class _Ranges:
    """Token indices held as sorted, merged ranges (membership by bisection): the contents
    of every statement, which a freak text nests thousands deep."""

    def __init__(self, ranges: list[tuple[int, int]]):
        merged: list[list[int]] = []
        for start, end in sorted(r for r in ranges if r[1] > r[0]):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]

    def __contains__(self, i: int) -> bool:
        k = bisect_right(self.starts, i) - 1
        return k >= 0 and i < self.ends[k]


def _frame(doc: Doc, stmt: Statement, contents: _Ranges, sents: _Sentences) -> list[Token]:
    """The words around a statement in its cue's sentence, outside every statement's content
    (``contents``: token indices): what is said is not when or where it was said. At most
    FRAME_REACH tokens on each side of the cue (a news sentence is far shorter; a freak
    one of thousands of tokens would make the frames cost the square of its length)."""
    anchor = stmt.cue.span[0] if stmt.cue else (stmt.speaker.span or stmt.content_spans[0])[0]
    token = _token_at(doc, anchor)
    if token is None:
        return []
    sent = sents.of(token)
    lo, hi = max(sent.start, token - FRAME_REACH), min(sent.end, token + FRAME_REACH + 1)
    return [t for t in doc[lo:hi] if t.i not in contents]


def _ents_within(ents, ends: list[int], lo: int, hi: int):
    """The entities (in order, not overlapping; ``ends``: their end characters) that overlap
    the characters ``lo:hi``, found by bisection."""
    k = bisect_right(ends, lo)
    out = []
    while k < len(ents) and ents[k].start_char < hi:
        out.append(ents[k])
        k += 1
    return out


TOPIC_PREPS = word_set("context", "topic_preps")


def _tied(token: Token, cues: set[int], own: int | None) -> bool:
    """Does ``token`` belong to this statement's clause? Its path up the parse must not pass
    another statement's cue ("repeated that ..., blaming a revolution in 2014") or a topic
    ("asked about the killing ... in Ukraine last year")."""
    while token.head.i != token.i:
        token = token.head
        if token.i == own:
            return True
        if token.i in cues or token.lower_ in TOPIC_PREPS:
            return False
    return True


def _when(
    doc: Doc, frame: list[Token], published: str | None, tied, ents, text: str
) -> Said | None:
    if not frame:
        return None
    lo, hi = nlp.char_extent(frame)
    candidates = []
    for m in NUMERIC_DATE.finditer(text, lo, hi):
        candidates.append((m.start(), m.end()))
    ids = {t.i for t in frame}
    for ent in ents:
        if ent.end_char <= lo or ent.start_char >= hi or ent.label_ != "DATE":
            continue
        head = ent.root.head
        if head.dep_ == "prep" and head.lower_ in _NOT_WHEN:
            continue  # "won't get a vote until 2017": a deadline, not when it was said
        if all(t.i in ids for t in ent) and tied(ent.root):
            kept = [t for t in ent if not (t.is_punct or t.lower_ in ("the", "a"))]
            while kept and kept[-1].i < ent.end - 1 and not kept[-1].is_alpha | kept[-1].like_num:
                kept.pop()
            if kept:
                candidates.append(nlp.char_extent(kept))
    best = None
    for start, end in sorted(candidates):
        resolved = resolve_date(text[start:end], published)
        if resolved and (best is None or _PRECISE[resolved[1]] < _PRECISE[best[0][1]]):
            best = (resolved, (start, end))
    if best is None:
        return None
    (when, precision), (start, end) = best
    # the words that said it: "on Wednesday (18/10/2023)"
    near = [(s, e) for s, e in candidates if abs(s - start) < 20 or abs(e - end) < 20]
    start, end = min(s for s, _ in near), max(e for _, e in near)
    before = doc.char_span(start, end, alignment_mode="expand")
    if before is not None and before[0].i > 0 and doc[before[0].i - 1].dep_ == "prep":
        start = doc[before[0].i - 1].idx
    end += len(text[end:]) - len(text[end:].lstrip(")"))  # a closing bracket
    return Said(when, precision, "text", text[start:end], (start, end))


_PRECISE = {"day": 0, "week": 1, "month": 2, "year": 3}
# prepositions whose date is a deadline or a span, never the day of the words
_NOT_WHEN = frozenset({"until", "till", "by", "before", "after", "through", "since", "from"})


def _phrase(tokens: list[Token], frame_ids: set[int], stop: set[int]) -> tuple[int, int] | None:
    kept = []
    for t in tokens:
        if t.i not in frame_ids or t.i in stop:
            break
        kept.append(t)
    while kept and (kept[-1].is_punct or kept[-1].dep_ in ("cc", "prep")):
        kept.pop()
    return nlp.char_extent(kept) if len(kept) > 1 else None


def _where_and_whom(
    doc: Doc, cue_start: int | None, frame: list[Token], date_ids: set[int], tied=None
):
    """Venue and audience phrases among ``frame``, the words around a cue (at ``cue_start``);
    ``date_ids`` are the tokens of date expressions, which end a phrase."""
    ids = {t.i for t in frame}
    dates = date_ids | {t.i for t in frame if NUMERIC_DATE.fullmatch(t.text) or t.text in "()"}
    venue = audience = None
    for t in frame:
        if venue is None and t.dep_ == "prep" and t.lower_ in ("at", "during", "in", "on"):
            obj = next((c for c in t.children if c.dep_ == "pobj"), None)
            if obj is None or obj.i in dates or (tied and not tied(t)):
                continue
            place = obj.ent_type_ in ("GPE", "FAC", "LOC") or obj.lemma_.lower() in VENUE_NOUNS
            if (t.lower_ == "on" and obj.lower_ != "sidelines") or obj.lower_ in TIME_WORDS:
                continue
            if t.lower_ in ("at", "during") or place:
                venue = _phrase(list(t.subtree), ids, dates)
                after = doc[t.right_edge.i + 1] if t.right_edge.i + 1 < len(doc) else None
                if venue and after is not None and after.lower_ == "in" and after.i in ids:
                    more = _phrase(list(after.subtree), ids, dates)  # "... Forum in Vladivostok"
                    if more and any(w.ent_type_ == "GPE" for w in after.subtree):
                        venue = (venue[0], more[1])
                host = next(
                    (
                        w
                        for w in t.subtree
                        if w.dep_ == "pobj"
                        and w.head.lower_ == "with"
                        and w.head.head.lemma_.lower() in AUDIENCE_HOSTS
                    ),
                    None,
                )
                if host is not None and audience is None:
                    audience = _phrase(list(host.subtree), ids, dates)
        if audience is None and cue_start is not None and t.dep_ in ("dobj", "dative"):
            if t.head.lemma_.lower() in TELLING and t.head.idx == cue_start:
                audience = _phrase(
                    [w for w in t.subtree if not w.dep_ == "prep" and w.head.dep_ != "prep"],
                    ids,
                    set(),
                )
                if audience is None and t.pos_ in ("NOUN", "PROPN", "PRON"):
                    audience = nlp.char_extent([t])
        if audience is None and t.dep_ == "prep" and t.lower_ == "to" and cue_start is not None:
            if t.head.idx == cue_start and t.head.lemma_.lower() in ("say", "speak"):
                obj = next((c for c in t.children if c.dep_ == "pobj"), None)
                if obj is not None:
                    audience = _phrase(list(obj.subtree), ids, dates)
    return venue, audience


def _about_remarks(doc: Doc, sents: _Sentences) -> list[int]:
    """Sentences that describe earlier remarks ("The comment - which Putin made at a press
    conference with foreign news outlets - ..."): a remark noun and a verb of making."""
    nouns, verbs = set(), set()
    for t in doc:
        if t.lower_ in REMARK_NOUNS:
            nouns.add(sents.index(t.i))
        elif t.lemma_ in ("make", "deliver", "give", "come"):
            verbs.add(sents.index(t.i))
    return sorted(nouns & verbs)


def annotate(doc: Doc, statements: list[Statement], published: str | None) -> None:
    """Fill each statement's said_on, venue, audience, targets and numbers, in place."""
    day = _published_day(published)
    published = day.isoformat() if day else None
    ordered = sorted(statements, key=lambda s: s.content_spans[0][0])
    if not ordered:
        return
    ranges = []
    for stmt in statements:
        for start, end in stmt.content_spans:
            span = doc.char_span(start, end, alignment_mode="contract")
            if span is not None:
                ranges.append((span.start, span.end))
    contents = _Ranges(ranges)
    ents = list(doc.ents)  # (each access to doc.ents builds them anew)
    ends = [e.end_char for e in ents]
    sents = _Sentences(doc)
    text = sents.text
    date_ids = {t.i for ent in ents if ent.label_ in ("DATE", "TIME") for t in ent}
    cue_tokens = {_token_at(doc, s.cue.span[0]) for s in statements if s.cue} - {None}
    for stmt in ordered:
        budget.check()
        frame = _frame(doc, stmt, contents, sents)
        own = _token_at(doc, stmt.cue.span[0]) if stmt.cue else None

        def tied(token: Token, own=own) -> bool:
            # (the cue's own token among the cues is harmless: _tied meets it as its own first)
            return _tied(token, cue_tokens, own)

        near = _ents_within(ents, ends, *nlp.char_extent(frame)) if frame else []
        stmt.said_on = _when(doc, frame, published, tied, near, text)
        cue_start = stmt.cue.span[0] if stmt.cue else None
        venue, audience = _where_and_whom(doc, cue_start, frame, date_ids, tied)
        stmt.venue = Mention(text[venue[0] : venue[1]], venue) if venue else None
        stmt.audience = Mention(text[audience[0] : audience[1]], audience) if audience else None
        inside = _ents_within(ents, ends, stmt.content_spans[0][0], stmt.content_spans[-1][1])
        stmt.targets, stmt.numbers = _about(doc, stmt, inside, text)
    _borrow_dates(doc, ordered, sents)
    _described_remarks(doc, ordered, date_ids, sents)
    for stmt in statements:
        if stmt.said_on is None and published:
            stmt.said_on = Said(published, "day", "published", None, None)
        stmt.speech_act = speech_act(
            stmt.cue.lemma if stmt.cue else None,
            stmt.content_text,
            stmt.cue.text if stmt.cue else None,
        )
        stmt.category = category(
            stmt.cue.lemma if stmt.cue else None,
            stmt.cue.text if stmt.cue else None,
            stmt.speaker.mention,
            stmt.speaker.kind,
            shape(_content_tokens(doc, stmt), stmt.kind != "indirect"),
        )


def _content_tokens(doc: Doc, stmt: Statement) -> list[Token]:
    out: list[Token] = []
    for start, end in stmt.content_spans:
        span = doc.char_span(start, end, alignment_mode="contract")
        out += list(span) if span is not None else []
    return out


def _token_at(doc: Doc, offset: int) -> int | None:
    span = doc.char_span(offset, offset + 1, alignment_mode="expand")
    return span[0].i if span is not None and len(span) else None


def _borrow_dates(doc: Doc, ordered: list[Statement], sents: _Sentences) -> None:
    """An undated statement takes the date of the same speaker's dated statement in the same
    sentence, else of the nearest one up to three sentences before: most likely the same
    remarks ("Putin on Wednesday criticized ..., arguing ...")."""
    where = {}
    for stmt in ordered:
        token = _token_at(doc, stmt.content_spans[0][0])
        where[id(stmt)] = sents.index(token) if token is not None else -9
    # per speaker, the dated statements by sentence (and text order), looked up by bisection:
    # a scan of them all per statement would cost the square of a text of many statements
    dated: dict[str, list[tuple[int, int, Statement]]] = {}
    for k, s in enumerate(ordered):
        if s.said_on and s.said_on.source == "text":
            dated.setdefault(s.speaker.name, []).append((where[id(s)], k, s))
    at = {}
    for name, same in dated.items():
        same.sort(key=lambda x: x[:2])
        at[name] = [w for w, _, _ in same]
    for stmt in ordered:
        if stmt.said_on is not None or not stmt.speaker.name:
            continue
        mine = where[id(stmt)]
        same, sentence = dated.get(stmt.speaker.name, []), at.get(stmt.speaker.name, [])
        k = bisect_left(sentence, mine)  # the first in the same sentence, else the last before
        if k < len(same) and sentence[k] == mine:
            source = same[k][2]
        elif k and mine - sentence[k - 1] <= 3:
            source = same[k - 1][2]
        else:
            source = None
        if source is not None:
            d = source.said_on
            stmt.said_on = Said(d.date, d.precision, "context", d.text, d.span)


def _described_remarks(
    doc: Doc, ordered: list[Statement], date_ids: set[int], sentences: _Sentences
) -> None:
    """Venue and audience from a later sentence about the remarks, for the statement before."""
    sents = sentences.spans
    starts = [s.content_spans[0][0] for s in ordered]  # (rising: found by bisection)
    for k in _about_remarks(doc, sentences):
        sent = sents[k]
        j = bisect_left(starts, sent.start_char) - 1  # the last statement starting before it
        before = (
            ordered[j : j + 1] if j >= 0 and starts[j] >= sents[max(0, k - 2)].start_char else []
        )
        if not before:
            continue
        venue, audience = _where_and_whom(doc, None, list(sent), date_ids)
        for stmt in before[-1:]:
            if stmt.venue is None and venue:
                stmt.venue = Mention(sentences.text[venue[0] : venue[1]], venue)
            if stmt.audience is None and audience:
                stmt.audience = Mention(sentences.text[audience[0] : audience[1]], audience)


def _about(doc: Doc, stmt: Statement, ents, text: str) -> tuple[list[Mention], list[Number]]:
    targets: list[Mention] = []
    numbers: list[Number] = []
    seen = set()
    lo, hi = stmt.content_spans[0][0], stmt.content_spans[-1][1]
    for ent in ents:
        if ent.end_char <= lo:
            continue
        if ent.start_char >= hi:
            break
        if not _overlaps(ent.start_char, ent.end_char, stmt.content_spans):
            continue
        span = (ent.start_char, ent.end_char)
        if ent.label_ in TARGET_LABELS:
            words = [t for t in ent if t.dep_ != "case" and t.text not in ("'s", "’s")]
            if not words:
                continue
            span = nlp.char_extent(words)
            name = text[span[0] : span[1]]
            key = name.lower().removeprefix("the ")
            if key not in seen:
                seen.add(key)
                targets.append(Mention(name, span, ent.label_))
        elif ent.label_ in NUMBER_LABELS:
            numbers.append(_number(ent))
    return targets, numbers


def _number(ent) -> Number:
    """A quantity: its text, value where it is plain, unit and what it counts."""
    value = None
    digits = [t.text.replace(",", "") for t in ent if re.fullmatch(r"[\d,]+(\.\d+)?", t.text)]
    spelled = [NUMBER_WORDS[t.lower_] for t in ent if t.lower_ in NUMBER_WORDS]
    if len(digits) == 1 or (not digits and len(spelled) == 1):
        value = float(digits[0]) if digits else float(spelled[0])
        scale = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
        for t in ent:
            value *= scale.get(t.lower_, 1)
    unit = None
    if ent.label_ == "MONEY":
        unit = next((t.text for t in ent if t.text in "$€£"), None) or ent[-1].text
    elif ent.label_ == "PERCENT":
        unit = "percent"
    elif ent.label_ == "QUANTITY":
        unit = ent[-1].text
    counts = None
    head = ent.root.head
    if ent.label_ == "CARDINAL" and ent.root.dep_ in ("nummod", "quantmod") and head.pos_ == "NOUN":
        counts = head.text
    elif ent.label_ == "QUANTITY":
        counts = unit
    return Number(ent.text, (ent.start_char, ent.end_char), value, unit, counts)
