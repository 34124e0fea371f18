"""The web pages in a real headless Chromium (Debian's), driven by Playwright.

Each test leaves a screenshot in ``test-artifacts/screenshots/`` for a person to look at.
Chromium is found at ``$ONRECORD_CHROMIUM`` or ``/usr/bin/chromium`` (``apt-get install
chromium``); Playwright's own browser download is not used.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect, sync_playwright

CHROMIUM = os.environ.get("ONRECORD_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}: apt-get install -y chromium"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, server):
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def background(locator) -> str:
    return locator.evaluate("el => getComputedStyle(el).backgroundColor")


def test_search_and_filter(page):
    page.goto("/")
    page.get_by_label("search").fill("ATACMS")
    page.get_by_label("search").press("Enter")
    expect(page).to_have_url(re.compile(r"q=ATACMS"))
    expect(page.locator(".summary")).to_contain_text("ATACMS")
    results = page.locator("li.statement")
    assert results.count() >= 5
    expect(results.first.locator(".speaker")).to_have_text("Vladimir Putin")
    assert "ATACMS" in page.locator(".summary").inner_text()
    shot(page, "search")
    # a speech-act facet narrows the results and is shown as chosen
    page.locator('[data-facet="speech_act"] a', has_text="question").click()
    expect(page).to_have_url(re.compile(r"act=question"))
    acts = page.locator("li.statement .tag.act").all_inner_texts()
    assert acts and set(acts) == {"question"}
    expect(page.locator('[data-facet="speech_act"] li.chosen')).to_contain_text("question")
    # removing it brings the others back
    before = results.count()
    page.locator('[data-facet="speech_act"] li.chosen a').click()
    expect(page).not_to_have_url(re.compile(r"act=question"))
    assert page.locator("li.statement").count() > before
    shot(page, "search-filtered")


def test_speaker_page_timeline(page):
    page.goto("/?q=ATACMS")
    page.locator("li.statement .speaker", has_text="Vladimir Putin").first.click()
    expect(page.locator("h1.speaker-name")).to_have_text("Vladimir Putin")
    expect(page.locator("dd.n-articles")).to_have_text("5")
    expect(page.locator("dd.first")).to_have_text(re.compile(r"^2019"))
    expect(page.locator("dd.last")).to_have_text(re.compile(r"^2024"))
    bars = page.locator("svg.timeline g.bar")
    periods = bars.evaluate_all("els => els.map(e => [e.dataset.period, +e.dataset.count])")
    assert [p for p, _ in periods] == ["2019", "2020", "2021", "2022", "2023", "2024"]
    counts = dict(periods)
    assert counts["2020"] == counts["2021"] == counts["2022"] == 0
    assert min(counts["2019"], counts["2023"], counts["2024"]) > 0
    assert page.locator("svg.timeline rect").count() >= 3
    dates = page.locator("ol.statements .date").all_inner_texts()
    assert dates == sorted(dates, reverse=True) and dates[0].startswith("2024")
    shot(page, "speaker")


def test_statement_page_highlights_speaker_cue_and_content(page):
    page.goto("/?q=ATACMS+supply+lost")
    page.locator("li.statement a.text").first.click()
    expect(page).to_have_url(re.compile(r"/statements/\w+"))
    quote = page.locator("blockquote.quote").inner_text()
    assert "why supply ATACMS" in quote
    text = page.locator("article.article-text")
    content = " ".join(text.locator("span.content:not(.other)").all_inner_texts())
    assert "If the war is lost, then why supply ATACMS?" in content
    expect(text.locator("span.speaker")).to_have_text("Putin")
    # the cue phrase, not the phrases around it ("in response to America's claims …")
    expect(text.locator("span.cue")).to_have_text("said")
    colours = {background(text.locator(f"span.{c}").first) for c in ("speaker", "cue", "content")}
    assert len(colours) == 3  # marked differently
    expect(page.locator("dd.said-on")).to_contain_text("2023-10-18")
    expect(page.locator("dd.said-on")).to_contain_text("on Wednesday (18/10/2023)")
    expect(page.locator("dd.venue")).to_have_text("during his visit to China")
    expect(page.locator("dd.targets .tag")).to_have_text(["ATACMS"])
    expect(page.locator(".reports li")).to_have_count(1)
    shot(page, "statement")


def test_article_page_marks_statements_and_greys_leftovers(page):
    page.goto("/?q=ATACMS")
    page.locator("li.statement .source a").first.click()
    expect(page).to_have_url(re.compile(r"/articles/\w+"))
    listed = page.locator(".article-statements li").count()
    assert listed >= 10
    numbered = page.locator("article.article-text [data-n]").evaluate_all(
        "els => new Set(els.map(e => e.dataset.n)).size"
    )
    assert numbered == listed
    caption = page.locator("article.article-text span.skip", has_text="Photo/Dean Johnson")
    expect(caption).to_have_count(1)
    body_colour = page.locator("article.article-text").evaluate("el => getComputedStyle(el).color")
    assert caption.evaluate("el => getComputedStyle(el).color") != body_colour
    expect(page.locator(".article-meta .extractor")).to_have_text(
        "statements found by the default mode"
    )
    shot(page, "article")


def test_markup_in_articles_is_shown_not_run(page):
    page.goto("/?q=bold+tags")
    expect(page.locator("li.statement")).to_have_count(1)
    expect(page.locator("li.statement a.text")).to_contain_text("We found <b>bold</b> tags")
    expect(page.locator(".facet li", has_text="Hostile <i>Times</i>")).to_have_count(1)
    page.locator("li.statement .source a").click()
    assert page.title() != "pwned" and page.title() != "img"
    text = page.locator("article.article-text")
    expect(text).to_contain_text('<script>document.title = "pwned"</script>')
    expect(text).to_contain_text("<img src=x onerror=")
    assert text.locator("script, img, b").count() == 0
    assert page.locator("i", has_text="Times").count() == 0
    shot(page, "escaping")


def test_hostile_search_and_bad_parameters(page):
    page.goto("/")
    page.get_by_label("search").fill("'; DROP TABLE statements; --")
    page.get_by_label("search").press("Enter")
    expect(page.locator(".summary")).to_contain_text("DROP TABLE")
    expect(page.locator(".summary .total")).to_have_text("0")
    page.goto("/?q=ATACMS")
    assert page.locator("li.statement").count() >= 5  # the table is still there
    for url, status, words in [
        ("/?size=5000", 400, "size"),
        ("/?since=yesterday", 400, "since"),
        ("/speakers/abc", 400, "speaker_id"),
        ("/statements/nope", 404, "no statement with that id"),
    ]:
        response = page.goto(url)
        assert response.status == status, url
        expect(page.locator(".error-message")).to_contain_text(words)
    shot(page, "error")


def test_api_docs_render_offline(page):
    """/docs shows the operations with every request to anything but this server failing,
    and within the page's Content-Security-Policy (a violation is logged to the console)."""
    outside, problems = [], []

    def only_loopback(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("internetdisconnected")

    page.route("**/*", only_loopback)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    response = page.goto("/docs")
    assert response.status == 200
    expect(page.locator(".opblock-summary-path", has_text="/api/statements").first).to_be_visible(
        timeout=20_000
    )
    assert "/api/speakers/{speaker_id}/timeline" in page.locator("#swagger-ui").inner_text()
    page.locator("header a.brand").click()  # back to the pages
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("form.search")).to_be_visible()
    assert outside == [] and problems == []
    shot(page, "docs-offline")


