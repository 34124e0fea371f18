"""Shared fixtures: the bundled seed articles and their extracted statements (parsed once)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "examples" / "seeds"


def _seeds(mode: str) -> dict:
    from onrecord.find.pipeline import analyze
    from onrecord.read.sources import read_paths

    articles = list(read_paths([str(SEEDS)]))
    return {Path(r.article.path).name: r for r in analyze(articles, mode=mode)}


@pytest.fixture(scope="session")
def seed_results():
    """{file name: Result} for the five seed articles, with the bundled metadata (default
    mode: the rules with the fine-tuned tagger)."""
    return _seeds("default")


@pytest.fixture(scope="session")
def seed_results_fast():
    """The same, found by the fast mode (the rules alone)."""
    return _seeds("fast")


@pytest.fixture(scope="session")
def seed_results_accurate():
    """The same, found by the accurate mode (the tagger redraws every statement's edges)."""
    return _seeds("accurate")


@pytest.fixture(params=["fast", "default"])
def extract(request):
    """onrecord.extract, for small texts written in the tests, in the fast mode (the rules
    alone) and in the default mode (the rules with the tagger): each test runs in both."""
    from functools import partial

    from onrecord import extract as run

    return partial(run, mode=request.param)


HOSTILE = (
    "Hostile page test\n\n"
    'Minister John Smith said that the files contained <script>document.title = "pwned"</script>'
    " and <img src=x onerror=\"document.title='img'\"> markup.\n\n"
    '"We found <b>bold</b> tags everywhere," Smith told reporters.\n'
)


@pytest.fixture(scope="session")
def web_db(seed_results, tmp_path_factory):
    """A database with the five seeds and one article full of markup-like text."""
    from onrecord.record import entities, store
    from onrecord.record.ingest import ingest

    folder = tmp_path_factory.mktemp("web")
    path = folder / "web.db"
    conn = store.connect(path)
    for result in seed_results.values():
        store.write_article(conn, result.article, result.statements, result.titles)
    entities.rebuild(conn)
    hostile = folder / "hostile"
    hostile.mkdir()
    (hostile / "hostile.txt").write_text(HOSTILE)
    (hostile / "metadata.csv").write_text(
        "file,published,outlet\nhostile.txt,2022-01-01,Hostile <i>Times</i>\n"
    )
    assert ingest(conn, [str(hostile)]).added == 1
    conn.close()
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(web_db):
    """``onrecord serve`` running for real on a free loopback port; yields its base URL."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "onrecord.cli", "serve", "--db", str(web_db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/api/speakers", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("server died: " + proc.stderr.read().decode()) from None
            if time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=10)
