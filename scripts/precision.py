"""The hand-labelled precision set: statements drawn at random from ``extract`` on PolNeAR
**dev** texts (never train), each labelled by reading its article.

    python scripts/precision.py sample --n 330 --seed 25 --out tests/fixtures/precision/sample.jsonl
    python scripts/precision.py score [--mode fast|default|accurate]

``sample`` runs the extractor (default mode) over the dev texts, draws ``--n`` of its
statements at random and writes each with what a labeller needs: the file, the speaker
(name as resolved, mention and its span), the cue, the content and its spans, the kind, and
the passage around it with the parts marked (``[speaker]``, ``{cue}``, ``«content»``). The
labels (``real``, ``category``, ``speaker_ok``, ``note``) are added by people reading the
articles; see ``tests/fixtures/precision/README.md`` for what each means.

``score`` runs the extractor now over the labelled texts and reports, on the labelled
statements it still finds (by key), the precision (real statements of all found), the real
ones by category, the resolved speakers' accuracy among the real ones, and, once statements
carry a category, the confusion of categories and the precision of those called speech.

A statement is keyed by its file and its content's first and last offsets, so labels stay
attached to the same words when the extractor changes around them.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "data" / "polnear" / "dev" / "text"
FIXTURES = ROOT / "tests" / "fixtures" / "precision"


def published(name: str) -> str | None:
    """The publication date in a PolNeAR file name (``outlet_2016-09-12_slug.txt``)."""
    m = re.search(r"_(\d{4}-\d{2}-\d{2})_", name)
    return m.group(1) if m else None


def key(file: str, spans: list) -> str:
    return f"{file}:{spans[0][0]}-{spans[-1][1]}"


def marked(text: str, stmt: dict, margin: int = 300) -> str:
    """The passage around a statement, its speaker, cue and content marked."""
    marks = []
    if stmt["speaker"]["span"]:
        s, e = stmt["speaker"]["span"]
        marks += [(s, "["), (e, "]")]
    if stmt["cue"]:
        s, e = stmt["cue"]["span"]
        marks += [(s, "{"), (e, "}")]
    for s, e in stmt["content"]["spans"]:
        marks += [(s, "«"), (e, "»")]
    lo = max(0, min(p for p, _ in marks) - margin)
    hi = min(len(text), max(p for p, _ in marks) + margin)
    out, at = [], lo
    for pos, mark in sorted(marks, key=lambda m: (m[0], m[1] in "]}»")):
        out += [text[at:pos], mark]
        at = pos
    out.append(text[at:hi])
    return ("…" if lo else "") + "".join(out) + ("…" if hi < len(text) else "")


def sample(args) -> int:
    from onrecord.find.pipeline import extract_many
    from onrecord.record import schema

    files = sorted(args.dev.glob("*.txt"))
    drawn = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        (stmts,) = extract_many([text], published=published(path.name))
        for s in stmts:
            d = schema.statement_json(s)
            drawn.append((path.name, text, d))
    if args.exclude:  # a further set: none of the statements the others label
        taken = {json.loads(line)["key"] for path in args.exclude for line in path.open()}
        drawn = [d for d in drawn if key(d[0], d[2]["content"]["spans"]) not in taken]
    rng = random.Random(args.seed)
    picked = rng.sample(drawn, min(args.n, len(drawn)))
    picked.sort(key=lambda x: (x[0], x[2]["content"]["spans"][0][0]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        for name, text, d in picked:
            row = {
                "key": key(name, d["content"]["spans"]),
                "file": name,
                "speaker": d["speaker"]["name"],
                "speaker_kind": d["speaker"]["kind"],
                "mention": d["speaker"]["mention"],
                "cue": d["cue"]["text"] if d["cue"] else None,
                "kind": d["kind"],
                "content": d["content"]["text"],
                "passage": marked(text, d),
            }
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(picked)} of {len(drawn)} statements from {len(files)} texts to {args.out}")
    return 0


def _current(dev: Path, files: set[str], mode: str) -> dict[str, dict]:
    """The extractor's statements now on the labelled files, as JSON by key."""
    from onrecord.find.pipeline import extract_many
    from onrecord.record import schema

    out = {}
    for name in sorted(files):
        text = (dev / name).read_text(encoding="utf-8")
        (stmts,) = extract_many([text], published=published(name), mode=mode)
        for s in stmts:
            d = schema.statement_json(s)
            out[key(name, d["content"]["spans"])] = d
    return out


