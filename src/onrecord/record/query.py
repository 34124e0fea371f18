"""Reading the record: statement search and filters, speakers, exports.

Every function takes an open connection and returns plain dicts in the public JSON shape
(:mod:`.schema`, the same as ``onrecord extract --format jsonl`` with the record's speaker
ids and clusters), so the CLI, the Python API and any web front end share one definition.
All SQL is parameterised.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import difflib
import json
import math
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TextIO

from ..model import CATEGORIES, DATE_PATTERN, SPEECH_ACTS, STATEMENT_KINDS
from . import schema

ORDERS = ("relevance", "newest", "oldest")
MAX_PAGE = 500
ALL = "all"  # the category choice of the faces that stands for every category
CATEGORY_CHOICES = (ALL, *CATEGORIES)
_DATE = re.compile(f"^{DATE_PATTERN}$")


SEARCH_SYNTAX = (
    'words (all must match), "a phrase", prefix* (immigra*), a OR b, -word or NOT word '
    "(leave out); case and punctuation do not matter"
)
_SEARCH_TERM = re.compile(r'(-?)"([^"]*)"(\*?)|(\S+)')


def fts_query(text: str) -> str:
    """A user's search (see :data:`SEARCH_SYNTAX`) as a safe FTS5 query.

    Every term becomes a quoted FTS5 string of its words (so that no character of the
    user's reaches FTS5's own syntax): a word, or a phrase for a quoted text or a word with
    inner punctuation ("Ki-moon", "U.S."), a prefix with a trailing ``*``. Terms must all
    match; ``OR`` (upper case) between two terms lets either; ``-term`` and ``NOT term`` leave
    statements with it out. Raises ValueError for a search that only leaves out."""
    groups: list[list[str]] = []  # each: terms of which one must match
    leave_out: list[str] = []
    either = negate = False
    for m in _SEARCH_TERM.finditer(text):
        minus, quoted, star, bare = m.groups()
        if bare in ("OR", "NOT", "AND"):
            either, negate = bare == "OR" and bool(groups), bare == "NOT"
            continue
        if bare is not None:
            minus = "-" if bare.startswith("-") and len(bare) > 1 else ""
            star = "*" if bare.endswith("*") else ""
            quoted = bare
        words = re.findall(r"\w+", quoted)
        if not words:
            continue
        term = f'"{" ".join(words)}"' + (" *" if star else "")
        if star and len(words) == 1:
            term = _prefix(words[0])
        if minus or negate:
            leave_out.append(term)
        elif either:
            groups[-1].append(term)
        else:
            groups.append([term])
        either = negate = False
    if not groups:
        if leave_out:
            raise ValueError("search needs a word to find, beside the words it leaves out")
        return ""
    found = " AND ".join("(" + " OR ".join(g) + ")" for g in groups)
    return f"({found}) NOT ({' OR '.join(leave_out)})" if leave_out else found


def _prefix(word: str) -> str:
    """A prefix search for ``word`` in an index of Porter stems: the stem of a word that
    starts with the prefix may be shorter than the prefix ("immigration" is stored as
    "immigr", which "immigra" is no prefix of), so the prefix's own shorter forms, down to
    three letters less (and four at least), match whole stems too."""
    shorter = [word[:k] for k in range(len(word) - 1, max(len(word) - 4, 3), -1)]
    return "(" + " OR ".join([f'"{word}" *', *(f'"{w}"' for w in shorter)]) + ")"


def _valid_date(value: str) -> bool:
    """True for a real date as YYYY, YYYY-MM or YYYY-MM-DD: "2016-13" and "2023-02-30" are
    not, so that they are refused rather than silently matching nothing."""
    if not _DATE.match(value):
        return False
    year, month, day = (value.split("-") + ["01", "01"])[:3]
    try:
        date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


@dataclass
class Filters:
    """What a statement search asks for; every field given must hold.

    ``speaker`` matches the resolved name (case-insensitive; "Putin" is enough), ``entity``
    one speaker by id; ``outlet`` the outlet's whole name, case-insensitive (``nyt`` finds
    "NYT"); ``since``/``until`` bound the date the statement was made (YYYY,
    YYYY-MM or YYYY-MM-DD, both ends included); ``search`` is full text (all words, stemmed);
    ``about`` matches a target of the statement (ATACMS, Germany) or words of its content.
    ``category``: speech, belief, finding or other (None: every category). ``min_confidence``: a
    confidence of at least this (0 to 1); statements whose confidence was not measured (None,
    stored before it was) are left out whenever it is given.
    """

    search: str | None = None
    about: str | None = None
    speaker: str | None = None
    entity: int | None = None
    outlet: str | None = None
    kind: str | None = None
    act: str | None = None
    category: str | None = None
    since: str | None = None
    until: str | None = None
    min_confidence: float | None = None

    def check(self) -> None:
        """Raise ValueError with a message a user can act on when a value is not valid."""
        if self.kind and self.kind not in STATEMENT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(STATEMENT_KINDS)}")
        if self.act and self.act not in SPEECH_ACTS:
            raise ValueError(f"act must be one of {', '.join(SPEECH_ACTS)}")
        if self.category and self.category not in CATEGORIES:
            raise ValueError(f"category must be one of {', '.join(CATEGORIES)}")
        if self.min_confidence is not None and not valid_confidence(self.min_confidence):
            raise ValueError(
                f"min_confidence must be a number from 0 to 1, not {self.min_confidence!r}"
            )
        for name in ("since", "until"):
            value = getattr(self, name)
            if value and not _valid_date(value):
                raise ValueError(
                    f"{name} must be a date as YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}"
                    + (" (no such day or month)" if _DATE.match(value) else "")
                )

    def only_search(self) -> bool:
        """True when a search is the one filter given."""
        return bool(self.search) and not any(
            getattr(self, f) not in (None, "")
            for f in (
                "about",
                "speaker",
                "entity",
                "outlet",
                "kind",
                "act",
                "category",
                "since",
                "until",
                "min_confidence",
            )
        )

    def sql(self) -> tuple[str, list]:
        """JOIN + WHERE clauses and their parameters."""
        self.check()
        join, where, params = "", [], []
        if self.search:
            join = " JOIN statements_fts f ON f.rowid = s.rowid"
            where.append("statements_fts MATCH ?")
            params.append(fts_query(self.search) or '""')
        if self.about:
            words = re.findall(r"\w+", self.about)
            content = " AND ".join(f'content_text : "{w}"' for w in words) or '""'
            where.append(
                "(s.rowid IN (SELECT rowid FROM statements_fts WHERE statements_fts MATCH ?)"
                " OR s.targets LIKE ?)"
            )
            params += [content, f"%{self.about}%"]
        if self.speaker:
            where.append(
                "s.entity_id IN (SELECT id FROM entities WHERE name LIKE ? OR aliases LIKE ?)"
            )
            params += [f"%{self.speaker}%", f"%{self.speaker}%"]
        if self.entity is not None:
            where.append("s.entity_id = ?")
            params.append(int(self.entity))
        if self.outlet:
            # the outlets' stored spellings first, so that the outlet index still serves
            where.append(
                "s.outlet IN (SELECT DISTINCT outlet FROM articles WHERE outlet = ? COLLATE NOCASE)"
            )
            params.append(self.outlet)
        for field_name, column in (
            ("kind", "kind"),
            ("act", "speech_act"),
            ("category", "category"),
        ):
            value = getattr(self, field_name)
            if value:
                where.append(f"s.{column} = ?")
                params.append(value)
        if self.since:
            where.append("s.said_on >= ?")
            params.append(self.since)
        if self.until:
            where.append("s.said_on <= ?")
            params.append(self.until + "\uffff")  # "2023" includes every day of 2023
        if self.min_confidence is not None:
            where.append("s.confidence >= ?")  # NULL (not measured) never is
            params.append(float(self.min_confidence))
        return join + (" WHERE " + " AND ".join(where) if where else ""), params


def valid_confidence(value) -> bool:
    """True for a number from 0 to 1 (not NaN, not a bool)."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 <= value <= 1
    )


