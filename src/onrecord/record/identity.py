"""One identity per speaker across articles.

Within an article, :mod:`onrecord.find.speakers` already turns "he" and "the Kremlin leader" into
the article's fullest name ("Vladimir Putin", or only "Putin" when the article never gives
more). Across articles the same person still appears under several names; this module decides
which stored names are one entity:

- People: names with the same surname (accents, case and the transliteration endings
  -yy/-iy/-ij folded: Zelensky = Zelenskyy = Zelenskiy) and the same suffix ("Jr." apart from
  no suffix) are one person when their first given names agree ("Vladimir Putin" = "Vladimir
  Vladimirovich Putin") or one is the other's initial ("J. Biden"), or a word is glued
  before the given name ("CLEVELAND Donald Trump", "Crooked Hillary Clinton"). A bare
  surname ("Putin") joins the one person of that surname; when several people share it, the one with
  :data:`DOMINANT` of their statements or more ("Obama": Barack Obama, where Michelle Obama
  is quoted a little), else it stays apart rather than guess ("Clinton" where Bill is
  quoted often beside Hillary).
- Organisations and groups: names equal once case, dots and a leading "the" are dropped
  ("U.S." = "US"); an organisation's acronym ("AP") joins the proper name it most likely
  stands for (:data:`DOMINANT` of the statements of the names with its initials), else
  stays apart.
- A name some articles read as an organisation or a group and others as a person ("Trump",
  "Sanders") is the person's, where it is a surname of a person named in full; an entity
  with a person's name in it is a person.
- A user's alias rules, kept in the database, come last: ``A = B = C`` merges, and ``A``
  names the entity; ``A != B`` keeps apart.

:mod:`.entities` applies all this to what is stored.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..find.speakers import NAME_SUFFIXES, TITLE_WORDS


def fold(word: str) -> str:
    """Lower case, no accents, no dots or apostrophes."""
    word = unicodedata.normalize("NFKD", word)
    word = "".join(c for c in word if not unicodedata.combining(c))
    return re.sub(r"[^\w-]", "", word.lower())


def _surname_key(word: str) -> str:
    return re.sub(r"(yy|iy|ij|yi)$", "y", fold(word))


@dataclass(frozen=True)
class PersonName:
    """A person's name split into given names, surname key and suffix."""

    given: tuple[str, ...]
    surname: str
    suffix: str

    @classmethod
    def parse(cls, text: str) -> PersonName:
        words = [w for w in re.split(r"[\s,]+", text) if fold(w)]
        # titles before the name: "Russian President Vladimir Putin" -> "Vladimir Putin"
        while len(words) > 1 and (
            fold(words[0]) in TITLE_WORDS or (len(words) > 2 and fold(words[1]) in TITLE_WORDS)
        ):
            words.pop(0)
        suffix = ""
        if len(words) > 1 and fold(words[-1]) in NAME_SUFFIXES:  # (folded: no dots)
            suffix = fold(words.pop())
        surname = _surname_key(words[-1]) if words else ""
        return cls(tuple(fold(w) for w in words[:-1]), surname, suffix)

    def agrees(self, other: PersonName) -> bool:
        """Same first given name, or one is the other's initial; or one name's given names
        hold the other's one given name after a word of their own (a dateline or an
        epithet glued on: "CLEVELAND Donald Trump", "Crooked Hillary Clinton")."""
        a, b = self.given[0], other.given[0]
        if a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b)):
            return True
        return (len(other.given) == 1 and b in self.given[1:]) or (
            len(self.given) == 1 and a in other.given[1:]
        )


def org_key(text: str) -> str:
    """The folded words an organisation's or group's name is compared by: no leading "the"
    or honorific, and no possessive before a common noun ("Mrs. Clinton’s campaign" is
    "Clinton campaign"; "McDonald's Corp." keeps its name)."""
    raw = text.split()
    raw = [
        re.sub(r"['\u2019]s$", "", w) if i + 1 < len(raw) and raw[i + 1][:1].islower() else w
        for i, w in enumerate(raw)
    ]
    words = [fold(w) for w in raw]
    while words and words[0] in ("the", "mr", "mrs", "ms", "dr"):  # "Mrs. Clinton's campaign"
        words = words[1:]
    return " ".join(w for w in words if w)


