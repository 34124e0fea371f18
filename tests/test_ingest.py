"""Reading sources: formats, metadata, and a clear reason for every bad input."""

from __future__ import annotations

import gzip
import io
import json

import pytest

from onrecord.model import Article, Problem
from onrecord.read import article, dates, metadata, sources, text, warc

BODY = (
    "The finance minister said on Monday that the budget would pass this week, "
    "and that the opposition had agreed to the main points of the plan.\n"
)
FRENCH = (
    "Le ministre des finances a déclaré lundi que le budget serait adopté cette semaine, "
    "et que l'opposition avait accepté les principaux points du plan présenté au parlement.\n"
)
HTML = f"""<!DOCTYPE html><html><head><title>Budget will pass</title>
<meta property="og:site_name" content="Daily Example">
<meta property="article:published_time" content="2024-03-05">
</head><body><nav>Home | World | Sport</nav><article><h1>Budget will pass</h1>
<p>{BODY}</p><p>"We have the votes," she told reporters at the parliament on Tuesday.</p>
</article><footer>Share this article</footer></body></html>"""


def _read(tmp_path, name, data, **kw):
    path = tmp_path / name
    path.write_bytes(data)
    return list(sources.read_paths([str(path)], **kw))


def test_plain_text_is_kept_byte_for_byte(tmp_path):
    data = ("  Share this article\n\n" + BODY).encode()
    [article] = _read(tmp_path, "a.txt", data)
    assert isinstance(article, Article)
    assert article.text == data.decode()
    assert article.path == str(tmp_path / "a.txt")
    assert article.skips and article.skips[0].reason == "navigation"


@pytest.mark.parametrize(
    "name,data,reason",
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n ", "empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary"),
        ("latin1.txt", "Le ministre a déclaré".encode("latin-1"), "not valid UTF-8"),
        ("french.txt", FRENCH.encode(), "not English"),
        ("leftovers.txt", b"ADVERTISEMENT\nShare this article\n", "nothing but page leftovers"),
    ],
)
def test_bad_inputs_are_problems_with_reasons(tmp_path, name, data, reason):
    [item] = _read(tmp_path, name, data)
    assert isinstance(item, Problem)
    assert reason in item.reason
    assert item.path.endswith(name)


def test_huge_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_BYTES", 100)
    [item] = _read(tmp_path, "huge.txt", BODY.encode() * 5)
    assert isinstance(item, Problem) and "too large" in item.reason


def test_missing_file(tmp_path):
    [item] = list(sources.read_paths([str(tmp_path / "nope.txt")]))
    assert isinstance(item, Problem) and item.reason == "no such file"
    assert not item.warning


def test_folder_is_read_recursively_and_bad_files_do_not_stop_it(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "sub" / "b.txt").write_text(BODY.replace("Monday", "Tuesday"))
    (tmp_path / "sub" / "c.txt").write_bytes(b"\x00\x01binary")
    (tmp_path / "notes.md").write_text("not an article")
    items = list(sources.read_paths([str(tmp_path)]))
    assert [type(i).__name__ for i in items] == ["Article", "Article", "Problem"]


def test_html_via_trafilatura(tmp_path):
    [article] = _read(tmp_path, "page.html", HTML.encode())
    assert isinstance(article, Article)
    assert "finance minister said on Monday" in article.text
    assert "Home | World" not in article.text
    assert article.title == "Budget will pass"
    assert article.published == "2024-03-05"
    assert article.outlet == "Daily Example"


def test_jsonl_records_and_bad_lines(tmp_path):
    lines = [
        json.dumps(
            {
                "text": BODY,
                "url": "https://example.org/a",
                "outlet": "Example",
                "published": "2024-01-02",
                "title": "A",
            }
        ),
        "{not json",
        json.dumps({"html": HTML}),
        json.dumps({"url": "https://example.org/empty"}),
    ]
    items = _read(tmp_path, "batch.jsonl", "\n".join(lines).encode())
    assert [type(i).__name__ for i in items] == ["Article", "Problem", "Article", "Problem"]
    first = items[0]
    assert (first.url, first.outlet, first.published, first.title) == (
        "https://example.org/a",
        "Example",
        "2024-01-02",
        "A",
    )
    assert items[1].path.endswith("batch.jsonl#L2") and "invalid JSON" in items[1].reason
    assert "neither 'text' nor 'html'" in items[3].reason


