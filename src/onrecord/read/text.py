"""Bytes to text, and how a source is refused.

:func:`decode` reads a text file: UTF-8, or the Unicode encoding its byte-order mark names
(UTF-16 also without one); binary data is refused. :class:`IngestError` is the refusal of a
source or a value, its message the one-line reason; :func:`type_name`, :func:`shown` and
:func:`file_type` are the words those reasons use. The bottom of :mod:`onrecord.read`:
it imports nothing of the package but the model.
"""

from __future__ import annotations

import codecs
import re
import stat


class IngestError(ValueError):
    """A source that cannot be turned into an article; the message is the reason."""


def shown(value: str, width: int = 40) -> str:
    """A value as quoted in a message: one line, at most ``width`` characters."""
    return repr(value if len(value) <= width else value[:width] + "…")


def type_name(value: object) -> str:
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


SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(value: str, what: str, notes: list[str]) -> str:
    """``value`` with each lone surrogate (from a JSON ``\\ud800`` escape) replaced by U+FFFD.

    Such a string cannot be encoded as UTF-8, so it could be neither hashed nor stored; one
    character for one keeps every offset.
    """
    found = len(SURROGATE.findall(value))
    if not found:
        return value
    notes.append(f"{what} has {found} lone surrogate(s) (invalid UTF-16); replaced with U+FFFD")
    return SURROGATE.sub("\ufffd", value)


_BOMS = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def unicode_encoding(data: bytes) -> str | None:
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
    encoding = unicode_encoding(data)
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


_FILE_TYPES = (
    (stat.S_ISFIFO, "FIFO"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISDIR, "folder"),
)


def file_type(mode: int) -> str:
    return next((name for test, name in _FILE_TYPES if test(mode)), "special file")
