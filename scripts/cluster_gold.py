"""The hand-made cluster gold: pairs of stored statements, each labelled by a person reading
both as the same statement (one statement reported twice) or not, and the record's pair
precision against it.

    python scripts/cluster_gold.py pairs --db td.db --candidates 260 --out pairs.jsonl
    python scripts/cluster_gold.py score --db td.db [--wrong]

``pairs`` writes two kinds of pair: every report of every multi-report cluster paired with
the cluster's first report (``"source": "cluster"``), and ``--candidates`` pairs drawn at
random from those the MinHash LSH index proposes between statements of different articles
(``"source": "lsh"``), whether the record joined them or not. Each pair carries both
statements (speaker, cue, content, article title, outlet and date) and whether the record
puts them in one cluster now.

``score`` reads the labels (``tests/fixtures/clusters/labels.jsonl``: ``key``, ``same``:
``yes``/``no``, ``note``) and checks them against the clusters of the record now: pair
precision (of the labelled pairs the record puts in one cluster, the share labelled the
same statement) and, on the LSH pairs, recall (of the pairs labelled the same, the share the
record joins). A statement is keyed by its article's file name and its content's offsets, a
pair by its two statements' keys, so that labels survive a new ingest of the same texts.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
from pathlib import Path

from onrecord.record import dedup

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "fixtures" / "clusters" / "labels.jsonl"

_ROW = """SELECT s.id, a.path, s.content_spans, s.speaker_name, s.cue_text,
                 s.content_text, a.title, a.outlet, a.published, s.cluster_id, s.article_id
          FROM statements s JOIN articles a ON a.id = s.article_id"""


def _statements(conn: sqlite3.Connection) -> dict[str, dict]:
    out = {}
    for sid, path, spans, speaker, cue, content, title, outlet, day, cluster, art in conn.execute(
        _ROW
    ):
        spans = json.loads(spans)
        start, end = spans[0][0], spans[-1][1]
        out[sid] = {
            "key": f"{Path(path or art).name}:{start}-{end}",
            "speaker": speaker,
            "cue": cue,
            "content": content,
            "title": title,
            "outlet": outlet,
            "published": day,
            "cluster": cluster,
            "article": art,
        }
    return out


def pair_key(a: dict, b: dict) -> str:
    return " | ".join(sorted((a["key"], b["key"])))


def _shown(s: dict) -> dict:
    return {k: s[k] for k in ("key", "speaker", "cue", "content", "title", "outlet", "published")}


def pairs(args) -> int:
    conn = sqlite3.connect(args.db)
    stmts = _statements(conn)
    out: dict[str, dict] = {}
    for sid, s in stmts.items():
        first = stmts.get(s["cluster"])
        if s["cluster"] != sid and first is not None:
            out[pair_key(first, s)] = {"source": "cluster", "a": _shown(first), "b": _shown(s)}
    # the pairs the record's LSH index proposes: statements of two articles filed under one
    # band key (dedup.update looks them up the same way)
    ids = dict(conn.execute("SELECT rowid, id FROM statements"))
    candidates = sorted(
        {
            tuple(sorted((ids[a], ids[b])))
            for a, b in conn.execute(
                "SELECT x.sid, y.sid FROM lsh_bands x JOIN lsh_bands y "
                "ON y.key = x.key AND y.sid > x.sid"
            )
            if a in ids and b in ids and stmts[ids[a]]["article"] != stmts[ids[b]]["article"]
        }
    )
    # half drawn at random, half from the nearest ones (the most of the shorter content's
    # 3-grams within the longer): the misses of the rule are there, if anywhere
    rng = random.Random(args.seed)
    grams = {sid: dedup.shingles(stmts[sid]["content"]) for pair in candidates for sid in pair}
    near = sorted(candidates, key=lambda p: -_containment(grams[p[0]], grams[p[1]]))
    drawn = 0
    for a, b in rng.sample(candidates, len(candidates))[: args.candidates // 2] + near:
        if drawn >= args.candidates:
            break
        k = pair_key(stmts[a], stmts[b])
        if k in out:
            continue
        out[k] = {"source": "lsh", "a": _shown(stmts[a]), "b": _shown(stmts[b])}
        drawn += 1
    by_key = {s["key"]: s for s in stmts.values()}
    with open(args.out, "w", encoding="utf-8") as fh:
        for k, row in sorted(out.items()):
            a, b = (by_key[row[x]["key"]] for x in "ab")
            joined = a["cluster"] == b["cluster"]
            fh.write(json.dumps({"key": k, **row, "joined": joined}, ensure_ascii=False) + "\n")
    print(f"{len(out)} pairs ({drawn} drawn of {len(candidates)} LSH candidates) to {args.out}")
    return 0


def _containment(a: set[str], b: set[str]) -> float:
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    return len(small & big) / len(small) if small else 0.0


def score(args) -> int:
    labels = [json.loads(line) for line in args.labels.open(encoding="utf-8")]
    conn = sqlite3.connect(args.db)
    by_key = {s["key"]: s for s in _statements(conn).values()}
    joined, missing = [], 0
    for label in labels:
        a, b = (by_key.get(k) for k in label["key"].split(" | "))
        if a is None or b is None:
            missing += 1
            continue
        joined.append((label, a["cluster"] == b["cluster"]))
    together = [lab for lab, j in joined if j]
    lsh_same = [(lab, j) for lab, j in joined if lab["source"] == "lsh" and lab["same"] == "yes"]
    report = {
        "labelled_pairs": len(labels),
        "pairs_not_in_record": missing,
        "pairs_joined": len(together),
        "pair_precision": round(sum(lab["same"] == "yes" for lab in together) / len(together), 4)
        if together
        else None,
        "lsh_pairs_labelled_same": len(lsh_same),
        "lsh_recall": round(sum(j for _, j in lsh_same) / len(lsh_same), 4) if lsh_same else None,
    }
    print(json.dumps(report, indent=2))
    if args.wrong:
        for lab, j in joined:
            if j != (lab["same"] == "yes"):
                what = "joined, not the same" if j else "the same, not joined"
                print(f"{what}\t{lab['key']}\t{lab.get('note', '')}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("pairs", help="write the pairs to label")
    p.add_argument("--db", type=Path, required=True)
    p.add_argument("--candidates", type=int, default=260)
    p.add_argument("--seed", type=int, default=26)
    p.add_argument("--out", type=Path, required=True)
    s = sub.add_parser("score", help="score the record's clusters against the labels")
    s.add_argument("--db", type=Path, required=True)
    s.add_argument("--labels", type=Path, default=LABELS)
    s.add_argument("--wrong", action="store_true", help="list the pairs the record gets wrong")
    args = ap.parse_args(argv)
    return pairs(args) if args.command == "pairs" else score(args)


if __name__ == "__main__":
    sys.exit(main())
