"""The context of a statement: what kind of speech act it is.

A speech act is read off the cue: "warned" makes a warning, "denied" a denial, "urged" an
appeal. A few cues change meaning with their content: "asked" is a question when the content
is one ("asked whether ...", ends with "?") and an appeal otherwise ("asked Congress to ...");
"called" is an appeal with "for"/"on" and a criticism when it labels someone ("called him a
liar" is kept as a claim: labels are too varied to judge). Cues with no entry make a "claim"
when they report an assertion ("said", "according to") and "other" when they do not.
"""

from __future__ import annotations

import re

SPEECH_ACTS = (
    "claim",
    "criticize",
    "accuse",
    "threaten",
    "deny",
    "appeal",
    "promise",
    "acknowledge",
    "praise",
    "question",
    "warn",
    "other",
)

_LEXICON: dict[str, tuple[str, ...]] = {
    "criticize": (
        "criticize criticise slam blast condemn denounce decry lambast assail rebuke deride "
        "mock savage chide bemoan lament complain rail lash scoff revile attack berate fault "
        "ridicule disparage castigate excoriate"
    ).split(),
    "accuse": "accuse blame allege charge".split(),
    "threaten": "threaten".split(),
    "deny": "deny reject dismiss refute rebut dispute disavow repudiate rebuff refuse".split(),
    "appeal": (
        "urge appeal demand plead implore beg press order recommend propose "
        "request exhort encourage invite"
    ).split(),
    "promise": "promise pledge vow guarantee assure commit swear".split(),
    "acknowledge": "acknowledge admit concede confirm recognize recognise grant".split(),
    "praise": (
        "praise hail applaud commend laud welcome congratulate thank credit tout endorse celebrate"
    ).split(),
    "question": "question wonder doubt query ask".split(),
    "warn": "warn caution alert predict forecast fear".split(),
}
ACT_OF_LEMMA: dict[str, str] = {lemma: act for act, lemmas in _LEXICON.items() for lemma in lemmas}

# Cues that report something other than an assertion, when no entry above applies.
_NOT_ASSERTIONS = frozenset("show seem expect hope want plan wish feel".split())
_QUESTION_START = re.compile(r"^\W*(whether|if|why|how|what|when|where|who|which)\b", re.I)


def speech_act(cue_lemma: str | None, content: str, cue_text: str | None = None) -> str:
    """The speech act of a statement with this cue and content (one of :data:`SPEECH_ACTS`)."""
    lemma = (cue_lemma or "").lower()
    stripped = content.strip().rstrip("\"'”’ ")
    asks = stripped.endswith("?") or bool(_QUESTION_START.match(content))
    if lemma == "ask":
        return "question" if asks else "appeal"
    if lemma == "call" and cue_text and re.search(r"\b(for|on|upon)\b", cue_text.lower()):
        return "appeal"
    if lemma in ACT_OF_LEMMA:
        return ACT_OF_LEMMA[lemma]
    if asks:
        return "question"
    if lemma in _NOT_ASSERTIONS:
        return "other"
    return "claim"
