"""A statement's schema, written once: a :class:`~onrecord.model.Statement` becomes a row of
the ``statements`` table (:func:`row`), a row becomes the public JSON (:func:`to_json`), and
that JSON a flat row for CSV and Parquet (:func:`flat`, :data:`FLAT`).

A statement found without a database (``onrecord extract``) takes the same road: its row as
the store would write it, then the same JSON (:func:`statement_json`), less what only a
record knows (the speaker's entity id across articles, the cluster of its reports). So the
stored JSON, the extracted JSON and every export are one shape.

A new context field is one field of ``Statement``, one entry in :data:`CONTEXT` (its column
and JSON key) and one migration adding the column (:mod:`.migrations`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..model import Article, Mention, Number, Statement

# a date's precision and the length of its text: what a date of the precision shows, and a
# precision for a date stored without one (schema < 5); "week" shows the day it begins
PRECISION_OF_LENGTH = {4: "year", 7: "month", 10: "day"}
LENGTH_OF_PRECISION = {"year": 4, "month": 7}


@dataclass(frozen=True)
class Context:
    """A context field of a statement kept as JSON in a column of its own name: ``encode``
    turns the field's value (not None) into its JSON value; ``many``: a list, empty when
    there is none (else None)."""

    encode: Callable
    many: bool = False


def _mention(m: Mention) -> dict:
    out = {"text": m.text, "span": list(m.span)}
    if m.label:
        out["label"] = m.label
    return out


def _number(n: Number) -> dict:
    return {
        "text": n.text,
        "span": list(n.span),
        "value": n.value,
        "unit": n.unit,
        "counts": n.counts,
    }


def _each(encode: Callable) -> Callable:
    return lambda values: [encode(v) for v in values]


# the statement's context fields, by column name (= the Statement field and the JSON key)
CONTEXT: dict[str, Context] = {
    "venue": Context(_mention),
    "audience": Context(_mention),
    "targets": Context(_each(_mention), many=True),
    "numbers": Context(_each(_number), many=True),
}


def statement_id(stmt: Statement) -> str:
    """Stable id: the article and the content offsets."""
    key = stmt.article_id + json.dumps(stmt.content_spans)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _ends(span) -> tuple:
    return (span[0], span[1]) if span else (None, None)


def _dumps(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def row(
    stmt: Statement, article: Article, *, seq: int = 0, entity_id: int | None = None
) -> dict[str, object]:
    """The ``statements`` row of ``stmt``, column by column (``cluster_first`` is left to its
    default). A statement with no date of its own is dated by its article's publication."""
    speaker, cue, said = stmt.speaker, stmt.cue, stmt.said_on
    sid = statement_id(stmt)
    speaker_start, speaker_end = _ends(speaker.span)
    phrase_start, phrase_end = _ends(speaker.phrase_span)
    cue_start, cue_end = _ends(cue.span if cue else None)
    published = article.published
    out = {
        "id": sid,
        "article_id": article.id,
        "seq": seq,
        "entity_id": entity_id,
        "speaker_name": speaker.name,
        "speaker_kind": speaker.kind,
        "speaker_mention": speaker.mention,
        "speaker_start": speaker_start,
        "speaker_end": speaker_end,
        "cue_text": cue.text if cue else None,
        "cue_lemma": cue.lemma if cue else None,
        "cue_start": cue_start,
        "cue_end": cue_end,
        "content_text": stmt.content_text,
        "content_spans": json.dumps(stmt.content_spans),
        "kind": stmt.kind,
        "category": stmt.category,
        "confidence": stmt.confidence,
        "speech_act": stmt.speech_act,
        "outlet": article.outlet,
        "said_on": said.date if said else published,
        "said_on_from": said.source if said else ("published" if published else None),
        "said_on_precision": said.precision if said else ("day" if published else None),
        "said_on_text": said.text if said else None,
        "cluster_id": sid,
        "speaker_phrase_start": phrase_start,
        "speaker_phrase_end": phrase_end,
    }
    for name, field in CONTEXT.items():
        value = getattr(stmt, name)
        out[name] = _dumps(field.encode(value) if value is not None else None)
    return out


def insert(values: Mapping[str, object]) -> tuple[str, tuple]:
    """The SQL and parameters that store one :func:`row` (a statement stored already, same
    id, is left as it is)."""
    columns = ", ".join(values)
    marks = ", ".join("?" * len(values))
    sql = f"INSERT OR IGNORE INTO statements({columns}) VALUES ({marks})"
    return sql, tuple(values.values())


def _said_on(row: Mapping) -> dict | None:
    date = row["said_on"]
    if not date:
        return None
    return {
        "date": date,
        "precision": row["said_on_precision"] or PRECISION_OF_LENGTH.get(len(date)),
        "source_text": row["said_on_text"],
        "from": row["said_on_from"],
    }


def shown_date(said_on: Mapping | None) -> str | None:
    """The date of a statement's ``said_on`` as far as its precision goes (``2023-10-18``,
    ``2023-10``, ``2023``); None without one."""
    if not said_on or not said_on.get("date"):
        return None
    return said_on["date"][: LENGTH_OF_PRECISION.get(said_on.get("precision"))]


def _pair(start, end) -> list | None:
    return [start, end] if start is not None else None


