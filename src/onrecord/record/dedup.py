"""One statement reported by many articles becomes one cluster.

Two stored statements are the same statement when

- they come from different articles,
- their speakers are the same entity, or both are unresolved (an unresolved speaker never
  joins a named one: a chain through it would make one cluster of two people's words),
- neither was said, by its text, after the other's article was published (the same words
  said again on a later day are another statement),
- the shorter content says something: :data:`MIN_SHINGLES` word 3-grams or more (six words;
  "Trump", "which" or "the deal" said by many are no one statement), and for two unresolved
  speakers, or an act or a stance (category ``other``: "backed Clinton" is nobody's words),
  :data:`MIN_PASSAGE_SHINGLES` (a shared passage, as a reprint has, not a shared phrase), and
- the word 3-grams of the shorter content (case, accents and punctuation folded) lie at least
  :data:`CONTAINMENT` within the longer one's: verbatim copies, copies with small changes of
  wording or punctuation, and fragments of a longer report all pass; paraphrases of different
  statements by the same speaker share few 3-grams and stay apart.

Two articles of which :data:`REPRINT_PAIRS` statements pass are one text printed twice (a
reprint, an update of a live story): between them, the shorter statements of one speaker
(:data:`REPRINT_SHINGLES` 3-grams) are one statement too.

Clusters join by complete linkage: a pair of reports passes the rule, and every report of
one shares :data:`LINKAGE` of its words with every report of the other. Two fragments of
one long quote (two sentences of a press release) are each within it, but share few words:
they stay two statements. Copies edited each their own way share most words: one cluster.

Finding the pairs must not compare every statement with every other, nor cost more as the
record grows. Each statement gets a MinHash signature (datasketch, :data:`NUM_PERM`
permutations, kept in ``minhashes``), cut into :data:`BANDS` bands of :data:`ROWS` values
(MinHash LSH, with a low Jaccard threshold so that fragments are found too); each band is
hashed to a key filed in ``lsh_bands``, an indexed table. The statements that share a key
with a new one are its candidates, checked against the rule above: adding statements costs
their own signatures, keys and candidates, whatever the size of the record. Statements wait
for this in ``unsigned`` (filled as they are stored, and by :func:`dissolve`).

``statements.cluster_id`` holds the id of the cluster's earliest report (by publication date,
then by order of ingest), so a cluster keeps its id as long as no earlier report arrives.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import unicodedata
from collections import Counter, defaultdict
from typing import NamedTuple

import numpy as np
from datasketch import MinHash
from datasketch.lsh import _optimal_param

NUM_PERM = 64
SEED = 7
SCHEME = "affine32"  # 32-bit hash values: 256 bytes a signature
LSH_THRESHOLD = 0.2
# the bands of the LSH index, as datasketch's MinHashLSH chooses them for the threshold
BANDS, ROWS = _optimal_param(LSH_THRESHOLD, NUM_PERM, 0.5, 0.5)
CONTAINMENT = 0.6
SHINGLE = 3
MIN_SHINGLES = 4
# two statements with no resolved speaker, or of an act or a stance (category other):
# nothing but their words says they are one, so they must share a passage (a reprinted
# paragraph), not a phrase ("the former secretary of state", "the North American Free
# Trade Agreement")
MIN_PASSAGE_SHINGLES = 10
# two articles with this many statements that pass are one text printed twice, whose
# statements of this many 3-grams (four words) are one another's reports
REPRINT_PAIRS = 3
# statements :func:`update` signs and clusters in one transaction (about 250 articles' worth)
UPDATE_BATCH = 5000
REPRINT_SHINGLES = 2
# clusters join where every report of one shares this share of the shorter one's words with
# every report of the other (see _linked)
LINKAGE = 0.5
# the reports of a cluster that stand for it in that check: its first and its longest others
LINKED_REPORTS = 12
# the candidates of one cluster a new statement is checked against: those that share the
# most band keys with it
CANDIDATES_PER_CLUSTER = 3
# the statements read from one LSH bucket for a new statement (the latest filed)
BUCKET_READ = 64


# combining marks (the accents NFKD splits off Latin, Greek and Cyrillic letters), one pass
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Lower-case words with accents and punctuation removed."""
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return _WORD.findall(text.lower())


