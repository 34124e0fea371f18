"""The learned cue model: shipped weights, scores of clear cases, and the rule fallback."""

from __future__ import annotations

from onrecord.find import attribution, cues, nlp, phrases


def candidates(text: str) -> dict[str, float]:
    """Score of every candidate verb in ``text``, by its text."""
    doc = nlp.load()(text)
    p = attribution.Pass.start(doc, learned=True, draw=False, redraw=False)
    attribution.quotations(p)
    rates = phrases.cue_rates()
    return {
        c.verb.text: cues.score(
            cues.features(c.verb, c.source, c.content, rates.get(c.verb.lemma_, 0.0))
        )
        for c in attribution.candidates(p)
        if not c.asked
    }


def test_model_ships_with_the_package():
    bias, weights = cues.weights()
    assert isinstance(bias, float) and len(weights) > 1000
    assert weights["lemma=say"] > 0 > weights.get("lemma=win", -1)


def test_clear_cues_and_clear_non_cues():
    scores = candidates("The mayor said that the bridge would open in May.\n")
    assert scores["said"] > 0.9
    scores = candidates("The company won the contract to build the bridge.\n")
    assert scores.get("won", 0.0) < 0.5
    scores = candidates(
        "Officials argued that the plan would fail, and the team bought new buses.\n"
    )
    assert scores["argued"] > attribution.CUE_THRESHOLD > scores.get("bought", 0.0)


def test_rules_decide_when_there_is_no_model(monkeypatch, extract):
    text = "Mayor Lisa Grant said on Monday that the new bridge would open in May.\n"
    with_model = [(s.cue.text, s.content_text) for s in extract(text)]
    monkeypatch.setattr(cues, "weights", lambda: None)
    without = [(s.cue.text, s.content_text) for s in extract(text)]
    assert with_model == without == [("said", "that the new bridge would open in May")]