def _speaker_right(label: dict, drawn: dict, now: dict) -> bool | None:
    """Whether the speaker the extractor gives now is right: the label says of the speaker
    drawn; a speaker that changed is right when it is the labelled right one (None: unknown)."""
    name = now["speaker"]["name"]
    if name == drawn["speaker"]:
        return label["speaker_ok"] == "yes"
    if label["speaker_ok"] == "no":
        return _same_person(name, label.get("right_speaker")) or None
    # a right speaker named otherwise: right if the new name is the old one's person
    # ("Hillary Clinton" where "Crooked Hillary Clinton" was drawn); unknown if it is people
    # joined to them ("Charles E. Grassley and Patrick J. Leahy" where "Charles E. Grassley"
    # was drawn: the label does not say whether the other spoke too)
    if _same_person(name, drawn["speaker"]) or _same_person(drawn["speaker"], name):
        return True
    if name is None and _unnamed(drawn["speaker"]):
        return True  # "Polls" drawn and labelled right, now null: both say nobody is named
    parts = _parts(name or "")
    return None if any(_same_person(p, drawn["speaker"]) for p in parts) else False


def _unnamed(name: str | None) -> bool:
    """Whether a speaker's name is only words for documents or findings that name nobody
    ("Polls", "exit polls", "federal data"), as a null speaker does: the labels take either
    as right where the article names nobody."""
    from onrecord.find.speakers import DOCUMENT_NOUNS, FINDING_SOURCES

    if not name:
        return False
    head = re.split(r"\s(?:in|of|from|on|at|for|by)\s", name)[0].split()
    last = head[-1].lower()
    # (a capital anywhere but a lone word's first letter may be a name: "Pew polls")
    named = any(w[:1].isupper() for w in (head[1:] if len(head) == 1 else head))
    return not named and (last in FINDING_SOURCES or last.removesuffix("s") in DOCUMENT_NOUNS)


def _same_person(name: str | None, right: str | None) -> bool:
    """Whether a resolved name names the labelled person or body: the same words up to case,
    possessives and hyphens, one name's words within the other's with the same last word
    ("Obama" for "Barack Obama", "Clinton campaign" for "Hillary Clinton's campaign",
    "Donald Trump's presidential campaign" for "Donald Trump's campaign"), or an acronym of
    the other ("IMF"). A label's note in brackets, an honorific before it and a document
    noun at its end ("USA TODAY (analysis)", "Mr. King", "Washington Post-ABC News poll")
    are not part of the name."""
    if not name or not right:
        return name == right
    names, rights = _parts(name), _parts(right)
    if len(names) > 1 or len(rights) > 1:  # people named together, in any order
        return len(names) == len(rights) and all(
            any(_same_person(n, r) for r in rights) for n in names
        )

    def fold(n: str) -> list[str]:  # "Holtz-Eakin" is "Holtz Eakin", "O’Neill" "O'Neill"
        n = re.sub(r"\s*\([^)]*\)", "", n).replace("\u2019", "'")
        words = re.sub(r"'s\b", "", n.lower()).replace("-", " ").split()
        while len(words) > 1 and words[0] in HONORIFICS:  # "Mr. King" is "Larry King"
            words.pop(0)
        while len(words) > 1 and words[-1].removesuffix("s") in DOCUMENT_WORDS:
            words.pop()  # ("Washington Post-ABC News poll", "WikiLeaks emails")
        return words

    words, full = fold(name), fold(right)
    if not words or not full:
        return False
    if words == full or "".join(w[0] for w in full) == "".join(words):
        return True
    if "".join(w[0] for w in words) == "".join(full) and len(full) == 1:
        return True
    return words[-1] == full[-1] and (set(words) <= set(full) or set(full) <= set(words))


def _parts(name: str) -> list[str]:
    """The people of a name that joins them ("Hillary Clinton and Obama"), or the name."""
    return [p for p in re.split(r",\s*|\s+and\s+", name) if p]


HONORIFICS = ("mr.", "mrs.", "ms.", "dr.", "mr", "mrs", "ms", "dr")
DOCUMENT_WORDS = {
    "poll",
    "report",
    "study",
    "survey",
    "analysis",
    "letter",
    "ad",
    "email",
    "memo",
    "tweet",
}


