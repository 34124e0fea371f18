"""Leftover marking: what is skipped, what is kept, and that the text is never changed."""

from __future__ import annotations

from onrecord.read.clean import analysis_view, clean

PAGE = """NewsletterNewslettersEventsEventsPodcasts
ADVERTISEMENT

Minister says budget will pass

The minister at a press event. Photo/Jane Doe via Reuters
By Jane Doe
Share this article

The finance minister said on Monday that the budget would pass this week.

Budget talks

"We have the votes," she told reporters.

You might also like

Rival urges delay on vote
"""


def _reasons(text):
    result = clean(text)
    return {text[s.start : s.end]: s.reason for s in result.skips}, result


def test_leftovers_are_marked_not_removed():
    marked, result = _reasons(PAGE)
    assert marked["NewsletterNewslettersEventsEventsPodcasts"] == "navigation"
    assert marked["ADVERTISEMENT"] == "navigation"
    assert marked["The minister at a press event. Photo/Jane Doe via Reuters"] == "caption"
    assert marked["By Jane Doe"] == "byline"
    assert marked["Share this article"] == "navigation"
    assert marked["Budget talks"] == "heading"
    assert marked["Rival urges delay on vote"] == "related"
    # body paragraphs are kept
    assert not any("finance minister" in k or "We have the votes" in k for k in marked)
    assert PAGE[slice(*result.title_span)] == "Minister says budget will pass"


def test_analysis_view_keeps_offsets():
    result = clean(PAGE)
    view = analysis_view(PAGE, result.skips, result.title_span)
    assert len(view) == len(PAGE)
    assert view.count("\n") == PAGE.count("\n")
    assert "ADVERTISEMENT" not in view and "Minister says" not in view
    start = PAGE.index("The finance minister")
    assert view[start : start + 20] == "The finance minister"


def test_printed_date_line():
    text = " date 2023-10-19 loading…\n\nThe minister said the budget would pass.\n"
    marked, result = _reasons(text)
    assert result.published == "2023-10-19" and result.published_line == 1
    assert list(marked.values()) == ["date"]


def test_impossible_printed_date_is_kept_as_printed_with_its_line():
    # (ingest.iso_date refuses it later, naming the line; cleaning only reads the page)
    text = "Headline words here\n\n date 2023-13-45 loading…\n2024-01-02 loading…\nBody.\n"
    marked, result = _reasons(text)
    assert (result.published, result.published_line) == ("2023-13-45", 3)
    assert list(marked.values()) == ["date", "date"]


def test_donation_appeal_and_everything_after_it():
    text = (
        "The minister said the budget would pass, and that talks would go on all week.\n\n"
        "… we have a small favor to ask. Please support us.\n\n"
        "Not ready to support today?\nRemind me later.\n"
    )
    marked, _ = _reasons(text)
    assert set(marked.values()) <= {"appeal", "related", "navigation"}
    assert len(marked) == 3


def test_plain_article_has_no_skips():
    text = "The minister said on Monday that the budget would pass.\nShe added that it was fair.\n"
    assert clean(text).skips == []


def test_outlet_named_by_the_page():
    text = "Support The Moscow Times!\n\nThe minister said the budget would pass.\n"
    assert clean(text).outlet == "The Moscow Times"
    assert clean("© 2024 Example News. All rights reserved.\n\nThe minister said so.\n").outlet == (
        "Example News"
    )
    assert clean("The minister said the budget would pass.\n").outlet is None


def test_signed_quotation_is_not_a_heading():
    text = (
        "Minister says budget will pass\n\n"
        "The finance minister said on Monday that the budget would pass this week.\n"
        "Readers' views\n"
        "“The budget is a good one. It will pass.” ― Sonya Herridge\n"
        '"It will fail in the House." - Tom Hale\n'
    )
    marked, _ = _reasons(text)
    assert marked == {"Readers' views": "heading"}
