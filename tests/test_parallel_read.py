"""Inputs read where the work is: fsspec URLs (memory://, file://) read as local paths are,
folders walked with their metadata sidecar; files of many articles cut into parts that read
one after another give what one reading gives; a Dask cluster whose workers read the inputs
(files, URLs, a WARC archive in parts) writes the record of one process; without fsspec a
URL is a one-line error and a local path never imports it."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import uuid
from pathlib import Path

import fsspec
import pytest
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from onrecord.cli import main
from onrecord.find import parallel
from onrecord.read.parts import Piece, read_piece, survey
from onrecord.read.sources import list_sources, read_paths

from . import test_parallel
from .test_parallel import _record

corpus = test_parallel.corpus  # (the fixture: short articles with a metadata.csv)


def _ingest(paths: list[str], db: Path, *options: str):
    args = ["ingest", *paths, "--db", str(db), "--fast", *options]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def _unnamed(record: dict[str, list[tuple]], prefix: str) -> dict[str, list[tuple]]:
    """A record with ``prefix`` taken off the articles' paths (the second column)."""
    articles = [(a[0], a[1].removeprefix(prefix), *a[2:]) for a in record["articles"]]
    return {**record, "articles": articles}


def _page(i: int, text: str) -> bytes:
    paras = "".join(f"<p>{p}</p>" for p in text.split("\n\n") if p.strip())
    return f"<html><head><title>Page {i}</title></head><body>{paras}</body></html>".encode()


