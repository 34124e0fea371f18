"""The web app: server-rendered pages over the record, each with a JSON twin under ``/api``.

- Read-only: requests read through ``mode=ro`` SQLite connections (``immutable`` if asked:
  :func:`onrecord.record.store.reader`), kept from one request to the next (:class:`Readers`); the
  schema is checked once, never migrated.
- Pages and API share :mod:`onrecord.record.query`; a statement has the same JSON shape here as
  in ``onrecord statements --format json``.
- Text from articles reaches pages only through Jinja2's autoescaping or
  :func:`render.marked_text`, which escapes too; pages are sent with a Content-Security-Policy
  that allows no script, so even a missed escape would run nothing.
- Bad parameters get a 400 (or 404) with a one-line message (JSON for ``/api``, a page
  otherwise), never a 500: every number is range-checked (ids fit SQLite's 64-bit integers),
  page size is capped at :data:`MAX_SIZE`.
- :class:`Guard` answers before the app: 414 for a URL over :data:`MAX_URL` bytes, 400 for a
  Host header that could come from a DNS rebinding attack (:class:`AllowedHosts`).
- Article URLs become links only when they are http(s) (:func:`web_link`).
- ``/docs`` (Swagger UI) works offline: its script and style come from the
  ``fastapi-offline`` package, served under ``/static/swagger-ui``, and its start-up code
  from ``static/swagger-init.js``, so that page too runs no inline script (:data:`DOCS_CSP`).
- Each list (statement search, speakers) comes from one data function, answered as a page,
  as JSON under ``/api/``, or as CSV (``/api/statements.csv``, ``/api/speakers.csv``, or
  ``?_format=csv`` on the page or its JSON twin): the same page of the same rows.
- A query parameter a route does not take gets a 400 under ``/api/`` (a typo such as
  ``speker=`` would otherwise return everything); pages ignore it and say so. Links a page
  makes (facets, pager, its JSON and CSV twins) carry only the parameters their target takes.
- The OpenAPI description says what the API really answers: CSV as ``text/csv``, errors as
  400 (or 404) with ``{"error", "status"}`` (:class:`ApiError`), never FastAPI's 422.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import json
import os
import re
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass, replace
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

import fastapi_offline
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from .. import __version__
from ..model import (
    CATEGORIES,
    DATE_PATTERN,
    LOW_CONFIDENCE,
    SPEAKER_KINDS,
    SPEECH_ACTS,
    STATEMENT_KINDS,
)
from ..record import query, schema, store
from . import render

HERE = Path(__file__).parent
MAX_SIZE = 100
SPEAKER_PAGE = 50  # statements per speaker page
MAX_ID = 2**63 - 1  # SQLite's largest integer: a larger id would overflow, not just miss
MAX_URL = 8192  # bytes of path and query string; longer gets a 414
SERVE_ENV = "ONRECORD_SERVE"  # settings for the worker processes of 'onrecord serve'
PAGE_CATEGORY = "speech"  # what the pages and the timeline show unless asked for another
CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'"
# /docs: the pages' policy, plus Swagger UI's script files from this server (script-src
# 'self': no inline script, none from elsewhere) and the requests it makes here (connect-src:
# the spec, "Try it out"). Its styles set through the DOM need no 'unsafe-inline'.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'"
)
SWAGGER_FILES = Path(fastapi_offline.__file__).parent / "static"
SPEAKER_FIELDS = ("id", "name", "kind", "statements", "articles", "clusters", "first", "last")
SPEAKER_FIELDS += ("titles", "aliases")

Page = Annotated[int, Query(ge=1, le=100_000, description="Page number, from 1.")]
Size = Annotated[int, Query(ge=1, le=MAX_SIZE, description=f"Results per page (1-{MAX_SIZE}).")]
SpeakerId = Annotated[int, PathParam(ge=1, le=MAX_ID, description="A speaker's id.")]
TextId = Annotated[str, PathParam(max_length=100)]
Format = Annotated[
    str | None,
    Query(alias="_format", pattern="^(|html|json|csv)$", description="html, json or csv."),
]
ApiFormat = Annotated[
    str | None, Query(alias="_format", pattern="^(|json|csv)$", description="json or csv.")
]
Date = Annotated[
    str | None,
    Query(pattern=f"^({DATE_PATTERN})?$", description="YYYY, YYYY-MM or YYYY-MM-DD."),
]
SpeakerName = Annotated[
    str | None, Query(max_length=200, description="Name or alias, or part of one.")
]
SpeakerKind = Annotated[
    str | None,
    Query(pattern=f"^(|{'|'.join(SPEAKER_KINDS)})$", description=", ".join(SPEAKER_KINDS)),
]
About = Annotated[
    str | None,
    Query(max_length=500, description="Only statements about this (a target, or content words)."),
]
MinConfidence = Annotated[
    str | None,
    Query(
        max_length=40,
        description="Only statements whose confidence (the chance that the statement is "
        "right) is at least this, a number from 0 to 1; statements stored before confidence "
        "was measured (confidence null) are left out.",
    ),
]
CATEGORY_PATTERN = f"^(|{'|'.join(query.CATEGORY_CHOICES)})$"
TimelineCategory = Annotated[
    str | None,
    Query(
        pattern=CATEGORY_PATTERN,
        description="speech (the default), belief, finding, other, or all; the statement "
        "that stands for a reported statement decides.",
    ),
]


class ApiError(BaseModel):
    """What every error under ``/api/`` answers (a 400, 404 or 414)."""

    error: str = Field(description="What was wrong, in one line.")
    status: int = Field(description="The HTTP status, repeated.")


class CsvResponse(Response):
    """A CSV answer: declared as ``text/csv`` in the OpenAPI description."""

    media_type = "text/csv; charset=utf-8"


BAD_REQUEST = {400: {"model": ApiError, "description": "A bad or unknown parameter."}}
NOT_FOUND = {404: {"model": ApiError, "description": "Nothing has that id."}}
AS_CSV = {"text/csv": {"schema": {"type": "string", "description": "CSV, a header row first."}}}
JSON_OR_CSV = {200: {"description": "JSON, or CSV with ``_format=csv``.", "content": AS_CSV}}


class Readers:
    """Read-only connections for requests, each kept for a later request rather than closed.

    Opening one costs more than most queries do (SQLite reads the schema anew: about half a
    millisecond here). A connection between requests holds no transaction, so it sees every
    commit made meanwhile, as a new one would. Those kept are dropped when the database file
    is replaced by another (``onrecord demo`` makes its file anew); at most ``keep`` are kept.
    """

    def __init__(self, path: str, immutable: bool, keep: int = 16) -> None:
        self.path, self.immutable, self.keep = path, immutable, keep
        self.idle: list[tuple[sqlite3.Connection, tuple]] = []
        self.lock = threading.Lock()

    def _file(self) -> tuple:
        info = os.stat(self.path)
        return info.st_dev, info.st_ino

    def take(self) -> tuple[sqlite3.Connection, tuple]:
        file = self._file()
        with self.lock:
            stale = [c for c, f in self.idle if f != file]
            self.idle = [(c, f) for c, f in self.idle if f == file]
            kept = self.idle.pop() if self.idle else None
        for connection in stale:
            connection.close()
        return kept or (store.reader(self.path, immutable=self.immutable), file)

    def give_back(self, connection: sqlite3.Connection, file: tuple) -> None:
        if not connection.in_transaction:
            with self.lock:
                if len(self.idle) < self.keep:
                    self.idle.append((connection, file))
                    return
        connection.close()


def _connection(request: Request) -> Iterator[sqlite3.Connection]:
    """A read-only connection for one request; kept for the next only if this one ended
    without an error (a query cut short could leave a statement open, holding its snapshot)."""
    readers: Readers = request.app.state.readers
    connection, file = readers.take()
    try:
        yield connection
    except BaseException:
        connection.close()
        raise
    readers.give_back(connection, file)


Conn = Annotated[sqlite3.Connection, Depends(_connection)]


class SearchParams:
    """The statement filters shared by the search page and ``/api/statements``."""

    def __init__(
        self,
        q: Annotated[str | None, Query(max_length=500, description="Full-text search.")] = None,
        speaker: Annotated[str | None, Query(max_length=200, description="Name, or part.")] = None,
        speaker_id: Annotated[
            int | None, Query(ge=1, le=MAX_ID, description="One speaker by id.")
        ] = None,
        outlet: Annotated[
            str | None, Query(max_length=200, description="An outlet's name (any case).")
        ] = None,
        kind: Annotated[
            str | None,
            Query(
                pattern=f"^(|{'|'.join(STATEMENT_KINDS)})$", description=", ".join(STATEMENT_KINDS)
            ),
        ] = None,
        act: Annotated[
            str | None, Query(pattern=f"^(|{'|'.join(SPEECH_ACTS)})$", description="Speech act.")
        ] = None,
        category: Annotated[
            str | None,
            Query(
                pattern=CATEGORY_PATTERN,
                description="speech, belief (a report of someone's mind), finding (a poll or "
                "study showed), other (an act, a stance or a topic without the words: 'backed "
                "Clinton'), or all. The API gives every category unless this is given; "
                "the search page, speech unless it is.",
            ),
        ] = None,
        since: Date = None,
        until: Date = None,
        min_confidence: MinConfidence = None,
        order: Annotated[
            str | None,
            Query(
                pattern="^(|relevance|newest|oldest)$",
                description="newest, oldest or relevance (with q; the default then).",
            ),
        ] = None,
        page: Page = 1,
        size: Size = 20,
    ) -> None:
        self.category = category or None  # as asked: None (not said), "all" or a category
        self.filters = query.Filters(
            search=q or None,
            speaker=speaker or None,
            entity=speaker_id,
            outlet=outlet or None,
            kind=kind or None,
            act=act or None,
            category=query.category_filter(category),
            since=since or None,
            until=until or None,
            min_confidence=query.parse_confidence(min_confidence),
        )
        self.order = order or ("relevance" if q else "newest")
        if self.order == "relevance" and not q:
            self.order = "newest"
        self.page, self.size = page, size

    def default_category(self, category: str) -> bool:
        """Show ``category`` where the request named none (the pages: speech); True if it
        did so."""
        if self.category is not None:
            return False
        self.filters.category = category
        return True


_NAMES: dict[int, frozenset[str]] = {}


def _parameter_names(route: APIRoute) -> frozenset[str]:
    """The query parameters ``route`` takes, its dependencies' included (by their alias)."""
    names = _NAMES.get(id(route))
    if names is None:
        found, todo = set(), [route.dependant]
        while todo:
            dependant = todo.pop()
            found.update(field.alias for field in dependant.query_params)
            todo.extend(dependant.dependencies)
        names = _NAMES[id(route)] = frozenset(found)
    return names


