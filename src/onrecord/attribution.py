"""Find attributed statements in a parsed article: cue, source mention and content spans.

Two passes over a spaCy ``Doc`` of the article's analysis view (leftovers blanked):

1. **Quotes.** Top-level quotations are found from the quotation marks, a quote that runs
   over paragraphs (opening mark repeated, no closing mark) being one quote. A quote is
   claimed by a cue next to it: after it (``"...," Putin said``; ``"...," said Putin``) or
   before it (``he said: "..."``). A quote with no cue of its own right after a claimed one
   (``"A," Putin said. "B."``, or the next paragraph) continues that statement. A quote
   opening a paragraph after a paragraph about one person, with no cue at all, is given to
   that person.
2. **Reported speech.** Every remaining verb whose lemma is in the cue lexicon (learned from
   PolNeAR train, ``data/cues.tsv``, plus a short list of speech verbs) gives a statement from
   its syntax: its subject is the source; its clausal complement, object + infinitive, or
   object (+ "as"/"for" phrase) is the content; ``CONTENT, X said`` and ``according to X``
   are handled too. Verbs inside a claimed quote are not cues.

A statement's kind is ``direct`` when its content is quoted, ``mixed`` when it holds a quote
and reported words, ``indirect`` otherwise. Speakers are resolved later (speakers.py).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy
from spacy.attrs import DEP
from spacy.symbols import AUX, NOUN, POS, VERB
from spacy.tokens import Doc, Token

from . import cues, nlp
from . import spans as span_model
from .model import Cue, Span, Speaker, Statement

OPEN_MARKS = "“«„"
CLOSE_MARKS = "”»"
STRAIGHT = '"'

# Speech verbs a careful reader always counts, whatever the training data saw.
SPEECH_VERBS = {
    "say",
    "tell",
    "add",
    "claim",
    "argue",
    "state",
    "declare",
    "announce",
    "insist",
    "acknowledge",
    "admit",
    "confirm",
    "deny",
    "warn",
    "urge",
    "criticize",
    "criticise",
    "question",
    "accuse",
    "threaten",
    "promise",
    "vow",
    "pledge",
    "predict",
    "suggest",
    "note",
    "explain",
    "stress",
    "emphasize",
    "emphasise",
    "assert",
    "maintain",
    "contend",
    "allege",
    "report",
    "write",
    "tweet",
    "reply",
    "respond",
    "repeat",
    "reiterate",
    "concede",
    "complain",
    "praise",
    "condemn",
    "describe",
    "call",
    "ask",
    "demand",
    "propose",
    "recommend",
    "believe",
    "estimate",
    "recall",
    "point",
    "indicate",
    "signal",
    "hint",
    "boast",
    "joke",
    "lament",
    "caution",
    "dismiss",
    "reject",
    "blame",
    "welcome",
    "rail",
    "blast",
    "slam",
    "decline",
    "refuse",
    "offer",
    "disclose",
    "reveal",
    "agree",
    "mention",
    "observe",
    "remark",
    "conclude",
    "counter",
    "retort",
    "testify",
    "concur",
    "assure",
    "inform",
    "advise",
    "forecast",
    "speculate",
}
# Verbs that need a clausal complement to count (too common as plain verbs otherwise).
CLAUSE_ONLY = {
    "call",
    "point",
    "ask",
    "offer",
    "agree",
    "add",
    "believe",
    "see",
    "know",
    "find",
    "show",
    "think",
    "feel",
    "hope",
    "expect",
    "write",
    "decline",
    "refuse",
    "report",
    "rail",
    "welcome",
    "reject",
    "signal",
    "mention",
}
CONTENT_PREPS = {"as", "for", "of", "about", "on", "over", "against", "to", "that"}
MIN_CUE_RATE = float(os.environ.get("ONRECORD_MIN_CUE_RATE", "0.35"))
WEAK_CUE_RATE = 0.15
STRONG_CUE_RATE = 0.5  # below this, a cue needs a source that can speak
CUE_THRESHOLD = float(os.environ.get("ONRECORD_CUE_THRESHOLD", "0.55"))  # chosen on dev
SUBJECTS = {"nsubj", "nsubjpass", "csubj"}
RELATIVE = {"who", "that", "which", "whom"}


@lru_cache(maxsize=1)
def cue_rates() -> dict[str, float]:
    """Cue verbs with their cue rate in PolNeAR train (``data/cues.tsv``); SPEECH_VERBS at 1."""
    rates: dict[str, float] = {}
    path = resources.files("onrecord") / "data" / "cues.tsv"
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            lemma, rate = line.split("\t")[:2]
            rates[lemma] = float(rate)
    rates.update({lemma: 1.0 for lemma in SPEECH_VERBS})
    return rates


@lru_cache(maxsize=1)
def cue_lemmas() -> frozenset[str]:
    """Lemmas that are cues in any construction (rate at least MIN_CUE_RATE)."""
    return frozenset(lemma for lemma, rate in cue_rates().items() if rate >= MIN_CUE_RATE)


@dataclass
class Quote:
    """A top-level quotation: one span per paragraph it covers, marks included."""

    spans: list[Span]

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]


@dataclass
class Found:
    """A statement as found, before speakers are resolved."""

    source: list[Token]
    cue: list[Token]
    content: list[Span]
    quotes: list[Quote] = field(default_factory=list)
    phrase: list[Token] | None = None  # the source as annotators mark it, where known


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
        for i, ch in enumerate(line):
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


def _words(doc: Doc, start: int, end: int) -> list[Token]:
    span = doc.char_span(start, end, alignment_mode="expand")
    return [t for t in span if not t.is_space] if span is not None else []


def tokens_in(doc: Doc, spans: list[Span]) -> list[Token]:
    """The tokens (no whitespace) that character spans touch, in span order."""
    return [t for s, e in spans for t in _words(doc, s, e)]


def _is_cue(tok: Token) -> bool:
    """A cue verb: a lemma that is usually a cue, or sometimes one and here with a clause."""
    if tok.pos_ not in ("VERB", "AUX") or tok.dep_ == "aux":
        return False
    lemma = tok.lemma_.lower()
    if lemma in cue_lemmas():
        return True
    return cue_rates().get(lemma, 0.0) >= WEAK_CUE_RATE and any(
        c.dep_ == "ccomp" and c.i > tok.i for c in tok.children
    )


def _animate(source: list[Token]) -> bool:
    """Whether a source mention can speak: a person, organisation, group or pronoun."""
    from .speakers import ORG_NOUNS, PEOPLE_NOUNS, PERSON_NOUNS

    heads = [t for t in source if t.head not in source or t.head == t]
    head = heads[0] if heads else source[-1]
    if head.pos_ == "PRON":
        return head.lower_ not in ("it", "this", "that", "which")
    if head.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
        return True
    lemma = head.lemma_.lower()
    return lemma in PERSON_NOUNS or lemma in ORG_NOUNS or lemma in PEOPLE_NOUNS


def _subject(verb: Token) -> list[Token] | None:
    """The subject noun phrase of a cue verb, following conjunctions and relative clauses."""
    seen = 0
    while verb is not None and seen < 4:
        seen += 1
        for child in verb.children:
            if child.dep_ in SUBJECTS:
                if child.lower_ in RELATIVE and verb.dep_ == "relcl":
                    return _noun_phrase(verb.head)
                return _noun_phrase(child)
        if verb.dep_ in ("advcl", "dep") and verb.tag_ != "VBG":
            return None  # "when asked why ...": the subject of the clause is not the speaker
        if verb.dep_ in ("conj", "advcl", "xcomp", "dep") and verb.head is not verb:
            verb = verb.head  # "urged X ... and said"; "criticized ..., arguing that"
        elif verb.dep_ == "pcomp" and verb.tag_ == "VBG" and verb.head.head.pos_ == "VERB":
            verb = verb.head.head  # "responded by saying", "after saying"
        elif verb.dep_ == "relcl" and verb.head.pos_ in ("NOUN", "PROPN"):
            return None
        elif verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return _noun_phrase(verb.head)  # "Putin, saying that ..."
        else:
            return None
    return None


def _negated(verb: Token) -> bool:
    return any(c.dep_ == "neg" for c in verb.children)


DASHES = frozenset({"-", "--", "—", "–", "―"})


def _after_dateline(tokens: list[Token], head: Token) -> list[Token]:
    """The tokens after a dash before the head: the parse hangs a dateline on the name
    that follows it ("WASHINGTON -- President Obama", "BRUSSELS - European leaders")."""
    dashes = [
        k
        for k, t in enumerate(tokens)
        if 0 < t.i < head.i and t.text in DASHES and t.whitespace_ and t.nbor(-1).whitespace_
    ]  # spaced: "pro-Trump" is three tokens too
    return tokens[dashes[-1] + 1 :] if dashes else tokens


def _noun_phrase(head: Token) -> list[Token]:
    """A mention: the head with its left modifiers and tight right ones, no clauses."""
    if head.pos_ == "PRON":
        return [head]
    cut = {"relcl", "appos", "punct", "acl", "advcl", "cc", "conj", "prep"}
    left = head.left_edge
    right = head
    for child in head.rights:
        if child.dep_ in cut:
            if (
                child.dep_ == "prep"
                and child.lower_ not in ("with", "as", "like", "after", "before", "during", "since")
                and not any(t.text == "," for t in head.doc[head.i : child.i])
            ):
                right = child.right_edge
                continue
            if child.dep_ in ("appos", "conj") and child.pos_ in ("PROPN", "NOUN"):
                # "The state's campaign chairman, Phil Lovas,"; "Merkley and Brown"
                inner = _noun_phrase(child)
                right = inner[-1] if inner else child
                continue
            if child.dep_ == "cc" or (child.dep_ == "punct" and child.text in ",("):
                if child.text == "(":  # "Mike Pence (R-IN)"
                    close = next(
                        (t for t in head.doc[child.i : child.i + 10] if t.text == ")"), None
                    )
                    if close is not None:
                        right = close
                continue
            break
        right = child.right_edge
    tokens = [t for t in head.doc[left.i : right.i + 1] if not t.is_space]
    tokens = _after_dateline(tokens, head)
    while tokens and (tokens[0].is_punct or tokens[0].dep_ == "cc"):
        tokens.pop(0)
    while tokens and tokens[-1].is_punct:
        tokens.pop()
    return tokens


def _trim(tokens: list[Token]) -> list[Token]:
    """Drop space, commas and sentence-final punctuation at the edges, and a conjunction
    left dangling at the end ("... not complete and"); keep quote marks."""
    keep_edges = set(OPEN_MARKS + CLOSE_MARKS + STRAIGHT + "’‘'")
    while tokens and (
        tokens[0].is_space or (tokens[0].is_punct and tokens[0].text not in keep_edges)
    ):
        tokens = tokens[1:]
    while tokens and (
        tokens[-1].is_space
        or (tokens[-1].is_punct and tokens[-1].text not in keep_edges)
        or (tokens[-1].pos_ == "CCONJ" and len(tokens) > 1)
    ):
        tokens = tokens[:-1]
    return tokens


def _spans(tokens: list[Token]) -> list[Span]:
    """Character spans of runs of consecutive tokens (gaps split the content)."""
    spans: list[Span] = []
    tokens = sorted(set(tokens), key=lambda t: t.i)
    run: list[Token] = []
    for tok in tokens:
        if (
            run
            and tok.i != run[-1].i + 1
            and not all(t.is_space for t in tok.doc[run[-1].i + 1 : tok.i])
        ):
            spans.append(nlp.char_extent(run))
            run = []
        run.append(tok)
    if run:
        spans.append(nlp.char_extent(run))
    return spans


def _subtree(tok: Token) -> list[Token]:
    return list(tok.doc[tok.left_edge.i : tok.right_edge.i + 1])


def _content(verb: Token, wide: bool = False) -> list[Token]:
    """The reported content governed by a cue verb, from the parse.

    ``wide`` (for the cue model, which weighs each candidate) also takes the object of any
    preposition after the verb: "pointed to reports", "responded with attacks".
    """
    doc = verb.doc
    children = list(verb.children)
    clauses = [c for c in children if c.dep_ == "ccomp"]
    if clauses:
        return [t for c in clauses for t in _subtree(c)]
    for c in children:  # "calling for the United States to step up ...": the clause after "for"
        if (
            c.dep_ == "advcl"
            and c.i > verb.i
            and any(g.dep_ == "mark" and g.lower_ == "for" for g in c.children)
        ):
            return [t for t in _subtree(c) if not (t.head == c and t.dep_ == "mark")]
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
        return _subtree(pobj)
    if wide:
        for c in children:  # "Bolton was critical of Republicans who …": what of
            if c.dep_ == "acomp" and c.i > verb.i:
                for g in c.children:
                    obj = next((o for o in g.children if o.dep_ in ("pobj", "pcomp")), None)
                    if g.dep_ == "prep" and g.lower_ in ADJECTIVE_PREPS and obj is not None:
                        return _subtree(obj)
    return _inverted(verb) or []


ADJECTIVE_PREPS = frozenset({"of", "about", "on", "over", "toward", "towards", "with"})


def _inverted(verb: Token) -> list[Token] | None:
    """``CONTENT, X said.``: the clause the cue verb hangs off, before it, minus the cue; or,
    with the cue set off inside it, the whole clause around the cue ("Acts of protest, Mr.
    Obama said, are acts of patriotism": two pieces)."""
    head = verb.head
    if head is verb or verb.dep_ not in ("parataxis", "ccomp", "advcl", "conj"):
        return None
    if (
        verb.dep_ == "advcl"
        and head.i > verb.i
        and any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
    ):  # "As Breitbart News reported, the White House was …": the clause after
        return [t for t in _subtree(head) if t.i > verb.right_edge.i]
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
    return [t for t in _subtree(head) if t.i not in skip and t.i < verb.left_edge.i]


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
    return [t for t in _subtree(head) if not left - 1 <= t.i <= right + 1]


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
        sent = tok.sent
        head = tok.head
        while (
            head.dep_ not in ("ROOT",)
            and head.head is not head
            and head.pos_ not in ("VERB", "AUX")
        ):
            head = head.head
        clause = _subtree(head) if head.pos_ in ("VERB", "AUX") else list(sent)
        source = _noun_phrase(pobj)
        for end in dict.fromkeys((pobj.right_edge.i, _comma_after(pobj))):  # (once if no comma)
            # ("According to Rush Limbaugh, the move reeks …", parsed as Limbaugh's apposition)
            skip = set(range(tok.i, end + 1))
            content = _trim([t for t in clause if t.i not in skip and sent.start <= t.i < sent.end])
            if len([t for t in content if not t.is_punct]) >= 3:
                found.append(Found([t for t in source if t.i <= end], [tok, to], _spans(content)))
                break
    return found


def _comma_after(tok: Token) -> int:
    """The index of the last word before the first comma after ``tok`` in its subtree."""
    for t in tok.doc[tok.i : tok.right_edge.i + 1]:
        if t.text == ",":
            return t.i - 1
    return tok.right_edge.i


def _inside(pos: int, quotes: list[Quote]) -> Quote | None:
    for q in quotes:
        for s, e in q.spans:
            if s <= pos < e:
                return q
    return None


# a sentence end, but not the point of "Ms." / "Sen." / "U.S." / "D-Mo."
_SENTENCE_END = re.compile(
    r"(?<![A-Z])(?<!\b[A-Z][a-z])(?<!\b[A-Z][a-z]{2})(?<!\b[A-Z][a-z]{3})[.!?](?=\s|$)"
)


def _window_after(text: str, q: Quote, next_start: int) -> tuple[int, int]:
    end = q.end
    limit = min(next_start, len(text))
    nl = text.find("\n", end)
    if nl != -1:
        limit = min(limit, nl)
    m = _SENTENCE_END.search(text[end:limit])
    return end, end + m.end() if m else limit


def _window_before(text: str, q: Quote, prev_end: int) -> tuple[int, int]:
    start = q.start
    floor = max(prev_end, text.rfind("\n", 0, start) + 1)
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
    toks = _words(doc, *window)
    found = _cue_after(toks, comma)
    return found if found or not comma else _signed_by_name(toks)


def _cue_after(toks: list[Token], comma: bool) -> tuple[Token, list[Token]] | None:
    """The cue among the first words after a quotation, when its subject is there too."""
    inside = {t.i for t in toks}
    for n, tok in enumerate(toks[:9]):
        bare = (
            comma and tok.pos_ == "VERB" and all(c.dep_ in BARE_CUE_CHILDREN for c in tok.children)
        )
        if (_is_cue(tok) or bare) and tok.lemma_.lower() not in (
            "believe",
            "know",
            "think",
            "see",
            "find",
        ):
            subjects = [_noun_phrase(c) for c in tok.children if c.dep_ in SUBJECTS]
            subjects.append(_inverted_subject(tok))
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
            name = _trim(toks[:k])
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
    toks = _words(doc, *window)
    if len(toks) >= 2 and _is_dash(toks[0]) and toks[1].ent_type_ in ("PERSON", "ORG"):
        name = [t for t in toks[1:] if t.ent_type_ == toks[1].ent_type_ and t.ent_iob_ != "O"]
        name = [t for k, t in enumerate(name) if t.i == toks[1].i + k]
        return toks[0], name
    return None, None


# what opens a paragraph with a colon without anyone speaking
PAGE_LABELS = frozenset(
    "update updated correction corrections clarification note source sources credit "
    "watch video photo photos breaking exclusive analysis opinion live related read listen "
    "transcript warning disclaimer advertisement tags topics posted published editor".split()
)
_SPEAKER_COLON = re.compile(
    r"(?m)^[\"“]?([A-Z][A-Z.'’ -]{1,30}[A-Z]|[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,2}):"
    r"[ \t]+(\S[^\n]*)$"
)


def _speaker_colon(doc: Doc, text: str) -> list[Found]:
    """Transcripts and headlines: a paragraph opening ``WALLACE: …``, ``"PENCE: …"``,
    ``Poll: …`` (one word, not a page label such as "Update") or, with a name the parse
    knows, ``Rush Limbaugh: Hillary …`` is that speaker's."""
    found = []
    for para in re.finditer(_SPEAKER_COLON, text):
        name_start, name_end = para.span(1)
        source = _words(doc, name_start, name_end)
        colon = _words(doc, name_end, name_end + 1)
        content = _trim(_words(doc, *para.span(2)))
        name = para.group(1)
        if name.lower() in PAGE_LABELS:  # "Update: ...", "CLARIFICATION: ..."
            continue
        if not (name.isupper() or " " not in name or _named_elsewhere(doc, source)) and not all(
            t.ent_type_ in ("PERSON", "ORG") for t in source
        ):  # "Pence: ...", "Poll: ...", "Rush Limbaugh: ...", not "Stealth Over Health: ..."
            continue
        if source and colon and len(content) >= 2:
            found.append(Found(source, colon, _spans(content)))
    return found


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


def _quote_cue_before(doc: Doc, window: tuple[int, int], text: str) -> Token | None:
    """``Putin said: "..."``, ``he told reporters, "..."``: a cue just before the quote."""
    before = text[window[0] : window[1]].rstrip()
    toks = _words(doc, *window)
    if not toks:
        return None
    if not (before.endswith((":", ",")) or _is_cue(toks[-1])):
        return None
    for tok in reversed(toks[-8:]):
        if _is_cue(tok):
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
    words = _trim(words)
    return words if words and all(t.pos_ == "PROPN" for t in words) else None


def _reported_within(verb: Token, floor: int) -> bool:
    """Whether ``verb`` is itself part of what an earlier cue in the same sentence (after
    ``floor``) reports: in "Trump said Fox executives were calling “every 15 minutes.”",
    "calling" is inside what Trump said, and the quotation belongs to that mixed statement."""
    tok = verb
    while tok.head is not tok and tok.dep_ in ("ccomp", "xcomp", "conj"):
        head = tok.head
        if head.idx < floor:
            return False
        if tok.dep_ == "ccomp" and _is_cue(head):
            return True
        tok = head
    return False


def _sources_near(doc: Doc, start: int) -> list[Token] | None:
    """The subject of the last sentence before ``start`` when it is a person."""
    prev = [t for t in doc if t.idx < start and not t.is_space]
    if not prev:
        return None
    sent = prev[-1].sent
    root = sent.root
    for child in root.children:
        if child.dep_ in SUBJECTS and (
            child.ent_type_ == "PERSON" or child.lower_ in ("he", "she")
        ):
            return _noun_phrase(child)
    return None


def find(doc: Doc, collect: list | None = None, edges: bool = True) -> list[Found]:
    """All statements in ``doc`` (an article's analysis view), in text order.

    Reported speech is decided by the learned cue model when ``data/cue_model.json`` exists
    (:mod:`onrecord.cues`), else by the cue lexicon's rates. ``collect``, for training, receives
    every candidate verb (verb, source, content, spans) instead of the verb-pass statements.
    ``edges=False`` keeps the rules' content edges (the content model is trained on them).
    """
    text = nlp.text_of(doc)
    quotes = [q for q in find_quotes(text) if len(text[q.start : q.end].split()) >= 1]
    found: list[Found] = []
    # The cue model (or its training) looks at more candidates than the lexicon rules do.
    learned = cues.weights() is not None or collect is not None
    used_cues: set[int] = set()
    last: Found | None = None
    for k, q in enumerate(quotes):
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
            lead = _trim(_words(doc, *before))
            lead_text = text[before[0] : before[1]].rstrip()
            if (
                lead
                and not lead_text.endswith(":")
                and not _is_cue(lead[-1])
                and not (lead_text.endswith(",") and any(_is_cue(t) for t in lead))
            ):
                spans[0] = (lead[0].idx, spans[0][1])
        else:
            cue = cue_before
            source = (
                (_subject(cue) or _inverted_subject(cue) or _name_after(cue, q.start))
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
        if source and (words >= 2 or _split_after(text, q, quotes[k + 1 :], cue)):
            drawn = None
            if learned and collect is None and cue is not None:
                drawn = span_model.cue(cue, source, {t.i for t in tokens_in(doc, spans)})
                drawn = _without(drawn, source, cue) if drawn else None
            stmt = Found(source, drawn or [cue], spans, [q])
            found.append(stmt)
            used_cues.add(cue.i)
            last = stmt
            continue
        between = text[last.quotes[-1].end : q.start] if last and last.quotes else None
        # a short quote continues the last one only as a sentence of its own ("I would.")
        opens = between is not None and between.rstrip().endswith((".", "!", "?"))
        if words < 4 and not (opens and words >= 2):
            continue
        if last is not None and between is not None and _continues(between):
            last.content.extend(_with_link(text, last.quotes[-1].end, list(q.spans)))
            last.quotes.append(q)
            continue
        starts_para = q.start == 0 or text[: q.start].rstrip(" ").endswith("\n")
        if starts_para and words >= 8:
            source = _sources_near(doc, q.start)
            if source:
                stmt = Found(source, [], list(q.spans), [q])
                found.append(stmt)
                last = stmt
    taken = [Quote(list(f.content)) for f in found]  # content of quote statements
    quoted_tokens = {t.i for f in found for t in f.source + f.cue}
    for f in found:
        quoted_tokens.update(t.i for t in tokens_in(doc, f.content))
    for i in _candidates(doc, learned):
        tok = doc[i]
        if tok.i in used_cues or _negated(tok) or _inside(tok.idx, taken):
            continue
        clause = _nominal_clause(tok) if learned else None
        if learned:
            if (tok.pos_ not in ("VERB", "AUX") or tok.dep_ == "aux") and clause is None:
                continue
        elif not _is_cue(tok):
            continue
        agent = _agent(tok) if learned else None
        content = _subtree(clause) if clause is not None else _content(tok, wide=learned)
        if not content and agent is not None:
            subject = next(c for c in tok.children if c.dep_ == "nsubjpass")
            content = _noun_phrase(subject)
        if any(t.i in quoted_tokens for t in content):
            # "argued that X, in which Putin said, "…"": stop before the other statement
            first = min(t.i for t in content if t.i in quoted_tokens)
            content = [t for t in content if t.i < first]
            while content and (
                content[-1].is_punct
                or content[-1].pos_ in ("ADP", "PRON", "SCONJ")
                or content[-1].lower_ in RELATIVE
            ):
                content.pop()
        content = _trim(content)
        if all(t.pos_ in ("ADP", "PRON") for t in content if not t.is_punct):
            content = []  # "Readers wrote to us": whom, not what
        if len([t for t in content if not t.is_punct]) < (1 if learned else 2):
            spans = _after_colon(doc, text, tok, quotes)  # "Caddell continued: "The …""
            if not spans:
                continue
        else:
            spans = _spans(content)
        for q in quotes:  # a quotation opened inside the content runs to its end
            if (
                spans[0][0] <= q.start < spans[-1][1] < q.end
                and "\n" not in text[spans[-1][1] : q.end]
            ):
                spans[-1] = (spans[-1][0], q.end)
        if clause is not None:  # "Trump's claim that ...": the possessor speaks
            owner = next(c for c in tok.children if c.dep_ == "poss")
            source = _noun_phrase(owner)
        elif agent is not None:  # "The issue was first reported by The Washington Post"
            source = agent
        else:
            source = _subject(tok) or _inverted_subject(tok)
        if not source:
            continue
        rate = cue_rates().get(tok.lemma_.lower(), 0.0)
        if collect is not None:
            collect.append((tok, source, content, spans))
            continue
        if learned:  # (collect is None here: the model itself)
            if cues.score(cues.features(tok, source, content, rate)) < CUE_THRESHOLD:
                continue
        elif rate < STRONG_CUE_RATE and (not _animate(source) or tok.dep_ == "advcl"):
            # "tanks appeared ...", "Appearing on the panel, Putin ...": nobody speaking
            continue
        inner = [q for q in quotes if any(s <= q.start < e for s, e in spans)]
        cue, inside = None, tokens_in(doc, spans)
        if learned:  # the cue span model draws the cue's edges ("has also said about")
            cue = span_model.cue(tok, source, {t.i for t in inside})
        same = next((f for f in found if f.content and f.content[0] == spans[0]), None)
        if same is not None:  # a quote already found: this verb is its cue, if it had none
            if not same.cue:
                same.cue, same.source = cue or _cue_phrase(tok), source
            continue
        if cue and any(t in cue for t in inside):  # "accusing her of [being asleep]"
            rest = _trim([t for t in inside if t not in cue and t.i > cue[-1].i])
            spans = _spans(rest) if rest else spans
        found.append(Found(source, cue or _cue_phrase(tok), spans, inner))
    found.extend(_according_to(doc, text))
    found.extend(_speaker_colon(doc, text))
    if learned and collect is None and edges:
        redraw_contents(doc, found, quotes)
    found.sort(key=lambda f: f.content[0][0] if f.content else 0)
    return found


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
    """Let the content model (:func:`onrecord.spans.content`) redraw each content's edges,
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
    for k, f in enumerate(found):
        own = {t.i for t in tokens[k]}
        drawn = span_model.content(table, f.cue, f.phrase or f.source, tokens[k])
        drawn = _trim(drawn) if drawn else None  # edge punctuation as the rules leave it
        if drawn and not any(t.i not in own and quoted.get(t.i, {k}) - {k} for t in drawn):
            f.content = _spans(drawn)
            f.quotes = [q for q in quotes if any(s < q.end and q.start < e for s, e in f.content)]


def _agent(verb: Token) -> list[Token] | None:
    """The by-phrase of a passive verb with a subject: "X was reported by Y" gives Y."""
    if not any(c.dep_ == "nsubjpass" for c in verb.children):
        return None
    for c in verb.children:
        if c.dep_ == "agent":
            obj = next((g for g in c.children if g.dep_ == "pobj"), None)
            if obj is not None:
                return _noun_phrase(obj)
    return None


def _nominal_clause(tok: Token) -> Token | None:
    """For a noun with a possessor and a "that" clause ("Trump's claim that ..."), the clause."""
    if tok.pos_ != "NOUN" or not any(c.dep_ == "poss" for c in tok.children):
        return None
    for c in tok.children:
        if c.dep_ in ("acl", "ccomp", "relcl") and c.i > tok.i:
            if any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children):
                return c
    return None


def _after_colon(doc: Doc, text: str, verb: Token, quotes: list[Quote]) -> list[Span]:
    """``X said:`` then the words: the quotation that follows the colon (in the same or the
    next paragraph), else the rest of the paragraph."""
    nxt = verb.i + 1
    while nxt < len(doc) and doc[nxt].dep_ in ("prt", "advmod") and nxt - verb.i < 3:
        nxt += 1
    if nxt >= len(doc) or doc[nxt].text != ":":
        return []
    start = doc[nxt].idx + 1
    rest = text[start:]
    gap = len(rest) - len(rest.lstrip())
    for q in quotes:
        if q.start == start + gap:
            return list(q.spans)
    end = text.find("\n", start + gap)
    end = len(text) if end < 0 else end
    return [(start + gap, end)] if len(text[start + gap : end].split()) >= 2 else []


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


def _inverted_subject(verb: Token) -> list[Token] | None:
    """A subject placed after its verb (``," said Putin``) that the parse left unlabelled."""
    for child in verb.rights:
        if child.pos_ in ("PROPN", "NOUN", "PRON") and child.dep_ in (
            "dobj",
            "npadvmod",
            "attr",
            "nsubj",
        ):
            if child.pos_ == "PRON" or child.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
                return _noun_phrase(child)
    return None


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
    while verb.dep_ == "conj" and verb.head is not verb:  # "who joined ... and said"
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
    tokens = _after_dateline([t for t in phrase if not t.is_space and t.i not in aside], head)
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
        src = nlp.char_extent(f.source) if f.source else None
        phrase = f.phrase if f.phrase is not None else _source_phrase(doc, f)
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
