"""What category a statement is: somebody's ``speech``, a report of somebody's mind
(``belief``), or what a poll, a study, data or a record shows (``finding``); one of
:data:`onrecord.model.CATEGORIES`.

Read off the cue and the source's words alone:

- a cue of the mind ("thinks", "believes", "hopes", "fears", "wants", "knows", "expects")
  makes a belief;
- a cue of showing ("showed", "found", "suggested", "indicated", "revealed", "estimated")
  makes a finding when the source is a poll, a study, data, figures, images or a record, and
  so does "according to" such a source; a person who "suggested" something said it;
- "seems", "appears" and a passive "is expected" (nobody's words) make a finding;
- anything else is speech: said, told, wrote, a statement, an interview, "according to" a
  person, an organisation or a document.

Plain Python on strings, as :mod:`onrecord.find.acts`: a migration can fill the category of
rows stored before it was recorded.
"""

from __future__ import annotations

import re

from .words import word_set

# data/words.toml, [category]
BELIEF_CUES = word_set("category", "belief_cues")
FINDING_CUES = word_set("category", "finding_cues")
UNSOURCED_FINDING_CUES = word_set("category", "unsourced_finding_cues")
FINDING_SOURCES = word_set("category", "finding_sources")


_PASSIVE = frozenset({"is", "are", "was", "were", "be", "been", "being"})


def _words(text: str | None) -> list[str]:
    return re.findall(r"[a-z]+", (text or "").lower())


def _bases(word: str) -> set[str]:
    """The forms an inflected verb may come from ("hopes": hope; "believed": believe;
    "worrying": worry), for a lemma the tagger got wrong ("hopes" read as a form of "hop")."""
    out = {word}
    for ending, back in (
        ("s", ""),
        ("es", ""),
        ("ies", "y"),
        ("d", ""),
        ("ed", ""),
        ("ied", "y"),
        ("ing", ""),
        ("ing", "e"),
    ):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            out.add(word[: -len(ending)] + back)
    return out


def category(cue_lemma: str | None, cue_text: str | None, mention: str | None) -> str:
    """The category of a statement with this cue (lemma and words) and source mention."""
    lemma = (cue_lemma or "").lower()
    cue_words = _words(cue_text)
    if lemma not in BELIEF_CUES | FINDING_CUES | UNSOURCED_FINDING_CUES:
        # the lemma of a cue word's own form where the tagger's is none of them
        known = BELIEF_CUES | FINDING_CUES | UNSOURCED_FINDING_CUES
        lemma = next((b for w in cue_words for b in sorted(_bases(w)) if b in known), lemma)
    source = _words(mention)
    # a word of the source that shows rather than says ("a Gallup poll", "new census data")
    head = next((w for w in reversed(source) if w in FINDING_SOURCES), None)
    if lemma == "according" or cue_words[:2] == ["according", "to"]:
        return "finding" if head else "speech"
    if lemma == "expect" and not source and _PASSIVE & set(cue_words):
        return "finding"  # "is expected to": nobody's words
    if lemma in BELIEF_CUES:
        return "belief"
    if lemma in UNSOURCED_FINDING_CUES and (head or not source):
        return "finding"
    if lemma in FINDING_CUES and head:
        return "finding"
    return "speech"