def _known_parameters(request: Request) -> None:
    """Refuse, under ``/api/``, a query parameter the route does not take; on a page, note it
    in ``request.state.ignored`` for the page to show.

    Without this a misspelt filter (``?speker=Putin``) is dropped without a word, and the
    answer (every statement) looks like the answer to the question asked.
    """
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    names = _parameter_names(route)
    unknown = sorted(set(request.query_params) - names)
    if unknown and request.url.path.startswith("/api/"):
        raise HTTPException(
            status_code=400,
            detail=f"unknown parameter{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}"
            f" (this route takes: {', '.join(sorted(names)) or 'none'})",
        )
    request.state.ignored = unknown


def _choices(pattern: str) -> str | None:
    """``a, b, c`` for a pattern of the form ``^(|a|b|c)$``, else None."""
    found = re.fullmatch(r"\^\(\|?([\w|]+)\)\$", pattern)
    return ", ".join(found[1].split("|")) if found else None


def _problem(error: dict) -> str:
    """One validation error as a person would say it: ``kind must be one of: direct, indirect,
    mixed`` rather than pydantic's message quoting the regular expression."""
    where = ".".join(str(p) for p in error.get("loc", ())[1:]) or "request"
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        choices = _choices(pattern)
        if choices:
            return f"{where} must be one of: {choices}"
        if pattern == f"^({DATE_PATTERN})?$":
            return f"{where} must be a date: YYYY, YYYY-MM or YYYY-MM-DD"
        return f"{where} is not in the expected form"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{where} must be a whole number"
    if kind == "greater_than_equal":
        return f"{where} must be at least {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"{where} must be at most {ctx.get('le')}"
    if kind == "string_too_long":
        return f"{where} must be at most {ctx.get('max_length')} characters"
    if kind == "missing":
        return f"{where} is required"
    return f"{where}: {error.get('msg', 'invalid')}"


