"""Files read in parts, for tasks that read where they run (a Dask cluster's workers): a
task names its files (:class:`Piece`), and a file of many articles, a WARC archive or JSON
Lines, is cut into parts of about as many articles as a task takes, so that no task holds a
whole crawl file.

:func:`survey` reads such a file once, without building its articles, and says where its
parts begin: for a WARC archive, the record numbers of its article records, every
``size``-th one beginning a part, with where in the file that record can be read from (its
offset, where the archive is uncompressed or compressed a record a gzip member, as crawls
are: the part is then read from there, a range read for a remote file) and the records
skipped before it, so that the last part counts them all as one reading does; for JSON
Lines, the numbers of its lines. :func:`read_piece` reads a part: its articles and problems
are those the whole file's reading gives for its records, so parts read one after another
give what :func:`~.sources.read_paths` gives.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from ..model import Article, Problem
from .jsonl import read_jsonl, record_lines
from .sources import MAX_BYTES, Source, format_of, inflate, open_source, read_capped, read_source
from .text import IngestError
from .warc import read_warc

MANY = frozenset({"warc", "jsonl"})
"""The formats of a file that may hold many articles."""


@dataclass(frozen=True)
class Span:
    """A part of a file of many articles: records (WARC) or lines (JSON Lines) from number
    ``first`` up to ``end`` (None: to the end of the file); ``articles``, how many article
    records it holds; for a WARC archive, ``skipped``, the records before it that were no
    article, by reason, and ``offset``, where record ``first`` begins in the file when it
    can be read from there (None: the file is read from its start, the records before
    ``first`` passed over)."""

    first: int = 1
    end: int | None = None
    articles: int = 1
    skipped: tuple[tuple[str, int], ...] = ()
    offset: int | None = None


@dataclass(frozen=True)
class Piece:
    """What a task reads: a file (``span`` None: whole) or a part of it, with its metadata."""

    source: Source
    meta: dict
    span: Span | None = None


def holds_many(source: Source) -> bool:
    """Whether a file may hold many articles (by its name): a WARC archive, JSON Lines."""
    return format_of(source).name in MANY


def survey(source: Source, size: int) -> list[Span]:
    """The parts of a file of many articles, of ``size`` article records each (the last may
    hold fewer), read once without building its articles. A file that cannot be cut (not
    readable, not what its name says, gzip JSON Lines too large) is one part: its reading
    says what is wrong."""
    try:
        fh, length = open_source(source)
    except IngestError:
        return [Span()]
    with fh:
        try:
            if format_of(source).name == "warc":
                starts: list[tuple[int, int | None, Counter]] = []

                def note(n: int, offset: int | None, skipped: Counter) -> None:
                    starts.append((n, offset, Counter(skipped)))

                for _ in read_warc(fh, source.name, MAX_BYTES, survey=note):
                    pass
            else:
                lines = record_lines(inflate(read_capped(fh, length)))
                starts = [(n, None, Counter()) for n in lines or ()]
        except (OSError, IngestError):
            return [Span()]
    heads = starts[::size] or [(1, None, Counter())]
    spans = []
    for i, (first, offset, skipped) in enumerate(heads):
        last = i == len(heads) - 1
        spans.append(
            Span(
                first=1 if i == 0 else first,
                end=None if last else heads[i + 1][0],
                articles=len(starts[i * size : (i + 1) * size]) or 1,
                skipped=tuple(sorted(skipped.items())),
                offset=None if i == 0 else offset,
            )
        )
    return spans


def read_piece(piece: Piece) -> Iterator[Article | Problem]:
    """The articles and problems of a piece: a whole file as :func:`~.sources.read_source`
    reads it, or the part of one its span names."""
    span = piece.span
    if span is None:
        yield from read_source(piece.source, piece.meta)
        return
    name = piece.source.name
    try:
        fh, length = open_source(piece.source)
    except IngestError as err:
        yield Problem(name, str(err))
        return
    with fh:
        try:
            if format_of(piece.source).name == "warc":
                if span.offset is not None:
                    fh.seek(span.offset)
                yield from read_warc(
                    fh,
                    name,
                    MAX_BYTES,
                    number=span.first if span.offset is not None else 1,
                    first=span.first,
                    end=span.end,
                    skipped=Counter(dict(span.skipped)),
                )
                return
            data = inflate(read_capped(fh, length))
        except OSError as err:
            yield Problem(name, f"unreadable: {err.strerror or err}")
            return
        except IngestError as err:
            yield Problem(name, str(err))
            return
    try:
        yield from read_jsonl(data, name, (span.first, span.end))
    except IngestError as err:
        yield Problem(name, str(err))
