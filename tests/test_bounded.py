"""Bounded work per article: hostile texts that used to take minutes (or hours) come out
right in linear time, long texts are parsed in pieces, and an article that still runs past
its time budget is skipped with a message while the batch goes on.

No test here times anything: the hostile sizes are ones the old code took minutes or more
on (noted per test), so a return to it fails loudly by running CI out of time.
"""

from __future__ import annotations

import random
import time

import pytest

from onrecord import extract
from onrecord.find import budget, context, nlp, pipeline
from onrecord.find.quotes import Quote, QuoteIndex, find_quotes, quote_at
from onrecord.find.speakers import ORG_LABELS, _latest_first
from onrecord.find.tagger import _gap_words, _Gaps, _pieces_in, cue_pieces, decode
from onrecord.read.article import make_article
from onrecord.read.clean import analysis_view
from onrecord.record import store
from onrecord.record.ingest import ingest

# --- the hostile texts ------------------------------------------------------------------


def test_a_chain_of_pronoun_statements_with_nobody_named_resolves_each_to_no_one():
    # 60 links: the old antecedent search tried every earlier "he" for every "he" (48 s at
    # 30 links, each ten more about eight times as long)
    text = " ".join(['"Yes" he said and'] * 60) + " left."
    found = extract(text)
    assert len(found) >= 30
    assert {(s.speaker.mention, s.speaker.name, s.speaker.kind) for s in found} == {
        ("he", None, "person")
    }


def test_a_chain_after_a_name_resolves_every_he_to_that_person():
    text = "Vladimir Putin arrived.\n\n" + " ".join(['"Yes" he said and'] * 60) + " left."
    found = extract(text)
    assert len(found) >= 30
    assert {s.speaker.name for s in found} == {"Vladimir Putin"}


def test_a_storm_of_quoted_statements_gives_each_its_own():
    # 800 quotation marks in one line: quote lookups and the speaker search were each
    # quadratic or worse (2,000 marks took 18 s, 10,000 did not end in 300 s)
    found = extract(" ".join(['"Yes, no," he said.'] * 400))
    assert len(found) == 400
    assert {s.content_text for s in found} == {'"Yes, no,"'}
    assert {(s.speaker.mention, s.kind) for s in found} == {("he", "direct")}
    assert [s.content_spans[0][0] for s in found] == [20 * k for k in range(400)]


def test_one_line_paragraphs_each_give_a_statement():
    text = '"Word," he said.\n' * 500
    found = extract(text, mode="fast")
    assert len(found) == 500
    assert [s.cue.span[0] for s in found] == [17 * k + 11 for k in range(500)]


def test_statements_in_a_giant_sentence_are_all_found_and_placed():
    # the tagger's pairing weighs only the nearest cues of a sentence of thousands
    text = " ".join(['"Yes" he said and'] * 400) + " left."
    found = extract(text)
    assert len(found) > 200
    assert all(text[s:e] for st in found for s, e in st.content_spans)
    assert all(text[slice(*st.cue.span)] == "said" for st in found)


# --- long texts in pieces ---------------------------------------------------------------

NEWS = (
    '"We will not give up," President Vladimir Putin said on Wednesday.\n\n'
    "The minister told reporters that the talks had failed.\n\n"
    'According to the ministry, the troops will stay. "It is over," she added.\n\n'
)


def test_an_according_to_chain_in_one_sentence_gives_short_statements():
    # 3,000 "according to X" in one sentence: each statement's clause was the whole sentence
    # (and the content model drew over all of it), so the work grew with the square of the
    # chain: 1,000 links took 88 s, 34,000 (a 962 KB text) ran past their budget at 6 GB
    rng = random.Random(3)
    names = ["Olaf Scholz", "Maria Garcia", "Li Wei", "John Smith"]
    text = "The war is over, according to "
    text += ", according to ".join(rng.choice(names) for _ in range(3000)) + "."
    found = extract(text, mode="fast")
    longest = max(e - s for f in found for s, e in f.content_spans)
    assert longest < 20_000  # the clause of MAX_CLAUSE tokens at most, not the sentence


