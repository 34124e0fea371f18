"""A time budget per article: a text that still runs too long is skipped, the batch goes on.

Every stage costs about linear time in its text, but a hostile or freak text (megabytes of
names, thousands of statements in one sentence) can still take minutes, and one article must
not hold up a batch. Python cannot interrupt spaCy's or onnxruntime's compiled code, so the
budget is cooperative: :func:`deadline` sets one for the current thread, and the loops of the
stages (the parse between the pieces of a long text, the tagger between windows, finding,
speakers, context) call :func:`check`, which raises :class:`OverBudget` once it has passed.
The caller (:func:`onrecord.find.pipeline.analyze`) turns that into a skipped article.

The budget is :data:`ARTICLE_SECONDS` (60 s, or ``ONRECORD_ARTICLE_SECONDS``; 0 or less: no
budget) for every :data:`PER_CHARS` characters of the text, and at least that: the work is
linear, so a long article that is ordinary gets the time its length needs (a 430,000-character
article 258 s), while a short text that would run for minutes is cut
off. It is read when :func:`seconds` is called, so tests can set it per run.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

ARTICLE_SECONDS = 60.0
PER_CHARS = 100_000

_local = threading.local()


class OverBudget(Exception):
    """An article took longer than its budget to analyse."""

    def __init__(self, seconds: float):
        super().__init__(f"took longer than {seconds:g} s to analyse; skipped")
        self.seconds = seconds


def seconds(chars: int = 0) -> float:
    """The budget of an article of ``chars`` characters: ``ONRECORD_ARTICLE_SECONDS`` if set,
    else :data:`ARTICLE_SECONDS`, for every :data:`PER_CHARS` characters and at least once."""
    value = os.environ.get("ONRECORD_ARTICLE_SECONDS")
    base = float(value) if value else ARTICLE_SECONDS
    return round(base * max(1.0, chars / PER_CHARS), 6)


def ends_at(budget: float, start: float | None = None) -> float | None:
    """The monotonic time a budget of ``budget`` seconds from ``start`` (now) ends; None for
    no budget."""
    if budget <= 0:
        return None
    return (time.monotonic() if start is None else start) + budget


@contextmanager
def deadline(end: float | None, budget: float) -> Iterator[None]:
    """Within the block, :func:`check` on this thread raises :class:`OverBudget` after the
    monotonic time ``end`` (None: never); ``budget`` is the length reported."""
    before = getattr(_local, "end", None), getattr(_local, "budget", 0.0)
    _local.end, _local.budget = end, budget
    try:
        yield
    finally:
        _local.end, _local.budget = before


def check() -> None:
    """Raise :class:`OverBudget` if this thread's deadline has passed (cheap: a clock read)."""
    end = getattr(_local, "end", None)
    if end is not None and time.monotonic() > end:
        raise OverBudget(_local.budget)
