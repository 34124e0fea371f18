"""The five bundled seed articles: statements a careful reader finds, checked by hand.

Each expectation is (speaker name, cue text or None, words the content must contain, kind).
"""

from __future__ import annotations

import re

import pytest

S000 = "000_fde3fa9627d4bcef.txt"
S001 = "001_6282c15775dd08d4.txt"
S002 = "002_b5f76a12fb72956c.txt"
S003 = "003_c3eefc58b1871f46.txt"
S004 = "004_526565fff0cb2d37.txt"

EXPECTED = {
    S000: [
        (
            "Vladimir Putin",
            "questioned",
            "narrative that Russia lost the war in Ukraine",
            "indirect",
        ),
        ("Vladimir Putin", "said", "If the war is lost, then why supply ATACMS?", "direct"),
        (
            "Vladimir Putin",
            "criticized",
            "supply of long-range ATACMS missiles to Kyiv as a mistake",
            "indirect",
        ),
        ("Volodymyr Zelensky", "said", "his troops had used the US Army’s ATACMS", "indirect"),
        (
            "Russian pro-war military bloggers",
            "claimed",
            "was used to attack Russian-controlled airfields",
            "indirect",
        ),
        (
            "US National Security Council",
            "confirmed",
            "it had supplied Ukraine with an ATACMS type",
            "indirect",
        ),
        ("Vladimir Putin", "told", "“another mistake by the United States", "mixed"),
        (
            "Vladimir Putin",
            "argued",
            "the new missiles would cause unnecessary casualties",
            "indirect",
        ),
        ("Vladimir Putin", "said", "completely incapable of changing the situation", "direct"),
        (
            "Vladimir Putin",
            "acknowledged",
            "would be damaging and pose additional threats",
            "indirect",
        ),
        ("Vladimir Putin", "urged", "Biden to travel to Moscow for talks", "indirect"),
        (
            "Vladimir Putin",
            "said",
            "he saw early signs of the Ukrainian leadership’s readiness",
            "indirect",
        ),
    ],
    S001: [
        ("Vladimir Putin", "criticized", "the West's delivery of long-range weapons", "indirect"),
        (
            "Vladimir Putin",
            "said",
            "If someone thinks it is possible to supply such weapons",
            "direct",
        ),
        ("Vladimir Putin", "told", "the response can be asymmetric", "direct"),
        ("Vladimir Putin", "said", "this definitively destroys Russian-German relations", "direct"),
        ("Vladimir Putin", "repeated", '"did not start the war against Ukraine', "mixed"),
        ("Vladimir Putin", "said", "nobody in the West, in Europe, wants to remember", "direct"),
        ("Vladimir Putin", "said", "the ratio is one to five", "direct"),
        ("Vladimir Putin", "said", "By and large there's no difference", "direct"),
        ("Vladimir Putin", "added", "being burned to the ground", "direct"),
        ("Vladimir Putin", "said", '"constant contact"', "mixed"),
        ("Vladimir Putin", "said", "The relevant services in the U.S. and Russia", "direct"),
    ],
    S002: [
        ("Vladimir Putin", "acknowledged", "lack sufficient advanced weapons", "indirect"),
        ("Vladimir Putin", "said", "Russia had lost 54 tanks", "indirect"),
        ("Vladimir Putin", "said", "Russian forces had inflicted “catastrophic” losses", "mixed"),
        ("Jens Stoltenberg", "said", "The counteroffensive is “making advances", "mixed"),
        ("Jens Stoltenberg", "said", "This is still early days", "direct"),
        ("Joe Biden", "said", "the bloc faces a crucial moment", "indirect"),
        ("Vladimir Putin", "said", "Russia is considering leaving the deal", "indirect"),
    ],
    S003: [
        ("Vladimir Putin", "described", 'Kursk region as a "failure"', "mixed"),
        ("Vladimir Putin", "said", "Ukraine's goal was to make Russia transfer troops", "direct"),
        (
            "Vladimir Putin",
            "claimed",
            "the goal of the Kursk incursion was to make Russia nervous",
            "indirect",
        ),
        (
            "Vladimir Putin",
            "said",
            "Russian armed forces have stabilised the situation",
            "indirect",
        ),
        ("Vladimir Putin", "asserted", "Ukraine has in fact weakened itself", "indirect"),
        (
            "Vladimir Putin",
            "announced",
            "prefer to have China, Brazil and India as mediators",
            "indirect",
        ),
    ],
    S004: [
        ("Vladimir Putin", "said", "Russia will produce new missiles", "indirect"),
        (
            "Vladimir Putin",
            "According to",
            "Moscow will not deploy them unless Washington",
            "indirect",
        ),
        ("Vladimir Putin", "told", "we’re not going to deploy", "direct"),
        ("Vladimir Putin", "said", "We will produce such missiles", "direct"),
        ("Vladimir Putin", "said", "he wasn’t pleased regarding potential plans", "indirect"),
        ("Vladimir Putin", "believes", "breaking the treaty was “counter-productive”", "mixed"),
        ("Vladimir Putin", "said", "Russia’s new weapons were talked about", "indirect"),
        ("Vladimir Putin", "According to", "he offered to sell Donald Trump", "indirect"),
        ("Vladimir Putin", "said", "I told Donald", "direct"),
        ("Vladimir Putin", "said", "why waste money", "direct"),
    ],
}

