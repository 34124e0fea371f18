"""Mark page leftovers in scraped article text, without changing a character of it.

Scrapers deliver the article together with what surrounded it on the page: navigation words,
"Share this article", advertising labels, photo captions and credits, donation appeals,
related-article links. This module looks at the text line by line and returns *skip ranges*
(offsets into the original text) for such lines, plus what the text itself says about the
article: its headline and a publication date where the page printed one.

Everything here is a plain function over a string; nothing is deleted. Downstream stages build
an equal-length "analysis view" where skipped characters are blanked (`analysis_view`), so
that every offset they produce is still an offset into the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Skip, Span

# Whole lines that are page furniture, matched case-insensitively against the stripped line.
_NAV_LINE = re.compile(
    r"""^(?:
        advertisement|advert|sponsored(?:\ content)?|loader|loading…?|find\ us|
        share(?:\ this\ (?:article|story|page).*)?|comments?|close(?:\ button)?|
        read\ more|more\ from\ this\ section|related(?:\ articles?|\ stories|\ news)?|
        you\ might\ also\ like|most\ read|trending(?:\ now)?|recommended(?:\ for\ you)?|
        sign\ up.*newsletter.*|subscribe.*|newsletters?.*|
        published(?:\ on)?(?:\ updated)?\b.{0,40}|updated(?:\ on|:)?\ .{0,30}\d.{0,30}|
        copy/paste.*|copy\ to\ clipboard.*|follow\ us.*|skip\ to\ (?:main\ )?content|
        support\ (?:the\ )?[\w\ ]{2,40}!|paiment\ methods|payment\ methods|
        not\ ready\ to\ support\ today\?|remind\ me\ later\.?|
        (?:photo|image|video|credit)s?\ ?[:/].*|.*\bcopyright\b.*|©.*|
        date\ .{0,40}loading…?|\d{4}-\d{2}-\d{2}\ ?loading…?
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

# A line ending in a photo credit ("... Photo/Dean Johnson via The Moscow Times",
# "... Alexander Demianchuk / TASS", "... (Getty Images)") is a caption.
_CREDIT_END = re.compile(
    r"""(?:
        \b(?i:photo|image|picture|credit)s?\ ?[:/].{0,80}|
        \b[A-Z][\w.'-]+(?:\ [A-Z][\w.'-]+){0,3}\ ?/\ ?(?:[A-Z][A-Za-z]*\ ?){1,3}|
        \bvia\ (?:AP|Reuters|AFP|Getty\ Images|EPA|Sputnik|TASS)\b.{0,40}|
        \(?(?:Getty\ Images|AP\ Photo|Reuters|AFP|EPA-EFE|Shutterstock)\)?\.?
    )\s*$""",
    re.VERBOSE,
)

# Lines that open a closing block of leftovers: from here on, short lines are leftovers too.
_TAIL_OPENERS = re.compile(
    r"(?:we have a small favou?r to ask|you might also like|related (?:articles|stories|news)|"
    r"read more|more stories|recommended for you|most read)",
    re.IGNORECASE,
)
# Paragraphs of a donation appeal.
_APPEAL = re.compile(
    r"(?:small favou?r to ask|support us|your support|support today|donat|independent journalism"
    r"|refuse to be silenced|critical mission)",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^(?:By|Written by|Reporting by|Edited by)\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,4}$"
)
_DATE_LINE = re.compile(r"^\s*(?:date\s+)?(\d{4}-\d{2}-\d{2})\b.{0,30}loading", re.IGNORECASE)
# "Support The Moscow Times!", "© 2024 Example News": the page naming its outlet
_OUTLET = re.compile(
    r"^(?:support\s+|©\s*(?:\d{4}\s+)?|copyright\s+(?:©\s*)?\d{4}\s+)"
    r"((?-i:(?:The\s+)?[A-Z][\w&'-]*(?:\s+[A-Z][\w&'-]*){0,4}))(?:[!.,].*)?$",
    re.IGNORECASE,
)
_TERMINAL = re.compile(r"[.!?\"”’:;)]\s*$")
# a quotation of whole sentences signed by its author: "“… a bully.” ― Sonya Herridge"
_SIGNED_QUOTE = re.compile(r"^[\"“].*[.!?][\"”]\s*[-–—―]+\s*\w")