def test_warc_responses(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    headers = StatusAndHeaders(
        "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
    )
    record = writer.create_warc_record(
        "https://example.org/budget",
        "response",
        payload=io.BytesIO(HTML.encode()),
        http_headers=headers,
    )
    writer.write_record(record)
    [article] = _read(tmp_path, "crawl.warc.gz", buf.getvalue())
    assert isinstance(article, Article)
    assert article.url == "https://example.org/budget"
    assert "finance minister" in article.text


def test_gzipped_text(tmp_path):
    [article] = _read(tmp_path, "a.txt.gz", gzip.compress(BODY.encode()))
    assert isinstance(article, Article) and article.text == BODY


def test_sidecar_metadata_wins_over_text(tmp_path):
    (tmp_path / "a.txt").write_text(" date 2020-01-01 loading…\n\n" + BODY)
    (tmp_path / "metadata.csv").write_text("file,published,outlet\na.txt,2021-02-03,Example Post\n")
    [article] = list(sources.read_paths([str(tmp_path)]))
    assert article.published == "2021-02-03" and article.published_from == "metadata"
    assert article.outlet == "Example Post"


def test_date_from_text_when_no_metadata(tmp_path):
    [article] = _read(tmp_path, "a.txt", (" date 2020-01-01 loading…\n\n" + BODY).encode())
    assert article.published == "2020-01-01" and article.published_from == "text"


def test_same_bytes_same_id():
    assert article.article_id(b"abc") == article.article_id(b"abc")
    assert article.article_id(b"abc") != article.article_id(b"abd")


def test_outlet_from_text_when_no_metadata(tmp_path):
    [article] = _read(tmp_path, "a.txt", ("Support The Daily Example!\n\n" + BODY).encode())
    assert article.outlet == "The Daily Example"


# --- hostile input: every bad source one clear line, never a traceback or a hang ---------


def _problems(items, warning=False):
    return [i for i in items if isinstance(i, Problem) and i.warning == warning]


def test_gzip_bomb_is_refused_after_the_limit_not_the_whole(tmp_path):
    import tracemalloc

    path = tmp_path / "bomb.txt.gz"
    with gzip.open(path, "wb") as fh:  # 100 MB of zeros in about 100 KB
        for _ in range(100):
            fh.write(bytes(1_000_000))
    assert path.stat().st_size < sources.MAX_BYTES
    tracemalloc.start()
    try:
        [item] = list(sources.read_paths([str(path)]))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(item, Problem)
    assert item.reason == "too large when decompressed (over 5 MB)"
    assert peak < 30_000_000  # decompressing the whole would hold 100 MB


def test_gzip_text_bomb_beside_good_files(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_BYTES", 2_000)
    (tmp_path / "a.txt").write_text(BODY)
    with gzip.open(tmp_path / "b.txt.gz", "wb") as fh:
        fh.write(BODY.encode() * 100)
    items = list(sources.read_paths([str(tmp_path)]))
    assert [type(i).__name__ for i in items] == ["Article", "Problem"]
    assert "too large when decompressed" in items[1].reason


@pytest.mark.parametrize(
    "data,reason",
    [
        (gzip.compress(BODY.encode())[:-20], "truncated gzip file"),
        (b"\x1f\x8b\x08\x00garbage-that-is-not-deflate", "corrupt gzip data"),
    ],
)
def test_broken_gzip(tmp_path, data, reason):
    [item] = _read(tmp_path, "a.txt.gz", data)
    assert isinstance(item, Problem) and reason in item.reason


def _in_thread(fn, seconds=10):
    """``fn()``'s result, or a failure if it does not return in time (a blocked open)."""
    import threading

    out: list = []

    def run() -> None:
        try:
            out.append((fn(), None))
        except Exception as err:
            out.append((None, err))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "reading blocked"
    [(result, error)] = out
    if error is not None:
        raise error
    return result


def test_fifo_is_refused_without_opening_it(tmp_path):
    import os

    (tmp_path / "good.txt").write_text(BODY)
    os.mkfifo(tmp_path / "pipe.txt")
    named = _in_thread(lambda: list(sources.read_paths([str(tmp_path / "pipe.txt")])))
    assert named == [Problem(str(tmp_path / "pipe.txt"), "not a regular file (FIFO)")]
    found = _in_thread(lambda: list(sources.read_paths([str(tmp_path)])))
    assert [type(i).__name__ for i in found] == ["Article", "Problem"]
    assert found[1].reason == "not a regular file (FIFO)"


def test_character_device_is_refused():
    [item] = _in_thread(lambda: list(sources.read_paths(["/dev/zero"])))
    assert item == Problem("/dev/zero", "not a regular file (character device)")


def test_files_that_vanish_during_an_ingest_are_reported(tmp_path):
    for n in range(5):
        (tmp_path / f"{n}.txt").write_text(BODY.replace("Monday", f"day {n}"))
    items = sources.read_paths([str(tmp_path)])
    first = next(items)
    for n in (2, 3):
        (tmp_path / f"{n}.txt").unlink()
    rest = list(items)
    assert isinstance(first, Article)
    assert [type(i).__name__ for i in rest] == ["Article", "Problem", "Problem", "Article"]
    assert rest[1] == Problem(str(tmp_path / "2.txt"), "vanished before it could be read")


def test_broken_symbolic_link(tmp_path):
    (tmp_path / "a.txt").symlink_to(tmp_path / "gone.txt")
    assert list(sources.read_paths([str(tmp_path / "a.txt")])) == [
        Problem(str(tmp_path / "a.txt"), "broken symbolic link")
    ]


@pytest.mark.parametrize("extra", [None, "notes.md"])
def test_folder_without_article_files_says_so(tmp_path, extra):
    if extra:
        (tmp_path / extra).write_text("not an article")
    [item] = list(sources.read_paths([str(tmp_path)]))
    assert isinstance(item, Problem) and item.path == str(tmp_path)
    assert item.reason.startswith("no article files found (looked for .arc, .htm, .html,")


def test_file_name_that_is_not_utf8_can_be_stored(tmp_path):
    import os

    name = os.fsdecode(b"caf\xe9.txt")  # a Latin-1 file name
    (tmp_path / name).write_text(BODY)
    [article] = list(sources.read_paths([str(tmp_path)]))
    assert article.path == str(tmp_path / "caf\ufffd.txt")
    article.path.encode("utf-8")  # what SQLite does with it


@pytest.mark.parametrize(
    "data",
    [
        BODY.encode("utf-16"),  # with a byte-order mark
        BODY.encode("utf-16-le"),  # without one
        BODY.encode("utf-16-be"),
        BODY.encode("utf-8-sig"),
        BODY.encode("utf-32"),
    ],
)
def test_unicode_encodings_are_decoded_not_called_binary(tmp_path, data):
    [article] = _read(tmp_path, "a.txt", data)
    assert isinstance(article, Article) and article.text == BODY  # (no byte-order mark)


def test_bad_utf16_is_named():
    with pytest.raises(text.IngestError, match="not valid UTF-16"):
        text.decode(b"\xff\xfe" + "ok".encode("utf-16-le") + b"\x00\xdc")


CHINESE = "中华人民共和国外交部发言人在例行记者会上表示，中方坚决反对美方的错误做法。\n" * 10


def test_chinese_is_not_english_rather_than_leftovers(tmp_path):
    [item] = _read(tmp_path, "zh.txt", CHINESE.encode())
    assert isinstance(item, Problem) and item.reason.startswith("not English (detected language")


# --- WARC ---------------------------------------------------------------------------------


def _warc(pages: list[bytes], gz: bool = False) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for n, page in enumerate(pages):
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(
                f"https://example.org/{n}",
                "response",
                payload=io.BytesIO(page),
                http_headers=headers,
            )
        )
    return buf.getvalue()


def test_a_warc_archive_over_the_limit_is_read_record_by_record(tmp_path, monkeypatch):
    pages = [HTML.replace("Monday", day).encode() for day in ("Monday", "Friday", "Sunday")]
    data = _warc(pages)
    monkeypatch.setattr(sources, "MAX_BYTES", len(data) // 2)  # the archive is over it
    items = _read(tmp_path, "crawl.warc", data)
    assert [type(i).__name__ for i in items] == ["Article"] * 3


def test_warc_gz_is_read_as_it_inflates_up_to_a_record_over_the_limit(tmp_path, monkeypatch):
    pages = [HTML.replace("Monday", day).encode() for day in ("Monday", "Friday")]
    pages.append(HTML.replace("Monday", "Sunday " + "word " * 2000).encode())  # a big one
    data = _warc(pages, gz=True)
    monkeypatch.setattr(sources, "MAX_BYTES", len(_warc(pages[:1])) + 10)  # one small fits
    items = _read(tmp_path, "crawl.warc.gz", data)
    assert [type(i).__name__ for i in items] == ["Article", "Article", "Problem"]
    assert [i.path for i in items[:2]] == [f"{tmp_path / 'crawl.warc.gz'}#{n}" for n in (1, 2)]
    assert items[2].path == str(tmp_path / "crawl.warc.gz")
    assert items[2].reason.startswith("a record too large when decompressed (over 0.0")
    assert items[2].reason.endswith("MB); the rest of the archive was not read")


def test_warc_records_that_are_no_article_are_skipped_and_counted(tmp_path):
    from .hostile import warc

    page = HTML.encode()
    data = warc(
        [
            ("request", "", b"", 0, "https://example.org/a"),
            ("response", "text/html", page, 200, "https://example.org/a"),
            ("response", "text/html", b"<html>gone</html>", 404, "https://example.org/b"),
            ("response", "text/html", b"<html>moved</html>", 301, "https://example.org/c"),
            ("response", "application/pdf", b"%PDF-1.4", 200, "https://example.org/d.pdf"),
            ("response", "text/html", page.replace(b"Monday", b"Friday"), 200, "https://x.org/e"),
        ]
    )
    items = _read(tmp_path, "crawl.warc", data)
    assert [type(i).__name__ for i in items] == ["Article", "Article", "Problem"]
    assert items[-1].warning and items[-1].reason == (
        "4 records skipped: 2 responses not 200, 1 request records, 1 responses not HTML"
    )


def test_warc_gz_bomb_is_refused_without_inflating_it(tmp_path):
    import tracemalloc

    from warcio.warcwriter import WARCWriter

    class Zeros(io.RawIOBase):  # 200 MB of zeros, written without holding them
        left = 200_000_000

        def readable(self):
            return True

        def readinto(self, buffer):
            n = min(len(buffer), self.left)
            buffer[:n] = bytes(n)
            self.left -= n
            return n

    path = tmp_path / "bomb.warc.gz"
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        record = writer.create_warc_record(
            "https://example.org/", "resource", payload=Zeros(), length=Zeros.left
        )
        writer.write_record(record)
    assert path.stat().st_size < sources.MAX_BYTES
    tracemalloc.start()
    try:
        [item] = list(sources.read_paths([str(path)]))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert item.reason == (
        "a record too large when decompressed (over 5 MB); the rest of the archive was not read"
    )
    assert peak < 30_000_000


@pytest.mark.parametrize(
    "data,reason",
    [
        (
            b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n",
            "unreadable WARC record: a record without a WARC-Target-URI",
        ),
        (b"this is not a warc file at all\n" * 10, "not a WARC archive (it begins 'this is"),
        (b"", "empty file"),
    ],
)
def test_corrupt_warc_says_what_is_wrong(tmp_path, data, reason, capfd):
    [item] = _read(tmp_path, "bad.warc", data)
    assert isinstance(item, Problem) and item.reason.startswith(reason)
    assert "NoneType" not in item.reason
    assert capfd.readouterr().err == ""  # warcio's own warnings are not printed


@pytest.mark.parametrize("gz", [False, True])
def test_truncated_warc_record_is_kept_with_a_warning(tmp_path, gz):
    links = "".join(f"<a href='/{n}'>link {n}</a>" for n in range(300))  # cut in these
    page = HTML.replace("</footer>", links + "</footer>")
    data = _warc([page.encode(), page.replace("Monday", "Friday").encode()], gz=gz)
    items = _read(tmp_path, "crawl.warc.gz" if gz else "crawl.warc", data[:-300])
    kinds = [(type(i).__name__, getattr(i, "warning", None)) for i in items]
    assert kinds[:3] == [("Article", None), ("Problem", True), ("Article", None)]
    assert items[1].path.endswith("#2") and items[1].reason.startswith("truncated: the archive")


# --- JSON Lines values ---------------------------------------------------------------------


def test_jsonl_values_of_the_wrong_type(tmp_path):
    lines = [
        json.dumps({"text": 12345}),
        json.dumps({"html": ["<p>a</p>"]}),
        json.dumps({"text": BODY, "title": 7, "outlet": ["x"], "url": {"a": 1}}),
        json.dumps({"text": BODY, "published": True}),
        json.dumps([1, 2]),
        json.dumps({"text": None, "html": ""}),
    ]
    items = _read(tmp_path, "b.jsonl", "\n".join(lines).encode())
    skipped = {p.path.rsplit("#", 1)[1]: p.reason for p in _problems(items)}
    assert skipped == {
        "L1": "'text' is a number, not text",
        "L2": "'html' is a list, not text",
        "L5": "a JSON Lines record must be an object, not a list",
        "L6": "empty: the record's 'text' and 'html' hold no text",
    }
    warned = [(p.path.rsplit("#", 1)[1], p.reason) for p in _problems(items, warning=True)]
    assert warned == [
        ("L3", "title is a number, not text; kept without one"),
        ("L3", "outlet is a list, not text; kept without one"),
        ("L3", "url is an object, not text; kept without one"),
        ("L4", "published is true (a boolean), not a date; kept without one"),
    ]
    articles = [i for i in items if isinstance(i, Article)]
    assert [(a.title, a.outlet, a.url, a.published) for a in articles] == [(None,) * 4] * 2


def test_jsonl_lone_surrogate_is_replaced_and_can_be_stored(tmp_path):
    from onrecord.record import store

    line = json.dumps({"text": BODY + "\ud800 end", "title": "A \udc00 title"})
    assert "\\ud800" in line
    items = _read(tmp_path, "s.jsonl", line.encode())
    *warned, article = items
    assert [w.reason.split(" has")[0] for w in warned] == ["text", "title"]
    assert article.text == BODY + "\ufffd end" and article.title == "A \ufffd title"
    conn = store.connect(tmp_path / "s.db")
    assert store.write_article(conn, article, []) == 0  # no UnicodeEncodeError: stored
    [(title,)] = conn.execute("SELECT title FROM articles").fetchall()
    assert title == "A \ufffd title"


def test_jsonl_huge_values(tmp_path):
    lines = [
        '{"text": "a", "n": ' + "9" * 5000 + "}",
        "[" * 100_000 + "]" * 100_000,
        json.dumps({"text": BODY, "title": "T" * 100_000}),
    ]
    items = _read(tmp_path, "h.jsonl", "\n".join(lines).encode())
    assert items[0].reason.startswith("invalid JSON: Exceeds the limit (4300 digits)")
    assert items[1].reason == "invalid JSON: nested too deeply"
    assert items[2].warning
    assert items[2].reason == "title is 100,000 characters long (limit 2,000); kept without one"
    assert isinstance(items[3], Article) and items[3].title is None


def test_jsonl_file_over_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_BYTES", 1_000)
    [item] = _read(tmp_path, "big.jsonl", json.dumps({"text": BODY * 20}).encode())
    assert isinstance(item, Problem) and item.reason.startswith("too large")


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,expected",
    [
        ("2023-10-19", "2023-10-19"),
        ("  2023-10-19 ", "2023-10-19"),
        ("2023/10/19", "2023-10-19"),
        ("20231019", "2023-10-19"),
        ("2023-10-19T10:00:00Z", "2023-10-19"),
        ("2023-10-19T23:30:00.123-05:00", "2023-10-19"),  # the date as written
        ("2023-10-19 10:00", "2023-10-19"),
        ("19/10/2023", "2023-10-19"),
        ("10/19/2023", "2023-10-19"),
        ("10.10.2023", "2023-10-10"),
        ("19 October 2023", "2023-10-19"),
        ("19 Oct. 2023", "2023-10-19"),
        ("19th of October, 2023", "2023-10-19"),
        ("October 19, 2023", "2023-10-19"),
        ("Oct. 19, 2023, 10:00 a.m. EDT", "2023-10-19"),
        ("Thu, 19 Oct 2023 10:00:00 +0000", "2023-10-19"),
        ("Thursday, October 19, 2023", "2023-10-19"),
        ("Sept 5, 2024", "2024-09-05"),
    ],
)
def test_dates_in_common_forms_are_read(value, expected):
    assert dates.iso_date(value) == expected


@pytest.mark.parametrize(
    "value,reason",
    [
        ("not a date", "is not a date (write it as YYYY-MM-DD)"),
        ("2023-02-30", "is not a valid date (day is out of range for month)"),
        ("2023-13-45", "is not a valid date (month must be in 1..12)"),
        ("31 February 2024", "is not a valid date (day is out of range for month)"),
        ("05/10/2023", "is ambiguous (5 October or May 10?); write it as YYYY-MM-DD"),
        ("yesterday", "is a relative date: a publication date must name its day"),
        ("last Tuesday", "is a relative date: a publication date must name its day"),
        ("3 days ago", "is a relative date: a publication date must name its day"),
        ("October 2023", "names no day"),
        ("2023-10", "names no day"),
        ("19 Octember 2023", "is not a date (write it as YYYY-MM-DD)"),
        ("19/10/23", "is not a date (write it as YYYY-MM-DD)"),
    ],
)
def test_dates_that_cannot_be_read_are_refused_with_the_reason(value, reason):
    with pytest.raises(text.IngestError) as err:
        dates.iso_date(value)
    assert str(err.value) == reason


@pytest.mark.parametrize(
    "published",
    ["not a date", "2023-02-30", "2023-10-19T10:00:00Z", "19/10/2023", "October 19, 2023"],
)
def test_sidecar_dates_are_read_or_refused_with_file_and_line(tmp_path, published):
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "metadata.csv").write_text(f'file,published\n"a.txt","{published}"\n')
    items = list(sources.read_paths([str(tmp_path)]))
    article = items[-1]
    assert isinstance(article, Article)
    if published in ("not a date", "2023-02-30"):
        [warning] = items[:-1]
        assert warning.warning and warning.path == str(tmp_path / "a.txt")
        assert warning.reason.startswith(
            f"published '{published}' ({tmp_path / 'metadata.csv'} line 2) is not a"
        )
        assert warning.reason.endswith("; kept without one")
        assert article.published is None and article.published_from is None
    else:
        assert items == [article]
        assert (article.published, article.published_from) == ("2023-10-19", "metadata")


