"""Phrases from spaCy's parse that both passes of :mod:`onrecord.find.attribution` read.

The cue lexicon (verbs and their cue rates in PolNeAR train), a cue verb's subject, a
mention's noun phrase, a content's trimmed edges and character spans, and :class:`Found`, a
statement as the passes find it. Everything here works on spaCy tokens and is free of
decisions about which statement a word belongs to.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc, Token

from ..model import Span
from . import nlp
from .words import word_set

OPEN_MARKS = "“«„"
CLOSE_MARKS = "”»"
STRAIGHT = '"'

# Speech verbs a careful reader always counts, whatever the training data saw (the list is in
# data/words.toml, [phrases]).
SPEECH_VERBS = word_set("phrases", "speech_verbs")


MIN_CUE_RATE = float(os.environ.get("ONRECORD_MIN_CUE_RATE", "0.35"))
WEAK_CUE_RATE = 0.15


SUBJECTS = {"nsubj", "nsubjpass", "csubj"}
RELATIVE = word_set("phrases", "relative")  # "who", "that", ... (data/words.toml)
# the nouns of people and bodies, who may speak (data/words.toml, [speakers])
PERSON_NOUNS = word_set("speakers", "person_nouns")
PEOPLE_NOUNS = word_set("speakers", "people_nouns")
ORG_NOUNS = word_set("speakers", "org_nouns")
BODY_HEADS = word_set("speakers", "body_heads")  # words that end a body's name: "PAC"


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
    """A top-level quotation: one span per paragraph it covers, marks included (found by
    :func:`onrecord.find.quotes.find_quotes`; here because a :class:`Found` holds them)."""

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
    # the source is who the statement is about, not who made it: the subject of a passive
    # cue with no agent ("Moscow has been accused of …"); the models read it, no one speaks
    unnamed: bool = False
    # its edges need no second reading (the accurate mode's edge pass leaves them): the rules'
    # and the tagger's contents hold the same words, or the rules alone found it, quoted
    settled: bool = False
    # what the statement's confidence is read from (:mod:`onrecord.find.confidence`): the rule
    # that found it ("tagger" where the model alone did), the cue model's probability of its
    # cue (reported speech), the tagger's (where it read the text), and whether both found it
    rule: str = ""
    cue_score: float | None = None
    tagger_cue: float | None = None
    agreed: bool = False

    @property
    def speaking(self) -> list[Token]:
        """Who speaks, as the span models read it: nobody where the source is spoken of."""
        return [] if self.unnamed else self.phrase or self.source


def words_in(doc: Doc, start: int, end: int) -> list[Token]:
    span = doc.char_span(start, end, alignment_mode="expand")
    return [t for t in span if not t.is_space] if span is not None else []


def tokens_in(doc: Doc, spans: list[Span]) -> list[Token]:
    """The tokens (no whitespace) that character spans touch, in span order."""
    return [t for s, e in spans for t in words_in(doc, s, e)]


def is_cue(tok: Token) -> bool:
    """A cue verb: a lemma that is usually a cue, or sometimes one and here with a clause."""
    if tok.pos_ not in ("VERB", "AUX") or tok.dep_ == "aux":
        return False
    lemma = tok.lemma_.lower()
    if lemma in cue_lemmas():
        return True
    return cue_rates().get(lemma, 0.0) >= WEAK_CUE_RATE and any(
        c.dep_ == "ccomp" and c.i > tok.i for c in tok.children
    )


def animate(source: list[Token]) -> bool:
    """Whether a source mention can speak: a person, organisation, group or pronoun."""
    heads = [t for t in source if t.head not in source or t.head == t]
    head = heads[0] if heads else source[-1]
    if head.pos_ == "PRON":
        return head.lower_ not in ("it", "this", "that", "which")
    if head.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
        return True
    lemma = head.lemma_.lower()
    return lemma in PERSON_NOUNS or lemma in ORG_NOUNS or lemma in PEOPLE_NOUNS


def subject_of(verb: Token) -> list[Token] | None:
    """The subject noun phrase of a cue verb, following conjunctions and relative clauses."""
    seen = 0
    while verb is not None and seen < 4:
        seen += 1
        for child in verb.children:
            if child.dep_ in SUBJECTS:
                if child.lower_ in RELATIVE and verb.dep_ == "relcl":
                    phrase = [  # (up to the clause: "Democrats on Capitol Hill")
                        t
                        for t in noun_phrase(relative_antecedent(child, verb.head))
                        if t.i < child.i
                    ]
                    while phrase and phrase[-1].is_punct:
                        phrase.pop()
                    return phrase or None
                return noun_phrase(child)
        if verb.dep_ in ("advcl", "dep") and verb.tag_ != "VBG":
            return None  # "when asked why ...": the subject of the clause is not the speaker
        if verb.dep_ == "xcomp":  # "forced Stumpf to admit that": Stumpf admits (not
            # "using the tweet to mock": who used it)
            told = next((c for c in verb.head.children if c.dep_ == "dobj" and c.i < verb.i), None)
            if told is not None and animate(phrase := noun_phrase(told)):
                return phrase
        if verb.dep_ in ("conj", "advcl", "xcomp", "dep") and verb.head.i != verb.i:
            verb = verb.head  # "urged X ... and said"; "criticized ..., arguing that"
        elif verb.dep_ == "pcomp" and verb.tag_ == "VBG" and verb.head.head.pos_ == "VERB":
            verb = verb.head.head  # "responded by saying", "after saying"
        elif verb.dep_ == "relcl" and verb.head.pos_ in ("NOUN", "PROPN"):
            return None
        elif verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return noun_phrase(verb.head)  # "Putin, saying that ..."
        else:
            return None
    return None


def relative_antecedent(pronoun: Token, noun: Token) -> Token:
    """Whom a relative pronoun stands for, given the noun the parse hangs its clause on: a
    "who" is a person's, so where that noun is no person but the object of a phrase on a
    person or people ("nervous Democrats on Capitol Hill, who have argued", "a spokesman for
    the campaign, who said"), it is theirs; a noun in apposition to an organisation's name
    stands for it ("Conservative Solutions, a super PAC that backed …")."""
    generic = noun.pos_ == "NOUN" or noun.lower_ in ORG_NOUNS | BODY_HEADS  # ("a super PAC")
    if noun.dep_ == "appos" and generic and noun.head.ent_type_ == "ORG":
        return noun.head  # "Conservative Solutions, a super PAC that backed Mr. Rubio"
    if pronoun.lower_ not in ("who", "whom") or noun.dep_ != "pobj" or noun.ent_type_ == "PERSON":
        return noun
    owner = noun.head.head
    if owner.pos_ not in ("NOUN", "PROPN") or owner.i > noun.i:
        return noun
    lemma = owner.lemma_.lower()
    if owner.ent_type_ in ("PERSON", "NORP") or lemma in PERSON_NOUNS | PEOPLE_NOUNS:
        return owner
    return noun


def negated(verb: Token) -> bool:
    return any(c.dep_ == "neg" for c in verb.children)


DASHES = frozenset({"-", "--", "—", "–", "―"})


def after_dateline(tokens: list[Token], head: Token) -> list[Token]:
    """The tokens after a dash before the head: the parse hangs a dateline on the name
    that follows it ("WASHINGTON -- President Obama", "BRUSSELS - European leaders")."""
    dashes = [
        k
        for k, t in enumerate(tokens)
        if 0 < t.i < head.i and t.text in DASHES and t.whitespace_ and t.nbor(-1).whitespace_
    ]  # spaced: "pro-Trump" is three tokens too
    return tokens[dashes[-1] + 1 :] if dashes else tokens


def noun_phrase(head: Token) -> list[Token]:
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
                inner = noun_phrase(child)
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
    doc = head.doc
    if (
        right.i + 1 < len(doc)
        and doc[right.i + 1].text == ")"
        and _closes(list(doc[left.i : right.i + 2]))
    ):  # ("Rep. G.K. Butterfield (D-N.C.)": the parse hangs "D-N.C." on the name, not ")")
        right = doc[right.i + 1]
    tokens = [t for t in doc[left.i : right.i + 1] if not t.is_space]
    tokens = after_dateline(tokens, head)
    while tokens and (tokens[0].is_punct or tokens[0].dep_ == "cc"):
        tokens.pop(0)
    while tokens and tokens[-1].is_punct and not _closes(tokens):  # "Butterfield (D-N.C.)"
        tokens.pop()
    return tokens


def trim(tokens: list[Token]) -> list[Token]:
    """Drop space, commas and sentence-final punctuation at the edges, and a conjunction
    left dangling at the end ("... not complete and"); keep quote marks, and a closing
    bracket whose opening one is kept ("a range of 165 kilometers (102 miles)")."""
    keep_edges = set(OPEN_MARKS + CLOSE_MARKS + STRAIGHT + "’‘'")
    while tokens and (
        tokens[0].is_space or (tokens[0].is_punct and tokens[0].text not in keep_edges)
    ):
        tokens = tokens[1:]
    while tokens and (
        tokens[-1].is_space
        or (tokens[-1].is_punct and tokens[-1].text not in keep_edges and not _closes(tokens))
        or (tokens[-1].pos_ == "CCONJ" and len(tokens) > 1)
    ):
        tokens = tokens[:-1]
    return tokens


def _closes(tokens: list[Token]) -> bool:
    """Whether the last token closes a bracket opened among the others."""
    close = tokens[-1].text
    if close not in (")", "]"):
        return False
    opening = "(" if close == ")" else "["
    texts = [t.text for t in tokens]
    return texts.count(opening) >= texts.count(close)


def char_spans(tokens: list[Token]) -> list[Span]:
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


def subtree(tok: Token) -> list[Token]:
    return list(tok.doc[tok.left_edge.i : tok.right_edge.i + 1])


def inverted_subject(verb: Token) -> list[Token] | None:
    """A subject placed after its verb (``," said Putin``) that the parse left unlabelled;
    never the object of a gerund or of a verb with a predicate ("Asked about Trump's calling
    Hillary Clinton a bigot": Clinton is called, not calling)."""
    if verb.tag_ == "VBG" or any(c.dep_ == "oprd" for c in verb.children):
        return None
    for child in verb.rights:
        if child.pos_ in ("PROPN", "NOUN", "PRON") and child.dep_ in (
            "dobj",
            "npadvmod",
            "attr",
            "nsubj",
        ):
            if child.pos_ == "PRON" or child.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
                return noun_phrase(child)
    return None
