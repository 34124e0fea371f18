"""HTML pages (files, JSON Lines ``html`` fields, WARC responses): the article text is the
main text trafilatura extracts, and offsets point into that extracted text.
"""

from __future__ import annotations

from ..model import Article
from .article import make_article
from .text import SURROGATE, IngestError, unicode_encoding


def from_html(
    html: bytes | str, *, path: str | None = None, notes: list[str] | None = None, **meta
) -> Article:
    """An article from an HTML page: main text, title, date and site name via trafilatura."""
    import trafilatura

    raw = html.encode("utf-8", "surrogatepass") if isinstance(html, str) else html
    if isinstance(html, bytes):
        encoding = unicode_encoding(html)
        if encoding is None and b"\x00" in html[:8192]:
            raise IngestError("binary file (contains NUL bytes)")
        html = html.decode(encoding or "utf-8", errors="replace")
    html = SURROGATE.sub("\ufffd", html)
    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    if doc is None or not (doc.text or "").strip():
        raise IngestError("no article text found in the HTML")
    found = {
        "title": doc.title,
        "published": doc.date,
        "published_from": "html" if doc.date else None,
        "outlet": doc.sitename,
        "url": doc.url,
    }
    given = {k: v for k, v in meta.items() if v is not None and v != ""}
    if "published" in given:
        found["published_from"] = None
    found.update(given)
    return make_article(doc.text, path=path, raw=raw, notes=notes, **found)
