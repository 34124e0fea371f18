"""What category a statement is: somebody's ``speech``, a report of somebody's mind
(``belief``), or what a poll, a study, data or a record shows (``finding``); one of
:data:`onrecord.model.CATEGORIES`.

Read off the cue and the source's words alone:

- a source that is a poll, a study, data, figures, images or a record (its head noun) makes
  a finding, whatever its cue ("a Pew survey said", "Poll: …", "according to census data");
- "found" and "discovered" make a finding unless a person found it ("Pew found that",
  "economists found"; "the senator found it unfair" is speech);
- a cue of the mind ("thinks", "believes", "hopes", "fears", "wants", "knows", "expects")
  makes a belief;
- "seems", "appears" with no source and a passive "is expected" (nobody's words) make a
  finding;
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
DISCOVERY_CUES = word_set("category", "discovery_cues")
UNSOURCED_FINDING_CUES = word_set("category", "unsourced_finding_cues")
FINDING_SOURCES = word_set("category", "finding_sources")
# the cue lemmas a category is read from (a cue word's own form is tried for them)
_KNOWN_CUES = BELIEF_CUES | UNSOURCED_FINDING_CUES | DISCOVERY_CUES


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


def category(
    cue_lemma: str | None, cue_text: str | None, mention: str | None, kind: str | None = None
) -> str:
    """The category of a statement with this cue (lemma and words) and source mention, whose
    speaker is of ``kind`` (one of :data:`onrecord.model.SPEAKER_KINDS`, where known)."""
    lemma = (cue_lemma or "").lower()
    cue_words = _words(cue_text)
    if lemma not in _KNOWN_CUES:
        # the lemma of a cue word's own form where the tagger's is none of them
        lemma = next((b for w in cue_words for b in sorted(_bases(w)) if b in _KNOWN_CUES), lemma)
    source = _words(mention)
    head = _head(source) in FINDING_SOURCES  # a source that shows: "a Gallup poll", "new data"
    if lemma == "according" or cue_words[:2] == ["according", "to"]:
        return "finding" if head else "speech"
    if lemma == "expect" and not source and _PASSIVE & set(cue_words):
        return "finding"  # "is expected to": nobody's words
    if lemma in DISCOVERY_CUES and kind != "person":
        return "finding"  # "Pew found that …", "the inquiry discovered …" (a person who
        # "found" it unfair said so)
    if head:
        return "finding"  # "a Pew survey said …", "Poll: …": what a poll or a study gives
    if lemma in BELIEF_CUES:
        return "belief"
    if lemma in UNSOURCED_FINDING_CUES and not source:
        return "finding"  # "it seems that …"
    return "speech"


# words after which a source's head noun has ended: "a study by …", "the results of …"
_HEAD_ENDS = frozenset(
    "of by from for in on at with that which who released published conducted commissioned "
    "taken carried".split()
)


def _head(words: list[str]) -> str | None:
    """The head noun of a source, roughly: its last word before a preposition, a relative or
    a participle ("a study by Michael Greenstone": study)."""
    out = None
    for w in words:
        if w in _HEAD_ENDS and out is not None:
            break
        out = w
    return out
