"""How the reports of one statement differ in wording: the word diff against the earliest
report, in the record (``query.statement``), the JSON API, ``onrecord show`` and the page."""

from __future__ import annotations

import shutil

import lxml.html
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from onrecord.cli import main
from onrecord.record import query, store
from onrecord.record.ingest import ingest
from onrecord.web.app import create_app

from .conftest import SEEDS
from .test_dedup import EDITS, SEED


def seg(op, text, was=None, space=True):
    return {"op": op, "text": text, "was": was, "space": space}


# --- the diff itself ---------------------------------------------------------------------


def test_a_replaced_word():
    assert query.wording_diff(
        "Putin criticized the supply of missiles.", "Putin slammed the supply of missiles."
    ) == [
        seg("equal", "Putin", space=False),
        seg("replace", "slammed", "criticized"),
        seg("equal", "the supply of missiles."),
    ]


def test_a_cut_clause_and_an_added_word():
    assert query.wording_diff(
        "the missiles would change nothing, he said, and would prolong the war",
        "the new missiles would change nothing",
    ) == [
        seg("equal", "the", space=False),
        seg("insert", "new"),
        seg("equal", "missiles would change nothing"),
        seg("delete", "", ", he said, and would prolong the war", space=False),
    ]


def test_words_cut_from_the_start_and_punctuation():
    assert query.wording_diff("so big dog.", "dog!") == [
        seg("delete", "", "so big", space=False),
        seg("equal", "dog"),  # a space after the cut words
        seg("replace", "!", ".", space=False),
    ]


def test_identical_wording_is_one_equal_segment():
    text = "that the new missiles would cause “unnecessary casualties”"
    assert query.wording_diff(text, text) == [seg("equal", text, space=False)]
    # whitespace does not count, and comes back as single spaces
    assert query.wording_diff("a  b,\nc", "a b, c") == [seg("equal", "a b, c", space=False)]
    assert query.wording_diff("", "") == [seg("equal", "", space=False)]
    assert query.wording_diff("We", "we") == [seg("replace", "we", "We", space=False)]


# --- a record with seed 000 and an edited copy from another outlet a day later -------------

KREMLIN = [  # "criticized Washington’s supply of long-range ..." (its cue, then its content)
    seg("replace", "slammed", "criticized", space=False),
    seg("equal", "Washington’s"),
    seg("replace", "delivery", "supply"),
    seg("equal", "of long"),
    seg("delete", "", "-", space=False),
    seg(
        "equal",
        "range ATACMS missiles to Kyiv as a mistake that would not fundamentally change the "
        "situation on the battlefield",
    ),
]


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    """(database path, {statement id of the copy's Kremlin statement, and of one of its
    statements worded as the seed's})."""
    folder = tmp_path_factory.mktemp("wording")
    first, copy = folder / "first", folder / "copy"
    first.mkdir()
    copy.mkdir()
    shutil.copy(SEEDS / SEED, first / SEED)
    (first / "metadata.csv").write_text(f"file,published\n{SEED},2023-10-19\n")
    text = (SEEDS / SEED).read_text(encoding="utf-8")
    for old, new in EDITS:
        text = text.replace(old, new)
    (copy / "copy.txt").write_text(text, encoding="utf-8")
    (copy / "metadata.csv").write_text("file,published,outlet\ncopy.txt,2023-10-20,Other Outlet\n")
    path = folder / "w.db"
    conn = store.connect(path)
    ingest(conn, [str(first)], mode="fast")
    ingest(conn, [str(copy)], mode="fast")
    copied = query.statements(conn, outlet="Other Outlet", limit=100)
    kremlin = next(s for s in copied if s["content"]["text"].startswith("Washington’s delivery"))
    same = next(s for s in copied if s["content"]["text"].startswith("that the new missiles"))
    conn.close()
    return path, kremlin["id"], same["id"]


