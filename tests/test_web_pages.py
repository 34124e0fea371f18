"""What the pages of ``onrecord serve`` show and link to: active filters, the links to their
JSON and CSV twins, the controls of the search and speakers pages, dates as precise as they
are, and the OpenAPI description of the API. Against the real server on loopback."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import lxml.html
import pytest

from onrecord.model import SPEAKER_KINDS
from onrecord.record import schema


@pytest.fixture(scope="module")
def web(server):
    with httpx.Client(base_url=server, timeout=10) as client:
        yield client


def html(web, url: str):
    response = web.get(url)
    assert response.status_code == 200, url
    return lxml.html.fromstring(response.text)


def params(href: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}


def removers(doc) -> dict[str, str]:
    """{parameter: link that removes it} of a page's active filters."""
    return {a.get("data-param"): a.get("href") for a in doc.xpath('//a[@class="filter"]')}


# --- 1. active filters ---------------------------------------------------------------------


def test_a_search_with_no_results_still_shows_its_filters(web):
    """The filters that emptied a search stay shown, each with a link that removes it: in the
    list of active filters and in their facets (as chosen, with 0)."""
    url = "/?outlet=euronews&kind=direct&q=zzzqqq&speaker_id=1&act=claim&since=2020"
    doc = html(web, url)
    assert doc.xpath('//strong[@class="total"]/text()') == ["0"]
    links = removers(doc)
    assert set(links) == {"q", "speaker_id", "outlet", "kind", "act", "since"}
    given = params(url)
    for param, href in links.items():
        assert params(href) == {k: v for k, v in given.items() if k != param}, param
    shown = " ".join(doc.xpath('//p[@class="filters"]')[0].text_content().split())
    assert "✕ speaker: Vladimir Putin" in shown and "✕ outlet: euronews" in shown
    for facet, text in [("speaker", "Vladimir Putin"), ("outlet", "euronews"), ("kind", "direct")]:
        chosen = doc.xpath(f'//section[@data-facet="{facet}"]//li[@class="chosen"]')
        assert len(chosen) == 1, facet
        assert chosen[0].xpath("a")[0].text_content().strip() == f"✕ {text}"
        assert chosen[0].xpath('span[@class="count"]/text()') == ["0"]


def test_filters_with_results_show_once_and_an_unknown_speaker_by_id(web):
    doc = html(web, "/?speaker_id=1&outlet=the+moscow+times")
    facet = doc.xpath('//section[@data-facet="outlet"]//li[@class="chosen"]/a')
    assert [a.text_content().strip() for a in facet] == ["✕ The Moscow Times"]  # any case
    doc = html(web, "/?speaker_id=999999")
    assert (
        "speaker: #999999 (no such speaker)" in doc.xpath('//p[@class="filters"]')[0].text_content()
    )


# --- 2. links to the JSON and CSV twins ----------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/?foo=1",
        "/?q=ATACMS&size=3&page=2&foo=1&order=oldest",
        "/speakers?page=1&x=2&kind=person",
        "/speakers/1?_format=csv",
        "/speakers/1?about=ATACMS&size=7&x=1",
    ],
)
def test_format_links_carry_only_what_their_target_takes(web, url):
    """Each page's "as JSON" and "as CSV" links answer (no 400 for a parameter the page
    ignored), with the page's own rows; no link of the page keeps a parameter it ignored."""
    doc = html(web, url)
    twin = doc.xpath('//footer/a[@class="json"]/@href')[0]
    answer = web.get(twin)
    assert answer.status_code == 200, twin
    assert not {"foo", "x", "_format"} & set(params(twin))
    for href in doc.xpath("//main//a/@href"):
        assert not {"foo", "x"} & set(params(href)), href
    page = urlsplit(url).path
    if page == "/":
        ids = doc.xpath('//li[@class="statement"]/@data-id')
        assert [s["id"] for s in answer.json()["statements"]] == ids
    elif page == "/speakers":
        ids = [int(h.split("/")[-1]) for h in doc.xpath('//td[@class="name"]/a/@href')]
        assert [s["id"] for s in answer.json()["speakers"]] == ids
    else:
        ids = doc.xpath('//li[@class="statement"]/@data-id')
        assert [s["id"] for s in answer.json()["statements"]] == ids
    csv = doc.xpath('//footer/a[@class="csv"]/@href')
    if page.startswith("/speakers/"):
        assert csv == []  # a timeline has no CSV
    else:
        response = web.get(csv[0])
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")


