"""The tagger (default and accurate modes): piece labels to spans, spans to statements, and
the shipped model."""

from __future__ import annotations

import re

import numpy as np

from onrecord.find import nlp, tagger
from onrecord.find.attribution import find, to_statements
from onrecord.find.phrases import Found
from onrecord.find.tagger import (
    MARKS,
    WINDOW,
    Belief,
    assemble,
    cue_pieces,
    decode,
    edge_window,
    redraw_edges,
    with_rules,
)

O, B, I = 0, 1, 2  # noqa: E741 (the tag names)


def _at(text: str, part: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return start, start + len(part)


def test_decode_spans_from_piece_labels():
    text = "Aides said unbelievable things, then more"
    # pieces: Aides | said | un ##believ ##able | things | , | then | more
    offsets = [(0, 5), (6, 10), (11, 13), (13, 19), (19, 23), (24, 30), (30, 31), (32, 36)]
    offsets.append((37, 41))
    cue = [O, B, O, O, O, O, O, O, O]
    source = [B, O, O, O, O, O, O, O, O]
    # content: a word's later pieces follow its first ("##believ" says O, "##able" says B);
    # an I after O opens a span; a B right after an I opens another
    content = [O, O, B, O, B, I, O, I, B]
    labels = list(zip(cue, source, content, strict=True))
    spans = decode(text, offsets, labels)
    assert spans["cue"] == [(6, 10)]
    assert spans["source"] == [(0, 5)]
    assert spans["content"] == [(11, 30), (32, 36), (37, 41)]


def test_assemble_ties_roles_by_nearness():
    text = (
        '"We will win," she said, "because the votes are there." '
        "The mayor told reporters that the plan had failed."
    )
    doc = nlp.load()(text)
    spans = {
        "content": [
            _at(text, '"We will win,"'),
            _at(text, '"because the votes are there."'),
            _at(text, "the plan had failed"),
        ],
        "cue": [_at(text, "said"), _at(text, "told")],
        "source": [_at(text, "she"), _at(text, "The mayor")],
    }
    first, second = to_statements(doc, assemble(doc, spans), "a")
    # the quote split by its cue is one statement with two content spans
    assert first.content_spans == spans["content"][:2]
    assert (first.cue.text, first.speaker.mention) == ("said", "she")
    assert first.kind == "direct"
    assert second.content_text == "the plan had failed"
    assert (second.cue.text, second.speaker.mention) == ("told", "The mayor")
    assert second.kind == "indirect"


def test_assemble_keeps_the_tagged_phrase_and_a_tight_mention():
    text = "Douglas Brinkley, a historian who attended the session, said the mood was grim."
    doc = nlp.load()(text)
    phrase = _at(text, "Douglas Brinkley, a historian who attended the session")
    spans = {
        "content": [_at(text, "the mood was grim")],
        "cue": [_at(text, "said")],
        "source": [phrase],
    }
    [s] = to_statements(doc, assemble(doc, spans), "a")
    assert s.speaker.phrase_span == phrase
    # the mention, which speaker resolution reads, is the one the default mode takes
    [default] = to_statements(doc, find(doc), "a")
    assert s.speaker.span == default.speaker.span
    assert s.speaker.mention.startswith("Douglas Brinkley")


def test_a_tagged_phrase_takes_the_rest_of_its_noun_phrase_on_the_left():
    text = "The former chair of the party said the vote was fair."
    doc = nlp.load()(text)
    spans = {
        "content": [_at(text, "the vote was fair")],
        "cue": [_at(text, "said")],
        "source": [_at(text, "chair of the party")],  # the model left out "The former"
    }
    [s] = to_statements(doc, assemble(doc, spans), "a")
    assert text[slice(*s.speaker.phrase_span)] == "The former chair of the party"


def test_a_cue_without_content_is_no_statement():
    text = "The minister said nothing. Later, officials confirmed the deal."
    doc = nlp.load()(text)
    spans = {
        "content": [_at(text, "the deal")],
        "cue": [_at(text, "said"), _at(text, "confirmed")],
        "source": [_at(text, "The minister"), _at(text, "officials")],
    }
    [s] = to_statements(doc, assemble(doc, spans), "a")
    assert s.cue.text == "confirmed" and s.speaker.mention == "officials"


def _belief(text: str, cue: dict[str, float], content: dict[str, float]) -> Belief:
    """A belief with one piece per word: P(cue) and P(content) as given, O elsewhere."""
    offsets = [m.span() for m in re.finditer(r"\w+|[^\w\s]", text)]
    p = np.zeros((len(offsets), 3, 3))
    p[:, :, 0] = 1.0
    for role, given in ((0, cue), (2, content)):
        for i, (s, e) in enumerate(offsets):
            if text[s:e] in given:
                p[i, role] = (1 - given[text[s:e]], given[text[s:e]], 0.0)
    return Belief(text, offsets, p)


def test_a_statement_only_the_model_found_needs_a_sure_cue():
    text = "The minister said the plan had failed."
    doc = nlp.load()(text)
    spans = {
        "content": [_at(text, "the plan had failed")],
        "cue": [_at(text, "said")],
        "source": [_at(text, "The minister")],
    }
    unsure = _belief(text, {"said": 0.5}, {})
    assert with_rules(doc, assemble(doc, spans), [], unsure) == []
    [kept] = with_rules(doc, assemble(doc, spans), [], _belief(text, {"said": 0.95}, {}))
    assert kept.content == spans["content"]
    # found by the rules too: kept however unsure the model is, with the rules' parts
    [both] = with_rules(doc, assemble(doc, spans), find(doc), _belief(text, {"said": 0.1}, {}))
    assert [t.text for t in both.cue] == ["said"]


def test_the_model_keeps_its_content_edges_only_when_sure():
    text = "Critics said on Monday that the plan would fail."
    rules = [_at(text, "that the plan would fail")]
    longer = [_at(text, "on Monday that the plan would fail")]
    sure = _belief(text, {}, {"on": 0.95, "Monday": 0.97})
    assert sure.prefers_own(longer, rules)
    assert not _belief(text, {}, {"on": 0.7, "Monday": 0.8}).prefers_own(longer, rules)
    shorter = [_at(text, "the plan would fail")]  # leaves out "that"
    assert _belief(text, {}, {"that": 0.01}).prefers_own(shorter, rules)
    assert not _belief(text, {}, {"that": 0.3}).prefers_own(shorter, rules)
    assert not sure.prefers_own(rules, rules)


def test_a_statement_the_rules_find_spoken_of_keeps_no_speaker():
    text = "Moscow has been accused of exaggerating its successes."
    doc = nlp.load()(text)
    # the model tags "Moscow" as the source; the rules know it is spoken of
    spans = {
        "content": [_at(text, "exaggerating its successes")],
        "cue": [_at(text, "has been accused of")],
        "source": [_at(text, "Moscow")],
    }
    [s] = to_statements(doc, with_rules(doc, assemble(doc, spans), find(doc)), "a")
    assert s.speaker.mention is None
    assert s.content_text.startswith("Moscow")


def test_cue_pieces_are_those_the_cue_overlaps():
    offsets = [(0, 5), (6, 10), (10, 10), (11, 13), (13, 19)]  # a piece may be empty
    assert cue_pieces(offsets, [(6, 10)]) == [1]
    assert cue_pieces(offsets, [(0, 3), (12, 14)]) == [0, 3, 4]
    assert cue_pieces(offsets, [(5, 6)]) == []


def test_the_edge_window_marks_the_cue_and_centres_it():
    ids = list(range(1000, 2000))
    out, where = edge_window(ids, [500, 501], cls=-1, sep=-2)
    assert len(out) == WINDOW + 4  # the pieces, two marks, [CLS] and [SEP]
    assert (out[0], out[-1], where[0], where[-1]) == (-1, -2, None, None)
    k = where.index(500)
    assert out[k - 1 : k + 3] == [MARKS[0], 1500, 1501, MARKS[1]]
    assert where[1] == 500 - 126 and where[-2] == 501 + 126  # as many pieces on each side


def test_the_edge_window_gives_room_it_cannot_use_on_one_side_to_the_other():
    ids = list(range(1000, 2000))
    out, where = edge_window(ids, [3, 10, 11], cls=-1, sep=-2)
    assert where[1] == 0 and where[-2] == WINDOW - 1
    # each run of the cue between its own marks
    assert out[1:7] == [1000, 1001, 1002, MARKS[0], 1003, MARKS[1]]
    k = where.index(10)
    assert out[k - 2 : k + 3] == [1009, MARKS[0], 1010, 1011, MARKS[1]]
    short, _ = edge_window(ids[:20], [5], cls=-1, sep=-2)
    assert len(short) == 20 + 4


def test_the_model_redraws_a_statements_content_and_source_from_its_cue():
    for text, content, source in [
        (
            "Officials in Ohio said on Monday that the bridge would reopen in May.",
            ["that the bridge would reopen in May"],
            "Officials in Ohio",
        ),
        (  # a quotation split by its cue is one content in two parts
            '"The bridge will reopen in May," the governor told reporters, "and not a day later."',
            ['"The bridge will reopen in May,"', '"and not a day later."'],
            "the governor",
        ),
    ]:
        doc = nlp.load()(text)
        cue = [t for t in doc if t.lemma_ in ("say", "tell")]
        # given the whole sentence as content and no source
        f = Found(source=[], cue=cue, content=[(0, len(text))])
        redraw_edges(doc, [f])
        assert [text[s:e] for s, e in f.content] == content
        assert " ".join(t.text for t in f.source) == source


def _edges(doc, marked: dict[str, tuple[str, str]]):
    """What the model would give ``edge_probs``: per cue word, its source and content."""
    text = doc.text
    offsets = [(t.idx, t.idx + len(t)) for t in doc]

    def probs(cue_spans):
        cue = text[cue_spans[0][0] : cue_spans[-1][1]]
        p = np.zeros((len(doc), 2, 3), dtype=np.float32)
        p[:, :, 0] = 1.0
        for r, part in enumerate(marked[cue]):
            if part:
                s, e = _at(text, part)
                inside = [t.i for t in doc if s <= t.idx < e]
                p[inside, r] = [0.0, 0.0, 1.0]
                p[inside[0], r] = [0.0, 1.0, 0.0]
        return p

    return lambda _text, cues: (offsets, [probs(c) for c in cues])


def test_a_redrawn_content_does_not_take_in_another_statements_cue(monkeypatch):
    text = "Kyiv reported gains and Putin said Russian forces had inflicted losses."
    doc = nlp.load()(text)
    reported = Found(source=[doc[0]], cue=[doc[1]], content=[_at(text, "gains")])
    said = Found(source=[doc[4]], cue=[doc[5]], content=[_at(text, "Russian forces")])
    edges = {
        "reported": ("", "gains and Putin said Russian forces had inflicted losses"),
        "said": ("", "Russian forces had inflicted losses"),
    }
    monkeypatch.setattr(tagger, "edge_probs", _edges(doc, edges))
    redraw_edges(doc, [reported, said])
    assert [text[s:e] for s, e in reported.content] == ["gains"]
    assert [text[s:e] for s, e in said.content] == ["Russian forces had inflicted losses"]


def test_a_nested_statement_stays_in_the_content_that_held_it(monkeypatch):
    text = "Smith said Jones claimed the plan would fail."
    doc = nlp.load()(text)
    said = Found(source=[doc[0]], cue=[doc[1]], content=[_at(text, "Jones claimed the plan")])
    claimed = Found(source=[doc[2]], cue=[doc[3]], content=[_at(text, "the plan")])
    edges = {
        "said": ("", "Jones claimed the plan would fail"),
        "claimed": ("", "the plan would fail"),
    }
    monkeypatch.setattr(tagger, "edge_probs", _edges(doc, edges))
    redraw_edges(doc, [said, claimed])
    assert [text[s:e] for s, e in said.content] == ["Jones claimed the plan would fail"]
    assert [text[s:e] for s, e in claimed.content] == ["the plan would fail"]


def test_a_redrawn_who_is_the_source_but_the_speaker_stays_named(monkeypatch):
    text = "It was Biden who said the bloc faces a crucial moment."
    doc = nlp.load()(text)
    said = Found(source=[doc[2]], cue=[doc[4]], content=[_at(text, "the bloc faces")])
    edges = {"said": ("who", "the bloc faces a crucial moment")}
    monkeypatch.setattr(tagger, "edge_probs", _edges(doc, edges))
    redraw_edges(doc, [said])
    assert [t.text for t in said.phrase] == ["who"]  # as annotators mark it
    assert [t.text for t in said.source] == ["Biden"]  # whom the statement is given to


def test_the_edge_pass_leaves_a_settled_statement(monkeypatch):
    text = "Smith said the plan would fail, and Jones said it would work."
    doc = nlp.load()(text)
    smith = Found(source=[doc[0]], cue=[doc[1]], content=[_at(text, "the plan would fail")])
    jones = Found(source=[doc[8]], cue=[doc[9]], content=[_at(text, "it would")])
    smith.settled = True  # (the rules and the tagger drew the same content)
    edges = {"said": ("", "the plan")}  # what the model would say for either cue
    monkeypatch.setattr(tagger, "edge_probs", _edges(doc, edges))
    redraw_edges(doc, [smith, jones])
    assert [text[s:e] for s, e in smith.content] == ["the plan would fail"]  # left as it was
    # (the fake model gives both cues "the plan": jones's content is redrawn, so it moved)
    assert [text[s:e] for s, e in jones.content] == ["the plan"]


def test_a_statement_is_settled_when_the_rules_and_the_model_agree():
    text = "The minister said the plan had failed. Aides said it was a success."
    doc = nlp.load()(text)
    ruled = find(doc)
    ruled_content = {text[s:e] for r in ruled for s, e in r.content}
    assert {"the plan had failed", "it was a success"} <= ruled_content  # (the rules' reading)
    spans = {
        "content": [_at(text, "the plan had failed"), _at(text, "a success")],
        "cue": [_at(text, "said"), _at(text, "said", 1)],
        "source": [_at(text, "The minister"), _at(text, "Aides")],
    }
    merged = with_rules(doc, assemble(doc, spans), ruled)
    by_cue = {f.cue[0].i: f for f in merged}
    assert by_cue[2].settled  # the same content in both readings
    assert not by_cue[9].settled  # "a success" against "it was a success"
    assert [text[s:e] for s, e in by_cue[9].content] == ["it was a success"]  # the rules'


def test_a_quotation_only_the_rules_found_is_settled():
    text = '"We will win," the mayor said. Aides said the plan had failed.'
    doc = nlp.load()(text)
    merged = with_rules(doc, [], find(doc))  # the model found nothing
    quoted = next(f for f in merged if f.quotes)
    reported = next(f for f in merged if not f.quotes)
    assert quoted.settled  # its quotation marks are its edges
    assert not reported.settled  # the edge pass reads it again