def write_warc(path: Path, texts: list[str], *, gz: bool = True) -> None:
    """A WARC archive of ``texts`` as HTML responses, a request and a 404 page after each."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    ok = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    gone = StatusAndHeaders("404 Not Found", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    for i, text in enumerate(texts):
        url = f"https://news.example/{i}"
        writer.write_record(
            writer.create_warc_record(
                url, "response", payload=io.BytesIO(_page(i, text)), http_headers=ok
            )
        )
        writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET /")))
        writer.write_record(
            writer.create_warc_record(
                url + "/x", "response", payload=io.BytesIO(b"<html>gone</html>"), http_headers=gone
            )
        )
    path.write_bytes(buf.getvalue())


def _texts(corpus: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))]


def _as_read(items) -> list[tuple]:
    return [
        (type(x).__name__, x.path, getattr(x, "id", None) or getattr(x, "reason", None))
        for x in items
    ]


def _in_parts(path: str, size: int):
    """What reading ``path`` in parts of ``size`` articles gives, parts one after another;
    and the parts."""
    [(source, meta)] = list(list_sources([path]))
    spans = survey(source, size)
    return [x for span in spans for x in read_piece(Piece(source, meta, span))], spans


@pytest.mark.parametrize("kind", ["warc.gz", "warc", "one-stream.warc.gz"])
def test_a_warc_archive_read_in_parts_gives_what_one_reading_gives(corpus, tmp_path, kind):
    texts = _texts(corpus)[:11]
    path = tmp_path / f"crawl.{kind.removeprefix('one-stream.')}"
    write_warc(path, texts, gz=kind == "warc.gz")
    if kind.startswith("one-stream"):  # (one gzip stream over every record: no offsets)
        path.write_bytes(gzip.compress(path.read_bytes()))
    whole = list(read_paths([str(path)]))
    parts, spans = _in_parts(str(path), 3)
    assert _as_read(parts) == _as_read(whole)
    assert [s.articles for s in spans] == [3, 3, 3, 2]
    assert "22 records skipped: 11 request records, 11 responses not 200" in parts[-1].reason
    seekable = kind != "one-stream.warc.gz"
    assert all((s.offset is not None) == seekable for s in spans[1:])


def test_json_lines_read_in_parts_give_what_one_reading_gives(corpus, tmp_path):
    lines = [json.dumps({"text": t, "outlet": "Wire"}) for t in _texts(corpus)[:9]]
    lines.insert(4, "{not json")
    path = tmp_path / "feed.jsonl.gz"
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n\n").encode()))
    whole = list(read_paths([str(path)]))
    parts, spans = _in_parts(str(path), 4)
    assert len(spans) == 3
    assert _as_read(parts) == _as_read(whole)
    assert any("#L5" in x.path for x in whole)


def test_memory_and_file_urls_ingest_the_record_of_local_paths(corpus, tmp_path):
    memory = fsspec.filesystem("memory")
    root = f"/corpus-{uuid.uuid4().hex}"
    for f in corpus.iterdir():
        memory.pipe(f"{root}/sub/{f.name}", f.read_bytes())
    memory.pipe(f"{root}/sub/notes.md", b"not an article file")
    _ingest([str(corpus)], tmp_path / "local.db", "--workers", "1")
    _ingest([f"memory://{root}"], tmp_path / "memory.db", "--workers", "1")
    _ingest([f"file://{corpus}"], tmp_path / "file.db", "--workers", "1")
    local = _record(tmp_path / "local.db")
    assert len(local["articles"]) > 2 * parallel.CHUNK_SIZE
    assert all(a[5] for a in local["articles"])  # (the date, from the sidecar)
    assert _unnamed(_record(tmp_path / "memory.db"), f"memory://{root}/sub") == _unnamed(
        local, str(corpus)
    )
    assert _unnamed(_record(tmp_path / "file.db"), "file://") == local


SURVEYED: list[tuple[str, int]] = []


def _counted_survey(source, size):
    """:func:`survey`, noted in :data:`SURVEYED` (a task's function is sent by reference: an
    in-process worker appends to this list)."""
    SURVEYED.append((source.name, size))
    return survey(source, size)


def test_workers_read_files_urls_and_warc_parts_into_the_record_of_one_process(
    corpus, tmp_path, monkeypatch
):
    """An in-process cluster (its workers see this process's memory filesystem): a local
    folder, a memory:// folder, a WARC archive cut in parts and a missing URL."""
    from distributed import LocalCluster

    memory = fsspec.filesystem("memory")
    root = f"/news-{uuid.uuid4().hex}"
    for f in sorted(corpus.iterdir())[:6]:
        memory.pipe(f"{root}/{f.name}", f.read_bytes())
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, _texts(corpus)[:10])
    paths = [str(corpus), f"memory://{root}", str(warc), "file:///no/such/file.txt"]
    one = _ingest(paths, tmp_path / "one.db", "--workers", "1")
    monkeypatch.setattr(parallel, "DASK_CHUNK_SIZE", 4)  # (the WARC in three parts)
    SURVEYED.clear()
    monkeypatch.setattr(parallel, "survey", _counted_survey)
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        dask = _ingest(paths, tmp_path / "dask.db", "--dask", cluster.scheduler_address)
        assert SURVEYED == [(str(warc), 4)]  # (and read in parts of four articles)
        assert _record(tmp_path / "dask.db") == _record(tmp_path / "one.db")
        for result in (one, dask):
            assert "skipped file:///no/such/file.txt: no such file" in result.stderr
        assert one.stdout.split("Database")[0] == dask.stdout.split("Database")[0]

        def no_analysis(*args, **kwargs):
            raise AssertionError("an article already stored was analysed again")

        monkeypatch.setattr(parallel, "analyze", no_analysis)  # (the workers' threads)
        again = _ingest(paths, tmp_path / "dask.db", "--dask", cluster.scheduler_address)
    assert "0 article(s) added" in again.stdout
    assert _record(tmp_path / "dask.db") == _record(tmp_path / "one.db")


def test_a_url_without_fsspec_is_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "fsspec", None)
    monkeypatch.setitem(sys.modules, "fsspec.core", None)
    result = CliRunner().invoke(main, ["ingest", "memory://x", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1
    assert "pip install 'onrecord[dask]'" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "x.db").exists()


def test_an_unknown_protocol_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["extract", "nope://bucket/a.txt"])
    assert result.exit_code == 1
    assert "nope://bucket/a.txt: Protocol not known: nope" in result.output


def test_local_paths_never_import_fsspec(corpus):
    code = (
        "import sys; from onrecord.read.sources import read_paths; "
        f"assert len(list(read_paths([{str(corpus)!r}]))) > 8; print('fsspec' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