@dataclass
class Cleaned:
    """What cleaning found: skip ranges, the headline span and a date printed on the page."""

    skips: list[Skip] = field(default_factory=list)
    title_span: Span | None = None
    published: str | None = None  # as printed (not yet checked: ingest.iso_date does that)
    published_line: int | None = None  # the line it was printed on, counting from 1
    outlet: str | None = None


def _lines(text: str) -> list[tuple[int, int, str]]:
    """Non-blank lines as (start, end, stripped text), offsets of the stripped content."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        raw = m.group()
        stripped = raw.strip()
        if not stripped:
            continue
        start = m.start() + (len(raw) - len(raw.lstrip()))
        out.append((start, start + len(stripped), stripped))
    return out


def _is_heading(line: str) -> bool:
    """A short line without closing punctuation: a headline, a section title, a link."""
    words = line.split()
    return 0 < len(words) <= 25 and not _TERMINAL.search(line) and not _SIGNED_QUOTE.match(line)


def clean(text: str) -> Cleaned:
    """Find the page leftovers, the headline and a printed date in ``text``."""
    result = Cleaned()
    lines = _lines(text)
    in_tail = False
    body_started = False
    for i, (start, end, line) in enumerate(lines):
        reason = None
        date = _DATE_LINE.match(line)
        if date:
            if result.published is None:
                result.published = date.group(1)
                result.published_line = text.count("\n", 0, start) + 1
            reason = "date"
        elif in_tail and (_is_heading(line) or _APPEAL.search(line) or len(line) < 200):
            reason = "related" if not _APPEAL.search(line) else "appeal"
        elif _TAIL_OPENERS.search(line) and (len(line) < 40 or _APPEAL.search(line)):
            in_tail = True
            reason = "appeal" if _APPEAL.search(line) else "related"
        elif len(line) < 160 and _NAV_LINE.match(line):
            reason = "navigation"
        elif _APPEAL.search(line) and len(line) < 400 and re.search(r"\bus\b|\bour\b", line):
            reason = "appeal"
        elif _BYLINE.match(line):
            reason = "byline"
        elif _CREDIT_END.search(line) and len(line) < 400:
            reason = "caption"
        elif (
            i + 1 < len(lines)
            and lines[i + 1][2].startswith(line)
            and _CREDIT_END.search(lines[i + 1][2])
        ):
            reason = "caption"  # a caption printed twice, once with its credit
        elif _is_heading(line) and len(line.split()) <= 2 and not body_started:
            reason = "navigation"  # one- or two-word furniture before the article starts
        elif _is_heading(line):
            if result.title_span is None and not body_started and len(line.split()) >= 3:
                result.title_span = (start, end)
            else:
                reason = "heading"
        else:
            body_started = True
        if reason:
            result.skips.append(Skip(start, end, reason))
            outlet = _OUTLET.match(line) if reason == "navigation" else None
            if outlet and not result.outlet:
                result.outlet = outlet.group(1)
    return result


def analysis_view(text: str, skips: list[Skip], title_span: Span | None = None) -> str:
    """``text`` with skipped ranges (and the headline) blanked to spaces, newlines kept.

    The view has the same length as the original, so offsets found in it are offsets in the
    original. Headlines are blanked too: they restate the body and are not statements.
    """
    chars = list(text)
    ranges = [(s.start, s.end) for s in skips]
    if title_span:
        ranges.append(title_span)
    for start, end in ranges:
        for k in range(start, end):
            if chars[k] != "\n":
                chars[k] = " "
    return "".join(chars)
