"""Finding statements over many processes or a Dask cluster, results in input order.

:func:`onrecord.find.pipeline.analyze` runs on one process (spaCy's parse on one thread, the
tagger and the finding on a second). To use more cores or machines, :func:`analyze_parallel`
sends small chunks of articles (:data:`CHUNK_SIZE`) to worker processes and
:func:`analyze_dask` to the workers of a Dask cluster; each runs ``analyze`` on its chunk,
with the spaCy pipeline loaded once per process. Both give back each article's
:class:`~onrecord.find.pipeline.Result` in input order, with a bounded number of chunks in
flight, so the caller keeps reading articles as a stream and writes them through one
writer, exactly as it would from ``analyze``: the record is the same as a one-process run.

Articles are read by the caller, here on the client: a worker gets the articles themselves,
not paths to read (workers need not see the caller's files). What comes back from a worker is
the statements, titles and problem of each article, without its text, which the caller has.
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
from . import nlp
from .pipeline import Result, analyze

# articles a worker gets at once: enough that spaCy batches them and a chunk's round trip is
# small beside its work, few enough that the workers share the tail of a run and that the
# chunks in flight hold little memory
CHUNK_SIZE = 8
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

    def result(self) -> list[Found]: ...

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
            yield from _in_order(
                lambda chunk: pool.submit(analyze_chunk, chunk, mode.name),
                chain(head, chunks),
                workers * CHUNKS_PER_WORKER,
            )
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
    """:func:`~onrecord.find.pipeline.analyze` over a Dask cluster, each result in input order.

    ``address`` is a running scheduler's (``tcp://host:8786``), or ``local:N`` for a
    :class:`distributed.LocalCluster` of N one-thread worker processes started here and
    stopped at the end. Chunks are of ``chunk_size`` articles (default :data:`CHUNK_SIZE`),
    :data:`CHUNKS_PER_WORKER` per worker thread in flight (at least four).

    Each chunk is one task, run again on another worker if its worker dies (and up to
    :data:`RETRIES` times if it raises); a result is taken only in its turn and written by the
    caller, keyed by article id, so a lost worker loses nothing. Articles are read here, on
    the client, and sent with their chunk (the workers need not see the files); each worker
    loads the pipeline on its first chunk and keeps it.
    """
    mode = Mode.of(mode)
    with _dask_client(address) as client:
        from distributed import KilledWorker

        threads = sum(client.nthreads().values())
        try:
            yield from _in_order(
                lambda chunk: client.submit(
                    analyze_chunk, chunk, mode.name, retries=RETRIES, pure=False
                ),
                _chunks(articles, chunk_size or CHUNK_SIZE),
                max(4, threads * CHUNKS_PER_WORKER),  # (workers may still be joining)
            )
        except KilledWorker as err:  # (a chunk whose workers died again and again)
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
    submit: Callable[[list[Article]], _Pending],
    chunks: Iterable[list[Article]],
    window: int,
) -> Iterator[Result]:
    """Each article's result, in input order: chunks are submitted as they are read, at most
    ``window`` of them in flight, and their results taken oldest first. Stopped early, the
    chunks still in flight are cancelled."""
    pending: deque[tuple[list[Article], _Pending]] = deque()
    try:
        for chunk in chunks:
            pending.append((chunk, submit(chunk)))
            if len(pending) >= window:
                yield from _results(*pending.popleft())
        while pending:
            yield from _results(*pending.popleft())
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
