"""The flow from articles to resolved statements, batched through spaCy.

``ingest`` reads sources, ``nlp`` parses the analysis view of each article (page leftovers
and the headline blanked, offsets unchanged), ``attribution`` finds statements, ``speakers``
resolves their speakers. :func:`analyze` runs the last three over any number of articles in
batches; :func:`extract` is the one-text convenience behind ``onrecord.extract``.

Statements are found in one of three :data:`MODES`, each more accurate and slower than the
one before (figures in the README):

- ``fast``: the parse rules and the learned cue and span models (:mod:`onrecord.attribution`),
  found on a second thread while spaCy parses the next articles;
- ``default``: the same, with the fine-tuned tagger (:mod:`onrecord.tagger`) finding
  statements beside them; the tagger reads each text on the second thread while spaCy
  parses;
- ``accurate``: the default, then the tagger reads again, with its cue marked, each
  statement that the rules and the tagger read differently, to draw its content and source
  (three to four times bare spaCy's time).
"""

from __future__ import annotations

import sqlite3
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from . import attribution, context, dedup, identity, nlp, speakers, store, tagger
from .clean import analysis_view
from .ingest import IngestError, make_article, read_paths
from .model import MODES, Article, Problem, Statement

BATCH_SIZE = 32


@dataclass
class Result:
    """One analysed article: its statements and the titles seen for each person."""

    article: Article
    statements: list[Statement]
    titles: dict[str, list[str]]


