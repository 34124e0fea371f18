"""The hand-labelled precision set is whole and consistent, and its scorer reads it right."""

from __future__ import annotations

import importlib.util
import json

import pytest

from .conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "precision"


def _lines(name: str) -> list[dict]:
    return [json.loads(line) for line in (FIXTURES / name).open(encoding="utf-8")]


def _script():
    spec = importlib.util.spec_from_file_location("precision", ROOT / "scripts" / "precision.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SETS = [("sample.jsonl", "labels.jsonl"), ("sample2.jsonl", "labels2.jsonl")]
SETS += [(f"sample{n}.jsonl", f"labels{n}.jsonl") for n in (3, 4, 5, 6, 7)]


@pytest.mark.parametrize("drawn, labelled", SETS)
def test_every_drawn_statement_has_one_label_of_the_defined_values(drawn, labelled):
    sample, labels = _lines(drawn), _lines(labelled)
    assert len(sample) >= 100
    assert [s["key"] for s in sample] == [label["key"] for label in labels]
    for label in labels:
        assert label["real"] in ("yes", "no"), label
        if label["real"] == "yes":
            assert label["category"] in ("speech", "belief", "finding"), label
            assert label["speaker_ok"] in ("yes", "no"), label
        else:
            assert (label["category"], label["speaker_ok"]) == ("none", "na"), label


def test_the_sets_are_of_dev_texts_only_and_share_no_statement():
    keys = [s["key"] for drawn, _ in SETS for s in _lines(drawn)]
    assert len(set(keys)) >= len(keys) - 1  # (set 2 drew one statement twice)
    files = {s["file"] for drawn, _ in SETS for s in _lines(drawn)}
    dev = ROOT.parent / "shared" / "data" / "polnear" / "dev" / "text"
    train = ROOT.parent / "shared" / "data" / "polnear" / "train" / "text"
    assert all((dev / f).exists() for f in files)
    assert not any((train / f).exists() for f in files)


def test_a_changed_speaker_is_right_only_when_it_is_the_labelled_right_one():
    right = _script()._speaker_right
    drawn = {"speaker": "Michelle Obama"}
    wrong = {"speaker_ok": "no", "right_speaker": "Barack Obama"}
    assert right(wrong, drawn, {"speaker": {"name": "Michelle Obama"}}) is False
    assert right(wrong, drawn, {"speaker": {"name": "Barack Obama"}}) is True
    assert right(wrong, drawn, {"speaker": {"name": "Joe Biden"}}) is None  # not known
    ok = {"speaker_ok": "yes", "right_speaker": None}
    assert right(ok, drawn, {"speaker": {"name": "Michelle Obama"}}) is True
    assert right(ok, drawn, {"speaker": {"name": "Barack Obama"}}) is False


def test_a_labels_note_in_brackets_is_no_part_of_the_name():
    same = _script()._same_person
    assert same("USA TODAY", "USA TODAY (analysis)")
    assert same("Obama", "Barack Obama") and not same("Michelle Obama", "Barack Obama")
    assert not same("Politico, Democratic party", "Politico")


def test_a_name_matches_its_label_up_to_possessives_documents_and_acronyms():
    same = _script()._same_person
    assert same("Donald Trump\u2019s presidential campaign", "Donald Trump's campaign")
    assert same("Hillary Clinton\u2019s campaign", "Clinton campaign")
    assert same("Washington Post-ABC News", "Washington Post-ABC News poll")
    assert same("IMF", "International Monetary Fund")
    assert not same("Bill Clinton", "Hillary Clinton")
    assert not same("Donald Trump's supporters", "Donald Trump")
    assert not same("GOP", "Republican National Committee")


def test_people_joined_to_the_right_speaker_are_unknown():
    right = _script()._speaker_right
    ok = {"speaker_ok": "yes", "right_speaker": None}
    drawn = {"speaker": "Charles E. Grassley"}
    both = {"speaker": {"name": "Charles E. Grassley and Patrick J. Leahy"}}
    assert right(ok, drawn, both) is None
    assert right(ok, drawn, {"speaker": {"name": "Patrick J. Leahy"}}) is False


def test_people_named_together_match_in_any_order():
    same = _script()._same_person
    assert same("Hillary Clinton and Obama", "President Obama and Hillary Clinton")
    assert not same("Hillary Clinton and Obama", "Hillary Clinton")
    assert not same("Hillary Clinton and Joe Biden", "Obama and Hillary Clinton")


def test_null_is_as_right_as_a_generic_document_that_names_nobody():
    right = _script()._speaker_right
    ok = {"speaker_ok": "yes", "right_speaker": None}
    assert right(ok, {"speaker": "Polls"}, {"speaker": {"name": None}}) is True
    assert right(ok, {"speaker": "federal data"}, {"speaker": {"name": None}}) is True
    assert right(ok, {"speaker": "Pew polls"}, {"speaker": {"name": None}}) is False
    assert right(ok, {"speaker": "Donald Trump"}, {"speaker": {"name": None}}) is False
    assert right(ok, {"speaker": "Republicans"}, {"speaker": {"name": None}}) is False


def test_a_name_matches_its_label_past_an_honorific_and_a_plural_document():
    same = _script()._same_person
    assert same("Larry King", "Mr. King") and same("Mr. King", "Larry King")
    assert same("WikiLeaks", "WikiLeaks emails")
    assert not same("Larry King", "Mr. Schultz")
