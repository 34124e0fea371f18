"""What ``onrecord serve`` refuses and what it leaves alone: out-of-range ids, unsafe links, foreign
Host headers, long URLs, old schemas, and the files beside the database."""

from __future__ import annotations

import hashlib
import os
import re
import select
import socket
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from onrecord.cli import main
from onrecord.model import Article
from onrecord.record import migrations, store
from onrecord.web.app import MAX_URL, AllowedHosts, create_app, web_link

BIG = 2**63  # one past SQLite's largest integer


def make_db(path: Path, *articles: Article) -> Path:
    """A current-schema database holding ``articles`` (no statements); the writer closed, so
    no -wal or -shm file is left."""
    conn = store.connect(path)
    for article in articles:
        store.write_article(conn, article, [])
    conn.close()
    return path


def article(n: int, url: str | None = None) -> Article:
    return Article(id=f"art{n:013d}", text=f"Article number {n}.", path=f"a{n}.txt", url=url)


def old_db(path: Path) -> Path:
    """A database left at schema version 1, as an old onrecord wrote it."""
    raw = sqlite3.connect(path)
    migrations._run_script(raw, migrations.MIGRATIONS[0])
    raw.execute("PRAGMA user_version = 1")
    raw.commit()
    raw.close()
    return path


def snapshot(folder: Path) -> dict[str, str]:
    """Every file in ``folder`` with a hash of its bytes."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


class Serve:
    """``onrecord serve --port 0 ARGS`` as a process; ``base`` is the address it prints."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "onrecord.cli", "serve", "--port", "0", *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        ready, _, _ = select.select([self.proc.stderr], [], [], 120)
        self.first = self.proc.stderr.readline() if ready else ""
        self.rest: list[str] = []
        threading.Thread(target=lambda: self.rest.extend(self.proc.stderr), daemon=True).start()
        found = re.search(r"http://([\d.]+):(\d+)/", self.first)
        if not found:
            self.stop()
            raise AssertionError(f"no address printed: {self.first!r} {self.rest}")
        self.host, self.port = found[1], int(found[2])
        self.base = f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)

    def __enter__(self) -> Serve:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def raw_get(port: int, target: bytes, host: bytes = b"127.0.0.1") -> bytes:
    """The status line the server answers to ``GET target`` sent over a plain socket (httpx
    refuses URLs over 64 KB itself)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(
            b"GET " + target + b" HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n"
        )
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data.split(b"\r\n")[0]


# --- numbers in range -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"/api/speakers/{BIG}",
        f"/api/speakers/{BIG}/timeline",
        f"/speakers/{BIG}",
        f"/api/statements?speaker_id={BIG}",
        f"/?speaker_id={BIG}",
        f"/api/speakers/{10**30}",
        "/api/speakers/-1",
        "/api/speakers/0",
    ],
)
def test_ids_out_of_range_get_a_400_not_a_500(server, url):
    with httpx.Client(base_url=server, timeout=10) as client:
        response = client.get(url)
    assert response.status_code == 400
    assert "speaker_id" in response.text


def test_largest_id_is_simply_not_found(server):
    response = httpx.get(f"{server}/api/speakers/{BIG - 1}", timeout=10)
    assert response.status_code == 404
    assert response.json()["error"] == "no speaker with that id"


@pytest.mark.parametrize(
    "path", ["/api/statements/", "/statements/", "/api/articles/", "/articles/"]
)
def test_overlong_text_ids_get_a_400(server, path):
    response = httpx.get(server + path + "a" * 101, timeout=10)
    assert response.status_code == 400


# --- links ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://news.example/a?b=1#c", True),
        ("HTTP://news.example/", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//evil.example/", False),
        ("https://news.example/a b", False),
        ("https://news.example/\x00", False),
        ("", False),
        (None, False),
    ],
)
def test_only_http_urls_make_links(url, link):
    assert web_link(url) == (url if link else None)


def test_article_page_links_only_web_urls(tmp_path):
    bad, good = article(1, "javascript:alert(document.cookie)"), article(2, "https://example.org/2")
    app = create_app(make_db(tmp_path / "l.db", bad, good))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        page = client.get(f"/articles/{bad.id}").text
        assert "javascript:" not in page and 'class="original"' not in page
        page = client.get(f"/articles/{good.id}").text
        assert '<a class="original" href="https://example.org/2"' in page
        # the API keeps the data as stored
        assert client.get(f"/api/articles/{bad.id}").json()["url"] == bad.url


# --- Host header --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "ok"),
    [
        ("127.0.0.1:8000", True),
        ("localhost:8000", True),
        ("LOCALHOST.", True),
        ("[::1]:8000", True),
        ("192.168.1.5", True),
        ("records.example", True),  # given with --allow-host
        ("RECORDS.example:8000", True),
        ("evil.example", False),
        ("evil.example:8000", False),
        ("127.0.0.1.evil.example", False),
        ("localhost.evil.example", False),
        ("", False),
        (None, False),
    ],
)
def test_allowed_hosts(host, ok):
    assert (host in AllowedHosts(["records.example"])) is ok


def test_allow_any_host():
    assert "evil.example" in AllowedHosts(["*"])


def test_foreign_host_gets_a_one_line_400(server):
    for path, json_body in (("/api/speakers", True), ("/", False)):
        response = httpx.get(server + path, headers={"Host": "rebound.example:8000"}, timeout=10)
        assert response.status_code == 400
        message = response.json()["error"] if json_body else response.text.strip()
        assert "Host header not allowed" in message and "\n" not in message
    ok = httpx.get(server + "/api/speakers", headers={"Host": "localhost:1"}, timeout=10)
    assert ok.status_code == 200


def test_allow_host_option(tmp_path):
    db = make_db(tmp_path / "h.db", article(1))
    with Serve("--db", str(db), "--allow-host", "records.example") as served:
        get = lambda host: httpx.get(served.base + "/api/speakers", headers={"Host": host})  # noqa: E731
        assert get("records.example").status_code == 200
        assert get("other.example").status_code == 400


# --- long URLs -----------------------------------------------------------------------------------


def test_long_url_gets_414(tmp_path):
    app = create_app(make_db(tmp_path / "u.db", article(1)))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert client.get("/?q=" + "a" * (MAX_URL - 10)).status_code == 400  # q over 500 chars
        response = client.get("/api/statements?q=" + "a" * MAX_URL)
        assert response.status_code == 414
        assert response.json()["error"].startswith("URL too long")


@pytest.mark.parametrize("size", [100_000, 200_000, 1_000_000])
def test_very_long_urls_get_an_answer_not_a_reset(server, size):
    port = int(server.rsplit(":", 1)[1])
    assert raw_get(port, b"/?q=" + b"a" * size) == b"HTTP/1.1 414 Request-URI Too Long"
    assert httpx.get(server + "/api/speakers", timeout=10).status_code == 200  # still serving


# --- read-only -------------------------------------------------------------------------------------


def test_reader_refuses_an_old_schema_and_leaves_it_untouched(tmp_path):
    db = old_db(tmp_path / "old.db")
    before = snapshot(tmp_path)
    with pytest.raises(store.NotReadable, match=r"schema version 1.*onrecord upgrade --db"):
        store.connect(db, readonly=True)
    with pytest.raises(store.NotReadable, match="onrecord upgrade"):
        create_app(db)
    assert snapshot(tmp_path) == before  # not migrated, no -wal or -shm made


@pytest.mark.parametrize(
    "command", [["statements"], ["speakers"], ["export", "--format", "jsonl", "x.jsonl"], ["serve"]]
)
def test_cli_readers_give_one_line_for_an_old_schema(tmp_path, command):
    db = old_db(tmp_path / "old.db")
    before = snapshot(tmp_path)
    result = CliRunner().invoke(main, [command[0], "--db", str(db), *command[1:]])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {db} has schema version 1, this onrecord reads version {store.SCHEMA_VERSION}: "
        f"run 'onrecord upgrade --db {db}' (it upgrades the file in place)"
    )
    assert snapshot(tmp_path) == before


def test_upgrade_command_then_serve(tmp_path):
    db = old_db(tmp_path / "old.db")
    result = CliRunner().invoke(main, ["upgrade", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert f"schema version 1 -> {store.SCHEMA_VERSION}" in result.output
    store.connect(db, readonly=True).close()  # now readable
    create_app(db)


def test_not_a_database(tmp_path):
    (tmp_path / "notes.db").write_text("not SQLite at all\n" * 10)
    result = CliRunner().invoke(main, ["statements", "--db", str(tmp_path / "notes.db")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot read") and result.output.count("\n") == 1


def test_serve_never_writes_the_database(tmp_path):
    """A served database's bytes stay as they were; SQLite's WAL readers share an index with
    writers in -shm, which SQLite creates (with an empty -wal) where missing: nothing else."""
    db = make_db(tmp_path / "r.db", article(1), article(2, "https://example.org/"))
    before = snapshot(tmp_path)
    mtime = db.stat().st_mtime_ns
    with Serve("--db", str(db)) as served:
        for url in ("/", "/speakers", f"/articles/{article(2).id}", "/api/statements?q=number"):
            assert httpx.get(served.base + url).status_code == 200
    after = snapshot(tmp_path)
    assert after["r.db"] == before["r.db"] and db.stat().st_mtime_ns == mtime
    assert set(after) - set(before) <= {"r.db-wal", "r.db-shm"}
    assert not (tmp_path / "r.db-wal").exists() or (tmp_path / "r.db-wal").stat().st_size == 0


def test_immutable_serve_leaves_no_file_at_all(tmp_path):
    db = make_db(tmp_path / "i.db", article(1))
    before = snapshot(tmp_path)
    with Serve("--db", str(db), "--immutable") as served:
        assert "immutable" in served.first
        assert httpx.get(served.base + f"/articles/{article(1).id}").status_code == 200
        assert httpx.get(served.base + "/api/statements").status_code == 200
    assert snapshot(tmp_path) == before


def test_readers_see_what_a_writer_commits_meanwhile(tmp_path):
    db = make_db(tmp_path / "w.db", article(1))
    with TestClient(create_app(db), base_url="http://127.0.0.1") as client:
        assert client.get(f"/api/articles/{article(2).id}").status_code == 404
        writer = store.connect(db)
        store.write_article(writer, article(2), [])  # an ingest beside the server
        assert client.get(f"/api/articles/{article(2).id}").status_code == 200
        writer.close()


def test_immutable_refuses_uncheckpointed_commits(tmp_path):
    db = make_db(tmp_path / "c.db", article(1))
    writer = store.connect(db)
    store.write_article(writer, article(2), [])  # committed to -wal, writer still open
    try:
        assert (tmp_path / "c.db-wal").stat().st_size > 0
        with pytest.raises(store.NotReadable, match="immutable read would miss"):
            store.connect(db, readonly=True, immutable=True)
        assert (
            store.connect(db, readonly=True).execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            == 2
        )
    finally:
        writer.close()


def test_unwritable_folder_is_read_immutable(tmp_path, monkeypatch):
    """Where SQLite could create no -shm (a folder this process may not write), a reader opens
    the database immutable instead of failing. (Simulated: the tests may run as root.)"""
    db = make_db(tmp_path / "f.db", article(1))
    assert not store.immutable_read(db)
    monkeypatch.setattr(store.os, "access", lambda path, mode: False)
    assert store.immutable_read(db)
    before = snapshot(tmp_path)
    conn = store.connect(db, readonly=True)
    assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1
    conn.close()
    assert snapshot(tmp_path) == before


# --- the serve command -------------------------------------------------------------------------


def test_taken_port_gives_one_line(tmp_path):
    db = make_db(tmp_path / "p.db", article(1))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "onrecord.cli", "serve", "--db", str(db), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == f"Error: cannot listen on 127.0.0.1 port {port}: Address already in use"
    )
    assert "Serving" not in result.stderr


def test_address_printed_once_listening(tmp_path):
    db = make_db(tmp_path / "a.db", article(1))
    with Serve("--db", str(db)) as served:
        # no retry: the address is printed only once the port accepts connections
        with socket.create_connection((served.host, served.port), timeout=5):
            pass
        assert httpx.get(served.base + "/api/speakers", timeout=30).status_code == 200


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="counts processes in /proc")
def test_workers(tmp_path):
    db = make_db(tmp_path / "m.db", article(1))
    with Serve("--db", str(db), "--workers", "2") as served:
        assert "2 workers" in served.first
        # the port listens from the start; the workers take it up once they have started
        response = httpx.get(served.base + f"/api/articles/{article(1).id}", timeout=120)
        assert response.status_code == 200
        children = [
            int(pid)
            for task in Path(f"/proc/{served.proc.pid}/task").iterdir()
            for pid in (task / "children").read_text().split()
        ]
        workers = [c for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]
        assert len(workers) == 2
        response = httpx.get(served.base + "/", headers={"Host": "evil.example"})
        assert response.status_code == 400  # each worker checks the Host too
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)  # stopped with the server


def test_kept_connections_follow_a_replaced_file(tmp_path):
    """Connections are kept between requests, but not past the file they read: a database made
    anew under the same name (as ``onrecord demo`` does) is read at once."""
    db = make_db(tmp_path / "d.db", article(1))
    with TestClient(create_app(db), base_url="http://127.0.0.1") as client:
        assert client.get(f"/api/articles/{article(1).id}").status_code == 200
        os.replace(make_db(tmp_path / "new.db", article(2)), db)
        assert client.get(f"/api/articles/{article(2).id}").status_code == 200
        assert client.get(f"/api/articles/{article(1).id}").status_code == 404


def test_connections_are_kept_only_after_a_clean_request(tmp_path):
    app = create_app(make_db(tmp_path / "k.db", article(1)))
    readers = app.state.readers
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert client.get(f"/api/articles/{article(1).id}").status_code == 200
        assert len(readers.idle) == 1
        kept = readers.idle[0][0]
        assert client.get("/api/articles/nothing").status_code == 404
        assert readers.idle == []  # the request that failed closed the connection it took
        with pytest.raises(sqlite3.ProgrammingError):
            kept.execute("SELECT 1")
        assert client.get(f"/api/articles/{article(1).id}").status_code == 200
        assert len(readers.idle) == 1
