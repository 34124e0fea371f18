"""The web app: server-rendered pages over the record, each with a JSON twin under ``/api``.

- Read-only: every request opens its own ``mode=ro`` SQLite connection.
- Pages and API share :mod:`onrecord.query`; a statement has the same JSON shape here as
  in ``onrecord statements --format json``.
- Text from articles reaches pages only through Jinja2's autoescaping or
  :func:`render.marked_text`, which escapes too; pages are sent with a Content-Security-Policy
  that allows no script, so even a missed escape would run nothing.
- Bad parameters get a 400/404/422 with a one-line message (JSON for ``/api``, a page
  otherwise), never a 500; page size is capped at :data:`MAX_SIZE`.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import astuple
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__, query, store
from ..context import SPEECH_ACTS
from . import render

HERE = Path(__file__).parent
MAX_SIZE = 100
SPEAKER_KINDS = "^(|person|organisation|group|anonymous)$"
CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'"

Page = Annotated[int, Query(ge=1, le=100_000, description="Page number, from 1.")]
Size = Annotated[int, Query(ge=1, le=MAX_SIZE, description=f"Results per page (1-{MAX_SIZE}).")]
Date = Annotated[
    str | None,
    Query(pattern=r"^(\d{4}(-\d{2}(-\d{2})?)?)?$", description="YYYY, YYYY-MM or YYYY-MM-DD."),
]


def _connection(request: Request) -> Iterator[sqlite3.Connection]:
    """A read-only connection for one request."""
    connection = store.reader(request.app.state.db_path)
    try:
        yield connection
    finally:
        connection.close()


Conn = Annotated[sqlite3.Connection, Depends(_connection)]


class SearchParams:
    """The statement filters shared by the search page and ``/api/statements``."""

    def __init__(
        self,
        q: Annotated[str | None, Query(max_length=500, description="Full-text search.")] = None,
        speaker: Annotated[str | None, Query(max_length=200, description="Name, or part.")] = None,
        speaker_id: Annotated[int | None, Query(ge=1, description="One speaker by id.")] = None,
        outlet: Annotated[str | None, Query(max_length=200)] = None,
        kind: Annotated[str | None, Query(pattern=f"^(|{'|'.join(query.KINDS)})$")] = None,
        act: Annotated[
            str | None, Query(pattern=f"^(|{'|'.join(SPEECH_ACTS)})$", description="Speech act.")
        ] = None,
        since: Date = None,
        until: Date = None,
        order: Annotated[str | None, Query(pattern="^(|relevance|newest|oldest)$")] = None,
        page: Page = 1,
        size: Size = 20,
    ) -> None:
        self.filters = query.Filters(
            search=q or None,
            speaker=speaker or None,
            entity=speaker_id,
            outlet=outlet or None,
            kind=kind or None,
            act=act or None,
            since=since or None,
            until=until or None,
        )
        self.order = order or ("relevance" if q else "newest")
        if self.order == "relevance" and not q:
            self.order = "newest"
        self.page, self.size = page, size


def create_app(db_path: str | Path) -> FastAPI:
    """The ASGI app serving the database at ``db_path`` (which must exist)."""
    db_path = str(db_path)
    store.connect(db_path, readonly=True).close()  # exists, and its schema is current
    app = FastAPI(
        title="onrecord",
        version=__version__,
        description="Who said what, to whom, when and where: the record, read-only.",
    )
    app.state.db_path = db_path
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(acts=SPEECH_ACTS, kinds=query.KINDS, max_size=MAX_SIZE)
    templates.env.filters["label"] = _label
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def page(request: Request, name: str, context: dict, status: int = 200) -> HTMLResponse:
        context |= {"url_with": _url_with(request), "api": _api_twin(request)}
        response = templates.TemplateResponse(request, name, context, status_code=status)
        response.headers["Content-Security-Policy"] = CSP
        return response

    def found(value, what: str):
        """``value``, or a 404 when the id matched nothing."""
        if value is None:
            raise HTTPException(status_code=404, detail=f"no {what} with that id")
        return value

    # --- errors: a clear message, never a stack trace -----------------------------------
    def error(request: Request, status: int, message: str):
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message, "status": status}, status_code=status)
        return page(request, "error.html", {"status": status, "message": message}, status)

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError):
        problems = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e.get("loc", ())[1:]) or "request"
            problems.append(f"{where}: {e.get('msg', 'invalid')}")
        return error(request, 400, "bad parameter: " + "; ".join(problems))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(ValueError)
    async def bad_value(request: Request, exc: ValueError):
        return error(request, 400, str(exc))

    # --- JSON API ------------------------------------------------------------------------
    summaries = Summaries(db_path, int(os.environ.get("ONRECORD_SUMMARY_CACHE", "256")))

    def search(connection: sqlite3.Connection, params: SearchParams) -> dict:
        f = params.filters
        total, facets = summaries.get(connection, f)
        rows = query.statements(
            connection,
            f,
            order=params.order,
            limit=params.size,
            offset=(params.page - 1) * params.size,
        )
        return {
            "total": total,
            "page": params.page,
            "size": params.size,
            "pages": max(1, -(-total // params.size)),
            "order": params.order,
            "facets": facets,
            "statements": rows,
        }

    @app.get("/api/statements", tags=["statements"])
    def api_statements(connection: Conn, params: Annotated[SearchParams, Depends()]) -> dict:
        """Statements matching the filters, a page at a time, with facet counts."""
        return search(connection, params)

    @app.get("/api/statements/{statement_id}", tags=["statements"])
    def api_statement(statement_id: str, connection: Conn) -> dict:
        """One statement, with every article that reported it."""
        return found(query.statement(connection, statement_id), "statement")

    @app.get("/api/speakers", tags=["speakers"])
    def api_speakers(
        connection: Conn,
        name: Annotated[str | None, Query(max_length=200)] = None,
        kind: Annotated[str | None, Query(pattern=SPEAKER_KINDS)] = None,
        page: Page = 1,
        size: Size = 50,
    ) -> dict:
        """Speakers, most quoted first."""
        rows = query.speakers(
            connection, name=name, kind=kind, limit=size, offset=(page - 1) * size
        )
        return {"page": page, "size": size, "speakers": rows}

    @app.get("/api/speakers/{speaker_id}", tags=["speakers"])
    def api_speaker(speaker_id: int, connection: Conn) -> dict:
        """One speaker: name, kind, titles, counts, first and last dates."""
        return found(query.speaker(connection, speaker_id), "speaker")

    def speaker_timeline(connection, speaker_id, about, page_no, size) -> dict:
        speaker = found(query.speaker(connection, speaker_id), "speaker")
        line = query.timeline(
            connection, speaker_id, about=about, limit=size, offset=(page_no - 1) * size
        )
        return {"speaker": speaker, "page": page_no, "size": size, **line}

    @app.get("/api/speakers/{speaker_id}/timeline", tags=["speakers"])
    def api_timeline(
        speaker_id: int,
        connection: Conn,
        about: Annotated[str | None, Query(max_length=500)] = None,
        page: Page = 1,
        size: Size = 50,
    ) -> dict:
        """A speaker's statements newest first (each reported statement once), and counts
        per period and speech act."""
        return speaker_timeline(connection, speaker_id, about, page, size)

    @app.get("/api/articles/{article_id}", tags=["articles"])
    def api_article(article_id: str, connection: Conn) -> dict:
        """One article: original text, leftover ranges and every statement in it."""
        return found(query.article(connection, article_id), "article")

    # --- pages ---------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, connection: Conn, params: Annotated[SearchParams, Depends()]):
        result = search(connection, params)
        context = {"result": result, "params": params, "counts": query.counts(connection)}
        return page(request, "search.html", context)

    @app.get("/speakers", response_class=HTMLResponse, include_in_schema=False)
    def speakers_page(
        request: Request,
        connection: Conn,
        name: Annotated[str | None, Query(max_length=200)] = None,
        page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
    ):
        size = MAX_SIZE
        rows = query.speakers(connection, name=name, limit=size, offset=(page_no - 1) * size)
        return page(
            request,
            "speakers.html",
            {"speakers": rows, "name": name or "", "page": page_no, "size": size},
        )

    @app.get("/speakers/{speaker_id}", response_class=HTMLResponse, include_in_schema=False)
    def speaker_page(
        request: Request,
        speaker_id: int,
        connection: Conn,
        about: Annotated[str | None, Query(max_length=500)] = None,
        page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
    ):
        data = speaker_timeline(connection, speaker_id, about, page_no, 50)
        data["chart"] = render.timeline_svg(data["buckets"])
        return page(request, "speaker.html", {"data": data, "about": about or ""})

    @app.get("/statements/{statement_id}", response_class=HTMLResponse, include_in_schema=False)
    def statement_page(request: Request, statement_id: str, connection: Conn):
        stmt = found(query.statement(connection, statement_id), "statement")
        art = query.article(connection, stmt["article"]["id"])
        marks = render.article_marks(art) + render.statement_marks(stmt)
        body = render.marked_text(art["text"], marks)
        return page(request, "statement.html", {"s": stmt, "article": art, "body": body})

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: str, connection: Conn):
        art = found(query.article(connection, article_id), "article")
        marks = render.article_marks(art)
        for n, stmt in enumerate(art["statements"], 1):
            marks += render.statement_marks(stmt, number=n)
        body = render.marked_text(art["text"], marks)
        return page(request, "article.html", {"article": art, "body": body})

    return app


class Summaries:
    """Totals and facet counts per filter set, kept while the database files are unchanged.

    They cost a scan of every matching statement, the same for every page of a result, so
    paging through results (or reloading the front page) should not pay for them again. The
    key includes the size and modification time of the database file and its write-ahead log:
    any write (an ingest running beside the server) invalidates every entry.
    ``ONRECORD_SUMMARY_CACHE`` sets how many filter sets are kept (0: none).
    """

    def __init__(self, db_path: str, size: int = 256) -> None:
        self.paths = [Path(db_path), Path(db_path + "-wal")]
        self.size = size
        self.entries: OrderedDict[tuple, tuple[int, dict]] = OrderedDict()
        self.lock = threading.Lock()

    def _state(self) -> tuple:
        stats = [p.stat() if p.exists() else None for p in self.paths]
        return tuple((s.st_size, s.st_mtime_ns) if s else None for s in stats)

    def get(self, connection: sqlite3.Connection, filters: query.Filters) -> tuple[int, dict]:
        key = (self._state(), astuple(filters))
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        value = (query.count(connection, filters), query.facets(connection, filters))
        if self.size <= 0:
            return value
        with self.lock:
            self.entries[key] = value
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return value


def _label(article: dict) -> str:
    """What to call an article: its title, else its file name, else its id."""
    return article.get("title") or Path(article.get("path") or "").name or article["id"]


def _url_with(request: Request):
    """``url_with(key=value, ...)``: this page's URL with some parameters changed.

    A value of None drops the parameter; any change other than ``page`` goes back to page 1.
    """

    def url_with(**changes) -> str:
        params = {k: v for k, v in request.query_params.items() if v != ""}
        if "page" not in changes:
            params.pop("page", None)
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = str(value)
        return request.url.path + ("?" + urlencode(params) if params else "")

    return url_with


def _api_twin(request: Request) -> str:
    """The JSON API URL that serves the data of this page."""
    path = request.url.path
    twin = "/api/statements" if path == "/" else "/api" + path
    if path.startswith("/speakers/"):
        twin += "/timeline"
    return twin + (f"?{request.url.query}" if request.url.query else "")
