"""The ``onrecord`` command: ingest, extract, query, export, demo and evaluate.

A thin shell over :mod:`onrecord.find.pipeline`, :mod:`onrecord.record.store` and
:mod:`onrecord.record.query`.
Data goes to stdout, progress and problems to stderr.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import sys
from collections import Counter
from pathlib import Path

import click

from . import evaluate as evaluation
from .model import LOW_CONFIDENCE, SPEECH_ACTS, STATEMENT_KINDS, Mode, Problem
from .read.metadata import load_sidecar
from .read.text import IngestError
from .record import query, schema, store

FORMATS = ("table", "json", "jsonl")
TABLE_LIMIT = 50  # statements a table shows unless --limit says otherwise


def _db_option(f):
    return click.option(
        "--db",
        type=click.Path(dir_okay=False),
        default=None,
        help="SQLite database file (default: $ONRECORD_DB or ./onrecord.db).",
    )(f)


def _mode_options(f):
    """``--fast`` and ``--accurate``: the modes of finding statements beside the default one
    (rules with the fine-tuned tagger beside the parse)."""
    f = click.option(
        "--accurate",
        is_flag=True,
        help="Also redraw with the tagger the content and source of each statement the rules "
        "and the tagger read differently: the most accurate mode, three to four "
        "times bare spaCy's time (see README).",
    )(f)
    return click.option(
        "--fast",
        is_flag=True,
        help="The parse rules and cue models alone, without the tagger: less processor time, "
        "less accurate.",
    )(f)


def _mode(fast: bool, accurate: bool) -> Mode:
    """The mode the flags ask for, built once here and passed down whole."""
    if fast and accurate:
        raise click.UsageError("--fast and --accurate exclude each other")
    return Mode.of("fast" if fast else "accurate" if accurate else "default")


def _problem(p: Problem) -> None:
    """One line on stderr: a source skipped, or (``warning``) read with something left out.
    Control characters in a file name are escaped, so that it stays one line."""
    path = p.path.encode("unicode_escape").decode("ascii") if not p.path.isprintable() else p.path
    click.echo(f"{'warning' if p.warning else 'skipped'} {path}: {p.reason}", err=True)


def _metadata(path: str | None) -> dict[str, dict] | None:
    """The table of a ``--metadata`` file; one that cannot be read whole stops the command
    before anything is read, with the reason (and the line)."""
    if not path:
        return None
    try:
        return load_sidecar(Path(path))
    except IngestError as err:
        raise click.ClickException(f"--metadata {path}: {err}") from None


def _check_urls(paths) -> None:
    """Stop before anything is read where a URL among ``paths`` cannot be read here: fsspec
    missing (what to install), or its protocol unknown or not installed."""
    from .read.remote import SourceError, check

    try:
        check(paths)
    except SourceError as err:
        raise click.ClickException(str(err)) from None


def _progress(label: str, total: int | None = None, unit: str = " articles"):
    """A progress bar on stderr, hidden where stderr is not a terminal; with a ``total`` it
    shows how much is left and the time that takes."""
    from tqdm import tqdm

    return tqdm(desc=label, total=total, unit=unit, file=sys.stderr, disable=None, leave=False)


def _count_sources(paths) -> int | None:
    """How many articles ``paths`` hold when that is cheap to know: the number of files found
    (folders walked as ingest walks them), each one article. None where a source holds an
    unknown number of them (stdin, JSON Lines, WARC)."""
    from .read.parts import holds_many
    from .read.sources import iter_files

    n = 0
    for item in iter_files(paths):
        if isinstance(item, Problem):
            continue
        if item.location == "-" or holds_many(item):
            return None
        n += 1
    return n


def _min_confidence(_ctx, _param, value: float | None) -> float | None:
    """``--min-confidence``: a number from 0 to 1, or a usage error that says so."""
    if value is not None and not query.valid_confidence(value):
        raise click.BadParameter(f"must be a number from 0 to 1, not {value:g}")
    return value


def _truncate(text: str | None, width: int) -> str:
    text = " ".join((text or "-").split())
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _table(rows: list[dict], columns: list[tuple[str, str, int]]) -> str:
    """A plain aligned table; the last column takes the rest of the terminal width."""
    total = shutil.get_terminal_size((120, 20)).columns
    fixed = sum(w + 2 for _, _, w in columns[:-1])
    widths = [w for _, _, w in columns[:-1]] + [max(total - fixed, 30)]
    lines = ["  ".join(h.ljust(w) for (h, _, _), w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        cells = [
            _truncate(str(row.get(key) if row.get(key) is not None else "-"), w).ljust(w)
            for (_, key, _), w in zip(columns, widths, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


STATEMENT_COLUMNS = [
    ("ID", "id", 16),  # whole: 'onrecord show ID' takes it
    ("SPEAKER", "speaker", 22),
    ("KIND", "kind", 8),
    ("CONF", "shown_confidence", 4),  # 0.00-1.00; "—": not measured (stored before it was)
    ("CUE", "cue", 13),
    ("SAID ON", "date", 10),
    ("OUTLET", "source", 12),  # or the article's file name, without an outlet
    ("STATEMENT", "content", 0),
]


CATEGORY_COLUMN = ("CATEGORY", "category", 8)  # where more than one category is listed


def _statement_columns(category: str | None) -> list[tuple[str, str, int]]:
    """The columns of a statement table: with a category column after KIND where the table
    may hold more than one category (``category`` None), so that they can be told apart."""
    if category is not None:
        return STATEMENT_COLUMNS
    at = STATEMENT_COLUMNS.index(("KIND", "kind", 8)) + 1
    return [*STATEMENT_COLUMNS[:at], CATEGORY_COLUMN, *STATEMENT_COLUMNS[at:]]


def _shown_confidence(value: float | None) -> str:
    """A statement's confidence as the table shows it: "0.83", or "—" where it was not
    measured."""
    return "—" if value is None else f"{value:.2f}"


def _confidence_line(value: float | None) -> str:
    """A statement's confidence as 'onrecord show' says it: "0.97", "0.20 (low confidence:
    below 0.5, check it in the article)" as the web pages mark it, or "— (not measured)"."""
    if value is None:
        return "— (not measured)"
    if value < LOW_CONFIDENCE:
        return f"{value:.2f} (low confidence: below {LOW_CONFIDENCE:g}, check it in the article)"
    return f"{value:.2f}"