def test_the_entities_inside_a_mention_are_spacys():
    from onrecord.find.speakers import ArticleSpeakers

    doc = nlp.load()(
        "The Kremlin and the White House met in Geneva. NATO, the European Union and "
        "Germany's Bundestag said so, as did the Red Cross in Paris on Monday."
    )
    speakers = ArticleSpeakers(doc)
    for start in range(len(doc)):
        for end in range(start + 1, min(len(doc), start + 12) + 1):
            span = doc[start:end]
            mine = [(e.start, e.end) for e in speakers._org_like_in(span)]
            theirs = [(e.start, e.end) for e in span.ents if e.label_ in ORG_LABELS]
            assert mine == theirs, span.text


def test_long_runs_without_a_space_are_cut_for_the_tokenizer(monkeypatch):
    # a run of 36,000 quotation marks held spaCy's tokenizer for minutes, beyond the budget
    text = "He said so. " * 10 + '"' * 5_500 + " and then " + "x" * 1_500 + " the end."
    cuts = nlp._split_runs(text, 0, len(text))
    assert cuts[0][0] == 0 and cuts[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(cuts, cuts[1:], strict=False))
    assert max(e - s for s, e in cuts if '"' in text[s:e]) <= nlp.RUN_CHARS
    assert any(text[s:e] == "x" * 1_500 for s, e in cuts) is False  # a short run stays whole
    monkeypatch.setattr(nlp, "PIECE_CHARS", 3_000)
    doc = nlp.parse(nlp.load(), text)
    assert doc.text == text


def test_pieces_cover_the_text_at_breaks_and_none_is_longer_than_asked():
    text = NEWS * 20 + "word " * 400 + "x" * 700 + "\n" + NEWS
    cuts = nlp.pieces(text, 500)
    assert cuts[0][0] == 0 and cuts[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(cuts, cuts[1:], strict=False))
    assert all(0 < e - s <= 500 for s, e in cuts)
    ends = [text[e - 1] for _, e in cuts[:-1]]
    assert ends.count("\n") > 5 and " " in ends and "x" in ends  # break, space, hard cut


def test_a_long_text_parsed_in_pieces_keeps_every_offset():
    text = NEWS * 12
    doc = nlp.parse(nlp.load(), text, size=400)
    assert doc.text == text
    assert all(text[t.idx : t.idx + len(t)] == t.text for t in doc)
    assert len(doc.ents) == 12 * len(nlp.load()(NEWS).ents)


def test_a_text_over_spacys_limit_is_found_in_pieces(monkeypatch):
    # spaCy refuses a text over max_length (E088); the pieces stay under it
    monkeypatch.setattr(nlp, "PIECE_CHARS", 500)
    monkeypatch.setattr(nlp.load(), "max_length", 1000)
    text = NEWS * 10
    found = extract(text, mode="fast")
    one = extract(NEWS, mode="fast")
    assert len(found) == 10 * len(one) and len(one) >= 3
    for stmt in found:
        assert stmt.content_text == " … ".join(text[s:e] for s, e in stmt.content_spans)
        assert text[slice(*stmt.cue.span)] == stmt.cue.text
    assert {s.speaker.name for s in found} >= {"Vladimir Putin"}


# --- the time budget --------------------------------------------------------------------


def _articles(*texts: str):
    return [make_article(t, check_language=False, path=f"a{k}.txt") for k, t in enumerate(texts)]


def test_an_article_past_its_budget_is_skipped_and_the_next_one_found(monkeypatch):
    # (the budget is long enough for the good article on a busy machine)
    monkeypatch.setenv("ONRECORD_ARTICLE_SECONDS", "2")
    annotate = context.annotate

    def stuck(doc, statements, published):  # a stage that runs on, checking its budget
        if "stuck" in nlp.text_of(doc):
            while True:
                budget.check()
                time.sleep(0.01)
        return annotate(doc, statements, published)

    monkeypatch.setattr(context, "annotate", stuck)
    first, second = pipeline.analyze(_articles("stuck. " + NEWS, NEWS), batch_size=1)
    assert first.problem is not None and first.statements == []
    assert first.problem.path == "a0.txt"
    assert first.problem.reason == "took longer than 2 s to analyse; skipped"
    assert second.problem is None and len(second.statements) >= 3


