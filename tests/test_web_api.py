"""The JSON API of ``onrecord serve``, against the real server on loopback."""

from __future__ import annotations

import json

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