def parse_confidence(text: str | None) -> float | None:
    """A minimum confidence as a user types it ("0.7", ".7", "1"), or None for none; raises
    ValueError with a message for anything but a number from 0 to 1."""
    if text is None or not str(text).strip():
        return None
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not valid_confidence(value):
        raise ValueError(f"min_confidence must be a number from 0 to 1, not {str(text)[:40]!r}")
    return value


def category_filter(choice: str | None) -> str | None:
    """The ``Filters.category`` of a face's category choice: ``all`` (or none) is None."""
    return None if choice in (None, "", ALL) else choice


_PLURAL = {
    "speech": "speech statements",
    "belief": "beliefs",
    "finding": "findings",
    "other": "other statements",
}
_SINGULAR = {
    "speech": "speech statement",
    "belief": "belief",
    "finding": "finding",
    "other": "other statement",
}


def noun(n: int, category: str | None) -> str:
    """What ``n`` statements of ``category`` (None: of every kind) are called: "speech
    statements", "belief", "statements"."""
    if category is None:
        return "statement" if n == 1 else "statements"
    return (_SINGULAR if n == 1 else _PLURAL)[category]


def counted(n: int, category: str | None) -> str:
    """``n`` statements of ``category`` in words, with thousands separators: "5,404 speech
    statements", "1 belief"."""
    return f"{n:,} {noun(n, category)}"


