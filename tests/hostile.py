"""Hostile inputs for ``onrecord ingest``, and the check that the ingest survives them.

Generator: :func:`generate` gives :class:`Spec` objects, each a named recipe from one
:data:`FAMILIES` member, deterministic from (seed, family, index): the same name always
builds the same files. ``big=False`` draws small sizes (for the test suite), ``big=True``
large ones (for ``scripts/fuzz.py``). :meth:`Spec.build` makes the :class:`Case`: the files
to write into the case's own folder, and what the run must add (paths named on the command
line, ``--metadata``, stdin, an action while the ingest runs).

Check: :func:`run` puts cases beside two good articles (copies of two seed articles with a
fresh line, so they are new articles each time) in a fresh folder, runs the real command
``python -m onrecord.cli ingest FOLDER [...] --db FRESH.db --fast`` in a subprocess, with a
wall-clock limit and an address-space cap (``RLIMIT_AS``), and lists what went wrong: no end
in time, a traceback, a crash, peak RSS over the bound, a good article missing from the
database, an exit status other than 0 (but for an option a case may have refused outright,
:attr:`Case.refusal`: one error line, exit 1, nothing stored). :func:`isolate` runs the cases of a failed batch
again, in halves and then alone, to name the cases that fail by themselves.

Standard library only, plus ``warcio`` (a dependency of onrecord) to write WARC files.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import random
import re
import resource
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "examples" / "seeds"
MB = 1_000_000
MAX_BYTES = 5 * MB  # onrecord's cap on one source; sizes meant to pass it stay below

# ---------------------------------------------------------------------------------------
# material


@cache
def seed_texts() -> tuple[str, ...]:
    return tuple(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))


def seed_text(rng: random.Random) -> str:
    return rng.choice(seed_texts())


def paragraphs(rng: random.Random) -> list[str]:
    return [p for p in seed_text(rng).split("\n") if p.strip()]


NAMES = [
    "John Smith",
    "Maria Garcia",
    "Vladimir Putin",
    "Olaf Scholz",
    "Ngozi Okonjo-Iweala",
    "Li Wei",
    "Jean-Luc Picard",
    "Ursula von der Leyen",
    "Kim Jong Un",
    "Ana de Armas",
]
QUOTES = ['"', "\u201c", "\u201d", "\u2018", "\u2019", "'", "\u00ab", "\u00bb", "\u201e", "`"]


def prose(rng: random.Random, chars: int) -> str:
    """About ``chars`` characters of English news paragraphs (seed paragraphs, numbered so
    that no two are the same)."""
    pool = [p for t in seed_texts() for p in t.split("\n") if len(p) > 60]
    out, size, n = [], 0, 0
    while size < chars:
        p = f"{rng.choice(pool)} ({n})"
        out.append(p)
        size += len(p) + 2
        n += 1
    return "\n\n".join(out)


def flat(text: str) -> str:
    """``text`` fit to sit between JSON quotes as it is: no newlines, quotes or backslashes."""
    return " ".join(text.split()).replace('"', "'").replace("\\", "/")


def said_paragraph(rng: random.Random) -> str:
    words = rng.choice(paragraphs(rng)).split()[:20]
    return f'"{" ".join(words)}," {rng.choice(NAMES)} said.'


def gz(data: bytes, level: int = 6) -> bytes:
    return gzip.compress(data, compresslevel=level, mtime=0)


@cache
def bomb(kind: str, size: int) -> bytes:
    """A gzip stream that inflates to ``size`` bytes of English text or of zeros (members of
    at most 64 MB, compressed once and repeated: gzip readers join members), under the
    5 MB cap on a file for the sizes :func:`gz_bomb` draws."""
    chunk = min(size, 64 * MB)
    if kind == "zeros":
        block = bytes(chunk)
    else:  # one short quote again and again: deflate packs it about 250 to 1 (1 GB, 4 MB)
        text = b'"We have the votes," Smith told reporters, and the budget will pass. '
        block = (text * (chunk // len(text) + 1))[:chunk]
    member = gz(block)
    whole, rest = divmod(size, chunk)
    return member * whole + (gz(block[:rest]) if rest else b"")


def warc(records: list[tuple[str, str, bytes, int, str]], gzipped: bool = False) -> bytes:
    """A WARC file: one record per (type, content type, body, HTTP status, URI)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gzipped)
    for n, (rec_type, ctype, body, status, uri) in enumerate(records):
        fixed = {  # (not the writer's random id and clock: the same bytes every time)
            "WARC-Record-ID": f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>",
            "WARC-Date": "2023-10-19T00:00:00Z",
        }
        if rec_type in ("response", "request"):
            line = f"{status} X" if rec_type == "response" else "GET / HTTP/1.1"
            headers = StatusAndHeaders(line, [("Content-Type", ctype)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                uri,
                rec_type,
                payload=io.BytesIO(body),
                http_headers=headers,
                warc_headers_dict=fixed,
            )
        else:
            record = writer.create_warc_record(
                uri,
                rec_type,
                payload=io.BytesIO(body),
                warc_content_type=ctype,
                warc_headers_dict=fixed,
            )
        writer.write_record(record)
    return buf.getvalue()


def html_page(body: str, head: str = "<title>Hostile page</title>") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def article_html(rng: random.Random) -> str:
    return html_page("<article>" + "".join(f"<p>{p}</p>" for p in paragraphs(rng)) + "</article>")


# ---------------------------------------------------------------------------------------
# cases


@dataclass
class Case:
    """One hostile input: files for its own folder, and what its run must add."""

    name: str
    family: str
    recipe: str  # the recipe in words, for reproducing it by hand
    files: list[tuple[str | bytes, bytes]] = field(default_factory=list)  # (relative name, data)
    setup: Callable[[Path], None] | None = None  # makes what files cannot (links, FIFOs...)
    paths: tuple[str, ...] = ()  # extra paths named on the command line, relative to the folder
    args: tuple[str, ...] = ()  # extra options; "{case}" stands for the case's folder
    stdin: bytes | None = None  # when set, the run also reads "-" with these bytes on stdin
    during: Callable[[Path], None] | None = None  # runs on a thread while the ingest runs
    unavailable: str | None = None  # why the case cannot be made here (then it is not run)
    # an option the run may refuse outright: exit 1 with one "Error: <refusal>..." line and
    # nothing stored is then the right outcome (a bad --metadata file stops the run before it
    # reads an article, rather than ingest them with half their metadata)
    refusal: str | None = None

    def write(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        base = os.fsencode(folder)
        for name, data in self.files:
            target = os.path.join(base, os.fsencode(name))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as fh:
                fh.write(data)
        if self.setup:
            self.setup(folder)


@dataclass(frozen=True)
class Family:
    make: Callable[[random.Random, bool], Case]
    alone: bool = False  # its cases need a run of their own (an option for the whole run)
    exclusive: bool = False  # at most one of its cases in a run (stdin)


@dataclass(frozen=True)
class Spec:
    """A case not built yet: ``family-seed-index``."""

    family: str
    seed: int
    index: int
    big: bool

    @property
    def name(self) -> str:
        return f"{self.family}-{self.seed}-{self.index}"

    @property
    def alone(self) -> bool:
        return FAMILIES[self.family].alone

    @property
    def exclusive(self) -> bool:
        return FAMILIES[self.family].exclusive

    def build(self) -> Case:
        rng = random.Random(f"{self.seed}/{self.family}/{self.index}/{self.big}")
        case = FAMILIES[self.family].make(rng, self.big)
        case.name, case.family = self.name, self.family
        return case


def parse_name(name: str, big: bool) -> Spec:
    family, seed, index = name.rsplit("-", 2)
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}")
    return Spec(family, int(seed), int(index), big)


def generate(
    seed: int, count: int, *, big: bool, families: Iterable[str] | None = None
) -> list[Spec]:
    """``count`` cases, the families taken in turn."""
    names = list(families) if families else list(FAMILIES)
    for n in names:
        if n not in FAMILIES:
            raise ValueError(f"unknown family {n!r}; one of {', '.join(FAMILIES)}")
    return [Spec(names[i % len(names)], seed, i, big) for i in range(count)]


def batches(specs: Iterable[Spec], size: int) -> list[list[Spec]]:
    """The specs in runs of at most ``size`` cases, in order: a case of an ``alone`` family
    in a run of its own, at most one ``exclusive`` case a run."""
    out: list[list[Spec]] = []
    filling: list[list[Spec]] = []
    for spec in specs:
        if spec.alone:
            out.append([spec])
            continue
        for batch in filling:
            if not (spec.exclusive and any(s.exclusive for s in batch)):
                batch.append(spec)
                break
        else:
            batch = [spec]
            filling.append(batch)
            out.append(batch)
        if len(batch) >= size:
            filling.remove(batch)
    return out


def _c(recipe: str, files=(), **kw) -> Case:
    return Case(name="", family="", recipe=recipe, files=list(files), **kw)


def _size(rng: random.Random, big: bool, small: tuple[int, int], large: tuple[int, int]) -> int:
    return rng.randint(*(large if big else small))


# --- the classes --------------------------------------------------------------


def speaker_chain(rng, big):
    n = _size(rng, big, (100, 600), (5000, 60000))
    unit = rng.choice(
        ['"Yes" he said and', '"No," said Smith, and', "\u201cYes\u201d she told him and"]
    )
    text = " ".join([unit] * n) + " left."
    return _c(f"' '.join([{unit!r}] * {n}) + ' left.' in chain.txt", [("chain.txt", text.encode())])


def quote_storm(rng, big):
    n = _size(rng, big, (1000, 4000), (10000, 150000))
    style = rng.choice(["bare", "words", "open", "mixed"])
    if style == "bare":
        text = " ".join('"' for _ in range(n))
    elif style == "words":
        text = " ".join(f'"{rng.choice(["yes", "no", "Smith", "said"])}"' for _ in range(n // 2))
    elif style == "open":
        text = " ".join(f"\u201c{w}" for w in (rng.choice(NAMES).split()[0] for _ in range(n)))
    else:
        text = "".join(rng.choice(QUOTES) + rng.choice([" ", "a", "said ", "\n"]) for _ in range(n))
    return _c(f"{n} quotation marks ({style}) in quotes.txt", [("quotes.txt", text.encode())])


def paragraph_storm(rng, big):
    n = _size(rng, big, (300, 1500), (20000, 60000))
    sep = rng.choice(["\n", "\n\n"])
    word = rng.choice(["word", "Yes", "No"])
    text = sep.join(f'{word}," he said.' for _ in range(n))
    return _c(
        f"{n} paragraphs '{word},\" he said.' joined by {sep!r} in paras.txt",
        [("paras.txt", text.encode())],
    )


def gz_bomb(rng, big):
    if big:
        kind, size = rng.choice([("text", 256 * MB), ("text", 1000 * MB), ("zeros", 2000 * MB)])
    else:
        kind, size = rng.choice([("text", 20 * MB), ("text", 60 * MB), ("zeros", 100 * MB)])
    data = bomb(kind, size)
    suffix = rng.choice([".txt.gz", ".html.gz", ".jsonl.gz"]) if kind == "zeros" else ".txt.gz"
    return _c(
        f"gzip of {size // MB} MB of {kind} ({len(data) // 1000} kB) as bomb{suffix}",
        [(f"bomb{suffix}", data)],
    )


def long_text(rng, big):
    variant = rng.choice(["article", "line", "json"])
    chars = _size(rng, big, (1_000_001, 1_100_000), (1_000_001, 4_800_000))
    if variant == "article":
        text = prose(rng, chars)
        files = [("long.txt", text.encode())]
    elif variant == "line":
        text = prose(rng, chars).replace("\n", " ")
        files = [("line.txt", text.encode())]
    else:
        text = prose(rng, chars)
        files = [("field.jsonl", json.dumps({"text": text, "title": "Long"}).encode() + b"\n")]
    return _c(f"{variant}: {len(text)} characters of prose ({files[0][0]})", files)


def fifo(rng, big):
    where = rng.choice(["argument", "argument-link"])

    def setup(folder):
        os.mkfifo(folder / "pipe.txt")
        if where == "argument-link":
            os.symlink("pipe.txt", folder / "link.txt")

    name = "pipe.txt" if where == "argument" else "link.txt"
    return _c(
        f"a FIFO with no writer, named on the command line ({name})", setup=setup, paths=(name,)
    )


def device(rng, big):
    target = rng.choice(["/dev/zero", "/dev/urandom", "/dev/null"])

    def setup(folder):
        os.symlink(target, folder / "device.txt")

    return _c(
        f"a link device.txt -> {target}, named on the command line",
        setup=setup,
        paths=("device.txt",),
    )


def vanish(rng, big):
    n = _size(rng, big, (30, 60), (100, 400))
    how = rng.choice(["delete", "replace-dir", "truncate"])
    files = [(f"v{i:04d}.txt", (prose(rng, 600) + f"\n\nFile {i}.").encode()) for i in range(n)]
    step = rng.choice([0.02, 0.05, 0.1])

    def during(folder):
        for name, _ in files:  # one file a step from the start of the run on
            time.sleep(step)
            path = folder / name
            try:
                if how == "delete":
                    path.unlink()
                elif how == "replace-dir":
                    path.unlink()
                    path.mkdir()
                else:
                    path.write_bytes(b"")
            except OSError:
                pass

    # Not deterministic: when each file goes depends on the machine's speed. Whatever the
    # moment, the ingest must go on with the rest.
    return _c(
        f"{n} files ({how}) one every {step}s from the start of the ingest", files, during=during
    )


BAD_DATES = [
    "not a date",
    "2023-02-30",
    "2023-10-19T14:03:00Z",
    "2023-10-19T14:03:00+02:00",
    "19/10/2023",
    "yesterday",
    "last Tuesday",
    "0000-00-00",
    "9999-12-31",
    "2023-13-45",
    "-1",
    "1e10",
    "",
    " ",
    "2023-10-19 loading\u2026",
    "\uff12\uff10\uff12\uff13-10-19",
    "2023-10-19\x00",
    "31/02/2023",
    "10/19/2023",
    "2023",
    "1066-10-14",
    "12345678901234567890",
    "Tue, 17 Oct 2023 10:00:00 GMT",
    "x" * 5000,
]


def sidecar(rng, big):
    kind = rng.choice(
        [
            "dates-csv",
            "dates-jsonl",
            "latin1",
            "broken-jsonl",
            "tsv",
            "huge-field",
            "no-file-column",
            "jsonl-arrays",
            "nul",
            "bom",
            "types-jsonl",
        ]
    )
    body = (prose(rng, 800) + "\n").encode()
    names = [f"s{i}.txt" for i in range(4)]
    files = [(n, body + n.encode()) for n in names]
    dates = rng.sample(BAD_DATES, 4)
    if kind == "dates-csv":
        side = (
            "file,published,outlet\n"
            + "".join(
                f'{n},"{d.replace(chr(34), "")}",Outlet\n'
                for n, d in zip(names, dates, strict=True)
            )
        ).encode()
        sname = "metadata.csv"
    elif kind in ("dates-jsonl", "types-jsonl"):
        vals = dates if kind == "dates-jsonl" else [5, ["a"], {"x": 1}, None]
        side = "".join(
            json.dumps({"file": n, "published": v, "title": v, "outlet": v}) + "\n"
            for n, v in zip(names, vals, strict=True)
        ).encode()
        sname = "metadata.jsonl"
    elif kind == "latin1":
        side = "file,published,outlet\ns0.txt,2023-10-19,Le Monde \u00e9t\u00e9\n".encode("latin-1")
        sname = "metadata.csv"
    elif kind == "broken-jsonl":
        side = b'{"file": "s0.txt", "published": "2023-10-19"}\n{"file": "s1.txt", "publ\n'
        sname = "metadata.jsonl"
    elif kind == "tsv":
        side = b"file\tpublished\toutlet\ns0.txt\t2023-10-19\tTimes\n"
        sname = "metadata.csv"
    elif kind == "huge-field":
        side = b"file,published,outlet\ns0.txt,2023-10-19," + b"x" * 200_000 + b"\n"
        sname = "metadata.csv"
    elif kind == "no-file-column":
        side = b"name,date\ns0.txt,2023-10-19\n"
        sname = "metadata.csv"
    elif kind == "jsonl-arrays":
        side = b'["s0.txt", "2023-10-19"]\n"s1.txt"\n5\nnull\n'
        sname = "metadata.jsonl"
    elif kind == "nul":
        side = b"file,published\ns0.txt,2023\x00-10-19\n"
        sname = "metadata.csv"
    else:
        side = b"\xef\xbb\xbffile,published\ns0.txt,2023-10-19\n"
        sname = "metadata.csv"
    return _c(
        f"sidecar {sname} ({kind}) beside four articles: {side[:120]!r}", files + [(sname, side)]
    )


def metadata_option(rng, big):
    kind = rng.choice(
        [
            "broken-jsonl",
            "latin1-csv",
            "tsv",
            "yesterday",
            "huge-field",
            "jsonl-arrays",
            "empty",
            "binary",
            "dates-jsonl",
        ]
    )
    good = ["0_good_a.txt", "zz_good_b.txt"]
    if kind == "broken-jsonl":
        name, data = "meta.jsonl", b'{"file": "0_good_a.txt", "published": "2023-10-19"}\n{"fi\n'
    elif kind == "latin1-csv":
        name, data = "meta.csv", "file,outlet\n0_good_a.txt,R\u00e9publique\n".encode("latin-1")
    elif kind == "tsv":
        name, data = "meta.tsv", b"file\tpublished\n0_good_a.txt\t2023-10-19\n"
    elif kind == "yesterday":
        name, data = (
            "meta.csv",
            "".join(["file,published\n"] + [f"{g},yesterday\n" for g in good]).encode(),
        )
    elif kind == "huge-field":
        name, data = "meta.csv", b"file,title\n0_good_a.txt," + b"t" * 200_000 + b"\n"
    elif kind == "jsonl-arrays":
        name, data = "meta.jsonl", b'["0_good_a.txt"]\n'
    elif kind == "empty":
        name, data = "meta.csv", b""
    elif kind == "binary":
        name, data = "meta.csv", bytes(rng.randrange(256) for _ in range(4000))
    else:
        name, data = (
            "meta.jsonl",
            "".join(
                json.dumps({"file": g, "published": d}) + "\n"
                for g, d in zip(good, rng.sample(BAD_DATES, 2), strict=True)
            ).encode(),
        )
    # written beside the ingested folder, not in it
    return _c(
        f"--metadata {name} ({kind}): {data[:100]!r}",
        [(f"../../{name}", data)],
        args=("--metadata", "{case}/../../" + name),
        refusal="Error: --metadata ",
    )


def text_dates(rng, big):
    line = rng.choice(
        [
            "date 2023-13-45 loading\u2026",
            "date 2023-02-30 loading\u2026",
            "date 0000-00-00 loading\u2026",
            "date 99999-01-01 loading\u2026",
            "date 2023-10-19T99:99 loading\u2026",
            "date 1-1-1 loading\u2026",
            "Published 31/02/2023",
            "Updated: 2023-10-19 25:61",
            "date  loading\u2026",
        ]
    )
    body = seed_text(rng)
    lines = body.split("\n")
    if lines and lines[0].strip().startswith("date"):
        lines = lines[1:]
    text = f" {line}\n" + "\n".join(lines)
    return _c(f"a seed article whose first line is {line!r}", [("dated.txt", text.encode())])


def jsonl_fields(rng, big):
    body = prose(rng, 600)
    huge = _size(rng, big, (100_000, 400_000), (1_000_001, 4_000_000))
    records = {
        "number-text": {"text": 5},
        "number-title": {"text": body, "title": 5},
        "number-published": {"text": body, "published": 20231019},
        "float-published": {"text": body, "published": 1.5e300},
        "dict-published": {"text": body, "published": {"$date": 1}},
        "list-outlet": {"text": body, "outlet": ["a", "b"]},
        "bool-url": {"text": body, "url": True},
        "list-text": {"text": ["a", "b"]},
        "null-text": {"text": None, "html": None},
        "number-html": {"html": 7},
        "last-tuesday": {"text": body, "published": "last Tuesday"},
        "date-field": {"text": body, "date": "yesterday"},
        "huge-title": {"text": body, "title": "T" * huge},
        "huge-text": {"text": prose(rng, huge)},
        "huge-html": {"html": html_page("<p>" + prose(rng, huge) + "</p>")},
        "nan": {"text": float("nan")},
    }
    lone = '{"text": "' + flat(body) + ' \\ud800 end", "title": "Lone \\udfff"}'
    picks = rng.sample(sorted(records), 3)
    lines = [json.dumps(records[k], allow_nan=True) for k in picks]
    if rng.random() < 0.5:
        lines.append(lone)
        picks.append("lone-surrogate")
    rng.shuffle(lines)
    data = ("\n".join(lines) + "\n").encode()
    return _c(f"records.jsonl with records: {', '.join(picks)}", [("records.jsonl", data)])


def utf16(rng, big):
    enc = rng.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
    suffix = rng.choice([".txt", ".html", ".jsonl"])
    text = (
        article_html(rng)
        if suffix == ".html"
        else json.dumps({"text": prose(rng, 1500)})
        if suffix == ".jsonl"
        else seed_text(rng)
    )
    return _c(f"an article in {enc} as wide{suffix}", [(f"wide{suffix}", text.encode(enc))])


FOREIGN = {
    "chinese": "\u666e\u4eac\u8868\u793a\uff0c\u5982\u679c\u6218\u4e89\u5df2\u7ecf\u5931\u8d25\uff0c"
    "\u4e3a\u4ec0\u4e48\u8fd8\u8981\u63d0\u4f9b\u5bfc\u5f39\uff1f\u201c\u8ba9\u4ed6\u4eec\u628a"
    "\u5bfc\u5f39\u62ff\u56de\u53bb\u3002\u201d\u4ed6\u8bf4\u3002",
    "arabic": "\u0642\u0627\u0644 \u0627\u0644\u0631\u0626\u064a\u0633 \u0625\u0646 "
    "\u0627\u0644\u062d\u0631\u0628 \u0644\u0645 \u062a\u0646\u062a\u0647 \u0628\u0639\u062f. ",
    "russian": "\u041f\u0443\u0442\u0438\u043d \u0437\u0430\u044f\u0432\u0438\u043b, \u0447\u0442"
    "\u043e \u0432\u043e\u0439\u043d\u0430 \u043d\u0435 \u043f\u0440\u043e\u0438\u0433\u0440\u0430"
    "\u043d\u0430. \u00ab\u0417\u0430\u0447\u0435\u043c?\u00bb \u2014 \u0441\u043a\u0430\u0437"
    "\u0430\u043b \u043e\u043d. ",
    "hindi": "\u0930\u093e\u0937\u094d\u091f\u094d\u0930\u092a\u0924\u093f \u0928\u0947 "
    "\u0915\u0939\u093e \u0915\u093f \u092f\u0941\u0926\u094d\u0927 \u0916\u0924\u094d\u092e "
    "\u0928\u0939\u0940\u0902 \u0939\u0941\u0906\u0964 ",
}


def foreign(rng, big):
    lang = rng.choice(sorted(FOREIGN))
    n = _size(rng, big, (5, 60), (200, 20000))
    mix = rng.choice(["pure", "mixed", "quotes-in-english"])
    if mix == "pure":
        text = FOREIGN[lang] * n
    elif mix == "mixed":
        text = "\n\n".join(rng.choice([FOREIGN[lang], said_paragraph(rng)]) for _ in range(n))
    else:
        text = "\n\n".join(
            f"\u201c{FOREIGN[lang]}\u201d, {rng.choice(NAMES)} said." for _ in range(n)
        )
    return _c(f"{lang} text ({mix}, {n} units) in foreign.txt", [("foreign.txt", text.encode())])


def warc_bad(rng, big):
    page = article_html(rng).encode()
    good = [("response", "text/html; charset=utf-8", page, 200, "http://example.com/a")]
    kind = rng.choice(
        [
            "random",
            "flipped",
            "truncated",
            "truncated-gz",
            "non-html",
            "non-200",
            "other-types",
            "empty-body",
            "nul-html",
            "lying-length",
            "huge-header",
            "gz-corrupt",
            "many-records",
        ]
    )
    name = "archive.warc"
    if kind == "random":
        data = b"WARC/1.0\r\n" + bytes(rng.randrange(256) for _ in range(5000))
    elif kind == "flipped":
        data = bytearray(warc(good * 3))
        for _ in range(20):
            data[rng.randrange(len(data))] = rng.randrange(256)
        data = bytes(data)
    elif kind == "truncated":
        whole = warc(good * 2)
        data = whole[: rng.randrange(len(whole) // 2, len(whole) - 10)]
    elif kind == "truncated-gz":
        whole = warc(good * 2, gzipped=True)
        data, name = whole[: rng.randrange(len(whole) // 3, len(whole) - 5)], "archive.warc.gz"
    elif kind == "non-html":
        data = warc(
            [
                ("response", ct, b"\x89PNG\r\n\x1a\n" + bytes(500), 200, "http://x/i")
                for ct in ("image/png", "application/json", "text/plain", "")
            ]
            + good
        )
    elif kind == "non-200":
        data = warc(
            [("response", "text/html", page, st, f"http://x/{st}") for st in (404, 301, 500, 204)]
        )
    elif kind == "other-types":
        data = warc(
            [
                ("request", "text/html", b"", 0, "http://x/r"),
                ("metadata", "application/warc-fields", b"a: b\r\n", 0, "http://x/m"),
                ("resource", "text/html", page, 0, "http://x/res"),
            ]
            + good
        )
    elif kind == "empty-body":
        data = warc([("response", "text/html", b"", 200, "http://x/e")])
    elif kind == "nul-html":
        data = warc([("response", "text/html", page[:100] + b"\x00" * 50 + page[100:], 200, "u")])
    elif kind == "lying-length":
        data = warc(good).replace(b"Content-Length: ", b"Content-Length: 9", 1)
    elif kind == "huge-header":
        data = b"WARC/1.0\r\nWARC-Type: response\r\nX-Big: " + b"h" * 2_000_000 + b"\r\n\r\n"
    elif kind == "gz-corrupt":
        whole = bytearray(warc(good * 2, gzipped=True))
        for _ in range(10):
            whole[rng.randrange(20, len(whole))] ^= 0xFF
        data, name = bytes(whole), "archive.warc.gz"
    else:
        n = _size(rng, big, (50, 200), (1000, 3000))
        data = warc(
            [
                (
                    "response",
                    "text/html",
                    article_html(rng).encode() + str(i).encode(),
                    200,
                    f"http://x/{i}",
                )
                for i in range(n)
            ]
        )
    return _c(f"WARC ({kind}) as {name}", [(name, data)])


def empty(rng, big):
    kind = rng.choice(
        [
            "folder-arg",
            "nested-folders",
            "zero-bytes",
            "whitespace",
            "newlines",
            "empty-gz",
            "gz-of-empty",
            "only-sidecar",
        ]
    )
    if kind == "folder-arg":
        return _c(
            "an empty folder named on the command line",
            setup=lambda f: (f / "nothing").mkdir(),
            paths=("nothing",),
        )
    if kind == "nested-folders":
        return _c(
            "empty folders nested 20 deep",
            setup=lambda f: (f / Path(*["e"] * 20)).mkdir(parents=True),
        )
    if kind == "zero-bytes":
        return _c(
            "0-byte files of every suffix",
            [
                (f"z{s}", b"")
                for s in (".txt", ".html", ".jsonl", ".warc", ".txt.gz", ".ndjson", ".htm")
            ],
        )
    if kind == "whitespace":
        return _c(
            "files of only Unicode spaces",
            [
                ("nbsp.txt", "\u00a0\u3000\u2003\t \n".encode() * 100),
                ("ws.html", b"<html>   </html>"),
                ("ws.jsonl", b"\n\n   \n"),
            ],
        )
    if kind == "newlines":
        n = _size(rng, big, (10_000, 100_000), (1_000_000, 4_900_000))
        return _c(f"{n} newlines in nl.txt", [("nl.txt", b"\n" * n)])
    if kind == "empty-gz":
        return _c("a 0-byte empty.txt.gz", [("empty.txt.gz", b"")])
    if kind == "gz-of-empty":
        return _c("gzip of nothing as empty.txt.gz", [("empty.txt.gz", gz(b""))])
    return _c("a folder with only metadata.csv", [("metadata.csv", b"file,published\n")])


# --- more: bytes and characters ---------------------------------------------------------


def controls(rng, big):
    text = seed_text(rng)
    pool = [chr(c) for c in list(range(1, 32)) + [127] + list(range(0x80, 0xA0))]
    n = _size(rng, big, (50, 1000), (2000, 200000))
    chars = list(text)
    for _ in range(n):
        chars.insert(rng.randrange(len(chars) + 1), rng.choice(pool))
    return _c(
        f"a seed article with {n} C0/C1 control characters inserted",
        [("controls.txt", "".join(chars).encode())],
    )


def nul(rng, big):
    text = seed_text(rng).encode()
    where = rng.choice(["start", "after-8k", "jsonl-escape", "html-after-8k", "everywhere"])
    pad = prose(rng, 9000).encode()
    if where == "start":
        files = [("nul.txt", b"\x00" + text)]
    elif where == "after-8k":
        files = [("nul.txt", pad + b"\x00\x00" + text)]
    elif where == "jsonl-escape":
        files = [
            (
                "nul.jsonl",
                json.dumps({"text": text.decode() + "\x00 tail", "title": "a\x00b"}).encode()
                + b"\n",
            )
        ]
    elif where == "html-after-8k":
        files = [
            ("nul.html", html_page(pad.decode() + "\x00<p>" + text.decode() + "</p>").encode())
        ]
    else:
        files = [("nul.txt", pad + text.replace(b" ", b"\x00"))]
    return _c(f"NUL bytes ({where}) in {files[0][0]}", files)


def bad_utf8(rng, big):
    text = seed_text(rng)
    kind = rng.choice(
        [
            "latin1-half",
            "cp1252-quotes",
            "overlong",
            "cesu-surrogate",
            "ff-bytes",
            "truncated-end",
            "random-invalid",
        ]
    )
    b = text.encode()
    half = len(b) // 2
    if kind == "latin1-half":
        data = b[:half] + "\u00e9t\u00e9 \u00e0 Z\u00fcrich ".encode("latin-1") + b[half:]
    elif kind == "cp1252-quotes":
        data = text.replace("\u201c", '"').replace("\u201d", '"').encode("ascii", "replace")
        data = data.replace(b'"', b"\x93", 3)
    elif kind == "overlong":
        data = b[:half] + b"\xc0\xaf\xe0\x80\xaf" + b[half:]
    elif kind == "cesu-surrogate":
        data = b[:half] + b"\xed\xa0\x80\xed\xb0\x80" + b[half:]
    elif kind == "ff-bytes":
        data = b.replace(b" ", b"\xff", 5)
    elif kind == "truncated-end":
        data = b + "\u20ac".encode()[:2]
    else:
        data = bytearray(b)
        for _ in range(30):
            data[rng.randrange(len(data))] = rng.randrange(0x80, 0x100)
        data = bytes(data)
    suffix = rng.choice([".txt", ".html", ".jsonl"])
    if suffix == ".html":
        data = b"<html><body><p>" + data + b"</p></body></html>"
    elif suffix == ".jsonl":
        data = (
            b'{"text": "'
            + data.replace(b"\\", b"").replace(b'"', b"'").replace(b"\n", b" ")
            + b'"}\n'
        )
    return _c(f"invalid UTF-8 ({kind}) in bad{suffix}", [(f"bad{suffix}", data)])


def unicode_format(rng, big):
    text = seed_text(rng)
    kind = rng.choice(["rtl", "zero-width", "bom-inside", "isolates", "zalgo", "tags", "astral"])
    if kind == "rtl":
        out = text.replace(" said", " \u202esaid\u202c").replace("Putin", "\u202eniptuP\u202c")
    elif kind == "zero-width":
        out = "".join(c + rng.choice(["", "\u200b", "\u200c", "\u200d", "\u2060"]) for c in text)
    elif kind == "bom-inside":
        out = text.replace("\n", "\n\ufeff").replace(" ", " \ufeff", 50)
    elif kind == "isolates":
        out = text.replace("\u201c", "\u2066\u201c").replace("\u201d", "\u201d\u2069")
    elif kind == "zalgo":
        n = _size(rng, big, (200, 3000), (3000, 300000))
        marks = "".join(chr(rng.randrange(0x300, 0x370)) for _ in range(n))
        out = text.replace("Putin", "P" + marks + "utin", 2)
    elif kind == "tags":
        out = text.replace("said", "sa\U000e0069\U000e0064id")
    else:
        out = text.replace("Putin", "\U0001d40f\U0001d42e\U0001d42d\U0001d422\U0001d427")
    return _c(f"a seed article with {kind} characters", [("format.txt", out.encode())])


def emoji(rng, big):
    n = _size(rng, big, (10, 100), (500, 50000))
    pool = [
        "\U0001f600",
        "\U0001f44d\U0001f3fd",
        "\U0001f468\u200d\U0001f469\u200d\U0001f467",
        "\U0001f1fa\U0001f1e6",
        "\u2764\ufe0f",
        "\U0001f525",
    ]
    paras = [
        f"\u201c{''.join(rng.choices(pool, k=rng.randint(1, 30)))} we won,\u201d "
        f"{rng.choice(pool)} {rng.choice(NAMES)} said."
        for _ in range(n)
    ]
    return _c(
        f"{n} paragraphs of emoji quotes in emoji.txt", [("emoji.txt", "\n\n".join(paras).encode())]
    )


def surrogates(rng, big):
    body = flat(prose(rng, 800))
    kind = rng.choice(
        [
            "jsonl-lone-high",
            "jsonl-lone-low",
            "jsonl-pair-reversed",
            "html-entity",
            "jsonl-in-title",
        ]
    )
    if kind == "html-entity":
        data = html_page(f"<p>{body} &#xD800; &#55296; &#xDFFF;x</p>").encode()
        return _c("surrogate character references in sur.html", [("sur.html", data)])
    esc = {
        "jsonl-lone-high": "\\ud83d",
        "jsonl-lone-low": "\\ude00",
        "jsonl-pair-reversed": "\\ude00\\ud83d",
        "jsonl-in-title": "",
    }[kind]
    title = "\\udc80" if kind == "jsonl-in-title" else "Title"
    rec = f'{{"text": "{body} {esc} end.", "title": "{title}", "outlet": "O\\udfff"}}\n'
    return _c(
        f"JSON Lines with escaped surrogates ({kind}) in sur.jsonl", [("sur.jsonl", rec.encode())]
    )


def line_breaks(rng, big):
    text = seed_text(rng)
    kind = rng.choice(["crlf", "cr", "mixed", "formfeed", "vtab", "unicode-separators", "nel"])
    out = {
        "crlf": lambda: text.replace("\n", "\r\n"),
        "cr": lambda: text.replace("\n", "\r"),
        "mixed": lambda: "".join(
            rng.choice(["\n", "\r\n", "\r", "\n\r"]) if c == "\n" else c for c in text
        ),
        "formfeed": lambda: text.replace("\n", "\f\n\f").replace(". ", ".\f "),
        "vtab": lambda: text.replace("\n", "\v"),
        "unicode-separators": lambda: text.replace("\n", "\u2029").replace(". ", ".\u2028"),
        "nel": lambda: text.replace("\n", "\u0085"),
    }[kind]()
    return _c(f"a seed article with {kind} line breaks", [("breaks.txt", out.encode())])


def gz_odd(rng, big):
    text = seed_text(rng).encode()
    whole = gz(text)
    kind = rng.choice(
        [
            "truncated",
            "gz-of-gz",
            "trailing-garbage",
            "corrupt-deflate",
            "bad-crc",
            "multi-member",
            "plain-as-gz",
            "html-in-gz",
            "jsonl-in-gz",
            "header-only",
        ]
    )
    name = "odd.txt.gz"
    if kind == "truncated":
        data = whole[: rng.randrange(10, len(whole) - 1)]
    elif kind == "gz-of-gz":
        data = gz(gz(text))
    elif kind == "trailing-garbage":
        data = whole + b"garbage\x00\x01"
    elif kind == "corrupt-deflate":
        data = bytearray(whole)
        for i in range(12, 40):
            data[i] ^= 0x55
        data = bytes(data)
    elif kind == "bad-crc":
        data = whole[:-8] + b"\x00\x00\x00\x00" + whole[-4:]
    elif kind == "multi-member":
        data = gz(text[: len(text) // 2]) + gz(text[len(text) // 2 :])
    elif kind == "plain-as-gz":
        data = text
    elif kind == "html-in-gz":
        data, name = gz(article_html(rng).encode()), "odd.html.gz"
    elif kind == "jsonl-in-gz":
        data, name = gz(json.dumps({"text": text.decode()}).encode()), "odd.jsonl.gz"
    else:
        data = whole[:10]
    return _c(f"gzip ({kind}) of a seed article as {name}", [(name, data)])


def jsonl_nesting(rng, big):
    depth = _size(rng, big, (5000, 100_000), (100_000, 1_000_000))
    kind = rng.choice(["array", "object", "in-field", "text-is-nested"])
    if kind == "array":
        line = "[" * depth + "]" * depth
    elif kind == "object":
        line = '{"a":' * depth + "1" + "}" * depth
    elif kind == "in-field":
        line = '{"text": "' + flat(prose(rng, 600)) + '", "x": ' + "[" * depth + "]" * depth + "}"
    else:
        line = '{"text": ' + "[" * depth + "]" * depth + "}"
    return _c(
        f"JSON nested {depth} deep ({kind}) in deep.jsonl", [("deep.jsonl", line.encode() + b"\n")]
    )


def long_lines(rng, big):
    n = _size(rng, big, (200_000, 900_000), (1_000_000, 4_800_000))
    kind = rng.choice(["jsonl-line", "html-one-line", "huge-word", "quoted-word", "name-word"])
    if kind == "jsonl-line":
        data = json.dumps({"text": prose(rng, 500), "pad": "p" * n}).encode()
        name = "line.jsonl"
    elif kind == "html-one-line":
        data = html_page("".join(f"<p>{said_paragraph(rng)}</p>" for _ in range(n // 100))).encode()
        name = "line.html"
    elif kind == "huge-word":
        data = (prose(rng, 500) + " " + "a" * n + " " + prose(rng, 500)).encode()
        name = "word.txt"
    elif kind == "quoted-word":
        data = (prose(rng, 500) + '\n\n"' + "w" * n + '," Smith said.').encode()
        name = "word.txt"
    else:
        data = (prose(rng, 500) + "\n\nMr " + "X" * n + " said the war was over.").encode()
        name = "word.txt"
    return _c(f"{kind}: a {n}-character run in {name}", [(name, data)])


# --- more: HTML ----------------------------------------------------------------------------


def html_nesting(rng, big):
    depth = _size(rng, big, (2000, 10000), (10000, 200000))
    tag = rng.choice(["div", "b", "table><tr><td", "q", "span"])
    close = "</td></tr></table>" if tag.startswith("table") else f"</{tag}>"
    text = " ".join(paragraphs(rng)[:3])
    body = f"<{tag}>" * depth + f"<p>{text}</p>" + close * depth
    if rng.random() < 0.3:
        body = f"<{tag}>" * depth + f"<p>{text}</p>"  # never closed
    return _c(
        f"{depth} nested <{tag}> around a paragraph in nested.html",
        [("nested.html", html_page(body).encode())],
    )


def html_odd(rng, big):
    text = article_html(rng)
    n = _size(rng, big, (100_000, 1_000_000), (1_000_000, 4_500_000))
    kind = rng.choice(
        [
            "only-scripts",
            "giant-attribute",
            "unbalanced",
            "unclosed-comment",
            "cdata",
            "giant-title",
            "many-p",
            "svg-math",
            "charset-lie",
            "meta-refresh",
            "base64-image",
        ]
    )
    if kind == "only-scripts":
        data = html_page(
            "".join(f"<script>var a{i} = '{i}';</script><style>p{{}}</style>" for i in range(200))
        )
    elif kind == "giant-attribute":
        data = text.replace("<article>", f'<article data-x="{"x" * n}">', 1)
    elif kind == "unbalanced":
        data = (
            re.sub(r"</p>", "", text).replace("<article>", "<article><div><span><i>", 1)
            + "</b></b></div>" * 50
        )
    elif kind == "unclosed-comment":
        data = text.replace("<article>", "<article><!-- ", 1)
    elif kind == "cdata":
        data = text.replace("<article>", '<article><![CDATA[ " said ]]>', 1)
    elif kind == "giant-title":
        data = text.replace("<title>Hostile page</title>", f"<title>{'T ' * (n // 2)}</title>")
    elif kind == "many-p":
        data = html_page("".join(f'<p class="c{i}">"Yes," he said.</p>' for i in range(n // 40)))
    elif kind == "svg-math":
        data = text.replace(
            "<article>",
            "<article><svg><text>\u201cHi,\u201d he said</text></svg><math><mi>x</mi></math>",
            1,
        )
    elif kind == "charset-lie":
        data = text.replace("<title>", '<meta charset="x-bogus-charset"><title>', 1)
    elif kind == "meta-refresh":
        data = text.replace(
            "<title>",
            '<meta http-equiv="refresh" content="0;url=javascript:1">'
            '<base href="file:///etc/"><title>',
            1,
        )
    else:
        data = text.replace("<article>", f'<article><img src="data:image/png;base64,{"A" * n}">', 1)
    return _c(f"HTML ({kind}) in odd.html", [("odd.html", data.encode())])


def html_entities(rng, big):
    text = article_html(rng)
    n = _size(rng, big, (10_000, 100_000), (100_000, 1_000_000))
    kind = rng.choice(["storm", "invalid-refs", "billion-laughs", "unterminated"])
    if kind == "storm":
        data = text.replace("<article>", "<article><p>" + "&amp;&quot;&#8220;" * n + "</p>", 1)
    elif kind == "invalid-refs":
        data = text.replace(
            "<article>",
            "<article><p>&#0; &#x110000; &#99999999999; &#x1F; &#xFFFE; &#-1; &nosuch; &#;</p>",
            1,
        )
    elif kind == "billion-laughs":
        ents = '<!ENTITY a0 "lol">' + "".join(
            f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
        )
        data = f'<?xml version="1.0"?><!DOCTYPE html [{ents}]>' + text.replace(
            "<!DOCTYPE html>", ""
        ).replace("<article>", "<article><p>&a9;</p>", 1)
    else:
        data = text.replace("<article>", "<article><p>&" + "a" * n + "</p>", 1)
    return _c(f"HTML entities ({kind}) in ent.html", [("ent.html", data.encode())])


def html_encodings(rng, big):
    text = article_html(rng).replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'")
    kind = rng.choice(["cp1251", "latin1-declared-utf8", "utf16-bom", "shift-jis", "mixed"])
    if kind == "cp1251":
        data = (
            text.replace("<title>", '<meta charset="windows-1251"><title>')
            .replace(
                "</article>",
                "<p>\u041f\u0443\u0442\u0438\u043d \u0441\u043a\u0430\u0437\u0430\u043b."
                "</p></article>",
            )
            .encode("cp1251", "replace")
        )
    elif kind == "latin1-declared-utf8":
        data = (
            text.replace("<title>", '<meta charset="utf-8"><title>')
            .replace("</article>", "<p>Z\u00fcrich, \u00e9t\u00e9.</p></article>")
            .encode("latin-1", "replace")
        )
    elif kind == "utf16-bom":
        data = text.encode("utf-16")
    elif kind == "shift-jis":
        data = text.replace("</article>", "<p>\u65e5\u672c</p></article>").encode(
            "shift_jis", "replace"
        )
    else:
        data = text.encode()[:500] + "\u00e9".encode("latin-1") + text.encode()[500:]
    return _c(f"HTML in {kind} encoding as enc.html", [("enc.html", data)])


# --- more: files, names, links ----------------------------------------------------------


def odd_names(rng, big):
    body = (prose(rng, 700) + "\n").encode()
    pool = [
        "with space.txt",
        " leading space.txt",
        "trailing space.txt ",
        "caf\u00e9.txt",
        "cafe\u0301.txt",
        "\u65b0\u95fb.txt",
        "-rf.txt",
        "--db.txt",
        "a\nb.txt",
        "tab\t.txt",
        "back\\slash.txt",
        "%_like.txt",
        'quote".txt',
        "x" * 250 + ".txt",
        "UPPER.TXT",
        "METADATA.CSV.txt",
        "a.txt.gz.gz",
        ".hidden.txt",
        "\u202etxt.exe.txt",
        "emoji\U0001f600.txt",
        "semi;colon.txt",
        "$(echo).txt",
        "*.txt",
        "?.txt",
    ]
    picks = rng.sample(pool, 4)
    files = [(n, body + n.encode()) for n in picks]
    raw = rng.random() < 0.5
    if raw:
        files.append((b"latin1-\xe9-\xff.txt", body + b"raw"))
    shown = picks + (["b'latin1-\\xe9-\\xff.txt'"] if raw else [])
    return _c(f"articles named {shown}", files)


def links(rng, big):
    kind = rng.choice(
        [
            "loop-dir",
            "parent",
            "dangling",
            "chain-loop",
            "to-fifo",
            "outside",
            "loop-arg",
            "to-device",
        ]
    )
    body = (prose(rng, 700) + "\n").encode()

    def setup(folder):
        (folder / "real.txt").write_bytes(body)
        if kind == "loop-dir":
            os.symlink(".", folder / "loop")
        elif kind == "parent":
            os.symlink("..", folder / "up")
        elif kind == "dangling":
            os.symlink("missing.txt", folder / "dangling.txt")
        elif kind in ("chain-loop", "loop-arg"):
            os.symlink("b.txt", folder / "a.txt")
            os.symlink("a.txt", folder / "b.txt")
        elif kind == "to-fifo":
            os.mkfifo(folder / "fifo")
            os.symlink("fifo", folder / "fifo.txt")
        elif kind == "outside":
            os.symlink(str(sorted(SEEDS.glob("*.txt"))[2]), folder / "outside.txt")
        else:
            os.symlink("/dev/zero", folder / "zero.txt")

    return _c(
        f"symbolic links ({kind}) beside real.txt",
        setup=setup,
        paths=("a.txt",) if kind == "loop-arg" else (),
    )


def unreadable(rng, big):
    kind = rng.choice(["file", "folder", "folder-named-txt"])
    body = (prose(rng, 700) + "\n").encode()

    def setup(folder):
        if kind == "file":
            (folder / "locked.txt").write_bytes(body)
            os.chmod(folder / "locked.txt", 0)
        elif kind == "folder":
            (folder / "locked").mkdir()
            (folder / "locked" / "in.txt").write_bytes(body)
            os.chmod(folder / "locked", 0)
        else:
            (folder / "dir.txt").mkdir()
            (folder / "dir.txt" / "in.txt").write_bytes(body)

    # chmod 000 stops nobody who runs as root: there the case is not run
    why = (
        "running as root: chmod 000 does not stop reading"
        if (kind != "folder-named-txt" and os.geteuid() == 0)
        else None
    )
    return _c(
        f"unreadable ({kind})",
        setup=setup,
        unavailable=why,
        paths=("dir.txt",) if kind == "folder-named-txt" else (),
    )


def binary(rng, big):
    n = _size(rng, big, (2000, 50_000), (50_000, 4_000_000))
    kind = rng.choice(
        [
            "random",
            "random-no-nul",
            "png",
            "sqlite",
            "zip",
            "pdf",
            "random-utf8",
            "ascii-noise",
            "base64",
        ]
    )
    if kind == "random":
        data = rng.randbytes(n)
    elif kind == "random-no-nul":
        data = bytes(rng.randrange(1, 256) for _ in range(min(n, 200_000)))
    elif kind == "png":
        data = b"\x89PNG\r\n\x1a\n" + rng.randbytes(n)
    elif kind == "sqlite":
        data = b"SQLite format 3\x00" + rng.randbytes(n)
    elif kind == "zip":
        data = b"PK\x03\x04" + rng.randbytes(n)
    elif kind == "pdf":
        data = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(rng.randrange(1, 256) for _ in range(5000))
    elif kind == "random-utf8":
        data = "".join(
            chr(rng.choice([rng.randrange(0x20, 0xD800), rng.randrange(0xE000, 0x110000)]))
            for _ in range(min(n, 200_000))
        ).encode("utf-8", "replace")
    elif kind == "ascii-noise":
        data = bytes(rng.randrange(0x20, 0x7F) for _ in range(min(n, 500_000)))
    else:
        import base64

        data = base64.encodebytes(rng.randbytes(n))
    suffix = rng.choice([".txt", ".html", ".jsonl", ".warc"])
    return _c(f"binary ({kind}, {len(data)} bytes) as blob{suffix}", [(f"blob{suffix}", data)])


def wrong_kind(rng, big):
    kind = rng.choice(
        [
            "html-as-txt",
            "text-as-html",
            "json-as-html",
            "html-as-jsonl",
            "text-as-warc",
            "warc-as-jsonl",
            "jsonl-as-txt",
        ]
    )
    text = seed_text(rng)
    page = article_html(rng)
    data, name = {
        "html-as-txt": (page, "page.txt"),
        "text-as-html": (text, "plain.html"),
        "json-as-html": (json.dumps({"text": text}), "data.html"),
        "html-as-jsonl": (page, "page.jsonl"),
        "text-as-warc": (text, "text.warc"),
        "warc-as-jsonl": (None, "archive.jsonl"),
        "jsonl-as-txt": (json.dumps({"text": text}) + "\n", "records.txt"),
    }[kind]
    raw = (
        warc([("response", "text/html", page.encode(), 200, "http://x/")])
        if data is None
        else data.encode()
    )
    return _c(f"{kind} as {name}", [(name, raw)])


# --- more: what the NLP sees ------------------------------------------------------------


def quote_nesting(rng, big):
    depth = _size(rng, big, (100, 1000), (3000, 100000))
    kind = rng.choice(["nested", "alternating", "whole-text", "said-after-each", "guillemets"])
    if kind == "nested":
        text = "".join(
            rng.choice(["\u201c", "\u2018", '"', "'"]) + "he said " for _ in range(depth)
        )
        text += (
            "".join(rng.choice(["\u201d", "\u2019", '"', "'"]) for _ in range(depth))
            + " Smith said."
        )
    elif kind == "alternating":
        text = " ".join(("\u201c" if i % 2 else "\u201d") + "x" for i in range(depth))
    elif kind == "whole-text":
        text = "\u201c" + prose(rng, depth * 50) + "\u201d Smith said."
    elif kind == "said-after-each":
        text = " ".join(f'"{i}," said {rng.choice(NAMES)}' for i in range(depth))
    else:
        text = "\u00ab" * depth + " Putin said " + "\u00bb" * depth
    return _c(f"quotes ({kind}, {depth}) in nesting.txt", [("nesting.txt", text.encode())])


def speech_storm(rng, big):
    n = _size(rng, big, (100, 800), (3000, 40000))
    kind = rng.choice(
        [
            "said-chain",
            "according-chain",
            "many-names",
            "many-titles",
            "pronouns",
            "colon-storm",
            "one-sentence",
        ]
    )
    if kind == "said-chain":
        text = " said ".join(rng.choice(NAMES) for _ in range(n)) + "."
    elif kind == "according-chain":
        text = (
            "The war is over, according to "
            + ", according to ".join(rng.choice(NAMES) for _ in range(n))
            + "."
        )
    elif kind == "many-names":
        text = "\n\n".join(
            f'"We agree," said {chr(65 + i % 26)}{i} Name{i} of Place{i}.' for i in range(n)
        )
    elif kind == "many-titles":
        text = "\n\n".join(
            f'"Yes," said Deputy Minister of Affairs {i} John Smith.' for i in range(n)
        )
    elif kind == "pronouns":
        text = " ".join(f'"{i}," {rng.choice(["he", "she", "they", "it"])} said.' for i in range(n))
    elif kind == "colon-storm":
        text = "\n".join(f"{rng.choice(NAMES)}: " + ": ".join(["yes"] * 20) for _ in range(n // 20))
    else:
        text = (
            "Smith said that "
            + ", and that ".join(f"{rng.choice(NAMES)} had said {i} things" for i in range(n))
            + "."
        )
    return _c(f"{kind} with {n} units in speech.txt", [("speech.txt", text.encode())])


def duplicates(rng, big):
    n = _size(rng, big, (5, 20), (100, 500))
    kind = rng.choice(["same", "near", "every-format"])
    text = prose(rng, 3000)
    if kind == "same":
        files = [(f"dup{i}.txt", text.encode()) for i in range(n)]
    elif kind == "near":
        files = []
        for i in range(n):
            k = rng.randrange(len(text))
            files.append((f"near{i}.txt", (text[:k] + "x" + text[k + 1 :]).encode()))
    else:
        files = [
            ("same.txt", text.encode()),
            ("same.jsonl", json.dumps({"text": text}).encode()),
            ("same.html", html_page(f"<article><p>{text}</p></article>").encode()),
            ("same.txt.gz", gz(text.encode())),
        ]
    return _c(f"{len(files)} copies ({kind}) of one article", files)


def many_files(rng, big):
    n = _size(rng, big, (20, 60), (200, 1000))
    depth = _size(rng, big, (5, 50), (50, 300))
    files = []
    for i in range(n):
        sub = "/".join(["d"] * rng.randrange(depth))
        files.append((f"{sub}/m{i}.txt".lstrip("/"), (prose(rng, 500) + f"\n\nNo {i}.").encode()))
    return _c(f"{n} short articles in folders up to {depth} deep", files)


def nest(folder: Path, depth: int, name: str, file: str, data: bytes) -> None:
    """``folder/name/name/.../file``, ``depth`` folders deep: made one level at a time from
    inside (directory descriptors), so that it may go beyond PATH_MAX."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir(name, dir_fd=fd)
            new = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = new
        out = os.open(file, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, data)
        os.close(out)
    finally:
        os.close(fd)


def deep_dirs(rng, big):
    body = (prose(rng, 600) + "\n").encode()
    if rng.random() < 0.5:  # many levels (Python's recursion limit is about 1000)
        name, depth = "d", _size(rng, big, (300, 1500), (2000, 5000))
    else:  # beyond PATH_MAX (4096) with few levels of long names
        name, depth = "x" * 200, _size(rng, big, (10, 25), (21, 60))
    return _c(
        f"an article {depth} folders deep ({name[:3]}/{name[:3]}/.../deep.txt, {len(name)}-"
        f"character folder names: {depth * (len(name) + 1)} characters of path)",
        setup=lambda folder: nest(folder, depth, name, "deep.txt", body),
    )


def mutate(rng, big):
    """A seed article with random mutations stacked."""
    data = bytearray(seed_text(rng).encode())
    done = []
    for _ in range(rng.randint(1, 5)):
        op = rng.choice(
            [
                "bytes",
                "quotes",
                "newlines",
                "controls",
                "truncate",
                "duplicate",
                "shuffle",
                "no-spaces",
                "upper",
                "delete-newlines",
                "reverse-words",
            ]
        )
        done.append(op)
        n = rng.randint(1, 200)
        if op == "bytes":
            for _ in range(n):
                data[rng.randrange(len(data) + 1) : 0] = bytes([rng.randrange(256)])
        elif op == "quotes":
            for _ in range(n):
                data[rng.randrange(len(data) + 1) : 0] = rng.choice(QUOTES).encode()
        elif op == "newlines":
            for _ in range(n):
                data[rng.randrange(len(data) + 1) : 0] = rng.choice([b"\n", b"\n\n", b"\r\n"])
        elif op == "controls":
            for _ in range(n):
                data[rng.randrange(len(data) + 1) : 0] = bytes([rng.randrange(1, 32)])
        elif op == "truncate":
            del data[rng.randrange(len(data) + 1) :]
        elif op == "duplicate":
            paras = bytes(data).split(b"\n")
            k = rng.randrange(len(paras))
            times = _size(rng, big, (50, 500), (1000, 20000))
            times = min(times, MAX_BYTES // (len(paras[k]) + 1) - 10)
            paras[k] = b"\n".join([paras[k]] * max(times, 1))
            data = bytearray(b"\n".join(paras))
            done[-1] = f"duplicate x{times}"
        elif op == "shuffle":
            lines = bytes(data).split(b"\n")
            rng.shuffle(lines)
            data = bytearray(b"\n".join(lines))
        elif op == "no-spaces":
            data = data.replace(b" ", b"")
        elif op == "upper":
            data = bytearray(bytes(data).upper())
        elif op == "delete-newlines":
            data = data.replace(b"\n", b" ")
        else:
            data = bytearray(b" ".join(reversed(bytes(data).split(b" "))))
    suffix = rng.choice([".txt", ".txt", ".html", ".jsonl"])
    out = bytes(data)
    if suffix == ".jsonl":
        out = json.dumps({"text": out.decode("utf-8", "surrogateescape")}).encode() + b"\n"
    elif suffix == ".html":
        out = b"<html><body><article><p>" + out + b"</p></article></body></html>"
    return _c(
        f"a seed article mutated: {', '.join(done)} (as mutant{suffix})", [(f"mutant{suffix}", out)]
    )


def stdin(rng, big):
    kind = rng.choice(["binary", "html", "jsonl", "utf16", "empty", "huge", "text-nul", "warc"])
    text = seed_text(rng)
    data = {
        "binary": lambda: rng.randbytes(5000),
        "html": lambda: article_html(rng).encode(),
        "jsonl": lambda: (
            b'{"text": 5}\n{"text": "\\ud800 x"}\n' + json.dumps({"text": text}).encode()
        ),
        "utf16": lambda: text.encode("utf-16"),
        "empty": lambda: b"",
        "huge": lambda: prose(
            rng, _size(rng, big, (5_100_000, 6_000_000), (6_000_000, 50_000_000))
        ).encode(),
        "text-nul": lambda: text.encode() + b"\x00",
        "warc": lambda: warc([("response", "text/html", article_html(rng).encode(), 200, "u")]),
    }[kind]()
    return _c(f"stdin ('-') with {kind} ({len(data)} bytes)", stdin=data)


FAMILIES: dict[str, Family] = {
    "speaker_chain": Family(speaker_chain),
    "quote_storm": Family(quote_storm),
    "paragraph_storm": Family(paragraph_storm),
    "gz_bomb": Family(gz_bomb),
    "long_text": Family(long_text),
    "fifo": Family(fifo),
    "device": Family(device),
    "vanish": Family(vanish),
    "sidecar": Family(sidecar),
    "metadata_option": Family(metadata_option, alone=True),
    "text_dates": Family(text_dates),
    "jsonl_fields": Family(jsonl_fields),
    "utf16": Family(utf16),
    "foreign": Family(foreign),
    "warc_bad": Family(warc_bad),
    "empty": Family(empty),
    "controls": Family(controls),
    "nul": Family(nul),
    "bad_utf8": Family(bad_utf8),
    "unicode_format": Family(unicode_format),
    "emoji": Family(emoji),
    "surrogates": Family(surrogates),
    "line_breaks": Family(line_breaks),
    "gz_odd": Family(gz_odd),
    "jsonl_nesting": Family(jsonl_nesting),
    "long_lines": Family(long_lines),
    "html_nesting": Family(html_nesting),
    "html_odd": Family(html_odd),
    "html_entities": Family(html_entities),
    "html_encodings": Family(html_encodings),
    "odd_names": Family(odd_names),
    "links": Family(links),
    "unreadable": Family(unreadable),
    "binary": Family(binary),
    "wrong_kind": Family(wrong_kind),
    "quote_nesting": Family(quote_nesting),
    "speech_storm": Family(speech_storm),
    "duplicates": Family(duplicates),
    "many_files": Family(many_files),
    "deep_dirs": Family(deep_dirs),
    "mutate": Family(mutate),
    "stdin": Family(stdin, exclusive=True),
}


# ---------------------------------------------------------------------------------------
# the check

GOOD = ("0_good_a.txt", "zz_good_b.txt")  # first and last in the folder's order (mostly)
AS_LIMIT = 4 * 1024**3  # address-space cap of the ingest (a normal run reserves ~0.7 GiB)
RSS_LIMIT = 2 * 1024**3  # peak resident memory allowed


@dataclass
class Outcome:
    """What one ingest run of some cases did."""

    names: list[str]
    seconds: float
    rss: int  # peak resident set size of the run, bytes
    returncode: int | None  # None: killed at the time limit
    stderr: str
    failures: list[str]  # failed checks, each one line; empty: handled cleanly
    command: list[str] = field(default_factory=list)
    folder: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def kind(self) -> str:
        return self.failures[0].split(":")[0] if self.failures else "ok"

    def tail(self, lines: int = 8) -> str:
        return "\n".join(self.stderr.rstrip().splitlines()[-lines:])


def error_line(stderr: str) -> str:
    """The exception line of the last traceback in ``stderr`` (or its last line)."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    fatal = [line for line in lines if line.startswith("Fatal Python error")]
    if fatal:
        return fatal[-1][:300]
    if "Traceback" in stderr:
        after = stderr[stderr.rindex("Traceback") :].splitlines()
        for line in reversed(after):
            if line and not line.startswith(" ") and not line.startswith("Traceback"):
                return line[:300]
    return lines[-1][:300] if lines else ""


def product_state() -> str:
    """A short hash of onrecord's source files as they are now (the checkout may change
    under a long run)."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((ROOT / "src" / "onrecord").rglob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def _good_files(folder: Path, token: str) -> None:
    texts = seed_texts()
    for name, text in zip(GOOD, (texts[0], texts[1]), strict=True):
        (folder / name).write_text(text + f"\n(Good copy {token}.)\n", encoding="utf-8")


def run(
    cases: list[Case],
    workdir: Path,
    *,
    timeout: float,
    slack: float = 3.0,
    mode: str = "fast",
    as_limit: int = AS_LIMIT,
    rss_limit: int = RSS_LIMIT,
) -> Outcome:
    """One ingest of ``cases`` (each in its own folder) beside the two good articles.

    One case may take ``timeout`` seconds, start-up included; a run of n cases ends as a
    hang after ``timeout + slack * (n - 1)`` seconds, or after ``timeout`` seconds in which
    neither its output nor its database changed."""
    workdir.mkdir(parents=True, exist_ok=True)
    base = Path(tempfile.mkdtemp(prefix="run-", dir=workdir))
    folder = base / "in"
    folder.mkdir()
    _good_files(folder, base.name)
    extra: list[str] = []
    stdin_data = None
    for case in cases:
        where = folder / case.name
        case.write(where)
        extra += [str(where / p) for p in case.paths]
        extra += [a.replace("{case}", str(where)) for a in case.args]
        if case.stdin is not None:
            stdin_data = case.stdin
            extra.append("-")
    db = base / "out.db"
    command = [
        sys.executable,
        "-m",
        "onrecord.cli",
        "ingest",
        str(folder),
        *extra,
        "--db",
        str(db),
    ] + ([f"--{mode}"] if mode != "default" else [])
    (base / "stdin.bin").write_bytes(stdin_data or b"")
    out_path, err_path = base / "stdout.txt", base / "stderr.txt"
    env = dict(os.environ, PYTHONFAULTHANDLER="1", PYTHONUNBUFFERED="1")
    start = time.monotonic()
    with (
        open(base / "stdin.bin", "rb") as fin,
        open(out_path, "wb") as fout,
        open(err_path, "wb") as ferr,
    ):
        proc = subprocess.Popen(
            command,
            stdin=fin,
            stdout=fout,
            stderr=ferr,
            cwd=base,
            env=env,
            start_new_session=True,
        )
    # the caps from outside (no preexec_fn: runs may start from several threads); the
    # interpreter takes a while to start, long before the input is read
    with contextlib.suppress(OSError):
        resource.prlimit(proc.pid, resource.RLIMIT_AS, (as_limit, as_limit))
        resource.prlimit(proc.pid, resource.RLIMIT_CORE, (0, 0))
    threads = [
        threading.Thread(target=c.during, args=(folder / c.name,), daemon=True)
        for c in cases
        if c.during
    ]
    for t in threads:
        t.start()
    cap = timeout + slack * max(len(cases) - 1, 0)
    watched = [err_path, db, Path(f"{db}-wal")]
    seen, moved = None, start
    pid, status, usage, hang = 0, None, None, ""
    try:
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            now = time.monotonic()
            state = [
                (p.stat().st_size, p.stat().st_mtime_ns) if p.exists() else None for p in watched
            ]
            if state != seen:
                seen, moved = state, now
            if now - start > cap:
                hang = f"hang: no end in {cap:.0f} s"
            elif len(cases) > 1 and now - moved > timeout:
                hang = f"hang: nothing new on stderr or in the database for {timeout:.0f} s"
            if hang:
                break
            time.sleep(0.1)
    finally:
        if not pid:  # (a hang, or this process interrupted): the run and its children go
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
            _, status, usage = os.wait4(proc.pid, 0)
    timed_out = bool(hang)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - start
    for t in threads:
        t.join(timeout=30)
    stderr = err_path.read_bytes().decode("utf-8", "replace")
    rss = usage.ru_maxrss * 1024
    failures = []
    code = None if timed_out else proc.returncode
    if timed_out:
        failures.append(hang)
    elif code is not None and code < 0:
        failures.append(f"crash: killed by signal {-code}: {error_line(stderr)}")
    if "MemoryError" in stderr or "bad_alloc" in stderr:
        failures.append(
            f"memory: out of address space ({as_limit / 2**30:.0f} GiB cap): {error_line(stderr)}"
        )
    elif "Traceback" in stderr or "Fatal Python error" in stderr:
        failures.append(f"traceback: {error_line(stderr)}")
    if rss > rss_limit:
        failures.append(f"memory: peak RSS {rss / 2**20:.0f} MiB over {rss_limit / 2**20:.0f}")
    refused = code == 1 and _refused(stderr, [c.refusal for c in cases if c.refusal])
    if code is not None and code > 0 and "Traceback" not in stderr and not refused:
        failures.append(f"exit: status {code}: {error_line(stderr)}")
    failures += _check_db(db, folder, refused=refused)
    return Outcome([c.name for c in cases], seconds, rss, code, stderr, failures, command, base)


def _refused(stderr: str, refusals: list[str]) -> bool:
    """Whether the run stopped with one of ``refusals`` as its only error line."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error:")]
    return len(errors) == 1 and any(errors[0].startswith(r) for r in refusals)


def _check_db(db: Path, folder: Path, *, refused: bool = False) -> list[str]:
    """The database is whole and holds both good articles (none, when the run was
    refused: then nothing may be stored)."""
    missing, broken = list(GOOD), []
    if db.exists():
        try:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
            try:
                check = conn.execute("PRAGMA quick_check").fetchone()[0]
                if check != "ok":
                    broken.append(f"database: quick_check says {check}")
                missing = [
                    g
                    for g in GOOD
                    if not conn.execute(
                        "SELECT count(*) FROM articles WHERE path = ?", (str(folder / g),)
                    ).fetchone()[0]
                ]
            finally:
                conn.close()
        except sqlite3.Error as err:
            broken.append(f"database: {err}")
    if refused:
        if len(missing) < len(GOOD):
            broken.append("refused, yet articles were stored")
    elif missing:
        broken.append(f"lost: good article(s) not stored: {', '.join(missing)}")
    return broken


def cleanup(outcome: Outcome) -> None:
    """Remove a run's folder, however deep, locked or linked its insides."""
    if outcome.folder is not None and outcome.folder.exists():
        remove_tree(outcome.folder)


def remove_tree(path: Path) -> None:
    """``rm -rf path`` without recursion and without full paths (cases nest folders beyond
    PATH_MAX and lock them): one directory descriptor at a time, climbing back by ``..``."""
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
    os.chmod(path, stat.S_IRWXU)
    fd = os.open(path, flags)
    names: list[str] = []
    try:
        while True:
            sub = None
            with os.scandir(fd) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        sub = entry.name
                        break
                    os.unlink(entry.name, dir_fd=fd)
            if sub is not None:
                os.chmod(sub, stat.S_IRWXU, dir_fd=fd)
                new = os.open(sub, flags, dir_fd=fd)
                os.close(fd)
                fd = new
                names.append(sub)
                continue
            if not names:
                break
            parent = os.open("..", flags & ~os.O_NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = parent
            os.rmdir(names.pop(), dir_fd=fd)
    finally:
        os.close(fd)
    os.rmdir(path)


@dataclass
class Isolated:
    """What :func:`isolate` found in a failed batch."""

    alone: list[Outcome] = field(default_factory=list)  # single-case runs that failed
    together: list[Outcome] = field(default_factory=list)  # failed groups whose parts passed
    untried: list[str] = field(default_factory=list)  # not run for want of runs
    runs: int = 0


def isolate(
    cases: list[Case],
    workdir: Path,
    *,
    failed: Outcome | None = None,
    timeout: float,
    slack: float = 3.0,
    alone_below: int = 4,
    max_runs: int = 40,
    on_run: Callable[[Outcome], None] | None = None,
    **kw,
) -> Isolated:
    """The cases of a failed batch (``failed``: its run) that fail by themselves: halves
    run again until a group is ``alone_below`` cases or fewer, then each case alone (each run
    with the limits of :func:`run`). A part that passes but takes longer than ``timeout`` is
    split further too: one of its cases may be too slow alone, hidden by the longer limit
    of a run of several."""
    out = Isolated()
    groups = [failed] if failed is not None and not failed.ok else []  # failed runs of many
    stack: list[list[Case]] = [cases]
    while stack:
        group = stack.pop()
        if len(group) <= alone_below:
            for case in group:
                if out.runs >= max_runs:
                    out.untried.append(case.name)
                    continue
                out.runs += 1
                outcome = run([case], workdir, timeout=timeout, slack=slack, **kw)
                if on_run:
                    on_run(outcome)
                if outcome.ok:
                    cleanup(outcome)
                else:
                    out.alone.append(outcome)
            continue
        half = len(group) // 2
        for part in (group[half:], group[:half]):
            if out.runs >= max_runs:
                out.untried += [c.name for c in part]
                continue
            out.runs += 1
            outcome = run(part, workdir, timeout=timeout, slack=slack, **kw)
            if on_run:
                on_run(outcome)
            if outcome.ok:
                cleanup(outcome)
            else:
                groups.append(outcome)
            if not outcome.ok or outcome.seconds > timeout:
                stack.append(part)
    # failed runs with no case failing alone and no smaller failed run inside
    named = {o.names[0] for o in out.alone} | set(out.untried)
    out.together = [
        o
        for o in groups
        if not set(o.names) & named and not any(set(p.names) < set(o.names) for p in groups)
    ]
    return out
