"""Ingest: read sources, find their statements and store them, then bring the derived
state (entities across articles, clusters of reports) up to date.

The one place where the stages meet the database: :mod:`onrecord.read` gives articles,
:func:`onrecord.find.pipeline.analyze` their statements, :mod:`.store` writes each article
with its statements in one transaction, :mod:`.identity` and :mod:`.dedup` regroup what is
stored. ``onrecord ingest`` runs it, and so may any Python caller with a connection.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable

from ..find import parallel
from ..find.pipeline import Result, Summary, analyze, read_sources
from ..model import MODES, Article, Mode, Problem
from . import dedup, entities, store


def ingest(
    conn: sqlite3.Connection,
    paths: Iterable[str],
    *,
    metadata: dict[str, dict] | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    on_article: Callable[[Result], None] | None = None,
    mode: str | Mode = "default",
    workers: int = 1,
    dask: str | None = None,
) -> Summary:
    """Read, analyse and store every article under ``paths`` in ``mode``; already-stored ones
    are skipped, except those a less accurate mode found (earlier in :data:`MODES`, or not
    recorded): these are found again and their statements replaced.

    Each article is committed with its statements, so an interrupted ingest keeps every
    article it finished and a re-run picks up the rest.

    ``workers`` > 1 finds the statements in that many processes, articles read here;
    ``dask`` (an address, or ``local:N``) on a Dask cluster whose workers read the inputs
    too, listed here (:func:`onrecord.find.parallel.read_and_analyze_dask`; the ids of the
    articles stored are sent ahead, so that the workers do not find them again). Either
    way, articles are written here, in input order, so the record is the same as with
    one process.
    """
    mode = Mode.of(mode)
    summary = Summary()
    seen: set[str] = set()
    redo: set[str] = set()

    def skip(article: Article) -> bool:
        if article.id in seen:
            return True
        seen.add(article.id)
        stored = store.stored_mode(conn, article.id)
        if stored is None:
            return False
        if _rank(stored) < mode.rank:
            redo.add(article.id)
            return False
        return True

    if store.derived_behind(conn):  # the last run stored articles, then died
        complete(conn)

    def write(result: Result) -> None:
        again = result.article.id in redo
        written = store.write_article(
            conn,
            result.article,
            result.statements,
            result.titles,
            extractor=mode.name,
            replace=again,
        )
        if written is None:
            summary.already += 1
        elif again:
            summary.redone += 1
        else:
            summary.added += 1
        summary.statements += written or 0

    if dask is not None:  # (read on the workers: the ids to skip are sent ahead)
        known = [
            i
            for i, stored in conn.execute("SELECT id, extractor FROM articles")
            if _rank(stored or "unrecorded") >= mode.rank
        ]
        items = parallel.read_and_analyze_dask(paths, mode, dask, metadata=metadata, known=known)
        _taken(items, mode, skip, summary, write, on_problem, on_article)
    else:
        articles = read_sources(paths, summary, metadata, on_problem, skip)
        _found(articles, mode, workers, summary, write, on_problem, on_article)
    if summary.added or summary.redone:
        complete(conn)
    return summary


def ingest_to_parquet(
    folder: str,
    paths: Iterable[str],
    *,
    metadata: dict[str, dict] | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    on_article: Callable[[Result], None] | None = None,
    mode: str | Mode = "default",
    workers: int = 1,
    dask: str | None = None,
) -> Summary:
    """:func:`ingest` into a Parquet dataset (:mod:`.parquet`) instead of a database: for
    corpora beyond one SQLite file. The articles the dataset holds already are skipped."""
    from .parquet import DatasetWriter

    mode = Mode.of(mode)
    summary = Summary()
    out = DatasetWriter(folder)
    seen: set[str] = set()

    def skip(article: Article) -> bool:
        if article.id in seen or out.has(article.id):
            return True
        seen.add(article.id)
        return False

    def write(result: Result) -> None:
        written = out.add(result, mode.name)
        summary.added += written is not None
        summary.statements += written or 0

    try:
        if dask is not None:
            items = parallel.read_and_analyze_dask(
                paths, mode, dask, metadata=metadata, known=out.done
            )
            _taken(items, mode, skip, summary, write, on_problem, on_article)
        else:
            articles = read_sources(paths, summary, metadata, on_problem, skip)
            _found(articles, mode, workers, summary, write, on_problem, on_article)
    finally:
        out.close()  # (what was found is written, even when the run stops early)
    return summary


def _found(
    articles: Iterable[Article],
    mode: Mode,
    workers: int,
    summary: Summary,
    write: Callable[[Result], None],
    on_problem: Callable[[Problem], None] | None,
    on_article: Callable[[Result], None] | None,
) -> None:
    """Each article's result, in input order, found over ``workers`` processes (one: here),
    to ``write``."""
    if workers > 1:
        results = parallel.analyze_parallel(articles, mode, workers)
    else:
        results = analyze(articles, mode=mode)
    for result in results:
        _take(result, summary, write, on_problem, on_article)


def _taken(
    items: Iterable[Problem | Result | Article],
    mode: Mode,
    skip: Callable[[Article], bool],
    summary: Summary,
    write: Callable[[Result], None],
    on_problem: Callable[[Problem], None] | None,
    on_article: Callable[[Result], None] | None,
) -> None:
    """What a Dask cluster read and found (:func:`parallel.read_and_analyze_dask`), in input
    order: problems reported, articles skipped as a reading here skips them (already
    stored, or read twice), the others' results to ``write``. An article the cluster did
    not analyse, its id being stored, that is to be found after all (its record removed
    since) is found here."""
    for item in items:
        if isinstance(item, Problem):
            _report(item, summary, on_problem)
            continue
        article = item if isinstance(item, Article) else item.article
        if skip(article):
            summary.already += 1
            continue
        result = item if isinstance(item, Result) else next(iter(analyze([article], mode=mode)))
        _take(result, summary, write, on_problem, on_article)


def _take(
    result: Result,
    summary: Summary,
    write: Callable[[Result], None],
    on_problem: Callable[[Problem], None] | None,
    on_article: Callable[[Result], None] | None,
) -> None:
    """One article's result to ``write``; an article past its time budget is reported and
    nothing of it written."""
    if result.problem is not None:
        _report(result.problem, summary, on_problem)
    else:
        write(result)
    if on_article:
        on_article(result)


def _report(problem: Problem, summary: Summary, on_problem) -> None:
    summary.problems.append(problem)
    if on_problem:
        on_problem(problem)


def complete(conn: sqlite3.Connection, *, full: bool = False) -> int:
    """Bring the derived state up to date with the stored statements: entities
    (:func:`entities.update`: the names new or changed since; ``full``:
    :func:`entities.rebuild`, every name, and every cluster dissolved and made again), then
    clusters (statements that changed entity are checked again, new ones signed and
    clustered: :mod:`onrecord.record.dedup`). Returns how many entities there are.

    Run after each ingest that stored something, after an alias change, and at the start of
    an ingest when the last one stored articles but died before this (``store.derived_behind``,
    cleared here once everything is done). Each step is idempotent, so a run killed in the
    middle of this is completed by the next.
    """
    with conn:
        store.mark_behind(conn)
        if full:
            rebuilt = entities.rebuild(conn, commit=False)
            dedup.dissolve(
                conn, [r[0] for r in conn.execute("SELECT DISTINCT cluster_id FROM statements")]
            )
        else:
            rebuilt = entities.update(conn, commit=False)
            dedup.regroup(conn, rebuilt.moved)
    dedup.update(conn)
    store.derived_done(conn)
    return rebuilt.entities


def _rank(stored: str) -> int:
    """How accurate the mode a stored article was found in is (:attr:`Mode.rank`); -1 for
    "unrecorded" (stored before modes were recorded, by the rules alone)."""
    return Mode.of(stored).rank if stored in MODES else -1