def hidden(counts: dict[str, int], category: str | None) -> str | None:
    """What a view of ``category`` leaves out of ``counts`` (statements per category, as
    :func:`category_counts` gives them), in words ("8 beliefs and 1 finding"); None when it
    leaves nothing out."""
    if category is None:
        return None
    parts = [counted(n, c) for c, n in sorted(counts.items()) if c != category and n]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def elsewhere(counts: dict[str, int], category: str | None) -> list[str]:
    """The categories that hold every statement of ``counts`` when a view of ``category`` has
    none of them (a speaker quoted only for findings, viewed as speech): what to show
    instead. Empty when the view shows something, or when nothing is hidden either."""
    if category is None or counts.get(category):
        return []
    return [c for c in CATEGORIES if c != category and counts.get(c)]


SELECT = """
    SELECT s.*, a.path, a.url, a.title, a.published, e.name AS entity_name
    FROM statements s JOIN articles a ON a.id = s.article_id
    LEFT JOIN entities e ON e.id = s.entity_id
"""
_ORDER_BY = {
    "relevance": "f.rank, s.rowid",
    "newest": "s.said_on DESC, s.rowid DESC",  # NULL dates sort last; the said_on index serves
    "oldest": "s.said_on IS NULL, s.said_on, s.rowid",
}


def _attach_clusters(conn: sqlite3.Connection, stmts: list[dict]) -> list[dict]:
    """Fill each statement's ``cluster``: every article that reported it, earliest first, and
    the cluster's text (its longest report)."""
    ids = sorted({s["cluster"]["id"] for s in stmts})
    members: dict[str, list[dict]] = {}
    longest: dict[str, str] = {}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        rows = conn.execute(
            f"""SELECT s.cluster_id, s.id AS statement_id, s.content_text,
                       a.id, a.outlet, a.published, a.path
                FROM statements s JOIN articles a ON a.id = s.article_id
                WHERE s.cluster_id IN ({",".join("?" * len(part))})
                ORDER BY a.published IS NULL, a.published, s.rowid""",
            part,
        )
        for r in rows:
            members.setdefault(r["cluster_id"], []).append(
                {
                    "id": r["id"],
                    "statement": r["statement_id"],
                    "outlet": r["outlet"],
                    "published": r["published"],
                    "path": r["path"],
                }
            )
            if len(r["content_text"]) > len(longest.get(r["cluster_id"], "")):
                longest[r["cluster_id"]] = r["content_text"]
    for stmt in stmts:
        reports = members.get(stmt["cluster"]["id"], [])
        stmt["cluster"].update(
            text=longest.get(stmt["cluster"]["id"], stmt["content"]["text"]),
            reports=len(reports) or 1,
            articles=reports,
            first_reported=reports[0]["id"] if reports else stmt["article"]["id"],
        )
    return stmts


def statements(
    conn: sqlite3.Connection,
    filters: Filters | None = None,
    *,
    order: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    **by,
) -> list[dict]:
    """Statements matching ``filters`` (or the same given as keywords: ``search="ATACMS"``).

    With a search the default order is relevance, without one the statement's date, oldest
    first (then article order).
    """
    filters = filters or Filters(**by)
    order = order or ("relevance" if filters.search else "oldest")
    if order not in ORDERS or (order == "relevance" and not filters.search):
        raise ValueError("order must be newest or oldest (or relevance, with a search)")
    # First the page of row ids (indexes only), then the full rows of that page alone.
    where, params = filters.sql()
    if order == "relevance" and filters.only_search():
        sql = "SELECT f.rowid FROM statements_fts f WHERE statements_fts MATCH ? ORDER BY f.rank"
    else:
        sql = f"SELECT s.rowid FROM statements s{where} ORDER BY {_ORDER_BY[order]}"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [int(limit), int(offset)]
    rowids = [r[0] for r in conn.execute(sql, params)]
    return _attach_clusters(conn, _rows_by_rowid(conn, rowids))