def test_bad_metadata_date_falls_back_to_the_printed_one(tmp_path):
    (tmp_path / "a.txt").write_text(" date 2020-01-01 loading…\n\n" + BODY)
    (tmp_path / "metadata.csv").write_text("file,published\na.txt,yesterday\n")
    warning, article = list(sources.read_paths([str(tmp_path)]))
    assert warning.reason.endswith("; the date printed in the text (2020-01-01) is used")
    assert (article.published, article.published_from) == ("2020-01-01", "text")


def test_impossible_printed_date_is_a_warning_not_a_crash(tmp_path):
    warning, article = _read(tmp_path, "a.txt", ("\n date 2023-13-45 loading…\n\n" + BODY).encode())
    assert warning == Problem(
        str(tmp_path / "a.txt"),
        "published '2023-13-45' (printed on line 2) is not a valid date "
        "(month must be in 1..12); kept without one",
        warning=True,
    )
    assert article.published is None
    assert article.skips[0].reason == "date"  # still page furniture


def test_relative_date_in_jsonl(tmp_path):
    line = json.dumps({"text": BODY, "published": "last Tuesday"})
    warning, article = _read(tmp_path, "a.jsonl", line.encode())
    assert warning.path.endswith("a.jsonl#L1")
    assert warning.reason.startswith("published 'last Tuesday' is a relative date")
    assert article.published is None


