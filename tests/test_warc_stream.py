"""A crawl's WARC archive goes through record by record: thousands of records (PolNeAR train
texts wrapped as HTML, between requests and error pages as a crawl has them) are read with
memory flat as the archive grows tenfold, and what is no article is counted."""

from __future__ import annotations

import gzip
import io
import tracemalloc
from html import escape

from onrecord.model import Article, Problem
from onrecord.read import sources

from .conftest import ROOT

TRAIN = ROOT.parent / "shared" / "data" / "polnear" / "train" / "text"


def _crawl(path, pages: int) -> None:
    """A gzipped WARC of ``pages`` HTML responses (each a train text's first paragraphs),
    each after its request and followed by a 404 page."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    texts = [p.read_text(encoding="utf-8")[:2500] for p in sorted(TRAIN.glob("*.txt"))[:100]]
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for n in range(pages):
            paras = texts[n % len(texts)].split("\n\n") + [f"(Page {n}.)"]
            body = "".join(f"<p>{escape(p)}</p>" for p in paras if p.strip())
            page = f"<html><body><article><h1>Page {n}</h1>{body}</article></body></html>"
            uri = f"https://news.example/{n}"
            for status, uri_of, payload, kind in (
                (None, uri, b"", "request"),
                ("200 OK", uri, page.encode(), "response"),
                ("404 Not Found", uri + "/gone", b"<html>gone</html>", "response"),
            ):
                line = status or "GET / HTTP/1.1"
                headers = StatusAndHeaders(
                    line, [("Content-Type", "text/html")], protocol="HTTP/1.1"
                )
                writer.write_record(
                    writer.create_warc_record(
                        uri_of, kind, payload=io.BytesIO(payload), http_headers=headers
                    )
                )


def _read(path) -> tuple[int, list[Problem], int]:
    tracemalloc.start()
    try:
        articles, problems = 0, []
        for item in sources.read_paths([str(path)]):
            if isinstance(item, Article):
                articles += 1
            else:
                problems.append(item)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return articles, problems, peak


def test_thousands_of_warc_records_stream_with_memory_flat(tmp_path):
    small, big = tmp_path / "small.warc.gz", tmp_path / "big.warc.gz"
    _crawl(small, 200)
    _crawl(big, 2000)  # 6,000 records
    with gzip.open(big) as fh:  # (bigger than any other source may be)
        assert sum(len(chunk) for chunk in iter(lambda: fh.read(1 << 20), b"")) > sources.MAX_BYTES
    n_small, problems_small, peak_small = _read(small)
    n_big, problems_big, peak_big = _read(big)
    assert (n_small, n_big) == (200, 2000)
    assert [p.reason for p in problems_big] == [
        "4,000 records skipped: 2,000 request records, 2,000 responses not 200"
    ]
    assert problems_big[0].warning
    assert peak_big < 1.5 * peak_small + 2_000_000  # flat: ten times the records, not the memory
