"""Speech acts read off the cue and the content (each expectation checked by hand)."""

from __future__ import annotations

import pytest

from onrecord.context import SPEECH_ACTS, speech_act


@pytest.mark.parametrize(
    ("lemma", "content", "cue_text", "act"),
    [
        ("say", "the talks went well", "said", "claim"),
        (None, "the deal is off", "according to", "claim"),
        ("warn", "that the war could spread to the Baltics", "warned", "warn"),
        ("deny", "that Russia had used chemical weapons", "denied", "deny"),
        ("reject", "the proposal as a provocation", "rejected", "deny"),
        ("ask", "whether the talks would resume", "asked", "question"),
        ("ask", "Congress to approve the aid package", "asked", "appeal"),
        ("call", "a ceasefire", "called for", "appeal"),
        ("urge", "allies to send more air defence", "urged", "appeal"),
        ("say", "“If the war is lost, then why supply ATACMS?”", "said", "question"),
        ("question", "the narrative that Russia lost the war", "questioned", "question"),
        ("criticize", "Washington's supply of missiles", "criticized", "criticize"),
        ("accuse", "the West of prolonging the war", "accused", "accuse"),
        ("threaten", "to cut off gas supplies", "threatened", "threaten"),
        ("promise", "to rebuild every school", "promised", "promise"),
        ("admit", "that mistakes had been made", "admitted", "acknowledge"),
        ("praise", "the soldiers' courage", "praised", "praise"),
        ("seem", "to be ready for talks", "seemed", "other"),
    ],
)
def test_speech_act(lemma, content, cue_text, act):
    assert speech_act(lemma, content, cue_text) == act


def test_every_act_is_known():
    assert len(SPEECH_ACTS) == 12 and "other" in SPEECH_ACTS


def test_seed_question_and_criticism(seed_results):
    stmts = seed_results["000_fde3fa9627d4bcef.txt"].statements
    acts = {s.cue.text: s.speech_act for s in stmts if s.cue and s.speaker.name == "Vladimir Putin"}
    assert acts["questioned"] == "question"
    assert acts["criticized"] == "criticize"