def analyze(
    articles: Iterable[Article], batch_size: int = BATCH_SIZE, *, mode: str = "default"
) -> Iterator[Result]:
    """Statements of each article, in input order, parsed in batches (streaming), found in
    ``mode`` (one of :data:`MODES`, see the module doc).

    spaCy parses on this thread; a second thread runs the tagger on each text as it enters
    the parse (it reads the text alone), and finds the statements of each parsed article
    while the parse goes on: both the parse and onnxruntime let go of the interpreter lock
    for much of their time. Where the tagger is behind an article as it leaves the parse,
    this thread finds its statements itself, so that the worker is not left with all of it.
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; one of {MODES}")
    pipeline = nlp.load()
    pairs = ((analysis_view(a.text, a.skips, a.title_span), a) for a in articles)
    pending: deque[Future] = deque()  # results in input order, at most a batch ahead
    with ThreadPoolExecutor(max_workers=1) as worker:  # (one worker: its tasks run in order)
        if mode != "fast":
            pairs = ((v, (a, v, worker.submit(tagger.piece_probs, v))) for v, a in pairs)
        else:
            pairs = ((v, (a, v, None)) for v, a in pairs)
        for doc, (article, view, probs) in pipeline.pipe(
            pairs, as_tuples=True, batch_size=batch_size
        ):
            doc.user_data["onrecord_text"] = view  # doc.text, without joining the tokens again
            if probs is None or probs.done():
                tags = probs.result() if probs else None  # (ready: no wait)
                pending.append(worker.submit(_find, doc, article, tags, mode))
            else:  # the tagger is behind this article: find its statements here, once it is
                # done (waiting outside the lock: the worker may have finding still to do)
                here: Future = Future()
                here.set_result(_find(doc, article, probs.result(), mode))
                pending.append(here)
            while len(pending) > batch_size or (pending and pending[0].done()):
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


_FINDING = threading.Lock()  # one article at a time: the CRFsuite taggers keep state


def _find(doc, article: Article, probs: tuple | None, mode: str) -> Result:
    """One parsed article's statements, speakers resolved and context annotated (``probs``:
    what :func:`onrecord.tagger.piece_probs` gave for its text, None in the fast mode)."""
    with _FINDING:
        if probs is None:
            found = attribution.find(doc)
        else:
            found = tagger.find(doc, probs, edges=mode == "accurate")
        statements = attribution.to_statements(doc, found, article.id)
        resolver = speakers.resolve(doc, statements)
        context.annotate(doc, statements, article.published)
        return Result(article, statements, resolver.titles())


def extract(
    text: str, *, clean_text: bool = True, mode: str = "default", **meta
) -> list[Statement]:
    """Every attributed statement in ``text``, speakers resolved (the Python API).

    ``clean_text=False`` skips leftover detection (for text known to be clean);
    ``mode`` is one of :data:`MODES` (see the module doc).
    """
    return extract_many([text], clean_text=clean_text, check_language=False, mode=mode, **meta)[0]


def extract_many(
    texts: list[str],
    *,
    clean_text: bool = True,
    check_language: bool = False,
    mode: str = "default",
    **meta,
) -> list[list[Statement]]:
    """:func:`extract` over many texts at once (batched parsing)."""
    articles: list[Article | None] = []
    for text in texts:
        try:
            article = make_article(text, check_language=check_language, **meta)
        except IngestError:
            articles.append(None)  # empty text: no statements
            continue
        if not clean_text:
            article.skips, article.title_span = [], None
        articles.append(article)
    results = iter(analyze((a for a in articles if a is not None), mode=mode))
    return [next(results).statements if a is not None else [] for a in articles]


@dataclass
class Summary:
    """What an ingest did."""

    added: int = 0
    already: int = 0
    redone: int = 0  # stored articles found again by a more accurate mode
    statements: int = 0
    problems: list[Problem] = field(default_factory=list)


def read_sources(
    paths: Iterable[str],
    summary: Summary,
    metadata: dict[str, dict] | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    skip: Callable[[Article], bool] | None = None,
) -> Iterator[Article]:
    """Articles from ``paths``; problems go to ``summary`` (and ``on_problem``) as they come."""
    for item in read_paths(paths, metadata):
        if isinstance(item, Problem):
            summary.problems.append(item)
            if on_problem:
                on_problem(item)
        elif skip and skip(item):
            summary.already += 1
        else:
            yield item


def ingest(
    conn: sqlite3.Connection,
    paths: Iterable[str],
    *,
    metadata: dict[str, dict] | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    on_article: Callable[[Result], None] | None = None,
    mode: str = "default",
) -> Summary:
    """Read, analyse and store every article under ``paths`` in ``mode``; already-stored ones
    are skipped, except those a less accurate mode found (earlier in :data:`MODES`, or not
    recorded): these are found again and their statements replaced.

    Each article is committed with its statements, so an interrupted ingest keeps every
    article it finished and a re-run picks up the rest.
    """
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
        if _rank(stored) < _rank(mode):
            redo.add(article.id)
            return False
        return True

    if store.derived_behind(conn):  # the last run stored articles, then died
        complete(conn)
    articles = read_sources(paths, summary, metadata, on_problem, skip)
    for result in analyze(articles, mode=mode):
        again = result.article.id in redo
        written = store.write_article(
            conn, result.article, result.statements, result.titles, extractor=mode, replace=again
        )
        if written is None:
            summary.already += 1
        elif again:
            summary.redone += 1
        else:
            summary.added += 1
        summary.statements += written or 0
        if on_article:
            on_article(result)
    if summary.added or summary.redone:
        complete(conn)
    return summary


def complete(conn: sqlite3.Connection) -> int:
    """Bring the derived state up to date with the stored statements: entities
    (:func:`identity.rebuild`), then clusters (statements that changed entity are checked
    again, new ones signed and clustered: :mod:`onrecord.dedup`). Returns how many entities
    there are.

    Run after each ingest that stored something, after an alias change, and at the start of
    an ingest when the last one stored articles but died before this (``store.derived_behind``,
    cleared here once everything is done). Each step is idempotent, so a run killed in the
    middle of this is completed by the next.
    """
    with conn:
        store.mark_behind(conn)
        rebuilt = identity.rebuild(conn, commit=False)
        dedup.regroup(conn, rebuilt.moved)
    dedup.update(conn)
    store.derived_done(conn)
    return rebuilt.entities


def _rank(mode: str) -> int:
    """How accurate a mode is: its place in :data:`MODES`; -1 for "unrecorded" (stored
    before modes were recorded, by the rules alone)."""
    return MODES.index(mode) if mode in MODES else -1