def _search_form(request: Request) -> dict[str, str]:
    """The values for the search form of an error page: on the search page's own errors, as
    the request gave them (the bad one too, to correct); elsewhere empty."""
    fields = (
        "q",
        "speaker",
        "kind",
        "act",
        "category",
        "since",
        "until",
        "min_confidence",
        "outlet",
        "speaker_id",
        "order",
    )
    given = request.query_params if request.url.path == "/" else {}
    return {key: given.get(key, "") for key in fields}


def create_app(
    db_path: str | Path, *, immutable: bool = False, allow_hosts: Iterable[str] = ()
) -> FastAPI:
    """The ASGI app serving the database at ``db_path``, which must exist with the current
    schema (:class:`onrecord.record.store.NotReadable` otherwise).

    ``immutable``: read it without locks or side files (:func:`onrecord.record.store.reader`).
    ``allow_hosts``: Host names to answer besides IP addresses and localhost; ``*``: any.
    """
    db_path = str(db_path)
    store.connect(db_path, readonly=True, immutable=immutable).close()  # exists, current schema
    immutable = store.immutable_read(db_path, immutable)  # as connect decided
    app = FastAPI(
        title="onrecord",
        version=__version__,
        description="Who said what, to whom, when and where: the record, read-only. Every "
        'error answers `{"error": ..., "status": ...}`; a URL over 8 KB gets a 414.\n\n'
        "[Back to the pages](/)",
        docs_url=None,  # served below from local files, not from a CDN
        redoc_url=None,
        dependencies=[Depends(_known_parameters)],
    )
    app.add_middleware(Guard, hosts=AllowedHosts(allow_hosts))
    app.state.db_path = db_path
    app.state.immutable = immutable
    app.state.readers = Readers(db_path, immutable, int(os.environ.get("ONRECORD_READERS", "16")))
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(
        acts=SPEECH_ACTS, kinds=STATEMENT_KINDS, categories=CATEGORIES, max_size=MAX_SIZE
    )
    templates.env.globals["low_confidence"] = LOW_CONFIDENCE
    templates.env.globals["noun"] = query.noun
    templates.env.globals["speaker_kinds"] = SPEAKER_KINDS
    templates.env.filters["label"] = _label
    templates.env.filters["web_link"] = web_link
    templates.env.filters["shown_date"] = schema.shown_date
    templates.env.filters["num"] = "{:,}".format  # 5,404: as the pages' hidden counts say
    app.mount("/static/swagger-ui", StaticFiles(directory=str(SWAGGER_FILES)), name="swagger")
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def page(
        request: Request, name: str, context: dict, status: int = 200, twin: dict | None = None
    ) -> HTMLResponse:
        """The page ``name``, with this request's link makers and JSON twin (``twin``: the
        parameters it needs beyond those of the request, such as the page's size)."""
        context |= {"url_with": _url_with(request), "api": _api_twin(request, twin or {})}
        context.setdefault("ignored", getattr(request.state, "ignored", []))
        response = templates.TemplateResponse(request, name, context, status_code=status)
        response.headers["Content-Security-Policy"] = CSP
        return response

    def found(value, what: str):
        """``value``, or a 404 when the id matched nothing."""
        if value is None:
            raise HTTPException(status_code=404, detail=f"no {what} with that id")
        return value

    summaries = Summaries(db_path, int(os.environ.get("ONRECORD_SUMMARY_CACHE", "256")))

    # --- errors: a clear message, never a stack trace -----------------------------------
    def error(request: Request, status: int, message: str):
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message, "status": status}, status_code=status)
        context = {"status": status, "message": message, "form": _search_form(request)}
        context["outlets"] = form_outlets()
        return page(request, "error.html", context, status)

    def form_outlets() -> list[str]:
        """The outlets for the search form of an error page, which has no connection of its
        own; none when the database cannot be read (the form then takes any name)."""
        readers: Readers = app.state.readers
        try:
            connection, file = readers.take()
        except (OSError, sqlite3.Error):
            return []
        try:
            names = summaries.outlets(connection)
        except sqlite3.Error:
            connection.close()
            return []
        readers.give_back(connection, file)
        return names

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError):
        problems = [_problem(e) for e in exc.errors()]
        return error(request, 400, "bad parameter: " + "; ".join(problems))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(ValueError)
    async def bad_value(request: Request, exc: ValueError):
        return error(request, 400, str(exc))

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs(request: Request):
        """Swagger UI from local files, started by ``static/swagger-init.js``."""
        response = templates.TemplateResponse(request, "docs.html", {"spec": app.openapi_url})
        response.headers["Content-Security-Policy"] = DOCS_CSP
        return response

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        """The icon, for browsers that ask for it at the conventional path."""
        return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")

    # --- JSON API ------------------------------------------------------------------------
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

    def speaker_list(connection, name, kind, page_no: int, size: int) -> dict:
        """The data of /speakers and /api/speakers (either format): a page of speakers, most
        quoted first, with the total."""
        rows = query.speakers(
            connection, name=name, kind=kind, limit=size, offset=(page_no - 1) * size
        )
        total = query.speaker_count(connection, name=name, kind=kind)
        return {
            "total": total,
            "page": page_no,
            "size": size,
            "pages": max(1, -(-total // size)),
            "speakers": rows,
        }

    def statements_csv(result: dict, name: str) -> Response:
        return _csv(schema.FLAT_FIELDS, map(schema.csv_row, result["statements"]), name)

    def speakers_csv(result: dict, name: str) -> Response:
        return _csv(SPEAKER_FIELDS, map(_speaker_row, result["speakers"]), name)

    @app.get(
        "/api/statements",
        tags=["statements"],
        summary="Search statements",
        responses=JSON_OR_CSV | BAD_REQUEST,
    )
    def api_statements(
        connection: Conn, params: Annotated[SearchParams, Depends()], fmt: ApiFormat = None
    ):
        """Statements matching the filters, a page at a time, with facet counts
        (``_format=csv``: the page's statements as CSV rows, as ``onrecord export`` writes)."""
        result = search(connection, params)
        return statements_csv(result, "statements") if fmt == "csv" else result

    @app.get(
        "/api/statements.csv",
        tags=["statements"],
        summary="Search statements, as CSV",
        response_class=CsvResponse,
        responses=BAD_REQUEST,
    )
    def api_statements_csv(connection: Conn, params: Annotated[SearchParams, Depends()]):
        """``/api/statements?_format=csv``: a page of statements as CSV, with the columns of
        ``onrecord export``."""
        return statements_csv(search(connection, params), "statements")

    @app.get(
        "/api/statements/{statement_id}",
        tags=["statements"],
        summary="One statement, and how its reports' wording differs",
        responses=BAD_REQUEST | NOT_FOUND,
    )
    def api_statement(statement_id: TextId, connection: Conn) -> dict:
        """One statement, with every article that reported it (``cluster.articles``, earliest
        first). Beyond the shape of ``/api/statements``, each report has its wording,
        ``text``, and each but the first ``same_wording`` (true or false) and ``diff``: its
        words against the first report's, a list of segments ``{op, text, was, space}``
        (``op``: equal, insert, delete or replace; ``text``: this report's words, "" for a
        delete; ``was``: the first report's, null for equal and insert; ``space``: a space
        comes before the segment). The first report has ``diff`` and ``same_wording`` null."""
        return found(query.statement(connection, statement_id), "statement")

    @app.get(
        "/api/speakers",
        tags=["speakers"],
        summary="List speakers",
        responses=JSON_OR_CSV | BAD_REQUEST,
    )
    def api_speakers(
        connection: Conn,
        name: SpeakerName = None,
        kind: SpeakerKind = None,
        page: Page = 1,
        size: Size = 50,
        fmt: ApiFormat = None,
    ):
        """Speakers, most quoted first, with their total (``_format=csv``: as CSV)."""
        result = speaker_list(connection, name, kind, page, size)
        return speakers_csv(result, "speakers") if fmt == "csv" else result

    @app.get(
        "/api/speakers.csv",
        tags=["speakers"],
        summary="List speakers, as CSV",
        response_class=CsvResponse,
        responses=BAD_REQUEST,
    )
    def api_speakers_csv(
        connection: Conn,
        name: SpeakerName = None,
        kind: SpeakerKind = None,
        page: Page = 1,
        size: Size = 50,
    ):
        """``/api/speakers?_format=csv``: a page of speakers as CSV (titles as ``President
        (2019-09-05 to 2023-10-19)``, titles and aliases joined by ``; ``)."""
        return speakers_csv(speaker_list(connection, name, kind, page, size), "speakers")

    @app.get(
        "/api/speakers/{speaker_id}",
        tags=["speakers"],
        summary="One speaker",
        responses=BAD_REQUEST | NOT_FOUND,
    )
    def api_speaker(speaker_id: SpeakerId, connection: Conn) -> dict:
        """One speaker: name, kind, titles, counts, first and last dates."""
        return found(query.speaker(connection, speaker_id), "speaker")

    def speaker_timeline(
        connection, speaker_id, about, category, min_confidence, page_no, size
    ) -> dict:
        speaker = found(query.speaker(connection, speaker_id), "speaker")
        line = query.timeline(
            connection,
            speaker_id,
            about=about,
            category=query.category_filter(category or PAGE_CATEGORY),
            min_confidence=query.parse_confidence(min_confidence),
            limit=size,
            offset=(page_no - 1) * size,
        )
        return {"speaker": speaker, "page": page_no, "size": size, **line}

    @app.get(
        "/api/speakers/{speaker_id}/timeline",
        tags=["speakers"],
        summary="A speaker's statements over time",
        responses=BAD_REQUEST | NOT_FOUND,
    )
    def api_timeline(
        speaker_id: SpeakerId,
        connection: Conn,
        about: About = None,
        category: TimelineCategory = None,
        min_confidence: MinConfidence = None,
        page: Page = 1,
        size: Size = 50,
    ) -> dict:
        """A speaker's statements newest first (each reported statement once), and counts
        per period and speech act: speech only unless ``category`` says otherwise
        (``category`` in the answer says which it shows, ``categories`` counts the speaker's
        reported statements of each under ``about`` and ``min_confidence``). For
        ``category`` and ``min_confidence``, the report that stands for a reported statement
        decides."""
        return speaker_timeline(connection, speaker_id, about, category, min_confidence, page, size)

    @app.get(
        "/api/articles/{article_id}",
        tags=["articles"],
        summary="One article",
        responses=BAD_REQUEST | NOT_FOUND,
    )
    def api_article(article_id: TextId, connection: Conn) -> dict:
        """One article: original text, leftover ranges and every statement in it."""
        return found(query.article(connection, article_id), "article")

    # --- pages ---------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def search_page(
        request: Request,
        connection: Conn,
        params: Annotated[SearchParams, Depends()],
        fmt: Format = None,
    ):
        implicit = params.default_category(PAGE_CATEGORY)
        result = search(connection, params)
        if fmt == "csv":
            return statements_csv(result, "statements")
        if fmt == "json":
            return JSONResponse(jsonable_encoder(result))
        f = params.filters
        speaker = query.speaker(connection, f.entity) if f.entity is not None else None
        filters = _search_filters(f, speaker, implicit_category=implicit)
        categories = summaries.categories(connection, f)
        facets = _facets_shown(result["facets"], filters)
        context = {
            "result": result,
            "params": params,
            "counts": query.counts(connection),
            "filters": filters,
            "facets": _with_categories(facets, categories, f.category),
            "outlets": summaries.outlets(connection),
            "order": request.query_params.get("order", ""),
            "category": f.category,
            "showing": _showing(categories, f.category),
        }
        # the JSON twin gives every category unless told: tell it the page's
        twin = {"category": f.category} if implicit else None
        return page(request, "search.html", context, twin=twin)

    @app.get("/speakers", response_class=HTMLResponse, include_in_schema=False)
    def speakers_page(
        request: Request,
        connection: Conn,
        name: SpeakerName = None,
        kind: SpeakerKind = None,
        page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
        fmt: Format = None,
    ):
        result = speaker_list(connection, name or None, kind or None, page_no, MAX_SIZE)
        if fmt == "csv":
            return speakers_csv(result, "speakers")
        if fmt == "json":
            return JSONResponse(jsonable_encoder(result))
        filters = [Filter(k, k, v, v) for k, v in (("name", name), ("kind", kind)) if v]
        context = {"result": result, "name": name or "", "kind": kind or "", "filters": filters}
        return page(request, "speakers.html", context, twin={"size": MAX_SIZE})

    @app.get("/speakers/{speaker_id}", response_class=HTMLResponse, include_in_schema=False)
    def speaker_page(
        request: Request,
        speaker_id: SpeakerId,
        connection: Conn,
        about: About = None,
        category: TimelineCategory = None,
        min_confidence: MinConfidence = None,
        page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
    ):
        data = speaker_timeline(
            connection, speaker_id, about, category, min_confidence, page_no, SPEAKER_PAGE
        )
        data["chart"] = render.timeline_svg(data["buckets"])
        shown = query.category_filter(data["category"])
        minimum = data["min_confidence"]
        minimum = None if minimum is None else f"{minimum:g}"
        filters = [
            Filter(param, label, value, value)
            for param, label, value in (
                ("about", "about", about or None),
                ("min_confidence", "confidence at least", minimum),
            )
            if value is not None
        ]
        context = {
            "data": data,
            "about": about or "",
            "min_confidence": minimum or "",
            "filters": filters,
            "category": shown,
            "category_param": category or "",
            "showing": _showing(data["categories"], shown),
        }
        return page(request, "speaker.html", context, twin={"size": SPEAKER_PAGE})

    @app.get("/statements/{statement_id}", response_class=HTMLResponse, include_in_schema=False)
    def statement_page(request: Request, statement_id: TextId, connection: Conn):
        stmt = found(query.statement(connection, statement_id), "statement")
        art = query.article(connection, stmt["article"]["id"])
        marks = render.article_marks(art) + render.statement_marks(stmt)
        body = render.marked_text(art["text"], marks)
        return page(request, "statement.html", {"s": stmt, "article": art, "body": body})

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: TextId, connection: Conn):
        art = found(query.article(connection, article_id), "article")
        marks = render.article_marks(art)
        for n, stmt in enumerate(art["statements"], 1):
            marks += render.statement_marks(stmt, number=n)
        body = render.marked_text(art["text"], marks)
        return page(request, "article.html", {"article": art, "body": body})

    _errors_as_answered(app)
    return app


