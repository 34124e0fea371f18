"""The flow from articles to resolved statements, batched through spaCy.

:mod:`onrecord.read` reads sources, ``nlp`` parses the analysis view of each article (page
leftovers and the headline blanked, offsets unchanged), ``attribution`` finds statements,
``speakers`` resolves their speakers, ``context`` adds their context. :func:`analyze` runs
these over any number of articles in batches; :func:`extract` is the one-text convenience
behind ``onrecord.extract``. Storing is :mod:`onrecord.record.ingest`'s.

Statements are found in one of three :data:`MODES`, each more accurate and slower than the
one before (figures in the README):

- ``fast``: the parse rules and the learned cue and span models (:mod:`onrecord.find.attribution`),
  found on a second thread while spaCy parses the next articles;
- ``default``: the same, with the fine-tuned tagger (:mod:`onrecord.find.tagger`) finding
  statements beside them; the tagger reads each text on the second thread while spaCy
  parses;
- ``accurate``: the default, then the tagger reads again, with its cue marked, each
  statement that the rules and the tagger read differently, to draw its content and source
  (three to four times bare spaCy's time).
"""

from __future__ import annotations

import ctypes
import functools
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from spacy.tokens import Doc

from ..model import Article, Mode, Problem, Statement
from ..read.article import make_article
from ..read.clean import analysis_view
from ..read.sources import read_paths
from ..read.text import IngestError
from . import attribution, budget, confidence, context, nlp, speakers, tagger

# articles spaCy parses at once: its memory while parsing grows with the batch (peak RSS on
# 70 PolNeAR train texts, fast mode: 877 MB in batches of 32, 372 MB in batches of 8), its
# speed does not here (150 texts, default mode: 33.9 and 31.6 s in 32s, 32.3 and 32.1 s in
# 8s); benchmarks/scale.py memory
BATCH_SIZE = 8
# articles whose vocabulary spaCy keeps at once (a memory zone each): enough that a zone's
# start and end (the two threads drained) cost nothing beside its work
ZONE_ARTICLES = 256
ZONE_CHARS = 4_000_000  # (and at most this much text read ahead)
# statements one article may have: PolNeAR's most is 214; a text with thousands (a list
# of "according to X", a generated page) is no article, and its near-identical statements
# would make the clustering of the record quadratic in them
MAX_STATEMENTS = 2000


@dataclass
class Result:
    """One analysed article: its statements and the titles seen for each person; or, with
    ``problem``, an article skipped (it ran past its time budget, :mod:`onrecord.find.budget`,
    or held more than :data:`MAX_STATEMENTS`), with no statements: a caller reports the
    problem and stores nothing."""

    article: Article
    statements: list[Statement]
    titles: dict[str, list[str]]
    problem: Problem | None = None


@dataclass
class _Work:
    """An article on its way through :func:`analyze`: its analysis view, the tagger's future
    (None in the fast mode), its deadline where its clock has started, and what stopped it
    past its budget in the parse of a long text."""

    article: Article
    view: str
    seconds: float  # the budget
    probs: Future | None = None
    end: float | None = None
    over: budget.OverBudget | None = None


def analyze(
    articles: Iterable[Article], batch_size: int = BATCH_SIZE, *, mode: str | Mode = "default"
) -> Iterator[Result]:
    """Statements of each article, in input order, parsed in batches (streaming), found in
    ``mode`` (one of :data:`MODES` or its :class:`~onrecord.model.Mode`, see the module doc).

    spaCy parses on this thread; a second thread runs the tagger on each text as it enters
    the parse (it reads the text alone), and finds the statements of each parsed article
    while the parse goes on: both the parse and onnxruntime let go of the interpreter lock
    for much of their time. Where the tagger is behind an article as it leaves the parse,
    this thread finds its statements itself, so that the worker is not left with all of it.

    A text longer than :data:`onrecord.find.nlp.PIECE_CHARS` is parsed in pieces, on its own,
    once the batch of short texts before it is out (a short article never waits on a long one's
    parse; :func:`onrecord.find.nlp.parse`), and joined into one doc. Each article has a time
    budget (:mod:`onrecord.find.budget`): it runs from the start of a long text's parse, else from
    the start of the article's finding, and is checked in the loops of parsing in pieces,
    tagging and finding; an article past it comes out as a :class:`Result` with a
    ``problem`` and no statements, and the batch goes on.
    """
    mode = Mode.of(mode)
    pipeline = nlp.load()
    for segment in _segments(articles):
        # what spaCy adds to its vocabulary for these articles (strings, lexemes) is let go
        # once they are done: a run of millions keeps the memory of one segment
        with pipeline.memory_zone():
            yield from _analyze(segment, pipeline, batch_size, mode)
        _trim_heap()