@dataclass
class Aliases:
    """User rules: groups of names to merge, pairs of names to keep apart."""

    merge: list[list[str]] = field(default_factory=list)
    apart: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str) -> Aliases:
        """One rule a line: ``A = B = C`` or ``A != B``; ``#`` starts a comment."""
        rules = cls()
        for n, raw in enumerate(text.splitlines(), 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if "!=" in line:
                parts = [p.strip() for p in line.split("!=")]
                if len(parts) != 2 or not all(parts):
                    raise ValueError(f"line {n}: 'A != B' keeps two names apart: {raw!r}")
                rules.apart.append((parts[0], parts[1]))
            elif "=" in line:
                parts = [p.strip() for p in line.split("=")]
                if len(parts) < 2 or not all(parts):
                    raise ValueError(f"line {n}: 'A = B [= C ...]' merges names: {raw!r}")
                rules.merge.append(parts)
            else:
                raise ValueError(f"line {n}: expected 'A = B' or 'A != B': {raw!r}")
        return rules

    def text(self) -> str:
        lines = [" = ".join(group) for group in self.merge]
        lines += [f"{a} != {b}" for a, b in self.apart]
        return "\n".join(lines) + ("\n" if lines else "")


class _Groups:
    """Union-find over (name, kind) pairs."""

    def __init__(self, items: Iterable[tuple[str, str]]) -> None:
        self.parent = {item: item for item in items}

    def find(self, item):
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a, b) -> None:
        self.parent[self.find(a)] = self.find(b)

    def groups(self) -> list[list[tuple[str, str]]]:
        out = defaultdict(list)
        for item in self.parent:
            out[self.find(item)].append(item)
        return list(out.values())


# a bare surname shared by several people goes to the one with this share of their
# statements or more ("Obama" to Barack Obama in a record that quotes Michelle Obama a little)
DOMINANT = 0.8


def group_names(names: Iterable[tuple[str, str]], aliases: Aliases | None = None) -> list[list]:
    """Partition (name, kind) pairs into entities (see the module docstring for the rules);
    ``names`` may be a Counter of statements per name, which decides bare surnames."""
    counts = names if isinstance(names, Counter) else Counter()
    names = sorted(set(names))
    groups = _Groups(names)
    people = defaultdict(list)
    for name, kind in names:
        if kind == "person":
            parsed = PersonName.parse(name)
            people[(parsed.surname, parsed.suffix)].append(((name, kind), parsed))
    # a name some articles read as an organisation and others as a person ("Trump",
    # "Kasich": the same words stored as a person too) is that person's name: the evidence
    # of every mention decides, and a company merely named like someone ("Ford") stays apart
    person_texts = {name.casefold() for name, kind in names if kind == "person"}
    for name, kind in names:
        if kind in ("organisation", "group") and name.casefold() in person_texts:
            parsed = PersonName.parse(name)
            key = (parsed.surname, parsed.suffix)
            if parsed.given or any(p.given for _, p in people.get(key, ())):
                people[key].append(((name, kind), parsed))  # (not "Reuters", no one's surname)
    for members in people.values():
        full = [(item, p) for item, p in members if p.given]
        for i, (a, pa) in enumerate(full):
            for b, pb in full[i + 1 :]:
                if pa.agrees(pb):
                    groups.union(a, b)
        roots = {groups.find(item) for item, _ in full}
        weight = Counter()
        for item, _ in full:
            weight[groups.find(item)] += counts[item]
        top = weight.most_common(1)[0] if weight else None
        owner = (
            next(iter(roots))
            if len(roots) == 1
            else top[0]
            if top and top[1] > 0 and top[1] >= DOMINANT * sum(weight.values())
            else None
        )
        for item, p in members:
            if not p.given and owner is not None:
                groups.union(item, owner)
            elif not p.given and not roots:
                for other, q in members:  # bare surnames of one person: one entity
                    if not q.given:
                        groups.union(item, other)
    by_key = defaultdict(list)
    for name, kind in names:
        if kind != "person":
            by_key[(kind, org_key(name))].append((name, kind))
    for members in by_key.values():
        for other in members[1:]:
            groups.union(members[0], other)
    _short_names(groups, by_key, counts)
    if aliases:
        _apply(groups, names, aliases)
    return groups.groups()