CASES = [(name, *exp) for name, exps in EXPECTED.items() for exp in exps]


@pytest.mark.parametrize("name,speaker,cue,words,kind", CASES)
def test_expected_statement(seed_results, name, speaker, cue, words, kind):
    _check_expected(seed_results, name, speaker, cue, words, kind)


@pytest.mark.parametrize("name,speaker,cue,words,kind", CASES)
def test_expected_statement_fast_mode(seed_results_fast, name, speaker, cue, words, kind):
    _check_expected(seed_results_fast, name, speaker, cue, words, kind)


@pytest.mark.parametrize("name,speaker,cue,words,kind", CASES)
def test_expected_statement_accurate_mode(seed_results_accurate, name, speaker, cue, words, kind):
    _check_expected(seed_results_accurate, name, speaker, cue, words, kind)


def _check_expected(seed_results, name, speaker, cue, words, kind):
    found = [s for s in seed_results[name].statements if words in s.content_text]
    assert found, f"no statement containing {words!r}"
    stmt = found[0]
    assert stmt.speaker.name == speaker
    # the cue holds the verb; its edges ("also said", "said:") follow PolNeAR's annotators
    if cue is None:
        assert stmt.cue is None
    else:
        words = " ".join(re.findall(r"\w+", stmt.cue.text))
        assert f" {cue} " in f" {words} ", stmt.cue.text
    assert stmt.kind == kind


def _statement(results, name, words):
    return next(s for s in results[name].statements if words in s.content_text)


def test_speakers_given_by_pronoun_or_description(seed_results):
    """Mentions that are only "he" or a description resolve to the full name."""
    pairs = [
        (S000, "supply of long-range ATACMS", "The Kremlin leader"),
        (S000, "would be damaging", "the Russian leader"),
        (S000, "unnecessary casualties", "He"),
        (S001, "being burned to the ground", "the Russian leader"),
        (S001, "By and large", "he"),
        (S004, "he wasn’t pleased", "Russia’s president"),
    ]
    for name, words, mention in pairs:
        stmt = _statement(seed_results, name, words)
        assert stmt.speaker.mention == mention
        assert stmt.speaker.name == "Vladimir Putin"
        assert stmt.speaker.kind == "person"