def _rows_by_rowid(conn: sqlite3.Connection, rowids: list[int]) -> list[dict]:
    """Full statement dicts for these statement rowids, in the given order."""
    found: dict[int, dict] = {}
    for chunk in range(0, len(rowids), 500):
        part = rowids[chunk : chunk + 500]
        sql = SELECT.replace("SELECT s.*", "SELECT s.rowid AS rid, s.*")
        sql += f" WHERE s.rowid IN ({','.join('?' * len(part))})"
        found.update((r["rid"], schema.to_json(r)) for r in conn.execute(sql, part))
    return [found[r] for r in rowids if r in found]


def count(conn: sqlite3.Connection, filters: Filters) -> int:
    """How many statements match ``filters``."""
    where, params = filters.sql()
    if filters.only_search():
        sql = "SELECT COUNT(*) FROM statements_fts WHERE statements_fts MATCH ?"
    else:
        sql = f"SELECT COUNT(*) FROM statements s{where}"
    return conn.execute(sql, params).fetchone()[0]


def category_counts(conn: sqlite3.Connection, filters: Filters) -> dict[str, int]:
    """How many statements of each category match ``filters`` but for its category: what a
    view of one category shows and what it hides. Categories with none are left out."""
    where, params = dataclasses.replace(filters, category=None).sql()
    rows = conn.execute(
        f"SELECT s.category, COUNT(*) FROM statements s{where} GROUP BY s.category", params
    )
    return {c: n for c, n in rows.fetchall() if n}


FACETS = {
    "speaker": "entity_id",
    "outlet": "outlet",
    "category": "category",
    "kind": "kind",
    "speech_act": "speech_act",
}


def facets(conn: sqlite3.Connection, filters: Filters, top: int = 12) -> dict[str, list[dict]]:
    """Counts per speaker, outlet, category, kind and speech act among the statements matching
    ``filters``.

    Without a search each facet is one GROUP BY that its index answers; with one, the matching
    rows are read once, grouped by all five columns, and the groups summed here (one
    full-text lookup instead of five).
    """
    where, params = filters.sql()
    counts: dict[str, Counter] = {}
    if filters.search:
        columns = ", ".join(f"s.{c}" for c in FACETS.values())
        tallies = [Counter() for _ in FACETS]
        combos = conn.execute(
            f"SELECT {columns}, COUNT(*) FROM statements s{where} GROUP BY {columns}", params
        )
        for *values, n in combos:
            for tally, value in zip(tallies, values, strict=True):
                tally[value] += n
        counts = dict(zip(FACETS, tallies, strict=True))
    else:
        for facet, column in FACETS.items():
            rows = conn.execute(
                f"SELECT s.{column}, COUNT(*) FROM statements s{where} GROUP BY s.{column}", params
            )
            counts[facet] = Counter(dict(rows.fetchall()))
    out = {
        facet: [{"value": v, "count": n} for v, n in tally.most_common(top + 1) if v is not None][
            :top
        ]
        for facet, tally in counts.items()
    }
    ids = [item["value"] for item in out["speaker"]]
    names = dict(
        conn.execute(f"SELECT id, name FROM entities WHERE id IN ({','.join('?' * len(ids))})", ids)
    )
    out["speaker"] = [
        {"id": item["value"], "value": names.get(item["value"]), "count": item["count"]}
        for item in out["speaker"]
    ]
    return out


def statement(conn: sqlite3.Connection, statement_id: str) -> dict | None:
    """One statement by id, with its cluster, or None.

    Beyond the shape of :func:`statements`, each report in ``cluster.articles`` carries its
    wording (see :func:`_attach_wording`): ``text``, and ``diff`` and ``same_wording`` against
    the cluster's earliest report."""
    row = conn.execute(SELECT + " WHERE s.id = ?", (statement_id,)).fetchone()
    if row is None:
        return None
    return _attach_wording(conn, _attach_clusters(conn, [schema.to_json(row)])[0])


_DIFF_TOKEN = re.compile(r"\w+|[^\w\s]")


def _diff_tokens(text: str) -> tuple[list[str], list[bool]]:
    """``text`` as words and single punctuation marks (so that a cut ", and ..." is a cut,
    not a changed word), and for each whether whitespace comes before it (the first: no)."""
    tokens, spaced = [], []
    for m in _DIFF_TOKEN.finditer(text):
        tokens.append(m.group())
        spaced.append(len(tokens) > 1 and text[m.start() - 1].isspace())
    return tokens, spaced


