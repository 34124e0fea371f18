"""Finding statements over many processes or a Dask cluster, results in input order.

:func:`onrecord.find.pipeline.analyze` runs on one process (spaCy's parse on one thread, the
tagger and the finding on a second). To use more cores or machines, :func:`analyze_parallel`
sends small chunks of articles (:data:`CHUNK_SIZE`) to worker processes, and
:func:`analyze_dask` and :func:`read_and_analyze_dask` to the workers of a Dask cluster; each
runs ``analyze`` on its chunk, with the spaCy pipeline loaded once per process. All give back
each article's result in input order, with a bounded number of chunks in flight, so the
caller writes them through one writer, exactly as it would from ``analyze``: the record is
the same as a one-process run.

Worker processes get articles read by the caller, and give back what they found without the
text, which the caller has. On a Dask cluster the workers read: the caller lists the inputs
(names, sizes and metadata, no article read) and each task names its files
(:class:`~onrecord.read.parts.Piece`: local paths the workers see, or fsspec URLs), reads
them where it runs, finds their statements and gives back each article with them; a WARC
archive or JSON Lines file is cut into parts (:mod:`onrecord.read.parts`, surveyed by a task
of its own), so that no task holds a whole crawl file.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from itertools import chain, islice
from multiprocessing.connection import wait
from typing import Any, NamedTuple, Protocol

from ..model import Article, Mode, Problem, Statement
from ..read.parts import Piece, holds_many, read_piece, survey
from ..read.sources import Source, list_sources, read_bytes, read_stdin
from . import nlp
from .pipeline import Result, analyze, heap_as_usual

# articles a worker gets at once: enough that spaCy batches them and a chunk's round trip is
# small beside its work, few enough that the workers share the tail of a run and that the
# chunks in flight hold little memory
CHUNK_SIZE = 8
# articles a Dask task reads and finds: more than a process pool's chunk, as each task has
# its round trip through the scheduler, and ``analyze`` overlaps parsing and finding on two
# threads only within a chunk (its start and end run on one)
DASK_CHUNK_SIZE = 24
# files of many articles surveyed ahead of the tasks that read them (see read.parts)
SURVEYS_AHEAD = 4
# chunks in flight for each worker: one running, one waiting, so that no worker idles while
# the caller writes
CHUNKS_PER_WORKER = 2
# times Dask runs a chunk again after it raised; a chunk whose worker died is run again by
# the scheduler on another worker (up to distributed's ``allowed-failures``)
RETRIES = 3
INSTALL_DASK = "pip install 'onrecord[dask]'"


class ParallelError(RuntimeError):
    """Parallel finding cannot start: Dask is missing, its address is not one, or its
    scheduler cannot be reached. The message says what to do."""


class Found(NamedTuple):
    """What a worker found in one article: a :class:`Result` less its article, which the
    caller already holds (the text need not travel back)."""

    statements: list[Statement]
    titles: dict[str, list[str]]
    problem: Problem | None


class _Pending(Protocol):
    """A chunk's future: :class:`concurrent.futures.Future` or :class:`distributed.Future`."""

    def result(self) -> Any: ...

    def cancel(self) -> Any: ...


def default_workers() -> int:
    """The cores this process may run on: the default number of worker processes."""
    return len(os.sched_getaffinity(0))


def analyze_parallel(
    articles: Iterable[Article],
    mode: str | Mode = "default",
    workers: int | None = None,
    *,
    chunk_size: int | None = None,
) -> Iterator[Result]:
    """:func:`~onrecord.find.pipeline.analyze` over ``workers`` processes (default: the cores
    available), each result in input order, with :data:`CHUNKS_PER_WORKER` chunks of
    ``chunk_size`` articles (default :data:`CHUNK_SIZE`) per worker in flight.

    One worker, or an input of one chunk or less, runs in this process: a pool would only add
    its start-up. Workers are started with "spawn" (this process may have threads; a fork
    would copy their locks), ignore Ctrl-C (the caller stops them) and load the spaCy
    pipeline once, as they start.
    """
    mode = Mode.of(mode)
    workers = workers or default_workers()
    chunks = _chunks(articles, chunk_size or CHUNK_SIZE)
    head = list(islice(chunks, 2))
    if workers <= 1 or len(head) < 2:
        yield from analyze(chain.from_iterable(chain(head, chunks)), mode=mode)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, context, initializer=_start_worker) as pool:
        try:
            for chunk, future in _in_order(
                lambda chunk: pool.submit(analyze_chunk, chunk, mode.name),
                chain(head, chunks),
                workers * CHUNKS_PER_WORKER,
            ):
                yield from _results(chunk, future)
        except BrokenProcessPool as err:  # (killed: out of memory, or by hand)
            raise ParallelError(
                "a worker process died; the articles stored so far are kept, run again to finish"
            ) from err
        finally:  # (stopped early: the chunks not started are dropped, not waited for)
            pool.shutdown(cancel_futures=True)


