"""WARC archives: the HTML responses of an archive, each an article, read as a stream,
record by record (through gzip where it is compressed), whatever the archive's size (a
crawl's file of a few GB holds one record at a time in memory); a record over a limit of
bytes ends the archive (a gzip bomb is not inflated past it). Requests, metadata, responses
that are not HTML and responses whose HTTP status is not 200 are skipped and counted.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from functools import partial
from typing import BinaryIO

from ..model import Article, Problem
from .article import article_or_problems
from .html import from_html


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
    short; here the stream ends with an EOFError after everything that could be read.)

    ``starts`` maps where each member begins in what is inflated to where it begins in the
    file: a record that begins a member can be read again from there, alone."""

    CHUNK = 65536

    def __init__(self, source: BinaryIO) -> None:
        self.source, self.inflate, self.rest = source, zlib.decompressobj(31), b""
        self.raw, self.out = 0, 0  # (bytes read from the file, bytes inflated)
        self.starts: dict[int, int] = {0: 0}

    def _read(self) -> bytes:
        data = self.source.read(self.CHUNK)
        self.raw += len(data)
        return data

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while True:
            if self.inflate.eof:  # the end of a member: another, or the end
                data = self.inflate.unused_data or self._read()
                if not data:
                    return 0
                if len(data) < 2:  # (a member's first byte at the end of a chunk)
                    data += self._read()
                if not data.startswith(b"\x1f\x8b"):
                    raise zlib.error("bytes after the compressed data that are not gzip")
                self.inflate, self.rest = zlib.decompressobj(31), data
                self.starts[self.out] = self.raw - len(data)
            data = self.rest or self._read()
            if not data:
                raise EOFError("the data ends inside a gzip member")
            out = self.inflate.decompress(data, len(buffer))
            self.rest = self.inflate.unconsumed_tail
            if out:
                buffer[: len(out)] = out
                self.out += len(out)
                return len(out)


class _Capped(io.RawIOBase):
    """At most ``limit`` bytes of ``source``, as a stream; ``over`` tells, once they are
    read, whether ``source`` had more. Where ``source`` fails (gzip data cut short or
    corrupt), the stream ends there and ``error`` keeps the reason: warcio would take an
    EOFError for the end of the archive and say nothing."""

    def __init__(self, source: BinaryIO, limit: int) -> None:
        self.source, self.left, self.position, self.over = source, limit, 0, False
        self.limit = limit
        self.error: str | None = None

    def renew(self) -> None:
        """Allow ``limit`` bytes more from here: the limit is a record's, not the archive's."""
        self.left = self.limit

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


def _not_an_article(record, ctype: str) -> str | None:
    """Why a record is no article (None: an HTML response of status 200)."""
    if record.rec_type != "response":
        return f"{record.rec_type} records"
    if "html" not in ctype:
        return "responses not HTML"
    status = record.http_headers.get_statuscode() if record.http_headers else None
    if status != "200":
        return "responses not 200"
    return None


def _skipped(path: str, skipped: Counter) -> Problem:
    """The warning that counts the records of an archive that were no article."""
    parts = [f"{n:,} {why}" for why, n in sorted(skipped.items(), key=lambda x: (-x[1], x[0]))]
    total = sum(skipped.values())
    return Problem(path, f"{total:,} records skipped: {', '.join(parts)}", warning=True)


def _warc_article(payload: bytes, where: str, url: str | None, found: list[str], notes):
    notes.extend(found)
    return from_html(payload, path=where, notes=notes, url=url)


Survey = Callable[[int, int | None, Counter], None]
"""Told of each article record of an archive: its number, where it can be read from alone
(its offset in the file; None where it cannot: inside a gzip member of several records) and
the records skipped before it, by reason."""


def read_warc(
    source: bytes | BinaryIO,
    path: str,
    limit: int,
    *,
    number: int = 1,
    first: int = 1,
    end: int | None = None,
    skipped: Counter | None = None,
    survey: Survey | None = None,
) -> Iterator[Article | Problem]:
    """HTML responses of a WARC archive (a file object, read as a stream, or bytes), each an
    article with its target URI (``path#<n>`` for record n).

    The archive is read through gzip here, where it is compressed (one stream or a member a
    record), and at most ``limit`` bytes of what that gives: an archive that inflates past
    the limit ends there with a line that says so, after the records before it. A record
    that is cut short is kept with a warning; a corrupt one ends the archive with a line
    that says what is wrong.

    A part of an archive (:mod:`.parts`): ``source`` begins with record ``number`` (a file
    read from a record's offset); records before ``first`` are passed over unread, the
    archive's reading stops at record ``end``, and ``skipped`` counts what was no article
    before ``first``, for the line the last part says. ``survey``, where given, is told of
    each article record instead of reading it.
    """
    fh = io.BytesIO(source) if isinstance(source, bytes) else source
    base = fh.tell()
    compressed = fh.read(2) == b"\x1f\x8b"
    fh.seek(base)
    inflated = _Inflated(fh) if compressed else None
    capped = _Capped(inflated or fh, limit)
    stream = io.BufferedReader(capped)
    too_large = Problem(
        path,
        f"a record too large{' when decompressed' if compressed else ''} (over "
        f"{limit / 1e6:g} MB); the rest of the archive was not read",
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
    n, short = number - 1, 0
    skipped = Counter(skipped or ())
    while True:
        n += 1
        where = f"{path}#{n}"
        capped.renew()
        try:
            record = next(records)
        except StopIteration:
            if capped.over:
                yield too_large
            elif capped.error and not short:  # (a record cut short has said so already)
                rest = "; the rest of the archive was not read" if n > 1 else ""
                yield Problem(where, f"unreadable WARC record: {capped.error}{rest}")
            elif skipped:  # (read to its end: what was no article, counted)
                yield _skipped(path, skipped)
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
        if end is not None and n >= end:
            return  # (the next part's)
        if n < first:
            continue  # (an earlier part's: warcio passes over its content)
        ctype = record.http_headers.get_header("Content-Type") if record.http_headers else ""
        why = _not_an_article(record, ctype or "")
        if why:
            skipped[why] += 1
            continue
        if survey is not None:
            at = records.offset if inflated is None else inflated.starts.get(records.offset)
            survey(n, None if at is None else base + at, skipped)
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
        yield from article_or_problems(partial(_warc_article, payload, where, url, found), where)
