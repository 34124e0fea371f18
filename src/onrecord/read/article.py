"""An article from its original text: cleaned (leftovers marked), its metadata checked,
its language told, its id the hash of its original bytes (:func:`make_article`); the plain
text format (:func:`from_text`).

For plain text, the article text is the file decoded (the byte-order mark not part of it);
offsets point into that text. A value that cannot be used (a date that cannot be read, a
title that is a number) does not cost the article: it is left out and a note says so
(:func:`article_or_problems` turns the notes into ``Problem`` warnings before the article).
An article's text is at most :data:`MAX_CHARS` characters (what spaCy parses).
"""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Callable, Iterator
from datetime import date

from ..model import Article, Problem
from .clean import analysis_view, clean
from .dates import iso_date
from .text import IngestError, decode, shown, type_name, without_surrogates

MAX_CHARS = 1_000_000  # characters of one article: spaCy's limit for a text it parses
MAX_FIELD = 2_000  # characters of a title, outlet or URL: more is not metadata
METADATA_FIELDS = ("published", "outlet", "url", "title")


def article_id(data: bytes) -> str:
    """Stable id of an article: a hash of its original bytes (or text, UTF-8 encoded)."""
    return hashlib.sha256(data).hexdigest()[:16]


def _checked_fields(meta: dict, notes: list[str]) -> dict:
    """Title, outlet and URL of ``meta`` that are usable text; each other one noted."""
    origin = f" ({meta['metadata_from']})" if meta.get("metadata_from") else ""
    fields = {}
    for key in ("title", "outlet", "url"):
        value = meta.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            notes.append(f"{key}{origin} is {type_name(value)}, not text; kept without one")
            continue
        value = without_surrogates(value.strip(), key, notes)
        if len(value) > MAX_FIELD:
            notes.append(
                f"{key}{origin} is {len(value):,} characters long (limit {MAX_FIELD:,}); "
                "kept without one"
            )
        elif value:
            fields[key] = value
    return fields


def _published(meta: dict, printed: str | None, line: int | None):
    """(date, where it came from, reasons) for an article: ``meta``'s ``published``, else the
    date printed on the page; for each value that cannot be read, the reason, and the next
    one is tried."""
    candidates = []
    value = meta.get("published")
    if value is not None and value != "":
        source = meta.get("published_from") or "metadata"
        origin = {"html": " (in the page's metadata)"}.get(source, "")
        if meta.get("metadata_from"):
            origin = f" ({meta['metadata_from']})"
        candidates.append((value, source, origin))
    if printed:
        candidates.append((printed, "text", f" (printed on line {line})" if line else ""))
    refused = []
    for value, source, origin in candidates:
        if isinstance(value, date):
            return value.isoformat()[:10], source, refused
        if not isinstance(value, str):
            refused.append(f"published{origin} is {type_name(value)}, not a date")
            continue
        try:
            return iso_date(value), source, refused
        except IngestError as err:
            refused.append(f"published {shown(value)}{origin} {err}")
    return None, None, refused


def make_article(
    text: str,
    *,
    path: str | None = None,
    raw: bytes | None = None,
    check_language: bool = True,
    notes: list[str] | None = None,
    **meta,
) -> Article:
    """Build an article from its original text: clean it, fill in metadata, check it.

    Metadata given by the caller (sidecar, JSON fields, HTML meta) wins over what the text
    itself suggests. Raises :class:`IngestError` for empty, too long or non-English text. A
    metadata value that cannot be used (wrong type, too long, a date :func:`iso_date`
    refuses) is left out and a line saying so goes to ``notes`` (without ``notes``: a
    :class:`UserWarning`); the article is kept.
    """
    own_notes: list[str] = []
    text = without_surrogates(text, "text", own_notes)
    if not text.strip():
        raise IngestError("empty: no text")
    if len(text) > MAX_CHARS:
        raise IngestError(f"too long ({len(text):,} characters; limit {MAX_CHARS:,} an article)")
    cleaned = clean(text)
    fields = _checked_fields(meta, own_notes)
    title = fields.get("title")
    if not title and cleaned.title_span:
        title = text[cleaned.title_span[0] : cleaned.title_span[1]]
    published, published_from, refused = _published(meta, cleaned.published, cleaned.published_line)
    instead = f"; the date printed in the text ({published}) is used" if published else ""
    own_notes.extend(f"{reason}{instead or '; kept without one'}" for reason in refused)
    article = Article(
        id=article_id(raw if raw is not None else text.encode("utf-8")),
        text=text,
        path=path,
        url=fields.get("url"),
        title=title or None,
        outlet=fields.get("outlet") or cleaned.outlet or None,
        published=published,
        published_from=published_from,
        title_span=cleaned.title_span,
        skips=cleaned.skips,
    )
    view = analysis_view(text, cleaned.skips, cleaned.title_span)
    # the language first: text in a language the cleaning rules do not know (Chinese has no
    # spaces and no ASCII full stops) can look to them like nothing but leftovers
    article.language = detect_language(view if view.strip() else text) if check_language else "en"
    if article.language != "en":
        raise IngestError(f"not English (detected language: {article.language})")
    if not view.strip():
        raise IngestError("empty: nothing but page leftovers")
    if notes is None:
        for note in own_notes:
            warnings.warn(f"{path or 'text'}: {note}", UserWarning, stacklevel=2)
    else:
        notes.extend(own_notes)
    return article


_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # (not tabs and line breaks)


def detect_language(text: str) -> str:
    """ISO code of the text's language; "en" for texts too short to tell."""
    sample = " ".join(_CONTROLS.sub("", text).split())[:2000]
    if len(sample) < 80:
        return "en"
    if _english_function_words(sample) >= 0.3:
        return "en"  # plainly English: skip the slower statistical detector
    from langdetect import DetectorFactory, LangDetectException, detect_langs

    DetectorFactory.seed = 0
    try:
        best = detect_langs(sample)[0]
    except LangDetectException:
        return "en"
    return best.lang if best.prob > 0.8 else "en"


def _english_function_words(sample: str) -> float:
    """Share of words that are English function words (about 0.4-0.5 in English prose)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    words = re.findall(r"[a-z]+", sample.lower())
    if len(words) < 50:
        return 0.0
    return sum(w in STOP_WORDS for w in words) / len(words)


def from_text(
    data: bytes, *, path: str | None = None, notes: list[str] | None = None, **meta
) -> Article:
    """An article from a plain-text file's bytes."""
    return make_article(decode(data), path=path, raw=data, notes=notes, **meta)


def article_or_problems(
    build: Callable[[list[str]], Article], where: str
) -> Iterator[Article | Problem]:
    """The article ``build`` makes, after a warning for each note; or the reason it could not."""
    notes: list[str] = []
    try:
        article = build(notes)
    except IngestError as err:
        yield Problem(where, str(err))
        return
    for note in notes:
        yield Problem(where, note, warning=True)
    yield article
