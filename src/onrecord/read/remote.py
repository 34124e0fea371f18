"""Inputs named by URL (``file:///...``, ``memory://...``, ``s3://bucket/prefix`` ...), listed
and opened through fsspec, which is optional (the ``dask`` extra): a cluster's workers read
what they are given where they are.

A plain path never comes here (:func:`is_url` tells them apart without importing fsspec);
a URL without fsspec, or with a protocol fsspec does not know or cannot load (``s3://``
without s3fs), is a :class:`SourceError` that says what to install, raised before anything
is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, BinaryIO

from .text import IngestError

INSTALL = "pip install 'onrecord[dask]'"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")


class SourceError(ValueError):
    """A URL that cannot be read at all here: fsspec missing, or its protocol unknown or
    not installed. The message is one line and says what to do."""


def is_url(path: str) -> bool:
    """Whether ``path`` is a URL with a scheme (two letters or more, so that ``C://`` is no
    URL), to be read through fsspec."""
    return bool(_SCHEME.match(path))


def filesystem(url: str) -> tuple[Any, str]:
    """The fsspec filesystem of ``url`` and the path in it; :class:`SourceError` where it
    cannot be had."""
    try:
        from fsspec.core import url_to_fs
    except ImportError:
        raise SourceError(f"{url}: reading URLs needs fsspec: {INSTALL}") from None
    try:
        return url_to_fs(url)
    except ValueError as err:  # "Protocol not known: nope"
        raise SourceError(f"{url}: {_first_line(err)}") from None
    except ImportError as err:  # "Install s3fs to access S3"
        raise SourceError(f"{url}: {_first_line(err)}") from None
    except Exception as err:  # a filesystem's own start-up (a library it loads, a login)
        raise SourceError(f"{url}: cannot open its filesystem: {_first_line(err)}") from None


def check(paths: Iterable[str]) -> None:
    """Raise :class:`SourceError` for the first URL of ``paths`` whose filesystem cannot be
    had: what a command checks before it reads anything."""
    for path in paths:
        if is_url(path):
            filesystem(path)


def info(url: str) -> dict:
    """fsspec's ``info`` of ``url`` (``type``: file or directory, ``size``);
    :class:`IngestError` with a one-line reason where it is missing or unreadable."""
    fs, path = filesystem(url)
    try:
        return fs.info(path)
    except FileNotFoundError:
        raise IngestError("no such file") from None
    except Exception as err:  # (each filesystem raises its own)
        raise IngestError(f"unreadable: {_first_line(err)}") from None


def walk(url: str) -> list[tuple[str, int | None]]:
    """(URL, size) of every file under the folder (or prefix) ``url``, by name."""
    fs, path = filesystem(url)
    try:
        found = fs.find(path, detail=True)
    except Exception as err:
        raise IngestError(f"unreadable folder: {_first_line(err)}") from None
    return sorted(
        (fs.unstrip_protocol(name), entry.get("size"))
        for name, entry in found.items()
        if entry.get("type", "file") == "file"
    )


def open_url(url: str) -> BinaryIO:
    """``url`` opened for reading (range reads where the filesystem has them);
    :class:`IngestError` with a one-line reason."""
    fs, path = filesystem(url)
    try:
        return fs.open(path, "rb")
    except FileNotFoundError:
        raise IngestError("no such file") from None
    except IsADirectoryError:
        raise IngestError("not a regular file (folder)") from None
    except Exception as err:
        raise IngestError(f"unreadable: {_first_line(err)}") from None


def sibling(url: str, name: str) -> str:
    """The URL of ``name`` in the folder of ``url``."""
    return url.rsplit("/", 1)[0] + "/" + name


def exists(url: str) -> bool:
    """Whether ``url`` is a file (False where it cannot be told)."""
    fs, path = filesystem(url)
    try:
        return bool(fs.isfile(path))
    except Exception:
        return False


def _first_line(err: BaseException) -> str:
    text = str(err).strip().split("\n")[0] or type(err).__name__
    return text