def _errors_as_answered(app: FastAPI) -> None:
    """Make ``app.openapi()`` declare the errors as the app answers them.

    FastAPI declares a 422 with its validation format for every route with parameters: this
    app answers a bad parameter with a 400 (the routes declare it), so the 422 and its
    schemas are left out. And every error is JSON (:class:`ApiError`), also where the route's
    own answer is CSV (FastAPI would give the error that route's media type).
    """
    build = app.openapi
    as_json = {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}

    def openapi() -> dict:
        if app.openapi_schema is None:
            spec = build()
            for operations in spec["paths"].values():
                for operation in operations.values():
                    answers = operation.get("responses", {})
                    answers.pop("422", None)
                    for status, answer in answers.items():
                        if status.startswith("4"):
                            answer["content"] = as_json
            schemas = spec.get("components", {}).get("schemas", {})
            for name in ("HTTPValidationError", "ValidationError"):
                schemas.pop(name, None)
        return app.openapi_schema

    app.openapi = openapi


def factory() -> FastAPI:
    """The app of each worker process of ``onrecord serve --workers N``, built from the
    settings the command puts in ``$ONRECORD_SERVE`` (JSON: db, immutable, allow_hosts)."""
    settings = json.loads(os.environ[SERVE_ENV])
    return create_app(
        settings["db"], immutable=settings["immutable"], allow_hosts=settings["allow_hosts"]
    )