# --- 3. controls ---------------------------------------------------------------------------


def test_the_statement_list_can_be_reordered(web):
    doc = html(web, "/?q=Putin")
    options = doc.xpath('//select[@name="order"]/option/@value')
    assert set(options) == {"", "newest", "oldest", "relevance"}
    assert doc.xpath('//select[@name="order"]/option[@selected]/@value') == []  # the default
    assert doc.xpath('//*[@class="order"]/strong/@data-order') == ["relevance"]
    oldest = doc.xpath('//*[@class="order"]/a[@data-order="oldest"]/@href')[0]
    assert params(oldest) == {"q": "Putin", "order": "oldest"}
    # (the page shows speech unless asked; the API every category unless asked)
    asked = {"q": "Putin", "order": "oldest", "category": "speech"}
    api = web.get("/api/statements", params=asked).json()
    dates = [s["said_on"]["date"] for s in api["statements"] if s["said_on"]]
    assert dates == sorted(dates)
    doc = html(web, oldest)
    assert doc.xpath('//select[@name="order"]/option[@selected]/@value') == ["oldest"]
    assert doc.xpath('//li[@class="statement"]/@data-id') == [s["id"] for s in api["statements"]]
    # without a search, relevance is not offered as a link
    doc = html(web, "/")
    assert doc.xpath('//*[@class="order"]/*/@data-order') == ["newest", "oldest"]


def test_the_search_form_chooses_an_outlet(web):
    """The form lists the stored outlets (escaped), keeps the one chosen (in any case), and
    keeps one it does not know so that the search can be corrected."""
    page = web.get("/").text
    assert "Hostile &lt;i&gt;Times&lt;/i&gt;" in page and "<i>Times" not in page
    doc = lxml.html.fromstring(page)
    names = doc.xpath('//select[@name="outlet"]/option/@value')
    assert names[0] == "" and set(names[1:]) == {
        "Euronews",
        "The Moscow Times",
        "Hostile <i>Times</i>",
    }
    doc = html(web, "/?outlet=euronews")
    assert doc.xpath('//select[@name="outlet"]/option[@selected]/@value') == ["Euronews"]
    assert not doc.xpath('//input[@name="outlet"]')
    doc = html(web, "/?outlet=Nowhere")
    assert doc.xpath('//select[@name="outlet"]/option[@selected]/@value') == ["Nowhere"]
    error = lxml.html.fromstring(web.get("/?outlet=euronews&kind=rumour").text)
    assert error.xpath('//select[@name="outlet"]/option[@selected]/@value') == ["Euronews"]


def test_the_speakers_page_chooses_a_kind_and_shows_its_filters(web):
    doc = html(web, "/speakers?kind=group")
    assert doc.xpath('//select[@name="kind"]/option/@value') == ["", *SPEAKER_KINDS]
    assert doc.xpath('//select[@name="kind"]/option[@selected]/@value') == ["group"]
    assert set(doc.xpath('//td[@class="kind"]/text()')) == {"group"}
    assert removers(doc) == {"kind": "/speakers"}
    doc = html(web, "/speakers?kind=person&name=Putin")
    assert removers(doc) == {"kind": "/speakers?name=Putin", "name": "/speakers?kind=person"}


def test_the_about_filter_of_a_speaker_page_can_be_cleared(web):
    doc = html(web, "/speakers/1?about=ATACMS&page=1")
    assert removers(doc) == {"about": "/speakers/1"}
    assert not removers(html(web, "/speakers/1"))


# --- 5. dates as precise as they are ------------------------------------------------------