def score(args) -> int:
    """Score the extractor now on the labelled statements it still finds."""
    labels = {json.loads(line)["key"]: json.loads(line) for line in args.labels.open()}
    drawn = {json.loads(line)["key"]: json.loads(line) for line in args.sample.open()}
    now = _current(args.dev, {d["file"] for d in drawn.values()}, args.mode)
    found = [k for k in labels if k in now]
    real = [k for k in found if labels[k]["real"] == "yes"]
    report: dict = {
        "labelled": len(labels),
        "still_found": len(found),
        "precision": round(len(real) / len(found), 4) if found else None,
    }
    by_category = {}
    for cat in ("speech", "belief", "finding"):
        ks = [k for k in real if labels[k]["category"] == cat]
        by_category[cat] = len(ks)
    report["real_by_category"] = by_category
    rights = [_speaker_right(labels[k], drawn[k], now[k]) for k in real]
    known = [r for r in rights if r is not None]
    report["speaker_accuracy"] = round(sum(known) / len(known), 4) if known else None
    report["speaker_right"] = f"{sum(known)} of {len(known)}"
    report["speaker_unknown"] = len(rights) - len(known)
    predicted = {k: now[k].get("category") for k in found}
    if any(predicted.values()):
        pairs = Counter(
            (labels[k]["category"], predicted[k]) for k in found if predicted[k] is not None
        )
        report["category_confusion"] = {f"{g} as {p}": n for (g, p), n in sorted(pairs.items())}
        speech = [k for k in found if predicted[k] == "speech"]
        right = sum(labels[k]["category"] == "speech" for k in speech)
        report["speech_precision"] = round(right / len(speech), 4) if speech else None
        report["speech_right"] = f"{right} of {len(speech)}"
    conf = {k: now[k].get("confidence") for k in found}
    for floor in (0.5, 0.8):
        high = [k for k in found if conf[k] is not None and conf[k] >= floor]
        report[f"confidence_at_least_{floor}"] = {
            "share": round(len(high) / len(found), 4) if found else None,
            "precision": round(sum(labels[k]["real"] == "yes" for k in high) / len(high), 4)
            if high
            else None,
            "speech_precision": _speech_precision(
                [k for k in high if predicted.get(k) == "speech"], labels
            ),
        }
    print(json.dumps(report, indent=2))
    if args.wrong:
        for k in found:
            wrong_speaker = k in real and rights[real.index(k)] is False
            if labels[k]["real"] != "yes" or wrong_speaker:
                what = "not a statement" if labels[k]["real"] != "yes" else "wrong speaker"
                cue = now[k]["cue"]["text"] if now[k]["cue"] else None
                speaker = f"{now[k]['speaker']['name']} ({now[k]['speaker']['mention']})"
                content, note = now[k]["content"]["text"][:80], labels[k]["note"][:80]
                print(
                    f"{what}\t{k}\t{now[k].get('category')}\t{conf[k]}\t{speaker}\t{cue}\t{content}\t{note}"
                )
    return 0


def _speech_precision(keys: list[str], labels: dict) -> float | None:
    if not keys:
        return None
    return round(sum(labels[k]["category"] == "speech" for k in keys) / len(keys), 4)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample", help="draw statements to label")
    s.add_argument("--dev", type=Path, default=DEV)
    s.add_argument("--n", type=int, default=330)
    s.add_argument("--seed", type=int, default=25)
    s.add_argument("--out", type=Path, required=True)
    s.add_argument(
        "--exclude",
        type=Path,
        action="append",
        help="a sample whose statements are not drawn again (may be given more than once)",
    )
    c = sub.add_parser("score", help="score the extractor now against the labels")
    c.add_argument("--dev", type=Path, default=DEV)
    c.add_argument("--sample", type=Path, default=FIXTURES / "sample.jsonl")
    c.add_argument("--labels", type=Path, default=FIXTURES / "labels.jsonl")
    c.add_argument("--mode", default="default", choices=("fast", "default", "accurate"))
    c.add_argument("--wrong", action="store_true", help="list what is wrong, one per line")
    args = ap.parse_args(argv)
    return sample(args) if args.command == "sample" else score(args)


if __name__ == "__main__":
    sys.exit(main())