def _at_least(min_confidence: float | None) -> str:
    """What a minimum confidence keeps, in words: " of confidence 0.5 or more" ("": none)."""
    return "" if min_confidence is None else f" of confidence {min_confidence:g} or more"


def _print_statements(
    stmts: list[dict],
    fmt: str,
    total: int | None = None,
    *,
    category: str | None = None,
    hidden: str | None = None,
) -> None:
    """Statements in ``fmt``; a table ends with their number, and where ``total`` is more
    (a limited listing), how many there are and how to see more. ``category``: the one
    category listed (None: every one, and a table has a CATEGORY column); ``hidden``: what
    that leaves out, in words ("1 belief and 2 findings"), said after the table, or on stderr
    after the other formats."""
    noun = f"{category} statement(s)" if category else "statement(s)"
    if fmt == "json":
        click.echo(json.dumps(stmts, ensure_ascii=False, indent=2))
    elif fmt == "jsonl":
        for s in stmts:
            click.echo(json.dumps(s, ensure_ascii=False))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=schema.FLAT_FIELDS)
        writer.writeheader()
        for s in stmts:
            writer.writerow(schema.csv_row(s))
    else:
        rows = []
        for s in stmts:
            flat = schema.flat(s)
            flat["speaker"] = flat["speaker"] or f"({flat['mention'] or 'unknown'})"
            flat["source"] = flat["outlet"] or Path(flat["path"] or flat["article_id"]).name
            flat["date"] = schema.shown_date(s["said_on"])
            flat["shown_confidence"] = _shown_confidence(s.get("confidence"))
            rows.append(flat)
        click.echo(_table(rows, _statement_columns(category)))
        if total is not None and total > len(stmts):
            click.echo(f"\n{len(stmts):,} of {total:,} {noun}; --limit N for more")
        else:
            click.echo(f"\n{len(stmts):,} {noun}")
    if hidden:
        click.echo(f"{hidden} hidden; --category all shows every kind", err=fmt != "table")


@click.group()
@click.version_option(package_name="onrecord")
def main() -> None:
    """Who said what, to whom, when and where: a record of statements from news articles."""


