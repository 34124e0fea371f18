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
    "warn": "warn caution alert fear".split(),
}
ACT_OF_LEMMA: dict[str, str] = {lemma: act for act, lemmas in _LEXICON.items() for lemma in lemmas}

# Cues that report something other than an assertion, when no entry above applies.
# Cues that report no assertion: refusals, topics, performances, impressions.
_NOT_ASSERTIONS = frozenset(
    "seem appear hope want wish feel refuse decline talk discuss sing recite echo unveil "
    "joke".split()
)
_QUESTION_START = re.compile(r"^\W*(whether|if|why|how|what|when|where|who|which)\b", re.I)
# Words of blame and disapproval: with a neutral cue ("said", "called", "described") they
# make the statement a criticism, or an accusation when they name a wrongdoing.
_NEGATIVE = frozenset(
    """
    bad worse worst wrong terrible horrible awful disgusting disgrace disgraceful shameful
    shame pathetic ridiculous absurd outrageous unacceptable intolerable unbearable
    irresponsible reckless dangerous dishonest incompetent unfit unqualified weak failed
    failure fail failing mistake mistakes disaster disastrous catastrophe catastrophic
    crap nonsense stupid dumb idiot liar lies lying hypocrite hypocritical bully bigot racist
    sexist corrupt rigged unfair unjust insult insulting offensive desperate amoral
    narcissist pathological dismiss ignore ignored attack attacks attacking abuse blame
    scandal damaging damage destroy destroyed destructive chaos mess broken crisis threat
    unbelievable sad pitiful lousy lame nasty vicious cruel evil illegal illegitimate
    """.split()
)
_WRONGDOING = frozenset(
    """
    lied lie cheat cheated cheating steal stole stolen fraud fraudulent crime crimes criminal
    bribe bribes bribery rape raped rapist murder murdered abuse abused abusing corrupt
    corruption collude collusion conspiracy conspired launder laundering violate violated
    violation violating illegally illegal cover-up covered rigged
    """.split()
)
_POSITIVE = frozenset(
    """
    great greatest excellent outstanding wonderful terrific fantastic brilliant smart
    visionary admirable admiration admire impressive remarkable extraordinary courageous
    brave hero heroes heroic honest decent fair strong leader winner best amazing
    """.split()
)
_APPEAL = re.compile(
    r"\b(should|must|ought to|need to|needs to|have to|has to|let's|let us|urge|call on)\b", re.I
)
_RISK = re.compile(r"\b(could|might|may|risk|risks|danger|threaten|threatens|would)\b", re.I)
_NEGATION = frozenset("not no never n't nothing nobody".split())


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