@pytest.mark.parametrize("mode", ["fast", "default"])
def test_the_articles_before_a_long_text_come_out_before_its_parse(monkeypatch, mode):
    # a long text used to be parsed while spaCy gathered its batch: the short articles of
    # the batch came out only after it (a fuzz batch stored nothing for 120 s)
    consumed: list = []
    at_parse: list[int] = []
    parse = nlp.parse

    def watched(pipeline_, text, size=None):
        at_parse.append(len(consumed))
        return parse(pipeline_, text, size)

    monkeypatch.setattr(nlp, "parse", watched)
    monkeypatch.setattr(nlp, "PIECE_CHARS", 300)
    for result in pipeline.analyze(_articles(NEWS, NEWS, NEWS * 3, NEWS), mode=mode):
        consumed.append(result)
    assert at_parse == [2]  # both short articles out before the long one's parse
    assert [r.article.path for r in consumed] == ["a0.txt", "a1.txt", "a2.txt", "a3.txt"]
    assert all(r.problem is None and len(r.statements) >= 3 for r in consumed)


@pytest.mark.parametrize("mode", ["fast", "default"])
def test_a_text_with_more_statements_than_an_article_is_skipped(monkeypatch, mode):
    # (the bound is 2,000; a text with as many near-identical statements made the
    # clustering's candidate pairs grow with their square: 14 GB for 23,850 of them)
    many = '"Yes," he said. ' * 8
    monkeypatch.setattr(pipeline, "MAX_STATEMENTS", 5)
    first, second = pipeline.analyze(_articles(many, NEWS), batch_size=1, mode=mode)
    assert first.statements == [] and first.problem.path == "a0.txt"
    assert first.problem.reason == "8 statements found, more than an article holds (5); skipped"
    assert second.problem is None and 3 <= len(second.statements) <= 5


@pytest.mark.parametrize("mode", ["fast", "default"])
def test_a_long_text_past_its_budget_is_skipped_in_its_parse(monkeypatch, mode):
    monkeypatch.setenv("ONRECORD_ARTICLE_SECONDS", "0.000001")
    monkeypatch.setattr(nlp, "PIECE_CHARS", 300)
    [long] = pipeline.analyze(_articles(NEWS * 5), mode=mode)
    assert long.problem is not None and "longer than 1e-06 s" in long.problem.reason


def test_no_budget_when_it_is_zero(monkeypatch):
    monkeypatch.setenv("ONRECORD_ARTICLE_SECONDS", "0")
    assert budget.ends_at(budget.seconds()) is None
    with budget.deadline(None, 0):
        budget.check()  # (never raises)


def test_ingest_reports_an_article_past_its_budget_and_stores_the_rest(monkeypatch, tmp_path):
    monkeypatch.setenv("ONRECORD_ARTICLE_SECONDS", "2")
    annotate = context.annotate

    def stuck(doc, statements, published):
        while "stuck" in nlp.text_of(doc):
            budget.check()
            time.sleep(0.01)
        return annotate(doc, statements, published)

    monkeypatch.setattr(context, "annotate", stuck)
    (tmp_path / "a.txt").write_text("Talks fail\n\nThe talks are stuck.\n\n" + NEWS)
    (tmp_path / "b.txt").write_text("Talks go on\n\nThe talks go on.\n\n" + NEWS)
    conn = store.connect(str(tmp_path / "db.sqlite"))
    seen = []
    summary = ingest(conn, [str(tmp_path)], on_problem=seen.append)
    assert summary.added == 1 and summary.statements >= 3
    assert [p.reason for p in summary.problems] == ["took longer than 2 s to analyse; skipped"]
    assert seen == summary.problems and summary.problems[0].path.endswith("a.txt")
    assert [r[0] for r in conn.execute("SELECT path FROM articles")][0].endswith("b.txt")


# --- the lookups that keep it linear give what a scan gives -----------------------------


def test_quote_lookups_give_what_a_scan_gives():
    rng = random.Random(7)
    for _ in range(300):
        quotes = []
        for _ in range(rng.randint(0, 8)):
            spans = []
            for _ in range(rng.randint(1, 3)):
                s = rng.randint(0, 60)
                spans.append((s, s + rng.randint(1, 12)))
            quotes.append(Quote(sorted(spans)))
        spans = [tuple(sorted((rng.randint(0, 70), rng.randint(0, 70)))) for _ in range(2)]
        index, whole = QuoteIndex(quotes), QuoteIndex(quotes, whole=True)
        for pos in range(75):
            assert index.at(pos) is quote_at(pos, quotes)
        overlap = [q for q in quotes if any(s < q.end and q.start < e for s, e in spans)]
        assert whole.overlapping(spans) == overlap
        assert whole.starting_in(spans) == [
            q for q in quotes if any(s <= q.start < e for s, e in spans)
        ]