def _host_name(value: str) -> str:
    """The host of a Host header (or ``--allow-host`` value): lower case, without its port or
    a final dot; IPv6 addresses in brackets."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[: value.find("]") + 1] if "]" in value else value
    if value.count(":") > 1:  # a bare IPv6 address
        return f"[{value}]"
    return value.split(":")[0].rstrip(".")


class AllowedHosts:
    """The Host headers the server answers: any IP address, ``localhost``, and the names given
    (``*``: any Host at all).

    A DNS rebinding attack makes a browser send requests for the attacker's own domain name to
    this server's address, so they carry that name as their Host; an IP address or
    ``localhost`` cannot be rebound. Checking the name thus keeps a server on loopback (or on a
    LAN) out of reach of web pages, while http://127.0.0.1:8000/ or http://192.168.1.5:8000/
    keep working on any bind address. A name (``onrecord.example.org``, a reverse proxy's
    Host) must be given.
    """

    def __init__(self, names: Iterable[str] = ()) -> None:
        names = list(names)
        self.any = "*" in names
        self.names = {"localhost"} | {_host_name(n) for n in names if n != "*"}

    def __contains__(self, header: str | None) -> bool:
        if self.any:
            return True
        if not header:
            return False
        name = _host_name(header)
        if name in self.names:
            return True
        try:
            ipaddress.ip_address(name[1:-1] if name.startswith("[") else name)
        except ValueError:
            return False
        return True


class Guard:
    """ASGI middleware that answers before the app: 414 for a URL (path and query string, as
    sent) over :data:`MAX_URL` bytes, 400 for a Host header not in ``hosts``.

    Both with a one-line message, as JSON under ``/api/``. Plain ASGI (not
    ``BaseHTTPMiddleware``) so that it costs next to nothing per request.
    """

    def __init__(self, app: ASGIApp, hosts: AllowedHosts) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            length = len(scope.get("raw_path") or scope["path"].encode())
            length += len(scope.get("query_string") or b"")
            host = next((v for k, v in scope["headers"] if k == b"host"), b"")
            if length > MAX_URL:
                message = f"URL too long: {length} bytes, at most {MAX_URL}"
                return await self.refuse(scope, 414, message)(scope, receive, send)
            if host.decode("latin-1") not in self.hosts:
                message = (
                    "Host header not allowed: this server answers to IP addresses, localhost "
                    "and the names given with 'onrecord serve --allow-host NAME'"
                )
                return await self.refuse(scope, 400, message)(scope, receive, send)
        await self.app(scope, receive, send)

    @staticmethod
    def refuse(scope: Scope, status: int, message: str) -> Response:
        if scope["path"].startswith("/api/"):
            return JSONResponse({"error": message, "status": status}, status_code=status)
        return PlainTextResponse(message + "\n", status_code=status)


_WEB_LINK = re.compile(r"https?://[^\x00-\x20\x7f]+", re.IGNORECASE)


def web_link(url: str | None) -> str | None:
    """``url`` if it is an http(s) URL safe to put in a link, else None.

    Article URLs come from metadata and pages, that is from anyone: a ``javascript:`` or
    ``data:`` URL would run or show whatever it holds when clicked. Whitespace and control
    characters are refused anywhere, as browsers drop them before reading a scheme.
    """
    return url if url and _WEB_LINK.fullmatch(url) else None


def _outlet_names(connection: sqlite3.Connection) -> list[str]:
    return [o["outlet"] for o in query.outlets(connection) if o["outlet"]]


class Summaries:
    """Totals and facet counts per filter set (and the outlets), kept while the database files
    are unchanged.

    They cost a scan of every matching statement, the same for every page of a result, so
    paging through results (or reloading the front page) should not pay for them again. The
    key includes the size and modification time of the database file and its write-ahead log:
    any write (an ingest running beside the server) invalidates every entry.
    ``ONRECORD_SUMMARY_CACHE`` sets how many filter sets are kept (0: none).
    """

    def __init__(self, db_path: str, size: int = 256) -> None:
        self.paths = [Path(db_path), Path(db_path + "-wal")]
        self.size = size
        self.entries: OrderedDict[tuple, object] = OrderedDict()
        self.lock = threading.Lock()

    def _state(self) -> tuple:
        stats = [p.stat() if p.exists() else None for p in self.paths]
        return tuple((s.st_size, s.st_mtime_ns) if s else None for s in stats)

    def get(self, connection: sqlite3.Connection, filters: query.Filters) -> tuple[int, dict]:
        """The number of statements matching ``filters``, and their facet counts."""
        return self._kept(
            astuple(filters),
            lambda: (query.count(connection, filters), query.facets(connection, filters)),
        )

    def categories(self, connection: sqlite3.Connection, filters: query.Filters) -> dict:
        """The statements matching ``filters`` but for their category, per category."""
        key = ("categories", astuple(replace(filters, category=None)))
        return self._kept(key, lambda: query.category_counts(connection, filters))

    def outlets(self, connection: sqlite3.Connection) -> list[str]:
        """The names of the outlets stored, most articles first (for the search form)."""
        return self._kept("outlets", lambda: _outlet_names(connection))

    def _kept(self, what, compute):
        key = (self._state(), what)
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        value = compute()
        if self.size <= 0:
            return value
        with self.lock:
            self.entries[key] = value
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return value


def _csv(fields: Iterable[str], rows: Iterable[dict], name: str) -> CsvResponse:
    """``rows`` as a CSV file named ``name.csv`` (UTF-8, a header row first)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(fields), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return CsvResponse(
        out.getvalue(),
        headers={"Content-Disposition": f'inline; filename="{name}.csv"'},
    )


