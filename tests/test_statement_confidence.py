"""A statement's confidence: what "right" means (evaluate.correct), the reliability table and
calibration error by hand, and the extractor's confidences on statements whose quality is
plain to a reader."""

from __future__ import annotations

import pytest

from onrecord import extract
from onrecord.evaluate import Attribution, correct, reliability
from onrecord.find import confidence
from onrecord.model import Speaker, Statement

TEXT = "Putin said the war is lost. Biden wrote that we will win."
#       0    5    10   15   20   25   30   35   40   45   50   55
GOLD = [
    Attribution(content=[(11, 26)], source=[(0, 5)], cue=[(6, 10)]),
    Attribution(content=[(40, 56)], source=[(28, 33)], cue=[(34, 39)]),
]


def test_right_needs_content_source_and_cue():
    pred = [
        GOLD[0],  # all three match
        Attribution(content=[(40, 56)], source=[(28, 33)], cue=[(6, 10)]),  # another's cue
    ]
    assert correct(TEXT, pred, GOLD) == [True, False]
    # the wrong speaker: content and cue match, the source shares no word
    wrong_source = [Attribution(content=[(11, 26)], source=[(28, 33)], cue=[(6, 10)])]
    assert correct(TEXT, wrong_source, GOLD) == [False]
    # one gold attribution matches one prediction only
    assert correct(TEXT, [GOLD[0], GOLD[0]], GOLD) == [True, False]


def test_reliability_by_hand():
    conf = [0.95, 0.95, 0.35, 0.35]
    right = [True, False, False, False]
    rel = reliability(conf, right)
    # bin 0.9-1.0: mean 0.95, half right (gap 0.45); bin 0.3-0.4: 0.35, none right (0.35);
    # each holds half the statements: 0.5 * 0.45 + 0.5 * 0.35 = 0.40
    assert rel["ece"] == pytest.approx(0.40)
    top = rel["bins"][9]
    assert top["statements"] == 2 and top["right"] == 0.5
    assert rel["bins"][0]["statements"] == 0 and rel["bins"][0]["right"] is None
    assert rel["at_least_0.8"] == {"share": 0.5, "precision": 0.5}
    # a confidence of exactly 1 falls in the last bin
    assert reliability([1.0], [True])["bins"][9]["statements"] == 1
    assert reliability([1.0], [True])["ece"] == 0.0


STORY = """Senator Jane Smith said on Tuesday that the bridge would be rebuilt by spring.

"We will not leave anyone behind," Smith told reporters in Denver.

Smith, who chairs the committee, hopes the vote will pass."""


@pytest.mark.parametrize("mode", ["fast", "default"])
def test_plain_speech_is_confident_and_every_confidence_is_a_probability(mode):
    found = extract(STORY, mode=mode)
    by_cue = {s.cue.text: s for s in found}
    # "said that ..." and a quote with "told reporters", both by a named senator: as sure
    # as statements get on PolNeAR dev (about 95 in 100 of these are right)
    assert by_cue["said"].confidence >= 0.9
    assert by_cue["told"].confidence >= 0.9
    for s in found:
        assert confidence.FLOOR <= s.confidence <= 1.0


def test_a_statement_below_the_floor_is_not_kept():
    def stmt(c: float) -> Statement:
        speaker = Speaker(name=None, mention=None, span=None, kind="anonymous")
        return Statement("a", speaker, None, [(0, 1)], "x", "indirect", confidence=c)

    kept = confidence.kept([stmt(0.1), stmt(confidence.FLOOR), stmt(0.9)])
    assert [s.confidence for s in kept] == [confidence.FLOOR, 0.9]


def test_the_tagger_and_the_rules_agreeing_counts_for_a_statement():
    # the learned weights: a statement both the rules and the tagger found is surer than one
    # found by either alone, other things equal
    model = confidence._model("default")
    assert model is not None
    assert model["weights"]["agreed"] > 0
    # the calibration maps a higher raw probability to a confidence no lower
    xs = [i / 20 for i in range(21)]
    ys = [confidence.calibrate(x, model) for x in xs]
    assert ys == sorted(ys)