def test_quotes_found_do_not_overlap_and_come_in_order():
    text = '"A," he said. "B\n"C" and “D” ”E\n"F' * 50
    quotes = find_quotes(text)
    assert all(a.end <= b.start for a, b in zip(quotes, quotes[1:], strict=False))


def test_word_gaps_and_cue_pieces_by_bisection_give_what_a_count_gives():
    rng = random.Random(3)
    for _ in range(300):
        text = "".join(rng.choice(["ab", " ", ",", "é", "_", "\n", "1"]) for _ in range(30))
        gaps = _Gaps(text)
        offsets = [(m.start(), m.end()) for m in __import__("re").finditer(r"\S", text)]
        starts, ends = [s for s, _ in offsets], [e for _, e in offsets]
        for _ in range(10):
            a = tuple(sorted(rng.randint(0, len(text)) for _ in range(2)))
            b = tuple(sorted(rng.randint(0, len(text)) for _ in range(2)))
            assert gaps(a, b) == _gap_words(text, a, b)
            assert _pieces_in(starts, ends, [a, b]) == cue_pieces(offsets, [a, b])


def test_decoding_the_marked_pieces_alone_gives_what_decoding_all_gives():
    import numpy as np

    rng = random.Random(5)
    for _ in range(300):
        text, offsets = "", []
        for _ in range(rng.randint(1, 12)):
            text += " " * rng.randint(0, 1)
            s = len(text)
            text += rng.choice(["ab", "c", ","])
            offsets += [(s, s + 1), (s + 1, len(text))] if len(text) - s == 2 else [(s, len(text))]
        labels = np.zeros((len(offsets), 2), dtype=int)
        lo = rng.randint(0, len(offsets))
        hi = rng.randint(lo, len(offsets))
        for i in range(lo, hi):
            labels[i] = [rng.randint(0, 2), rng.randint(0, 2)]
        marked = np.flatnonzero(labels.any(axis=1))
        a, b = (int(marked[0]), int(marked[-1]) + 1) if len(marked) else (0, 0)
        assert decode(text, offsets, labels[a:b], ("x", "y"), first=a) == decode(
            text, offsets, labels, ("x", "y")
        )


def test_subjects_are_merged_latest_first_within_the_range():
    assert list(_latest_first(([1, 4, 9], [2, 4, 7, 12]), 2, 12)) == [9, 7, 4, 2]
    assert list(_latest_first(([], [3]), 0, 3)) == []
    assert list(_latest_first(([1, 8], [5], [2, 6]), 0, 9)) == [8, 6, 5, 2, 1]


def test_the_view_of_a_long_article_has_its_length():
    text = NEWS * 3
    article = make_article(text, check_language=False)
    assert len(analysis_view(article.text, article.skips, article.title_span)) == len(text)


def test_the_budget_grows_with_the_text(monkeypatch):
    monkeypatch.delenv("ONRECORD_ARTICLE_SECONDS", raising=False)
    assert budget.seconds(0) == budget.seconds(5_000) == budget.ARTICLE_SECONDS == 60
    assert budget.seconds(430_000) == 258  # an ordinary long article gets its length's time
    monkeypatch.setenv("ONRECORD_ARTICLE_SECONDS", "2")
    assert budget.seconds(250_000) == 5


def test_the_extract_command_reports_an_article_past_its_budget(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from onrecord.cli import main

    monkeypatch.setenv("ONRECORD_ARTICLE_SECONDS", "0.000001")
    monkeypatch.setattr(nlp, "PIECE_CHARS", 300)  # (parsed in pieces: the clock runs there)
    (tmp_path / "long.txt").write_text(NEWS * 5)
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "long.txt"), "--fast"])
    assert "skipped " in result.stderr and "to analyse; skipped" in result.stderr
    assert result.exit_code == 1  # nothing was analysed


def test_the_python_api_names_a_text_it_cannot_analyse():
    assert extract("   \n") == []
    with pytest.raises(ValueError, match="too long"):
        extract("word " * 250_000)