def to_json(row: Mapping, *, stored: bool = True) -> dict:
    """The public JSON of a statement from its row, with its article's ``path``, ``url``,
    ``title`` and ``published`` and its entity's name (``entity_name``) beside the columns.

    ``stored``: the row is in a record, and the JSON has the speaker's entity id and a
    ``cluster`` of this one report (:mod:`.query` fills in the others); a statement found
    without a record has neither.
    """
    speaker = {
        "name": row["entity_name"] or row["speaker_name"],
        "mention": row["speaker_mention"],
        "span": _pair(row["speaker_start"], row["speaker_end"]),
        "kind": row["speaker_kind"],
        "phrase_span": _pair(row["speaker_phrase_start"], row["speaker_phrase_end"]),
    }
    if stored:
        speaker = {"id": row["entity_id"], **speaker}
    cue = None
    if row["cue_text"] is not None:
        cue = {"text": row["cue_text"], "lemma": row["cue_lemma"]}
        cue["span"] = [row["cue_start"], row["cue_end"]]
    out = {
        "id": row["id"],
        "article": {
            "id": row["article_id"],
            "path": row["path"],
            "url": row["url"],
            "title": row["title"],
            "outlet": row["outlet"],
            "published": row["published"],
        },
        "speaker": speaker,
        "cue": cue,
        "content": {"text": row["content_text"], "spans": json.loads(row["content_spans"])},
        "kind": row["kind"],
        "category": row["category"],
        # the chance that the statement is right, 0 to 1; None: stored before it was measured
        "confidence": row["confidence"],
        "speech_act": row["speech_act"],
        "said_on": _said_on(row),
    }
    for name, field in CONTEXT.items():
        value = json.loads(row[name]) if row[name] else None
        out[name] = (value or []) if field.many else value
    if stored:
        out["cluster"] = {
            "id": row["cluster_id"],
            "text": row["content_text"],
            "reports": 1,
            "articles": [],
            "first_reported": None,
        }
    return out


def statement_json(stmt: Statement, article: Article | None = None) -> dict:
    """The public JSON of a statement found without a record (``onrecord extract``): the
    JSON of the row the store would write, less the entity id and the cluster. Without its
    ``article``, the article is known by id alone."""
    article = article or Article(id=stmt.article_id, text="")
    beside = {
        "path": article.path,
        "url": article.url,
        "title": article.title,
        "published": article.published,
        "entity_name": None,
    }
    return to_json({**row(stmt, article), **beside}, stored=False)


def _text(mention: dict | None) -> str | None:
    return mention["text"] if mention else None


# A statement as a flat row (CSV, Parquet): column, Parquet type, value from the public JSON.
# Dates stay ISO text: a date of month or year precision is the first day of its period, or,
# stored by an old schema, the year or month alone.
FLAT: tuple[tuple[str, str, Callable[[dict], object]], ...] = (
    ("id", "string", lambda s: s.get("id")),
    ("article_id", "string", lambda s: s["article"]["id"]),
    ("path", "string", lambda s: s["article"].get("path")),
    ("title", "string", lambda s: s["article"].get("title")),
    ("outlet", "string", lambda s: s["article"].get("outlet")),
    ("published", "string", lambda s: s["article"].get("published")),
    ("said_on", "string", lambda s: (s.get("said_on") or {}).get("date")),
    ("speaker", "string", lambda s: s["speaker"]["name"]),
    ("speaker_kind", "string", lambda s: s["speaker"]["kind"]),
    ("mention", "string", lambda s: s["speaker"]["mention"]),
    ("cue", "string", lambda s: s["cue"]["text"] if s["cue"] else None),
    ("kind", "string", lambda s: s["kind"]),
    ("category", "string", lambda s: s.get("category")),
    ("speech_act", "string", lambda s: s.get("speech_act")),
    ("content", "string", lambda s: s["content"]["text"]),
    ("content_spans", "spans", lambda s: s["content"]["spans"]),
    ("cluster_id", "string", lambda s: (s.get("cluster") or {}).get("id")),
    ("reports", "int", lambda s: (s.get("cluster") or {}).get("reports") or None),
    ("speaker_id", "int", lambda s: s["speaker"].get("id")),
    ("said_on_precision", "string", lambda s: (s.get("said_on") or {}).get("precision")),
    ("venue", "string", lambda s: _text(s.get("venue"))),
    ("audience", "string", lambda s: _text(s.get("audience"))),
    ("targets", "strings", lambda s: [t["text"] for t in s.get("targets") or []]),
    ("confidence", "float", lambda s: s.get("confidence")),  # empty / null: not measured
)
FLAT_FIELDS = tuple(name for name, _, _ in FLAT)


def flat(stmt: dict) -> dict:
    """One statement's public JSON as a flat row of typed values (lists for spans and
    targets): what Parquet stores; :func:`csv_row` writes it as text."""
    return {name: value(stmt) for name, _, value in FLAT}


def csv_row(stmt: dict) -> dict:
    """One statement as a CSV row: a list as JSON text (``[[597, 736]]``)."""
    return {
        k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
        for k, v in flat(stmt).items()
    }


def arrow_schema():
    """The Parquet schema of :data:`FLAT` (pyarrow is imported here, by export alone)."""
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "spans": pa.list_(pa.list_(pa.int64())),
        "strings": pa.list_(pa.string()),
    }
    return pa.schema([(name, types[kind]) for name, kind, _ in FLAT])
