"""Read articles from files, folders and stdin: plain text, HTML, JSON Lines and WARC, each
of them gzip or not; :func:`read_paths` is the way in.

Each reader yields :class:`Article` objects with the original text untouched, or a
:class:`Problem` with a one-line reason for a source it cannot use (binary, empty,
undecodable, too large, not English, not a regular file). One bad source never stops the
others, and no input file ends in a traceback. A value that cannot be used (a date that
cannot be read, a title that is a number) does not cost the article: it is left out and a
``Problem`` marked ``warning`` says so, before the article.

Limits: a source is read up to :data:`MAX_BYTES`, gzip *after* decompression, and refused
once it holds more (a file by its size, stdin, gzip as it inflates); a WARC archive file is
read as a stream, record by record, whatever its size, each record up to the same limit.
Nothing bigger is ever held. An
article's text is at most :data:`~onrecord.read.article.MAX_CHARS` characters (what spaCy
parses). FIFOs, devices and sockets are refused by ``stat``, without being opened.

The formats: :mod:`.text` (decoding), :mod:`.article` (plain text, building an article),
:mod:`.html`, :mod:`.jsonl`, :mod:`.warc`, each registered in :data:`FORMATS` (suffixes,
sniffing, reader); :mod:`.metadata` for metadata files, :mod:`.dates` for publication dates.
"""

from __future__ import annotations

import gzip
import io
import os
import stat
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from ..model import Article, Problem
from .article import article_or_problems, from_text
from .html import from_html
from .jsonl import read_jsonl
from .metadata import MAX_METADATA_BYTES, SIDECAR_NAMES, load_sidecar, meta_for, parse_sidecar
from .remote import is_url
from .text import IngestError, file_type
from .warc import read_warc

MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class Format:
    """One input format: adding a format is one entry in :data:`FORMATS`.

    ``suffixes`` name the files a folder is searched for (with or without ``.gz``) and, for
    any format but :data:`FALLBACK`, decide the format of a file by its name alone.
    ``sniff`` recognises the format from a file's first bytes when its suffix decides
    nothing; ``stdin_lead`` is the first non-blank byte that marks it on stdin, which has no
    name. ``read`` turns one source's bytes (and its metadata) into articles and problems;
    a ``stream`` format's reader takes the raw bytes, gzip or not, or an open file, and
    reads it record by record, so that it is never decompressed or read whole first.
    """

    name: str
    suffixes: frozenset[str]
    read: Callable[[bytes | BinaryIO, str, dict], Iterator[Article | Problem]]
    sniff: Callable[[bytes], bool] | None = None
    stdin_lead: bytes | None = None
    stream: bool = False


def _html_head(data: bytes) -> bool:
    return data[:512].lstrip().lower().startswith((b"<!doctype html", b"<html"))


FALLBACK = "text"
"""The format of a source nothing else claims: plain text (also by its own suffixes, which
list the files to look for but, unlike the others, do not outweigh sniffing)."""

FORMATS: tuple[Format, ...] = (
    Format(
        "warc",
        frozenset({".warc", ".arc"}),
        lambda data, path, meta: read_warc(data, path, MAX_BYTES),
        stream=True,
    ),
    Format(
        "jsonl",
        frozenset({".jsonl", ".ndjson"}),
        lambda data, path, meta: read_jsonl(data, path),
        stdin_lead=b"{",
    ),
    Format(
        "html",
        frozenset({".html", ".htm", ".xhtml"}),
        lambda data, path, meta: article_or_problems(
            lambda notes: from_html(data, path=path, notes=notes, **meta), path
        ),
        sniff=_html_head,
        stdin_lead=b"<",
    ),
    Format(
        FALLBACK,
        frozenset({".txt", ".text"}),
        lambda data, path, meta: article_or_problems(
            lambda notes: from_text(data, path=path, notes=notes, **meta), path
        ),
    ),
)
"""Every input format, by name: suffixes, sniffing and reader in one entry each."""

_BY_NAME = {fmt.name: fmt for fmt in FORMATS}
_BY_SUFFIX = {suffix: fmt for fmt in FORMATS if fmt.name != FALLBACK for suffix in fmt.suffixes}
FILE_SUFFIXES = frozenset().union(*(fmt.suffixes for fmt in FORMATS))
"""The file suffixes looked for in a folder (each also with ``.gz`` after it)."""