def test_dates_show_their_precision_on_every_page(web):
    """A date known to the month or year is shown so (2023-11), never as a made-up day
    (2023-11-01): in the statement lists and a speaker's first and last dates."""
    shown = {}
    for page in (1, 2):
        doc = html(web, f"/?size=100&page={page}&category=all")
        for item in doc.xpath('//li[@class="statement"]'):
            date = item.xpath('.//span[@class="date"]')[0].text_content()
            shown[item.get("data-id")] = " ".join(date.split())
    statements = []
    for page in (1, 2):
        answer = web.get("/api/statements", params={"size": 100, "page": page}).json()
        statements += answer["statements"]
    assert len(shown) == len(statements)
    precisions = set()
    for s in statements:
        said = s["said_on"]
        want = "undated"
        if said:
            precisions.add(said["precision"])
            want = schema.shown_date(said) + (" (week of)" if said["precision"] == "week" else "")
        assert shown[s["id"]] == want, s["id"]
    assert {"day", "week", "month"} <= precisions
    month = next(s for s in statements if s["said_on"] and s["said_on"]["precision"] == "month")
    assert shown[month["id"]] == month["said_on"]["date"][:7]
    # speakers: the page shows the first and last dates as the data gives them
    speaker = web.get(f"/api/speakers/{month['speaker']['id']}").json()
    doc = html(web, f"/speakers/{speaker['id']}")
    assert doc.xpath('//dd[@class="first"]/text()') == [speaker["first"]]
    assert doc.xpath('//dd[@class="last"]/text()') == [speaker["last"]]
    listed = {s["id"]: s for s in web.get("/api/speakers", params={"size": 100}).json()["speakers"]}
    for row in html(web, "/speakers").xpath("//tbody/tr"):
        sid = int(row.xpath('td[@class="name"]/a/@href')[0].split("/")[-1])
        first = row.xpath('td[@class="day first"]')[0].text_content()
        assert first == (listed[sid]["first"] or "")


# --- 6. the OpenAPI description -----------------------------------------------------------


def test_openapi_declares_what_the_api_answers(web):
    spec = web.get("/openapi.json").json()
    assert "422" not in web.get("/openapi.json").text
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    error = spec["components"]["schemas"]["ApiError"]
    assert set(error["required"]) == {"error", "status"}
    summaries = set()
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            summary = operation["summary"]
            assert not summary.startswith("Api "), path  # not FastAPI's placeholder
            summaries.add(summary)
            assert operation.get("description"), path
            answers = operation["responses"]
            assert answers["400"]["content"] == {
                "application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}
            }, path
            content = set(answers["200"]["content"])
            if path.endswith(".csv"):
                assert {c.split(";")[0] for c in content} == {"text/csv"}, path
            elif path in ("/api/statements", "/api/speakers"):
                assert content == {"application/json", "text/csv"}, path
            else:
                assert content == {"application/json"}, path
    assert len(summaries) == len(spec["paths"])
    # and the API does answer so
    for url in ["/api/statements.csv?size=0", "/api/statements?kind=x", "/api/speakers.csv?x=1"]:
        answer = web.get(url)
        assert answer.status_code == 400, url
        assert answer.headers["content-type"] == "application/json"
        assert set(answer.json()) == {"error", "status"}


def test_docs_link_back_to_the_pages(web):
    doc = html(web, "/docs")
    assert doc.xpath('//header//a[@class="brand"]/@href') == ["/"]
    assert "/speakers" in doc.xpath("//header//a/@href")


# --- 7. a speaker page narrowed by "about" --------------------------------------------------


def test_a_narrowed_speaker_page_labels_its_totals(web):
    doc = html(web, "/speakers/1?about=ATACMS")
    label = " ".join(doc.xpath('//p[@class="counts-label"]')[0].text_content().split())
    assert label == (
        "Totals over all of Vladimir Putin’s statements, of every kind, not only those about "
        "“ATACMS”:"
    )
    headings = [" ".join(h.text_content().split()) for h in doc.xpath("//h2")]
    assert any("statements about “ATACMS”" in h for h in headings), headings
    whole = web.get("/api/speakers/1").json()
    assert doc.xpath('//dd[@class="n-statements"]/text()') == [str(whole["statements"])]