def _joined(tokens: list[str], spaced: list[bool], i: int, j: int) -> str:
    return "".join((" " if spaced[k] and k > i else "") + tokens[k] for k in range(i, j))


def wording_diff(reference: str, text: str) -> list[dict]:
    """How ``text`` differs from ``reference``, word by word: difflib's SequenceMatcher over
    their words and punctuation marks (case and every mark count; whitespace does not).

    A list of segments, in order, each ``{"op", "text", "was", "space"}``: ``op`` is ``equal``,
    ``insert`` (words only ``text`` has), ``delete`` (words only ``reference`` has) or
    ``replace``; ``text`` is the segment's words in ``text`` ("" for a delete), ``was`` those
    in ``reference`` (None for equal and insert); ``space`` says whether a space comes before
    the segment (so punctuation stays with its word: "bad" then a deleted ", and ..."). Words
    within a segment are spaced as written, with single spaces: joining the segments but
    deletes, each's ``text`` after a space where ``space`` says so, gives ``text`` back (its
    whitespace as single spaces; a space before it after words cut from its start).
    Identical words give one ``equal`` segment."""
    old, old_spaced = _diff_tokens(reference)
    new, new_spaced = _diff_tokens(text)
    if old == new:
        return [
            {
                "op": "equal",
                "text": _joined(new, new_spaced, 0, len(new)),
                "was": None,
                "space": False,
            }
        ]
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        space = old_spaced[i1] if op == "delete" else new_spaced[j1]
        if op == "equal" and j1 == 0 and i1 > 0:  # after words cut from the start
            space = old_spaced[i1]
        out.append(
            {
                "op": op,
                "text": _joined(new, new_spaced, j1, j2),
                "was": None if op in ("equal", "insert") else _joined(old, old_spaced, i1, i2),
                "space": space,
            }
        )
    return out


def _worded(cue: str | None, cue_start: int | None, content: str, spans: str) -> str:
    """A report's words as the diff reads them: its cue and its content, in the order of the
    text ("criticized Washington's supply …", "“… a mistake,” … said"), so that one outlet's
    "slammed" for another's "criticized" shows."""
    if not cue:
        return content
    first = json.loads(spans)[0][0] if spans else 0
    return f"{cue} {content}" if cue_start is not None and cue_start < first else f"{content} {cue}"


def _attach_wording(conn: sqlite3.Connection, stmt: dict) -> dict:
    """Give each report of ``stmt``'s cluster its ``text`` (its cue and content,
    :func:`_worded`), and to each but the earliest (the reference,
    ``cluster.articles[0]``) its ``diff`` against the reference's
    text (:func:`wording_diff`) and ``same_wording`` (True when the words are the same); the
    reference has ``diff`` and ``same_wording`` None."""
    reports = stmt["cluster"]["articles"]
    ids = [r["statement"] for r in reports]
    texts = {
        sid: _worded(cue, cue_start, content, spans)
        for sid, cue, cue_start, content, spans in conn.execute(
            f"""SELECT id, cue_text, cue_start, content_text, content_spans FROM statements
                WHERE id IN ({",".join("?" * len(ids))})""",
            ids,
        )
    }
    reference = texts.get(ids[0], "") if ids else ""
    for n, report in enumerate(reports):
        report["text"] = texts.get(report["statement"], "")
        if n == 0:
            report["diff"] = report["same_wording"] = None
        else:
            report["diff"] = wording_diff(reference, report["text"])
            report["same_wording"] = all(seg["op"] == "equal" for seg in report["diff"])
    return stmt


def article(conn: sqlite3.Connection, article_id: str) -> dict | None:
    """One article: metadata, original text, skipped ranges and its statements, or None."""
    row = conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
    if row is None:
        return None
    title = [row["title_start"], row["title_end"]] if row["title_start"] is not None else None
    rows = conn.execute(SELECT + " WHERE s.article_id = ? ORDER BY s.seq", (article_id,))
    return {
        "id": row["id"],
        "path": row["path"],
        "url": row["url"],
        "title": row["title"],
        "outlet": row["outlet"],
        "published": row["published"],
        "published_from": row["published_from"],
        "language": row["language"],
        "ingested_at": row["ingested_at"],
        "extractor": row["extractor"],  # the mode that found the statements; None: not recorded
        "title_span": title,
        "skips": [{"start": a, "end": b, "reason": r} for a, b, r in json.loads(row["skips"])],
        "text": row["text"],
        "statements": _attach_clusters(conn, [schema.to_json(r) for r in rows]),
    }