SMALL_WORDS = frozenset({"of", "the", "and", "for", "on", "in", "at", "&"})


def _short_names(groups: _Groups, by_key: dict, counts: Counter) -> None:
    """An organisation's acronym ("AP", "NRA", "IMF") joins the name it stands for: a
    proper name of two to six words, each capitalised but the small ones ("Associated
    Press", "National Rifle Association"), where one such name holds :data:`DOMINANT` of
    the statements of all those with the acronym's initials, else it stays apart."""
    full: dict[str, Counter] = defaultdict(Counter)  # initials -> full names (statements)
    for (kind, key), members in by_key.items():
        name = members[0][0]
        words = name.split()
        if kind != "organisation" or not 2 <= len(words) <= 6:
            continue
        if not all(w[:1].isupper() for w in words if w.lower() not in SMALL_WORDS):
            continue  # a description ("the government in Beijing"), not a name
        initials = "".join(w[0] for w in key.split() if w not in SMALL_WORDS)
        full[initials][members[0]] += sum(counts[m] for m in members) or 1
    for (kind, key), members in by_key.items():
        name = members[0][0].replace(".", "")
        if kind != "organisation" or not (name.isupper() and 2 <= len(name) <= 6):
            continue
        options = full.get(key.replace(".", ""), Counter())
        top = options.most_common(1)
        if top and top[0][1] >= DOMINANT * sum(options.values()):
            groups.union(members[0], top[0][0])


def _apply(groups: _Groups, names: list[tuple[str, str]], aliases: Aliases) -> None:
    by_text = defaultdict(list)
    for item in names:
        by_text[item[0].casefold()].append(item)
    for rule in aliases.merge:
        items = [item for text in rule for item in by_text.get(text.casefold(), [])]
        for other in items[1:]:
            groups.union(items[0], other)
    for a, b in aliases.apart:
        for item in by_text.get(b.casefold(), []):
            if any(groups.find(item) == groups.find(x) for x in by_text.get(a.casefold(), [])):
                _detach(groups, item, by_text.get(a.casefold(), []))


def _detach(groups: _Groups, item, keep_with: list) -> None:
    """Take ``item`` out of its group, into a group of its own."""
    root = groups.find(item)
    members = [m for m in groups.parent if groups.find(m) == root]
    for m in members:
        groups.parent[m] = m
    stay = [m for m in members if m != item]
    for m in stay[1:]:
        groups.parent[m] = stay[0]


def canonical(names: Counter) -> str:
    """The name to show for a group: its most used full name (two words or more, when there
    is one); on a tie the shorter ("Vladimir Putin" before "Vladimir Vladimirovich Putin")."""
    longest = max(len(n.split()) for n in names)
    full = [n for n in names if len(n.split()) >= min(longest, 2)]
    return max(full, key=lambda n: (names[n], -len(n), n))


def entity_kind(group: list[tuple[str, str]], counts: Counter) -> str:
    """The kind of an entity: a person if any of its names is one (a merge never makes a
    person an organisation: "Donald Trump = Trump" where "Trump" was mostly read as a
    body), else its names' most used kind."""
    if any(k == "person" for _, k in group):
        return "person"
    return Counter({k: counts[(n, k)] for n, k in group}).most_common(1)[0][0]


