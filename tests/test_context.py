"""Speech acts read off the cue and the content (each expectation checked by hand)."""

from __future__ import annotations

import pytest

from onrecord.find.acts import speech_act
from onrecord.find.context import resolve_date
from onrecord.model import SPEECH_ACTS
from onrecord.record import schema


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
        ("ask", "the merger", "Asked about", "question"),
        ("ask", "about the merger", "asked", "question"),
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


@pytest.mark.parametrize(
    ("expression", "published", "expected"),
    [
        ("on Wednesday", "2023-10-19", ("2023-10-18", "day")),  # 10-19 was a Thursday
        ("Thursday", "2023-10-19", ("2023-10-19", "day")),  # the paper's own day
        ("18/10/2023", "2023-10-19", ("2023-10-18", "day")),
        ("yesterday", "2023-10-19", ("2023-10-18", "day")),
        ("Sept. 5", "2024-09-10", ("2024-09-05", "day")),
        ("last week", "2023-06-13", ("2023-06-05", "week")),  # the Monday of the week before
        ("last month", "2023-10-19", ("2023-09-01", "month")),
        ("in November", "2024-06-05", ("2023-11-01", "month")),  # the last November before
        ("in 2014", "2024-06-05", None),  # ten years back: a date of the events talked about
        ("tomorrow", "2023-10-19", None),  # not when anything was said
    ],
)
def test_resolve_date(expression, published, expected):
    assert resolve_date(expression, published) == expected


@pytest.mark.parametrize("published", ["not a date", "2023-13-45", "19/10/2023", ""])
def test_resolve_date_with_a_publication_date_it_cannot_read(published):
    # relative expressions have nothing to count from; explicit dates still resolve
    assert resolve_date("18/10/2023", published) == ("2023-10-18", "day")
    assert resolve_date("on Wednesday", published) is None


def test_resolve_date_from_a_timestamp_counts_from_its_day():
    assert resolve_date("on Wednesday", "2023-10-19T10:00:00Z") == ("2023-10-18", "day")


def test_annotate_with_a_publication_date_it_cannot_read():
    from onrecord.find import nlp
    from onrecord.find.context import annotate
    from onrecord.model import Cue, Speaker, Statement

    text = "The minister said on Monday that the budget would pass."
    doc = nlp.load()(text)
    stmt = Statement(
        "a",
        Speaker("minister", "The minister", (0, 12), "person"),
        Cue("said", (13, 17), "say"),
        [(30, 55)],
        text[30:55],
        "indirect",
    )
    annotate(doc, [stmt], "2023-02-30")
    assert stmt.said_on is None  # no date to count "Monday" from, none to fall back on
    annotate(doc, [stmt], "2023-10-19T10:00:00+02:00")
    assert (stmt.said_on.date, stmt.said_on.source) == ("2023-10-16", "text")


def one(extract, text, published):
    [stmt] = extract(text, published=published)
    return schema.statement_json(stmt)


def test_date_venue_and_audience_of_the_cue_clause(extract):
    s = one(
        extract,
        "Putin told reporters in Beijing on Wednesday that the missiles were a mistake.\n",
        "2023-10-19",
    )
    assert (s["said_on"]["date"], s["said_on"]["source_text"], s["said_on"]["from"]) == (
        "2023-10-18",
        "on Wednesday",
        "text",
    )
    assert s["venue"]["text"] == "in Beijing"
    assert s["audience"]["text"] == "reporters"
    s = one(
        extract,
        "Speaking at the Eastern Economic Forum in Vladivostok on Thursday, Putin said that Russia would not retreat.\n",
        "2024-09-05",
    )
    assert s["said_on"]["date"] == "2024-09-05"
    assert s["venue"]["text"] == "at the Eastern Economic Forum in Vladivostok"
    s = one(
        extract,
        "The president said last week in an interview with the BBC that the talks had failed.\n",
        "2023-06-13",
    )
    assert (s["said_on"]["date"], s["said_on"]["precision"]) == ("2023-06-05", "week")
    assert s["venue"]["text"] == "in an interview with the BBC"
    assert s["audience"]["text"] == "the BBC"


def test_context_from_a_sentence_about_the_remarks(extract):
    text = (
        "Putin said that Russia could arm other countries.\n\n"
        "The comment — which Putin made at a rare press conference with foreign news outlets — "
        "drew criticism in Washington.\n"
    )
    s = one(extract, text, "2024-06-05")
    assert s["venue"]["text"] == "at a rare press conference with foreign news outlets"
    assert s["audience"]["text"] == "foreign news outlets"
    assert s["said_on"] == {
        "date": "2024-06-05",
        "precision": "day",
        "source_text": None,
        "from": "published",
    }


def test_dates_inside_the_content_are_not_when_it_was_said(extract):
    s = one(
        extract,
        "Putin said that the war began in 2014 and that troops left on Monday.\n",
        "2024-06-05",
    )
    assert s["said_on"]["from"] == "published"


def test_targets_and_numbers(extract):
    s = one(
        extract,
        "Putin said that supplying ATACMS to Ukraine was another mistake by the United States.\n",
        "2023-10-19",
    )
    assert [t["text"] for t in s["targets"]] == ["ATACMS", "Ukraine", "the United States"]
    s = one(
        extract,
        "Putin said that Russia had lost 54 tanks and that the US had sent $325 million in weapons.\n",
        "2023-06-13",
    )
    numbers = {n["text"]: n for n in s["numbers"]}
    assert (numbers["54"]["value"], numbers["54"]["counts"]) == (54.0, "tanks")
    assert (numbers["$325 million"]["value"], numbers["$325 million"]["unit"]) == (325e6, "$")


def test_seed_said_on_dates(seed_results):
    """The bundled seeds give said_on dates from 2019 to 2024 (with their metadata)."""
    by_file = {
        name: [s for s in r.statements if s.speaker.name == "Vladimir Putin"]
        for name, r in seed_results.items()
    }
    atacms = next(
        s for s in by_file["000_fde3fa9627d4bcef.txt"] if "why supply ATACMS" in s.content_text
    )
    assert (atacms.said_on.date, atacms.said_on.source) == ("2023-10-18", "text")
    kremlin_leader = next(
        s for s in by_file["000_fde3fa9627d4bcef.txt"] if s.cue and s.cue.text == "criticized"
    )
    assert kremlin_leader.said_on.date == "2023-10-18"  # the next sentence: the same remarks
    years = {s.said_on.date[:4] for stmts in by_file.values() for s in stmts}
    assert min(years) == "2019" and max(years) == "2024"
    assert all(s.said_on is not None for stmts in by_file.values() for s in stmts)


def test_a_deadline_is_not_when_the_words_were_said():
    from pathlib import Path

    from onrecord import extract

    # a PolNeAR train article: "Nye won't get a vote until 2017 or even early 2018" once
    # dated a statement of its paragraph to 2017, a year after the article
    root = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear" / "train"
    text = (root / "text" / "huff-post_2016-04-12_republicans-finally-confirmed-a-.txt").read_text()
    found = extract(text)  # (as it came, with no date of publication)
    assert found
    assert not [s.said_on.text for s in found if s.said_on and s.said_on.date >= "2017"]