def _segments(articles: Iterable[Article]) -> Iterator[list[Article]]:
    """``articles`` in lists of :data:`ZONE_ARTICLES`, or fewer where their texts reach
    :data:`ZONE_CHARS` (a segment is read before it is parsed)."""
    segment: list[Article] = []
    chars = 0
    for article in articles:
        segment.append(article)
        chars += len(article.text)
        if len(segment) >= ZONE_ARTICLES or chars >= ZONE_CHARS:
            yield segment
            segment, chars = [], 0
    if segment:
        yield segment


def _analyze(
    articles: Iterable[Article], pipeline, batch_size: int, mode: Mode
) -> Iterator[Result]:
    """:func:`analyze` over one segment of articles, every doc used and done within it."""
    pending: deque[Future] = deque()  # results in input order, at most a batch ahead
    with ThreadPoolExecutor(max_workers=1) as worker:  # (one worker: its tasks run in order)

        def works() -> Iterator[_Work]:
            """Each article's work, the tagger set going on a short text as it comes."""
            for article in articles:
                view = analysis_view(article.text, article.skips, article.title_span)
                seconds = budget.seconds(len(view))
                work = _Work(article, view, seconds)
                if mode.tagger and len(view) <= nlp.PIECE_CHARS:  # (a long one's: at its parse)
                    work.probs = worker.submit(_tag, view, None, seconds)
                yield work

        def parse_long(work: _Work) -> Doc | None:
            """A long text's doc, parsed in pieces within its budget (None past it)."""
            try:
                with budget.deadline(work.end, work.seconds):
                    return nlp.parse(pipeline, work.view)
            except budget.OverBudget as over:
                work.over = over
                return None

        def parsed() -> Iterator[tuple[Doc | None, _Work]]:
            """Each work with its doc, in input order: short texts through spaCy's batches; a
            long one with None, to be parsed by :func:`parse_long` once the batch before it is
            out."""
            batch: list[_Work] = []

            def flush() -> Iterator[tuple[Doc, _Work]]:
                texts = [(w.view, w) for w in batch]
                batch.clear()
                yield from pipeline.pipe(texts, as_tuples=True, batch_size=batch_size)

            for work in works():
                if len(work.view) <= nlp.PIECE_CHARS:
                    batch.append(work)
                    if len(batch) >= batch_size:
                        yield from flush()
                    continue
                yield from flush()
                yield None, work
            yield from flush()

        for doc, work in parsed():
            if doc is None:  # a long text: the articles before it go out before its parse, so
                # that none waits on it (its clock runs from its parse's start)
                while pending:
                    yield pending.popleft().result()
                work.end = budget.ends_at(work.seconds)
                if mode.tagger:
                    work.probs = worker.submit(_tag, work.view, work.end, work.seconds)
                doc = parse_long(work)
            if work.over is not None:  # (past its budget in the parse)
                here: Future = Future()
                here.set_result(_skipped(work.article, work.over))
                pending.append(here)
                continue
            doc.user_data["onrecord_text"] = work.view  # doc.text, without joining the tokens
            if work.probs is None or work.probs.done():
                tags = work.probs.result() if work.probs else None  # (ready: no wait)
                pending.append(worker.submit(_find, doc, work, tags, mode))
            else:  # the tagger is behind this article: find its statements here, once it is
                # done (waiting outside the lock: the worker may have finding still to do)
                here = Future()
                here.set_result(_find(doc, work, work.probs.result(), mode))
                pending.append(here)
            while len(pending) > batch_size or (pending and pending[0].done()):
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _trim_heap() -> None:
    """Give the memory the C heap keeps free back to the system (glibc's ``malloc_trim``;
    elsewhere nothing): spaCy's batches free hundreds of MB that glibc would otherwise hold
    (docs/scale.md)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


def heap_as_usual() -> None:
    """Let glibc's heap keep what it frees again, in a Dask worker whose nanny made it hand
    back every 64 KB at once (``MALLOC_TRIM_THRESHOLD_``, set by Dask before the worker
    starts): spaCy frees and takes back large arrays for every batch, and returning them
    each time made the worker 12% slower, with 3x the system time (docs/scale.md).

    Arrays below 32 MB come from the heap again and 64 MB may stay free in it: glibc's own
    defaults, as they settle in a process nobody tuned. :func:`analyze` still gives what
    spaCy freed back after each segment of articles. Once per process; nothing where the
    variable is not set or glibc is not there."""
    global _HEAP_AS_USUAL
    if _HEAP_AS_USUAL or not os.environ.get("MALLOC_TRIM_THRESHOLD_"):
        return
    _HEAP_AS_USUAL = True
    libc = _libc()
    if libc is not None:
        libc.mallopt(_M_MMAP_THRESHOLD, 32 * 2**20)
        libc.mallopt(_M_TRIM_THRESHOLD, 64 * 2**20)


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """glibc, looked up once; None where there is none (its heap calls are then skipped)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    # (both there, or neither is used)
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