def test_the_api_gives_each_report_its_diff(record):
    path, kremlin, same = record
    with TestClient(create_app(path), base_url="http://127.0.0.1") as client:
        body = client.get(f"/api/statements/{kremlin}").json()
        first, later = body["cluster"]["articles"]
        assert (first["outlet"], later["outlet"]) == (None, "Other Outlet")
        assert first["text"].startswith("criticized Washington’s supply of long-range ATACMS")
        assert (first["diff"], first["same_wording"]) == (None, None)  # the reference
        assert later["statement"] == kremlin
        assert later["text"] == f"{body['cue']['text']} {body['content']['text']}"
        assert later["diff"] == KREMLIN and later["same_wording"] is False
        # the same two reports, asked for by the first report's id
        again = client.get(f"/api/statements/{first['statement']}").json()
        assert again["cluster"]["articles"][1]["diff"] == KREMLIN
        worded_alike = client.get(f"/api/statements/{same}").json()["cluster"]["articles"]
        assert worded_alike[1]["same_wording"] is True
        assert worded_alike[1]["diff"] == [seg("equal", worded_alike[0]["text"], space=False)]
        described = client.get("/openapi.json").json()["paths"]["/api/statements/{statement_id}"]
        assert "same_wording" in described["get"]["description"]


def test_show_marks_the_changed_words(record):
    path, kremlin, same = record
    result = CliRunner().invoke(main, ["show", kremlin, "--db", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    at = lines.index("   wording: each later report against the first ([-cut-]{+added+})")
    assert lines[at - 2].endswith(f"{SEED} (first)")  # after the list of reports
    assert lines[at + 1] == (
        "            2023-10-20  Other Outlet: [-criticized-]{+slammed+} Washington’s"
        " [-supply-]{+delivery+} of long[---]"
        " range ATACMS missiles to Kyiv as a mistake that would not fundamentally change the"
        " situation on the battlefield"
    )
    result = CliRunner().invoke(main, ["show", same, "--db", str(path)])
    assert "            2023-10-20  Other Outlet: same wording" in result.stdout.splitlines()


def test_the_page_strikes_and_highlights_escaped(tmp_path):
    """Two reports of one statement full of markup: the page marks the differences with
    del and ins, and every word of the articles is text, never markup."""
    said = (
        "Mayor Lisa Grant said that the files she saw contained {} markup and that the new "
        "bridge over the river would open in May next year for all the traffic of the city.\n"
    )
    (tmp_path / "a.txt").write_text(said.format("<script>alert(1)</script>"))
    (tmp_path / "b.txt").write_text(
        said.format("<b>bold</b>").replace("new bridge", "new & wider bridge")
    )
    (tmp_path / "metadata.csv").write_text(
        "file,published,outlet\na.txt,2023-01-01,First\nb.txt,2023-01-02,Second\n"
    )
    conn = store.connect(tmp_path / "h.db")
    ingest(conn, [str(tmp_path)], mode="fast")
    later = query.statements(conn, outlet="Second")[0]
    assert later["cluster"]["reports"] == 2
    conn.close()
    with TestClient(create_app(tmp_path / "h.db"), base_url="http://127.0.0.1") as client:
        response = client.get(f"/statements/{later['id']}")
    assert response.status_code == 200
    assert "<b>bold" not in response.text and "<script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text  # the first report, as text
    doc = lxml.html.fromstring(response.text)
    assert doc.xpath("//script") == [] and doc.xpath("//main//b") == []
    first, second = doc.xpath('//ol[@class="wording"]/li')
    assert first.xpath('.//span[@class="tag first"]') and not first.xpath(".//del|.//ins")
    quote = second.xpath('.//blockquote[@class="wording-text"]')[0]
    assert [d.text for d in quote.xpath('del[@class="diff-del"]')] == [
        "script",
        "alert(1)",
        "script",
    ]
    assert [i.text for i in quote.xpath('ins[@class="diff-ins"]')] == ["b", "bold", "b", "& wider"]
    assert quote.text_content() == (
        "said that the files she saw contained <scriptb>alert(1)bold</scriptb> markup and that the "
        "new & wider bridge over the river would open in May next year for all the traffic of "
        "the city"
    )
    assert 'class="this"' in lxml.html.tostring(second).decode()  # this page's report