_SPEAKERS = """
    SELECT e.id, e.name, e.kind, e.titles, e.aliases, COUNT(*) AS statements,
           COUNT(DISTINCT s.article_id) AS articles,
           COUNT(DISTINCT s.cluster_id) AS clusters,
           MIN(s.said_on || (CASE s.said_on_precision WHEN 'year' THEN '3' WHEN 'month' THEN '2'
               WHEN 'week' THEN '1' ELSE '0' END)) AS first,
           MAX(s.said_on || (CASE s.said_on_precision WHEN 'year' THEN '0' WHEN 'month' THEN '1'
               WHEN 'week' THEN '2' ELSE '3' END)) AS last
    FROM entities e
    JOIN statements s ON s.entity_id = e.id
"""


# a name filter matches the speaker's name or one of its aliases (a JSON list of strings)
_NAME_MATCH = "(e.name LIKE ? OR e.aliases LIKE ?)"


def _shown_end(value: str | None, *, first: bool) -> str | None:
    """A speaker's first or last date, read from ``said_on`` with its precision's digit
    appended (see ``_SPEAKERS``: of two statements on one day the more precise wins), and
    shown as far as that precision goes ("2015", not the "2015-01-01" that stands for it)."""
    if not value:
        return None
    ranks = "dwmy" if first else "ymwd"
    precision = {"d": "day", "w": "week", "m": "month", "y": "year"}[ranks[int(value[-1])]]
    return schema.shown_date({"date": value[:-1], "precision": precision})


def _speaker_dict(r: sqlite3.Row) -> dict:
    return {
        "id": r["id"],
        "name": r["name"],
        "kind": r["kind"],
        "titles": json.loads(r["titles"]),
        "aliases": json.loads(r["aliases"]),
        "statements": r["statements"],
        "articles": r["articles"],
        "clusters": r["clusters"],
        "first": _shown_end(r["first"], first=True),
        "last": _shown_end(r["last"], first=False),
    }


def speakers(
    conn: sqlite3.Connection,
    *,
    name: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict]:
    """Named speakers with kind, titles, counts and first/last dates, most quoted first."""
    where, params = [], []
    if name:
        where.append(_NAME_MATCH)
        params += [f"%{name}%"] * 2
    if kind:
        where.append("e.kind = ?")
        params.append(kind)
    sql = _SPEAKERS + (" WHERE " + " AND ".join(where) if where else "")
    sql += " GROUP BY e.id ORDER BY statements DESC, e.name"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [int(limit), int(offset)]
    return [_speaker_dict(r) for r in conn.execute(sql, params)]


def speaker_count(
    conn: sqlite3.Connection, *, name: str | None = None, kind: str | None = None
) -> int:
    """How many speakers :func:`speakers` lists with these filters (those with a statement),
    so that a page of them can say how many pages there are."""
    sql = "SELECT COUNT(*) FROM entities e WHERE EXISTS (SELECT 1 FROM statements s "
    sql += "WHERE s.entity_id = e.id)"
    params: list = []
    if name:
        sql += " AND " + _NAME_MATCH
        params += [f"%{name}%"] * 2
    if kind:
        sql += " AND e.kind = ?"
        params.append(kind)
    return conn.execute(sql, params).fetchone()[0]


def speaker(conn: sqlite3.Connection, entity_id: int) -> dict | None:
    """One speaker by id, or None."""
    row = conn.execute(_SPEAKERS + " WHERE e.id = ? GROUP BY e.id", (entity_id,)).fetchone()
    return _speaker_dict(row) if row else None


def find_speaker(conn: sqlite3.Connection, name: str) -> dict | None:
    """The speaker a user means by ``name``: the one of that name (or alias; case-insensitive),
    else the most quoted whose name contains it ("Putin": Vladimir Putin); None if none."""
    found = speakers(conn, name=name)
    if not found:
        return None
    wanted = name.casefold()
    exact = [
        s
        for s in found
        if s["name"].casefold() == wanted or wanted in (a.casefold() for a in s["aliases"])
    ]
    return (exact or found)[0]


def _day_number(day: str) -> int:
    """A ``YYYY[-MM[-DD]]`` date as a day number (a missing month or day: the first)."""
    y, m, d = (day + "-01-01")[:10].split("-")
    return date(int(y), int(m), int(d)).toordinal()


