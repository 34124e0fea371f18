"""Read articles from files, folders and stdin: plain text, HTML, JSON Lines and WARC.

Each reader yields :class:`Article` objects with the original text untouched, or a
:class:`Problem` with a one-line reason for a source it cannot use (binary, empty,
undecodable, too large, not English). One bad source never stops the others.

Offsets: for plain text, the article text is the file decoded as UTF-8; for HTML (files,
JSON Lines ``html`` fields, WARC responses) it is the main text trafilatura extracts, and
offsets point into that extracted text.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from .clean import analysis_view, clean
from .model import Article, Problem

MAX_BYTES = 5_000_000
TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
WARC_SUFFIXES = {".warc", ".arc"}
SIDECAR_NAMES = ("metadata.csv", "metadata.jsonl")
METADATA_FIELDS = ("published", "outlet", "url", "title")


class IngestError(ValueError):
    """A source that cannot be turned into an article; the message is the reason."""


def article_id(data: bytes) -> str:
    """Stable id of an article: a hash of its original bytes (or text, UTF-8 encoded)."""
    return hashlib.sha256(data).hexdigest()[:16]


def make_article(
    text: str,
    *,
    path: str | None = None,
    raw: bytes | None = None,
    check_language: bool = True,
    **meta,
) -> Article:
    """Build an article from its original text: clean it, fill in metadata, check it.

    Metadata given by the caller (sidecar, JSON fields, HTML meta) wins over what the text
    itself suggests. Raises :class:`IngestError` for empty or non-English text.
    """
    if not text.strip():
        raise IngestError("empty: no text")
    cleaned = clean(text)
    title = meta.get("title")
    if not title and cleaned.title_span:
        title = text[cleaned.title_span[0] : cleaned.title_span[1]]
    published = meta.get("published")
    published_from = meta.get("published_from") or ("metadata" if published else None)
    if not published and cleaned.published:
        published, published_from = cleaned.published, "text"
    article = Article(
        id=article_id(raw if raw is not None else text.encode("utf-8")),
        text=text,
        path=path,
        url=meta.get("url") or None,
        title=title or None,
        outlet=meta.get("outlet") or cleaned.outlet or None,
        published=published or None,
        published_from=published_from if published else None,
        title_span=cleaned.title_span,
        skips=cleaned.skips,
    )
    view = analysis_view(text, cleaned.skips, cleaned.title_span)
    if not view.strip():
        raise IngestError("empty: nothing but page leftovers")
    article.language = detect_language(view) if check_language else "en"
    if article.language != "en":
        raise IngestError(f"not English (detected language: {article.language})")
    return article


def detect_language(text: str) -> str:
    """ISO code of the text's language; "en" for texts too short to tell."""
    sample = " ".join(text.split())[:2000]
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


def decode(data: bytes) -> str:
    """Decode bytes as UTF-8, refusing binary data with a clear reason."""
    if not data.strip():
        raise IngestError("empty file")
    if b"\x00" in data[:8192]:
        raise IngestError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise IngestError(
            f"not valid UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start})"
        ) from None


def from_html(html: bytes | str, *, path: str | None = None, **meta) -> Article:
    """An article from an HTML page: main text, title, date and site name via trafilatura."""
    import trafilatura

    raw = html.encode("utf-8") if isinstance(html, str) else html
    if isinstance(html, bytes):
        if b"\x00" in html[:8192]:
            raise IngestError("binary file (contains NUL bytes)")
        html = html.decode("utf-8", errors="replace")
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
    found.update({k: v for k, v in meta.items() if v})
    return make_article(doc.text, path=path, raw=raw, **found)


def from_text(data: bytes, *, path: str | None = None, **meta) -> Article:
    """An article from a plain-text file's bytes."""
    return make_article(decode(data), path=path, raw=data, **meta)


def _record_article(record: dict, path: str, **meta) -> Article:
    if not isinstance(record, dict):
        raise IngestError("a JSON Lines record must be an object")
    fields = {k: record.get(k) for k in METADATA_FIELDS if record.get(k)}
    if record.get("date") and not fields.get("published"):
        fields["published"] = record["date"]
    fields.update({k: v for k, v in meta.items() if v})
    if isinstance(record.get("text"), str) and record["text"].strip():
        return make_article(record["text"], path=path, **fields)
    if isinstance(record.get("html"), str) and record["html"].strip():
        return from_html(record["html"], path=path, **fields)
    raise IngestError("record has neither 'text' nor 'html'")