_HEAP_AS_USUAL = False
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # (glibc's mallopt parameters, malloc.h)


def _tag(view: str, end: float | None, seconds: float) -> tuple | budget.OverBudget:
    """:func:`onrecord.find.tagger.piece_probs` for ``view`` within its article's deadline
    (``end``; None: the clock has not started, the text is short); past it, the
    :class:`~onrecord.find.budget.OverBudget` it raised, for :func:`_find` to report."""
    try:
        with budget.deadline(end, seconds):
            return tagger.piece_probs(view)
    except budget.OverBudget as over:
        return over


_FINDING = threading.Lock()  # one article at a time: the CRFsuite taggers keep state


def _find(doc, work: _Work, probs: tuple | budget.OverBudget | None, mode: Mode) -> Result:
    """One parsed article's statements, speakers resolved and context annotated (``probs``:
    what :func:`_tag` gave for its text, None in the fast mode), within the article's time
    budget (its clock starts here unless it started with a long text's parse)."""
    article = work.article
    with _FINDING:
        end = work.end if work.end is not None else budget.ends_at(work.seconds)
        try:
            if isinstance(probs, budget.OverBudget):
                raise probs
            with budget.deadline(end, work.seconds):
                found = find_in(doc, probs, mode)
                if len(found) > MAX_STATEMENTS:
                    return _too_many(article, len(found))
                statements, titles = complete(doc, found, mode, article.id, article.published)
                budget.check()
        except budget.OverBudget as over:
            return _skipped(article, over)
        return Result(article, statements, titles)


def find_in(doc: Doc, probs: tuple | None, mode: Mode) -> list:
    """What is found in a parsed article in ``mode`` (``probs``: the tagger's reading of its
    text, None in the fast mode): each a :class:`~onrecord.find.phrases.Found` with content,
    none in a table (:func:`onrecord.find.attribution.tabular`)."""
    if probs is None:
        found = attribution.find(doc)
    else:
        found = tagger.find(doc, probs, redraw=mode.redraw_edges)
    text = nlp.text_of(doc)
    for f in found:
        attribution.speaker_outside(doc, f)
        attribution.within_cue_clause(doc, f)
    return [
        f
        for f in found
        if f.content
        and not attribution.tabular(text, f)
        and not attribution.names_nothing(text, f)
        and not attribution.naming(doc, f)
    ]


