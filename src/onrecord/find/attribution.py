"""Find attributed statements in a parsed article: cue, source mention and content spans.

:func:`find` makes two passes over a spaCy ``Doc`` of the article's analysis view (leftovers
blanked):

1. **Quotes** (:func:`onrecord.find.quotes.claim_quotes`): each quotation claimed by a cue
   next to it, split and running-on quotations joined into one statement.
2. **Reported speech** (here). Every remaining candidate verb (and noun with a possessor and
   a "that" clause) gives a statement from its syntax: its subject is the source; its clausal
   complement, object + infinitive, or object (+ "as"/"for" phrase) is the content;
   ``CONTENT, X said``, ``As X reported, …``, ``according to X`` and ``WALLACE: …`` are
   handled too. The learned cue model (:mod:`onrecord.find.cues`) decides which candidates are
   statements, the cue lexicon's rates where it is not installed. Verbs inside a claimed
   quote are not cues.

Then the content model (:mod:`onrecord.find.spans`) redraws the contents' edges. A statement's kind
is ``direct`` when its content is quoted, ``mixed`` when it holds a quote and reported words,
``indirect`` otherwise. Speakers are resolved later (speakers.py).

The order of all this is :data:`RULES`, a tuple of functions over one shared :class:`Pass`.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy
from spacy.attrs import DEP
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.symbols import AUX, NOUN, POS, VERB
from spacy.tokens import Doc, Token

from ..model import Cue, Span, Speaker, Statement
from . import budget, cues, nlp
from . import spans as span_model
from .phrases import (
    DASHES,
    RELATIVE,
    SUBJECTS,
    Found,
    after_dateline,
    animate,
    char_spans,
    cue_rates,
    inverted_subject,
    is_cue,
    negated,
    noun_phrase,
    subject_of,
    subtree,
    tokens_in,
    trim,
    words_in,
)
from .quotes import Quote, QuoteIndex, claim_quotes, find_quotes
from .words import word_set

# The word lists of this module are in data/words.toml, [attribution], with what each is for.
# Verbs that need a clausal complement to count (too common as plain verbs otherwise).
CLAUSE_ONLY = word_set("attribution", "clause_only")
CONTENT_PREPS = word_set("attribution", "content_preps")  # "described X as ..."


STRONG_CUE_RATE = 0.5  # below this, a cue needs a source that can speak
CUE_THRESHOLD = float(os.environ.get("ONRECORD_CUE_THRESHOLD", "0.55"))  # chosen on dev


def _content(verb: Token, wide: bool = False) -> list[Token]:
    """The reported content governed by a cue verb, from the parse.

    ``wide`` (for the cue model, which weighs each candidate) also takes the object of any
    preposition after the verb: "pointed to reports", "responded with attacks".
    """
    doc = verb.doc
    children = list(verb.children)
    clauses = [c for c in children if c.dep_ == "ccomp"]
    if clauses:
        return [t for c in clauses for t in subtree(c)]
    for c in children:  # "calling for the United States to step up ...": the clause after "for"
        if (
            c.dep_ == "advcl"
            and c.i > verb.i
            and any(g.dep_ == "mark" and g.lower_ == "for" for g in c.children)
        ):
            return [t for t in subtree(c) if not (t.head == c and t.dep_ == "mark")]
    if (
        not wide
        and verb.lemma_.lower() in CLAUSE_ONLY
        and not any(c.dep_ in ("xcomp", "oprd") for c in children)
    ):
        return _inverted(verb) or []
    objects = [c for c in children if c.dep_ in ("dobj", "dative", "oprd") and c.i > verb.i]
    xcomps = [c for c in children if c.dep_ == "xcomp" and c.i > verb.i]
    if xcomps:
        first = objects[0] if objects and objects[0].i < xcomps[0].i else xcomps[0]
        return list(doc[first.left_edge.i : xcomps[-1].right_edge.i + 1])
    if objects:
        last = objects[-1]
        for c in children:
            if c.i > last.i and c.dep_ == "prep" and c.lower_ in CONTENT_PREPS:
                last = c
        return list(doc[objects[0].left_edge.i : last.right_edge.i + 1])
    preps = [
        c
        for c in children
        if c.dep_ == "prep"
        and (wide or c.lower_ in ("about", "of", "on", "for"))
        and c.i > verb.i
        and any(g.dep_ in ("pobj", "pcomp") for g in c.children)
    ]
    if preps:
        pobj = next(g for g in preps[0].children if g.dep_ in ("pobj", "pcomp"))
        return subtree(pobj)
    if wide:
        for c in children:  # "Bolton was critical of Republicans who …": what of
            if c.dep_ == "acomp" and c.i > verb.i:
                for g in c.children:
                    obj = next((o for o in g.children if o.dep_ in ("pobj", "pcomp")), None)
                    if g.dep_ == "prep" and g.lower_ in ADJECTIVE_PREPS and obj is not None:
                        return subtree(obj)
    return _inverted(verb) or []


ADJECTIVE_PREPS = word_set("attribution", "adjective_preps")


def _inverted(verb: Token) -> list[Token] | None:
    """``CONTENT, X said.``: the clause the cue verb hangs off, before it, minus the cue; or,
    with the cue set off inside it, the whole clause around the cue ("Acts of protest, Mr.
    Obama said, are acts of patriotism": two pieces)."""
    head = verb.head
    if head.i == verb.i or verb.dep_ not in ("parataxis", "ccomp", "advcl", "conj"):
        return None
    if (
        verb.dep_ == "advcl"
        and head.i > verb.i
        and any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
    ):  # "As Breitbart News reported, the White House was …": the clause after
        return [t for t in subtree(head) if t.i > verb.right_edge.i]
    if verb.dep_ == "parataxis":  # "Lenox was a juggernaut, Mr. Clarke said, until it ..."
        around = _around(verb)
        if around or head.i > verb.i:
            return around
    elif head.i > verb.i:
        return None
    if verb.dep_ == "conj" and not any(t.text in ",—–-" for t in verb.doc[head.i : verb.i]):
        return None
    between = verb.doc[verb.left_edge.i - 1] if verb.left_edge.i > 0 else None
    if between is None or between.text not in {",", "—", "–", "-", "”", '"', ":"}:
        if not any(
            t.text == "," for t in verb.doc[max(verb.left_edge.i - 2, 0) : verb.left_edge.i]
        ):
            return None
    skip = set(range(verb.left_edge.i, verb.right_edge.i + 1))
    return [t for t in subtree(head) if t.i not in skip and t.i < verb.left_edge.i]


def _around(verb: Token) -> list[Token] | None:
    """The clause a cue is set off inside, between commas or dashes, minus the cue's own words:
    "Back in Virginia, Mr. Clarke said, he decided ..."."""
    doc, head = verb.doc, verb.head
    left, right = verb.left_edge.i, verb.right_edge.i
    while left < verb.i and doc[left].is_punct:  # the commas may hang on the cue
        left += 1
    while right > verb.i and doc[right].is_punct:
        right -= 1
    marks = DASHES | {","}
    if not (0 < left and right + 1 < len(doc)):
        return None
    if doc[left - 1].text not in marks or doc[right + 1].text not in marks:
        return None
    if head.left_edge.i >= left - 1:  # nothing of the clause before the cue
        return None
    return [t for t in subtree(head) if not left - 1 <= t.i <= right + 1]


MAX_CLAUSE = 1000
"""Tokens a clause may have to be the content of "according to" or "reportedly": the longest
content annotated in PolNeAR is some 1,300 words; a longer "clause" is a list or a page with
no full stop, where each of its statements would cost its whole length."""


def _short_sentence(tok: Token) -> list[Token]:
    """The tokens of ``tok``'s sentence, or none where it is longer than :data:`MAX_CLAUSE`
    (found without walking further than that: spaCy's ``Token.sent`` walks the whole)."""
    doc = tok.doc
    lo = tok.i
    while not doc[lo].is_sent_start and lo > 0:
        lo -= 1
        if tok.i - lo >= MAX_CLAUSE:
            return []
    hi = tok.i + 1
    while hi < len(doc) and not doc[hi].is_sent_start:
        hi += 1
        if hi - lo >= MAX_CLAUSE:
            return []
    return list(doc[lo:hi])


def _according_to(doc: Doc, text: str) -> list[Found]:
    """``according to X, …``: X is the source of the clause around the phrase."""
    found = []
    for m in re.finditer(r"\baccording\s+to\b", text, re.IGNORECASE):
        span = doc.char_span(m.start(), m.start() + len("according"))
        if span is None or len(span) != 1 or span[0].i + 1 >= len(doc):
            continue
        tok = span[0]
        if doc[tok.i + 1].lower_ != "to":
            continue
        to = doc[tok.i + 1]
        pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if pobj is None:
            pobj = next((c for c in tok.children if c.dep_ == "pobj"), None)
        if pobj is None:
            continue
        budget.check()
        head = tok.head
        while (
            head.dep_ not in ("ROOT",)
            and head.head.i != head.i
            and head.pos_ not in ("VERB", "AUX")
        ):
            head = head.head
        if head.pos_ in ("VERB", "AUX"):  # (a subtree never leaves its sentence)
            if head.right_edge.i - head.left_edge.i >= MAX_CLAUSE:
                continue
            clause = subtree(head)
        else:
            clause = _short_sentence(tok)
        source = noun_phrase(pobj)
        for end in dict.fromkeys((pobj.right_edge.i, _comma_after(pobj))):  # (once if no comma)
            # ("According to Rush Limbaugh, the move reeks …", parsed as Limbaugh's apposition)
            skip = set(range(tok.i, end + 1))
            content = trim([t for t in clause if t.i not in skip])
            if len([t for t in content if not t.is_punct]) >= 3:
                found.append(
                    Found([t for t in source if t.i <= end], [tok, to], char_spans(content))
                )
                break
    return found


def _reportedly(doc: Doc, text: str) -> list[Found]:
    """``The Club for Growth is reportedly spending $1.5 million …``: the clause is what
    unnamed reports say (19 of 29 in PolNeAR train are annotated so, with no source)."""
    found = []
    for m in re.finditer(r"\breportedly\b", text, re.IGNORECASE):
        span = doc.char_span(m.start(), m.end())
        if span is None or len(span) != 1:
            continue
        tok = span[0]
        budget.check()
        if tok.head.right_edge.i - tok.head.left_edge.i >= MAX_CLAUSE:
            continue
        if tok.dep_ == "advmod" and tok.head.pos_ in ("VERB", "AUX"):
            content = trim([t for t in subtree(tok.head) if t.i != tok.i])
            if len([t for t in content if not t.is_punct]) >= 3:
                found.append(Found([], [tok], char_spans(content), unnamed=True))
    return found


def _comma_after(tok: Token) -> int:
    """The index of the last word before the first comma after ``tok`` in its subtree."""
    for t in tok.doc[tok.i : tok.right_edge.i + 1]:
        if t.text == ",":
            return t.i - 1
    return tok.right_edge.i


# what opens a paragraph with a colon without anyone speaking ("Update: ...")
PAGE_LABELS = word_set("attribution", "page_labels")
_SPEAKER_COLON = re.compile(
    r"(?m)^[\"“]?([A-Z][A-Z.'’ -]{1,30}[A-Z]|[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,2}):"
    r"[ \t]+(\S[^\n]*)$"
)


def _speaker_colon(doc: Doc, text: str) -> list[Found]:
    """Transcripts and headlines: a paragraph opening ``WALLACE: …``, ``"PENCE: …"``,
    ``Poll: …`` (one word, not a page or section label such as "Update" or "MARKETS", nor
    one of several capitalised labels that each open one paragraph, as in a roundup) or,
    with a name the parse knows, ``Rush Limbaugh: Hillary …`` is that speaker's."""
    found = []
    paras = list(re.finditer(_SPEAKER_COLON, text))
    caps = Counter(
        m.group(1) for m in paras if m.group(1).isupper() and m.group(1).lower() not in PAGE_LABELS
    )
    # a roundup's section labels ("MARKETS: …", "ENERGY: …"), each once, where a
    # transcript's speakers come back turn after turn
    roundup = len(caps) >= 2 and max(caps.values()) == 1
    for para in paras:
        name_start, name_end = para.span(1)
        source = words_in(doc, name_start, name_end)
        colon = words_in(doc, name_end, name_end + 1)
        content = trim(words_in(doc, *para.span(2)))
        name = para.group(1)
        if name.lower() in PAGE_LABELS or (roundup and name.isupper()):  # "Update: ..."
            continue
        if not (name.isupper() or " " not in name or _named_elsewhere(doc, source)) and not all(
            t.ent_type_ in ("PERSON", "ORG") for t in source
        ):  # "Pence: ...", "Poll: ...", "Rush Limbaugh: ...", not "Stealth Over Health: ..."
            continue
        if source and colon and len(content) >= 2:
            found.append(Found(source, colon, char_spans(content)))
    return found


def tabular(text: str, f: Found) -> bool:
    """Whether what was found lies in a table ("West Virginia | supporting | Dukakis"): a
    line of its content, or of its source, with two cell separators (``|`` or a tab)."""
    spans = list(f.content)
    if f.source:
        spans.append((f.source[0].idx, f.source[-1].idx + len(f.source[-1])))
    for start, end in spans:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        if line.count("|") >= 2 or line.count("\t") >= 2:
            return True
    return False


def naming(doc: Doc, f: Found) -> bool:
    """Whether the cue is "known as" or "known for": a name or a reputation, nobody's
    words or mind ("the primaries known as Super Tuesday")."""
    if not f.cue:
        return False
    verb = doc[f.cue[0].i : f.cue[-1].i + 1].root
    after = doc[verb.i + 1] if verb.i + 1 < len(doc) else None
    return (
        verb.lemma_.lower() == "know"
        and verb.tag_ == "VBN"
        and after is not None
        and after.lower_ in ("as", "for")
    )


def speaker_outside(doc: Doc, f: Found) -> None:
    """A source read inside the quotation marks of the statement's own content is a word of
    what was said ("…," Sanders said, going on to say that "… young people do not want
    …""): the cue's subject in the parse speaks instead, where it lies outside the content;
    else no one named. (A source in the content outside quotation marks is left: there the
    content is more likely drawn too wide than the source wrong.)"""
    if not f.source or not f.cue:
        return
    start, end = nlp.char_extent(f.source)
    if not any(s <= start and end <= e for s, e in f.content) or not any(
        s < start and end < e for q in f.quotes for s, e in q.spans
    ):
        return
    subject = subject_of(doc[f.cue[0].i : f.cue[-1].i + 1].root) or []
    inside = any(s <= t.idx < e for t in subject for s, e in f.content)
    f.source, f.phrase = ([], None) if inside else (subject, None)


# the clauses a cue may sit in inside a noun phrase or a subject: "Apple, which the EU
# contended …", "what Trump says …", "what he claimed"
EMBEDDED = frozenset({"relcl", "pcomp", "csubj", "acl"})


def _embedded(verb: Token) -> bool:
    """Whether a cue verb's clause is embedded in a noun phrase or a subject (:data:`EMBEDDED`),
    itself or through a clause it is joined to ("between what Trump says … and how experts
    say …")."""
    for _ in range(4):
        if verb.dep_ in EMBEDDED:
            return True
        if verb.dep_ not in ("conj", "ccomp") or verb.head.i == verb.i:
            return False
        verb = verb.head
    return False


def within_cue_clause(doc: Doc, f: Found) -> None:
    """A content outside quotation marks that runs past an embedded cue's clause into the
    sentence around it is cut back to that clause: in "The gulf between what Trump says his
    plan would do … began a year ago" and "Apple, which the EU contended Ireland undertaxed,
    is a good example", what is said ends where the clause of "says", "contended" ends; the
    rest ("began a year ago", "is a good example") is the writer's. Only where the content
    holds a verb the cue's clause hangs from (in "what Trump says … and how experts say it
    would shape tax law has endured", "endured"), however deep ("It is worth noting that
    Apple's tax bill levied by the European Union, which contended …, is a good example"),
    and only for a cue in an embedded clause (:func:`_embedded`)."""
    if f.quotes or not f.cue or not f.content:
        return
    verb = doc[f.cue[0].i : f.cue[-1].i + 1].root
    if not _embedded(verb):
        return
    inside = tokens_in(doc, f.content)
    held = {t.i for t in inside}
    if not any(a.i in held and a.pos_ in ("VERB", "AUX") for a in verb.ancestors):
        return
    clause = {t.i for t in verb.subtree}
    kept = trim([t for t in inside if t.i in clause])
    if kept:
        f.content = char_spans(kept)


def names_nothing(text: str, f: Found) -> bool:
    """Whether a content outside quotation marks is function words alone ("but", "that",
    "him", "which"), or those and the cue's own words ("released a letter … that says" with
    "that says" for content): it reports nothing anyone said."""
    if f.quotes:
        return False
    words = re.findall(r"[\w'’]+", " ".join(text[s:e] for s, e in f.content).lower())
    cue = {t.lower_ for t in f.cue or ()}
    return all(w in STOP_WORDS or w in cue for w in words)


def _named_elsewhere(doc: Doc, name: list[Token]) -> bool:
    """Whether a run of proper nouns (a headline's "Cecile Richards", which the parse does not
    know as a name there) ends in a word the article names as a person or organisation
    elsewhere ("Richards said …")."""
    if not name or not all(t.pos_ == "PROPN" for t in name):
        return False
    last = name[-1].text
    return any(
        t.text == last and t.ent_type_ in ("PERSON", "ORG") and t.i not in {n.i for n in name}
        for t in doc
    )


@dataclass
class Pass:
    """What the rules of :func:`find` share over one doc: the statements found so far and
    the indices kept of them (looked up by position: a scan per candidate would cost the
    square of a long text). Built by :meth:`start`; :func:`quotations` fills it first."""

    doc: Doc
    text: str
    quotes: list[Quote]
    learned: bool  # the cue model decides (else the cue lexicon's rates)
    draw: bool  # the cue span model draws the quotes' cues
    redraw: bool  # the content model redraws the contents' edges
    found: list[Found] = field(default_factory=list)
    used_cues: set[int] = field(default_factory=set)  # the tokens the quote pass used as cues
    taken: QuoteIndex = field(default_factory=lambda: QuoteIndex([]))  # quote statements
    marks: QuoteIndex = field(default_factory=lambda: QuoteIndex([]))  # every quotation
    quoted_tokens: set[int] = field(default_factory=set)  # tokens of the quote statements
    cue_ids: set[int] = field(default_factory=set)  # the cue words of the statements so far
    by_start: dict[Span, Found] = field(default_factory=dict)  # first statement starting so

    @classmethod
    def start(cls, doc: Doc, learned: bool, draw: bool, redraw: bool) -> Pass:
        """The state before any rule: the text of ``doc`` and its quotations."""
        text = nlp.text_of(doc)
        quotes = [q for q in find_quotes(text) if len(text[q.start : q.end].split()) >= 1]
        return cls(doc, text, quotes, learned, draw, redraw)


def quotations(p: Pass) -> None:
    """Pass 1 (:func:`onrecord.find.quotes.claim_quotes`): each quotation claimed by a cue
    next to it; then the indices the later rules look up (which quote contents are taken,
    which tokens and cue words the quote statements hold, where each content starts)."""
    doc = p.doc
    found, p.used_cues = claim_quotes(doc, p.text, p.quotes, draw=p.draw)
    p.found = found
    p.taken = QuoteIndex([Quote(list(f.content)) for f in found])
    p.marks = QuoteIndex(p.quotes, whole=True)
    p.quoted_tokens = {t.i for f in found for t in f.source + f.cue}
    for f in found:
        p.quoted_tokens.update(t.i for t in tokens_in(doc, f.content))
    p.cue_ids = {t.i for f in found for t in f.cue}
    for f in found:
        if f.content:
            p.by_start.setdefault(f.content[0], f)


@dataclass
class Candidate:
    """A verb (or a noun with a possessor) of reported speech, with the source, content and
    content spans its syntax gives: what the cue model decides on, and what the training of
    the cue and span models (``scripts/train_cues.py``, ``scripts/train_spans.py``) learns
    from. ``asked``: "Asked whether …", said by someone unnamed or in a "by" phrase."""

    verb: Token
    source: list[Token]
    content: list[Token]
    spans: list[Span]
    asked: bool
    rate: float  # the cue lexicon's rate of the verb's lemma


def find(doc: Doc, content_model: bool = True) -> list[Found]:
    """All statements in ``doc`` (an article's analysis view), in text order: the
    :data:`RULES` in their order.

    Reported speech is decided by the learned cue model when ``data/cue_model.json`` exists
    (:mod:`onrecord.find.cues`), else by the cue lexicon's rates.
    ``content_model=False`` keeps the rules' content edges instead of letting the content
    model redraw them (:func:`redraw_contents`; the content model is trained on the rules').
    """
    learned = cues.weights() is not None
    return run(Pass.start(doc, learned, draw=learned, redraw=learned and content_model), RULES)


def run(p: Pass, rules: Iterable[Callable[[Pass], None]]) -> list[Found]:
    """The statements ``rules`` find, applied in order to ``p``, in text order."""
    for rule in rules:
        before = len(p.found)
        rule(p)
        for f in p.found[before:]:
            f.rule = rule.__name__
    p.found.sort(key=lambda f: f.content[0][0] if f.content else 0)
    return p.found


def reported_speech(p: Pass) -> None:
    """Pass 2: each candidate of :func:`candidates` that the cue model accepts (the cue
    lexicon's rates where it is not installed; a question always) becomes a statement, or
    the cue of a quote statement that starts at its content."""
    for c in candidates(p):
        score = None
        if c.asked:
            pass
        elif p.learned:
            score = cues.score(cues.features(c.verb, c.source, c.content, c.rate))
            if score < CUE_THRESHOLD:
                continue
        elif c.rate < STRONG_CUE_RATE and (not animate(c.source) or c.verb.dep_ == "advcl"):
            # "tanks appeared ...", "Appearing on the panel, Putin ...": nobody speaking
            continue
        _add(p, c, score)


def candidates(p: Pass) -> Iterator[Candidate]:
    """The candidates of the reported-speech pass, in text order, each with its source and
    content; what no statement can come of is left out (a cue of a quote, a negated verb, a
    verb inside a claimed quote, one without content or source).

    Lazy on purpose: a statement :func:`_add` adds before the next candidate is made counts
    for it (its cue words in ``p.cue_ids``)."""
    doc, text, learned, marks = p.doc, p.text, p.learned, p.marks
    for i in _candidates(doc, learned):
        budget.check()
        tok = doc[i]
        if tok.i in p.used_cues or negated(tok) or p.taken.at(tok.idx):
            continue
        clause = _nominal_clause(tok) if learned else None
        if clause is not None and tok.dep_ == "dobj" and tok.head.i in p.cue_ids:
            continue  # "Putin repeated his claim that …": the claim is what "repeated" reports
        if learned:
            if (tok.pos_ not in ("VERB", "AUX") or tok.dep_ == "aux") and clause is None:
                continue
        elif not is_cue(tok):
            continue
        agent = _agent(tok) if learned else None
        content = subtree(clause) if clause is not None else _content(tok, wide=learned)
        if not content and agent is not None:
            subject = next(c for c in tok.children if c.dep_ == "nsubjpass")
            content = noun_phrase(subject)
        if any(t.i in p.quoted_tokens for t in content):
            # "argued that X, in which Putin said, "…"": stop before the other statement
            first = min(t.i for t in content if t.i in p.quoted_tokens)
            content = [t for t in content if t.i < first]
            while content and (
                content[-1].is_punct
                or content[-1].pos_ in ("ADP", "PRON", "SCONJ")
                or content[-1].lower_ in RELATIVE
            ):
                content.pop()
        content = trim(content)
        if all(t.pos_ in ("ADP", "PRON") for t in content if not t.is_punct):
            content = []  # "Readers wrote to us": whom, not what
        if len([t for t in content if not t.is_punct]) < (1 if learned else 2):
            spans = _after_colon(doc, text, tok, marks)  # "Caddell continued: "The …""
            if not spans:
                continue
        else:
            spans = char_spans(content)
        for q in marks.overlapping([(spans[0][0], spans[-1][1])]):
            # a quotation opened inside the content runs to its end
            if (
                spans[0][0] <= q.start < spans[-1][1] < q.end
                and "\n" not in text[spans[-1][1] : q.end]
            ):
                spans[-1] = (spans[-1][0], q.end)
        if clause is not None:  # "Trump's claim that ...": the possessor speaks
            owner = next(c for c in tok.children if c.dep_ == "poss")
            source = noun_phrase(owner)
        elif agent is not None:  # "The issue was first reported by The Washington Post"
            source = agent
        else:
            source = subject_of(tok) or inverted_subject(tok)
        asked = not source and _asked(tok)
        if asked:  # "Asked whether …": by someone unnamed, or by Thrush in "Asked by Thrush"
            source = _by_phrase(tok) or []
        elif not source:
            continue
        rate = cue_rates().get(tok.lemma_.lower(), 0.0)
        yield Candidate(tok, source, content, spans, asked, rate)


def _add(p: Pass, c: Candidate, score: float | None = None) -> None:
    """The statement of a candidate decided to be one (``score``: the cue model's probability
    of its cue): its cue drawn by the cue span model (where the cue model decides), or, where
    a quote statement already starts at its content, that statement's cue and source if it
    had none."""
    doc, tok, source, spans, found = p.doc, c.verb, c.source, c.spans, p.found
    inner = p.marks.starting_in(spans)
    cue, inside = None, tokens_in(doc, spans)
    if p.learned:  # the cue span model draws the cue's edges ("has also said about")
        cue = span_model.cue(tok, source, {t.i for t in inside})
    same = p.by_start.get(spans[0])
    if same is not None:  # a quote already found: this verb is its cue, if it had none
        if not same.cue:
            same.cue, same.source = cue or _cue_phrase(tok), source
            same.cue_score = score
            p.cue_ids.update(t.i for t in same.cue)
        return
    if cue and any(t in cue for t in inside):  # "accusing her of [being asleep]"
        rest = trim([t for t in inside if t not in cue and t.i > cue[-1].i])
        spans = char_spans(rest) if rest else spans
    unnamed = (c.asked and not source) or _spoken_of(tok)
    if unnamed and source:  # "Moscow has been accused of …": what is said is about Moscow
        spans = char_spans(source + tokens_in(doc, spans))
    found.append(Found(source, cue or _cue_phrase(tok), spans, inner, unnamed=unnamed))
    found[-1].cue_score = score
    p.cue_ids.update(t.i for t in found[-1].cue)
    p.by_start.setdefault(spans[0], found[-1])


def according_to(p: Pass) -> None:
    """``according to X, …``: X is the source of the clause around it (:func:`_according_to`)."""
    p.found.extend(_according_to(p.doc, p.text))


def speaker_colon(p: Pass) -> None:
    """Transcripts and headlines: a paragraph opening with a speaker and a colon
    (``WALLACE: …``, ``Rush Limbaugh: Hillary …``; :func:`_speaker_colon`)."""
    p.found.extend(_speaker_colon(p.doc, p.text))


def redraw(p: Pass) -> None:
    """The content model redraws the contents' edges (:func:`redraw_contents`), where the
    cue model decides and the caller did not ask for the rules' edges."""
    if p.redraw:
        redraw_contents(p.doc, p.found, p.quotes)


def reportedly(p: Pass) -> None:
    """Statements cued by "reportedly" (:func:`_reportedly`), for a verb no statement has as
    its cue yet. After the redraw: the content model never learned to draw around an adverb
    cue (it cut "The Club for Growth is reportedly spending …" to "The Club for Growth is")."""
    cues_found = {t.i for f in p.found for t in f.cue}
    p.found.extend(f for f in _reportedly(p.doc, p.text) if f.cue[0].head.i not in cues_found)


RULES: tuple[Callable[[Pass], None], ...] = (
    quotations,
    reported_speech,
    according_to,
    speaker_colon,
    redraw,
    reportedly,
)
"""The rules of :func:`find`, in the order they are applied; each sees what those before
it found (reported speech skips what the quotes took, the redraw comes before
"reportedly", whose contents the content model would cut)."""


def _candidates(doc: Doc, learned: bool) -> list[int]:
    """Indices of the tokens the reported-speech pass looks at, from the doc's arrays (cheap
    first: most tokens are none). The cue model looks at verbs that are not auxiliaries and
    at nouns with a possessor ("Trump's claim that ..."); the lexicon, at verbs and nouns."""
    pos, dep = doc.to_array(POS), doc.to_array(DEP)
    verbs = (pos == VERB) | (pos == AUX)
    if not learned:
        return numpy.flatnonzero(verbs | (pos == NOUN)).tolist()
    heads = nlp.head_indices(doc)
    possessed = numpy.zeros(len(doc), dtype=bool)
    possessed[heads[dep == doc.vocab.strings["poss"]]] = True
    return numpy.flatnonzero(
        (verbs & (dep != doc.vocab.strings["aux"])) | ((pos == NOUN) & possessed)
    ).tolist()


def redraw_contents(doc: Doc, found: list[Found], quotes: list[Quote]) -> None:
    """Let the content model (:func:`onrecord.find.spans.content`) redraw each content's edges,
    where it is installed; the quotes a statement holds follow its new content. A redrawn
    content may not take in the cue or content of another statement that holds a quotation
    ("argued that X, in which Putin said, “…”"): there the rules' edges stay."""
    if span_model.content_tagger() is None:
        return
    table = span_model.doc_table(doc, [(q.start, q.end) for q in quotes])
    tokens = [tokens_in(doc, f.content) for f in found]
    quoted: dict[int, set[int]] = {}  # token -> the quote-holding statements it is part of
    for k, f in enumerate(found):
        if f.quotes:
            for t in tokens[k] + f.cue:
                quoted.setdefault(t.i, set()).add(k)
    marks = QuoteIndex(quotes, whole=True)
    for k, f in enumerate(found):
        budget.check()
        own = {t.i for t in tokens[k]}
        drawn = span_model.content(table, f.cue, f.speaking, tokens[k])
        drawn = trim(drawn) if drawn else None  # edge punctuation as the rules leave it
        if drawn and not any(t.i not in own and quoted.get(t.i, {k}) - {k} for t in drawn):
            f.content = char_spans(drawn)
            f.quotes = marks.overlapping(f.content)


def _agent(verb: Token) -> list[Token] | None:
    """The by-phrase of a passive verb with a subject: "X was reported by Y" gives Y."""
    if not any(c.dep_ == "nsubjpass" for c in verb.children):
        return None
    return _by_phrase(verb)


def _by_phrase(verb: Token) -> list[Token] | None:
    """The noun phrase after a passive verb's "by" ("Asked by Thrush": Thrush)."""
    for c in verb.children:
        if c.dep_ == "agent":
            obj = next((g for g in c.children if g.dep_ == "pobj"), None)
            if obj is not None:
                return noun_phrase(obj)
    return None


RAISING = word_set("attribution", "raising")  # "seem", "appear"


def _spoken_of(verb: Token) -> bool:
    """Whether a cue's subject is spoken of, not speaking: the subject of a passive cue with no
    agent ("Moscow has been accused of …", "Trump was asked …", "The Fed is expected to …")
    or of "seem"/"appear" ("New Hampshire seems stable"). Such a statement has no named
    speaker, and its subject is part of what is said. In PolNeAR train, 184 of 235 such
    passive statements have no source, nor do 185 of 223 with "seem"/"appear". The subject
    of a passive cue speaks where a speech verb goes on from it: "Braynard is quoted as
    saying …", "is reported to have called"."""
    if verb.lemma_.lower() in RAISING:  # "The treaty seemed to be well gone": nobody says so
        return True
    if not any(c.dep_ == "nsubjpass" for c in verb.children) or _agent(verb) is not None:
        return False
    for c in verb.children:
        nxt = [c] if c.dep_ in ("xcomp", "advcl") else []
        if c.dep_ == "prep":
            nxt = [g for g in c.children if g.dep_ == "pcomp"]
        if any(is_cue(n) for n in nxt):
            return False
    return True


ASKING = word_set("attribution", "asking")


def _asked(verb: Token) -> bool:
    """``Asked whether he would fire the writer, Priebus said …``: a participle of asking with
    no subject of its own is a question put by someone the article does not name."""
    return (
        verb.tag_ == "VBN"
        and verb.lemma_.lower() in ASKING
        and verb.dep_ in ("advcl", "ROOT", "dep")
        and not any(c.dep_ in SUBJECTS for c in verb.children)
    )


def _nominal_clause(tok: Token) -> Token | None:
    """For a noun with a possessor and a "that" clause ("Trump's claim that ..."), the clause."""
    if tok.pos_ != "NOUN" or not any(c.dep_ == "poss" for c in tok.children):
        return None
    for c in tok.children:
        if c.dep_ in ("acl", "ccomp", "relcl") and c.i > tok.i:
            if any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children):
                return c
    return None


