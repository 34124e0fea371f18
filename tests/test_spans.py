"""The learned cue span (data/cue_crf.bin): cues drawn with the words annotators mark."""

from __future__ import annotations

import pytest

from onrecord.find import attribution, nlp, phrases, spans
from onrecord.find.quotes import find_quotes


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


# --- the content edge model (data/content_crf.bin) ---


def test_content_model_ships():
    assert spans.content_tagger() is not None


def test_doc_table_marks_quotes_and_sentences(pipe):
    text = 'He spoke. "We will win," she said.'
    doc = pipe(text)
    quotes = [(q.start, q.end) for q in find_quotes(text)]
    table = spans.doc_table(doc, quotes)
    inside = [t.text for t in doc if table.in_quote[t.i]]
    assert inside == ['"', "We", "will", "win", ",", '"']
    assert [table.sent[t.i] for t in doc if t.text in ("He", "We", "she")] == [0, 1, 1]
    assert table.sent_starts == [0, 3]
    # function words and punctuation as themselves, other words as their part of speech
    assert table.words[:3] == ["he", "VERB", "."]
    assert table.words == [spans._word(t) for t in doc]
    assert table.head_deps[1] == "ROOT_ROOT"  # "spoke", its own head


def test_relations_follow_the_tree_from_the_cue(pipe):
    doc = pipe("The mayor said that taxes rose sharply.")
    said = doc[2]
    assert said.text == "said"
    table = spans.doc_table(doc, [])
    rels = {
        t.text: r
        for t, r in zip(doc, spans._relations(said, 0, len(doc), table.depth), strict=True)
    }
    assert rels["said"] == ("cue", "cue", 0)
    assert rels["mayor"] == ("in_nsubj", "nsubj>", 0)
    assert rels["The"][:2] == ("in_nsubj", "nsubj>det")
    assert rels["rose"] == ("in_ccomp", "ccomp>", 0)
    assert rels["taxes"] == ("in_ccomp", "ccomp>nsubj", 1)


def test_the_window_takes_the_next_sentence_where_the_content_runs_to_its_end(pipe):
    doc = pipe("Nothing here. The mayor said taxes rose. They fell later. Not this one.")
    table = spans.doc_table(doc, [])
    said = next(t for t in doc if t.text == "said")
    taxes, rose = said.i + 1, said.i + 2
    assert doc[rose].text == "rose"
    lo, hi = spans.content_window(table, [said.i, taxes, rose], rose)
    assert doc[lo:hi].text == "The mayor said taxes rose. They fell later."
    lo, hi = spans.content_window(table, [said.i, taxes], taxes)  # "rose" left out
    assert doc[lo:hi].text == "The mayor said taxes rose."


def test_without_the_content_model_the_rules_draw_the_edges(pipe, monkeypatch):
    doc = pipe("The senator said that the bill, which passed on Monday, would cut taxes.")
    kept = attribution.find(doc, content_model=False)
    monkeypatch.setattr(spans, "content_tagger", lambda: None)
    assert [f.content for f in attribution.find(doc)] == [f.content for f in kept]


def test_the_content_model_takes_the_addressee_of_called_on(pipe):
    # PolNeAR marks "called on people to protest peacefully" whole as the content (dev's
    # "called on Trump to stop attacking Machado and apologize"); the rules stop at "to"
    doc = pipe("Activists called on the governor to veto the bill.")
    text = doc.text
    assert [
        [text[s:e] for s, e in f.content] for f in attribution.find(doc, content_model=False)
    ] == [["to veto the bill"]]
    assert [[text[s:e] for s, e in f.content] for f in attribution.find(doc)] == [
        ["the governor to veto the bill"]
    ]


def test_scoring_in_python_gives_crfsuite_s_labels_on_the_seeds(pipe):
    # content() sums the model's weights itself; CRFsuite, handed the feature strings the model
    # was trained on, must label every window of every seed statement the same way
    from tests.conftest import SEEDS

    crf = spans.content_tagger()
    weights = spans.content_weights()
    windows = 0
    for path in sorted(SEEDS.glob("*.txt")):
        doc = pipe(path.read_text(encoding="utf-8"))
        quotes = [(q.start, q.end) for q in find_quotes(doc.text)]
        table = spans.doc_table(doc, quotes)
        for f in attribution.find(doc, content_model=False):
            if not f.cue or not f.content:
                continue
            content = phrases.tokens_in(doc, f.content)
            lo, hi, features = spans.content_inputs(table, f.cue, f.phrase or f.source, content)
            _, _, keys = spans._statement_keys(table, f.cue, f.phrase or f.source, content)
            ours = weights.viterbi([weights.token(k) for k in keys])
            assert ["C" if c else "O" for c in ours] == crf.tag(features)
            windows += 1
    assert windows >= 30


def test_viterbi_weighs_transitions_against_state_scores():
    # staying costs nothing, switching costs 3: a stretch of C between O tokens must gain
    # more than 6 (two switches) over labelling it O (sums worked out by hand)
    w = spans.Weights({}, ((0.0, -3.0), (-3.0, 0.0)))
    assert w.viterbi([(5, 0), (0, 2), (5, 0)]) == [False, False, False]  # gains 2
    assert w.viterbi([(5, 0), (0, 8), (5, 0)]) == [False, True, False]  # gains 8
    assert w.viterbi([(5, 0), (0, 3), (5, 0)]) == [False, False, False]  # gains 3
    three = [(5, 0), (0, 3), (0, 3), (0, 3), (5, 0)]  # gains 9 together
    assert w.viterbi(three) == [False, True, True, True, False]


def test_the_memo_stays_under_its_limit_and_the_labels_do_not_change(pipe, monkeypatch):
    cached = spans.content_weights()
    monkeypatch.setattr(spans, "MEMO_LIMIT", 5)
    small = spans.Weights(cached.state, cached.trans)
    doc = pipe(
        "The senator said that the bill, which passed on Monday, would cut taxes. "
        "Activists called on the governor to veto the bill, the group said on Tuesday."
    )
    table = spans.doc_table(doc, [])
    for f in attribution.find(doc, content_model=False):
        content = phrases.tokens_in(doc, f.content)
        _, _, keys = spans._statement_keys(table, f.cue, f.phrase or f.source, content)
        keys = list(keys)
        assert small.viterbi([small.token(k) for k in keys]) == cached.viterbi(
            [cached.token(k) for k in keys]
        )
    assert all(len(m) <= 5 for m in small.memo)
    assert sum(len(m) for m in small.memo) > 5  # it was used
