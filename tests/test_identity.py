"""One identity per speaker across articles: name grouping rules, alias rules, the stored record."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from onrecord.cli import main
from onrecord.record import entities, identity, query, store
from onrecord.record.identity import Aliases, PersonName, group_names
from onrecord.record.ingest import ingest


def grouped(names, kind="person", aliases=None):
    """The groups as sets of names, for comparison."""
    groups = group_names([(n, kind) for n in names], aliases)
    return sorted((sorted(n for n, _ in g) for g in groups), key=lambda g: g[0])


def test_name_variants_of_one_person_merge():
    putin = [
        "Putin",
        "Vladimir Putin",
        "President Vladimir Putin",
        "Russian President Vladimir Putin",
        "Vladimir Vladimirovich Putin",
    ]
    assert grouped(putin) == [sorted(putin)]
    zelensky = ["Zelensky", "Volodymyr Zelensky", "Zelenskyy", "Volodymyr Zelenskiy"]
    assert grouped(zelensky) == [sorted(zelensky)]
    assert grouped(["J. Biden", "Joe Biden"]) == [["J. Biden", "Joe Biden"]]


def test_distinct_people_stay_apart():
    assert grouped(["Donald Trump", "Donald Trump Jr.", "Trump"]) == [
        ["Donald Trump", "Trump"],  # a bare surname joins the one Trump without a suffix
        ["Donald Trump Jr."],
    ]
    # two people of that surname: a bare "Clinton" is not guessed
    assert grouped(["Hillary Clinton", "Bill Clinton", "Clinton"]) == [
        ["Bill Clinton"],
        ["Clinton"],
        ["Hillary Clinton"],
    ]
    assert grouped(["Hillary Rodham Clinton", "Hillary Clinton"]) == [
        ["Hillary Clinton", "Hillary Rodham Clinton"]
    ]


def test_a_dateline_or_an_epithet_glued_before_a_name_is_the_same_person():
    assert grouped(["CLEVELAND Donald Trump", "Donald Trump"]) == [
        ["CLEVELAND Donald Trump", "Donald Trump"]
    ]
    assert grouped(["Crooked Hillary Clinton", "Hillary Clinton", "Bill Clinton"]) == [
        ["Bill Clinton"],
        ["Crooked Hillary Clinton", "Hillary Clinton"],
    ]
    # two given names of their own are two people
    assert len(grouped(["Eric Trump", "Donald Trump"])) == 2


def test_an_acronym_joins_the_proper_name_it_stands_for():
    from collections import Counter

    counts = Counter(
        {
            ("AP", "organisation"): 12,
            ("Associated Press", "organisation"): 20,
            ("NRA", "organisation"): 3,
            ("National Rifle Association", "organisation"): 5,
            ("National Recovery Administration", "organisation"): 4,  # NRA too: not guessed
            ("IMF", "organisation"): 2,
            ("the government in Beijing", "organisation"): 3,  # a description, not a name
            ("GIB", "organisation"): 1,
        }
    )
    groups = [sorted(n for n, _ in g) for g in group_names(counts)]
    assert ["AP", "Associated Press"] in groups
    assert ["NRA"] in groups and ["IMF"] in groups and ["GIB"] in groups


def test_organisation_spellings_merge_but_not_across_kinds():
    assert grouped(["U.S.", "US", "the Kremlin", "Kremlin"], kind="organisation") == [
        ["Kremlin", "the Kremlin"],
        ["U.S.", "US"],
    ]
    groups = group_names([("Reuters", "organisation"), ("Reuters", "person")])
    assert len(groups) == 2
    # a possessive before a common noun is the same body; a name's own "'s" is its name
    names = ["Clinton campaign", "Clinton\u2019s campaign", "Trump's campaign", "Trump campaign"]
    names.append("Mrs. Clinton's campaign")
    assert grouped(names, kind="organisation") == [
        ["Clinton campaign", "Clinton\u2019s campaign", "Mrs. Clinton's campaign"],
        ["Trump campaign", "Trump's campaign"],
    ]
    assert len(grouped(["McDonald's Corp.", "McDonald Corp."], kind="organisation")) == 2


def test_person_name_parts():
    assert PersonName.parse("Donald J. Trump Jr.") == PersonName(("donald", "j"), "trump", "jr")
    assert PersonName.parse("NATO Secretary General Jens Stoltenberg").given == ("jens",)


def test_alias_rules_merge_and_keep_apart():
    rules = Aliases.parse(
        "# nicknames\nJoe Biden = Joseph R. Biden = Sleepy Joe\nJ. Smith != John Smith  # two men\n"
    )
    assert rules.merge == [["Joe Biden", "Joseph R. Biden", "Sleepy Joe"]]
    assert rules.apart == [("J. Smith", "John Smith")]
    names = ["Joe Biden", "Joseph R. Biden", "Sleepy Joe", "J. Smith", "John Smith"]
    assert grouped(names) == [
        ["J. Smith", "John Smith"],
        ["Joe Biden"],
        ["Joseph R. Biden"],
        ["Sleepy Joe"],
    ]
    assert grouped(names, aliases=rules) == [
        ["J. Smith"],
        ["Joe Biden", "Joseph R. Biden", "Sleepy Joe"],
        ["John Smith"],
    ]
    with pytest.raises(ValueError, match="line 2"):
        Aliases.parse("A = B\nnot a rule\n")


ARTICLES = {
    "a.txt": "Russian President Vladimir Putin said on Monday that the talks had failed.\n",
    "b.txt": "Putin said that Russia would not retreat from the region.\n",
    "c.txt": "Vladimir Vladimirovich Putin warned that sanctions would hurt Europe.\n",
    "d.txt": (
        "Hillary Clinton said that the plan was fair.\n\n"
        "Bill Clinton said that the economy was strong.\n"
    ),
    "e.txt": "Former President Bill Clinton said that the deal was a mistake.\n",
}
META = "file,published\na.txt,2019-01-05\nb.txt,2020-02-06\nc.txt,2021-03-07\nd.txt,2016-04-08\ne.txt,2017-05-09\n"


@pytest.fixture()
def db(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text)
    (folder / "metadata.csv").write_text(META)
    path = tmp_path / "id.db"
    conn = store.connect(path)
    assert ingest(conn, [str(folder)]).added == 5
    return path


def test_stored_speakers_are_one_entity_across_articles(db):
    conn = store.connect(db, readonly=True)
    rows = {r["name"]: r for r in query.speakers(conn)}
    putin = rows["Vladimir Putin"]
    # a.txt, published Saturday 2019-01-05, says "on Monday": 2018-12-31
    assert (putin["articles"], putin["first"], putin["last"]) == (3, "2018-12-31", "2021-03-07")
    assert set(putin["aliases"]) == {"Vladimir Putin", "Putin", "Vladimir Vladimirovich Putin"}
    assert [t["title"] for t in putin["titles"]] == ["Russian President"]
    assert putin["titles"][0]["first"] == "2019-01-05"
    assert rows["Bill Clinton"]["articles"] == 2 and rows["Hillary Clinton"]["articles"] == 1
    # the speaker filter finds every name of the entity
    assert len(query.statements(conn, speaker="Vladimir Putin")) == 3
    assert {s["speaker"]["name"] for s in query.statements(conn, speaker="Putin")} == {
        "Vladimir Putin"
    }


def test_ids_are_stable_and_alias_rules_reapply(db, tmp_path):
    conn = store.connect(db)
    before = {r["name"]: r["id"] for r in query.speakers(conn)}
    entities.rebuild(conn)
    assert {r["name"]: r["id"] for r in query.speakers(conn)} == before
    rules = tmp_path / "aliases.txt"
    rules.write_text("Vladimir Putin != Vladimir Vladimirovich Putin\n")
    result = CliRunner().invoke(
        main, ["speakers", "--db", str(db), "--aliases", str(rules), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert rows["Vladimir Putin"]["id"] == before["Vladimir Putin"]
    assert rows["Vladimir Putin"]["articles"] == 2
    assert rows["Vladimir Vladimirovich Putin"]["articles"] == 1
    # the rule is kept: a later ingest regroups with it
    entities.rebuild(conn)
    assert "Vladimir Vladimirovich Putin" in {r["name"] for r in query.speakers(conn)}
    bad = tmp_path / "bad.txt"
    bad.write_text("Putin\n")
    result = CliRunner().invoke(main, ["speakers", "--db", str(db), "--aliases", str(bad)])
    assert result.exit_code == 1 and "line 1" in result.output


def test_people_sharing_a_surname_in_one_article(extract):
    text = (
        "Hillary Clinton said on Monday that the plan was fair.\n\n"
        "Her husband, former President Bill Clinton, said that the economy was strong.\n\n"
        "Hillary Clinton added that she would win Ohio. Clinton also said that her campaign "
        "had raised record sums.\n"
    )
    speakers = [(s.speaker.mention, s.speaker.name) for s in extract(text)]
    assert speakers == [
        ("Hillary Clinton", "Hillary Clinton"),
        ("Her husband, former President Bill Clinton", "Bill Clinton"),  # with its apposition
        ("Hillary Clinton", "Hillary Clinton"),
        ("Clinton", "Hillary Clinton"),  # the Clinton mentioned last
    ]


def test_a_suffix_makes_another_person_in_one_article(extract):
    text = (
        "Donald Trump Jr. said that his father would win. Donald Trump said that the polls "
        "were rigged. Trump added that he would win.\n"
    )
    assert [s.speaker.name for s in extract(text)] == [
        "Donald Trump Jr.",
        "Donald Trump",
        "Donald Trump",
    ]


def test_a_bare_surname_goes_to_the_person_the_record_quotes_most():
    from collections import Counter

    def together(counts, a, b):
        groups = group_names(Counter(counts))
        return any((a, "person") in g and (b, "person") in g for g in groups)

    obama = {
        ("Barack Obama", "person"): 79,
        ("Michelle Obama", "person"): 5,
        ("Obama", "person"): 36,
    }
    assert together(obama, "Obama", "Barack Obama")
    assert not together(obama, "Obama", "Michelle Obama")
    # two people quoted alike: the surname stays apart rather than guess
    clinton = {
        ("Hillary Clinton", "person"): 60,
        ("Bill Clinton", "person"): 40,
        ("Clinton", "person"): 30,
    }
    assert not together(clinton, "Clinton", "Hillary Clinton")
    assert not together(clinton, "Clinton", "Bill Clinton")
    # without counts (names alone) nobody is most quoted
    assert not together({k: 0 for k in obama}, "Obama", "Barack Obama")


def test_a_name_read_as_a_body_and_as_a_person_is_the_person_s():
    from collections import Counter

    counts = Counter(
        {
            ("Donald Trump", "person"): 300,
            ("Trump", "person"): 2,
            ("Trump", "organisation"): 8,
            ("Reuters", "person"): 1,
            ("Reuters", "organisation"): 40,
        }
    )
    counts[("Trump", "group")] = 3
    groups = group_names(counts)
    trump = next(g for g in groups if ("Donald Trump", "person") in g)
    assert ("Trump", "organisation") in trump and ("Trump", "person") in trump
    assert ("Trump", "group") in trump
    # a body that is no one's surname stays a body
    assert [("Reuters", "organisation")] in groups


def _speaking(path, speakers: list[tuple[str, str]]):
    """A record at ``path`` with one statement for each (speaker name, kind), its entities
    built."""
    conn = store.connect(path)
    conn.execute("INSERT INTO articles(id, text, ingested_at) VALUES ('a', 'x', 'now')")
    for n, (name, kind) in enumerate(speakers):
        conn.execute(
            """INSERT INTO statements(id, article_id, seq, speaker_name, speaker_kind,
               content_text, content_spans, kind, cluster_id)
               VALUES (?, 'a', ?, ?, ?, 'words said here', '[[0, 1]]', 'indirect', ?)""",
            (f"s{n}", n, name, kind, f"s{n}"),
        )
    conn.commit()
    entities.rebuild(conn)
    return conn


def test_an_alias_rule_names_the_entity_and_never_unmakes_a_person(tmp_path):
    people = ["Frank Fiorina", "Carly Fiorina", "Fiorina", "Donald Trump"]
    conn = _speaking(
        tmp_path / "a.db",
        [(name, "person") for name in people] + [("Trumpco", "organisation")] * 2,
    )
    aliases = tmp_path / "aliases.txt"
    aliases.write_text("Carly Fiorina = Fiorina = Frank Fiorina\nDonald Trump = Trumpco\n")
    identity.save_aliases(conn, aliases)
    entities.rebuild(conn)
    stored = dict(conn.execute("SELECT name, kind FROM entities"))
    # the first name of a rule is the entity's name; a person merged with a body stays a person
    assert stored == {"Carly Fiorina": "person", "Donald Trump": "person"}


def test_likely_duplicates_are_suggested_as_ready_rules(tmp_path):
    names = [("Ben Carson", 5), ("Ben Carson Defends", 2), ("OBAMA", 1), ("Barack Obama", 4)]
    names += [("Hillary Clinton", 6), ("Bill Clinton", 5), ("Clinton", 3)]
    conn = _speaking(tmp_path / "s.db", [(name, "person") for name, n in names for _ in range(n)])
    rules = {s.rule: s.why for s in identity.suggest(conn)}
    assert "Ben Carson = Ben Carson Defends" in rules
    # "OBAMA" joined Barack Obama by the rules already: nothing to suggest there
    assert not any("OBAMA" in r for r in rules)
    # "Clinton" stays apart (two people quoted alike): its most quoted bearer is offered
    assert rules["Hillary Clinton = Clinton"].startswith("a bare surname")
    # a rule a user set to keep two apart is not suggested again
    aliases = tmp_path / "aliases.txt"
    aliases.write_text("Ben Carson != Ben Carson Defends\n")
    identity.save_aliases(conn, aliases)
    entities.rebuild(conn)
    assert "Ben Carson = Ben Carson Defends" not in {s.rule for s in identity.suggest(conn)}


def test_suggested_rules_can_be_passed_back_as_they_are(tmp_path):
    names = ["Ben Carson", "Ben Carson", "Ben Carson Defends"]
    conn = _speaking(tmp_path / "c.db", [(name, "person") for name in names])
    conn.close()
    db = str(tmp_path / "c.db")
    out = CliRunner().invoke(main, ["speakers", "--db", db, "--suggest"])
    assert out.exit_code == 0, out.output
    assert "Ben Carson = Ben Carson Defends" in out.stdout.splitlines()
    rules = tmp_path / "rules.txt"
    rules.write_text(out.stdout)
    applied = CliRunner().invoke(main, ["speakers", "--db", db, "--aliases", str(rules)])
    assert applied.exit_code == 0, applied.output
    listed = CliRunner().invoke(main, ["speakers", "--db", db, "--format", "json"])
    assert [(r["name"], r["statements"]) for r in json.loads(listed.stdout)] == [("Ben Carson", 3)]


def _grouping(conn) -> set:
    """The entities as (name, kind, its names), and each statement's entity name."""
    groups = {
        (name, kind, tuple(sorted(json.loads(aliases))))
        for name, kind, aliases in conn.execute("SELECT name, kind, aliases FROM entities")
    }
    pointed = set(
        conn.execute(
            "SELECT s.id, e.name FROM statements s LEFT JOIN entities e ON e.id = s.entity_id"
        )
    )
    return groups, pointed


