"""The hand-made identity and cluster golds are whole and consistent, and their scorers
count right."""

from __future__ import annotations

import csv
import importlib.util
import json
import sqlite3

import pytest

from .conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_identity_gold_labels_every_listed_name_once():
    names = [json.loads(line) for line in (FIXTURES / "identity" / "names.jsonl").open()]
    with (FIXTURES / "identity" / "gold.tsv").open(encoding="utf-8") as fh:
        gold = list(csv.DictReader(fh, delimiter="\t"))
    assert len(gold) >= 150
    assert [(g["name"], g["kind"]) for g in gold] == [(n["name"], n["kind"]) for n in names]
    assert all(g["referent"].strip() for g in gold)
    # names that differ only by a headline word or a dateline name one person
    referent = {(g["name"], g["kind"]): g["referent"] for g in gold}
    assert referent[("Crooked Hillary Clinton", "person")] == "Hillary Clinton"
    assert referent[("CLEVELAND Donald Trump", "person")] == "Donald Trump"


def test_bcubed_by_hand():
    bcubed = _script("identity_gold").bcubed
    # gold: a a b; predicted: x x x (one entity for two referents)
    p, r = bcubed([("a", "x"), ("a", "x"), ("b", "x")])
    assert p == pytest.approx((2 / 3 + 2 / 3 + 1 / 3) / 3)
    assert r == 1.0
    # gold: a a; predicted: x y (one referent split)
    p, r = bcubed([("a", "x"), ("a", "y")])
    assert (p, r) == (1.0, 0.5)


def test_the_cluster_gold_labels_every_pair_once():
    pairs = [json.loads(line) for line in (FIXTURES / "clusters" / "pairs.jsonl").open()]
    labels = [json.loads(line) for line in (FIXTURES / "clusters" / "labels.jsonl").open()]
    assert [p["key"] for p in pairs] == [label["key"] for label in labels]
    assert len({label["key"] for label in labels}) == len(labels)
    assert sum(label["source"] == "lsh" for label in labels) >= 200
    assert {label["same"] for label in labels} == {"yes", "no"}


def test_cluster_score_counts_joined_pairs(tmp_path, capsys):
    module = _script("cluster_gold")
    db = tmp_path / "r.db"
    conn = sqlite3.connect(db)
    conn.executescript(
        """CREATE TABLE articles (id TEXT, path TEXT, title TEXT, outlet TEXT, published TEXT);
           CREATE TABLE statements (id TEXT, article_id TEXT, content_spans TEXT,
               speaker_name TEXT, cue_text TEXT, content_text TEXT, cluster_id TEXT);
           INSERT INTO articles VALUES ('A', '/x/a.txt', '', '', ''), ('B', '/x/b.txt', '', '', '');
           INSERT INTO statements VALUES
               ('1', 'A', '[[0, 5]]', 'X', 'said', 'a', 'c1'),
               ('2', 'B', '[[0, 5]]', 'X', 'said', 'a', 'c1'),
               ('3', 'B', '[[9, 12]]', 'X', 'said', 'b', 'c3');"""
    )
    conn.commit()
    labels = tmp_path / "labels.jsonl"
    rows = [
        {"key": "a.txt:0-5 | b.txt:0-5", "source": "cluster", "same": "no"},
        {"key": "a.txt:0-5 | b.txt:9-12", "source": "lsh", "same": "yes"},
        {"key": "a.txt:0-5 | gone.txt:1-2", "source": "lsh", "same": "no"},
    ]
    labels.write_text("".join(json.dumps(r) + "\n" for r in rows))
    module.main(["score", "--db", str(db), "--labels", str(labels)])
    report = json.loads(capsys.readouterr().out)
    assert report["pairs_joined"] == 1 and report["pair_precision"] == 0.0
    assert report["pairs_not_in_record"] == 1
    assert (report["lsh_pairs_labelled_same"], report["lsh_recall"]) == (1, 0.0)
