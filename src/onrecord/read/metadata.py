"""Metadata files: publication date, outlet, URL and title per file name, from a CSV, TSV or
JSON Lines file given with ``--metadata`` or lying beside the articles (``metadata.csv``,
``metadata.jsonl``).
"""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path

from .article import METADATA_FIELDS
from .jsonl import json_value
from .text import IngestError, file_type, type_name

MAX_METADATA_BYTES = 100_000_000
SIDECAR_NAMES = ("metadata.csv", "metadata.jsonl")
METADATA_SUFFIXES = {".csv": ",", ".tsv": "\t", ".jsonl": None, ".ndjson": None}
NAME_COLUMNS = ("file", "filename", "path")
# other names a metadata file may give a field (the first one present in a row is used):
# archives and corpora name them their own way (PolNeAR: publisher, publication_date)
FIELD_NAMES = {
    "published": ("published", "publication_date", "published_at", "publish_date", "date"),
    "outlet": ("outlet", "publisher", "source", "site"),
    "url": ("url", "link"),
    "title": ("title", "headline"),
}


def load_sidecar(path: Path) -> dict[str, dict]:
    """Metadata per file name from a CSV or TSV (a ``file``, ``filename`` or ``path`` column)
    or a JSON Lines file (the same keys), UTF-8 encoded.

    A metadata file is used whole or not at all: :class:`IngestError` names the reason (and
    the line) for one that cannot be read. Each entry remembers its line as
    ``metadata_from``, so that a value that proves unusable can be named with it.
    """
    _check_suffix(path.name)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise IngestError(f"not a regular file ({file_type(info.st_mode)})")
        if info.st_size > MAX_METADATA_BYTES:
            raise IngestError(f"too large ({info.st_size / 1e6:.1f} MB)")
        data = path.read_bytes()
    except OSError as err:
        raise IngestError(f"unreadable: {err.strerror or err}") from None
    return parse_sidecar(data, str(path))


def _check_suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in METADATA_SUFFIXES:
        raise IngestError(
            f"unsupported metadata format {suffix or name!r} (use .csv, .tsv or .jsonl)"
        )
    return suffix


def parse_sidecar(data: bytes, path: str) -> dict[str, dict]:
    """:func:`load_sidecar` of a metadata file's bytes (read from a URL, say); ``path``
    names it, its suffix telling the format."""
    suffix = _check_suffix(path)
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
            raise IngestError(f"line {lineno}: the file name is {type_name(name)}, not text")
        entry = {}
        for field in METADATA_FIELDS:
            value = next((row[k] for k in FIELD_NAMES[field] if row.get(k) not in (None, "")), None)
            if value is not None:
                entry[field] = value
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
            row = json_value(line)
        except IngestError as err:
            raise IngestError(f"line {lineno}: {err}") from None
        if not isinstance(row, dict):
            raise IngestError(f"line {lineno}: a record must be an object, not {type_name(row)}")
        rows.append((lineno, row))
    if rows and not any(k in row for _, row in rows for k in NAME_COLUMNS):
        raise IngestError("no record has a 'file', 'filename' or 'path' key")
    return rows


def meta_for(table: dict[str, dict], path: Path) -> dict | None:
    """The entry of ``table`` for a file: by its name, its name without ``.gz``, or its stem
    (an entry written ``a`` or ``a.txt`` serves ``a.txt`` and ``a.txt.gz``)."""
    name = path.name
    plain = name[:-3] if name.lower().endswith(".gz") else name
    for key in (name, plain, Path(plain).stem):
        if key in table:
            return table[key]
    return None