def shingles(text: str) -> set[str]:
    """The word 3-grams of ``text`` (its words, when it has fewer than three)."""
    w = words(text)
    if len(w) < SHINGLE:
        return {" ".join(w)} if w else set()
    return {" ".join(w[i : i + SHINGLE]) for i in range(len(w) - SHINGLE + 1)}


def signatures(texts: list[str]) -> list[bytes]:
    """MinHash signatures of ``texts``, as bytes for storage."""
    sets = [[s.encode() for s in shingles(t)] or [b""] for t in texts]
    hashes = MinHash.bulk(sets, num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    return [m.hashvalues.astype(np.uint32).tobytes() for m in hashes]


def same(a: str, b: str) -> bool:
    """Is the shorter text (nearly) contained in the longer, by word 3-grams?"""
    return _contained(shingles(a), shingles(b))


def _contained(sa: set[str], sb: set[str], least: int = MIN_SHINGLES) -> bool:
    small, large = (sa, sb) if len(sa) <= len(sb) else (sb, sa)
    if len(small) < least:
        return False  # too few words to be one statement reported twice
    return len(small & large) / len(small) >= CONTAINMENT


def update(conn: sqlite3.Connection) -> int:
    """Sign the statements that wait for it (:func:`pending`: new ones, and those a dissolved
    cluster gave back), file their band keys, and cluster them with the stored statements
    that share a key: the cost is that of the new statements and their candidates, whatever
    the size of the record.

    They are taken in the order they were stored, :data:`UPDATE_BATCH` at a time, each batch
    in one transaction, as consecutive ingests would: the memory it takes is a batch's,
    whatever an ingest stored (clustering all 84,202 statements of 4,000 articles again,
    ``onrecord rebuild``: peak 764 MB at once, 480 MB in batches, 52 s and 70 s).
    Returns how many statements joined a cluster of more than one report.
    """
    joined = 0
    while True:
        with conn:
            new = conn.execute(
                """SELECT s.rowid, s.id, s.content_text FROM unsigned u
                   JOIN statements s ON s.id = u.statement_id ORDER BY s.rowid LIMIT ?""",
                (UPDATE_BATCH,),
            ).fetchall()
            if not new:
                conn.execute("DELETE FROM unsigned")  # (rows of statements deleted since)
                return joined
            conn.executemany("DELETE FROM unsigned WHERE statement_id = ?", [(r[1],) for r in new])
            joined += _sign_and_merge(conn, new)


def _sign_and_merge(conn: sqlite3.Connection, new: list[tuple]) -> int:
    """:func:`update`'s work on one batch of statements (rowid, id, content)."""
    pairs: set[tuple[str, str]] = set()
    for start in range(0, len(new), 2000):
        part = new[start : start + 2000]
        sigs = signatures([r[2] for r in part])
        conn.executemany(
            "INSERT OR REPLACE INTO minhashes(statement_id, signature) VALUES (?, ?)",
            zip((r[1] for r in part), sigs, strict=True),
        )
        keys = {
            row[0]: band_keys(sig)
            for row, sig in zip(part, sigs, strict=True)
            if len(shingles(row[2])) >= REPRINT_SHINGLES  # (fewer never pass: not filed)
        }
        conn.executemany(
            "INSERT OR IGNORE INTO lsh_bands(key, sid) VALUES (?, ?)",
            [(k, sid) for sid, ks in keys.items() for k in ks],
        )
        pairs |= _candidates(conn, keys)
    return _merge(conn, pairs)


def band_keys(signature: bytes) -> list[int]:
    """The LSH band keys of a signature: :data:`BANDS` bands of :data:`ROWS` hash values,
    each band's values and number hashed to one signed 64-bit integer (an SQLite INTEGER)."""
    values = np.frombuffer(signature, dtype=np.uint32)
    out = []
    for band in range(BANDS):
        data = bytes([band]) + values[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(data, digest_size=8).digest()
        out.append(int.from_bytes(digest, "little", signed=True))
    return out


def _candidates(conn: sqlite3.Connection, keys: dict[int, list[int]]) -> set[tuple[str, str]]:
    """The pairs (statement ids, in order) of each new statement (by rowid, with its band
    keys) and the statements filed under its keys (the latest :data:`BUCKET_READ` of a key)
    that could join it: of its speaker entity, and of each of their clusters the
    :data:`CANDIDATES_PER_CLUSTER` that share the most keys with it (a statement reported by
    a hundred outlets is not checked a hundred times). A key may point at a statement
    deleted since (its rows are left): the join with the statements drops it."""
    by_key: dict[int, list[int]] = {}
    for key in sorted({k for ks in keys.values() for k in ks}):
        # a bucket grows with the reports of one statement: its latest stand for it
        by_key[key] = [
            sid
            for (sid,) in conn.execute(
                "SELECT sid FROM lsh_bands WHERE key = ? ORDER BY sid DESC LIMIT ?",
                (key, BUCKET_READ),
            )
        ]
    near = {sid: Counter(o for k in ks for o in by_key[k] if o != sid) for sid, ks in keys.items()}
    rowids = sorted(set(near) | {o for others in near.values() for o in others})
    rows: dict[int, tuple] = {}
    for part in _chunks(rowids):
        for rowid, *row in conn.execute(
            f"""SELECT rowid, id, entity_id, cluster_id FROM statements
                WHERE rowid IN ({",".join("?" * len(part))})""",
            part,
        ):
            rows[rowid] = tuple(row)
    pairs = set()
    for sid, others in near.items():
        if sid not in rows:
            continue
        me, entity, _ = rows[sid]
        per_cluster: Counter = Counter()
        for o, _shared in sorted(others.items(), key=lambda x: (-x[1], x[0])):
            if o not in rows or rows[o][1] != entity:
                continue  # (another speaker's statement never joins)
            per_cluster[rows[o][2]] += 1
            if per_cluster[rows[o][2]] <= CANDIDATES_PER_CLUSTER:
                pairs.add(tuple(sorted((me, rows[o][0]))))
    return pairs


def dissolve(conn: sqlite3.Connection, clusters: list[str]) -> None:
    """Every report of these clusters becomes a cluster of its own again, unsigned, so that
    :func:`update` clusters them anew with what is stored (inside the caller's transaction)."""
    for start in range(0, len(clusters), 500):
        part = clusters[start : start + 500]
        marks = ",".join("?" * len(part))
        conn.execute(
            f"""INSERT OR IGNORE INTO unsigned(statement_id)
                SELECT id FROM statements WHERE cluster_id IN ({marks})""",
            part,
        )
        conn.execute(
            f"""UPDATE statements SET cluster_id = id, cluster_first = 1
                WHERE cluster_id IN ({marks})""",
            part,
        )


def regroup(conn: sqlite3.Connection, names: list[tuple[str, str]]) -> None:
    """The statements of these speaker names (name, kind) changed entity: the clusters that
    hold any of them are dissolved, so that :func:`update` checks their reports again
    under the new identities (a cluster of one speaker may now be of two, and statements
    kept apart as two speakers' may now be one's). Inside the caller's transaction."""
    clusters: set[str] = set()
    for name, kind in names:
        clusters.update(
            row[0]
            for row in conn.execute(
                "SELECT cluster_id FROM statements WHERE speaker_name = ? AND speaker_kind = ?",
                (name, kind),
            )
        )
    dissolve(conn, sorted(clusters))


def _merge(conn: sqlite3.Connection, pairs: set[tuple[str, str]]) -> int:
    """Check candidate pairs, and join the clusters of those that pass, where every report of
    one cluster passes with every report of the other (complete linkage: two fragments of one
    long quote, each within it, are two statements, not one)."""
    if not pairs:
        return 0
    ids = sorted({i for pair in pairs for i in pair})
    info: dict[str, tuple] = {}
    clusters = set()
    for part in _chunks(ids):
        clusters.update(
            row[0]
            for row in conn.execute(
                f"SELECT cluster_id FROM statements WHERE id IN ({','.join('?' * len(part))})",
                part,
            )
        )
    members: dict[str, list[str]] = defaultdict(list)
    columns = """s.id, s.article_id, s.entity_id, s.content_text, s.cluster_id, s.category,
                 a.published, CASE WHEN s.said_on_from = 'text' THEN substr(s.said_on, 1, 10) END"""
    source = "FROM statements s JOIN articles a ON a.id = s.article_id"
    for part in _chunks(sorted(clusters)):
        # a cluster's first report and its longest others stand for it (a statement reported
        # by a hundred outlets is not read a hundred times for each new report)
        marks = ",".join("?" * len(part))
        rows = conn.execute(
            f"""SELECT * FROM (SELECT {columns}, ROW_NUMBER() OVER (PARTITION BY s.cluster_id
                    ORDER BY s.cluster_first DESC, length(s.content_text) DESC, s.id) AS n
                    {source} WHERE s.cluster_id IN ({marks})) WHERE n <= {LINKED_REPORTS}""",
            part,
        ).fetchall()
        _keep(info, members, [row[:-1] for row in rows])
    for part in _chunks([i for i in ids if i not in info]):
        rows = conn.execute(
            f"SELECT {columns} {source} WHERE s.id IN ({','.join('?' * len(part))})", part
        ).fetchall()
        _keep(info, members, rows)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    # two articles of which several statements pass are one text printed twice (a reprint,
    # an update of a live story): their shorter statements are reports of each other too
    strict = {pair for pair in pairs if _same(info[pair[0]], info[pair[1]])}
    passing = Counter(frozenset((info[a].article, info[b].article)) for a, b in strict)
    reprints = {articles for articles, n in passing.items() if n >= REPRINT_PAIRS}

    joined = 0
    for a, b in sorted(pairs):
        ra, rb = find(info[a].cluster), find(info[b].cluster)
        x, y = info[a], info[b]
        if ra == rb:
            continue
        if (a, b) not in strict and not (
            frozenset((x.article, y.article)) in reprints and _same(x, y, reprint=True)
        ):
            continue
        if all(_linked(info[m], info[n]) for m in members[ra] for n in members[rb]):
            parent[ra] = rb
            members[rb] += members.pop(ra)
            joined += 1
    groups: dict[str, set[str]] = defaultdict(set)
    for cluster in clusters:
        groups[find(cluster)].add(cluster)
    for together in groups.values():
        if len(together) > 1:
            _relabel(conn, sorted(together))
    return joined


class _Report(NamedTuple):
    """What decides whether two stored statements are one statement reported twice."""

    article: str
    entity: int | None
    grams: set[str]
    words: set[str]
    cluster: str
    category: str | None
    published: str | None  # the article's date
    said_on: str | None  # the day the text says it was said, where it says so


def _same(x: _Report, y: _Report, reprint: bool = False) -> bool:
    """Whether two reports can be one statement: see the module's docstring. In two copies
    of one text (``reprint``) a few words of one speaker are enough."""
    if x.article == y.article or x.entity != y.entity:
        return False  # one article's statements are not reports of each other; nor are two
        # speakers' (None, unresolved, joins only None)
    for a, b in ((x, y), (y, x)):
        if a.said_on and b.published and a.said_on > b.published[:10]:
            return False  # said after the other report was published: another occasion
    # an act or a stance ("backed Clinton", "supported NAFTA") is nobody's words, and an
    # unresolved speaker is nobody known: only a shared passage (a reprint) makes them one
    if reprint:
        return _contained(x.grams, y.grams, least=REPRINT_SHINGLES)
    loose = x.entity is None or "other" in (x.category, y.category)
    return _contained(x.grams, y.grams, least=MIN_PASSAGE_SHINGLES if loose else MIN_SHINGLES)


def _linked(x: _Report, y: _Report) -> bool:
    """Whether two reports of clusters about to join say the same thing at all: most of the
    shorter one's words are the other's (reports of one statement, each edited its own way,
    pass; two sentences of one long quote, joined only through it, do not)."""
    small, large = sorted((x.words, y.words), key=len)
    return bool(small) and len(small & large) >= LINKAGE * len(small)


def _keep(info: dict, members: dict, rows: list) -> None:
    for row in rows:
        info[row[0]] = _Report(
            row[1], row[2], shingles(row[3]), set(words(row[3])), row[4], *row[5:]
        )
        members[row[4]].append(row[0])


def _chunks(items: list, size: int = 500) -> list[list]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def _relabel(conn: sqlite3.Connection, clusters: list[str]) -> None:
    """Give every member of these clusters the id of the earliest report among them."""
    marks = ",".join("?" * len(clusters))
    first = conn.execute(
        f"""SELECT s.id FROM statements s JOIN articles a ON a.id = s.article_id
            WHERE s.cluster_id IN ({marks})
            ORDER BY a.published IS NULL, a.published, s.rowid LIMIT 1""",
        clusters,
    ).fetchone()[0]
    conn.execute(
        f"""UPDATE statements SET cluster_id = ?, cluster_first = (id = ?)
            WHERE cluster_id IN ({marks})""",
        [first, first, *clusters],
    )
