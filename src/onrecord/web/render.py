"""HTML pieces built in Python: article text with marked spans, and the timeline chart.

Both escape every character of article text and names they emit; they return ``Markup`` so
the templates insert them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

from ..model import SPEECH_ACTS


@dataclass(frozen=True)
class Mark:
    """A span of the article text to mark: CSS classes and extra attributes."""

    start: int
    end: int
    classes: str
    attrs: dict[str, str] = field(default_factory=dict)


def statement_marks(stmt: dict, *, number: int | None = None, focus: bool = True) -> list[Mark]:
    """Marks for one statement's speaker mention, cue and content spans."""
    attrs = {"data-statement": stmt["id"]}
    if number is not None:
        attrs["data-n"] = str(number)
        who = stmt["speaker"]["name"] or stmt["speaker"]["mention"] or "unknown"
        attrs["title"] = f"#{number} {who} ({stmt['kind']}, {stmt['speech_act'] or 'claim'})"
    role = "" if focus else " other"
    marks = [Mark(a, b, "content" + role, attrs) for a, b in stmt["content"]["spans"]]
    if stmt["cue"]:
        a, b = stmt["cue"]["span"]
        marks.append(Mark(a, b, "cue" + role, attrs))
    if stmt["speaker"]["span"]:
        a, b = stmt["speaker"]["span"]
        marks.append(Mark(a, b, "speaker" + role, attrs))
    return marks


def article_marks(article: dict) -> list[Mark]:
    """Marks for an article's leftovers (greyed) and headline."""
    marks = [Mark(s["start"], s["end"], "skip", {"title": s["reason"]}) for s in article["skips"]]
    if article["title_span"]:
        a, b = article["title_span"]
        marks.append(Mark(a, b, "headline"))
    return marks


def marked_text(text: str, marks: list[Mark]) -> Markup:
    """``text``, escaped, with each mark's characters wrapped in a ``<span>``.

    Marks may overlap or nest: the text is cut at every mark boundary and each piece carries
    the classes of all marks that cover it (attributes come from the innermost, i.e. the
    shortest, mark). The first piece of a mark gets ``id="m-<start>"`` so it can be linked.
    """
    n = len(text)
    marks = [m for m in marks if 0 <= m.start < m.end <= n]
    cuts = sorted({0, n, *(m.start for m in marks), *(m.end for m in marks)})
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = escape(text[a:b])
        cover = [m for m in marks if m.start <= a and b <= m.end]
        if not cover:
            out.append(piece)
            continue
        classes = " ".join(dict.fromkeys(c for m in cover for c in m.classes.split()))
        attrs = dict(min(cover, key=lambda m: m.end - m.start).attrs)
        if any(m.start == a for m in cover):
            attrs.setdefault("id", f"m-{a}")
        extra = "".join(f' {k}="{escape(v)}"' for k, v in attrs.items())
        out.append(f'<span class="{escape(classes)}"{extra}>{piece}</span>')
    return Markup("".join(out))


ACT_COLOURS = dict(
    zip(
        SPEECH_ACTS,
        (
            "#4e79a7",
            "#e15759",
            "#b07aa1",
            "#9c2f2f",
            "#f28e2b",
            "#59a14f",
            "#76b7b2",
            "#edc948",
            "#8cd17d",
            "#ff9da7",
            "#d37295",
            "#bab0ac",
        ),
        strict=True,
    )
)


def _periods(first: str, last: str) -> list[str]:
    """Every year ("2019") or month ("2023-04") from ``first`` to ``last`` inclusive."""
    if len(first) == 4:
        return [str(y) for y in range(int(first), int(last) + 1)]
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


LABEL_WIDTH = 56  # a "2023-04" axis label at 11px, with room on either side: no overlap
OUTER = ("earlier", "later")  # the buckets of far-off dates


def _label_step(periods: list[str], room: float) -> int:
    """Label every k-th period, k the smallest of 1, 2, 3, 6, 12, 24, ... (months; for years
    1, 2, 3, 6, 12, ... too) that keeps the labels :data:`LABEL_WIDTH` apart within ``room``."""
    k = 1
    steps = iter([2, 3, 6, 12])
    while len(periods) / k * LABEL_WIDTH > room:
        k = next(steps, k * 2)
    return k


def timeline_svg(buckets: list[dict], *, width: int = 720, height: int = 220) -> Markup:
    """A stacked bar chart of statements per period and speech act, as inline SVG.

    Periods between the first and last bucket are all drawn, empty or not; the ``earlier``
    and ``later`` buckets of far-off dates (see :func:`onrecord.record.query.timeline`) are
    drawn as one bar each at the ends, labelled with their dates. Only every k-th period is
    labelled (:func:`_label_step`), so labels never overlap however many months are shown.
    """
    if not buckets:
        return Markup('<p class="empty">No dated statements.</p>')
    counts = {b["period"]: b["acts"] for b in buckets}
    inner = [b["period"] for b in buckets if b["period"] not in OUTER]
    periods = _periods(inner[0], inner[-1]) if inner else []
    periods = [p for p in ("earlier",) if p in counts] + periods
    periods += [p for p in ("later",) if p in counts]
    ends = {b["period"]: b for b in buckets if b["period"] in OUTER}
    top = max(sum(acts.values()) for acts in counts.values())
    left, bottom, plot_h = 36, 28, height - 40
    step = (width - left - 8) / len(periods)
    bar = max(min(step * 0.7, 60), 2)
    parts = [
        f'<svg class="timeline" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-label="statements per period and speech act">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 4}" y2="{height - bottom}" '
        'stroke="#999"/>',
        f'<text x="{left - 6}" y="{height - bottom - plot_h + 10}" text-anchor="end" '
        f'class="axis">{top:,}</text>',
        f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end" class="axis">0</text>',
    ]
    regular = [p for p in periods if p not in OUTER]
    label_every = _label_step(periods, width - left - 8)
    last = len(periods) - 1
    for i, period in enumerate(periods):
        x = left + i * step + (step - bar) / 2
        y = height - bottom
        acts = counts.get(period, {})
        total = sum(acts.values())
        shown = period
        if period in ends:
            b = ends[period]
            span = b["first"] if b["first"] == b["last"] else f"{b['first']} to {b['last']}"
            shown = f"{period} ({span})"
        parts.append(
            f'<g class="bar" data-period="{period}" data-count="{total}">'
            f"<title>{shown}: {total:,} statement(s)</title>"
        )
        for act in SPEECH_ACTS:
            n = acts.get(act, 0)
            if not n:
                continue
            h = plot_h * n / top
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{ACT_COLOURS[act]}" data-act="{act}"><title>{shown}: {n:,} {act}</title>'
                "</rect>"
            )
        parts.append("</g>")
        if period in ends:
            y0, y1 = ends[period]["first"][:4], ends[period]["last"][:4]
            label = y0 if y0 == y1 else f"{y0}-{y1}"
        elif (
            regular.index(period) % label_every == 0
            and ("earlier" not in ends or i >= label_every)
            and ("later" not in ends or last - i >= label_every)
        ):
            label = period
        else:
            continue
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
            f'class="axis">{label}</text>'
        )
    parts.append("</svg>")
    used = [a for a in SPEECH_ACTS if any(a in acts for acts in counts.values())]
    legend = "".join(
        f'<svg class="legend-item" width="110" height="14" aria-hidden="false">'
        f'<rect width="12" height="12" fill="{ACT_COLOURS[a]}"/>'
        f'<text x="16" y="11">{a}</text></svg>'
        for a in used
    )
    return Markup("".join(parts) + f'<div class="legend">{legend}</div>')
