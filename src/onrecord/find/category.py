"""What category a statement is: somebody's ``speech``, a report of somebody's mind
(``belief``), what a poll, a study, data or a record shows (``finding``), or ``other``: an
act, a stance or a topic reported without the words ("backed Clinton", "is presenting a new
work", "explained why he backs Trump"); one of :data:`onrecord.model.CATEGORIES`.

Read off the cue and the source's words alone:

- a source that is a poll, a study, data, figures, images or a record (its head noun) makes
  a finding, whatever its cue ("a Pew survey said", "Poll: …", "according to census data");
- "found", "discovered" and "estimated" make a finding unless a person found it ("Pew found that",
  "economists found"; "the senator found it unfair" is speech);
- a cue of the mind ("thinks", "believes", "hopes", "fears", "wants", "knows", "expects")
  makes a belief;
- "seems", "appears" with no source and a passive "is expected" (nobody's words) make a
  finding;
- a quote, "according to" a person, an organisation or a document, and a cue of saying
  (said, told, wrote, praised, a statement, an interview) are speech, with what the
  content's shape allows: a question is speech with a cue of asking ("asked whether"), an
  infinitive with a cue of appeal or promise ("urged Congress to act", "vowed to fight");
- anything else is ``other``: a verb of acting or of stance ("backed", "endorsed",
  "highlights", "agreed to lend"), a question that names a topic ("explained why ..."), a
  phrase that is what was spoken about ("spoke about her ties to …", "asked about the
  bomb") or that a passive cue reports ("The issue was first reported by …").
  Annotators of attribution count many of them (PolNeAR does), so they are kept, apart
  from what a reader looks for as somebody's words.

The shape of a content (:func:`shape`) is read off its parse: a quote, a clause, a
question, an infinitive or a phrase. A row stored before shapes were read has none, and its
category is read as before them (any cue of neither mind nor finding is speech).

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
SPEECH_CUES = word_set("category", "speech_cues")
CLAUSE_SPEECH_CUES = word_set("category", "clause_speech_cues")
ASKING_CUES = word_set("category", "asking_cues")
APPEAL_CUES = word_set("category", "appeal_cues")
WITHHELD_CUES = word_set("category", "withheld_cues")
EVIDENCE_CUES = word_set("category", "evidence_cues")
# the nouns of people and bodies ([speakers]): a source so named can speak
ANIMATE_NOUNS = (
    word_set("speakers", "person_nouns")
    | word_set("speakers", "people_nouns")
    | word_set("speakers", "org_nouns")
)
# a share of people ("64 percent of voters", "About four in 10"): its words, as the speaker
# resolver reads them (data/words.toml, [speakers])
SHARE_WORDS = word_set("speakers", "share_words")
SHARE_LEADS = word_set("speakers", "share_leads")
SHAPES = ("quote", "clause", "question", "infinitive", "phrase", "word", "headline", "adverbial")
# the cue lemmas a category is read from (a cue word's own form is tried for them)
_KNOWN_CUES = (
    BELIEF_CUES | UNSOURCED_FINDING_CUES | DISCOVERY_CUES | SPEECH_CUES | CLAUSE_SPEECH_CUES
)


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
    cue_lemma: str | None,
    cue_text: str | None,
    mention: str | None,
    kind: str | None = None,
    content: str | None = None,
) -> str:
    """The category of a statement with this cue (lemma and words) and source mention, whose
    speaker is of ``kind`` (one of :data:`onrecord.model.SPEAKER_KINDS`, where known) and
    whose content has this shape (one of :data:`SHAPES`; None: not known)."""
    lemma = (cue_lemma or "").lower()
    cue_words = _words(cue_text)
    if lemma not in _KNOWN_CUES:
        # the lemma of a cue word's own form where the tagger's is none of them
        lemma = next((b for w in cue_words for b in sorted(_bases(w)) if b in _KNOWN_CUES), lemma)
    source = _words(mention)
    # "was first reported", "have been mentioned" ("is demanding" is no passive; "has been
    # accused of exaggerating" reports a charge, by somebody unnamed)
    passive = bool(_PASSIVE & set(cue_words)) and not cue_words[-1].endswith(("ing", "of", "for"))
    head = _head(source) in FINDING_SOURCES  # a source that shows: "a Gallup poll", "new data"
    if _withheld(cue_words):
        return "other"  # "declined to say whether", "stopped short of calling", "would have
        # described": words not said
    if _poll_share(mention):
        return "finding"  # "Another 19 percent said", "Four in 10 voters say": a poll's result
    if lemma == "according" or cue_words[:2] == ["according", "to"]:
        return "finding" if head else "speech"
    if lemma == "expect" and not source and _PASSIVE & set(cue_words):
        return "finding"  # "is expected to": nobody's words
    if lemma in DISCOVERY_CUES and kind != "person":
        return "finding"  # "Pew found that …", "the inquiry discovered …" (a person who
        # "found" it unfair said so)
    if head:
        return "finding"  # "a Pew survey said …", "Poll: …": what a poll or a study gives
    if lemma in EVIDENCE_CUES and kind != "person" and _thing(mention):
        return "finding"  # "the truck story suggests", "other WikiLeaks emails suggest"
    if lemma in BELIEF_CUES:
        return "belief"
    if lemma in UNSOURCED_FINDING_CUES and not source:
        return "finding"  # "it seems that …"
    if content == "phrase" and (_topic(lemma, cue_words) or passive):
        return "other"  # a topic ("spoke about her ties to black churches", "asked about
        # Trump's declaration"), or what was reported of it ("The issue was first reported")
    return "speech" if _speech(lemma, content) else "other"


def _withheld(cue_words: list[str]) -> bool:
    """Whether a cue reports words not said: withheld ("declined to say", "refused to call",
    "stopped short of calling") or imagined ("would have described", "might have said")."""
    if cue_words and any(b in WITHHELD_CUES for b in _bases(cue_words[0])):
        return True
    pairs = set(zip(cue_words, cue_words[1:], strict=False))
    return ("short", "of") in pairs or any(
        (modal, "have") in pairs for modal in ("would", "could", "might")
    )


def _thing(mention: str | None) -> bool:
    """Whether a source is a thing: its head noun is in lower case and no noun of people or
    bodies ("the truck story", "other WikiLeaks emails"; not "Trump", "experts", "he")."""
    words = re.findall(r"[\w'’-]+", mention or "")
    head = _head([w.lower() for w in words])
    if head is None:
        return False
    raw = next(w for w in words if w.lower() == head)
    forms = {head, head[:-1] if head.endswith("s") else head, re.sub(r"(ies|es)$", "", head)}
    forms |= {re.sub(r"ies$", "y", head)}  # ("experts", "aides", "allies": people)
    return raw.islower() and not forms & (ANIMATE_NOUNS | _PRONOUNS)


# pronouns and words of people or places that speak, besides the nouns of [speakers]
_PRONOUNS = frozenset(
    "i we you he she they it who which that this these those one many some others both "
    "all each everyone anyone someone nobody men women man woman family families public "
    "crowd audience city state country nation government".split()
)


def _poll_share(mention: str | None) -> bool:
    """Whether a source is a share of the people a poll asked: a percentage or a fraction at
    its start ("Another 19 percent", "64% of voters", "About four in 10", "Half of
    Democrats"), not a count of people ("two senators")."""
    text = (mention or "").lower()
    words = [w for w in re.findall(r"[\w%-]+", text) if w not in SHARE_LEADS | {"another"}]
    if not words:
        return False
    if words[0] in SHARE_WORDS or words[0].endswith("%") or "percent" in words[:3]:
        return True
    return bool(re.match(r"(\w+) (in|of) (10|ten)\b", " ".join(words[:3])))


def _topic(lemma: str, cue_words: list[str]) -> bool:
    """Whether a cue introduces what was spoken of, not what was said: "spoke about", "asked
    about", "commented on", "spoke of" (not "accused of", which gives the charge)."""
    last = cue_words[-1:]
    return last in (["about"], ["on"]) or (last == ["of"] and lemma in ("speak", "talk"))


def _speech(lemma: str, content: str | None) -> bool:
    """Whether a cue of this lemma with a content of this shape reports words."""
    if content in (None, "quote"):
        return True
    if content in ("headline", "word", "adverbial"):
        return False  # a title line; one word ("criticized Clinton", "told the group"); a
        # clause of time or concession ("said before he died"): not what was said
    if content == "question":
        return lemma in ASKING_CUES
    if content == "infinitive":
        return lemma in APPEAL_CUES
    if content == "clause":
        return lemma in SPEECH_CUES or lemma in CLAUSE_SPEECH_CUES
    return lemma in SPEECH_CUES  # a phrase: "praised the plan"; "backed Clinton" is other


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


# a content of this many words or fewer and no verb names a topic, not what was said: of
# such indirect contents in the three precision sets, 4 of 39 were somebody's statement
STUB_WORDS = 3
_QUESTION_WORDS = frozenset("how why what whether if when where who whom".split())
# words that open a clause of time, cause or concession: a content that starts with one is
# the circumstance of what was said, not what was said ("Garner said … before he died",
# "Though that transition was relatively seamless")
_ADVERBIAL_WORDS = frozenset(
    "before after while since until because although though unless".split()
)
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})


