"""Reading the record: filters, facets, single statements and articles, speaker timelines."""

from __future__ import annotations

import pytest

from onrecord.record import query, store
from onrecord.record.ingest import ingest

TEXTS = {
    "a.txt": (
        "Mayor Lisa Grant warned on Monday that the old bridge would close in May.\n\n"
        "Governor Tom Hale denied that the budget for schools would shrink.\n"
    ),
    "b.txt": "Mayor Lisa Grant said that the new bridge would open in June.\n",
    "c.txt": '"We will build more schools," Governor Tom Hale promised.\n',
}
META = "file,published,outlet\na.txt,2021-03-01,Daily\nb.txt,2023-07-10,Herald\nc.txt,2023-08-02,Herald\n"


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    folder = tmp_path_factory.mktemp("articles")
    for name, text in TEXTS.items():
        (folder / name).write_text(text)
    (folder / "metadata.csv").write_text(META)
    path = folder / "q.db"
    summary = ingest(store.connect(path), [str(folder)])
    assert summary.added == 3
    return store.connect(path, readonly=True)


def summary(rows):
    return [(r["speaker"]["name"], r["speech_act"], r["said_on"]["date"]) for r in rows]


def test_all_statements_oldest_first(conn):
    assert summary(query.statements(conn)) == [
        ("Lisa Grant", "warn", "2021-03-01"),
        ("Tom Hale", "deny", "2021-03-01"),
        ("Lisa Grant", "claim", "2023-07-10"),
        ("Tom Hale", "promise", "2023-08-02"),
    ]


def test_filters_combine(conn):
    f = query.Filters
    assert summary(query.statements(conn, f(act="promise"))) == [
        ("Tom Hale", "promise", "2023-08-02")
    ]
    assert len(query.statements(conn, f(outlet="Herald"))) == 2
    assert len(query.statements(conn, f(since="2023"))) == 2
    assert len(query.statements(conn, f(until="2021"))) == 2  # the whole year 2021
    assert len(query.statements(conn, f(since="2023-07-11", until="2023-08"))) == 1
    assert summary(query.statements(conn, f(speaker="grant", search="bridge", since="2022"))) == [
        ("Lisa Grant", "claim", "2023-07-10")
    ]
    assert query.count(conn, f(outlet="Herald", kind="direct")) == 1
    newest = query.statements(conn, order="newest", limit=1)
    assert newest[0]["said_on"]["date"] == "2023-08-02"


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"act": "gossip"}, "act must be one of"),
        ({"kind": "rumour"}, "kind must be one of"),
        ({"since": "last week"}, "since must be a date"),
        ({"until": "2023-13-45'; --"}, "until must be a date"),
    ],
)
def test_bad_filters_are_refused_with_a_message(conn, filters, message):
    with pytest.raises(ValueError, match=message):
        query.statements(conn, query.Filters(**filters))


def test_facets_count_the_matching_statements(conn):
    facets = query.facets(conn, query.Filters(outlet="Herald"))
    speakers = {f["value"]: f["count"] for f in facets["speaker"]}
    assert speakers == {"Lisa Grant": 1, "Tom Hale": 1}
    assert {f["value"]: f["count"] for f in facets["outlet"]} == {"Herald": 2}
    assert {f["value"] for f in facets["speech_act"]} == {"claim", "promise"}
    everything = query.facets(conn, query.Filters())
    assert {f["value"]: f["count"] for f in everything["outlet"]} == {"Daily": 2, "Herald": 2}
    # the same counts through the full-text path
    searched = query.facets(conn, query.Filters(search="bridge"))
    assert {f["value"]: f["count"] for f in searched["speaker"]} == {"Lisa Grant": 2}
    assert {f["value"]: f["count"] for f in searched["speech_act"]} == {"warn": 1, "claim": 1}


def test_statement_article_and_cluster(conn):
    first = query.statements(conn, limit=1)[0]
    again = query.statement(conn, first["id"])
    assert again["content"] == first["content"]
    assert again["cluster"]["reports"] == 1
    assert again["cluster"]["first_reported"] == first["article"]["id"]
    article = query.article(conn, first["article"]["id"])
    assert article["text"] == TEXTS["a.txt"]
    assert [s["speaker"]["name"] for s in article["statements"]] == ["Lisa Grant", "Tom Hale"]
    assert query.statement(conn, "nope") is None and query.article(conn, "nope") is None


def test_timeline_newest_first_with_buckets(conn):
    grant = next(s for s in query.speakers(conn) if s["name"] == "Lisa Grant")
    assert (grant["first"], grant["last"], grant["articles"]) == ("2021-03-01", "2023-07-10", 2)
    line = query.timeline(conn, grant["id"])
    assert line["total"] == 2 and line["granularity"] == "year"
    assert [s["said_on"]["date"] for s in line["statements"]] == ["2023-07-10", "2021-03-01"]
    assert line["buckets"] == [
        {"period": "2021", "acts": {"warn": 1}},
        {"period": "2023", "acts": {"claim": 1}},
    ]
    assert query.timeline(conn, grant["id"], about="old")["total"] == 1