def _bulk(days: list[str]) -> tuple[str, str]:
    """The first and last of sorted dates ``days`` once the few far-off ones are set apart.

    A tail is set apart when its dates lie beyond three interquartile ranges (at least a
    month) from the middle half, and only if it holds at most 2% of the dates (at least one):
    a misdated statement, not a stretch of the record (a speaker quoted in 2019 and again in
    2023 keeps both).
    """
    n = len(days)
    if n < 4:
        return days[0], days[-1]
    numbers = [_day_number(d) for d in days]
    q1, q3 = numbers[n // 4], numbers[(3 * n) // 4]
    spread = 3 * max(q3 - q1, 30)
    most = max(1, n * 2 // 100)
    low = sum(1 for x in numbers if x < q1 - spread)
    high = sum(1 for x in numbers if x > q3 + spread)
    low = low if low <= most else 0
    high = high if high <= most else 0
    return days[low], days[n - 1 - high]


# the report that stands for a cluster in its speaker's timeline: the cluster's earliest
# report when it is the speaker's, else the speaker's earliest in it (a cluster may hold the
# reports of several speakers, and each of them said it)
_SPEAKERS_REPORT = """SELECT s2.rowid FROM statements s2
    WHERE s2.entity_id = s.entity_id AND s2.cluster_id = s.cluster_id
    ORDER BY s2.cluster_first DESC, s2.said_on, s2.rowid LIMIT 1"""


def timeline(
    conn: sqlite3.Connection,
    entity_id: int | str,
    *,
    about: str | None = None,
    category: str | None = None,
    min_confidence: float | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict:
    """A speaker's statements, newest first, each reported statement (cluster) once: by its
    earliest report (``cluster_first``), or the speaker's earliest in it when the cluster's
    earliest is another speaker's, with the number of reports. ``total`` is the speaker's
    number of clusters (``clusters`` in :func:`speakers`).

    Returns ``{"granularity": ..., "buckets": [...], "total": n, "statements": [...]}``; the
    buckets count statements per year (or per month when the bulk of them spans two calendar
    years or less) and speech act, for a chart. The few far-off dates that :func:`_bulk` sets
    apart go to an ``earlier`` and a ``later`` bucket (with their ``first`` and ``last``
    dates), so that one misdated statement neither stretches the chart over the empty years
    between nor turns its months into years. ``about`` narrows to statements about it (see
    :class:`Filters`), ``category`` to one category (None: every one) and ``min_confidence``
    to a confidence of at least this (0 to 1; unknown confidence left out): for both, the
    statement that stands for a cluster decides. ``categories`` counts the speaker's
    clusters (about it, if ``about``; of that confidence, if ``min_confidence``) per
    category, whatever ``category`` is, and ``category`` says which it shows (``all``:
    every one), ``min_confidence`` the minimum asked (None: none).

    ``entity_id`` is a speaker's id, or a name as :func:`find_speaker` reads it
    (``timeline(conn, "Putin")``); a name that finds no speaker raises ValueError.
    """
    if isinstance(entity_id, str) and not entity_id.isdigit():
        who = find_speaker(conn, entity_id)
        if who is None:
            raise ValueError(f"no speaker called {entity_id!r}")
        entity_id = who["id"]
    where, params = Filters(entity=int(entity_id), about=about, min_confidence=min_confidence).sql()
    where += f" AND s.rowid = ({_SPEAKERS_REPORT})"  # each of the speaker's clusters once
    categories = {
        c: n
        for c, n in conn.execute(
            f"SELECT s.category, COUNT(*) FROM statements s{where} GROUP BY s.category", params
        )
    }
    if category:
        Filters(category=category).check()
        where += " AND s.category = ?"
        params = [*params, category]
    total = sum(n for c, n in categories.items() if c == category or not category)
    days = [
        r[0]
        for r in conn.execute(
            f"SELECT s.said_on FROM statements s{where} AND s.said_on IS NOT NULL ORDER BY 1",
            params,
        )
    ]
    first_day, last_day = _bulk(days) if days else (None, None)
    width = 7 if first_day and int(last_day[:4]) - int(first_day[:4]) <= 1 else 4
    buckets: dict[str, dict[str, int]] = {}
    for period, act, n in conn.execute(
        f"""SELECT CASE WHEN s.said_on < ? THEN 'earlier' WHEN s.said_on > ? THEN 'later'
                   ELSE substr(s.said_on, 1, {width}) END, s.speech_act, COUNT(*)
            FROM statements s{where} AND s.said_on IS NOT NULL GROUP BY 1, 2""",
        [first_day, last_day, *params],
    ):
        buckets.setdefault(period, {})[act or "other"] = n
    ends = {
        "earlier": [d for d in days if d < first_day] if days else [],
        "later": [d for d in days if d > last_day] if days else [],
    }
    ordered = sorted(buckets.items(), key=lambda kv: (kv[0] == "later", kv[0] != "earlier", kv[0]))
    out_buckets = []
    for period, acts in ordered:
        bucket = {"period": period, "acts": acts}
        if period in ends:
            bucket |= {"first": ends[period][0], "last": ends[period][-1]}
        out_buckets.append(bucket)
    rowids = [
        r[0]
        for r in conn.execute(
            f"""SELECT s.rowid FROM statements s{where}
                ORDER BY s.said_on DESC, s.rowid DESC LIMIT ? OFFSET ?""",
            [*params, int(limit), int(offset)],
        )
    ]
    rows = _attach_clusters(conn, _rows_by_rowid(conn, rowids))
    return {
        "granularity": "month" if width == 7 else "year",
        "buckets": out_buckets,
        "total": total,
        "category": category or ALL,
        "categories": categories,
        "min_confidence": min_confidence,
        "statements": rows,
    }


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """How many articles, statements and speakers the store holds."""
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    return {
        "articles": one("SELECT COUNT(*) FROM articles"),
        "statements": one("SELECT COUNT(*) FROM statements"),
        "speakers": one("SELECT COUNT(*) FROM entities"),
    }


def outlets(conn: sqlite3.Connection) -> list[dict]:
    """Every outlet stored, with its numbers of articles and statements and the first and last
    dates it published, most articles first; articles without an outlet under ``None``."""
    rows = conn.execute(
        """SELECT a.outlet, COUNT(*) AS articles, COALESCE(SUM(n.statements), 0) AS statements,
                  MIN(a.published) AS first, MAX(a.published) AS last
           FROM articles a
           LEFT JOIN (SELECT article_id, COUNT(*) AS statements FROM statements
                      GROUP BY article_id) n ON n.article_id = a.id
           GROUP BY a.outlet ORDER BY articles DESC, a.outlet IS NULL, a.outlet"""
    )
    return [
        {
            "outlet": r["outlet"],
            "articles": r["articles"],
            "statements": r["statements"],
            "first": r["first"],
            "last": r["last"],
        }
        for r in rows
    ]


def iter_all(conn: sqlite3.Connection, batch: int = 5000) -> Iterator[dict]:
    """Every statement, in article order, fetched in batches."""
    offset = 0
    while True:
        rows = statements(conn, limit=batch, offset=offset)
        if not rows:
            return
        yield from rows
        offset += batch


def export(conn: sqlite3.Connection, fmt: str, out: Path | TextIO) -> int:
    """Write every statement to ``out`` as jsonl, csv or parquet; returns the count. ``out``
    is a path, or for jsonl and csv an open text stream (standard output)."""
    n = 0
    if fmt == "parquet" and not isinstance(out, Path):
        raise ValueError("Parquet is written to a file, not a stream")
    if fmt == "jsonl":
        with _text_out(out) as fh:
            for stmt in iter_all(conn):
                fh.write(json.dumps(stmt, ensure_ascii=False) + "\n")
                n += 1
    elif fmt == "csv":
        with _text_out(out) as fh:
            writer = csv.DictWriter(fh, fieldnames=schema.FLAT_FIELDS)
            writer.writeheader()
            for stmt in iter_all(conn):
                writer.writerow(schema.csv_row(stmt))
                n += 1
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        types = schema.arrow_schema()
        with pq.ParquetWriter(str(out), types) as writer:
            batch: list[dict] = []
            for stmt in iter_all(conn):
                batch.append(schema.flat(stmt))
                if len(batch) >= 5000:
                    writer.write_table(pa.Table.from_pylist(batch, schema=types))
                    n += len(batch)
                    batch = []
            if batch or n == 0:
                writer.write_table(pa.Table.from_pylist(batch, schema=types))
                n += len(batch)
    else:
        raise ValueError(f"unknown export format: {fmt}")
    return n


def _text_out(out: Path | TextIO):
    """``out`` opened for writing UTF-8 text (a path), or left open as it is (a stream)."""
    if isinstance(out, Path):
        return out.open("w", encoding="utf-8", newline="")
    return contextlib.nullcontext(out)
