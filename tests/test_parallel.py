"""Ingest over worker processes and Dask clusters: the record is the one a one-process ingest
writes (articles, statements with their seq and ids, titles), bad input is reported the same
way, and a Dask worker killed mid-run loses nothing."""

from __future__ import annotations

import os
import pickle
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from onrecord.cli import main
from onrecord.find import parallel
from onrecord.find.pipeline import analyze
from onrecord.read.sources import read_paths
from onrecord.record import store

EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "onrecord" / "data" / "examples"
PIECE_CHARS = 600  # the bundled examples cut into short articles of about this length


def _pieces(text: str) -> list[str]:
    """``text`` cut at line ends into pieces of at least :data:`PIECE_CHARS` characters (the
    last one joined to the one before it if shorter)."""
    pieces, lines = [], []
    for line in text.splitlines(keepends=True):
        lines.append(line)
        if sum(map(len, lines)) >= PIECE_CHARS:
            pieces.append("".join(lines))
            lines = []
    if lines:
        if pieces:
            pieces[-1] += "".join(lines)
        else:
            pieces.append("".join(lines))
    return pieces


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A folder of short articles (the bundled examples cut in pieces: about two dozen, three
    chunks and more), each with its example's date and outlet in a metadata.csv."""
    folder = tmp_path_factory.mktemp("corpus")
    meta = (EXAMPLES / "metadata.csv").read_text(encoding="utf-8").splitlines()
    rows = [meta[0]]
    for line in meta[1:]:
        name, rest = line.split(",", 1)
        text = (EXAMPLES / name).read_text(encoding="utf-8")
        for i, piece in enumerate(_pieces(text)):
            piece_name = f"{Path(name).stem}_{i:02}.txt"
            (folder / piece_name).write_text(piece, encoding="utf-8")
            rows.append(f"{piece_name},{rest}")
    (folder / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert len(rows) - 1 > 2 * parallel.CHUNK_SIZE
    return folder


def _ingest(paths: list[Path], db: Path, *options: str):
    """``onrecord ingest PATHS --db DB OPTIONS``, run here; its result, checked to succeed."""
    args = ["ingest", *map(str, paths), "--db", str(db), *options]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def _record(db: Path) -> dict[str, list[tuple]]:
    """What an ingest wrote that extraction decides: every article (less the time it was
    ingested), every statement (all columns, by article and seq) and the titles seen."""
    conn = sqlite3.connect(db)
    columns = [r[1] for r in conn.execute("PRAGMA table_info(articles)")]
    kept = ", ".join(c for c in columns if c != "ingested_at")
    record = {
        "articles": conn.execute(f"SELECT {kept} FROM articles ORDER BY id").fetchall(),
        "statements": conn.execute("SELECT * FROM statements ORDER BY article_id, seq").fetchall(),
        "titles": conn.execute("SELECT * FROM titles_seen ORDER BY 1, 2, 3").fetchall(),
    }
    conn.close()
    return record


@pytest.fixture(scope="module")
def one_process(corpus, tmp_path_factory) -> dict[str, list[tuple]]:
    """The record a one-process ingest of the corpus writes."""
    db = tmp_path_factory.mktemp("one") / "one.db"
    _ingest([corpus], db, "--workers", "1")
    record = _record(db)
    assert len(record["articles"]) > 2 * parallel.CHUNK_SIZE
    assert len(record["statements"]) > 50
    return record


def test_results_travel_between_processes(corpus):
    articles = list(read_paths([str(corpus)]))[:3]
    for result in analyze(articles, mode="fast"):
        assert pickle.loads(pickle.dumps(result)) == result


def test_two_worker_processes_write_the_record_of_one(corpus, one_process, tmp_path):
    result = _ingest([corpus], tmp_path / "two.db", "--workers", "2")
    assert _record(tmp_path / "two.db") == one_process
    assert f"{len(one_process['articles'])} article(s) added" in result.output


def test_a_local_dask_cluster_writes_the_record_of_one(corpus, one_process, tmp_path):
    _ingest([corpus], tmp_path / "dask.db", "--dask", "local:2")
    assert _record(tmp_path / "dask.db") == one_process


@pytest.mark.parametrize("mode", ["fast", "accurate"])
def test_every_mode_gives_the_results_of_one_process(mode):
    articles = list(read_paths([str(EXAMPLES)]))
    alone = list(analyze(articles, mode=mode))
    assert list(parallel.analyze_parallel(articles, mode, 2, chunk_size=2)) == alone


def test_bad_input_is_reported_and_the_rest_stored_as_by_one_process(corpus, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR" * 10)
    paths = [tmp_path / "empty.txt", corpus, tmp_path / "binary.txt"]
    one = _ingest(paths, tmp_path / "one.db", "--workers", "1")
    two = _ingest(paths, tmp_path / "two.db", "--workers", "2")
    assert _record(tmp_path / "two.db") == _record(tmp_path / "one.db")
    for result in (one, two):
        assert re.search(r"skipped \S*empty\.txt: .*empty", result.stderr)
        assert re.search(r"skipped \S*binary\.txt: .*binary", result.stderr)
        assert ", 2 skipped;" in result.stdout
    assert one.stdout.split("Database")[0] == two.stdout.split("Database")[0]


def test_dask_and_workers_exclude_each_other(corpus, tmp_path):
    args = ["ingest", str(corpus), "--db", str(tmp_path / "x.db")]
    both = CliRunner().invoke(main, [*args, "--dask", "local:2", "--workers", "2"])
    assert both.exit_code == 2 and "exclude each other" in both.output
    bad = CliRunner().invoke(main, [*args, "--dask", "local:none"])
    assert bad.exit_code == 2 and "local:N" in bad.output
    assert not (tmp_path / "x.db").exists()


def test_without_dask_the_error_says_what_to_install(corpus, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # (its import fails)
    args = ["ingest", str(corpus), "--db", str(tmp_path / "x.db"), "--dask", "local:2"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "pip install 'onrecord[dask]'" in result.output
    assert "Traceback" not in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A real ``dask scheduler`` on a loopback port and the ``dask worker`` processes started
    for it, each in its own process group (a worker with its nanny), all killed at the end."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.groups: list[subprocess.Popen] = []
        port = _free_port()
        self.address = f"tcp://127.0.0.1:{port}"
        self._start("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert self.groups[0].poll() is None, (logs / "scheduler.log").read_text()
                assert time.monotonic() < deadline, "the scheduler did not start"
                time.sleep(0.2)

    def _start(self, *args: str) -> subprocess.Popen:
        log = (self.logs / f"{args[0]}{len(self.groups)}.log").open("wb")
        scratch = {"DASK_TEMPORARY_DIRECTORY": str(self.logs)}  # (not /tmp/dask-scratch-space)
        proc = subprocess.Popen(
            [sys.executable, "-m", "dask", *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, **scratch},
        )
        self.groups.append(proc)
        return proc

    def worker(self) -> subprocess.Popen:
        """A worker process (one process, one thread) joining the scheduler."""
        return self._start(
            "worker", self.address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"
        )

    def kill(self, proc: subprocess.Popen) -> None:
        """``kill -9`` a process and everything in its group (a worker and its nanny)."""
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)

    def close(self) -> None:
        for proc in reversed(self.groups):
            self.kill(proc)


@pytest.fixture
def cluster(tmp_path):
    """A :class:`Cluster` with no worker yet; every process of it killed after the test."""
    logs = tmp_path / "logs"
    logs.mkdir()
    running = Cluster(logs)
    try:
        yield running
    finally:
        running.close()


def test_a_dask_worker_killed_mid_run_loses_nothing(corpus, one_process, cluster, monkeypatch):
    """The first worker is killed (-9, with its nanny) as the first result is written, its
    chunks running or done but not fetched; a second one joins and the run ends with the
    record of one process."""
    monkeypatch.setattr(parallel, "DASK_CHUNK_SIZE", 4)  # (more tasks: most are still to come)
    first = cluster.worker()
    written: list[str] = []
    killed_after: list[int] = []
    write = store.write_article

    def write_and_kill_once(conn, article, *args, **kwargs):
        if not killed_after:
            cluster.kill(first)
            killed_after.append(len(written))
            cluster.worker()
        written.append(article.id)
        return write(conn, article, *args, **kwargs)

    monkeypatch.setattr(store, "write_article", write_and_kill_once)
    db = Path(cluster.logs.parent) / "killed.db"
    _ingest([corpus], db, "--dask", cluster.address)
    assert first.poll() == -signal.SIGKILL
    assert killed_after == [0]
    assert len(written) == len(one_process["articles"])  # (each article written once)
    assert _record(db) == one_process


_MAPPED = """
import ctypes
import numpy
from onrecord.find import pipeline

class Info(ctypes.Structure):  # glibc's struct mallinfo2
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]

libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = Info

def mapped():
    before = libc.mallinfo2().hblkhd
    block = numpy.ones(2**20)  # (8 MB: no chunk of the heap left free after the imports
    # is that large, so the eager setting maps it)
    during = libc.mallinfo2().hblkhd
    del block
    return during - before

eager = mapped()
pipeline.heap_as_usual()
print(eager, mapped())
"""


def test_a_dask_workers_eager_heap_trimming_is_undone():
    # Dask starts its workers with MALLOC_TRIM_THRESHOLD_=65536, which also fixes glibc's
    # mmap threshold at 128 KB: every 8 MB array is a mapping of its own, made and unmade
    # (its pages faulted in anew each time). Once undone, such blocks come from the heap,
    # which keeps them for the next (glibc's count of mapped bytes does not move).
    env = {**os.environ, "MALLOC_TRIM_THRESHOLD_": "65536"}
    out = subprocess.run(
        [sys.executable, "-c", _MAPPED], env=env, capture_output=True, text=True, check=True
    )
    eager, undone = map(int, out.stdout.split())
    assert eager >= 8 * 2**20
    assert undone == 0
