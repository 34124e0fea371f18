"""Publication dates: every date a source gives goes through :func:`iso_date`, which
stores it as ``YYYY-MM-DD`` (see there for the forms it reads) or refuses it with a reason.
"""

from __future__ import annotations

import re
from datetime import date

from .text import IngestError

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