_SPACE = re.compile(r"\s*")
_TWO_WORDS = re.compile(r"\S\s+\S")


def _after_colon(doc: Doc, text: str, verb: Token, quotes: QuoteIndex) -> list[Span]:
    """``X said:`` then the words: the quotation that follows the colon (in the same or the
    next paragraph), else the rest of the paragraph."""
    nxt = verb.i + 1
    while nxt < len(doc) and doc[nxt].dep_ in ("prt", "advmod") and nxt - verb.i < 3:
        nxt += 1
    if nxt >= len(doc) or doc[nxt].text != ":":
        return []
    start = doc[nxt].idx + 1
    start += len(_SPACE.match(text, start).group())
    following = quotes.starting_in([(start, start + 1)])
    if following:
        return list(following[0].spans)
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    return [(start, end)] if _TWO_WORDS.search(text, start, end) else []


def _cue_phrase(verb: Token) -> list[Token]:
    """The cue as annotators mark it: the verb with a particle ("called for", "pointed to")."""
    tokens = [verb]
    for child in verb.rights:
        if child.dep_ == "prt" or (
            child.dep_ == "prep" and child.i == verb.i + 1 and verb.lemma_ in ("call", "point")
        ):
            tokens.append(child)
    return tokens


def _relative_subject(doc: Doc, f: Found) -> Token | None:
    """The relative pronoun a source was reached through: in "his wife, who spoke of ...",
    annotators mark "who" as the source (the mention, for naming, stays "his wife")."""
    if not f.cue:
        return None
    verb = doc[f.cue[0].i : f.cue[-1].i + 1].root
    while verb.dep_ == "conj" and verb.head.i != verb.i:  # "who joined ... and said"
        verb = verb.head
    if verb.dep_ != "relcl":
        return None
    return next((c for c in verb.children if c.dep_ in SUBJECTS and c.lower_ in RELATIVE), None)