def test_timeline_by_name(conn):
    grant = query.find_speaker(conn, "grant")
    assert grant["name"] == "Lisa Grant"
    assert query.find_speaker(conn, "lisa grant")["id"] == grant["id"]
    assert query.timeline(conn, "Grant") == query.timeline(conn, grant["id"])
    assert query.timeline(conn, "Hale")["statements"][0]["speaker"]["name"] == "Tom Hale"
    assert query.find_speaker(conn, "Nobody") is None
    with pytest.raises(ValueError, match="no speaker called 'Nobody'"):
        query.timeline(conn, "Nobody")


@pytest.mark.parametrize("value", ["2016-13", "2023-02-30", "2023-00-10", "2023-1", "today"])
def test_impossible_dates_are_refused(conn, value):
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        query.statements(conn, since=value)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        query.count(conn, query.Filters(until=value))


def test_outlet_case_insensitive_and_outlets(conn):
    herald = summary(query.statements(conn, outlet="Herald"))
    assert len(herald) == 2 and summary(query.statements(conn, outlet="hERALD")) == herald
    assert query.outlets(conn) == [
        {
            "outlet": "Herald",
            "articles": 2,
            "statements": 2,
            "first": "2023-07-10",
            "last": "2023-08-02",
        },
        {
            "outlet": "Daily",
            "articles": 1,
            "statements": 2,
            "first": "2021-03-01",
            "last": "2021-03-01",
        },
    ]


def test_a_speaker_is_found_by_any_of_its_names(tmp_path):
    # "Donald J. Trump" and "Donald Trump" are one speaker, named by the more frequent name:
    # asking by the other (not a part of that one) finds it, in the list and for a timeline
    (tmp_path / "a.txt").write_text("Donald J. Trump said that the wall would be built.\n")
    (tmp_path / "b.txt").write_text(
        "Donald Trump said that taxes would fall next year.\n\n"
        "Later, Donald Trump said that the economy would grow.\n"
    )
    path = tmp_path / "t.db"
    ingest(store.connect(path), [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    conn = store.connect(path, readonly=True)
    (trump,) = query.speakers(conn)
    assert trump["name"] == "Donald Trump" and "Donald J. Trump" in trump["aliases"]
    assert [s["id"] for s in query.speakers(conn, name="J. Trump")] == [trump["id"]]
    assert query.speaker_count(conn, name="donald j. trump") == 1
    assert query.find_speaker(conn, "Donald J. Trump")["id"] == trump["id"]
    assert query.timeline(conn, "Donald J. Trump")["total"] == 3


def test_a_timeline_holds_every_cluster_of_the_speaker(tmp_path):
    # the same words reported of two speakers and of nobody named in between: whichever
    # clusters they end in (one, through the unnamed report, today), each speaker's timeline
    # holds that statement, and its total is the speaker's number of clusters
    words = "that the old bridge over the river would close in May for long repairs"
    (tmp_path / "a.txt").write_text(f"Mayor Lisa Grant said {words}.\n")
    (tmp_path / "b.txt").write_text(f"A spokesman said {words}.\n")
    (tmp_path / "c.txt").write_text(f"Governor Tom Hale said {words}.\n")
    (tmp_path / "metadata.csv").write_text(
        "file,published\na.txt,2021-03-01\nb.txt,2021-03-02\nc.txt,2021-03-03\n"
    )
    path = tmp_path / "t.db"
    ingest(store.connect(path), [str(tmp_path)])
    conn = store.connect(path, readonly=True)
    for name in ("Lisa Grant", "Tom Hale"):
        who = query.find_speaker(conn, name)
        line = query.timeline(conn, who["id"])
        assert line["total"] == who["clusters"] == 1, name
        assert [s["speaker"]["name"] for s in line["statements"]] == [name]


def _found(conn, search):
    return len(query.statements(conn, query.Filters(search=search)))


def test_search_syntax(conn):
    # the texts: "the old bridge would close", "the new bridge would open", "the budget for
    # schools would shrink", "We will build more schools"
    assert _found(conn, "bridge") == 2
    assert _found(conn, '"old bridge"') == 1 and _found(conn, '"bridge old"') == 0
    assert _found(conn, "bridge -old") == _found(conn, "bridge NOT old") == 1
    assert _found(conn, "old OR budget") == 2 and _found(conn, "old budget") == 0
    assert _found(conn, "bridg*") == 2  # a prefix, though "bridge" is stored as its stem
    assert _found(conn, "schoo*") == 2 and _found(conn, "schoo") == 0
    assert _found(conn, '-"old bridge" bridge') == 1
    with pytest.raises(ValueError, match="a word to find"):
        query.statements(conn, query.Filters(search="-bridge"))


def test_no_search_text_reaches_fts5_syntax(conn):
    # whatever a user types, the search is a valid FTS5 query (or a ValueError in words)
    import random

    rng = random.Random(7)
    alphabet = 'ab "*-():^.+,OR NOT AND NEAR{}'
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        try:
            query.statements(conn, query.Filters(search=text), limit=1)
        except ValueError as err:
            assert "a word to find" in str(err), text