def test_html_date_is_normalised(tmp_path):
    page = HTML.replace('content="2024-03-05"', 'content="2024-03-05T08:15:00+01:00"')
    [article] = _read(tmp_path, "page.html", page.encode())
    assert (article.published, article.published_from) == ("2024-03-05", "html")


def test_python_api_warns_about_a_bad_date():
    with pytest.warns(UserWarning, match="published '2023-02-30' .* kept without one"):
        made = article.make_article(BODY, published="2023-02-30")
    assert made.published is None
    assert article.make_article(BODY, published="19 Oct 2023").published == "2023-10-19"


# --- metadata files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,data,reason",
    [
        (
            "m.jsonl",
            b'{"file": "a.txt"}\n{"file": "b.txt",\n',
            "line 2: invalid JSON: Expecting property name enclosed in double quotes",
        ),
        ("m.jsonl", b'{"file": "a.txt"}\n[1]\n', "line 2: a record must be an object, not a list"),
        ("m.jsonl", b'{"name": "a.txt"}\n', "no record has a 'file', 'filename' or 'path' key"),
        (
            "m.csv",
            "file,outlet\na.txt,Le Monde été\n".encode("latin-1"),
            "not valid UTF-8 (byte 0xe9 on line 2); save it as UTF-8",
        ),
        (
            "m.csv",
            b"name,published\na.txt,2023-10-19\n",
            "no 'file', 'filename' or 'path' column (the columns are: 'name', 'published')",
        ),
        ("m.csv", b"file\tpublished\na.txt\t2023-10-19\n", "it looks tab-separated: name it .tsv"),
        ("m.csv", b"\n\nfile,published\n", "empty: no header line"),
        (
            "m.csv",
            b'file,title\na.txt,"Unclosed\nb.txt,B\n',
            "line 2: a value runs over several lines (an unclosed quote?)",
        ),
        ("m.xlsx", b"PK\x03\x04", "unsupported metadata format '.xlsx' (use .csv, .tsv or .jsonl)"),
    ],
)
def test_metadata_file_that_cannot_be_read_is_named_with_the_reason(tmp_path, name, data, reason):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(text.IngestError) as err:
        metadata.load_sidecar(tmp_path / name)
    assert reason in str(err.value)


