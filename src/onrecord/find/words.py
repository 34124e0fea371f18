"""The word lists the statement finder reads, from one data file: ``data/words.toml``.

Vocabularies (cue verbs by speech act, words of blame and praise, venue nouns, page labels,
...) are data that a maintainer reads and edits, not code, so they live together in one file,
a table per module that uses them, each list with a comment saying what it is for. Each
module takes its lists from here once, at import, under its usual names
(``phrases.SPEECH_VERBS``, ``context.VENUE_NOUNS``). Regular expressions, spaCy's label sets
and punctuation stay in the code.

The file is read through :mod:`importlib.resources`, so it is found in an installed wheel
too. Every word is matched against a lowercased word or lemma: a word that is not lower case,
or not one word, is refused when the file is loaded rather than never matching.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any


@cache
def _tables() -> dict[str, Any]:
    """``data/words.toml``, parsed (once)."""
    path = resources.files("onrecord") / "data" / "words.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _words(where: str, value: Any) -> tuple[str, ...]:
    """``value`` as words, or an error saying ``where`` it is not a list of words."""
    if not isinstance(value, list):
        raise TypeError(f"words.toml: {where} is not a list of words")
    for word in value:
        if not isinstance(word, str) or word != word.lower() or word.split() != [word]:
            raise ValueError(f"words.toml: {where}: {word!r} is not one lowercase word")
    return tuple(value)


def word_set(module: str, name: str) -> frozenset[str]:
    """The list ``name`` of table ``[module]`` as a set."""
    return frozenset(_words(f"[{module}] {name}", _tables()[module][name]))


def word_table(module: str, name: str) -> dict[str, Any]:
    """The table ``[module.name]`` as a dict in the file's order: lists of words as tuples,
    other values (numbers) as they are."""
    table = _tables()[module][name]
    if not isinstance(table, dict):
        raise TypeError(f"words.toml: [{module}.{name}] is not a table")
    _words(f"the keys of [{module}.{name}]", list(table))  # words too
    return {
        key: _words(f"[{module}.{name}] {key}", value) if isinstance(value, list) else value
        for key, value in table.items()
    }


@cache
def given_names() -> dict[str, str]:
    """Given names and the pronoun each takes ("bill": "he", "aparna": "she"), from
    ``data/given_names.tsv`` (drawn from nomquamgender by ``scripts/given_names.py``; names
    that go to either gender are not in it)."""
    path = resources.files("onrecord") / "data" / "given_names.tsv"
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, pronoun = line.split("\t")
            out[name] = pronoun
    return out
