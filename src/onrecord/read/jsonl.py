"""JSON Lines: one article a line, its ``text`` or ``html`` with metadata fields; a bad line
is a problem of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial

from ..model import Article, Problem
from .article import METADATA_FIELDS, article_or_problems, make_article
from .html import from_html
from .text import IngestError, decode, type_name

NOT_JSONL_AFTER = 5  # lines that are not JSON, with none that is, before a file is not JSONL


def _record_article(record: object, path: str, notes: list[str]) -> Article:
    """The article of one JSON Lines record: ``text`` or ``html``, and metadata fields."""
    if not isinstance(record, dict):
        raise IngestError(f"a JSON Lines record must be an object, not {type_name(record)}")
    for key in ("text", "html"):
        if record.get(key) is not None and not isinstance(record[key], str):
            raise IngestError(f"'{key}' is {type_name(record[key])}, not text")
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


def json_value(line: str):
    """A JSON value, or :class:`IngestError` with a one-line reason."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as err:
        raise IngestError(f"invalid JSON: {err.msg} (column {err.colno})") from None
    except RecursionError:
        raise IngestError("invalid JSON: nested too deeply") from None
    except ValueError as err:  # e.g. an integer of more than 4,300 digits
        raise IngestError(f"invalid JSON: {str(err).split(';')[0]}") from None


def read_jsonl(
    data: bytes, path: str, lines: tuple[int, int | None] | None = None
) -> Iterator[Article | Problem]:
    """One article per line; a bad line is a problem of its own (``path#L<n>``). A file
    whose first :data:`NOT_JSONL_AFTER` lines are none of them JSON is not JSON Lines at all
    (a WARC or a text named .jsonl): one line says so, not one for each of its lines.

    ``lines`` (first, end) reads a part of the file (:mod:`.parts`): lines ``first`` up to
    ``end`` (None: the last); a part after the first knows the file to be JSON Lines."""
    text = decode(data)
    first, end = lines or (1, None)
    held: list[tuple[int, Problem]] | None = [] if first == 1 else None  # (bad lines before
    # the first good one)
    for lineno, line in enumerate(text.split("\n"), start=1):  # (not at U+2028: JSON allows it)
        if end is not None and lineno >= end:
            return
        if lineno < first or not line.strip():
            continue
        where = f"{path}#L{lineno}"
        try:
            record = json_value(line)
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
        yield from article_or_problems(partial(_record_article, record, where), where)
    yield from (problem for _, problem in held or ())


def record_lines(data: bytes) -> list[int] | None:
    """The numbers of the lines of a JSON Lines file that hold something, to cut it in parts;
    None where it cannot be cut: undecodable, or not JSON Lines (by its first lines), which
    its reading says in one line."""
    try:
        text = decode(data)
    except IngestError:
        return None
    rows = text.split("\n")
    found = [n for n, line in enumerate(rows, start=1) if line.strip()]
    for n in found[:NOT_JSONL_AFTER]:
        try:
            json_value(rows[n - 1])
            return found
        except IngestError:
            continue
    return None if len(found) >= NOT_JSONL_AFTER else found