@main.command()
@click.argument("paths", nargs=-1)
@_db_option
@click.option(
    "--metadata",
    type=click.Path(exists=True, dir_okay=False),
    help="CSV, TSV or JSON Lines (UTF-8) mapping file names to published, outlet, url, title.",
)
@_mode_options
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that find statements (default: the cores available; 1: this process).",
)
@click.option(
    "--dask",
    "dask_address",
    metavar="ADDRESS",
    default=None,
    help="Read the inputs and find statements on a Dask cluster: a scheduler's address "
    "(tcp://host:8786), or local:N for N local worker processes. The workers must see the "
    "inputs (shared storage, or URLs). Needs pip install 'onrecord[dask]'.",
)
@click.option(
    "--parquet",
    "parquet_out",
    metavar="DIR",
    default=None,
    help="Write a Parquet dataset (articles, statements, titles by month) to DIR instead of "
    "a database: for corpora beyond one SQLite file.",
)
@click.option(
    "--from-parquet",
    "parquet_in",
    metavar="DIR",
    default=None,
    help="Load the Parquet dataset in DIR (written by --parquet) into the database.",
)
def ingest(
    paths: tuple[str, ...],
    db: str | None,
    metadata: str | None,
    fast: bool,
    accurate: bool,
    workers: int | None,
    dask_address: str | None,
    parquet_out: str | None,
    parquet_in: str | None,
) -> None:
    """Store the statements of the articles in PATHS (files, folders, '-' for stdin, URLs
    such as s3://bucket/prefix/ read through fsspec).

    Articles already stored are skipped, except those a faster mode stored: these are
    analysed again and their statements replaced. Statements are found in --workers
    processes (articles read here) or on a --dask cluster (whose workers read them: local
    paths on storage they share, or URLs); articles are stored here, in input order, so the
    record is the same whichever finds them.
    """
    from .find import parallel
    from .record.ingest import ingest as run

    mode = _mode(fast, accurate)
    if dask_address is not None and workers is not None:
        raise click.UsageError("--dask and --workers exclude each other")
    try:
        if dask_address is not None:
            parallel.check_address(dask_address)
    except parallel.ParallelError as err:
        raise click.UsageError(str(err)) from None
    if parquet_in is not None:
        if paths or parquet_out:
            raise click.UsageError("--from-parquet DIR takes no PATHS and no --parquet")
        _load_parquet(db, parquet_in)
        return
    if not paths:
        raise click.UsageError("Missing argument 'PATHS...'.")
    _check_urls(paths)
    meta = _metadata(metadata)
    if parquet_out is not None:
        _ingest_parquet(parquet_out, paths, meta, mode, workers, dask_address)
        return
    conn = store.connect(db)
    summary = _with_progress(run, conn, paths, meta, mode, workers, dask_address)
    total = query.counts(conn)
    warned = sum(p.warning for p in summary.problems)
    click.echo(
        f"{summary.added} article(s) added, "
        + (f"{summary.redone} found again in {mode.name} mode, " if summary.redone else "")
        + f"{summary.already} already stored, "
        f"{len(summary.problems) - warned} skipped"
        + (f", {warned} warning(s)" if warned else "")
        + f"; {summary.statements} new statement(s). "
        f"Database {db or store.default_path()}: {total['articles']} articles, "
        f"{total['statements']} statements, {total['speakers']} speakers."
    )
    if summary.added + summary.redone + summary.already == 0:
        raise SystemExit(1)


def _with_progress(run, target, paths, meta, mode, workers, dask_address):
    """An ingest (``run``: into a database or a Parquet dataset) with its progress bar: a
    file skipped counts as done; a cluster that fails is an error."""
    from .find import parallel

    bar = _progress("ingesting", _count_sources(paths))

    def problem(p: Problem) -> None:
        _problem(p)
        if not p.warning:  # a file skipped counts as done
            bar.update()

    try:
        return run(
            target,
            paths,
            metadata=meta,
            on_problem=problem,
            on_article=lambda r: None if r.problem else bar.update(),
            mode=mode,
            workers=workers or parallel.default_workers(),
            dask=dask_address,
        )
    except parallel.ParallelError as err:
        raise click.ClickException(str(err)) from None
    finally:
        bar.close()


def _ingest_parquet(folder, paths, meta, mode, workers, dask_address) -> None:
    """``ingest --parquet DIR``: statements to a Parquet dataset, no database."""
    from .record.ingest import ingest_to_parquet

    summary = _with_progress(ingest_to_parquet, folder, paths, meta, mode, workers, dask_address)
    click.echo(
        f"{summary.added} article(s) written, {len(summary.problems)} skipped; "
        f"{summary.statements} statement(s). Parquet dataset {folder}."
    )
    if summary.added == 0 and summary.problems:
        raise SystemExit(1)


def _load_parquet(db, folder) -> None:
    """``ingest --from-parquet DIR``: a dataset written by --parquet into the database."""
    from .record.ingest import complete
    from .record.parquet import load

    conn = store.connect(db)
    try:
        summary = load(conn, folder)
    except (FileNotFoundError, OSError, ValueError) as err:
        raise click.ClickException(str(err)) from None
    if summary.added or store.derived_behind(conn):
        complete(conn)
    total = query.counts(conn)
    click.echo(
        f"{summary.added} article(s) added, {summary.already} already stored; "
        f"{summary.statements} new statement(s). Database {db or store.default_path()}: "
        f"{total['articles']} articles, {total['statements']} statements, "
        f"{total['speakers']} speakers."
    )


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option(
    "--metadata",
    type=click.Path(exists=True, dir_okay=False),
    help="CSV, TSV or JSON Lines (UTF-8) mapping file names to published, outlet, url, title.",
)
@_mode_options
def extract(
    paths: tuple[str, ...], fmt: str, metadata: str | None, fast: bool, accurate: bool
) -> None:
    """Print the statements of the articles in PATHS, without a database."""
    from .find.pipeline import Summary, analyze, read_sources

    _check_urls(paths)
    summary = Summary()
    meta = _metadata(metadata)
    out: list[dict] = []
    bar = _progress("extracting", _count_sources(paths))
    articles = read_sources(paths, summary, meta, _problem)
    for result in analyze(articles, mode=_mode(fast, accurate)):
        bar.update()
        if result.problem is not None:  # past its time budget
            _problem(result.problem)
            continue
        summary.added += 1
        for stmt in result.statements:
            out.append(schema.statement_json(stmt, result.article))
            if fmt == "jsonl":
                click.echo(json.dumps(out.pop(), ensure_ascii=False))
    bar.close()
    if fmt != "jsonl":
        _print_statements(out, fmt)
    if summary.added == 0:
        raise SystemExit(1)