def _source_phrase(doc: Doc, f: Found) -> list[Token]:
    """The source as annotators mark it: the whole noun phrase of the mention, with its
    apposition, relative clause or participle ("A report released last year"), unless that
    would take in the cue or the content; a participle set off by a comma ("Trump, speaking
    to a veterans group, said") is an aside, not part of it. The mention itself stays tight,
    for naming."""
    src = f.source
    if not src or src[0].pos_ == "PRON":
        return src
    relative = _relative_subject(doc, f)
    if relative is not None:
        return [relative]
    head = doc[src[0].i : src[-1].i + 1].root
    phrase = doc[head.left_edge.i : head.right_edge.i + 1]
    taken = {t.i for t in f.cue} | {t.i for t in tokens_in(doc, f.content)}
    if any(t.i in taken for t in phrase):
        return src
    aside: set[int] = set()  # "Trump, speaking to …"
    for child in head.children:
        if child.dep_ == "acl" and child.i > head.i:
            before = doc[child.left_edge.i - 1]
            if before.text == ",":
                aside.update(range(before.i, child.right_edge.i + 1))
    tokens = after_dateline([t for t in phrase if not t.is_space and t.i not in aside], head)
    while tokens and tokens[0].is_punct:
        tokens.pop(0)
    while tokens and tokens[-1].is_punct and tokens[-1].text not in ')"”':
        tokens.pop()
    return tokens or src


