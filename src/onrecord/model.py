"""The data that crosses stages: articles, spans, statements and speakers.

Every offset is a Python string offset into an article's *original* text. Stages never
rewrite that text: cleaning records ranges to skip, extraction records spans.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# the modes of finding statements, from the fastest to the most accurate (pipeline.analyze)
MODES = ("fast", "default", "accurate")

# what a statement does (onrecord.find.acts.speech_act decides); here, with the data, so that
# the read side (query, web) has the vocabulary without loading the parser
SPEECH_ACTS = (
    "claim",
    "criticize",
    "accuse",
    "threaten",
    "deny",
    "appeal",
    "promise",
    "acknowledge",
    "praise",
    "question",
    "warn",
    "other",
)

Span = tuple[int, int]
"""A half-open character range ``(start, end)`` into an article's original text."""


@dataclass(frozen=True)
class Skip:
    """A range of page leftovers (navigation, captions, appeals) that extraction ignores."""

    start: int
    end: int
    reason: str


@dataclass
class Article:
    """One news article as read from its source, with its original text untouched."""

    id: str
    text: str
    path: str | None = None
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    published_from: str | None = None  # where the date came from: "metadata", "text", "html"
    language: str | None = None
    title_span: Span | None = None
    skips: list[Skip] = field(default_factory=list)


@dataclass
class Speaker:
    """Who made a statement: the mention in the text and the entity it resolves to."""

    name: str | None
    mention: str | None
    span: Span | None
    kind: str  # person | organisation | group | anonymous
    # the source as written, the mention with what describes it ("Douglas Brinkley, a
    # historian who attended the session"): what annotators mark as the source
    phrase_span: Span | None = None


@dataclass
class Cue:
    """The words that signal the attribution ("said", "according to", ":")."""

    text: str
    span: Span
    lemma: str


@dataclass
class Said:
    """When a statement was made: the first day of the period, its precision, and why."""

    date: str  # YYYY-MM-DD
    precision: str  # day | week | month | year
    source: str  # text | context | published
    text: str | None  # the words that gave it ("on Wednesday (18/10/2023)")
    span: Span | None


@dataclass
class Mention:
    """A phrase of the article tied to a statement: a venue, an audience, a target."""

    text: str
    span: Span
    label: str | None = None  # for targets: the entity type (PERSON, GPE, PRODUCT, ...)


@dataclass
class Number:
    """A quantity in a statement's content ("54 tanks", "$325 million", "300 kilometers")."""

    text: str
    span: Span
    value: float | None
    unit: str | None
    counts: str | None  # the noun it counts ("tanks")


@dataclass
class Statement:
    """One attributed statement: speaker, cue and content, with offsets into the article."""

    article_id: str
    speaker: Speaker
    cue: Cue | None
    content_spans: list[Span]
    content_text: str
    kind: str  # direct | indirect | mixed
    confidence: float = 1.0
    speech_act: str | None = None  # one of SPEECH_ACTS
    said_on: Said | None = None
    venue: Mention | None = None
    audience: Mention | None = None
    targets: list[Mention] = field(default_factory=list)
    numbers: list[Number] = field(default_factory=list)

    def to_dict(self, article: Article | None = None) -> dict:
        """The public JSON shape of a statement (see README, "Output format")."""
        out = {
            "article": _article_ref(article) if article else {"id": self.article_id},
            "speaker": asdict(self.speaker),
            "cue": {"text": self.cue.text, "span": list(self.cue.span)} if self.cue else None,
            "content": {
                "text": self.content_text,
                "spans": [list(s) for s in self.content_spans],
            },
            "kind": self.kind,
            "speech_act": self.speech_act,
            "said_on": _said(self.said_on),
            "venue": _mention(self.venue),
            "audience": _mention(self.audience),
            "targets": [_mention(t) for t in self.targets],
            "numbers": [_number(n) for n in self.numbers],
        }
        for key in ("span", "phrase_span"):
            if out["speaker"][key] is not None:
                out["speaker"][key] = list(out["speaker"][key])
        return out


def _said(said: Said | None) -> dict | None:
    if said is None:
        return None
    return {
        "date": said.date,
        "precision": said.precision,
        "source_text": said.text,
        "from": said.source,
    }


def _mention(m: Mention | None) -> dict | None:
    if m is None:
        return None
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


def _article_ref(article: Article) -> dict:
    return {
        "id": article.id,
        "path": article.path,
        "title": article.title,
        "outlet": article.outlet,
        "published": article.published,
    }


@dataclass
class Problem:
    """A source that could not be ingested, with a one-line reason; or, with ``warning``, a
    source that was read all the same, and what was left out of it (a date that cannot be
    read, a metadata value of the wrong type)."""

    path: str
    reason: str
    warning: bool = False