# what a listing shows of each category, the same for statements and timeline
_category_option = click.option(
    "--category",
    type=click.Choice(query.CATEGORY_CHOICES),
    default="speech",
    show_default=True,
    help="What it reports: speech (said, told, wrote), belief (thinks, hopes, fears), "
    "finding (a poll or study showed; seems), other (an act, a stance or a topic without the "
    "words: 'backed Clinton'), or all of them.",
)


@main.command()
@_db_option
@click.option("--speaker", help="Resolved speaker name, or part of it (e.g. Putin).")
@click.option(
    "--search",
    help=f"Full-text search in statements and speaker names, ranked by relevance: "
    f"{query.SEARCH_SYNTAX}.",
)
@click.option("--about", help="What the statement is about: a target (ATACMS) or content words.")
@click.option("--kind", type=click.Choice(STATEMENT_KINDS))
@click.option("--act", type=click.Choice(SPEECH_ACTS), help="Speech act (warn, deny, ...).")
@_category_option
@click.option("--outlet", help="Outlet name, any case (see 'onrecord outlets').")
@click.option("--since", help="Said on or after this date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", help="Said on or before this date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option(
    "--min-confidence",
    type=float,
    callback=_min_confidence,
    metavar="X",
    help="Only statements whose confidence (the chance that the statement is right, 0 to 1) "
    "is at least X; those stored before confidence was measured are left out.",
)
@click.option(
    "--order",
    type=click.Choice(query.ORDERS),
    help="Default: relevance with --search, else newest (as on the web pages).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help=f"At most this many statements. Default: {TABLE_LIMIT} in a table; every match in "
    "json, jsonl and csv (for scripts).",
)
@click.option(
    "--format", "fmt", type=click.Choice((*FORMATS, "csv")), default="table", show_default=True
)
def statements(
    db,
    speaker,
    search,
    about,
    kind,
    act,
    category,
    outlet,
    since,
    until,
    min_confidence,
    order,
    limit,
    fmt,
) -> None:
    """List stored statements, filtered, newest first (the table shows the ID that
    'onrecord show ID' takes). Speech only unless --category says otherwise."""
    conn = _open(db)
    category = query.category_filter(category)
    filters = query.Filters(
        search=search,
        about=about,
        speaker=speaker,
        kind=kind,
        act=act,
        category=category,
        outlet=outlet,
        since=since,
        until=until,
        min_confidence=min_confidence,
    )
    if limit is None and fmt == "table":
        limit = TABLE_LIMIT
    order = order or ("relevance" if search else "newest")
    try:
        rows = query.statements(conn, filters, order=order, limit=limit)
        total = query.count(conn, filters) if limit is not None and len(rows) == limit else None
        hidden = query.hidden(query.category_counts(conn, filters), category)
    except ValueError as err:  # "since must be ...": the option's name, as typed
        raise click.UsageError(f"--{err}") from None
    _print_statements(rows, fmt, total, category=category, hidden=hidden)
    if not rows and outlet:
        stored = [o["outlet"] for o in query.outlets(conn) if o["outlet"]]
        if outlet.casefold() not in (o.casefold() for o in stored):
            click.echo(
                f"no outlet called {outlet!r}; stored: {', '.join(stored) or 'none'}", err=True
            )


@main.command()
@_db_option
@click.option(
    "--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True
)
def outlets(db, fmt) -> None:
    """List the outlets stored: articles, statements, first and last dates published (the
    names that 'statements --outlet' takes)."""
    rows = query.outlets(_open(db))
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        r["outlet"] = r["outlet"] or "(none)"
        r["dates"] = f"{r['first'] or '?'} .. {r['last'] or '?'}"
    click.echo(
        _table(
            rows,
            [
                ("ARTICLES", "articles", 8),
                ("STATEMENTS", "statements", 10),
                ("PUBLISHED", "dates", 24),
                ("OUTLET", "outlet", 0),
            ],
        )
    )