def _suffix(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return Path(name).suffix


def _kind(path: Path, data: bytes) -> str:
    """The format of a file: by its suffix, else by sniffing its first bytes, else text."""
    fmt = _BY_SUFFIX.get(_suffix(path))
    if fmt is not None:
        return fmt.name
    for fmt in FORMATS:
        if fmt.sniff is not None and fmt.sniff(data):
            return fmt.name
    return FALLBACK


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
        fmt = _BY_NAME[kind or _kind(Path(path), b"")]
        if fmt.stream:  # (warc.gz: the reader inflates it)
            yield from fmt.read(data, path, meta)
            return
        data = inflate(data)
        kind = kind or (_sniff_stdin(data) if path == "-" else _kind(Path(path), data))
        yield from _BY_NAME[kind].read(data, path, meta)
    except IngestError as err:
        yield Problem(path, str(err))


def inflate(data: bytes) -> bytes:
    """A source's bytes, gzip (or gzip of gzip: a.txt.gz.gz) decompressed up to the limit."""
    for _ in range(3):
        if data[:2] == b"\x1f\x8b":
            data = _gunzip(data)
    return data


def _sniff_stdin(data: bytes) -> str:
    """The format of stdin, which has no name: by its first non-blank byte, else text."""
    head = data.lstrip()[:1]
    for fmt in FORMATS:
        if fmt.stdin_lead is not None and head == fmt.stdin_lead:
            return fmt.name
    return FALLBACK


def _display(path: Path | str) -> str:
    """A path as text that can be printed and stored: bytes of a file name that are not UTF-8
    (kept by Python as lone surrogates, which cannot be encoded) become U+FFFD."""
    return os.fsencode(path).decode("utf-8", "replace")


_LOOKED_FOR = ", ".join(sorted(FILE_SUFFIXES)) + " and those ending in .gz"


@dataclass(frozen=True)
class Source:
    """One input file: ``name`` as it is shown and stored (``-`` for stdin), ``location``
    what opens it (a local path, which may hold bytes that are not UTF-8, or a URL read
    through fsspec, :mod:`.remote`), ``listed`` when found in a folder (one gone since then
    is said so), ``size`` in bytes where a listing gave it. Small and plain: a cluster's
    task names its files with these."""

    name: str
    location: str
    listed: bool = False
    size: int | None = None

    @property
    def url(self) -> bool:
        return is_url(self.location)


def iter_files(paths: Iterable[str]) -> Iterator[Source | Problem]:
    """A :class:`Source` for each file under the given paths, folders recursively (symbolic
    links to folders are not followed), ``Source("-", "-")`` for stdin; a :class:`Problem`
    for a path that does not exist, an unreadable folder, or a folder with no article files
    in it. A URL (``s3://bucket/prefix``) is listed through fsspec (:mod:`.remote`), a
    folder or prefix walked for the same files; nothing is read."""
    for given in paths:
        if given == "-":
            yield Source("-", "-")
            continue
        if is_url(given):
            yield from _iter_url(given)
            continue
        path = Path(given)
        try:
            info = os.stat(path)
        except FileNotFoundError:
            broken = os.path.islink(path)
            yield Problem(_display(given), "broken symbolic link" if broken else "no such file")
            continue
        except OSError as err:
            yield Problem(_display(given), f"unreadable: {err.strerror or err}")
            continue
        if not stat.S_ISDIR(info.st_mode):
            yield Source(_display(given), given, False, info.st_size)
            continue
        found, problems = _walk(path)
        yield from problems
        if not found and not problems:
            yield Problem(_display(given), f"no article files found (looked for {_LOOKED_FOR})")
        for child in sorted(found):
            yield Source(_display(child), str(child), True)


def _iter_url(url: str) -> Iterator[Source | Problem]:
    """The files of a URL: itself, or those under it that a folder is searched for."""
    from . import remote

    try:
        info = remote.info(url)
        if info.get("type") != "directory":
            yield Source(url, url, False, info.get("size"))
            return
        found = [
            (child, size) for child, size in remote.walk(url) if _wanted(child.rsplit("/")[-1])
        ]
    except IngestError as err:
        yield Problem(url, str(err))
        return
    if not found:
        yield Problem(url, f"no article files found (looked for {_LOOKED_FOR})")
    for child, size in found:
        yield Source(child, child, True, size)


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
    return _suffix(Path(name)) in FILE_SUFFIXES


def _open_regular(path: str, listed: bool) -> BinaryIO:
    """``path`` opened for reading, once ``stat`` shows a regular file (a FIFO would block, a
    device never end); :class:`IngestError` otherwise."""
    gone = "vanished before it could be read" if listed else "no such file"
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise IngestError(f"not a regular file ({file_type(info.st_mode)})")
        return open(path, "rb")  # noqa: SIM115 (the caller closes it)
    except FileNotFoundError:
        raise IngestError("broken symbolic link" if os.path.islink(path) else gone) from None
    except OSError as err:
        raise IngestError(f"unreadable: {err.strerror or err}") from None


def open_source(source: Source) -> tuple[BinaryIO, int | None]:
    """A file opened for reading, with its size; :class:`IngestError` where it cannot be."""
    if source.url:
        from . import remote

        fh = remote.open_url(source.location)
        return fh, getattr(fh, "size", source.size)
    fh = _open_regular(source.location, source.listed)
    return fh, os.fstat(fh.fileno()).st_size


def format_of(source: Source) -> Format:
    """The format of a file as its name tells it (text where it tells nothing: a file read
    whole is sniffed again once read)."""
    return _BY_NAME[_kind(Path(source.location.rsplit("/")[-1]), b"")]


def read_source(source: Source, meta: dict) -> Iterator[Article | Problem]:
    """The articles of one file: a WARC archive as a stream, anything else read whole, at
    most :data:`MAX_BYTES` + 1 bytes of it."""
    try:
        fh, size = open_source(source)
    except IngestError as err:
        yield Problem(source.name, str(err))
        return
    with fh:
        try:
            fmt = format_of(source)
            if fmt.stream:  # (a WARC archive of any size: its records are what is limited)
                yield from fmt.read(fh, source.name, meta)
                return
            data = read_capped(fh, size)
        except OSError as err:
            yield Problem(source.name, f"unreadable: {err.strerror or err}")
            return
        except IngestError as err:
            yield Problem(source.name, str(err))
            return
    yield from read_bytes(data, source.name, meta=meta)


def read_capped(fh: BinaryIO, size: int | None) -> bytes:
    """A file read whole, or :class:`IngestError` where it holds more than
    :data:`MAX_BYTES`."""
    data = fh.read(MAX_BYTES + 1) if size is None or size <= MAX_BYTES else b""
    if (size or 0) > MAX_BYTES or len(data) > MAX_BYTES:
        size = max(size or 0, len(data))
        raise IngestError(f"too large ({size / 1e6:.1f} MB; limit {MAX_BYTES / 1e6:g} MB)")
    return data


def list_sources(
    paths: Iterable[str], metadata: dict[str, dict] | None = None
) -> Iterator[tuple[Source, dict] | Problem]:
    """Each file under ``paths`` with its metadata (see :func:`read_paths`), in order, and
    the problems of listing them; no article is read."""
    sidecars: dict[str, dict[str, dict]] = {}
    for item in iter_files(paths):
        if isinstance(item, Problem) or item.location == "-":
            yield item if isinstance(item, Problem) else (item, {})
            continue
        meta = meta_for(metadata or {}, PurePosixPath(_base(item)))
        if meta is None:
            folder = _folder(item)
            if folder not in sidecars:
                sidecars[folder] = {}
                yield from _sidecar(item, sidecars)
            meta = meta_for(sidecars[folder], PurePosixPath(_base(item))) or {}
        yield item, meta


def _base(source: Source) -> str:
    return os.path.basename(source.location) if not source.url else source.location.rsplit("/")[-1]


def _folder(source: Source) -> str:
    return source.location.rsplit("/", 1)[0] if source.url else os.path.dirname(source.location)


def _sidecar(source: Source, sidecars: dict[str, dict[str, dict]]) -> Iterator[Problem]:
    """The sidecar beside ``source`` loaded into ``sidecars`` (by folder), if there is one;
    a problem where it cannot be read (the files beside it are read without it)."""
    folder = _folder(source)
    for side in SIDECAR_NAMES:
        try:
            if source.url:
                from . import remote

                where = remote.sibling(source.location, side)
                if not remote.exists(where):
                    continue
                with remote.open_url(where) as fh:
                    sidecars[folder] = parse_sidecar(read_metadata_capped(fh), where)
            else:
                where = os.path.join(folder, side)
                if not os.path.isfile(where):
                    continue
                sidecars[folder] = load_sidecar(Path(where))
        except IngestError as err:
            yield Problem(_display(where), f"{err}; the files beside it are read without it")
        return


def read_metadata_capped(fh: BinaryIO) -> bytes:
    """A metadata file read whole, refused past :data:`MAX_METADATA_BYTES`."""
    data = fh.read(MAX_METADATA_BYTES + 1)
    if len(data) > MAX_METADATA_BYTES:
        raise IngestError(f"too large (over {MAX_METADATA_BYTES / 1e6:g} MB)")
    return data


def read_stdin() -> bytes:
    """What stdin holds, up to :data:`MAX_BYTES` + 1 bytes (more is refused as too large)."""
    return sys.stdin.buffer.read(MAX_BYTES + 1)


def read_paths(
    paths: Iterable[str], metadata: dict[str, dict] | None = None
) -> Iterator[Article | Problem]:
    """Every article under ``paths`` (files, folders, ``-`` for stdin, URLs), in order.

    Metadata comes from ``metadata`` (file name -> fields, see :func:`load_sidecar`), else
    from a sidecar ``metadata.csv`` / ``metadata.jsonl`` beside each file. A sidecar that
    cannot be read is reported once, and the files beside it are read without it.
    """
    for item in list_sources(paths, metadata):
        if isinstance(item, Problem):
            yield item
            continue
        source, meta = item
        if source.location == "-":
            yield from read_bytes(read_stdin(), "-")
        else:
            yield from read_source(source, meta)
