"""Write ``src/onrecord/data/given_names.tsv``: the given names that say "he" or "she".

    pip install nomquamgender==0.1.4   # (only to regenerate the table)
    python scripts/given_names.py

A name's pronoun helps resolve speakers: "Mrs. Clinton" is not Bill Clinton, and "He" is
not Aparna Mathur. The counts come from nomquamgender (MIT licence; name-gender data
gathered from 36 sources, about 720,000 names). Loading it whole costs about 280 MB and a
second and a half per process, so the finder reads a small table drawn from it instead:
names written in plain letters, seen at least :data:`MIN_COUNT` times, and given to one
gender at least :data:`SHARE` of the time ("Kelly", "Lee", "Jordan", "Bernie" are left out:
they say nothing).
"""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "onrecord" / "data" / "given_names.tsv"
MIN_COUNT = 300
SHARE = 0.95


def main() -> int:
    data = json.loads(files("nomquamgender").joinpath("name_data.json").read_text("utf-8"))
    rows = []
    for name, (_sources, count, p_female, *_rest) in data.items():
        if count < MIN_COUNT or not re.fullmatch(r"[a-z]+(?:-[a-z]+)?", name):
            continue
        if p_female >= SHARE:
            rows.append((name, "she"))
        elif p_female <= 1 - SHARE:
            rows.append((name, "he"))
    rows.sort()
    head = (
        "# Given names and the pronoun they take, drawn from nomquamgender 0.1.4 (MIT\n"
        "# licence, Ian Van Buskirk) by scripts/given_names.py: seen at least "
        f"{MIN_COUNT} times,\n# given to one gender at least {SHARE:.0%} of the time.\n"
    )
    OUT.write_text(head + "".join(f"{n}\t{p}\n" for n, p in rows), encoding="utf-8")
    he = sum(p == "he" for _, p in rows)
    print(f"{len(rows)} names ({he} he, {len(rows) - he} she) to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