def complete(
    doc: Doc, found: list, mode: Mode, article_id: str, published: str | None
) -> tuple[list[Statement], dict[str, list[str]]]:
    """The statements of what was found (:func:`find_in`), speakers resolved, context
    annotated and confidence set, those too unlikely to be right left out
    (:func:`onrecord.find.confidence.kept`); and the titles seen for each person."""
    statements = attribution.to_statements(doc, found, article_id)
    resolver = speakers.resolve(doc, statements)
    context.annotate(doc, statements, published)
    confidence.assign(statements, found, mode.name)
    return confidence.kept(statements), resolver.titles()


def _too_many(article: Article, n: int) -> Result:
    """The result of a text with more statements than an article has: none, a problem."""
    reason = f"{n:,} statements found, more than an article holds ({MAX_STATEMENTS:,}); skipped"
    return _not_stored(article, reason)


def _skipped(article: Article, over: budget.OverBudget) -> Result:
    """The result of an article that ran past its time budget: no statements, a problem."""
    return _not_stored(article, str(over))


def _not_stored(article: Article, reason: str) -> Result:
    """An article's result with no statements and the problem that says why."""
    where = article.path or article.url or article.id
    return Result(article, [], {}, problem=Problem(where, reason))


# the metadata an article may be given through the Python API (``published`` dates the text,
# so that "on Tuesday" is read against it; without it, relative dates stay unresolved)
META_KEYS = ("published", "title", "outlet", "url", "path")


def _check_meta(function: str, meta: dict, own: tuple[str, ...]) -> None:
    """Raise TypeError for a keyword ``function`` does not take (``pubished=``), naming the
    ones it does: a misspelt keyword would otherwise be dropped without a word."""
    unknown = sorted(set(meta) - set(META_KEYS))
    if unknown:
        raise TypeError(
            f"{function}() got unexpected keyword argument(s) {', '.join(map(repr, unknown))}; "
            f"it takes {', '.join((*own, *META_KEYS))}"
        )


def extract(
    text: str, *, clean_text: bool = True, mode: str | Mode = "default", **meta
) -> list[Statement]:
    """Every attributed statement in ``text``, speakers resolved (the Python API).

    ``clean_text=False`` skips leftover detection (for text known to be clean);
    ``mode`` is one of :data:`MODES` (see the module doc); ``meta`` is the article's
    metadata, among :data:`META_KEYS` (``published="2024-03-14"``: the date that "on Tuesday"
    is read against; without it such a date is left unresolved). Any other keyword raises
    TypeError.
    """
    _check_meta("extract", meta, ("clean_text", "mode"))
    return extract_many([text], clean_text=clean_text, check_language=False, mode=mode, **meta)[0]


def extract_many(
    texts: list[str],
    *,
    clean_text: bool = True,
    check_language: bool = False,
    progress: Callable[[], object] | None = None,
    mode: str | Mode = "default",
    **meta,
) -> list[list[Statement]]:
    """:func:`extract` over many texts at once (batched parsing).

    An empty text (or one of page leftovers alone) has no statements; one that cannot be
    analysed (too long; not English with ``check_language``) raises :class:`IngestError`
    with the reason; one that runs past its time budget (:mod:`onrecord.find.budget`) gets no
    statements. ``meta`` (among :data:`META_KEYS`) applies to every text; any other keyword
    raises TypeError. ``progress`` is called once for each text as it is done (a progress
    bar's ``update``).
    """
    _check_meta("extract_many", meta, ("clean_text", "check_language", "progress", "mode"))
    articles: list[Article | None] = []
    for text in texts:
        try:
            article = make_article(text, check_language=check_language, **meta)
        except IngestError as err:
            if not str(err).startswith("empty"):
                raise
            articles.append(None)  # nothing to analyse: no statements
            continue
        if not clean_text:
            article.skips, article.title_span = [], None
        articles.append(article)
    results = iter(analyze((a for a in articles if a is not None), mode=mode))
    found: list[list[Statement]] = []
    for a in articles:
        found.append(next(results).statements if a is not None else [])
        if progress is not None:
            progress()
    return found


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