def analyze_dask(
    articles: Iterable[Article],
    mode: str | Mode = "default",
    address: str = "local:2",
    *,
    chunk_size: int | None = None,
) -> Iterator[Result]:
    """:func:`~onrecord.find.pipeline.analyze` of articles read here over a Dask cluster,
    each result in input order (see :func:`read_and_analyze_dask` for the rest): the
    articles travel with their chunk, the workers need not see any file."""
    mode = Mode.of(mode)
    with _dask_client(address) as client, _given_up():
        for chunk, future in _in_order(
            lambda chunk: client.submit(
                analyze_chunk, chunk, mode.name, retries=RETRIES, pure=False
            ),
            _chunks(articles, chunk_size or DASK_CHUNK_SIZE),
            _window(client),
        ):
            yield from _results(chunk, future)


def read_and_analyze_dask(
    paths: Iterable[str],
    mode: str | Mode = "default",
    address: str = "local:2",
    *,
    metadata: dict[str, dict] | None = None,
    known: Iterable[str] = (),
    chunk_size: int | None = None,
) -> Iterator[Problem | Result | Article]:
    """The articles under ``paths`` read and analysed on a Dask cluster: in input order,
    each problem of reading, each article's :class:`Result` and, for an article whose id
    is in ``known`` (those a record holds), the article alone, read but not analysed (the
    caller decides: skipped, or analysed after all).

    ``address`` is a running scheduler's (``tcp://host:8786``), or ``local:N`` for a
    :class:`distributed.LocalCluster` of N one-thread worker processes started here and
    stopped at the end. Here the inputs are listed (:func:`~onrecord.read.sources.list_sources`:
    files, folders, URLs, with their metadata; stdin is read here), nothing more; each task
    reads about ``chunk_size`` articles (default :data:`DASK_CHUNK_SIZE`) where it runs:
    small files grouped, files of many articles in parts (:mod:`onrecord.read.parts`), each
    such file surveyed first by a task of its own, run before the others
    (:data:`SURVEYS_AHEAD` files ahead). :data:`CHUNKS_PER_WORKER` tasks per worker thread
    are in flight (at least four).

    A task whose worker dies is run again on another (and up to :data:`RETRIES` times if it
    raises); a result is taken only in its turn and written by the caller, keyed by article
    id, so a lost worker loses nothing. Each worker loads the pipeline on its first task and
    keeps it. The workers must see the inputs: local paths on storage they share, or URLs
    (``s3://...``) their fsspec reads.
    """
    mode = Mode.of(mode)
    size = chunk_size or DASK_CHUNK_SIZE
    ids = _id_array(known)
    with _dask_client(address) as client, _given_up():
        seen = client.submit(_same, ids, pure=False) if len(ids) else None
        work = _work(client, list_sources(paths, metadata), size)
        for _, future in _in_order(
            lambda task: client.submit(
                read_and_analyze_chunk, task, mode.name, seen, retries=RETRIES, pure=False
            ),
            work,
            _window(client),
        ):
            yield from future.result()


Work = Piece | Problem | Article
"""What a task is given, each in input order: a file or a part of one to read, a problem of
listing to pass on, or an article read here (from stdin)."""