def ruled_name(names: Counter, aliases: Aliases | None) -> str | None:
    """The first name of the user's alias rule that holds this entity's names, as stored
    ("Carly Fiorina = Fiorina": Carly Fiorina), if one does."""
    if not aliases:
        return None
    stored = {n.casefold(): n for n in names}
    return next((stored[r[0].casefold()] for r in aliases.merge if r[0].casefold() in stored), None)


def load_aliases(conn: sqlite3.Connection) -> Aliases:
    row = conn.execute("SELECT value FROM settings WHERE key = 'aliases'").fetchone()
    return Aliases.parse(row[0]) if row else Aliases()


def save_aliases(conn: sqlite3.Connection, path: Path) -> Aliases:
    """Read an alias file (its errors name the line) and keep its rules in the database."""
    aliases = Aliases.parse(path.read_text(encoding="utf-8"))
    with conn:
        conn.execute(
            "INSERT OR REPLACE INTO settings(key, value) VALUES ('aliases', ?)", (aliases.text(),)
        )
    return aliases


@dataclass(frozen=True)
class Suggestion:
    """Two entities that are likely one: ``rule`` ("A = B") is ready for an alias file."""

    keep: str
    other: str
    why: str
    statements: tuple[int, int]

    @property
    def rule(self) -> str:
        return f"{self.keep} = {self.other}"


def suggest(conn: sqlite3.Connection) -> list[Suggestion]:
    """Entities that are likely one person or body, for a user to accept as alias rules:

    - a person's name with a word more before or after another person's name ("Ben Carson
      Defends", "Crooked Hillary Clinton": a headline's word or an epithet);
    - names equal but for case, dots or a title ("OBAMA", "Sen. Ted Cruz");
    - a bare surname kept apart because several people bear it ("Clinton"), with its most
      quoted owner.

    Most quoted first; each rule keeps the name with more statements (the full name, for a
    surname); pairs already kept apart by a rule are left out."""
    rows = conn.execute(
        """SELECT e.name, e.kind, COUNT(s.rowid) FROM entities e
           JOIN statements s ON s.entity_id = e.id GROUP BY e.id"""
    ).fetchall()
    apart = {frozenset((a.casefold(), b.casefold())) for a, b in load_aliases(conn).apart}
    people = {name: n for name, kind, n in rows if kind == "person"}
    by_words: dict[tuple[str, ...], str] = {}
    for name in people:
        by_words.setdefault(_plain(name), name)
    out: dict[frozenset, Suggestion] = {}

    def add(a: str, b: str, why: str, full_first: bool = False) -> None:
        pair = frozenset((a.casefold(), b.casefold()))
        if a == b or pair in apart or pair in out:
            return
        keep, other = (a, b) if full_first else sorted((a, b), key=lambda x: (-people[x], x))
        out[pair] = Suggestion(keep, other, why, (people[keep], people[other]))

    for name in people:
        words = _plain(name)
        if by_words.get(words, name) != name:
            add(name, by_words[words], "the same name but for case, dots or a title")
        for cut in (words[1:], words[:-1]):
            if len(cut) >= 2 and cut in by_words:
                add(name, by_words[cut], "one word more: a headline's word or an epithet")
    surnames: dict[str, list[str]] = defaultdict(list)
    for name in people:
        parsed = PersonName.parse(name)
        if parsed.given:
            surnames[parsed.surname].append(name)
    for name in people:
        parsed = PersonName.parse(name)
        if not parsed.given and surnames.get(parsed.surname):
            owner = max(surnames[parsed.surname], key=lambda x: (people[x], x))
            add(owner, name, "a bare surname; its most quoted bearer", full_first=True)
    return sorted(out.values(), key=lambda s: (-sum(s.statements), s.rule))


def _plain(name: str) -> tuple[str, ...]:
    """A name's words folded, titles left out."""
    return tuple(w for w in (fold(x) for x in name.split()) if w and w not in TITLE_WORDS)