def _speaker_row(speaker: dict) -> dict:
    """A speaker as a CSV row: titles as "title (first to last)" and aliases joined by "; "."""
    titles = "; ".join(f"{t['title']} ({t['first']} to {t['last']})" for t in speaker["titles"])
    return speaker | {"titles": titles, "aliases": "; ".join(speaker["aliases"])}


def _label(article: dict) -> str:
    """What to call an article: its title, else its file name, else its id."""
    return article.get("title") or Path(article.get("path") or "").name or article["id"]


def _url_with(request: Request):
    """``url_with(key=value, ...)``: this page's URL with some parameters changed.

    A value of None drops the parameter; any change other than ``page`` goes back to page 1.
    Parameters the page ignored (not its own) are left out: the page has said so already.
    """
    ignored = set(getattr(request.state, "ignored", ()))

    def url_with(**changes) -> str:
        params = {k: v for k, v in request.query_params.items() if v != "" and k not in ignored}
        if "page" not in changes:
            params.pop("page", None)
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = str(value)
        return request.url.path + ("?" + urlencode(params) if params else "")

    return url_with


def _api_twin(request: Request, extra: dict) -> str:
    """The URL of the JSON API route that serves the data of this page, with the page's
    parameters that route takes and ``extra`` (such as the page's size, where the page's
    differs from the route's default).

    Only those the route takes: it refuses any other with a 400, and a page does not (it
    ignores a misspelt one, or ``_format`` where it has no such format).
    """
    path = request.url.path
    twin = "/api/statements" if path == "/" else "/api" + path
    if path.startswith("/speakers/"):
        twin += "/timeline"
    route = next(
        (r for r in request.app.routes if isinstance(r, APIRoute) and r.path_regex.match(twin)),
        None,
    )
    takes = _parameter_names(route) - {"_format"} if route else frozenset()
    params = {k: v for k, v in request.query_params.items() if k in takes and v != ""}
    params |= {k: str(v) for k, v in extra.items() if k in takes}
    return twin + ("?" + urlencode(params) if params else "")


