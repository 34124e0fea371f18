"""The flow from articles to resolved statements, batched through spaCy.

``ingest`` reads sources, ``nlp`` parses the analysis view of each article (page leftovers
and the headline blanked, offsets unchanged), ``attribution`` finds statements, ``speakers``
resolves their speakers. :func:`analyze` runs the last three over any number of articles in
batches; :func:`extract` is the one-text convenience behind ``onrecord.extract``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from . import attribution, nlp, speakers
from .clean import analysis_view
from .ingest import make_article
from .model import Article, Statement

BATCH_SIZE = 32


@dataclass
class Result:
    """One analysed article: its statements and the titles seen for each person."""

    article: Article
    statements: list[Statement]
    titles: dict[str, list[str]]


def analyze(articles: Iterable[Article], batch_size: int = BATCH_SIZE) -> Iterator[Result]:
    """Statements of each article, in input order, parsed in batches (streaming)."""
    pipeline = nlp.load()
    pairs = ((analysis_view(a.text, a.skips, a.title_span), a) for a in articles)
    for doc, article in pipeline.pipe(pairs, as_tuples=True, batch_size=batch_size):
        statements = attribution.to_statements(doc, attribution.find(doc), article.id)
        resolver = speakers.resolve(doc, statements)
        yield Result(article, statements, resolver.titles())


def extract(text: str, *, clean_text: bool = True, **meta) -> list[Statement]:
    """Every attributed statement in ``text``, speakers resolved (the Python API).

    ``clean_text=False`` skips leftover detection (for text known to be clean).
    """
    return extract_many([text], clean_text=clean_text, check_language=False, **meta)[0]


def extract_many(
    texts: list[str], *, clean_text: bool = True, check_language: bool = False, **meta
) -> list[list[Statement]]:
    """:func:`extract` over many texts at once (batched parsing)."""
    articles = []
    for text in texts:
        article = make_article(text, check_language=check_language, **meta)
        if not clean_text:
            article.skips, article.title_span = [], None
        articles.append(article)
    return [r.statements for r in analyze(articles)]
