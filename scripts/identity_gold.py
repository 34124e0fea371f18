"""The hand-made identity gold: the most quoted speaker names of a record, each assigned by
a person to the real person or organisation it names, and the score of the record's
entities against it.

    onrecord ingest --db td.db --metadata ../shared/data/polnear/metadata.tsv \\
        ../shared/data/polnear/train/text ../shared/data/polnear/dev/text
    python scripts/identity_gold.py names --db td.db --n 150 --out names.jsonl
    python scripts/identity_gold.py score --db td.db [--wrong]

``names`` lists the ``--n`` speaker names (as stored per statement, with their kind) that
have the most statements, each with what a labeller needs: its count, the entity the record
puts it in, and a few of its statements (mention, content, article title and outlet).

``score`` reads the gold (``tests/fixtures/identity/gold.tsv``: name, kind, the real
referent, a note) and scores the entities the record gives the statements of those names,
B-cubed over statements (Bagga and Baldwin 1998): for each statement, the share of the
statements in its predicted entity that have its gold referent (precision) and the share of
the statements with its gold referent that are in its predicted entity (recall), averaged
over statements. Names whose referent is ``?`` (the labeller could not tell, or they name
several) are left out.
"""

from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "fixtures" / "identity" / "gold.tsv"


def names(args) -> int:
    conn = sqlite3.connect(args.db)
    rows = conn.execute(
        """SELECT s.speaker_name, s.speaker_kind, COUNT(*) AS n, e.name, e.kind
           FROM statements s LEFT JOIN entities e ON e.id = s.entity_id
           WHERE s.speaker_name IS NOT NULL
           GROUP BY s.speaker_name, s.speaker_kind ORDER BY n DESC, s.speaker_name LIMIT ?""",
        (args.n,),
    ).fetchall()
    with open(args.out, "w", encoding="utf-8") as fh:
        for name, kind, n, entity, entity_kind in rows:
            examples = conn.execute(
                """SELECT s.speaker_mention, substr(s.content_text, 1, 160), a.title, a.outlet,
                          a.path
                   FROM statements s JOIN articles a ON a.id = s.article_id
                   WHERE s.speaker_name = ? AND s.speaker_kind = ?
                   ORDER BY random() LIMIT 4""",
                (name, kind),
            ).fetchall()
            fh.write(
                json.dumps(
                    {
                        "name": name,
                        "kind": kind,
                        "statements": n,
                        "entity": entity,
                        "entity_kind": entity_kind,
                        "examples": [
                            dict(
                                zip(
                                    ("mention", "content", "title", "outlet", "path"),
                                    e,
                                    strict=True,
                                )
                            )
                            for e in examples
                        ],
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    print(f"{len(rows)} names to {args.out}")
    return 0


def read_gold(path: Path) -> dict[tuple[str, str], str]:
    """(name, kind) -> the real referent, from the gold file; ``?`` rows left out."""
    with path.open(encoding="utf-8") as fh:
        rows = csv.DictReader(fh, delimiter="\t")
        return {(r["name"], r["kind"]): r["referent"] for r in rows if r["referent"] != "?"}


def bcubed(pairs: list[tuple[str, object]]) -> tuple[float, float]:
    """B-cubed precision and recall of (gold, predicted) labels, one pair per item."""
    by_pred: Counter = Counter(p for _, p in pairs)
    by_gold: Counter = Counter(g for g, _ in pairs)
    both: Counter = Counter(pairs)
    n = len(pairs)
    precision = sum(both[(g, p)] / by_pred[p] for g, p in pairs) / n
    recall = sum(both[(g, p)] / by_gold[g] for g, p in pairs) / n
    return precision, recall


def score(args) -> int:
    gold = read_gold(args.gold)
    conn = sqlite3.connect(args.db)
    rows = conn.execute(
        """SELECT s.speaker_name, s.speaker_kind, s.entity_id, e.name, COUNT(*)
           FROM statements s LEFT JOIN entities e ON e.id = s.entity_id
           WHERE s.speaker_name IS NOT NULL
           GROUP BY s.speaker_name, s.speaker_kind, s.entity_id"""
    ).fetchall()
    pairs: list[tuple[str, object]] = []
    entity_names: dict[object, str] = {}
    for name, kind, eid, ename, n in rows:
        if (name, kind) in gold:
            pairs += [(gold[(name, kind)], eid)] * n
            entity_names[eid] = ename
    if not pairs:
        print("no statement of a gold name in this record", file=sys.stderr)
        return 1
    precision, recall = bcubed(pairs)
    report = {
        "gold_names": len(gold),
        "statements": len(pairs),
        "referents": len({g for g, _ in pairs}),
        "entities": len({p for _, p in pairs}),
        "bcubed_precision": round(precision, 4),
        "bcubed_recall": round(recall, 4),
    }
    print(json.dumps(report, indent=2))
    if args.wrong:
        # referents split over entities, and entities that hold several referents
        split: dict[str, Counter] = {}
        mixed: dict[object, Counter] = {}
        for g, p in pairs:
            split.setdefault(g, Counter())[entity_names.get(p)] += 1
            mixed.setdefault(p, Counter())[g] += 1
        for g, c in sorted(split.items()):
            if len(c) > 1:
                print(f"split\t{g}\t" + "; ".join(f"{e} ({n})" for e, n in c.most_common()))
        for p, c in mixed.items():
            if len(c) > 1:
                print(
                    f"mixed\t{entity_names.get(p)}\t"
                    + "; ".join(f"{g} ({n})" for g, n in c.most_common())
                )
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("names", help="list the most quoted names to label")
    s.add_argument("--db", type=Path, required=True)
    s.add_argument("--n", type=int, default=150)
    s.add_argument("--out", type=Path, required=True)
    c = sub.add_parser("score", help="score the record's entities against the gold")
    c.add_argument("--db", type=Path, required=True)
    c.add_argument("--gold", type=Path, default=GOLD)
    c.add_argument("--wrong", action="store_true", help="list split and mixed referents")
    args = ap.parse_args(argv)
    return names(args) if args.command == "names" else score(args)


if __name__ == "__main__":
    sys.exit(main())