def to_statements(doc: Doc, found: list[Found], article_id: str) -> list[Statement]:
    """Statements (speaker unresolved: ``name`` is None) from what :func:`find` found."""
    text = nlp.text_of(doc)
    out = []
    for f in found:
        if not f.content:
            continue
        src = nlp.char_extent(f.source) if f.source and not f.unnamed else None
        phrase = (
            None if src is None else f.phrase if f.phrase is not None else _source_phrase(doc, f)
        )
        speaker = Speaker(
            name=None,
            mention=text[src[0] : src[1]] if src else None,
            span=src,
            kind="anonymous",
            phrase_span=nlp.char_extent(phrase) if phrase else None,
        )
        cue = None
        if f.cue:
            span = nlp.char_extent(f.cue)
            verb = doc[f.cue[0].i : f.cue[-1].i + 1].root  # "has also said": the lemma is "say"
            cue = Cue(text[span[0] : span[1]], span, verb.lemma_.lower())
        out.append(
            Statement(
                article_id=article_id,
                speaker=speaker,
                cue=cue,
                content_spans=f.content,
                content_text=" … ".join(text[s:e] for s, e in f.content),
                kind=_kind(text, f),
            )
        )
    return out


def _kind(text: str, f: Found) -> str:
    quoted = sum(
        min(e, q_e) - max(s, q_s)
        for s, e in f.content
        for q in f.quotes
        for q_s, q_e in q.spans
        if min(e, q_e) > max(s, q_s)
    )
    total = sum(len(text[s:e].strip()) for s, e in f.content)
    if not quoted:
        return "indirect"
    return "direct" if quoted >= total - 2 else "mixed"