def test_pages_have_an_icon_and_no_missing_file(page):
    """Loading a page fetches nothing that is missing: the favicon included."""
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    page.goto("/")
    href = page.locator('link[rel="icon"]').get_attribute("href")
    assert page.request.get(href).status == 200
    assert page.request.get("/favicon.ico").status == 200
    page.goto("/speakers")
    assert missing == []


def test_bad_search_keeps_the_form_to_correct_it(page):
    """A bad value gets a message in words and the search form, filled as sent."""
    response = page.goto("/?q=ATACMS&kind=rumour")
    assert response.status == 400
    message = page.locator(".error-message")
    expect(message).to_contain_text("kind must be one of: direct, indirect, mixed")
    assert "pattern" not in message.inner_text()
    expect(page.get_by_label("search")).to_have_value("ATACMS")
    page.get_by_label("kind").select_option("direct")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"kind=direct"))
    expect(page.locator(".summary")).to_contain_text("ATACMS")
    assert page.locator("li.statement").count() >= 1
    shot(page, "error-form")


LINES = "el => { const r = document.createRange(); r.selectNodeContents(el); return r.getClientRects().length; }"  # noqa: E501


def test_speakers_table_dates_stay_on_one_line(page):
    """At 1280 px the First and Last dates never break ("2015-" / "08-01"); titles wrap."""
    page.goto("/speakers")
    cells = page.locator("table.speakers td.day")
    assert cells.count() >= 2
    assert all(cell.evaluate(LINES) == 1 for cell in cells.all())
    assert (
        page.locator("table.speakers td.titles").first.evaluate(
            "el => getComputedStyle(el).whiteSpace"
        )
        == "normal"
    )
    shot(page, "speakers")


def test_narrow_screens(browser, server):
    """At 400 px: the speakers table fits the screen with short rows, and the search page shows
    the results before the facets (side by side at 1280 px, facets on the left)."""
    context = browser.new_context(base_url=server, viewport={"width": 400, "height": 800})
    narrow = context.new_page()
    narrow.goto("/speakers")
    width = narrow.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
    rows = narrow.locator("table.speakers tbody tr")
    heights = [row.bounding_box()["height"] for row in rows.all()]
    assert heights and max(heights) < 120, heights  # a long name in three lines at most
    cells = narrow.locator("table.speakers td.day")
    assert all(cell.evaluate(LINES) == 1 for cell in cells.all())
    shot(narrow, "speakers-narrow")
    narrow.goto("/?q=Putin")
    results = narrow.locator("section.results").bounding_box()
    facets = narrow.locator("aside.facets").bounding_box()
    assert results["y"] < facets["y"]
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 400
    shot(narrow, "search-narrow")
    context.close()
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 800})
    wide = context.new_page()
    wide.goto("/?q=Putin")
    results = wide.locator("section.results").bounding_box()
    facets = wide.locator("aside.facets").bounding_box()
    assert facets["x"] < results["x"] and abs(facets["y"] - results["y"]) < 5
    context.close()
