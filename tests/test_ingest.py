"""Reading sources: formats, metadata, and a clear reason for every bad input."""

from __future__ import annotations

import gzip
import io
import json

import pytest

from onrecord import ingest
from onrecord.model import Article, Problem

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
    return list(ingest.read_paths([str(path)], **kw))


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
    monkeypatch.setattr(ingest, "MAX_BYTES", 100)
    [item] = _read(tmp_path, "huge.txt", BODY.encode() * 5)
    assert isinstance(item, Problem) and "too large" in item.reason


def test_missing_file(tmp_path):
    [item] = list(ingest.read_paths([str(tmp_path / "nope.txt")]))
    assert isinstance(item, Problem) and "unreadable" in item.reason


def test_folder_is_read_recursively_and_bad_files_do_not_stop_it(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "sub" / "b.txt").write_text(BODY.replace("Monday", "Tuesday"))
    (tmp_path / "sub" / "c.txt").write_bytes(b"\x00\x01binary")
    (tmp_path / "notes.md").write_text("not an article")
    items = list(ingest.read_paths([str(tmp_path)]))
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
    [article] = list(ingest.read_paths([str(tmp_path)]))
    assert article.published == "2021-02-03" and article.published_from == "metadata"
    assert article.outlet == "Example Post"


def test_date_from_text_when_no_metadata(tmp_path):
    [article] = _read(tmp_path, "a.txt", (" date 2020-01-01 loading…\n\n" + BODY).encode())
    assert article.published == "2020-01-01" and article.published_from == "text"


def test_same_bytes_same_id():
    assert ingest.article_id(b"abc") == ingest.article_id(b"abc")
    assert ingest.article_id(b"abc") != ingest.article_id(b"abd")


def test_outlet_from_text_when_no_metadata(tmp_path):
    [article] = _read(tmp_path, "a.txt", ("Support The Daily Example!\n\n" + BODY).encode())
    assert article.outlet == "The Daily Example"
