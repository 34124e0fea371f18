"""The JSON API of ``onrecord serve``, against the real server on loopback."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from click.testing import CliRunner

from onrecord.cli import main


@pytest.fixture(scope="module")
def api(server):
    with httpx.Client(base_url=server, timeout=10) as client:
        yield client


def test_search_finds_putin_on_atacms(api):
    body = api.get("/api/statements", params={"q": "ATACMS", "size": 100}).json()
    putin = [s for s in body["statements"] if s["speaker"]["name"] == "Vladimir Putin"]
    assert len(putin) >= 4
    assert sum("ATACMS" in s["content"]["text"] for s in putin) >= 3
    # 000: "said ... during his visit to China on Wednesday (18/10/2023)", published 10-19
    quote = next(s for s in putin if "why supply ATACMS" in s["content"]["text"])
    assert quote["said_on"] == {
        "date": "2023-10-18",
        "precision": "day",
        "source_text": "on Wednesday (18/10/2023)",
        "from": "text",
    }
    assert {s["said_on"]["date"] for s in putin} <= {"2023-10-18", "2023-10-19"}
    assert body["total"] == len(body["statements"])
    assert body["facets"]["speaker"][0]["value"] == "Vladimir Putin"


def test_statement_json_is_the_cli_shape(api, web_db):
    """/api/statements returns exactly what `onrecord statements --format json` prints."""
    out = CliRunner().invoke(
        main, ["statements", "--db", str(web_db), "--search", "ATACMS", "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    cli = json.loads(out.output)
    web = api.get("/api/statements", params={"q": "ATACMS", "size": 100}).json()["statements"]
    assert web == cli
    one = api.get(f"/api/statements/{cli[0]['id']}").json()
    for report in one["cluster"]["articles"]:  # one statement adds its reports' wording
        assert report.pop("diff") is None and report.pop("same_wording") is None  # one report
        words = report.pop("text")  # its cue and content, in the text's order
        assert one["content"]["text"] in words and one["cue"]["text"] in words
    assert one == cli[0]


def test_filters_and_pagination(api):
    first = api.get("/api/statements", params={"speaker": "Putin", "size": 5}).json()
    second = api.get("/api/statements", params={"speaker": "Putin", "size": 5, "page": 2}).json()
    assert first["total"] == second["total"] > 10
    assert first["pages"] == -(-first["total"] // 5)
    assert not {s["id"] for s in first["statements"]} & {s["id"] for s in second["statements"]}
    dates = [s["said_on"]["date"] for s in first["statements"]]
    assert dates == sorted(dates, reverse=True)  # newest first without a search
    only_2019 = api.get("/api/statements", params={"speaker": "Putin", "until": "2019"}).json()
    assert only_2019["total"] > 0
    assert {s["said_on"]["date"][:4] for s in only_2019["statements"]} == {"2019"}
    questions = api.get("/api/statements", params={"act": "question"}).json()
    assert questions["total"] > 0
    assert {s["speech_act"] for s in questions["statements"]} == {"question"}


def test_speaker_and_timeline(api):
    speakers = api.get("/api/speakers").json()["speakers"]
    putin = speakers[0]
    assert putin["name"] == "Vladimir Putin" and putin["articles"] == 5
    assert api.get(f"/api/speakers/{putin['id']}").json() == putin
    line = api.get(f"/api/speakers/{putin['id']}/timeline", params={"size": 100}).json()
    assert [b["period"] for b in line["buckets"]] == ["2019", "2023", "2024"]
    assert line["buckets"][0]["period"] == "2019" and line["granularity"] == "year"
    dates = [s["said_on"]["date"] for s in line["statements"]]
    assert dates == sorted(dates, reverse=True)
    assert len({s["article"]["id"] for s in line["statements"]}) == 5
    assert all(s["speaker"]["id"] == putin["id"] for s in line["statements"])


def test_article_json_keeps_original_text_and_leftovers(api):
    stmt = api.get("/api/statements", params={"q": "ATACMS", "size": 1}).json()["statements"][0]
    article = api.get(f"/api/articles/{stmt['article']['id']}").json()
    a, b = stmt["content"]["spans"][0]
    assert article["text"][a:b] in stmt["content"]["text"]
    assert any(s["reason"] == "caption" for s in article["skips"])
    assert stmt["id"] in {s["id"] for s in article["statements"]}
    assert article["extractor"] == "default"  # the fixture ingests in the default mode


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/api/statements?size=5000", 400, "size"),
        ("/api/statements?page=0", 400, "page"),
        ("/api/statements?since=yesterday", 400, "since"),
        ("/api/statements?act=gossip", 400, "act"),
        ("/api/statements?kind=rumour", 400, "kind"),
        ("/api/speakers/abc", 400, "speaker_id"),
        ("/api/speakers/999999", 404, "no speaker"),
        ("/api/speakers/999999/timeline", 404, "no speaker"),
        ("/api/statements/nope", 404, "no statement"),
        ("/api/articles/nope", 404, "no article"),
        ("/api/nothing-here", 404, "Not Found"),
    ],
)
def test_bad_requests_get_a_clear_4xx(api, url, status, words):
    response = api.get(url)
    assert response.status_code == status
    assert words in response.json()["error"]


def test_hostile_search_finds_nothing_and_harms_nothing(api):
    before = api.get("/api/statements", params={"size": 1}).json()["total"]
    for q in ["'; DROP TABLE statements; --", '" OR 1=1 NEAR(', "*", "\\", "%_%"]:
        response = api.get("/api/statements", params={"q": q})
        assert response.status_code == 200
        assert response.json()["total"] == 0
    speaker = api.get("/api/statements", params={"speaker": "%' OR '1'='1"}).json()
    assert speaker["total"] == 0
    assert api.get("/api/statements", params={"size": 1}).json()["total"] == before


def test_openapi_and_headers(api):
    spec = api.get("/openapi.json").json()
    for path in [
        "/api/statements",
        "/api/speakers",
        "/api/speakers/{speaker_id}/timeline",
        "/api/statements/{statement_id}",
        "/api/articles/{article_id}",
    ]:
        assert path in spec["paths"]
    assert api.get("/docs").status_code == 200
    page = api.get("/")
    assert "script-src" not in page.headers["content-security-policy"]
    assert page.headers["content-security-policy"].startswith("default-src 'none'")


def test_cached_summaries_follow_every_write(tmp_path):
    """Totals and facets are cached per filter set, and a write to the database voids them."""
    from onrecord.record import query, store
    from onrecord.record.ingest import ingest
    from onrecord.web.app import Summaries

    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "one.txt").write_text("Mayor Lisa Grant said that the bridge would open in May.\n")
    path = tmp_path / "c.db"
    writer = store.connect(path)
    ingest(writer, [str(folder)])
    summaries = Summaries(str(path))
    reader = store.reader(path)
    everything = query.Filters()
    assert summaries.get(reader, everything)[0] == 1
    assert len(summaries.entries) == 1
    assert summaries.get(reader, everything)[0] == 1  # served from the cache
    (folder / "two.txt").write_text("Governor Tom Hale said that taxes would fall next year.\n")
    ingest(writer, [str(folder)])
    total, facets = summaries.get(reader, everything)
    assert total == 2
    assert {f["value"] for f in facets["speaker"]} == {"Lisa Grant", "Tom Hale"}


def test_speakers_have_a_total_and_pages(api):
    """/api/speakers says how many there are, as /api/statements does."""
    every = api.get("/api/speakers", params={"size": 100}).json()
    assert every["total"] == len(every["speakers"]) > 3
    some = api.get("/api/speakers", params={"size": 2, "page": 2}).json()
    assert some["total"] == every["total"]
    assert some["pages"] == -(-every["total"] // 2)
    assert some["speakers"] == every["speakers"][2:4]
    named = api.get("/api/speakers", params={"name": "Putin"}).json()
    assert named["total"] == len(named["speakers"]) == 1 and named["pages"] == 1


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/api/statements?kind=rumour", "kind must be one of: direct, indirect, mixed"),
        ("/api/speakers?kind=robot", "kind must be one of: person, organisation, group"),
        ("/api/statements?order=best", "order must be one of: relevance, newest, oldest"),
        ("/api/statements?since=2020-1", "since must be a date: YYYY, YYYY-MM or YYYY-MM-DD"),
        ("/api/statements?size=abc", "size must be a whole number"),
        ("/api/statements?size=500", "size must be at most 100"),
        ("/api/statements?page=0", "page must be at least 1"),
    ],
)
def test_validation_messages_are_plain_words(api, url, message):
    """A bad value is named with what it should be, not with the regular expression."""
    error = api.get(url).json()["error"]
    assert message in error
    assert "pattern" not in error and "^" not in error


@pytest.mark.parametrize(
    ("url", "unknown"),
    [
        ("/api/statements?speker=Putin", "speker"),
        ("/api/statements?q=ATACMS&sise=5&pgae=2", "pgae, sise"),
        ("/api/speakers?nmae=Putin", "nmae"),
        ("/api/speakers/1?x=1", "x"),
        ("/api/speakers/1/timeline?abut=war", "abut"),
    ],
)
def test_unknown_api_parameters_get_a_400(api, url, unknown):
    """A misspelt filter is refused by name rather than ignored (which returned everything)."""
    response = api.get(url)
    assert response.status_code == 400
    assert f": {unknown} (" in response.json()["error"]


def test_known_api_parameters_still_pass(api):
    for url in [
        "/api/statements?speaker=Putin&size=5&page=1&order=newest&kind=&act=",
        "/api/speakers?name=Putin&kind=person&size=5&page=1",
        "/api/speakers/1/timeline?about=war&size=5",
    ]:
        assert api.get(url).status_code == 200, url


def test_pages_ignore_unknown_parameters_and_say_so(api):
    page = api.get("/", params={"speker": "Putin"})
    assert page.status_code == 200
    assert "Ignored: speker" in page.text
    assert "Ignored" not in api.get("/", params={"speaker": "Putin"}).text


def test_favicon(api):
    """Every page names an icon that exists, and /favicon.ico answers too."""
    page = api.get("/").text
    href = re.search(r'<link rel="icon" href="([^"]+)"', page)[1]
    icon = api.get(href)
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"
    assert icon.text.startswith("<svg")
    ico = api.get("/favicon.ico")
    assert ico.status_code == 200 and ico.content == icon.content


def test_docs_are_served_locally_without_inline_script(api):
    """/docs loads Swagger UI from this server only and runs no inline script."""
    docs = api.get("/docs")
    assert docs.status_code == 200
    sources = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', docs.text)
    assert sources and all(s.startswith(str(api.base_url)) for s in sources), sources
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", docs.text)  # no inline script
    for source in sources:
        assert api.get(source).status_code == 200, source
    csp = docs.headers["content-security-policy"]
    script_src = re.search(r"script-src ([^;]*)", csp)[1]
    assert script_src == "'self'"
    assert api.get("/redoc").status_code == 404  # ReDoc would load from a CDN


def _said_on_db(tmp_path, days: list[str]):
    """A database in which one speaker said something on each of ``days`` (the articles'
    publication dates)."""
    from onrecord.record import store
    from onrecord.record.ingest import ingest

    folder = tmp_path / "a"
    folder.mkdir()
    rows = ["file,published"]
    for n, day in enumerate(days):
        (folder / f"{n}.txt").write_text(
            f"Mayor Lisa Grant said that bridge number {n} would open soon.\n"
        )
        rows.append(f"{n}.txt,{day}")
    (folder / "metadata.csv").write_text("\n".join(rows) + "\n")
    conn = store.connect(tmp_path / "t.db")
    ingest(conn, [str(folder)], mode="fast")
    return conn


def test_one_far_off_date_keeps_the_months(tmp_path):
    """A speaker quoted through 2016 and once in 1999: monthly bars for 2016 and the 1999
    date in an 'earlier' bar, not seventeen yearly bars."""
    from onrecord.record import query
    from onrecord.web import render

    days = [f"2016-{m:02d}-{d:02d}" for m in range(1, 13) for d in (3, 17)] + ["1999-05-04"]
    conn = _said_on_db(tmp_path, days)
    (grant,) = query.speakers(conn, name="Lisa Grant")
    line = query.timeline(conn, grant["id"])
    assert line["granularity"] == "month"
    periods = [b["period"] for b in line["buckets"]]
    assert periods == ["earlier"] + [f"2016-{m:02d}" for m in range(1, 13)]
    assert line["buckets"][0]["first"] == line["buckets"][0]["last"] == "1999-05-04"
    assert sum(line["buckets"][0]["acts"].values()) == 1
    chart = str(render.timeline_svg(line["buckets"]))
    assert chart.count('<g class="bar"') == 13
    assert ">1999</text>" in chart


def test_a_stretch_of_the_record_is_not_an_outlier(tmp_path):
    """Dates far apart but many on each side keep yearly bars over the whole span."""
    from onrecord.record import query

    days = [f"2019-0{m}-10" for m in range(1, 6)] + [f"2023-0{m}-10" for m in range(1, 8)]
    conn = _said_on_db(tmp_path, days)
    (grant,) = query.speakers(conn, name="Lisa Grant")
    line = query.timeline(conn, grant["id"])
    assert line["granularity"] == "year"
    assert [b["period"] for b in line["buckets"]] == ["2019", "2023"]


def test_month_labels_never_overlap():
    """Monthly bars over any span up to five years: only every k-th month is labelled, at
    least 50 units apart (a "2016-01" label at 11px is about 43 wide), at most 12 labels."""
    from onrecord.web import render

    for months in range(2, 61):
        buckets = [
            {"period": f"{2016 + m // 12}-{m % 12 + 1:02d}", "acts": {"claim": 1 + m % 3}}
            for m in range(months)
        ]
        chart = str(render.timeline_svg(buckets))
        assert chart.count('<g class="bar"') == months
        xs = [
            float(x) for x in re.findall(r'<text x="([\d.]+)" y="\d+" text-anchor="middle"', chart)
        ]
        assert 1 <= len(xs) <= 12, months
        assert all(b - a >= 50 for a, b in zip(xs, xs[1:], strict=False)), months


def _csv_rows(response) -> list[dict]:
    import csv
    import io

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def test_statement_search_as_csv(api):
    """One search, three renderings of the same page: JSON, CSV by suffix, CSV by _format on
    the API and on the page; the CSV has the columns of 'onrecord export'."""
    from onrecord.record import schema

    params = {"q": "ATACMS", "size": 3, "page": 2}
    page = api.get("/api/statements", params=params).json()
    by_suffix = api.get("/api/statements.csv", params=params)
    rows = _csv_rows(by_suffix)
    assert list(rows[0]) == list(schema.FLAT_FIELDS)
    assert [r["id"] for r in rows] == [s["id"] for s in page["statements"]]
    assert rows[0]["content"] == page["statements"][0]["content"]["text"]
    for url in ["/api/statements", "/"]:
        other = api.get(url, params=params | {"_format": "csv"})
        assert other.text == by_suffix.text, url
    assert api.get("/", params=params | {"_format": "json"}).json() == page
    html = api.get("/", params=params).text
    assert re.search(r'class="csv" href="/\?[^"]*_format=csv', html)


def test_speakers_as_json_and_csv(api):
    """The speakers page and /api/speakers give the same rows from the same function."""
    listed = api.get("/api/speakers", params={"size": 100}).json()
    assert api.get("/speakers", params={"_format": "json"}).json() == listed
    rows = _csv_rows(api.get("/speakers", params={"_format": "csv"}))
    assert [int(r["id"]) for r in rows] == [s["id"] for s in listed["speakers"]]
    assert rows[0]["name"] == "Vladimir Putin" and "President" in rows[0]["titles"]
    some = _csv_rows(api.get("/api/speakers.csv", params={"size": 2, "kind": "person"}))
    assert len(some) == 2 and {r["kind"] for r in some} == {"person"}
    assert api.get("/api/speakers", params={"_format": "xml"}).status_code == 400
    page = api.get("/speakers").text
    assert f'class="total">{listed["total"]}<' in page


def test_category_filter_and_facet(api):
    everything = api.get("/api/statements", params={"size": 1}).json()
    counts = {f["value"]: f["count"] for f in everything["facets"]["category"]}
    assert set(counts) <= {"speech", "belief", "finding", "other"} and counts["speech"] > 0
    assert sum(counts.values()) == everything["total"]
    for value, n in counts.items():
        some = api.get("/api/statements", params={"category": value, "size": 100}).json()
        assert some["total"] == n
        assert {s["category"] for s in some["statements"]} == {value}
    bad = api.get("/api/statements", params={"category": "opinion"})
    assert bad.status_code == 400
    page = api.get("/", params={"category": "speech"}).text
    assert 'name="category"' in page and '<option value="speech" selected>' in page
