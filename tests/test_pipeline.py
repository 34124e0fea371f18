"""The flow's threads: statements are found beside the parse, and come out in input order the
same whichever thread found them."""

from __future__ import annotations

import threading
import time

from onrecord.find import attribution, tagger
from onrecord.find.pipeline import analyze
from onrecord.read.sources import read_paths
from onrecord.record import schema

from .conftest import SEEDS


def _records(results) -> list[tuple[str, list[dict]]]:
    return [(r.article.id, [schema.statement_json(s) for s in r.statements]) for r in results]


def test_results_keep_input_order_whichever_thread_finds(monkeypatch):
    articles = list(read_paths([str(SEEDS)]))
    assert len(articles) == 5
    alone = _records(next(analyze([a])) for a in articles)
    assert sum(len(stmts) for _, stmts in alone) > 20
    # batches of two: most articles are found on the worker, beside the next batch's parse
    assert _records(analyze(articles, batch_size=2)) == alone

    # a slow tagger is behind every article as it leaves the parse: the parsing thread finds
    # them itself, and the order and the statements stay the same
    piece_probs = tagger.piece_probs

    def slow(text):
        time.sleep(0.8)
        return piece_probs(text)

    found_on: list[str] = []
    find = tagger.find

    def spy(*args, **kwargs):
        found_on.append(threading.current_thread().name)
        return find(*args, **kwargs)

    monkeypatch.setattr(tagger, "piece_probs", slow)
    monkeypatch.setattr(tagger, "find", spy)
    assert _records(analyze(articles, batch_size=2)) == alone
    assert threading.main_thread().name in found_on


def test_fast_mode_finds_beside_the_parse(monkeypatch):
    found_on: list[str] = []
    find = attribution.find

    def spy(doc, *args, **kwargs):
        found_on.append(threading.current_thread().name)
        return find(doc, *args, **kwargs)

    monkeypatch.setattr(attribution, "find", spy)
    results = list(analyze(read_paths([str(SEEDS)]), mode="fast"))
    assert len(results) == 5 and any(r.statements for r in results)
    assert len(found_on) == 5 and threading.main_thread().name not in found_on


def test_memory_zones_let_go_of_the_vocabulary_and_change_no_result(monkeypatch, tmp_path):
    from onrecord.find import nlp, pipeline

    articles = list(read_paths([str(SEEDS)]))
    whole = _records(analyze(articles))  # (one zone: five articles)
    monkeypatch.setattr(pipeline, "ZONE_ARTICLES", 2)  # zones of two: three of them
    assert _records(analyze(articles)) == whole
    # a word no text had: in the vocabulary while its article is parsed, gone after
    word = "Qwzxyvorblund"
    (tmp_path / "a.txt").write_text(
        f'"The plan will work," Senator Ann {word} said on Monday in the capital.\n',
        encoding="utf-8",
    )
    [new] = list(read_paths([str(tmp_path / "a.txt")]))
    [result] = analyze([new])
    assert result.statements and word in result.statements[0].speaker.name
    assert word not in nlp.load().vocab.strings
    monkeypatch.setattr(pipeline, "ZONE_CHARS", 1)  # a zone an article, by its text
    assert [len(s) for s in pipeline._segments(articles)] == [1, 1, 1, 1, 1]