def read_jsonl(data: bytes, path: str) -> Iterator[Article | Problem]:
    """One article per line; a bad line is a problem of its own (``path#L<n>``)."""
    text = decode(data)
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}#L{lineno}"
        try:
            yield _record_article(json.loads(line), where)
        except json.JSONDecodeError as err:
            yield Problem(where, f"invalid JSON: {err.msg}")
        except IngestError as err:
            yield Problem(where, str(err))


def read_warc(data: bytes, path: str) -> Iterator[Article | Problem]:
    """HTML responses of a WARC archive, each an article with its target URI."""
    from warcio.archiveiterator import ArchiveIterator

    try:
        for n, record in enumerate(ArchiveIterator(io.BytesIO(data)), start=1):
            if record.rec_type != "response":
                continue
            ctype = record.http_headers.get_header("Content-Type") if record.http_headers else ""
            if "html" not in (ctype or ""):
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            where = f"{path}#{n}"
            try:
                yield from_html(record.content_stream().read(), path=where, url=url)
            except IngestError as err:
                yield Problem(where, str(err))
    except Exception as err:  # warcio raises several types for a corrupt archive
        yield Problem(path, f"unreadable WARC archive: {err}")


def load_sidecar(path: Path) -> dict[str, dict]:
    """Metadata per file name from a CSV (``file`` column) or JSON Lines sidecar."""
    rows: list[dict] = []
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    else:
        with path.open(encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
    table = {}
    for row in rows:
        name = row.get("file") or row.get("filename") or row.get("path")
        if name:
            table[Path(name).name] = {k: row.get(k) for k in METADATA_FIELDS if row.get(k)}
    return table


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


def read_bytes(
    data: bytes, path: str, kind: str | None = None, meta: dict | None = None
) -> Iterator[Article | Problem]:
    """Articles (or problems) from one source's bytes."""
    meta = meta or {}
    try:
        if len(data) > MAX_BYTES:
            raise IngestError(
                f"too large ({len(data) / 1e6:.1f} MB; limit {MAX_BYTES / 1e6:.0f} MB)"
            )
        if path.endswith(".gz") and data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        kind = kind or _kind(Path(path), data)
        if kind == "jsonl":
            yield from read_jsonl(data, path)
        elif kind == "warc":
            yield from read_warc(data, path)
        elif kind == "html":
            yield from_html(data, path=path, **meta)
        else:
            yield from_text(data, path=path, **meta)
    except IngestError as err:
        yield Problem(path, str(err))
    except (OSError, EOFError) as err:
        yield Problem(path, f"unreadable: {err}")


def _sniff_stdin(data: bytes) -> str:
    head = data.lstrip()[:1]
    if head == b"{":
        return "jsonl"
    if head == b"<":
        return "html"
    return "text"


def iter_files(paths: Iterable[str]) -> Iterator[tuple[str, Path | None]]:
    """(name as given, Path) for each file under the given paths; folders recursively."""
    for given in paths:
        if given == "-":
            yield "-", None
            continue
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and _wanted(child):
                    yield str(child), child
        else:
            yield given, path


def _wanted(path: Path) -> bool:
    name = path.name.lower()
    if name in SIDECAR_NAMES or name.startswith("."):
        return False
    suffixes = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | WARC_SUFFIXES
    base = name[:-3] if name.endswith(".gz") else name
    return Path(base).suffix in suffixes


def read_paths(
    paths: Iterable[str], metadata: dict[str, dict] | None = None
) -> Iterator[Article | Problem]:
    """Every article under ``paths`` (files, folders, ``-`` for stdin), in order.

    Metadata comes from ``metadata`` (file name -> fields), else from a sidecar
    ``metadata.csv`` / ``metadata.jsonl`` beside each file.
    """
    sidecars: dict[Path, dict[str, dict]] = {}
    for name, path in iter_files(paths):
        if path is None:
            data = sys.stdin.buffer.read()
            yield from read_bytes(data, "-", _sniff_stdin(data))
            continue
        meta = (metadata or {}).get(path.name)
        if meta is None:
            folder = path.parent
            if folder not in sidecars:
                sidecars[folder] = {}
                for side in SIDECAR_NAMES:
                    if (folder / side).is_file():
                        try:
                            sidecars[folder] = load_sidecar(folder / side)
                        except (ValueError, OSError) as err:
                            yield Problem(str(folder / side), f"unreadable metadata: {err}")
                        break
            meta = sidecars[folder].get(path.name, {})
        try:
            if path.stat().st_size > MAX_BYTES:
                yield Problem(name, f"too large ({path.stat().st_size / 1e6:.1f} MB)")
                continue
            data = path.read_bytes()
        except OSError as err:
            yield Problem(name, f"unreadable: {err.strerror or err}")
            continue
        yield from read_bytes(data, name, meta=meta)