@pytest.mark.parametrize("name", ["m.csv", "m.jsonl"])
def test_empty_metadata_file_has_no_entries(tmp_path, name):
    (tmp_path / name).write_bytes(b" \n")
    assert metadata.load_sidecar(tmp_path / name) == {}


def test_deep_folders_are_walked_without_recursion(tmp_path):
    import inspect
    import sys

    deep = tmp_path.joinpath(*["d"] * 100)
    deep.mkdir(parents=True)
    (deep / "a.txt").write_text(BODY)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 30)  # fewer frames than folders
    try:
        found, problems = sources._walk(tmp_path)
    finally:
        sys.setrecursionlimit(limit)
    assert (found, problems) == ([deep / "a.txt"], [])


def test_metadata_tsv_excel_bom_and_names_without_extension(tmp_path):
    (tmp_path / "m.tsv").write_bytes("\ufeffFilename\tPublished\ta\t2023-10-19\n".encode())
    (tmp_path / "m.tsv").write_text("\ufeffFilename\tPublished\tOutlet\na\t19 Oct 2023\tThe Post\n")
    table = metadata.load_sidecar(tmp_path / "m.tsv")
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(BODY.encode()))
    [article] = list(sources.read_paths([str(tmp_path / "a.txt.gz")], metadata=table))
    assert (article.published, article.outlet) == ("2023-10-19", "The Post")