@main.command()
@_db_option
@click.option(
    "--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True
)
@click.option(
    "--aliases",
    type=click.Path(exists=True, dir_okay=False),
    help="Alias rules to keep and apply to everything stored: 'A = B' merges, 'A != B' "
    "keeps apart, one rule a line.",
)
@click.option(
    "--suggest",
    is_flag=True,
    help="Print likely duplicate speakers as alias rules, ready to edit and pass to --aliases.",
)
def speakers(db, fmt, aliases, suggest) -> None:
    """List speakers: names, kinds, titles (with dates seen), counts, first and last dates."""
    if suggest:
        from .record import identity

        found = identity.suggest(_open(db))
        if fmt == "json":
            rows = [{"rule": s.rule, "why": s.why, "statements": list(s.statements)} for s in found]
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        click.echo("# likely duplicates; keep the rules you agree with, then:")
        click.echo("#   onrecord speakers --aliases THIS_FILE")
        for s in found:
            click.echo(f"\n# {s.why} ({s.statements[0]:,} and {s.statements[1]:,} statements)")
            click.echo(s.rule)
        click.echo(f"{len(found):,} suggestion(s)", err=True)
        return
    if aliases:
        from .record import identity
        from .record.ingest import complete

        conn = store.connect(db)
        try:
            rules = identity.save_aliases(conn, Path(aliases))
        except ValueError as err:
            raise click.ClickException(f"{aliases}: {err}") from None
        n = complete(conn, full=True)
        click.echo(
            f"{len(rules.merge)} merge and {len(rules.apart)} keep-apart rule(s) applied; "
            f"{n} speakers.",
            err=True,
        )
    rows = query.speakers(_open(db))
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        r["titles"] = "; ".join(_title(t) for t in r["titles"])
        r["aliases"] = "; ".join(a for a in r["aliases"] if a != r["name"])
        r["dates"] = f"{r['first'] or '?'} .. {r['last'] or '?'}"
    click.echo(
        _table(
            rows,
            [
                ("NAME", "name", 28),
                ("KIND", "kind", 12),
                ("STATEMENTS", "statements", 10),
                ("ARTICLES", "articles", 8),
                ("DATES", "dates", 24),
                ("TITLES (SEEN)", "titles", 44),
                ("ALSO NAMED", "aliases", 0),
            ],
        )
    )


EXPORT_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}


@main.command()
@_db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("jsonl", "csv", "parquet")),
    default=None,
    help="Default: from OUT's suffix (.jsonl or .ndjson, .csv, .parquet).",
)
@click.argument("out", type=click.Path(dir_okay=False))
def export(db, fmt, out) -> None:
    """Write every stored statement to OUT (JSON Lines, CSV or Parquet); a missing folder of
    OUT is created. OUT '-' is standard output (JSON Lines unless --format csv)."""
    if out == "-":
        if fmt == "parquet":
            raise click.UsageError("Parquet is written to a file: give OUT a file name")
        try:
            n = query.export(_open(db), fmt or "jsonl", sys.stdout)
        except BrokenPipeError:  # `onrecord export - | head`
            sys.stderr.close()
            return
        click.echo(f"{n} statement(s) written to standard output", err=True)
        return
    path = Path(out)
    if fmt is None:
        fmt = EXPORT_SUFFIXES.get(path.suffix.lower())
        if fmt is None:
            raise click.UsageError(
                f"cannot tell the format from {path.name!r}: give --format (jsonl, csv, "
                "parquet) or a name ending in .jsonl, .csv or .parquet"
            )
    conn = _open(db)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        n = query.export(conn, fmt, path)
    except OSError as err:
        raise click.ClickException(f"cannot write {out}: {err.strerror or err}") from None
    click.echo(f"{n} statement(s) written to {out}", err=True)


@main.command()
@click.argument("name")
@_db_option
@click.option("--about", help="Only statements about this (a target or content words).")
@_category_option
@click.option(
    "--min-confidence",
    type=float,
    callback=_min_confidence,
    metavar="X",
    help="Only statements whose confidence (0 to 1) is at least X (that of the report that "
    "stands for each reported statement); those stored before confidence was measured are "
    "left out.",
)
@click.option("--limit", type=click.IntRange(min=1), default=200, show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True
)
def timeline(name, db, about, category, min_confidence, limit, fmt) -> None:
    """A speaker's statements in time order, each reported statement once (speech only
    unless --category says otherwise)."""
    if not name.strip():
        raise click.UsageError("NAME is empty: give a speaker's name, or part of it")
    conn = _open(db)
    who = query.find_speaker(conn, name)
    if who is None:
        raise click.ClickException(f"no speaker called {name!r} (see 'onrecord speakers')")
    found = query.speakers(conn, name=name)
    category = query.category_filter(category)
    line = query.timeline(
        conn,
        who["id"],
        about=about,
        category=category,
        min_confidence=min_confidence,
        limit=limit,
    )
    stmts = list(reversed(line["statements"]))  # oldest first
    if fmt == "json":
        click.echo(
            json.dumps({"speaker": who, **line, "statements": stmts}, indent=2, ensure_ascii=False)
        )
        return
    others = [f"{s['name']} ({s['statements']:,})" for s in found if s["id"] != who["id"]][:5]
    shown = len(stmts)
    hidden = query.hidden(line["categories"], category)
    elsewhere = query.elsewhere(line["categories"], category)
    conf = _at_least(min_confidence)
    if elsewhere:  # none of this category, some of others: say so, and how to see them
        ask = elsewhere[0] if len(elsewhere) == 1 else "all"
        what = f"no {query.noun(2, category)}{conf}; {hidden} (--category {ask} shows them)"
    elif category:
        what = f"{line['total']:,} {category} statement(s){conf}"
        what += f"; {hidden} hidden (--category all)" if hidden else ""
    else:
        what = f"{line['total']:,} statement(s){conf}"
        if not about and min_confidence is None:  # the speaker's reports: all of them
            what += f" in {who['statements']:,} report(s)"
    click.echo(
        f"{who['name']} ({who['kind']}): {what}"
        + (f"; the latest {shown:,} shown (--limit for more)" if shown < line["total"] else "")
        + (f"; also matching: {', '.join(others)}" if others else "")
    )
    if not stmts:
        return
    rows = []
    for s in stmts:
        said = s["said_on"] or {}
        rows.append(
            {
                "date": schema.shown_date(said) or "?",
                "reports": s["cluster"]["reports"],
                "category": s["category"],
                "act": s["speech_act"],
                "confidence": _shown_confidence(s["confidence"]),
                "outlets": _reported_by(s["cluster"]["articles"]),
                "content": s["cluster"]["text"],
            }
        )
    columns = [
        ("SAID ON", "date", 10),
        ("REPORTS", "reports", 7),
        ("ACT", "act", 11),
        ("CONF", "confidence", 4),
        ("REPORTED BY", "outlets", 28),
        ("STATEMENT", "content", 0),
    ]
    if category is None:  # several categories may be listed: tell them apart
        columns.insert(2, CATEGORY_COLUMN)
    click.echo(_table(rows, columns))