WAVES = [
    [("Barack Obama", "person")] * 5 + [("Reuters", "organisation"), ("Kasich", "organisation")],
    [("Obama", "person"), ("John Kasich", "person"), ("Kasich", "person")]
    + [("Michelle Obama", "person")]
    + [("Associated Press", "organisation")] * 2,
    [("AP", "organisation"), ("OBAMA", "person"), ("Crooked Hillary Clinton", "person")]
    + [("Hillary Clinton", "person")] * 2,
]


def _add(conn, speakers: list[tuple[str, str]], start: int) -> None:
    for n, (name, kind) in enumerate(speakers, start):
        conn.execute(
            """INSERT INTO statements(id, article_id, seq, entity_id, speaker_name,
               speaker_kind, content_text, content_spans, kind, cluster_id)
               VALUES (?, 'a', ?, ?, ?, ?, 'words said here', '[[0, 1]]', 'indirect', ?)""",
            (f"s{n}", n, store._entity(conn, name, kind), name, kind, f"s{n}"),
        )


def test_entities_updated_wave_by_wave_equal_a_full_rebuild(tmp_path):
    conn = store.connect(tmp_path / "grown.db")
    conn.execute("INSERT INTO articles(id, text, ingested_at) VALUES ('a', 'x', 'now')")
    start = 0
    for wave in WAVES:
        with conn:
            _add(conn, wave, start)
        start += len(wave)
        dirty = conn.execute("SELECT COUNT(*) FROM speaker_names WHERE dirty").fetchone()[0]
        assert dirty == len(set(wave))  # the names this wave touched, and no other
        entities.update(conn)
    grown = _grouping(conn)
    entities.rebuild(conn)
    assert _grouping(conn) == grown
    names = {n: a for n, _, a in grown[0]}
    assert set(names["Barack Obama"]) == {"Barack Obama", "Obama", "OBAMA"}
    assert set(names["Associated Press"]) == {"AP", "Associated Press"}
    assert set(names["John Kasich"]) == {"John Kasich", "Kasich"}  # (the body's and the person's)
    assert set(names["Hillary Clinton"]) == {"Hillary Clinton", "Crooked Hillary Clinton"}
    # an update regroups only what shares a key with the names it touched, step by step
    near = entities._closure(conn, [("OBAMA", "person")], identity.load_aliases(conn))
    assert near == {
        ("Barack Obama", "person"),
        ("Obama", "person"),
        ("Michelle Obama", "person"),
        ("OBAMA", "person"),
    }