def test_split_quote_is_one_statement_with_two_spans(seed_results):
    # “It became clear ... drones,” Putin said. “We have them, but we lack quantity.”
    stmt = _statement(seed_results, S002, "It became clear that we lack many things")
    text = seed_results[S002].article.text
    assert len(stmt.content_spans) == 2
    assert text[slice(*stmt.content_spans[1])] == "“We have them, but we lack quantity.”"
    assert stmt.cue.text == "said"


def test_quote_over_paragraphs_is_one_statement(seed_results):
    # "Our favourite ... with her.  (no closing mark)  "Trump, on the other hand, ..."
    stmt = _statement(seed_results, S003, "Our favourite, if I can call it that")
    text = seed_results[S003].article.text
    assert len(stmt.content_spans) == 2
    assert text[slice(*stmt.content_spans[1])].startswith('"Trump, on the other hand')
    assert stmt.speaker.name == "Vladimir Putin"
    assert stmt.kind == "direct"


def test_quote_continued_in_next_paragraph_joins_statement(seed_results):
    stmt = _statement(seed_results, S001, "We will do everything in our power")
    text = seed_results[S001].article.text
    assert [text[s:e][:20] for s, e in stmt.content_spans] == [
        '"We will do everythi',
        '"We are ready to do ',
    ]


def test_one_statement_per_cue(seed_results):
    """'Putin urged Biden to ... and said he saw ...' gives two statements."""
    stmts = seed_results[S000].statements
    urged = [s for s in stmts if s.cue and s.cue.text == "urged"]
    said = [s for s in stmts if "early signs" in s.content_text]
    assert len(urged) == 1 and len(said) == 1
    assert "early signs" not in urged[0].content_text


def test_nothing_from_leftovers_or_headlines(seed_results):
    for result in seed_results.values():
        article = result.article
        blocked = [(s.start, s.end) for s in article.skips]
        if article.title_span:
            blocked.append(article.title_span)
        for stmt in result.statements:
            for start, end in stmt.content_spans:
                for b_start, b_end in blocked:
                    assert end <= b_start or start >= b_end, (article.path, stmt.content_text)


def test_caption_headline_and_related_links_give_no_statement(seed_results):
    texts = {n: [s.content_text for s in r.statements] for n, r in seed_results.items()}
    # photo caption of 000 restates the body ("criticized the United States for secretly ...")
    assert not any("for secretly supplying" in t for t in texts[S000])
    # headline of 001, related-article link of 003, donation appeal of 001
    assert not any("Arm Countries That Could Hit" in t for t in texts[S001])
    assert not any("reconsider" in t for t in texts[S003])
    assert not any("silenced" in t for t in texts[S001])


def test_no_duplicates(seed_results):
    for result in seed_results.values():
        contents = [tuple(map(tuple, s.content_spans)) for s in result.statements]
        assert len(contents) == len(set(contents))
        cues = [s.cue.span for s in result.statements if s.cue]
        assert len(cues) == len(set(cues))


def test_offsets_point_into_original_text(seed_results):
    for result in seed_results.values():
        text = result.article.text
        for stmt in result.statements:
            if stmt.speaker.span:
                assert text[slice(*stmt.speaker.span)] == stmt.speaker.mention
            if stmt.cue:
                assert text[slice(*stmt.cue.span)] == stmt.cue.text
            assert " … ".join(text[s:e] for s, e in stmt.content_spans) == stmt.content_text


def test_every_putin_statement_is_found_in_all_five(seed_results):
    with_putin = {
        n
        for n, r in seed_results.items()
        if any(s.speaker.name == "Vladimir Putin" for s in r.statements)
    }
    assert with_putin == set(EXPECTED)


def test_seed_metadata(seed_results):
    a000 = seed_results[S000].article
    assert a000.published == "2023-10-19"
    a001 = seed_results[S001].article
    assert a001.outlet == "The Moscow Times"
    assert a001.title == "Putin Threatens to Arm Countries That Could Hit Western Targets"
    assert seed_results[S004].article.published == "2019-09-05"