def shape(tokens, quoted: bool) -> str:
    """The shape of a content from its tokens (spaCy's, punctuation included): ``quote``
    (``quoted``: the statement quotes words), ``headline`` (three or more words of four
    letters or more, nearly all capitalised: a title line, not a report), ``question`` ("how
    ...", "whether ..."), ``clause`` (a verb with a subject at its top: "that taxes will
    rise"), ``infinitive`` ("to act", "Congress to act"), ``word`` (one word, or up to
    :data:`STUB_WORDS` with no verb: "Clinton", "the rule", "climate change"),
    ``adverbial`` (a clause of time, cause or concession: "before he died") or ``phrase``
    (none of these: "her proposals to benefit small businesses").

    The top of a content is its tokens whose head lies outside it (or is themselves): a
    relative clause or an infinitive inside a noun phrase does not make a clause."""
    words = [t for t in tokens if t.is_alpha]
    if quoted:
        return "quote"
    if len(words) < 2:
        return "word"
    long = [t for t in words if len(t) >= 4]
    if len(long) >= 3 and sum(t.text[0].isupper() for t in long) >= 0.8 * len(long):
        return "headline"
    if words[0].lower_ in _QUESTION_WORDS:
        return "question"
    inside = {t.i for t in tokens}
    top = [t for t in tokens if t.head.i not in inside or t.head.i == t.i]
    first = words[0]
    if first.lower_ in _ADVERBIAL_WORDS and first.dep_ == "mark":
        if all(t.i == first.head.i or t.is_punct for t in top):
            return "adverbial"  # (not "Though it was seamless, the next one would be …")
    if len(words) <= STUB_WORDS and not any(t.pos_ in ("VERB", "AUX") for t in words):
        return "word"  # "noted the rule", "barely mentioned climate change": a topic named
    verbs = [t for t in top if t.pos_ in ("VERB", "AUX")]
    if any(_SUBJECTS & {c.dep_ for c in t.children} for t in verbs):
        return "clause"
    if any(t.tag_ == "VB" and any(c.tag_ == "TO" for c in t.children) for t in verbs):
        return "infinitive"
    return "phrase"
