"""Score extracted attributions against hand annotations in brat standoff (PolNeAR).

Three roles are scored, content, source and cue, each as a list of *items* (one per
attribution). An item is the set of word tokens (``\\w+`` runs) its spans overlap by one
character or more; an item covering no word token is the set of its non-space characters
(for ":" or dash cues). Discontinuous spans form one set.

- exact: an item counts when its token set equals a gold one (matched one-to-one);
- partial: when it shares any token with a gold item (one-to-one, Pareti's measure);
- soft: each predicted item earns the share of its tokens found in its best gold item, each
  gold item the share of its tokens covered by its best prediction;
- attribution level: a prediction matches a gold attribution when its content covers at least
  half the gold content tokens and the sources share a token that is not a stopword (where the
  gold source has stopwords only, "he", the token sets must be equal); matched one-to-one and
  reported for direct (gold content holds a quotation mark) and indirect attributions apart.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .model import CATEGORIES, Mode, Span

ROLES = ("content", "source", "cue")
QUOTE_MARKS = set('"“”«»„')
_WORD = re.compile(r"\w+")


@dataclass
class Attribution:
    """One attribution as spans per role (a missing role is an empty list)."""

    content: list[Span] = field(default_factory=list)
    source: list[Span] = field(default_factory=list)
    cue: list[Span] = field(default_factory=list)


@dataclass
class GoldDoc:
    name: str
    text: str
    attributions: list[Attribution]


def parse_brat(ann: str) -> list[Attribution]:
    """Attributions from a brat ``.ann`` text: ``T`` span lines tied by ``E`` lines."""
    spans: dict[str, list[Span]] = {}
    events: list[dict[str, str]] = []
    for line in ann.splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            _, _, offsets = parts[1].partition(" ")
            spans[parts[0]] = [
                (int(a), int(b)) for a, b in (piece.split() for piece in offsets.split(";"))
            ]
        elif line.startswith("E") and len(parts) >= 2:
            roles = dict(arg.split(":", 1) for arg in parts[1].split() if ":" in arg)
            events.append(roles)
    out = []
    for roles in events:
        out.append(
            Attribution(
                content=spans.get(roles.get("Content", ""), []),
                source=spans.get(roles.get("Source", ""), []),
                cue=spans.get(roles.get("Cue", ""), []),
            )
        )
    return out


def load_corpus(root: Path) -> list[GoldDoc]:
    """``root/text/*.txt`` with ``root/attributions/<name>_*.ann`` (first in sorted order)."""
    docs = []
    anns = sorted((root / "attributions").glob("*.ann"))
    for txt in sorted((root / "text").glob("*.txt")):
        mine = [a for a in anns if a.name.startswith(txt.stem + "_") or a.stem == txt.stem]
        attributions = parse_brat(mine[0].read_text(encoding="utf-8")) if mine else []
        docs.append(GoldDoc(txt.stem, txt.read_text(encoding="utf-8"), attributions))
    return docs


def parsed_corpus(root: Path, docbin: Path | None = None) -> list[tuple[GoldDoc, object]]:
    """(gold document, spaCy ``Doc``) pairs for training; the parse is read from ``docbin``
    when that file exists, else made and, given ``docbin``, saved there for the next run."""
    from spacy.tokens import DocBin

    from .find import nlp

    docs = load_corpus(root)
    pipe = nlp.load()
    if docbin and docbin.exists():
        parsed = list(DocBin().from_disk(docbin).get_docs(pipe.vocab))
    else:
        parsed = list(pipe.pipe((d.text for d in docs), batch_size=32))
        if docbin:
            store = DocBin(store_user_data=True)
            for doc in parsed:
                store.add(doc)
            store.to_disk(docbin)
    return list(zip(docs, parsed, strict=True))


def token_set(text: str, spans: Iterable[Span]) -> frozenset:
    """Word tokens of ``text`` the spans overlap; their non-space characters if none."""
    spans = [s for s in spans if s[1] > s[0]]
    words = set()
    for start, end in spans:
        # widen to whole tokens: step back to the start of a word cut in the middle
        lo = start
        while lo > 0 and (text[lo - 1].isalnum() or text[lo - 1] == "_"):
            lo -= 1
        for m in _WORD.finditer(text, lo, end):
            if m.end() > start:
                words.add(m.start())
    if words:
        return frozenset(words)
    return frozenset(("p", i) for s, e in spans for i in range(s, e) if not text[i].isspace())


@dataclass
class PRF:
    tp_p: float = 0.0  # credit earned by predictions
    tp_r: float = 0.0  # credit earned by gold items
    n_pred: int = 0
    n_gold: int = 0

    def add(self, other: PRF) -> None:
        self.tp_p += other.tp_p
        self.tp_r += other.tp_r
        self.n_pred += other.n_pred
        self.n_gold += other.n_gold

    @property
    def precision(self) -> float:
        return self.tp_p / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp_r / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "predicted": self.n_pred,
            "gold": self.n_gold,
        }


def _pairs(pred: list, gold: list, ok, size) -> dict[int, int]:
    """Greedy one-to-one matching, largest ``size`` first: pred index to gold index."""
    pairs = sorted(
        ((size(p, g), i, j) for i, p in enumerate(pred) for j, g in enumerate(gold) if ok(p, g)),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    paired: dict[int, int] = {}
    used_g: set[int] = set()
    for _, i, j in pairs:
        if i not in paired and j not in used_g:
            paired[i] = j
            used_g.add(j)
    return paired


def _match(pred: list, gold: list, ok, size) -> tuple[set[int], set[int]]:
    """:func:`_pairs` as the matched pred and gold indices."""
    paired = _pairs(pred, gold, ok, size)
    return set(paired), set(paired.values())


def _one_to_one(pred: list[frozenset], gold: list[frozenset], ok) -> int:
    """How many predicted items match a gold one, one-to-one, largest overlaps first."""
    return len(_match(pred, gold, ok, lambda p, g: len(p & g))[0])


def score_items(pred: list[frozenset], gold: list[frozenset]) -> dict[str, PRF]:
    """exact, partial and soft scores of predicted against gold items of one role."""
    pred = [p for p in pred if p]
    gold = [g for g in gold if g]
    exact = _one_to_one(pred, gold, lambda p, g: p == g)
    partial = _one_to_one(pred, gold, lambda p, g: bool(p & g))
    soft_p = sum(max((len(p & g) / len(p) for g in gold), default=0.0) for p in pred)
    soft_r = sum(max((len(p & g) / len(g) for p in pred), default=0.0) for g in gold)
    n_p, n_g = len(pred), len(gold)
    return {
        "exact": PRF(exact, exact, n_p, n_g),
        "partial": PRF(partial, partial, n_p, n_g),
        "soft": PRF(soft_p, soft_r, n_p, n_g),
    }


def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _content_words(text: str, tokens: frozenset, stop: frozenset[str]) -> set[str]:
    out = set()
    for t in tokens:
        if isinstance(t, int):
            word = _WORD.match(text, t).group().lower()
            if word not in stop:
                out.add(word)
    return out


def _is_direct(text: str, spans: list[Span]) -> bool:
    return any(ch in QUOTE_MARKS for s, e in spans for ch in text[s:e])


def _attribution_pairs(
    text: str, pred: list[Attribution], gold: list[Attribution]
) -> tuple[list, list, dict[int, int]]:
    """The attribution-level matching: the prepared predictions and gold items, and which
    gold item each matched prediction is paired with (pred index to gold index).

    A prediction matches a gold attribution when it holds at least half of the gold
    content's words and, where the gold has a source, shares a content word of it (the
    same tokens where its words are all stop words); pairs are one-to-one, largest content
    overlap first."""
    stop = _stop_words()

    def prep(items):
        out = []
        for a in items:
            content = token_set(text, a.content)
            source = token_set(text, a.source)
            out.append((content, source, _content_words(text, source, stop), a))
        return out

    P, G = prep(pred), prep(gold)

    def ok(p, g) -> bool:
        p_content, p_source, p_words, _ = p
        g_content, g_source, g_words, _ = g
        if not g_content or len(p_content & g_content) < 0.5 * len(g_content):
            return False
        if not g_source:
            return True
        if g_words:
            return bool(p_words & g_words)
        return p_source == g_source

    return P, G, _pairs(P, G, ok, lambda p, g: len(p[0] & g[0]))


def score_attributions(
    text: str, pred: list[Attribution], gold: list[Attribution]
) -> dict[str, PRF]:
    """Attribution-level scores: all, direct and indirect."""
    P, G, paired = _attribution_pairs(text, pred, gold)
    used_p, used_g = set(paired), set(paired.values())
    result = {}
    for name, want in (("all", None), ("direct", True), ("indirect", False)):

        def keep(item, want=want):
            return want is None or _is_direct(text, item[3].content) == want

        p_idx = [i for i, p in enumerate(P) if keep(p)]
        g_idx = [j for j, g in enumerate(G) if keep(g)]
        tp_p = sum(1 for i in p_idx if i in used_p)
        tp_r = sum(1 for j in g_idx if j in used_g)
        result[name] = PRF(tp_p, tp_r, len(p_idx), len(g_idx))
    return result


def correct(text: str, pred: list[Attribution], gold: list[Attribution]) -> list[bool]:
    """Whether each prediction is right: matched to a gold attribution at the attribution
    level (content and source, :func:`_attribution_pairs`) and, where that gold attribution
    marks a cue, with a cue that overlaps it. What a statement's confidence estimates."""
    _, _, paired = _attribution_pairs(text, pred, gold)
    out = []
    for i, p in enumerate(pred):
        j = paired.get(i)
        if j is None:
            out.append(False)
            continue
        g_cue = token_set(text, gold[j].cue)
        out.append(not g_cue or bool(token_set(text, p.cue) & g_cue))
    return out


def score_doc(text: str, pred: list[Attribution], gold: list[Attribution]) -> dict:
    """All scores for one document: ``{role: {measure: PRF}, "attribution": {...}}``."""
    out: dict = {}
    for role in ROLES:
        p_items = [token_set(text, getattr(a, role)) for a in pred if getattr(a, role)]
        g_items = [token_set(text, getattr(a, role)) for a in gold if getattr(a, role)]
        out[role] = score_items(p_items, g_items)
    out["attribution"] = score_attributions(text, pred, gold)
    return out


def merge(scores: Iterable[dict]) -> dict:
    total: dict = {}
    for doc in scores:
        for group, measures in doc.items():
            for measure, prf in measures.items():
                total.setdefault(group, {}).setdefault(measure, PRF()).add(prf)
    return total


def statements_to_attributions(statements) -> list[Attribution]:
    """Predicted statements in the scorer's terms."""
    return [
        Attribution(
            content=list(s.content_spans),
            source=[s.speaker.phrase_span or s.speaker.span] if s.speaker.span else [],
            cue=[s.cue.span] if s.cue else [],
        )
        for s in statements
    ]


def evaluate_dir(
    root: Path, extract_fn=None, *, mode: str | Mode = "default", progress=None
) -> dict:
    """Run the pipeline (in ``mode``) over ``root``'s texts and score it against the
    annotations; ``progress`` (a progress bar's ``update``) is called once a text."""
    from .find.pipeline import extract_many

    docs = load_corpus(root)
    if extract_fn is None:
        results = extract_many(
            [d.text for d in docs],
            check_language=False,
            clean_text=False,
            mode=mode,
            progress=progress,
        )
    else:
        results = []
        for d in docs:
            results.append(extract_fn(d.text))
            if progress is not None:
                progress()
    per_doc = [
        score_doc(d.text, statements_to_attributions(stmts), d.attributions)
        for d, stmts in zip(docs, results, strict=True)
    ]
    total = merge(per_doc)
    by_category: dict[str, PRF] = {}
    confidences: list[float] = []
    right: list[bool] = []
    for d, stmts in zip(docs, results, strict=True):
        for cat in CATEGORIES:
            mine = [s for s in stmts if s.category == cat]
            scores = score_attributions(d.text, statements_to_attributions(mine), d.attributions)
            by_category.setdefault(cat, PRF()).add(scores["all"])
        right += correct(d.text, statements_to_attributions(stmts), d.attributions)
        confidences += [s.confidence for s in stmts]
    return {
        "documents": len(docs),
        **{g: {m: prf.as_dict() for m, prf in ms.items()} for g, ms in total.items()},
        "categories": {cat: prf.as_dict() for cat, prf in by_category.items()},
        "confidence": reliability(confidences, right),
    }


def reliability(confidences: list[float], right: list[bool], bins: int = 10) -> dict:
    """How well confidences match how often statements are right: for each of ``bins``
    equal-width bins, its statements, their mean confidence and the share right; the expected
    calibration error (those gaps weighed by the bins' sizes); and the share of statements at
    0.8 or more with the precision among them."""
    n = len(confidences)
    table = []
    ece = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        idx = [i for i, c in enumerate(confidences) if lo <= c < hi or (b == bins - 1 and c == 1)]
        if idx:
            mean = sum(confidences[i] for i in idx) / len(idx)
            share = sum(right[i] for i in idx) / len(idx)
            ece += len(idx) / n * abs(mean - share)
        else:
            mean = share = None
        table.append({"bin": [lo, hi], "statements": len(idx), "confidence": mean, "right": share})
    high = [i for i, c in enumerate(confidences) if c >= 0.8]
    return {
        "statements": n,
        "right": round(sum(right) / n, 4) if n else None,
        "ece": round(ece, 4),
        "bins": [{**row, **_rounded(row)} for row in table],
        "at_least_0.8": {
            "share": round(len(high) / n, 4) if n else None,
            "precision": round(sum(right[i] for i in high) / len(high), 4) if high else None,
        },
    }


def _rounded(row: dict) -> dict:
    return {k: round(row[k], 4) for k in ("confidence", "right") if row[k] is not None}


def format_report(report: dict) -> str:
    """A plain-text table of an :func:`evaluate_dir` report."""
    lines = [f"documents: {report['documents']}", ""]
    lines.append(f"{'role':<12}{'measure':<10}{'P':>8}{'R':>8}{'F1':>8}{'pred':>7}{'gold':>7}")
    for group in (*ROLES, "attribution"):
        for measure, prf in report[group].items():
            lines.append(
                f"{group:<12}{measure:<10}{100 * prf['precision']:>8.1f}{100 * prf['recall']:>8.1f}"
                f"{100 * prf['f1']:>8.1f}{prf['predicted']:>7}{prf['gold']:>7}"
            )
    if "categories" in report:
        lines += ["", "attribution level by category (recall: of all gold attributions)"]
        for cat, prf in report["categories"].items():
            lines.append(
                f"{cat:<22}{100 * prf['precision']:>8.1f}{100 * prf['recall']:>8.1f}"
                f"{100 * prf['f1']:>8.1f}{prf['predicted']:>7}{prf['gold']:>7}"
            )
    if "confidence" in report:
        lines += ["", *format_reliability(report["confidence"])]
    return "\n".join(lines)


def format_reliability(rel: dict) -> list[str]:
    """The lines of a :func:`reliability` table."""
    lines = [
        "confidence (right: cue, source and content match an annotated attribution)",
        f"{'bin':<12}{'statements':>11}{'confidence':>12}{'right':>8}",
    ]
    for row in rel["bins"]:
        lo, hi = row["bin"]
        conf = f"{row['confidence']:.3f}" if row["confidence"] is not None else "-"
        share = f"{row['right']:.3f}" if row["right"] is not None else "-"
        lines.append(f"{lo:.1f}-{hi:.1f}{'':<5}{row['statements']:>11}{conf:>12}{share:>8}")
    high = rel["at_least_0.8"]
    lines.append(f"expected calibration error: {rel['ece']:.3f}")
    if high["share"] is not None:
        precision = f"{100 * high['precision']:.1f}%" if high["precision"] is not None else "-"
        lines.append(
            f"confidence >= 0.8: {100 * high['share']:.1f}% of statements, "
            f"{precision} of them right"
        )
    return lines


# --- speech acts ----------------------------------------------------------------------------


@dataclass
class ActLabel:
    """A statement labelled by hand: where its content starts and ends, and its act."""

    file: str
    start: int
    end: int
    act: str


def load_act_labels(path: Path) -> list[ActLabel]:
    """Labels from a TSV with the columns file, start, end, act (others are ignored)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [ActLabel(r["file"], int(r["start"]), int(r["end"]), r["act"]) for r in rows]


def score_acts(pairs: list[tuple[str, str]]) -> dict:
    """Accuracy and confusion counts of (gold, predicted) speech-act pairs."""
    confusion: dict[str, dict[str, int]] = {}
    for gold, pred in pairs:
        row = confusion.setdefault(gold, {})
        row[pred] = row.get(pred, 0) + 1
    right = sum(1 for gold, pred in pairs if gold == pred)
    return {
        "labelled": len(pairs),
        "accuracy": right / len(pairs) if pairs else 0.0,
        "confusion": confusion,
    }


def evaluate_acts(
    root: Path, labels_path: Path, *, mode: str | Mode = "default", progress=None
) -> dict:
    """Run the pipeline on the labelled texts of ``root`` and score its speech acts
    (``progress``: called once a text, as in :func:`evaluate_dir`).

    A label is matched to the predicted statement of the same file whose content overlaps it
    most (at least half of the label's characters); labels with no such statement are counted
    as unmatched and left out of the accuracy.
    """
    from .find.pipeline import extract_many

    labels = load_act_labels(labels_path)
    files = sorted({lab.file for lab in labels})
    texts = [(root / "text" / f).read_text(encoding="utf-8") for f in files]
    found = dict(
        zip(
            files,
            extract_many(texts, clean_text=False, mode=mode, progress=progress),
            strict=True,
        )
    )
    pairs, unmatched = [], 0
    for lab in labels:
        best, share = None, 0.0
        for stmt in found[lab.file]:
            overlap = sum(
                max(0, min(e, lab.end) - max(s, lab.start)) for s, e in stmt.content_spans
            )
            if overlap / max(1, lab.end - lab.start) > share:
                best, share = stmt, overlap / max(1, lab.end - lab.start)
        if best is None or share < 0.5:
            unmatched += 1
            continue
        pairs.append((lab.act, best.speech_act))
    return {**score_acts(pairs), "unmatched": unmatched}


def format_acts(report: dict) -> str:
    """Accuracy and a confusion table (rows: hand labels, columns: predictions)."""
    from .model import SPEECH_ACTS

    acts = [
        a
        for a in SPEECH_ACTS
        if a in report["confusion"] or any(a in row for row in report["confusion"].values())
    ]
    head = "".join(f"{a[:7]:>8}" for a in acts)
    lines = [
        f"speech acts: {report['labelled']} labelled statements matched"
        f" ({report.get('unmatched', 0)} unmatched), accuracy {100 * report['accuracy']:.1f}%",
        "",
        f"{'label / predicted':<18}{head}",
    ]
    for gold in acts:
        row = report["confusion"].get(gold, {})
        lines.append(f"{gold:<18}" + "".join(f"{row.get(a, 0) or '.':>8}" for a in acts))
    return "\n".join(lines)
