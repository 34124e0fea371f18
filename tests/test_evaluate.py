"""The scorer on hand-made cases: definitions of exact, partial, soft and attribution level."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from onrecord import evaluate as evaluation
from onrecord.evaluate import Attribution, parse_brat, score_doc, token_set
from onrecord.find.acts import speech_act
from onrecord.model import SPEECH_ACTS

TEXT = 'Putin said that "the war is lost" today. Biden: we will win.'
#       0    5    10   15   20   25   30   35   40   45   50   55
GOLD = [
    Attribution(content=[(11, 33)], source=[(0, 5)], cue=[(6, 10)]),
    Attribution(content=[(48, 59)], source=[(41, 46)], cue=[(46, 47)]),
]


def _f1(scores, role, measure="exact"):
    return scores[role][measure].f1


def test_token_set_words_and_punctuation():
    assert token_set(TEXT, [(0, 5)]) == {0}
    # a span cutting a word still covers that word
    assert token_set(TEXT, [(2, 4)]) == {0}
    # quote marks and commas at the edges do not matter
    assert token_set(TEXT, [(16, 33)]) == token_set(TEXT, [(17, 32)])
    # a ":" cue covers no word: its characters count instead
    assert token_set(TEXT, [(46, 47)]) == {("p", 46)}


def test_perfect_prediction_scores_one():
    scores = score_doc(TEXT, GOLD, GOLD)
    for role in ("content", "source", "cue"):
        for measure in ("exact", "partial", "soft"):
            assert _f1(scores, role, measure) == 1.0
    assert scores["attribution"]["all"].f1 == 1.0
    assert scores["attribution"]["direct"].recall == 1.0
    assert scores["attribution"]["indirect"].recall == 1.0


def test_empty_prediction_scores_zero():
    scores = score_doc(TEXT, [], GOLD)
    assert _f1(scores, "content") == 0.0
    assert scores["attribution"]["all"].f1 == 0.0


def test_shifted_content_span():
    # content "that "the war is lost" today" (5 tokens) against gold "that ... lost" (5 tokens)
    pred = [Attribution(content=[(16, 39)], source=[(0, 5)], cue=[(6, 10)])]
    scores = score_doc(TEXT, pred, GOLD[:1])
    assert _f1(scores, "content", "exact") == 0.0
    assert _f1(scores, "content", "partial") == 1.0
    # soft: precision 4/5 tokens found in gold, recall 4/5 gold tokens covered
    soft = scores["content"]["soft"]
    assert abs(soft.precision - 0.8) < 1e-9 and abs(soft.recall - 0.8) < 1e-9
    # the attribution still matches: 4 of 5 gold content tokens, same source
    assert scores["attribution"]["all"].f1 == 1.0


def test_attribution_needs_shared_non_stopword_in_source():
    pred = [Attribution(content=[(11, 33)], source=[(41, 46)], cue=[(6, 10)])]
    scores = score_doc(TEXT, pred, GOLD[:1])
    assert scores["attribution"]["all"].f1 == 0.0
    assert _f1(scores, "content") == 1.0


def test_one_to_one_matching():
    pred = GOLD[:1] * 2
    scores = score_doc(TEXT, pred, GOLD[:1])
    assert scores["content"]["exact"].precision == 0.5
    assert scores["content"]["exact"].recall == 1.0


def test_parse_brat_with_discontinuous_span_and_shared_source():
    ann = (
        "T1\tSource 0 5\tPutin\n"
        "T2\tCue 6 10\tsaid\n"
        "T3\tContent 11 20;25 33\tx\n"
        "T4\tAttribution 6 10\tsaid\n"
        "E1\tAttribution:T4 Cue:T2 Source:T1 Content:T3\n"
        "T5\tCue 34 39\tadded\n"
        "T6\tAttribution 34 39\tadded\n"
        "E2\tAttribution:T6 Cue:T5 Source:T1\n"
    )
    atts = parse_brat(ann)
    assert len(atts) == 2
    assert atts[0].content == [(11, 20), (25, 33)]
    assert atts[1].source == [(0, 5)] and atts[1].content == []


# --- speech acts ------------------------------------------------------------------------------

ACT_LABELS = Path(__file__).parent / "fixtures" / "speech_acts.tsv"


def test_score_acts_by_hand():
    report = evaluation.score_acts([("claim", "claim"), ("warn", "claim"), ("warn", "warn")])
    assert report["accuracy"] == pytest.approx(2 / 3)
    assert report["confusion"] == {"claim": {"claim": 1}, "warn": {"claim": 1, "warn": 1}}
    assert evaluation.score_acts([])["accuracy"] == 0.0
    table = evaluation.format_acts({**report, "unmatched": 0})
    assert "accuracy 66.7%" in table


def test_speech_act_labels_fixture():
    """At least 200 hand labels of statements in PolNeAR dev texts, each on a real span."""
    labels = evaluation.load_act_labels(ACT_LABELS)
    assert len(labels) >= 200
    assert {lab.act for lab in labels} <= set(SPEECH_ACTS)
    dev = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear" / "dev" / "text"
    rows = list(csv.DictReader(ACT_LABELS.open(encoding="utf-8"), delimiter="\t"))
    for lab, row in zip(labels, rows, strict=True):
        assert 0 <= lab.start < lab.end
        if dev.is_dir():
            text = (dev / lab.file).read_text(encoding="utf-8")
            first_words = row["content"].split()[:3]
            assert " ".join(text[lab.start : lab.end].split()[:3]) == " ".join(first_words)


def test_speech_acts_from_cue_and_content_beat_the_majority_class():
    """Predicted from the labelled rows' cue and content (no parse): measured 60.8%."""
    rows = list(csv.DictReader(ACT_LABELS.open(encoding="utf-8"), delimiter="\t"))
    pairs = [
        (r["act"], speech_act(r["cue_lemma"] or None, r["content"], r["cue"] or None)) for r in rows
    ]
    accuracy = evaluation.score_acts(pairs)["accuracy"]
    majority = max(sum(r["act"] == a for r in rows) for a in SPEECH_ACTS) / len(rows)
    assert accuracy >= 0.55 > majority


def test_parsed_corpus_caches_the_parse(tmp_path):
    root = tmp_path / "corpus"
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    (root / "text" / "a.txt").write_text("The mayor said the bridge would reopen.\n")
    (root / "attributions" / "a_x.ann").write_text("")
    cache = tmp_path / "parse.docbin"
    first = evaluation.parsed_corpus(root, cache)
    assert cache.exists()
    (root / "text" / "a.txt").write_text("Changed text, so a fresh parse would differ.\n")
    second = evaluation.parsed_corpus(root, cache)  # read back from the cache, not parsed again
    assert [t.text for t in second[0][1]] == [t.text for t in first[0][1]]
    assert second[0][1][1].text == "mayor" and second[0][1][2].dep_ == "ROOT"