def _reported_by(articles: list[dict]) -> str:
    """The outlets (or file names) of a cluster's articles, each once: "nyt ×3, breitbart"."""
    seen = Counter(a["outlet"] or Path(a["path"] or a["id"]).name for a in articles)
    return ", ".join(f"{name} ×{n}" if n > 1 else name for name, n in seen.items())


@main.command()
@click.argument("statement_id")
@_db_option
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text")
def show(statement_id, db, fmt) -> None:
    """One statement inside its article, highlighted, with its context and other reports."""
    conn = _open(db)
    stmt = query.statement(conn, statement_id)
    if stmt is None:
        raise click.ClickException(f"no statement with id {statement_id!r}")
    if fmt == "json":
        click.echo(json.dumps(stmt, indent=2, ensure_ascii=False))
        return
    article = query.article(conn, stmt["article"]["id"])
    click.echo(_highlighted(article["text"], stmt))
    click.echo("")
    said = stmt["said_on"] or {}
    facts = [
        (
            "speaker",
            f"{stmt['speaker']['name'] or '-'} ({stmt['speaker']['kind']}), "
            + (
                f"as {stmt['speaker']['mention']!r}"
                if stmt["speaker"]["mention"]
                else "not named in the article"
            ),
        ),
        ("kind", f"{stmt['kind']}, {stmt['speech_act']}"),
        ("category", stmt["category"]),
        ("confidence", _confidence_line(stmt["confidence"])),
        (
            "said on",
            f"{said.get('date')} ({said.get('precision')}, from "
            f"{said.get('source_text') or said.get('from')!r})"
            if said
            else "-",
        ),
        ("venue", (stmt["venue"] or {}).get("text")),
        ("audience", (stmt["audience"] or {}).get("text")),
        ("about", ", ".join(t["text"] for t in stmt["targets"])),
        ("numbers", ", ".join(n["text"] for n in stmt["numbers"])),
    ]
    for label, value in facts:
        if value:
            click.echo(f"{label:>10}: {value}")
    click.echo(f"{'reported':>10}: {stmt['cluster']['reports']:,} time(s)")
    for a in stmt["cluster"]["articles"]:
        first = " (first)" if a["id"] == stmt["cluster"]["first_reported"] else ""
        click.echo(f"{'':12}{a['published'] or '?'}  {a['outlet'] or '-'}  {a['path']}{first}")
    later = stmt["cluster"]["articles"][1:]
    if later:
        click.echo(f"{'wording':>10}: each later report against the first ([-cut-]{{+added+}})")
    for a in later:
        shown = "same wording" if a["same_wording"] else _marked_wording(a["diff"])
        click.echo(f"{'':12}{a['published'] or '?'}  {a['outlet'] or '-'}: {shown}")


def _marked_wording(diff: list[dict]) -> str:
    """A report's words with their changes marked (:func:`query.wording_diff`): cut words
    ``[-so-]``, added ``{+so+}`` (on a TTY: struck through in red, and green, unmarked)."""
    tty = sys.stdout.isatty()
    cut = (lambda t: click.style(t, fg="red", strikethrough=True)) if tty else "[-{}-]".format
    added = (lambda t: click.style(t, fg="green", bold=True)) if tty else "{{+{}+}}".format
    out = []
    for seg in diff:
        out.append(" " if seg["space"] else "")
        if seg["op"] in ("delete", "replace"):
            out.append(cut(seg["was"]))
        if seg["op"] in ("insert", "replace"):
            out.append(added(seg["text"]))
        if seg["op"] == "equal":
            out.append(seg["text"])
    return "".join(out)


