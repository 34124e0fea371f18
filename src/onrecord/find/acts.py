"""What kind of speech act a statement is, from its cue and content words alone (one of
:data:`onrecord.model.SPEECH_ACTS`).

A speech act is read off the cue: "warned" makes a warning, "denied" a denial, "urged" an
appeal. A few cues change meaning with their content: "asked" is a question when the content
is one ("asked whether ...", ends with "?") and an appeal otherwise ("asked Congress to ...");
"called" is an appeal with "for"/"on". Cues that say no more than "said" leave it to the
content: words of blame or praise, "should"/"must", a question. Cues that report no assertion
("refused", "discussed", "seemed") make "other".

Plain Python on strings: no parse needed, so that a migration can fill the speech act of
rows stored before it was recorded.
"""

from __future__ import annotations

import re

from .words import word_set, word_table

# The word lists are in data/words.toml, [acts]: cue lemmas that make the speech act by
# themselves, by act; cues that report no assertion; words of blame, of wrongdoing, of praise,
# and negations.
_LEXICON: dict[str, tuple[str, ...]] = word_table("acts", "lexicon")
ACT_OF_LEMMA: dict[str, str] = {lemma: act for act, lemmas in _LEXICON.items() for lemma in lemmas}
_NOT_ASSERTIONS = word_set("acts", "not_assertions")
_NEGATIVE = word_set("acts", "negative")
_WRONGDOING = word_set("acts", "wrongdoing")
_POSITIVE = word_set("acts", "positive")
_NEGATION = word_set("acts", "negation")

_QUESTION_START = re.compile(r"^\W*(whether|if|why|how|what|when|where|who|which)\b", re.I)
_APPEAL = re.compile(
    r"\b(should|must|ought to|need to|needs to|have to|has to|let's|let us|urge|call on)\b", re.I
)
_RISK = re.compile(r"\b(could|might|may|risk|risks|danger|threaten|threatens|would)\b", re.I)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+(?:-[a-z]+)?|n't", text.lower())


def speech_act(cue_lemma: str | None, content: str, cue_text: str | None = None) -> str:
    """The speech act of a statement with this cue and content (one of
    :data:`onrecord.model.SPEECH_ACTS`).

    The cue decides when it says more than "said" ("warned", "denied", "urged"). Otherwise
    the content does: a question; words of blame (a criticism, or an accusation when they
    name a wrongdoing; a warning when they come with "could"/"might"); an appeal ("should",
    "must", "need to"); words of praise with no blame or negation; else a claim.
    """
    lemma = (cue_lemma or "").lower()
    stripped = content.strip().rstrip("\"'”’ ,.")
    asks = stripped.endswith("?") or bool(_QUESTION_START.match(content))
    if lemma == "ask":  # ("asked about the merger": a question too)
        about = re.search(r"\babout\b", f"{cue_text or ''} {content[:6]}".lower())
        return "question" if asks or about else "appeal"
    if lemma == "call" and cue_text and re.search(r"\b(for|on|upon)\b", cue_text.lower()):
        return "appeal"
    if lemma in ACT_OF_LEMMA:
        return ACT_OF_LEMMA[lemma]
    if lemma in _NOT_ASSERTIONS:
        return "other"
    if asks:
        return "question"
    words = _words(content)
    negative = [w for w in words if w in _NEGATIVE or w in _WRONGDOING]
    if any(w in _WRONGDOING for w in words):
        return "accuse"
    if negative:
        return "warn" if _RISK.search(content) and len(negative) == 1 else "criticize"
    if _APPEAL.search(content):
        return "appeal"
    if any(w in _POSITIVE for w in words) and not any(w in _NEGATION for w in words):
        return "praise"
    return "claim"