def test_metadata_columns_named_as_corpora_name_them(tmp_path):
    # PolNeAR's metadata.tsv: filename without extension, publisher, publication_date
    (tmp_path / "m.tsv").write_text(
        "compartment\tfilename\tpublisher\tpublication_date\ttitle\n"
        "dev\ta\tbreitbart\t2016-09-12\tStealth Over Health\n"
    )
    table = metadata.load_sidecar(tmp_path / "m.tsv")
    (tmp_path / "a.txt").write_text(BODY)
    [article] = list(sources.read_paths([str(tmp_path / "a.txt")], metadata=table))
    assert (article.published, article.outlet, article.title) == (
        "2016-09-12",
        "breitbart",
        "Stealth Over Health",
    )


def test_huge_metadata_value_is_named_where_it_is_used(tmp_path):
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "b.txt").write_text(BODY.replace("Monday", "Friday"))
    title = "t" * 200_000  # more than the csv module reads in a field by default
    (tmp_path / "m.csv").write_text(f"file,title,outlet\na.txt,{title},A\nb.txt,B,B\n")
    table = metadata.load_sidecar(tmp_path / "m.csv")
    warning, a, b = list(sources.read_paths([str(tmp_path)], metadata=table))
    assert warning.reason == (
        f"title ({tmp_path / 'm.csv'} line 2) is 200,000 characters long (limit 2,000); "
        "kept without one"
    )
    assert (a.title, a.outlet, b.title, b.outlet) == (None, "A", "B", "B")


