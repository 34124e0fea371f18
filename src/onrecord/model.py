"""The data that crosses stages: articles, spans, statements and speakers.

Every offset is a Python string offset into an article's *original* text. Stages never
rewrite that text: cleaning records ranges to skip, extraction records spans.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The vocabularies of the data, here with the data so that every stage and face (cli, query,
# web, evaluate) names the same words without loading the parser.

# the modes of finding statements, from the fastest to the most accurate (pipeline.analyze;
# what each turns on: Mode)
MODES = ("fast", "default", "accurate")

# how a statement gives what was said: quoted, reported, or a quote inside a report
# a statement's confidence below this is marked "low confidence" where the record shows it
LOW_CONFIDENCE = 0.5
STATEMENT_KINDS = ("direct", "indirect", "mixed")
# what a statement reports: somebody's words, somebody's mind, what a poll or record shows
# (see onrecord.find.category)
CATEGORIES = ("speech", "belief", "finding", "other")

# who a speaker is (onrecord.find.speakers decides)
SPEAKER_KINDS = ("person", "organisation", "group", "anonymous")

# a date as a filter takes it: YYYY, YYYY-MM or YYYY-MM-DD (a regular expression, unanchored)
DATE_PATTERN = r"\d{4}(-\d{2}(-\d{2})?)?"

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


@dataclass(frozen=True)
class Mode:
    """A mode of finding statements and what it turns on, built once from the mode's name
    (:meth:`of`) and passed down whole, so that no stage compares names or keeps flags of
    its own.

    ``tagger``: the tagger reads each text (default and accurate); ``redraw_edges``: the
    tagger reads again, with its cue marked, the edges of each statement (accurate only).
    """

    name: str
    tagger: bool
    redraw_edges: bool

    @property
    def rank(self) -> int:
        """How accurate the mode is: its place in :data:`MODES`, from 0 for the fastest."""
        return MODES.index(self.name)

    @classmethod
    def of(cls, mode: str | Mode) -> Mode:
        """The mode named ``mode`` (one of :data:`MODES`; a :class:`Mode` is returned as it
        is); :class:`ValueError` for any other name."""
        if isinstance(mode, Mode):
            return mode
        try:
            return _MODE_OF_NAME[mode]
        except (KeyError, TypeError):
            raise ValueError(f"unknown mode {mode!r}; one of {MODES}") from None


_MODE_OF_NAME = {
    m.name: m
    for m in (
        Mode("fast", tagger=False, redraw_edges=False),
        Mode("default", tagger=True, redraw_edges=False),
        Mode("accurate", tagger=True, redraw_edges=True),
    )
}
assert tuple(_MODE_OF_NAME) == MODES

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
    kind: str  # one of SPEAKER_KINDS
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
    """One attributed statement: speaker, cue and content, with offsets into the article.

    Its database row and its public JSON are :mod:`onrecord.record.schema`'s."""

    article_id: str
    speaker: Speaker
    cue: Cue | None
    content_spans: list[Span]
    content_text: str
    kind: str  # one of STATEMENT_KINDS
    category: str = "speech"  # one of CATEGORIES
    confidence: float = 1.0
    speech_act: str | None = None  # one of SPEECH_ACTS
    said_on: Said | None = None
    venue: Mention | None = None
    audience: Mention | None = None
    targets: list[Mention] = field(default_factory=list)
    numbers: list[Number] = field(default_factory=list)


@dataclass
class Problem:
    """A source that could not be ingested, with a one-line reason; or, with ``warning``, a
    source that was read all the same, and what was left out of it (a date that cannot be
    read, a metadata value of the wrong type)."""

    path: str
    reason: str
    warning: bool = False