def read_and_analyze_chunk(
    work: list[Work], mode: str, known: Any = None
) -> list[Problem | Result | Article]:
    """What a Dask task does: reads its files (or parts) where it runs, and finds the
    statements of each article read (:func:`~onrecord.find.pipeline.analyze`, in ``mode``,
    a name) but those whose ids ``known`` holds (an array of :func:`_id_array`'s), which
    are given back alone. Problems of reading, and those given, stay in their place."""
    heap_as_usual()
    with _ONE_CHUNK:
        read: list[Problem | Article] = []
        for item in work:
            read.extend(read_piece(item) if isinstance(item, Piece) else [item])
        new = [a for a in read if isinstance(a, Article) and not _is_known(known, a.id)]
        results = iter(analyze(new, mode=mode) if new else ())
        return [
            next(results) if isinstance(item, Article) and not _is_known(known, item.id) else item
            for item in read
        ]


def _work(client: Any, listing: Iterable[tuple[Source, dict] | Problem], size: int):
    """The tasks' work, in input order: small files grouped to about ``size`` articles each,
    files of many articles in the parts their survey (a task of its own, submitted ahead
    and run first) finds, stdin read here into articles."""
    group: list[Work] = []
    weight = 0
    for item, spans in _surveyed(client, listing, size):
        if isinstance(item, Problem):
            group.append(item)
            continue
        source, meta = item
        if source.location == "-":
            units: list[tuple[Work, int]] = [
                (x, isinstance(x, Article)) for x in read_bytes(read_stdin(), "-")
            ]
        else:
            units = [
                (Piece(source, meta, span), span.articles if span else 1)
                for span in (spans or [None])
            ]
        for unit, w in units:
            if weight and weight + w > size:
                yield group
                group, weight = [], 0
            group.append(unit)
            weight += w
    if group:
        yield group


def _surveyed(client: Any, listing: Iterable[tuple[Source, dict] | Problem], size: int):
    """Each item of ``listing`` with its parts (None: a file read whole), the files of many
    articles surveyed on the cluster up to :data:`SURVEYS_AHEAD` of them ahead (with a
    higher priority than the reading tasks, so that no task waits behind them)."""
    ahead: deque[tuple[tuple[Source, dict] | Problem, Any]] = deque()
    surveys = 0
    for item in listing:
        future = None
        if not isinstance(item, Problem) and item[0].location != "-" and holds_many(item[0]):
            future = client.submit(survey, item[0], size, priority=10, retries=RETRIES, pure=False)
            surveys += 1
        ahead.append((item, future))
        while surveys > SURVEYS_AHEAD or len(ahead) > 64 * size:
            item, future = ahead.popleft()
            surveys -= future is not None
            yield item, future.result() if future is not None else None
    for item, future in ahead:
        yield item, future.result() if future is not None else None


def _same(value: Any) -> Any:
    """``value`` itself: a task whose result Dask keeps on the workers (and makes again where
    a worker holding it is lost), so that it travels to each once."""
    return value


def _id_array(ids: Iterable[str]) -> Any:
    """Article ids (16 hex digits) as a sorted array of 64-bit numbers: compact to send."""
    import numpy as np

    numbers = []
    for i in ids:
        try:
            numbers.append(int(i, 16))
        except ValueError:
            continue
    return np.array(sorted(numbers), dtype=np.uint64)


def _is_known(known: Any, article_id: str) -> bool:
    """Whether ``article_id`` is in an array of :func:`_id_array`."""
    if known is None or not len(known):
        return False
    import numpy as np

    number = np.uint64(int(article_id, 16))
    at = int(np.searchsorted(known, number))
    return at < len(known) and known[at] == number


def _window(client: Any) -> int:
    """Tasks in flight: :data:`CHUNKS_PER_WORKER` per worker thread, at least four (workers
    may still be joining)."""
    return max(4, sum(client.nthreads().values()) * CHUNKS_PER_WORKER)


@contextmanager
def _given_up() -> Iterator[None]:
    """A task Dask gives up on (its workers died again and again) as a
    :class:`ParallelError`."""
    from distributed import KilledWorker

    try:
        yield
    except KilledWorker as err:
        raise ParallelError(
            f"Dask gave up on a chunk: {err}; the articles stored so far are kept, run "
            "again to finish"
        ) from err


