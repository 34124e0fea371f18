"""The entities table kept up to date with the stored speaker names, at the cost of what
changed: the rules of who is who are :mod:`.identity`'s; this module applies them.

Every stored name (speaker name and kind) has a row in ``speaker_names`` (its number of
statements and its entity), kept by triggers as statements are stored and deleted, which
also mark it ``dirty``. The rules link names only through shared keys (:func:`keys`: a
surname, an organisation's folded name, an acronym's initials, the text of a name, an alias
rule), filed in ``name_keys``. So an update regroups only the names that share a key, over
as many steps as it takes, with a dirty one: the same groups :func:`identity.group_names`
gives over every name, for the cost of the names an ingest touched.

:func:`rebuild` regroups every name (an alias change, ``onrecord rebuild``); :func:`update`
the dirty ones (after an ingest). Either keeps the ids of existing entities where it can
(the most quoted one of a merged group), names each entity by its most used full name (or
the first name of the user's alias rule), records every name as an alias, re-points the
statements of the names that moved, and reads the titles of the entities it touched.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass

from .identity import (
    SMALL_WORDS,
    Aliases,
    PersonName,
    canonical,
    entity_kind,
    group_names,
    load_aliases,
    org_key,
    ruled_name,
)

# a title is shown where it was seen in this many of a person's articles and this share of
# their titled mentions: one misreading ("President" of a candidate, in one article's
# hypothetical) is not a title; a speaker seen titled in few articles shows all they have
TITLE_ARTICLES = 2
TITLE_SHARE = 0.05
FEW_TITLED = 10


@dataclass
class Rebuilt:
    """What :func:`rebuild` or :func:`update` did: how many entities there are, and the
    names (name, kind) whose statements moved to another entity (their clusters may no
    longer hold)."""

    entities: int
    moved: list[tuple[str, str]]


def keys(name: str, kind: str, aliases: Aliases) -> set[str]:
    """The keys through which the rules of :mod:`.identity` may link this name to another:
    two names in one entity share one, step by step."""
    out = {"t\x1f" + name.casefold()}  # a body read as a person of the same name
    parsed = PersonName.parse(name)
    out.add(f"p\x1f{parsed.surname}\x1f{parsed.suffix}")  # a surname (of a person, or of a
    # body's name that is a person's)
    if kind != "person":
        out.add(f"o\x1f{kind}\x1f{org_key(name)}")
        words = name.split()
        if 2 <= len(words) <= 6:
            initials = "".join(w[0] for w in org_key(name).split() if w not in SMALL_WORDS)
            out.add(f"a\x1f{initials}")
        out.add(f"a\x1f{org_key(name).replace('.', '')}")  # (an acronym's own letters)
    for n, rule in enumerate(aliases.merge + [list(pair) for pair in aliases.apart]):
        if any(name.casefold() == r.casefold() for r in rule):
            out.add(f"r\x1f{n}")
    return out


def rebuild(conn: sqlite3.Connection, *, commit: bool = True) -> Rebuilt:
    """Regroup every stored speaker name into entities (after an alias change, or on
    request). One transaction (``commit=False``: inside the caller's, as a migration does).
    The result depends on the stored names alone, not on the order they were stored in."""
    with conn if commit else nullcontext():
        aliases = load_aliases(conn)
        conn.execute("DELETE FROM name_keys")
        names = [tuple(r) for r in conn.execute("SELECT name, kind FROM speaker_names")]
        _file_keys(conn, names, aliases)
        return _regroup(conn, set(names), aliases, every=True)


def update(conn: sqlite3.Connection, *, commit: bool = True) -> Rebuilt:
    """Regroup the names whose statements changed since the last update, with every name
    that shares a key with them: what :func:`rebuild` would give, at the cost of those."""
    with conn if commit else nullcontext():
        aliases = load_aliases(conn)
        dirty = [tuple(r) for r in conn.execute("SELECT name, kind FROM speaker_names WHERE dirty")]
        if not dirty:
            return Rebuilt(_count(conn), [])
        _file_keys(conn, dirty, aliases)
        return _regroup(conn, _closure(conn, dirty, aliases), aliases, every=False)


def _count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COUNT(*) FROM entities").fetchone()[0]


def _file_keys(conn: sqlite3.Connection, names: Iterable[tuple], aliases: Aliases) -> None:
    conn.executemany(
        "INSERT OR IGNORE INTO name_keys(key, name, kind) VALUES (?, ?, ?)",
        [(k, name, kind) for name, kind in names for k in keys(name, kind, aliases)],
    )


def _closure(conn: sqlite3.Connection, start: list[tuple], aliases: Aliases) -> set[tuple]:
    """The names that share a key with ``start``, and with those, until no more come."""
    seen, todo = set(start), list(start)
    done_keys: set[str] = set()
    while todo:
        fresh = {k for name, kind in todo for k in keys(name, kind, aliases)} - done_keys
        done_keys |= fresh
        todo = []
        for key in fresh:
            for name, kind in conn.execute(
                "SELECT name, kind FROM name_keys WHERE key = ?", (key,)
            ).fetchall():
                if (name, kind) not in seen:
                    seen.add((name, kind))
                    todo.append((name, kind))
    return seen


def _regroup(conn: sqlite3.Connection, names: set[tuple], aliases: Aliases, every: bool) -> Rebuilt:
    """Group ``names`` (every name that can share an entity with any of them) and store the
    groups: entities reused or made, named, their statements re-pointed, their titles read."""
    conn.execute("DELETE FROM speaker_names WHERE statements <= 0")  # (articles replaced)
    rows = []
    for part in _chunks(sorted(names)):
        where = " OR ".join("(name = ? AND kind = ?)" for _ in part)
        rows += conn.execute(
            f"SELECT name, kind, statements, entity_id FROM speaker_names WHERE {where}",
            [v for item in part for v in item],
        ).fetchall()
    counts = Counter({(n, k): c for n, k, c, _ in rows if c > 0})
    entity_of = {(n, k): e for n, k, _, e in rows}
    size: Counter = Counter()
    for item, eid in entity_of.items():
        if eid is not None:
            size[eid] += counts[item]
    moved: list[tuple[str, str]] = []
    used: set[int] = set()
    final: dict[int, tuple[str, str]] = {}
    for group in group_names(counts, aliases):
        kind = entity_kind(group, counts)
        named = Counter()
        for n, k in group:
            named[n] += counts[(n, k)]
        reuse = [entity_of[i] for i in group if entity_of.get(i) is not None]
        reuse = [e for e in reuse if e not in used]
        if reuse:
            eid = max(reuse, key=lambda e: (size[e], -e))
        else:  # a placeholder name: real names are set once no two can clash
            eid = conn.execute(
                "INSERT INTO entities(name, kind) VALUES (?, ?)", (f"\0{group[0]}", kind)
            ).lastrowid
        used.add(eid)
        final[eid] = (ruled_name(named, aliases) or canonical(named), kind)
        conn.execute(
            "UPDATE entities SET name = ?, aliases = ? WHERE id = ?",
            (
                f"\0{eid}",
                json.dumps(sorted(named, key=lambda n: (-named[n], n)), ensure_ascii=False),
                eid,
            ),
        )
        for item in group:
            if entity_of.get(item) != eid:
                conn.execute(
                    "UPDATE statements SET entity_id = ? "
                    "WHERE speaker_name = ? AND speaker_kind = ?",
                    (eid, *item),
                )
                conn.execute(
                    "UPDATE speaker_names SET entity_id = ? WHERE name = ? AND kind = ?",
                    (eid, *item),
                )
                moved.append(item)
    if every:  # (entities of names no statement has any more, too)
        conn.execute(
            f"DELETE FROM entities WHERE id NOT IN ({','.join('?' * len(used)) or 'NULL'})",
            sorted(used),
        )
    else:
        gone = sorted(set(size) - used)
        for part in _chunks(gone):
            conn.execute(f"DELETE FROM entities WHERE id IN ({','.join('?' * len(part))})", part)
    _name(conn, final)
    conn.execute("UPDATE speaker_names SET dirty = 0 WHERE dirty")
    _titles(conn, None if every else sorted(used))
    return Rebuilt(_count(conn), moved)


def _name(conn: sqlite3.Connection, final: dict[int, tuple[str, str]]) -> None:
    """Give the entities their names: two entities of one name and kind (kept apart by a
    rule) are told apart by a number, "(2)", against the other entities too."""
    taken: Counter = Counter()
    out = {}
    for eid, (name, kind) in sorted(final.items()):
        taken[(name, kind)] += 1
        label = name if taken[(name, kind)] == 1 else f"{name} ({taken[(name, kind)]})"
        while (
            conn.execute(
                "SELECT 1 FROM entities WHERE name = ? AND kind = ? AND id != ?", (label, kind, eid)
            ).fetchone()
            or (label, kind) in out.values()
        ):
            taken[(name, kind)] += 1
            label = f"{name} ({taken[(name, kind)]})"
        out[eid] = (label, kind)
    conn.executemany(
        "UPDATE entities SET name = ?, kind = ? WHERE id = ?",
        [(name, kind, eid) for eid, (name, kind) in out.items()],
    )


def _titles(conn: sqlite3.Connection, entities: list[int] | None) -> None:
    """The titles of these entities (None: of every one), with the first and last dates
    they were seen, read off ``title_counts`` (each name's titles, kept by triggers as
    articles are stored): one title whatever its case ("Former Secretary of State" =
    "former Secretary of State", written as most articles write it), the most seen first,
    the rare ones left out (see :data:`TITLE_ARTICLES`). The cost is that of the entities'
    names and their titles, not of their statements."""
    if entities is not None and not entities:
        return
    seen: dict[int, dict[str, dict]] = defaultdict(dict)
    for part in [None] if entities is None else _chunks(entities):
        within = "" if part is None else f"AND entity_id IN ({','.join('?' * len(part))})"
        rows = conn.execute(
            f"""SELECT n.entity_id, t.title, t.first, t.last, t.articles
                FROM (SELECT DISTINCT entity_id, name FROM speaker_names
                      WHERE entity_id IS NOT NULL {within}) n
                JOIN title_counts t ON t.name = n.name AND t.articles > 0
                ORDER BY n.entity_id, t.articles DESC, t.title""",
            part or [],
        )
        for eid, title, first, last, n in rows:
            same = seen[eid].setdefault(title.casefold(), {"title": title, "articles": 0})
            same["articles"] += n  # (the first row of a folded title is its most written)
            same["first"] = min(filter(None, (same.get("first"), first)), default=None)
            same["last"] = max(filter(None, (same.get("last"), last)), default=None)
    if entities is None:
        conn.execute("UPDATE entities SET titles = '[]'")
    else:
        for part in _chunks(entities):
            marks = ",".join("?" * len(part))
            conn.execute(f"UPDATE entities SET titles = '[]' WHERE id IN ({marks})", part)
    conn.executemany(
        "UPDATE entities SET titles = ? WHERE id = ?",
        [(json.dumps(_shown(found)), eid) for eid, found in seen.items()],
    )


def _shown(found: dict[str, dict]) -> list[dict]:
    total = sum(t["articles"] for t in found.values())
    return [
        {k: t.get(k) for k in ("title", "first", "last", "articles")}
        for t in sorted(found.values(), key=lambda t: (-t["articles"], t["title"]))
        if total <= FEW_TITLED
        or (t["articles"] >= TITLE_ARTICLES and t["articles"] >= TITLE_SHARE * total)
    ]


def _chunks(items: list, size: int = 400) -> list[list]:
    return [items[start : start + size] for start in range(0, len(items), size)]
