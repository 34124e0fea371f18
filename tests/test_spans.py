"""The learned cue span (data/cue_crf.bin): cues drawn with the words annotators mark."""

from __future__ import annotations

import pytest

from onrecord import attribution, nlp, spans


@pytest.fixture(scope="module")
def pipe():
    return nlp.load()


def _cues(pipe, text):
    doc = pipe(text)
    return [s.cue.text for s in attribution.to_statements(doc, attribution.find(doc), "t") if s.cue]


def test_model_ships():
    assert spans.tagger() is not None


def test_auxiliaries_and_adverbs_join_the_cue(pipe):
    text = "The senator has also said that the tax cuts will expire next year."
    assert _cues(pipe, text) == ["has also said"]


def test_colon_joins_the_cue(pipe):
    text = "The New York Times reports: the campaign raised record sums in September."
    assert _cues(pipe, text) == ["reports:"]


def test_the_lemma_is_the_verb_s(pipe):
    doc = pipe("The governor has repeatedly warned that the budget would not balance.")
    (stmt,) = attribution.to_statements(doc, attribution.find(doc), "t")
    assert stmt.cue.text == "has repeatedly warned"
    assert stmt.cue.lemma == "warn"


def test_without_a_model_the_cue_is_the_verb(pipe, monkeypatch):
    monkeypatch.setattr(spans, "tagger", lambda: None)
    text = "The senator has also said that the tax cuts will expire next year."
    assert _cues(pipe, text) == ["said"]