@dataclass(frozen=True)
class Filter:
    """An active filter of a list page, shown so that it can be removed: the query parameter
    it comes from, what to call it, its value and the value as shown (a speaker's name for
    ``speaker_id``)."""

    param: str
    label: str
    value: str
    shown: str
    off: str | None = None  # the parameter's value without this filter (None: left out)


def _search_filters(
    f: query.Filters, speaker: dict | None, *, implicit_category: bool = False
) -> list[Filter]:
    """The filters of a statement search, in the order of the search form; ``speaker``: the
    speaker ``f.entity`` names, if any. A category the page chose by itself
    (``implicit_category``) is no filter of the user's, and is said otherwise; one chosen is
    removed by asking for every category."""
    who = None
    if f.entity is not None:
        who = speaker["name"] if speaker else f"#{f.entity} (no such speaker)"
    confidence = None if f.min_confidence is None else f"{f.min_confidence:g}"
    given = [
        ("q", "search", f.search, f.search),
        ("speaker", "speaker name", f.speaker, f.speaker),
        ("speaker_id", "speaker", f.entity, who),
        ("outlet", "outlet", f.outlet, f.outlet),
        ("kind", "kind", f.kind, f.kind),
        ("act", "speech act", f.act, f.act),
        ("category", "category", None if implicit_category else f.category, f.category),
        ("since", "since", f.since, f.since),
        ("until", "until", f.until, f.until),
        ("min_confidence", "confidence at least", confidence, confidence),
    ]
    return [
        Filter(p, label, str(v), str(s), off=query.ALL if p == "category" else None)
        for p, label, v, s in given
        if v is not None
    ]