def _highlighted(text: str, stmt: dict, margin: int = 1) -> str:
    """The statement's paragraphs, the speaker, cue and content marked (in colour on a TTY)."""
    marks = [(a, b, "content") for a, b in stmt["content"]["spans"]]
    if stmt["cue"]:
        marks.append((*stmt["cue"]["span"], "cue"))
    if stmt["speaker"]["span"]:
        marks.append((*stmt["speaker"]["span"], "speaker"))
    start = min(a for a, _, _ in marks)
    end = max(b for _, b, _ in marks)
    for _ in range(margin + 1):
        start = text.rfind("\n\n", 0, max(start - 1, 0)) + 1 if start > 0 else 0
    end_at = end
    for _ in range(margin + 1):
        nxt = text.find("\n\n", end_at + 1)
        end_at = len(text) if nxt < 0 else nxt
    styles = {
        "speaker": ("[", "]", "cyan"),
        "cue": ("{", "}", "yellow"),
        "content": ("«", "»", "green"),
    }
    out, pos = [], start
    for a, b, role in sorted(marks):
        if a < pos:
            continue
        out.append(text[pos:a])
        left, right, colour = styles[role]
        out.append(
            click.style(text[a:b], fg=colour, bold=True)
            if sys.stdout.isatty()
            else f"{left}{text[a:b]}{right}"
        )
        pos = b
    out.append(text[pos:end_at])
    return "".join(out).strip("\n")


def _title(t: dict) -> str:
    """'Russian President (2019-09-05..2024-09-05)'."""
    dates = t["first"] if t["first"] == t["last"] else f"{t['first']}..{t['last']}"
    return f"{t['title']} ({dates})" if t["first"] else t["title"]


def _open(db: str | None):
    try:
        return store.connect(db, readonly=True)
    except (OSError, store.NotReadable) as err:
        raise click.ClickException(str(err)) from None


@main.command()
@_db_option
def upgrade(db: str | None) -> None:
    """Upgrade the database's schema to this onrecord's, in place (readers never do)."""
    path = db or store.default_path()
    if not Path(path).exists():
        raise click.ClickException(f"no database at {path}")
    try:
        old = store.reader(path)
        try:
            before = old.execute("PRAGMA user_version").fetchone()[0]
        finally:
            old.close()
        from .record.ingest import complete

        conn = store.connect(path)  # opening for writing migrates
        try:
            if store.derived_behind(conn):  # a migration asked for entities and clusters anew
                complete(conn)
        finally:
            conn.close()
    except (sqlite3.DatabaseError, RuntimeError) as err:
        raise click.ClickException(f"{path}: {err}") from None
    click.echo(f"{path}: schema version {before} -> {store.SCHEMA_VERSION}", err=True)


@main.command()
@_db_option
def rebuild(db: str | None) -> None:
    """Make the entities and the clusters anew from every stored statement.

    Each ingest updates them at the cost of what it added; this regroups every name and
    clusters every statement again, as an alias change does: the same record, made from
    scratch (to check it, or after a change of rules)."""
    path = db or store.default_path()
    if not Path(path).exists():
        raise click.ClickException(f"no database at {path}")
    from .record.ingest import complete

    conn = store.connect(path)
    try:
        n = complete(conn, full=True)
        clusters = conn.execute("SELECT COUNT(DISTINCT cluster_id) FROM statements").fetchone()[0]
    finally:
        conn.close()
    click.echo(f"{path}: {n:,} speakers, {clusters:,} reported statements", err=True)


# Request heads (request line and headers) up to this size are read whole, so that a long URL
# gets the app's 414 rather than the HTTP parser's refusal (with h11 a closed connection, which
# a client still sending sees as a reset). Each open connection may buffer this much.
MAX_REQUEST_HEAD = 2 * 1024 * 1024