_ONE_CHUNK = threading.Lock()  # one chunk at a time in a process (a Dask worker may have
# several threads; spaCy's pipeline is shared by them and analyze keeps a second core busy)


def analyze_chunk(articles: list[Article], mode: str) -> list[Found]:
    """What a worker does with a chunk: :func:`~onrecord.find.pipeline.analyze` over it, in
    ``mode`` (a name), each article's result less its article. The pipeline is loaded on the
    first call in a process and kept (:func:`onrecord.find.nlp.load` is cached)."""
    heap_as_usual()
    with _ONE_CHUNK:
        return [Found(r.statements, r.titles, r.problem) for r in analyze(articles, mode=mode)]


def check_address(address: str) -> None:
    """Raise :class:`ParallelError` unless ``address`` is ``local:N`` (N >= 1) or names a
    scheduler (``tcp://host:port``, ``host:port``, any scheme Dask knows)."""
    if address.startswith("local:"):
        _local_workers(address)
    elif not address.strip() or address.strip() == "local":
        raise ParallelError(f"--dask takes a scheduler address or local:N, not {address!r}")


def _start_worker() -> None:
    """A worker process's start: Ctrl-C is the caller's to handle (it stops the pool), the
    worker ends with the caller (:func:`_exit_with_parent`), and the spaCy pipeline is
    loaded now, once, rather than in the first chunk's time budget."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent()
    nlp.load()


def _exit_with_parent() -> None:
    """End this process as soon as the process that started it ends, however it ends: a
    caller killed (-9) leaves no worker behind (the pool's queues would keep it waiting)."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        wait([parent.sentinel])  # (ready once the parent is gone)
        os._exit(1)

    threading.Thread(target=watch, name="onrecord-parent-watch", daemon=True).start()


def _chunks(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """``articles`` in lists of ``size`` (the last may be shorter), read as they are needed."""
    it = iter(articles)
    while chunk := list(islice(it, size)):
        yield chunk


def _in_order(
    submit: Callable[[Any], _Pending], units: Iterable[Any], window: int
) -> Iterator[tuple[Any, _Pending]]:
    """Each unit of work with its future, in input order: units are submitted as they are
    read, at most ``window`` of them in flight, and given back oldest first, for the caller
    to take its result. Stopped early, the units still in flight are cancelled."""
    pending: deque[tuple[Any, _Pending]] = deque()
    try:
        for unit in units:
            pending.append((unit, submit(unit)))
            if len(pending) >= window:
                yield pending.popleft()
        while pending:
            yield pending.popleft()
    finally:
        for _, future in pending:
            future.cancel()


def _results(chunk: list[Article], future: _Pending) -> Iterator[Result]:
    """The results of a chunk, each found with its article again."""
    found = future.result()
    for article, (statements, titles, problem) in zip(chunk, found, strict=True):
        yield Result(article, statements, titles, problem)


@contextmanager
def _dask_client(address: str) -> Iterator[Any]:
    """A :class:`distributed.Client` of the scheduler at ``address``, or of a LocalCluster
    started here for ``local:N``; closed (and the cluster stopped) at the end."""
    check_address(address)
    try:
        import distributed
    except ImportError:
        raise ParallelError(f"--dask needs Dask: {INSTALL_DASK}") from None
    if address.startswith("local:"):
        # (each worker keeps the one BLAS thread Dask's nanny gives it: two, on a machine
        # whose client writes at the same time, made one worker 25% slower, not faster)
        with (
            distributed.LocalCluster(
                n_workers=_local_workers(address),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = distributed.Client(address, timeout="20s")
    except (OSError, TimeoutError, ValueError) as err:
        raise ParallelError(f"cannot reach the Dask scheduler at {address}: {err}") from None
    with client:
        yield client


def _local_workers(address: str) -> int:
    """N of ``local:N``; :class:`ParallelError` unless it is a whole number of one or more."""
    n = address.removeprefix("local:")
    if not n.isdigit() or int(n) < 1:
        raise ParallelError(f"--dask local:N takes a number of workers of 1 or more, not {n!r}")
    return int(n)