# the facets of the search page: key in query.facets, heading, the parameter it sets
FACETS = (
    ("speaker", "Speaker", "speaker_id"),
    ("outlet", "Outlet", "outlet"),
    ("category", "Category", "category"),
    ("kind", "Kind", "kind"),
    ("speech_act", "Speech act", "act"),
)


def _facets_shown(facets: dict[str, list[dict]], filters: list[Filter]) -> list[dict]:
    """The facets as the search page lists them: ``{"name", "label", "param", "items"}``, each
    item ``{"value", "shown", "count", "chosen"}``.

    A facet's active filter is among its counts whenever something matches; when nothing does,
    it is listed anyway, with 0, so that the filter that emptied the list shows and can be
    removed (the cached ``facets`` are not changed).
    """
    active = {f.param: f for f in filters}
    out = []
    for name, label, param in FACETS:
        chosen = active.get(param)
        items = []
        for item in facets[name]:
            value = str(item["id"] if name == "speaker" else item["value"])
            hit = chosen is not None and value.casefold() == chosen.value.casefold()
            shown, count = item["value"], item["count"]
            items.append(
                {"value": value, "shown": shown, "count": count, "chosen": hit, "off": None}
            )
        if chosen is not None and not any(i["chosen"] for i in items):
            missing = {"value": chosen.value, "shown": chosen.shown, "count": 0, "chosen": True}
            items.insert(0, missing | {"off": None})
        out.append({"name": name, "label": label, "param": param, "items": items})
    return out


def _with_categories(facets: list[dict], counts: dict[str, int], category: str | None):
    """``facets`` with the category facet of the search page: the statements of each category
    under the other filters (so the categories not shown can be counted and chosen), the one
    shown chosen (its ✕ shows every category), whether the user or the page chose it."""
    for facet in facets:
        if facet["name"] == "category":
            facet["items"] = [
                {"value": c, "shown": c, "count": n, "chosen": c == category, "off": query.ALL}
                for c in CATEGORIES
                if (n := counts.get(c, 0)) or c == category
            ]
    return facets


# what a page of one category calls it: "Showing speech; ..."
_SHOWN = {
    "speech": "speech",
    "belief": "beliefs",
    "finding": "findings",
    "other": "other statements",
}


def _showing(counts: dict[str, int], category: str | None) -> str | None:
    """ "Showing speech; 8 beliefs and 1 finding hidden", for a page of one ``category``
    (``counts``: statements per category under the other filters), or "No speech; 3
    findings" where it has none to show but others; None when it hides none."""
    hidden = query.hidden(counts, category)
    if hidden and query.elsewhere(counts, category):
        return f"No {_SHOWN[category]}; {hidden}"
    return f"Showing {_SHOWN[category]}; {hidden} hidden" if hidden else None
