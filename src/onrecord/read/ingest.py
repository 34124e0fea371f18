"""Read articles from files, folders and stdin: plain text, HTML, JSON Lines and WARC.

Each reader yields :class:`Article` objects with the original text untouched, or a
:class:`Problem` with a one-line reason for a source it cannot use (binary, empty,
undecodable, too large, not English, not a regular file). One bad source never stops the
others, and no input file ends in a traceback. A value that cannot be used (a date that
cannot be read, a title that is a number) does not cost the article: it is left out and a
``Problem`` marked ``warning`` says so, before the article.

Limits: a source is read up to :data:`MAX_BYTES`, gzip *after* decompression, and refused
once it holds more (a file by its size, stdin, gzip as it inflates); a WARC archive is read
as a stream, record by record, up to the same limit. Nothing bigger is ever read. An
article's text is at most :data:`MAX_CHARS` characters (what spaCy parses). FIFOs, devices
and sockets are refused by ``stat``, without being opened.

Offsets: for plain text, the article text is the file decoded (UTF-8; UTF-16 or UTF-32 with a
byte-order mark; the mark itself is not part of the text); for HTML (files, JSON Lines
``html`` fields, WARC responses) it is the main text trafilatura extracts, and offsets point
into that extracted text.

Publication dates from every source go through :func:`iso_date`, which stores them as
``YYYY-MM-DD`` (see there for the forms it reads).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import json
import os
import re
import stat
import sys
import warnings
import zlib
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from functools import partial
from pathlib import Path
from typing import BinaryIO

from ..model import Article, Problem
from .clean import analysis_view, clean

MAX_BYTES = 5_000_000
MAX_CHARS = 1_000_000  # characters of one article: spaCy's limit for a text it parses
MAX_FIELD = 2_000  # characters of a title, outlet or URL: more is not metadata
MAX_METADATA_BYTES = 100_000_000
TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
WARC_SUFFIXES = {".warc", ".arc"}
SIDECAR_NAMES = ("metadata.csv", "metadata.jsonl")
METADATA_FIELDS = ("published", "outlet", "url", "title")
METADATA_SUFFIXES = {".csv": ",", ".tsv": "\t", ".jsonl": None, ".ndjson": None}
NAME_COLUMNS = ("file", "filename", "path")
NOT_JSONL_AFTER = 5  # lines that are not JSON, with none that is, before a file is not JSONL


class IngestError(ValueError):
    """A source that cannot be turned into an article; the message is the reason."""


def article_id(data: bytes) -> str:
    """Stable id of an article: a hash of its original bytes (or text, UTF-8 encoded)."""
    return hashlib.sha256(data).hexdigest()[:16]


# --- publication dates ------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "jan january",
            "feb february",
            "mar march",
            "apr april",
            "may",
            "jun june",
            "jul july",
            "aug august",
            "sep sept september",
            "oct october",
            "nov november",
            "dec december",
        ),
        start=1,
    )
    for name in names.split()
}
# a time after the date, and its zone: "T10:00:00Z", " 10:00:00 +0000", ", 10:00 a.m. EDT"
_TIME = (
    r"(?:(?:[ T]|,\s*)(?:at\s+)?\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:[.,]\d+)?)?"
    r"\s*(?:[ap]\.?m\.?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?|[a-z]{2,5}(?:[+-]\d{1,2}(?::?\d{2})?)?)?)?"
)
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_ISO_FORM = re.compile(rf"(\d{{4}})([-/.])(\d{{1,2}})\2(\d{{1,2}}){_TIME}", re.I)
_BASIC_FORM = re.compile(rf"(\d{{4}})(\d{{2}})(\d{{2}})(?:{_TIME})?", re.I)
_NUMERIC_FORM = re.compile(rf"{_WEEKDAY}(\d{{1,2}})([-/.])(\d{{1,2}})\2(\d{{4}}){_TIME}", re.I)
_DAY_MONTH_FORM = re.compile(
    rf"{_WEEKDAY}(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?[\s-]+([a-z]+)\.?,?[\s-]+(\d{{4}}){_TIME}",
    re.I,
)
_MONTH_DAY_FORM = re.compile(
    rf"{_WEEKDAY}([a-z]+)\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}}){_TIME}", re.I
)
_NO_DAY = re.compile(r"(?:\d{4}(?:[-/.]\d{1,2})?|[a-z]+\.?,?\s+\d{4}|\d{1,2}[-/.]\d{4})", re.I)
_RELATIVE = re.compile(
    r"\b(?:yesterday|today|tonight|tomorrow|now|ago|last|next|this|past|recently|earlier|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b",
    re.I,
)


def iso_date(value: str) -> str:
    """A publication date as ``YYYY-MM-DD``; :class:`IngestError` with the reason otherwise.

    Read: ``2023-10-19`` (also with ``/`` or ``.``, or as ``20231019``), an ISO timestamp
    (``2023-10-19T10:00:00Z``, ``2023-10-19 10:00+02:00``: the date as written, whatever
    the zone), ``19 October 2023``, ``19 Oct. 2023``, ``October 19, 2023``, ``Thu, 19 Oct
    2023 10:00:00 +0000``, and ``19/10/2023`` or ``10/19/2023`` where the order is plain
    (one of the first two numbers is over 12, or both are the same). Refused, each with its
    reason: impossible dates (``2023-02-30``), ambiguous ones (``05/10/2023``: 5 October or
    May 10?), dates without a day (``October 2023``), relative ones (``yesterday``, ``last
    Tuesday``: a publication date must name its day; nothing is guessed from today's date)
    and anything else.
    """
    text = " ".join(value.split())
    if m := _ISO_FORM.fullmatch(text):
        year, month, day = m.group(1), m.group(3), m.group(4)
    elif m := _BASIC_FORM.fullmatch(text):
        year, month, day = m.groups()[:3]
    elif m := _NUMERIC_FORM.fullmatch(text):
        first, second, year = int(m.group(1)), int(m.group(3)), m.group(4)
        if first > 12 or first == second:
            day, month = first, second
        elif second > 12:
            month, day = first, second
        else:
            raise IngestError(
                f"is ambiguous ({first} {_month_name(second)} or {_month_name(first)} "
                f"{second}?); write it as YYYY-MM-DD"
            )
    elif (m := _DAY_MONTH_FORM.fullmatch(text)) and m.group(2).lower() in _MONTHS:
        day, month, year = m.group(1), _MONTHS[m.group(2).lower()], m.group(3)
    elif (m := _MONTH_DAY_FORM.fullmatch(text)) and m.group(1).lower() in _MONTHS:
        month, day, year = _MONTHS[m.group(1).lower()], m.group(2), m.group(3)
    elif _RELATIVE.search(text):
        raise IngestError("is a relative date: a publication date must name its day")
    elif _NO_DAY.fullmatch(text):
        raise IngestError("names no day")
    else:
        raise IngestError("is not a date (write it as YYYY-MM-DD)")
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError as err:
        raise IngestError(f"is not a valid date ({err})") from None


def _month_name(number: int) -> str:
    return date(2000, number, 1).strftime("%B")


def _shown(value: str, width: int = 40) -> str:
    """A value as quoted in a message: one line, at most ``width`` characters."""
    return repr(value if len(value) <= width else value[:width] + "…")


def _type_name(value: object) -> str:
    """What a value is, in the words of JSON."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


# --- building an article ----------------------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(value: str, what: str, notes: list[str]) -> str:
    """``value`` with each lone surrogate (from a JSON ``\\ud800`` escape) replaced by U+FFFD.

    Such a string cannot be encoded as UTF-8, so it could be neither hashed nor stored; one
    character for one keeps every offset.
    """
    found = len(_SURROGATE.findall(value))
    if not found:
        return value
    notes.append(f"{what} has {found} lone surrogate(s) (invalid UTF-16); replaced with U+FFFD")
    return _SURROGATE.sub("\ufffd", value)


def _checked_fields(meta: dict, notes: list[str]) -> dict:
    """Title, outlet and URL of ``meta`` that are usable text; each other one noted."""
    origin = f" ({meta['metadata_from']})" if meta.get("metadata_from") else ""
    fields = {}
    for key in ("title", "outlet", "url"):
        value = meta.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            notes.append(f"{key}{origin} is {_type_name(value)}, not text; kept without one")
            continue
        value = _without_surrogates(value.strip(), key, notes)
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
            refused.append(f"published{origin} is {_type_name(value)}, not a date")
            continue
        try:
            return iso_date(value), source, refused
        except IngestError as err:
            refused.append(f"published {_shown(value)}{origin} {err}")
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
    text = _without_surrogates(text, "text", own_notes)
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


# --- decoding ---------------------------------------------------------------------------

_BOMS = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _unicode_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark names, or UTF-16 without one: text in Latin letters
    stored as UTF-16 has a NUL in most of every second byte, and none in the others."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    head = data[:1024]
    if len(head) >= 16 and len(head) % 2 == 0:
        even, odd = head[0::2], head[1::2]
        if b"\x00" not in even and odd.count(0) > len(odd) / 2:
            return "utf-16-le"
        if b"\x00" not in odd and even.count(0) > len(even) / 2:
            return "utf-16-be"
    return None


def decode(data: bytes) -> str:
    """Decode a text file: UTF-8, or the Unicode encoding its byte-order mark names (UTF-16
    is also recognised without one); binary data is refused with a clear reason."""
    if not data.strip():
        raise IngestError("empty file")
    encoding = _unicode_encoding(data)
    if encoding is None and b"\x00" in data[:8192]:
        raise IngestError("binary file (contains NUL bytes)")
    try:
        text = data.decode(encoding or "utf-8")
    except UnicodeDecodeError as err:
        name = {"utf-8-sig": "UTF-8"}.get(encoding or "utf-8", (encoding or "utf-8").upper())
        raise IngestError(
            f"not valid {name.replace('-LE', '').replace('-BE', '')} "
            f"(byte 0x{data[err.start]:02x} at offset {err.start})"
        ) from None
    if "\x00" in text[:8192]:
        raise IngestError("binary file (contains NUL characters)")
    if not text.strip():
        raise IngestError("empty file")
    return text


# --- formats ----------------------------------------------------------------------------


def from_html(
    html: bytes | str, *, path: str | None = None, notes: list[str] | None = None, **meta
) -> Article:
    """An article from an HTML page: main text, title, date and site name via trafilatura."""
    import trafilatura

    raw = html.encode("utf-8", "surrogatepass") if isinstance(html, str) else html
    if isinstance(html, bytes):
        encoding = _unicode_encoding(html)
        if encoding is None and b"\x00" in html[:8192]:
            raise IngestError("binary file (contains NUL bytes)")
        html = html.decode(encoding or "utf-8", errors="replace")
    html = _SURROGATE.sub("\ufffd", html)
    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    if doc is None or not (doc.text or "").strip():
        raise IngestError("no article text found in the HTML")
    found = {
        "title": doc.title,
        "published": doc.date,
        "published_from": "html" if doc.date else None,
        "outlet": doc.sitename,
        "url": doc.url,
    }
    given = {k: v for k, v in meta.items() if v is not None and v != ""}
    if "published" in given:
        found["published_from"] = None
    found.update(given)
    return make_article(doc.text, path=path, raw=raw, notes=notes, **found)


def from_text(
    data: bytes, *, path: str | None = None, notes: list[str] | None = None, **meta
) -> Article:
    """An article from a plain-text file's bytes."""
    return make_article(decode(data), path=path, raw=data, notes=notes, **meta)


def _one(build: Callable[[list[str]], Article], where: str) -> Iterator[Article | Problem]:
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


def _record_article(record: object, path: str, notes: list[str]) -> Article:
    """The article of one JSON Lines record: ``text`` or ``html``, and metadata fields."""
    if not isinstance(record, dict):
        raise IngestError(f"a JSON Lines record must be an object, not {_type_name(record)}")
    for key in ("text", "html"):
        if record.get(key) is not None and not isinstance(record[key], str):
            raise IngestError(f"'{key}' is {_type_name(record[key])}, not text")
    fields = {k: record[k] for k in METADATA_FIELDS if record.get(k) not in (None, "")}
    if record.get("date") not in (None, "") and "published" not in fields:
        fields["published"] = record["date"]
    if (record.get("text") or "").strip():
        return make_article(record["text"], path=path, notes=notes, **fields)
    if (record.get("html") or "").strip():
        return from_html(record["html"], path=path, notes=notes, **fields)
    if "text" in record or "html" in record:
        raise IngestError("empty: the record's 'text' and 'html' hold no text")
    raise IngestError("record has neither 'text' nor 'html'")


def _json(line: str):
    """A JSON value, or :class:`IngestError` with a one-line reason."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as err:
        raise IngestError(f"invalid JSON: {err.msg} (column {err.colno})") from None
    except RecursionError:
        raise IngestError("invalid JSON: nested too deeply") from None
    except ValueError as err:  # e.g. an integer of more than 4,300 digits
        raise IngestError(f"invalid JSON: {str(err).split(';')[0]}") from None


def read_jsonl(data: bytes, path: str) -> Iterator[Article | Problem]:
    """One article per line; a bad line is a problem of its own (``path#L<n>``). A file
    whose first :data:`NOT_JSONL_AFTER` lines are none of them JSON is not JSON Lines at all
    (a WARC or a text named .jsonl): one line says so, not one for each of its lines."""
    text = decode(data)
    held: list[tuple[int, Problem]] | None = []  # the bad lines before the first good one
    for lineno, line in enumerate(text.split("\n"), start=1):  # (not at U+2028: JSON allows it)
        if not line.strip():
            continue
        where = f"{path}#L{lineno}"
        try:
            record = _json(line)
        except IngestError as err:
            if held is None:
                yield Problem(where, str(err))
                continue
            held.append((lineno, Problem(where, str(err))))
            if len(held) == NOT_JSONL_AFTER:
                first, problem = held[0]
                yield Problem(
                    path,
                    f"not JSON Lines: none of its first {NOT_JSONL_AFTER} lines is JSON "
                    f"(line {first}: {problem.reason})",
                )
                return
            continue
        yield from (problem for _, problem in held or ())
        held = None
        yield from _one(partial(_record_article, record, where), where)
    yield from (problem for _, problem in held or ())


class _NoMessage:
    """Stands in for warcio's warning text: ``format`` gives nothing to print."""

    def format(self, *args) -> str:
        return ""


def _warc_records(fh: BinaryIO):
    """warcio's record iterator, with its warning about a record whose Content-Length does
    not match what follows counted (``err_count``) instead of printed to stderr."""
    from warcio.archiveiterator import ArchiveIterator

    class Records(ArchiveIterator):
        INC_RECORD = _NoMessage()

    return Records(fh)


def _warc_error(err: Exception) -> str:
    """What is wrong with an archive whose next record warcio cannot parse."""
    if isinstance(err, EOFError):
        return "cut short: the archive ends inside compressed data"
    if isinstance(err, zlib.error | gzip.BadGzipFile):
        return f"corrupt compressed data ({err})"
    if isinstance(err, AttributeError):  # warcio reads the target URI of a record without one
        return "a record without a WARC-Target-URI (corrupt or truncated archive)"
    lines = str(err).strip().splitlines() or [type(err).__name__]
    return lines[0]


class _Inflated(io.RawIOBase):
    """What gzip data (one member, or one a record) inflates to, as a stream, inflated as it
    is read. (``gzip.GzipFile`` gives up on what it already inflated when the data is cut
    short; here the stream ends with an EOFError after everything that could be read.)"""

    CHUNK = 65536

    def __init__(self, source: BinaryIO) -> None:
        self.source, self.inflate, self.rest = source, zlib.decompressobj(31), b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while True:
            if self.inflate.eof:  # the end of a member: another, or the end
                data = self.inflate.unused_data or self.source.read(self.CHUNK)
                if not data:
                    return 0
                if len(data) < 2:  # (a member's first byte at the end of a chunk)
                    data += self.source.read(self.CHUNK)
                if not data.startswith(b"\x1f\x8b"):
                    raise zlib.error("bytes after the compressed data that are not gzip")
                self.inflate, self.rest = zlib.decompressobj(31), data
            data = self.rest or self.source.read(self.CHUNK)
            if not data:
                raise EOFError("the data ends inside a gzip member")
            out = self.inflate.decompress(data, len(buffer))
            self.rest = self.inflate.unconsumed_tail
            if out:
                buffer[: len(out)] = out
                return len(out)


class _Capped(io.RawIOBase):
    """At most ``limit`` bytes of ``source``, as a stream; ``over`` tells, once they are
    read, whether ``source`` had more. Where ``source`` fails (gzip data cut short or
    corrupt), the stream ends there and ``error`` keeps the reason: warcio would take an
    EOFError for the end of the archive and say nothing."""

    def __init__(self, source: BinaryIO, limit: int) -> None:
        self.source, self.left, self.position, self.over = source, limit, 0, False
        self.error: str | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.error:
            return 0
        try:
            if self.left <= 0:
                self.over = self.over or bool(self.source.read(1))
                return 0
            data = self.source.read(min(len(buffer), self.left))
        except (OSError, EOFError, zlib.error) as err:
            self.error = _warc_error(err)
            return 0
        buffer[: len(data)] = data
        self.left -= len(data)
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position


def _warc_article(payload: bytes, where: str, url: str | None, found: list[str], notes):
    notes.extend(found)
    return from_html(payload, path=where, notes=notes, url=url)


def read_warc(source: bytes | BinaryIO, path: str) -> Iterator[Article | Problem]:
    """HTML responses of a WARC archive (a file object, read as a stream, or bytes), each an
    article with its target URI (``path#<n>`` for record n).

    The archive is read through gzip here, where it is compressed (one stream or a member a
    record), and at most :data:`MAX_BYTES` of what that gives: an archive that inflates past
    the limit ends there with a line that says so, after the records before it. A record
    that is cut short is kept with a warning; a corrupt one ends the archive with a line
    that says what is wrong.
    """
    fh = io.BytesIO(source) if isinstance(source, bytes) else source
    compressed = fh.read(2) == b"\x1f\x8b"
    fh.seek(0)
    capped = _Capped(_Inflated(fh) if compressed else fh, MAX_BYTES)
    stream = io.BufferedReader(capped)
    too_large = Problem(
        path,
        f"too large{' when decompressed' if compressed else ''} (over "
        f"{MAX_BYTES / 1e6:g} MB); the rest of the archive was not read",
    )
    head = stream.peek(64)[:64]
    if capped.error and not head:
        yield Problem(path, f"unreadable: {capped.error}")
        return
    if not head.strip():
        yield Problem(path, "empty file")
        return
    if not head.startswith((b"WARC/", b"filedesc://")):
        start = head[:30].decode("utf-8", "replace").split("\n")[0]
        yield Problem(path, f"not a WARC archive (it begins {start!r}, not 'WARC/')")
        return
    records = _warc_records(stream)
    n, short = 0, 0
    while True:
        n += 1
        where = f"{path}#{n}"
        try:
            record = next(records)
        except StopIteration:
            if capped.over:
                yield too_large
            elif capped.error and not short:  # (a record cut short has said so already)
                rest = "; the rest of the archive was not read" if n > 1 else ""
                yield Problem(where, f"unreadable WARC record: {capped.error}{rest}")
            return
        except Exception as err:  # warcio raises many types for a corrupt archive
            rest = "; the rest of the archive was not read" if n > 1 else ""
            yield (
                too_large
                if capped.over
                else Problem(
                    where, f"unreadable WARC record: {capped.error or _warc_error(err)}{rest}"
                )
            )
            return
        ctype = record.http_headers.get_header("Content-Type") if record.http_headers else ""
        if record.rec_type != "response" or "html" not in (ctype or ""):
            continue
        url = record.rec_headers.get_header("WARC-Target-URI")
        try:
            payload = record.content_stream().read()
            before = records.err_count
            records.read_to_end()  # (where the iterator finds a wrong Content-Length)
        except Exception as err:
            yield (
                too_large
                if capped.over
                else Problem(where, f"unreadable WARC record: {capped.error or _warc_error(err)}")
            )
            return
        found = []
        short = getattr(record.raw_stream, "limit", 0)  # what the archive lacks of the record
        if short and capped.over:  # cut short by the limit, not by the archive
            yield too_large
            return
        if short:
            found.append(
                f"truncated: the archive ends {short:,} bytes before the record does; "
                "kept what there is"
            )
        elif records.err_count > before:
            found.append("the record's Content-Length does not match its content; kept as read")
        yield from _one(partial(_warc_article, payload, where, url, found), where)


# --- metadata files ---------------------------------------------------------------------


def load_sidecar(path: Path) -> dict[str, dict]:
    """Metadata per file name from a CSV or TSV (a ``file``, ``filename`` or ``path`` column)
    or a JSON Lines file (the same keys), UTF-8 encoded.

    A metadata file is used whole or not at all: :class:`IngestError` names the reason (and
    the line) for one that cannot be read. Each entry remembers its line as
    ``metadata_from``, so that a value that proves unusable can be named with it.
    """
    suffix = path.suffix.lower()
    if suffix not in METADATA_SUFFIXES:
        raise IngestError(
            f"unsupported metadata format {suffix or path.name!r} (use .csv, .tsv or .jsonl)"
        )
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise IngestError(f"not a regular file ({_file_type(info.st_mode)})")
        if info.st_size > MAX_METADATA_BYTES:
            raise IngestError(f"too large ({info.st_size / 1e6:.1f} MB)")
        data = path.read_bytes()
    except OSError as err:
        raise IngestError(f"unreadable: {err.strerror or err}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise IngestError(
            f"not valid UTF-8 (byte 0x{data[err.start]:02x} on line {line}); save it as UTF-8"
        ) from None
    if not text.strip():
        return {}  # no entries: the files are read without metadata
    rows = _csv_rows(text, METADATA_SUFFIXES[suffix]) if METADATA_SUFFIXES[suffix] else None
    rows = rows if rows is not None else _jsonl_rows(text)
    table = {}
    for lineno, row in rows:
        name = next((row[k] for k in NAME_COLUMNS if row.get(k) not in (None, "")), None)
        if name is None:
            continue
        if not isinstance(name, str):
            raise IngestError(f"line {lineno}: the file name is {_type_name(name)}, not text")
        entry = {k: row[k] for k in METADATA_FIELDS if row.get(k) not in (None, "")}
        entry["metadata_from"] = f"{path} line {lineno}"
        table[Path(name.strip()).name] = entry
    return table


def _csv_rows(text: str, delimiter: str) -> list[tuple[int, dict]]:
    """(line number, row) of a CSV or TSV file with a file-name column. A value may be as
    long as the file (one too long for its field is named where it is used); a value over
    several lines is refused: none of the fields holds a line break, and it is what an
    unclosed quote makes of the rows after it."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    limit = csv.field_size_limit(max(len(text), 131_072))  # (a process-wide setting)
    first = 1
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        if not header:
            raise IngestError("empty: no header line")
        if not set(header) & set(NAME_COLUMNS):
            hint = (
                "; it looks tab-separated: name it .tsv"
                if delimiter == "," and "\t" in text.split("\n", 1)[0]
                else ""
            )
            raise IngestError(
                "no 'file', 'filename' or 'path' column "
                f"(the columns are: {', '.join(map(repr, header))}){hint}"
            )
        rows = []
        first = reader.line_num + 1
        for cells in reader:
            if any("\n" in c or "\r" in c for c in cells):
                raise IngestError(
                    f"line {first}: a value runs over several lines (an unclosed quote?)"
                )
            if any(c.strip() for c in cells):
                cells = [c.strip() for c in cells]
                rows.append((first, dict(zip(header, cells, strict=False))))
            first = reader.line_num + 1
    except csv.Error as err:
        raise IngestError(f"line {first}: {err}") from None
    finally:
        csv.field_size_limit(limit)
    return rows


def _jsonl_rows(text: str) -> list[tuple[int, dict]]:
    """(line number, record) of a JSON Lines metadata file; each record an object."""
    rows = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            row = _json(line)
        except IngestError as err:
            raise IngestError(f"line {lineno}: {err}") from None
        if not isinstance(row, dict):
            raise IngestError(f"line {lineno}: a record must be an object, not {_type_name(row)}")
        rows.append((lineno, row))
    if rows and not any(k in row for _, row in rows for k in NAME_COLUMNS):
        raise IngestError("no record has a 'file', 'filename' or 'path' key")
    return rows


def _meta_for(table: dict[str, dict], path: Path) -> dict | None:
    """The entry of ``table`` for a file: by its name, its name without ``.gz``, or its stem
    (an entry written ``a`` or ``a.txt`` serves ``a.txt`` and ``a.txt.gz``)."""
    name = path.name
    plain = name[:-3] if name.lower().endswith(".gz") else name
    for key in (name, plain, Path(plain).stem):
        if key in table:
            return table[key]
    return None


# --- files, folders and stdin -----------------------------------------------------------

_FILE_TYPES = (
    (stat.S_ISFIFO, "FIFO"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISDIR, "folder"),
)


def _file_type(mode: int) -> str:
    return next((name for test, name in _FILE_TYPES if test(mode)), "special file")


def _kind(path: Path, data: bytes) -> str:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    suffix = Path(name).suffix
    if suffix in WARC_SUFFIXES:
        return "warc"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in HTML_SUFFIXES:
        return "html"
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "text"


def _gunzip(data: bytes) -> bytes:
    """gzip data decompressed, reading at most :data:`MAX_BYTES` + 1 bytes of it: a small
    file that decompresses to gigabytes is refused after the limit, not after the whole."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
            out = fh.read(MAX_BYTES + 1)
    except EOFError:
        raise IngestError("truncated gzip file (it ends inside the compressed data)") from None
    except gzip.BadGzipFile as err:
        if str(err).startswith("Not a gzipped file"):  # (only after a first member)
            err = "bytes after the compressed data that are not gzip"
        raise IngestError(f"corrupt gzip data ({err})") from None
    except (OSError, zlib.error) as err:
        raise IngestError(f"corrupt gzip data ({err})") from None
    if len(out) > MAX_BYTES:
        raise IngestError(f"too large when decompressed (over {MAX_BYTES / 1e6:g} MB)")
    return out


def read_bytes(
    data: bytes, path: str, kind: str | None = None, meta: dict | None = None
) -> Iterator[Article | Problem]:
    """Articles (or problems) from one source's bytes (gzip data is decompressed first)."""
    meta = meta or {}
    try:
        if len(data) > MAX_BYTES:
            raise IngestError(f"too large (over {MAX_BYTES / 1e6:g} MB)")
        if (kind or _kind(Path(path), b"")) == "warc":  # (warc.gz: read_warc inflates it)
            yield from read_warc(data, path)
            return
        for _ in range(3):  # (a.txt.gz.gz: gzip of gzip)
            if data[:2] == b"\x1f\x8b":
                data = _gunzip(data)
        kind = kind or (_sniff_stdin(data) if path == "-" else _kind(Path(path), data))
        if kind == "jsonl":
            yield from read_jsonl(data, path)
        elif kind == "warc":
            yield from read_warc(data, path)
        elif kind == "html":
            yield from _one(lambda notes: from_html(data, path=path, notes=notes, **meta), path)
        else:
            yield from _one(lambda notes: from_text(data, path=path, notes=notes, **meta), path)
    except IngestError as err:
        yield Problem(path, str(err))


def _sniff_stdin(data: bytes) -> str:
    head = data.lstrip()[:1]
    if head == b"{":
        return "jsonl"
    if head == b"<":
        return "html"
    return "text"


def _display(path: Path | str) -> str:
    """A path as text that can be printed and stored: bytes of a file name that are not UTF-8
    (kept by Python as lone surrogates, which cannot be encoded) become U+FFFD."""
    return os.fsencode(path).decode("utf-8", "replace")


_LOOKED_FOR = (
    ", ".join(sorted(TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | WARC_SUFFIXES))
    + " and those ending in .gz"
)


def iter_files(paths: Iterable[str]) -> Iterator[tuple[str, Path | None, bool] | Problem]:
    """(name to show, Path, found in a folder) for each file under the given paths, folders
    recursively (symbolic links to folders are not followed), ``(-, None, False)`` for stdin;
    a :class:`Problem` for a path that does not exist, an unreadable folder, or a folder with
    no article files in it."""
    for given in paths:
        if given == "-":
            yield "-", None, False
            continue
        path = Path(given)
        try:
            is_dir = stat.S_ISDIR(os.stat(path).st_mode)
        except FileNotFoundError:
            broken = os.path.islink(path)
            yield Problem(_display(given), "broken symbolic link" if broken else "no such file")
            continue
        except OSError as err:
            yield Problem(_display(given), f"unreadable: {err.strerror or err}")
            continue
        if not is_dir:
            yield _display(given), path, False
            continue
        found, problems = _walk(path)
        yield from problems
        if not found and not problems:
            yield Problem(_display(given), f"no article files found (looked for {_LOOKED_FOR})")
        for child in sorted(found):
            yield _display(child), child, True


def _walk(top: Path) -> tuple[list[Path], list[Problem]]:
    """The article files under ``top`` (by name), and a problem for each folder that cannot
    be listed. A loop over a stack, not recursion: a tree thousands of folders deep is read
    like any other; links to folders are not followed (no cycles)."""
    found: list[Path] = []
    problems: list[Problem] = []
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(Path(entry.path))
                    elif _wanted(entry.name):
                        found.append(Path(entry.path))
        except OSError as err:
            problems.append(Problem(_display(folder), f"unreadable folder: {err.strerror or err}"))
    return found, problems


def _wanted(name: str) -> bool:
    name = name.lower()
    if name in SIDECAR_NAMES or name.startswith("."):
        return False
    suffixes = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | WARC_SUFFIXES
    base = name[:-3] if name.endswith(".gz") else name
    return Path(base).suffix in suffixes


def _open_regular(path: Path, listed: bool) -> BinaryIO:
    """``path`` opened for reading, once ``stat`` shows a regular file (a FIFO would block, a
    device never end); :class:`IngestError` otherwise."""
    gone = "vanished before it could be read" if listed else "no such file"
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise IngestError(f"not a regular file ({_file_type(info.st_mode)})")
        return open(path, "rb")  # noqa: SIM115 (the caller closes it)
    except FileNotFoundError:
        raise IngestError("broken symbolic link" if os.path.islink(path) else gone) from None
    except OSError as err:
        raise IngestError(f"unreadable: {err.strerror or err}") from None


def _read_file(name: str, path: Path, listed: bool, meta: dict) -> Iterator[Article | Problem]:
    """The articles of one file: a WARC archive as a stream, anything else read whole, at
    most :data:`MAX_BYTES` + 1 bytes of it."""
    try:
        fh = _open_regular(path, listed)
    except IngestError as err:
        yield Problem(name, str(err))
        return
    with fh:
        try:
            size = os.fstat(fh.fileno()).st_size
            if size <= MAX_BYTES and _kind(path, b"") == "warc":
                yield from read_warc(fh, name)
                return
            data = fh.read(MAX_BYTES + 1) if size <= MAX_BYTES else b""
        except OSError as err:
            yield Problem(name, f"unreadable: {err.strerror or err}")
            return
    if size > MAX_BYTES or len(data) > MAX_BYTES:
        size = max(size, len(data))
        yield Problem(name, f"too large ({size / 1e6:.1f} MB; limit {MAX_BYTES / 1e6:g} MB)")
        return
    yield from read_bytes(data, name, meta=meta)


def read_paths(
    paths: Iterable[str], metadata: dict[str, dict] | None = None
) -> Iterator[Article | Problem]:
    """Every article under ``paths`` (files, folders, ``-`` for stdin), in order.

    Metadata comes from ``metadata`` (file name -> fields, see :func:`load_sidecar`), else
    from a sidecar ``metadata.csv`` / ``metadata.jsonl`` beside each file. A sidecar that
    cannot be read is reported once, and the files beside it are read without it.
    """
    sidecars: dict[Path, dict[str, dict]] = {}
    for item in iter_files(paths):
        if isinstance(item, Problem):
            yield item
            continue
        name, path, listed = item
        if path is None:
            yield from read_bytes(sys.stdin.buffer.read(MAX_BYTES + 1), "-")
            continue
        meta = _meta_for(metadata or {}, path)
        if meta is None:
            folder = path.parent
            if folder not in sidecars:
                sidecars[folder] = {}
                for side in SIDECAR_NAMES:
                    if (folder / side).is_file():
                        try:
                            sidecars[folder] = load_sidecar(folder / side)
                        except IngestError as err:
                            yield Problem(
                                _display(folder / side),
                                f"{err}; the files beside it are read without it",
                            )
                        break
            meta = _meta_for(sidecars[folder], path) or {}
        yield from _read_file(name, path, listed, meta)
