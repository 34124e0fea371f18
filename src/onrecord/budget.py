"""A time budget per article: a text that still runs too long is skipped, the batch goes on.

Every stage costs about linear time in its text, but a hostile or freak text (megabytes of
names, thousands of statements in one sentence) can still take minutes, and one article must
not hold up a batch. Python cannot interrupt spaCy's or onnxruntime's compiled code, so the
budget is cooperative: :func:`deadline` sets one for the current thread, and the loops of the
stages (the parse between the pieces of a long text, the tagger between windows, finding,
speakers, context) call :func:`check`, which raises :class:`OverBudget` once it has passed.
The caller (:func:`onrecord.pipeline.analyze`) turns that into a skipped article.

The budget is :data:`ARTICLE_SECONDS` (60 s, or ``ONRECORD_ARTICLE_SECONDS``; 0 or less: no
budget), read when :func:`seconds` is called, so tests can set it per run.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

ARTICLE_SECONDS = 60.0

_local = threading.local()


class OverBudget(Exception):
    """An article took longer than its budget to analyse."""

    def __init__(self, seconds: float):
        super().__init__(f"took longer than {seconds:g} s to analyse; skipped")
        self.seconds = seconds


def seconds() -> float:
    """The budget per article: ``ONRECORD_ARTICLE_SECONDS`` if set, else ARTICLE_SECONDS."""
    value = os.environ.get("ONRECORD_ARTICLE_SECONDS")
    return float(value) if value else ARTICLE_SECONDS


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