@main.command()
@click.argument("database", required=False, type=click.Path(dir_okay=False))
@_db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind to.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: a free one, printed).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Server processes sharing the port, each with its own interpreter: more requests "
    "answered at once on a machine with more cores (see docs/web.md).",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME",
    help="Also answer requests for this host name (repeatable; '*': any). IP addresses, "
    "localhost and the --host name are always answered; other names get a 400, which keeps "
    "DNS rebinding attacks out.",
)
@click.option(
    "--immutable",
    is_flag=True,
    help="Read the database without locks, creating no -wal or -shm file beside it: only for "
    "a database that nothing writes while it is served (no ingest).",
)
def serve(
    database: str | None,
    db: str | None,
    host: str,
    port: int,
    workers: int,
    allow_hosts: tuple,
    immutable: bool,
) -> None:
    """Serve the record in DATABASE (or --db) as web pages and a JSON API, read-only.

    The database is opened read-only and never changed; an old schema is refused with the
    command that upgrades it. Statements an ingest commits meanwhile show up at once (unless
    --immutable). SQLite makes a reader of a WAL database (every onrecord database) share an
    index with writers in FILE-shm: where FILE-shm and FILE-wal are missing it creates them,
    empty, and leaves them; --immutable makes none (see docs/web.md).
    """
    import socket

    import uvicorn

    from .web import app as web

    if database and db and Path(database) != Path(db):
        raise click.UsageError(f"two databases given: {database} and --db {db}")
    path = database or db or store.default_path()
    host = host.strip("[]")
    hosts = [host, *allow_hosts]
    try:
        app = web.create_app(path, immutable=immutable, allow_hosts=hosts)
    except (OSError, store.NotReadable) as err:
        raise click.ClickException(str(err)) from None
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named, as asyncio sets TCP_NODELAY only on sockets that say it: otherwise
    # Nagle's algorithm holds small responses back for the client's delayed ACK (40 ms).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as err:
        sock.close()
        raise click.ClickException(
            f"cannot listen on {host} port {port}: {err.strerror or err}"
        ) from None
    sock.set_inheritable(True)
    immutable = app.state.immutable  # also where SQLite could read no other way
    shown = f"[{host}]" if ":" in host else host
    config = uvicorn.Config(
        app if workers == 1 else "onrecord.web.app:factory",
        factory=workers > 1,
        workers=workers,
        log_level="warning",
        h11_max_incomplete_event_size=MAX_REQUEST_HEAD,
    )
    click.echo(
        f"Serving {path} on http://{shown}:{sock.getsockname()[1]}/ "
        f"({workers} worker{'s' if workers > 1 else ''}"
        f"{', immutable' if immutable else ''}; API docs at /docs)",
        err=True,
    )
    try:
        if workers == 1:
            uvicorn.Server(config).run(sockets=[sock])
        else:
            from uvicorn.supervisors import Multiprocess

            settings = {"db": path, "immutable": immutable, "allow_hosts": hosts}
            os.environ[web.SERVE_ENV] = json.dumps(settings)
            Multiprocess(config, sockets=[sock]).run()
    except KeyboardInterrupt:
        pass


def examples_dir() -> Path:
    """The bundled example articles, shipped inside the package (``onrecord/data/examples``)
    so that ``onrecord demo`` works from any folder, installed from a wheel as well."""
    from importlib.resources import files

    folder = files("onrecord") / "data" / "examples"
    if folder.is_dir():
        return Path(str(folder))
    raise click.ClickException("the bundled examples (onrecord/data/examples) were not found")


@main.command()
@click.option(
    "--db",
    type=click.Path(dir_okay=False),
    default="onrecord-demo.db",
    show_default=True,
    help="Database to (re)create for the demo.",
)
def demo(db: str) -> None:
    """Ingest the bundled example articles into a fresh database and show the result."""
    from .record.ingest import ingest as run

    for suffix in ("", "-wal", "-shm"):
        Path(db + suffix).unlink(missing_ok=True)
    folder = examples_dir()
    conn = store.connect(db)
    click.echo(f"Ingesting {folder} into {db} ...", err=True)
    summary = run(conn, [str(folder)], on_problem=_problem)
    click.echo(f"{summary.added} articles, {summary.statements} statements.\n")
    _print_statements(query.statements(conn), "table")
    click.echo("")
    click.echo(
        _table(
            query.speakers(conn),
            [
                ("SPEAKER", "name", 30),
                ("KIND", "kind", 12),
                ("STATEMENTS", "statements", 10),
                ("ARTICLES", "articles", 0),
            ],
        )
    )
    click.echo(f"\nTry: onrecord statements --db {db} --speaker Putin --search ATACMS")
    click.echo(f"     onrecord timeline Putin --db {db}")
    click.echo(f"     onrecord serve --db {db}   (then open http://127.0.0.1:8000/)")


@main.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("brat",)),
    default="brat",
    show_default=True,
    help="Annotation format: DIR/text/*.txt with DIR/attributions/*.ann.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--speech-acts",
    "acts",
    type=click.Path(exists=True, dir_okay=False),
    help="Score speech acts instead, against hand labels (TSV: file, start, end, act), e.g. "
    "tests/fixtures/speech_acts.tsv for PolNeAR dev.",
)
@_mode_options
def evaluate(
    directory: str, fmt: str, as_json: bool, acts: str | None, fast: bool, accurate: bool
) -> None:
    """Score the pipeline against annotated articles (e.g. PolNeAR dev)."""
    mode = _mode(fast, accurate)
    bar = _progress("evaluating", unit=" texts")
    if acts:
        report = evaluation.evaluate_acts(
            Path(directory), Path(acts), mode=mode, progress=bar.update
        )
        bar.close()
        click.echo(json.dumps(report, indent=2) if as_json else evaluation.format_acts(report))
        return
    bar.total = len(list((Path(directory) / "text").glob("*.txt")))
    report = evaluation.evaluate_dir(Path(directory), mode=mode, progress=bar.update)
    bar.close()
    click.echo(json.dumps(report, indent=2) if as_json else evaluation.format_report(report))


if __name__ == "__main__":
    main()