def test_unreadable_sidecar_is_reported_once_and_the_files_read(tmp_path):
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "b.txt").write_text(BODY.replace("Monday", "Friday"))
    (tmp_path / "metadata.csv").write_bytes("file,outlet\na.txt,Café\n".encode("latin-1"))
    items = list(sources.read_paths([str(tmp_path)]))
    assert [type(i).__name__ for i in items] == ["Problem", "Article", "Article"]
    assert items[0].path == str(tmp_path / "metadata.csv")
    assert items[0].reason.endswith("; the files beside it are read without it")


def test_fifo_as_metadata_is_refused(tmp_path):
    import os

    os.mkfifo(tmp_path / "m.csv")
    with pytest.raises(text.IngestError, match=r"not a regular file \(FIFO\)"):
        _in_thread(lambda: metadata.load_sidecar(tmp_path / "m.csv"))


# --- the command line ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,data",
    [
        ("m.jsonl", b'{"file": "a.txt"}\n{oops\n'),
        ("m.csv", "file,outlet\na.txt,Café\n".encode("latin-1")),
        ("m.tab", b"file\tpublished\n"),
    ],
)
def test_cli_metadata_error_is_one_line(tmp_path, name, data):
    from click.testing import CliRunner

    from onrecord.cli import main

    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / name).write_bytes(data)
    db = tmp_path / "x.db"
    args = [str(tmp_path / "a.txt"), "--metadata", str(tmp_path / name)]
    for command in (["ingest", *args, "--db", str(db)], ["extract", *args]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 1
        assert result.exception is None or isinstance(result.exception, SystemExit)
        [line] = result.output.strip().splitlines()
        assert line.startswith(f"Error: --metadata {tmp_path / name}: ")
    assert not db.exists()  # stopped before anything was written


def test_cli_warning_lines_and_summary(tmp_path):
    from click.testing import CliRunner

    from onrecord.cli import main

    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "b.txt").write_bytes(b"\x00binary")
    (tmp_path / "metadata.csv").write_text("file,published\na.txt,not a date\n")
    db = str(tmp_path / "x.db")
    result = CliRunner().invoke(main, ["ingest", str(tmp_path), "--db", db, "--fast"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"warning {tmp_path / 'a.txt'}: published 'not a date' ({tmp_path / 'metadata.csv'} "
        "line 2) is not a date (write it as YYYY-MM-DD); kept without one",
        f"skipped {tmp_path / 'b.txt'}: binary file (contains NUL bytes)",
    ]
    assert "1 article(s) added, 0 already stored, 1 skipped, 1 warning(s);" in result.stdout


def test_article_longer_than_the_parser_takes_is_refused(tmp_path, monkeypatch):
    from onrecord.find import nlp

    assert article.MAX_CHARS <= nlp.load().max_length
    monkeypatch.setattr(article, "MAX_CHARS", 1_000)
    line = json.dumps({"text": BODY * 10})
    [item] = _read(tmp_path, "long.jsonl", line.encode())
    assert item.reason == f"too long ({len(BODY) * 10:,} characters; limit 1,000 an article)"


def test_a_file_that_is_not_json_lines_is_one_line(tmp_path):
    data = _warc([HTML.encode()] * 3)
    [item] = _read(tmp_path, "archive.jsonl", data)
    assert item.path == str(tmp_path / "archive.jsonl")
    assert item.reason.startswith("not JSON Lines: none of its first 5 lines is JSON (line 1: ")
    # a few bad lines before good ones are each named, in order
    lines = ["{bad", "{worse", json.dumps({"text": BODY})]
    items = _read(tmp_path, "b.jsonl", "\n".join(lines).encode())
    assert [i.path.rsplit("#", 1)[1] for i in items] == ["L1", "L2", "L3"]
    assert [type(i).__name__ for i in items] == ["Problem", "Problem", "Article"]


def test_json_lines_split_at_newlines_only(tmp_path):
    line = json.dumps({"text": BODY, "title": "A\u2028B"}, ensure_ascii=False)
    [article] = _read(tmp_path, "a.jsonl", line.encode())
    assert article.title == "A\u2028B"


def test_control_characters_do_not_change_the_language():
    # (with them, the detector read this as Welsh)
    assert article.detect_language("\x01".join(BODY * 10)) == "en"


def test_cli_problem_with_a_newline_in_the_file_name_is_one_line(tmp_path):
    from click.testing import CliRunner

    from onrecord.cli import main

    (tmp_path / "a\nb.txt").write_bytes(b"\x00binary")
    result = CliRunner().invoke(main, ["extract", str(tmp_path), "--fast"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"skipped {tmp_path}/a\\nb.txt: binary file (contains NUL bytes)"
    ]


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 65536])
def test_inflated_stream_reads_every_member_whatever_the_chunks(chunk, monkeypatch):
    monkeypatch.setattr(warc._Inflated, "CHUNK", chunk)
    data = gzip.compress(b"first member. ") + gzip.compress(b"second member.")
    stream = io.BufferedReader(warc._Inflated(io.BytesIO(data)))
    assert stream.read() == b"first member. second member."
    cut = io.BufferedReader(warc._Inflated(io.BytesIO(data[:-12])))
    with pytest.raises(EOFError):
        cut.read()
