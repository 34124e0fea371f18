"""Resolve each statement's speaker mention to a named entity within its article.

"Putin", "President Vladimir Putin", "he", "the Kremlin leader" and "Russia's president" in
one article should all become "Vladimir Putin". The resolver works on spaCy's named entities
and parse:

- **People** are clustered by name: a mention joins the cluster whose name contains all its
  name words ("Putin" joins "Vladimir Putin"); the cluster is named by its longest form.
  Titles written before a name ("Russian President", "NATO Secretary General") are kept.
- **Pronouns** (he, she) go to the person most recently mentioned as a subject in the same or
  the three previous sentences, else to the last person who spoke.
- **Descriptions** ("the Russian leader", "the alliance chief") go to the person whose titles
  share the most words with the description, ties broken by prominence and recency.
- Organisations, countries and groups keep their own names; a plural description
  ("pro-war military bloggers") is a group, an indefinite one ("a source") anonymous.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy
from spacy.attrs import DEP
from spacy.tokens import Doc, Token

from ..model import Statement
from . import budget, nlp, phrases
from .phrases import ORG_NOUNS, PEOPLE_NOUNS, PERSON_NOUNS, RELATIVE, relative_antecedent
from .words import given_names, word_set, word_table

# the word lists: data/words.toml, [speakers], with what each is for
TITLE_WORDS = word_set("speakers", "title_words")
ROLE_NOUNS = word_set("speakers", "role_nouns")
DOCUMENT_NOUNS = word_set("speakers", "document_nouns")
MAKING_VERBS = word_set("speakers", "making_verbs")
FINDING_SOURCES = word_set("category", "finding_sources")  # "polls", "results", "records"
PRESS_NOUNS = word_set("speakers", "press_nouns")
PRESS_NAME_WORDS = word_set("speakers", "press_name_words")
# words of bodies' names, never a person's surname ("General Motors", "Fannie Mae")
BODY_NAME_WORDS = word_set("speakers", "body_name_words") | PRESS_NAME_WORDS
UNNAMED_SOURCES = word_set("speakers", "unnamed_sources")
SHARE_WORDS = word_set("speakers", "share_words")
SHARE_LEADS = word_set("speakers", "share_leads")
PARTIES = word_set("speakers", "parties")
GOVERNMENT_NOUNS = word_set("speakers", "government_nouns")
ORG_LABELS = {"ORG", "GPE", "NORP", "FAC", "LOC"}
TITLE_FORMS: dict[str, tuple[str, ...]] = word_table("speakers", "title_forms")
NAME_SUFFIXES = word_set("speakers", "name_suffixes")
HONORIFICS = {"mr", "mrs", "ms", "miss", "dr"}
COLLECTIVE_NOUNS = {"family", "entourage"}  # one word for a group of people
MALE = {"he", "him", "his", "himself"}
FEMALE = {"she", "her", "hers", "herself"}
_PRONOUN = {**dict.fromkeys(MALE, "he"), **dict.fromkeys(FEMALE, "she")}


@dataclass
class Person:
    """A person mentioned in one article, with every form of the name and titles seen."""

    name: str
    words: set[str]
    titles: list[str] = field(default_factory=list)
    mentions: list[int] = field(default_factory=list)  # token indices of mention heads
    subject_mentions: list[int] = field(default_factory=list)
    # "he" or "she", where the article says ("Mr. Obama", "Mrs. Clinton", "Rep. ..., a
    # congresswoman"); None where it does not: a pronoun then goes to anyone
    pronoun: str | None = None


# what the words before or in a name say of the pronoun it takes
HE_WORDS = word_set("speakers", "he_words")
SHE_WORDS = word_set("speakers", "she_words")
# a relative named beside someone ("his wife, Michelle Obama", "her husband, Frank Fiorina"):
# another person, however many words of the name they share
KIN_WORDS = word_set("speakers", "kin_words")
ONE_PERSON_NOUNS = PERSON_NOUNS | ROLE_NOUNS  # "the president", "the senator"
PEOPLE_WORDS = ONE_PERSON_NOUNS | PEOPLE_NOUNS | KIN_WORDS  # "spokesman", "aides", "wife"


def _pronoun_of(words: list[str]) -> str | None:
    """ "he" or "she" from the honorifics and role words of a name ("Mr.", "First Lady")."""
    he = any(w in HE_WORDS for w in words)
    she = any(w in SHE_WORDS for w in words)
    return "he" if he and not she else "she" if she and not he else None


def _given_pronoun(words: list[str]) -> str | None:
    """ "he" or "she" from a full name's given name ("Bill Clinton", "Aparna Mathur"); None
    for a surname alone or a given name that goes to either."""
    return given_names().get(words[0]) if len(words) > 1 else None


def _name_words(text: str) -> list[str]:
    """The words of a name, lower case, without titles ("Sen. Angus King": angus, king)."""
    text = re.sub(r"['’]s\b", "", text)
    words = [w for w in re.findall(r"[\w.-]+", text.lower()) if w != "."]
    return [w for w, keep in zip(words, _not_titles(words), strict=True) if keep]


def _not_titles(words: list[str]) -> list[bool]:
    """Which of a name's words (lower case) are no title: a title word is a surname where it
    ends a name after a given name or an honorific ("Larry King", "Mr. King", "Martin Luther
    King Jr."), not where it comes first ("King Abdullah", "President Obama")."""
    out = []
    for k, word in enumerate(words):
        keep = word.rstrip(".") not in TITLE_WORDS
        if not keep and k:
            before = words[k - 1].rstrip(".")
            last = all(w in NAME_SUFFIXES for w in words[k + 1 :])
            keep = last and (before in HONORIFICS or before not in TITLE_WORDS)
        out.append(keep)
    return out


def _people(word: str) -> str:
    """The stem a party or people is known by: "Republican" and "GOP" are one ("repub")."""
    return "repub" if word.lower() == "gop" else _stem(word)


def _title_words(title: str) -> set[str]:
    """The words a description may share with a title: each word, its stem ("Russian" and
    "Russia's"; "GOP" and "Republican") and what its abbreviation stands for ("Sen." and
    "senator")."""
    out = set()
    for word in title.split():
        if re.search(r"['’]s$", word):
            continue  # whose office it is ("the state's campaign chairman") is not the office
        out |= {word.lower(), _people(word), *TITLE_FORMS.get(word.lower().rstrip("."), ())}
    return out


def _stem(word: str) -> str:
    """Demonyms and countries share a stem: russia/russian, ukraine/ukrainian."""
    word = re.sub(r"['’]s$", "", word.lower())
    return word[:5] if len(word) > 5 else word


# the antecedent of a "he" or "she" that stands for someone the article does not name ("a
# security guard who was at the scene told reporters …. He said …")
UNNAMED = Person(name="", words=set())
INDEFINITE = ("a", "an", "another", "one")


class ArticleSpeakers:
    """The people and organisations of one article, and the resolution of mentions to them.

    Everything a mention is resolved against (sentences, main-clause subjects, names by word,
    organisations) is indexed once per article, so that resolving a mention costs about the
    same however long the article is.
    """

    def __init__(self, doc: Doc):
        self.doc = doc
        self.people: list[Person] = []
        self.by_word: dict[str, list[Person]] = {}  # name word -> the people it names
        self.order: dict[int, int] = {}  # id(person) -> its place in self.people
        self.by_token: dict[int, Person] = {}
        self.last_speaker: Person | None = None
        self.last_speaker_at = -1  # (the token its mention is headed by)
        self.bodies_spoke: list[tuple[int, str]] = []  # the organisations that spoke, where
        self.resolved: dict[int, Person] = {}  # pronoun and description token -> person
        # the heads of unnamed speakers ("a security guard … told"), in text order
        self.unnamed_subjects: list[int] = []
        self.sent_starts = [sent.start for sent in doc.sents]
        ents = list(doc.ents)  # (each access to doc.ents builds them anew)
        surnames = {
            e[-1].lower_ for e in ents if (e.label_ == "PERSON" and len(e) > 1) or _given_named(e)
        }
        self.titled = titled = _title_lines(nlp.text_of(doc))
        people = [e for e in ents if e.label_ == "PERSON" or _surnamed(e, surnames)]
        # the names the body writes, and their surnames
        names = [_key(e) for e in people if not _in_lines(e, titled)]
        self.body = body = set(names) | {name[-1:] for name in names if name}
        for ent in people:
            if _in_lines(ent, titled):  # a headline's "Ben Carson Defends": the body's name
                ent = _body_name_in(ent, body)
            if ent is not None:
                self._add_person(ent)
            budget.check()
        # (the people and their mentions are fixed from here on)
        self.most = max(self.people, key=lambda p: len(p.mentions), default=None)
        self.orgs = [e for e in ents if e.label_ in ("ORG", "GPE")]
        # the entities of ORG_LABELS and where they start, for the entities inside a mention
        # (spaCy's Span.ents builds every entity of the doc anew at each call)
        self.org_like = [e for e in ents if e.label_ in ORG_LABELS]
        self.org_like_starts = [e.start for e in self.org_like]
        self.org_ends = [e.end for e in self.orgs]
        self._index_subjects()
        self.named_bodies = self._named_bodies()
        # the stems of the parties and peoples the article names ("repub", "russi")
        self.peoples = {_people(t.text) for t in doc if t.ent_type_ == "NORP"} | {
            _people(w) for w in PARTIES
        }
        self._pronouns_from_use()

    def _pronouns_from_use(self) -> None:
        """The pronoun of each person the article does not say by an honorific, from how it
        writes of them: a "he" or "she" that is the subject of what a named person says,
        thinks or promises is theirs ("Clinton said she would …", "Trump insisted he had
        …"). Two such clauses or more, and none the other way, decide."""
        votes: dict[int, list[int]] = {}  # id(person) -> [he, she]
        people: dict[int, Person] = {}
        for tok in self.doc:
            if tok.lower_ not in ("he", "she") or tok.dep_ != "nsubj" or tok.head.dep_ != "ccomp":
                continue
            verb = tok.head
            subject = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
            person = self.by_token.get(subject.i) if subject is not None else None
            if person is not None:
                people[id(person)] = person
                votes.setdefault(id(person), [0, 0])[tok.lower_ == "she"] += 1
        for key, (he, she) in votes.items():
            person = people[key]
            if person.pronoun is None and max(he, she) >= 2 and min(he, she) == 0:
                person.pronoun = "he" if he else "she"

    def _index_subjects(self) -> None:
        """The main-clause subjects a pronoun's antecedent is looked for among, in text order:
        those a name gives a person, and those that are he/she/him/... (per word)."""
        deps = self.doc.to_array(DEP)
        heads = nlp.head_indices(self.doc)
        strings = self.doc.vocab.strings
        subject = (deps == strings["nsubj"]) | (deps == strings["nsubjpass"])
        main = numpy.isin(deps, [strings[d] for d in ("ROOT", "conj", "parataxis")])
        self.named_subjects: list[int] = []
        self.pronoun_subjects: dict[str, list[int]] = {}
        self.subjects = numpy.flatnonzero(subject & main[heads]).tolist()
        self.any_subjects = numpy.flatnonzero(subject).tolist()  # (of any clause)
        # the people a subject is of ("The president's Pacific roots also came into play.
        # In Honolulu, he told …"; "Mr. Obama's advisers" are people of their own)
        self.owner_subjects: list[int] = []
        for i in self.subjects:
            if i in self.by_token:
                self.named_subjects.append(i)
            elif (named := self._named_beside(self.doc[i])) is not None:
                self.named_subjects.append(named)  # "His guest, the actress … Kamala Lopez,"
            owner = self._owner_of(self.doc[i])
            if owner is not None:
                self.owner_subjects.append(owner.i)
            lower = self.doc[i].lower_
            if lower in MALE or lower in FEMALE:
                self.pronoun_subjects.setdefault(lower, []).append(i)
        self.owner_subjects.sort()
        self.named_subjects.sort()

    def _named_beside(self, noun: Token) -> int | None:
        """The name an apposition gives a noun ("His guest, the actress and activist Kamala
        Lopez": Lopez's first token), if any."""
        for appos in (c for c in noun.children if c.dep_ == "appos"):
            for tok in (appos, *appos.conjuncts):
                if tok.i in self.by_token:
                    return tok.i
        return None

    def _bodies_together(self, span, head: Token) -> str | None:
        """The names of the bodies, places or peoples a mention joins by "and" ("The New York
        Times and the Gannett newspaper chain", "both Democrats and Republicans"), in
        alphabetical order as one group; None where it names one, or a person among them."""
        names = set()
        for tok in (head, *head.conjuncts):
            if not span.start <= tok.i < span.end:
                continue
            if tok.i in self.by_token:
                return None  # (people: :meth:`_together`)
            named = [tok] + [c for c in tok.lefts if c.dep_ == "compound"]
            ent = next((e for t in named if (e := self._org_like_at(t.i)) is not None), None)
            if ent is None or ent.label_ not in ("ORG", "NORP", "GPE"):
                return None
            names.add(tidy_name(_strip_det(ent.text)))
        names.discard("")
        if len(names) < 2:
            return None
        return _joined(sorted(names))

    def _body_beside(self, head: Token) -> str | None:
        """The name of an organisation in apposition to a common noun ("a ''super PAC''
        supporting Mrs. Clinton's candidacy, Priorities USA Action,"), if any."""
        if head.pos_ != "NOUN" and not _generic(head.text):
            return None
        for appos in (c for c in head.children if c.dep_ == "appos" and c.i > head.i):
            ent = self._org_like_at(appos.i)
            if ent is not None and ent.label_ == "ORG" and self.doc[ent.start - 1].text == ",":
                return tidy_name(_strip_det(ent.text)) or None  # (set off by a comma, not
        return None  # a party in brackets: "(D-Newport News)")

    def _named_last(self, span) -> Person | None:
        """The person a mention ends with, set off by a comma as an apposition ("An attorney
        for Pagliano, Mark MacDougall"), if any."""
        end = span.end
        while end > span.start and self.doc[end - 1].is_punct:
            end -= 1
        last = self.doc[end - 1]
        person = self.by_token.get(last.i)
        if person is None or last.dep_ != "appos":
            return None
        start = last.i
        while start > span.start and self.by_token.get(start - 1) is person:
            start -= 1
        return person if start > span.start and self.doc[start - 1].text == "," else None

    def _owner_of(self, subject: Token) -> Token | None:
        """The person a subject describes or belongs to: a description of one ("The former
        president said …. He added"), or a name or "the president" that is a thing's
        possessor ("The president's Pacific roots"); None for someone's own people
        ("Clinton's spokesman", "his aides")."""
        if subject.pos_ != "NOUN":
            return None
        if (
            subject.lower_ in ONE_PERSON_NOUNS
            and subject.tag_ == "NN"
            and _definite(self.doc[subject.left_edge.i : subject.i + 1])
            and not any(c.dep_ == "poss" for c in subject.children)
        ):
            return subject
        if subject.lower_ in PEOPLE_WORDS or subject.lemma_.lower() in PEOPLE_WORDS:
            return None
        poss = next((c for c in subject.children if c.dep_ == "poss"), None)
        if poss is None or poss.pos_ == "PRON":
            return None
        if poss.i in self.by_token or (
            poss.lower_ in ONE_PERSON_NOUNS
            and poss.pos_ == "NOUN"
            and _definite(self.doc[poss.left_edge.i : poss.i + 1])
        ):
            return poss
        return None

    def _add_person(self, ent) -> None:
        ent = _trim_verbs(_cut_at_break(ent))
        if ent is None or _body_name(ent):
            return
        named = ent  # (with the honorific before a surname that is a title word: "Mr. King")
        if ent.start and self.doc[ent.start - 1].lower_.rstrip(".") in HONORIFICS:
            named = self.doc[ent.start - 1 : ent.end]
        words = _name_words(named.text)
        if not words:
            return
        # the word just before the name, past a comma: "Mrs. Obama", "his wife, Michelle Obama"
        i = ent.start - 1
        while i >= 0 and self.doc[i].text in (",", "-", "—"):
            i -= 1
        before = [self.doc[i].lower_] if i >= 0 else []
        kin = [w for w in before if w in KIN_WORDS]
        pronoun = _pronoun_of(before + [t.lower_ for t in ent]) or _given_pronoun(words)
        person = self._match(set(words), pronoun)
        if kin and person is not None and person.words != set(words):
            person = None  # "his wife, Michelle Obama" is not the Obama named before
        kept = _not_titles([t.lower_ for t in named])
        name = tidy_name(
            "".join(
                t.text_with_ws
                for t, keep in zip(named, kept, strict=True)
                if keep and (not t.is_punct or _joins(t, named))
            )
        )
        if person is None:
            person = Person(name=name, words=set(words))
            self.order[id(person)] = len(self.people)
            self.people.append(person)
            self._index_words(person, person.words)
        elif len(words) > len(person.words) and set(words) >= person.words:
            self._index_words(person, set(words) - person.words)
            person.name, person.words = name, set(words)
        title = self._title_before(ent)
        if person.pronoun is None:
            person.pronoun = pronoun or _pronoun_of((title or "").lower().split())
        title = _office(title) if not _in_lines(ent, self.titled) else None  # (no headline's)
        if len(words) < 2:
            title = None  # a surname alone is too weak to say whose office it is ("President
            # Clinton" in an article about Hillary Clinton is Bill)
        for office in (title, self._title_beside(ent)):
            if office and office not in person.titles:
                person.titles.append(office)
        person.mentions.append(ent.root.i)  # (in text order: doc.ents are)
        if ent.root.dep_ in ("nsubj", "nsubjpass") or any(
            t.dep_ in ("nsubj", "nsubjpass") for t in ent
        ):
            person.subject_mentions.append(ent.root.i)
        for tok in ent:
            self.by_token[tok.i] = person

    def _index_words(self, person: Person, words: set[str]) -> None:
        """Index ``person`` under ``words`` (words of its name not indexed yet)."""
        for word in words:
            self.by_word.setdefault(word, []).append(person)

    def _match(self, words: set[str], pronoun: str | None = None) -> Person | None:
        """The person whose name holds all these words (or whose words these hold).

        A name with a suffix ("Donald Trump Jr.") is never the same as one without; when a
        bare surname fits several people ("Clinton", "Fiorina"), the one the article names
        most so far is meant (a husband named once does not take his wife's statements), of
        two named as often the one mentioned last; "Mr. Obama" (``pronoun`` "he") never goes
        to someone the article calls "she", and goes to one it calls "he" before one it has
        not said ("Mrs. Clinton" is Hillary, not Bill named more often as "President"). Only
        the people who share a word with the name are looked at (the others cannot match).
        """
        sharing = {id(p): p for w in words for p in self.by_word.get(w, ())}
        best, best_key = None, (False, -1, -1, -1)
        for person in sharing.values():
            if pronoun and person.pronoun and person.pronoun != pronoun:
                continue
            if words <= person.words or person.words <= words:
                if (
                    len(words) > 1
                    and len(person.words) > 1
                    and (bool(words & NAME_SUFFIXES) != bool(person.words & NAME_SUFFIXES))
                ):
                    continue
                # one known to take the pronoun; the most named; then the last mentioned; of
                # two as recent, the one met later
                key = (
                    pronoun is not None and person.pronoun == pronoun,
                    len(person.mentions),
                    person.mentions[-1] if person.mentions else -1,
                    self.order[id(person)],
                )
                if key >= best_key:
                    best, best_key = person, key
        return best

    def _title_before(self, ent) -> str | None:
        """Capitalised title words before a name: "Russian President", "NATO Secretary General"."""
        toks = []
        i = ent.start - 1
        while i >= 0 and len(toks) < 5:
            tok = self.doc[i]
            if tok.lower_ == "of" and toks and i > 0 and self.doc[i - 1].text[:1].isupper():
                toks.insert(0, tok)  # "Secretary of State Hillary Clinton"
                i -= 1
                continue
            if (
                tok.is_space
                or tok.pos_ not in ("PROPN", "NOUN", "ADJ")
                or tok.ent_type_ == "PERSON"
            ):
                break
            modifier = tok.dep_ == "amod" and any(tok.head.i == t.i for t in toks)
            if not (tok.text[:1].isupper() or tok.lower_ in TITLE_WORDS or modifier):
                break  # (an adjective of the title goes in: "Republican presidential nominee")
            toks.insert(0, tok)
            i -= 1
        while toks and toks[0].lower_ == "of":
            toks.pop(0)
        if not any(ent.start <= t.head.i < ent.end for t in toks):
            toks = []  # words that do not modify the name: "The federal judge Trump was …"
        if toks and i >= 0 and self.doc[i].lower_ in ("a", "an", "would-be"):
            toks = []  # a role imagined, not held: "an agenda a President Clinton could …"
        inner = [t.text for t in ent if t.lower_ in TITLE_WORDS and t.text[:1].isupper()]
        words = [t.text for t in toks] + inner
        return " ".join(words) if words else None

    def _title_beside(self, ent) -> str | None:
        """The office an apposition gives a name, after or before it ("Mike Pence, the
        Indiana governor,", "Henry Crespo, president of the Florida Democratic Black
        Caucus", "the Republican nominee, Donald Trump,"): its words up to a comma or a
        clause, without the article; None where it names no office ("Trump, who …")."""
        root = ent.root
        if root.dep_ == "appos" and root.head.i < ent.start and root.head.pos_ == "NOUN":
            noun = root.head  # (the description comes first)
        else:
            noun = next((c for c in root.children if c.dep_ == "appos" and c.i >= ent.end), None)
        if noun is None or noun.pos_ != "NOUN" or _in_lines(ent, self.titled):
            return None
        # the noun with its modifiers ("Trump's campaign chairman"; not "his", "the") and
        # the phrases after it that hold no clause, name or comma ("of the Arab American
        # Institute"); not what is joined to it ("and former host of …")
        left = self.doc[noun.left_edge.i : noun.i + 1]
        cut = max((t.i + 1 for t in left if t.is_punct or t.is_space), default=left.start)
        words = [  # (from the last comma: not "Weeks later, Russia's leader")
            t
            for t in self.doc[cut : noun.i + 1]
            if t.dep_ not in ("det", "predet")
            and not (t.pos_ == "PRON" or (t.dep_ == "case" and t.head.pos_ == "PRON"))
        ]
        for prep in (c for c in noun.rights if c.dep_ == "prep"):
            phrase = list(prep.subtree)
            if any(
                t.is_punct or t.pos_ in ("VERB", "AUX") or t.tag_ in ("WP", "WDT", "WP$")
                for t in phrase
            ) or any(t.ent_type_ == "PERSON" for t in phrase):
                break
            words += phrase
        whose = {t.i for c in noun.lefts if c.dep_ == "poss" for t in c.subtree}
        if len(words) > 12 or any(
            (t.ent_type_ == "PERSON" and t.i not in whose) or t.is_space for t in words
        ):
            return None  # (another's name inside: "conservative chat host Hugh Hewitt")
        text = "".join(t.text_with_ws for t in words).strip()
        return _office(text)

    def _org_like_at(self, i: int):
        """The entity of :data:`ORG_LABELS` that holds token ``i``, or None."""
        k = bisect_left(self.org_like_starts, i + 1) - 1
        return self.org_like[k] if k >= 0 and i < self.org_like[k].end else None

    def _org_like_in(self, span) -> list:
        """The entities of :data:`ORG_LABELS` wholly inside ``span``, in text order."""
        k = bisect_left(self.org_like_starts, span.start)
        out = []
        while k < len(self.org_like) and self.org_like[k].start < span.end:
            if self.org_like[k].end <= span.end:
                out.append(self.org_like[k])
            k += 1
        return out

    def resolve(self, stmt: Statement) -> None:
        """Fill in ``stmt.speaker.name`` and ``kind`` from its mention."""
        sp = stmt.speaker
        if sp.span is None:
            return
        span = self.doc.char_span(sp.span[0], sp.span[1], alignment_mode="expand")
        if span is None or not len(span):
            return
        if len(span) == 1 and span[0].lower_.rstrip(".") in HONORIFICS:  # "Mr." cut from
            end = span.end  # its name: "Mr. Obama"
            while end < len(self.doc) and self.doc[end].pos_ == "PROPN":
                end += 1
            span = self.doc[span.start : end]
        head = span.root
        ante = _relative_antecedent(head)
        if ante is not None:  # "Beck, who has in the past described": Beck; "members of
            # 9/11 victims, many of whom say": the members of 9/11 victims
            end = max(
                [ante.i]
                + [c.right_edge.i for c in ante.rights if c.dep_ == "prep" and c.lower_ == "of"]
            )
            span, head = self.doc[ante.left_edge.i : min(end, span.start - 1) + 1], ante
        # the person the head names ("Clinton spokesman Brian Fallon"), else the first named
        person = self.by_token.get(head.i) or next(
            (self.by_token[t.i] for t in span if t.i in self.by_token), None
        )
        named_in = person
        if (
            person is not None
            and head.i not in self.by_token
            and (
                (head.pos_ == "NOUN" and head.ent_type_ != "DATE")  # ("Trump this week also
                or _possessor_in(span, head, self.by_token)  # said": Trump)
            )
        ):  # "The Trump team", "Trump's lawyer", "one of Mr. Obama's climate advisers": the
            person = None  # person's, not the person
        if person is None:  # "Her husband, former President Bill Clinton, said"
            person = next(
                (
                    self.by_token[c.i]
                    for c in head.children
                    if c.dep_ == "appos" and c.i in self.by_token
                ),
                None,
            )
        if person is None and head.dep_ == "appos":  # "McConnell, now the majority leader,"
            person = self.by_token.get(head.head.i)
        if person is None and head.pos_ == "NOUN":  # "An attorney for Pagliano, Mark
            person = self._named_last(span)  # MacDougall," (the parse hangs the name on
            # the last noun before it)
        if person is None:  # "Weak Rubio Tells …" over a body that names Marco Rubio
            person = self._headline_person(span)
        last = span[-1]
        if (
            person is None
            and last.pos_ == "PROPN"
            and len(span) > 1
            and self.doc[last.i - 1].lower_ in BODY_NAME_WORDS
            and len(self.by_word.get(last.lower_, ())) == 1
        ):  # a surname the parse glued to a body's name: "In a meeting with the editorial
            person = self.by_word[last.lower_][0]  # board of the Washington Post Trump said"
        named_word = head.text[:1].isupper() and head.lower_ in self.by_word  # ("Sanders"
        # tagged a plural noun: the surname of a person the article names)
        if person is None and (head.pos_ == "PROPN" or named_word) and head.ent_type_ != "GPE":
            hint = _pronoun_of([t.lower_ for t in span])
            named = " ".join(t.text for t in span if t.ent_type_ not in ("DATE", "TIME"))
            # a name NER missed (not its time: "Trump this week also said")
            person = self._match(set(_name_words(named or span.text)), hint)
            if person is not None and not set(_name_words(head.text)) <= person.words:
                person = None  # "Trump Tower", "the Clinton campaign": named after the person
        if person is not None:
            sp.name, sp.kind = person.name, "person"
            together = self._together(head, person, span)
            if together is not None:  # "Grassley and Leahy wrote": both
                sp.name, sp.kind = together, "group"
        elif head.lower_ in MALE | FEMALE:
            # (not a person named inside the words the pronoun's statement quotes: in
            # ""No one is writing songs for Hillary. Obama had will.i.am," he said", he is
            # not Obama)
            person = self._antecedent(head, quoted=stmt.content_spans or ())
            sp.name, sp.kind = (person.name if person else None), "person"
            if person is UNNAMED:  # someone the article does not name
                sp.name, sp.kind, person = None, "anonymous", None
        elif head.lower_ in ("each", "both") and head.pos_ == "PRON":
            sp.name, sp.kind = self._each_of(head), "group"  # "Trump and Clinton vied …,
            # each saying": both of them
        elif head.lower_ in ("i", "we", "they", "it", "you"):
            sp.name, sp.kind = None, "anonymous" if head.lower_ in ("i", "you") else "group"
            if head.lower_ == "it":
                org = self._recent_org(head)
                sp.name, sp.kind = self._thing_antecedent(head) or (
                    (org, "organisation") if org else (None, "anonymous")
                )
            elif head.lower_ == "they":
                sp.name, sp.kind = self._plural_antecedent(head)
        else:
            ents = self._org_like_in(span)
            if (
                head.lower_ in PERSON_NOUNS
                and head.tag_ in ("NN", "NNP")
                and head.ent_type_ == "NORP"
                and _definite(span)
            ):  # "the Republican": one person, described by party
                ents = []
            if (
                head.ent_type_ == "NORP"
                and head.tag_ in ("NN", "NNP")
                and span[0].lower_ in INDEFINITE
            ):  # "a New Hampshire Democrat", "one Republican": someone unnamed, no party
                sp.name, sp.kind = None, "anonymous"
                self._note_unnamed(span, head)
            elif _share(span):  # "64 percent of voters", "About four in 10": a poll's share
                sp.name, sp.kind = _strip_det(span.text), "group"  # of people, no organisation
            elif head.ent_type_ == "DATE" or head.lower_ == "one":  # "a 21-year-old", "one
                sp.name, sp.kind = None, "anonymous"  # of Mr. Obama's advisers": someone unnamed
            elif (bodies := self._bodies_together(span, head)) is not None:
                sp.name, sp.kind = bodies, "group"  # "The New York Times and the Gannett
                # newspaper chain filed": both
            elif (body := self._body_beside(head)) is not None:  # "a super PAC supporting
                sp.name, sp.kind = body, "organisation"  # …, Priorities USA Action,"
            elif ents and ents[-1].root.i == head.i or (ents and head.ent_type_ in ORG_LABELS):
                # the one the head is in: "The Tax Policy Center at the Urban Institute"
                ent = next((e for e in ents if e.start <= head.i < e.end), ents[-1])
                sp.name = _strip_det(ent.text)
                sp.kind = (
                    "group" if ent.label_ == "NORP" and head.tag_ == "NNPS" else "organisation"
                )
            elif author := self._document_author(head):
                sp.name, sp.kind = author  # "an analysis by Lily Batchelder", "a USA TODAY poll"
            elif place := self._government_of(head):
                sp.name, sp.kind = place, "organisation"  # "the city of Phoenix"
            elif body := self._body_named(span, head):
                sp.name, sp.kind = body  # "the report": the one the GAO put out
            elif head.tag_ == "NNS" and (
                head.lower_ in FINDING_SOURCES or head.lemma_.lower() in DOCUMENT_NOUNS
            ):  # "Exit polls found", "records show": things of no one named (not a group
                sp.name, sp.kind = None, "anonymous"  # "polls" across the record), unless
                of = _object_of(head, ("of", "from"))  # of a document that is someone's
                if of is not None and (author := self._document_author(of)):  # ("the
                    sp.name, sp.kind = author  # results of the latest Quinnipiac poll")
            elif head.tag_ in ("NNS", "NNPS") or head.lower_ in COLLECTIVE_NOUNS:
                sp.name, sp.kind = self._people_of(span, head), "group"  # ("Scott's family")
            elif head.lower_ in ORG_NOUNS and _definite(span):
                owner = self._owner(head)  # "her campaign": Hillary Clinton's campaign
                sp.name = f"{owner.name}'s {head.lower_}" if owner else _strip_det(span.text)
                sp.kind = "organisation"
                if not owner and (
                    (" " not in sp.name and sp.name.islower())  # "the bank" of no bank named
                    or _poss_pronoun(head) is not None
                ):  # "his campaign" of nobody known: no name
                    sp.name, sp.kind = None, "anonymous"
            elif head.lower_ in PERSON_NOUNS and _definite(span):
                person = self._described(span, head, other_than=named_in)
                if person is None and named_in is None:  # (not "Trump's lawyer": his)
                    person = self._named_next(head)
                if person is not None:
                    self.resolved[head.i] = person
                sp.name, sp.kind = (person.name if person else None), "person"
                if person is None:
                    sp.kind = "anonymous"
            elif head.lower_ in ROLE_NOUNS and _definite(span) and head.pos_ == "NOUN":
                person = self._titled(head) or (
                    self._named_next(head) if named_in is None else None
                )
                if person is not None:
                    self.resolved[head.i] = person
                sp.name, sp.kind = (person.name, "person") if person else (None, "anonymous")
            elif head.pos_ == "PROPN" or head.ent_type_:
                sp.name, sp.kind = _strip_det(span.text), "organisation"
            elif (
                head.lower_ in PERSON_NOUNS
                and head.lower_ not in UNNAMED_SOURCES
                and span[0].lower_ in ("a", "an")
                and (person := self._named_next(head))
            ):
                self.resolved[head.i] = person  # "A New York judge has rejected … / Justice
                sp.name, sp.kind = person.name, "person"  # Frank Nervo rejected …"
            else:
                sp.name, sp.kind = None, "anonymous"
                self._note_unnamed(span, head)
        if sp.kind == "organisation" and span[0].lower_ in INDEFINITE and _generic(sp.name or ""):
            sp.name, sp.kind = None, "anonymous"  # "A super PAC said": one of no name
        if sp.name is not None:  # "Sully's Bar" read as "'s": no name at all
            sp.name = tidy_name(sp.name) or None
            if sp.name is None and sp.kind == "organisation":
                sp.kind = "anonymous"
        if sp.kind == "person" and person is not None:
            self.last_speaker, self.last_speaker_at = person, head.i
        elif sp.kind == "organisation" and sp.name:
            self.bodies_spoke.append((head.i, sp.name))

    def _named_bodies(self) -> dict[str, list[tuple[int, str, str]]]:
        """Each body or document noun ("union", "poll", "report") with whose it is where the
        article says (name and kind), in text order: "the Association of Flight Attendants
        union", "a Government Accountability Office report", "a memoir by Connie Mariano",
        "the Security Council issued a statement". A later "the union", "the report", "the
        statement" is theirs."""
        out: dict[str, list[tuple[int, str, str]]] = {}
        nouns = DOCUMENT_NOUNS | ORG_NOUNS
        for head in self.doc:
            if head.lower_ not in nouns or head.pos_ != "NOUN":
                continue
            before = self.doc[head.left_edge.i : head.i + 1]  # its words up to the noun
            orgs = [  # (not the noun alone taken for a name: "Bank executives")
                e for e in self._org_like_in(before) if e.label_ == "ORG" and len(before) > 1
            ]
            author = self._document_author(head) or self._maker(head)
            if author is not None:  # "A new ad from Donald Trump's campaign"
                out.setdefault(head.lower_, []).append((head.i, *author))
            elif orgs:
                out.setdefault(head.lower_, []).append(
                    (head.i, _strip_det(orgs[-1].text), "organisation")
                )
            elif head.lower_ in ORG_NOUNS and any(
                c.dep_ == "compound" and c.pos_ == "PROPN" for c in head.lefts
            ):  # "the Clinton campaign": its name is its words
                first = min(c.i for c in head.lefts if c.dep_ == "compound")
                out.setdefault(head.lower_, []).append(
                    (head.i, tidy_name(self.doc[first : head.i + 1].text), "organisation")
                )
        return out

    def _body_named(self, span, head: Token) -> tuple[str, str] | None:
        """Whose a body or document noun is (name and kind): the organisation named in the
        mention ("a Government Accountability Office report"), or, for "the report", "the
        union", whose the same noun was last before it."""
        if head.pos_ != "NOUN" or head.lower_ not in DOCUMENT_NOUNS | ORG_NOUNS:
            return None
        orgs = [e for e in self._org_like_in(span) if e.label_ == "ORG"]
        if orgs and head.lower_ in DOCUMENT_NOUNS:
            return _strip_det(orgs[-1].text), "organisation"
        if orgs or not _definite(span) or any(t.dep_ == "poss" for t in span):
            return None
        # (a body's other words must be in the name: "the district court" is no Court of
        # Appeals; a document's are its own: "the same poll", "the new poll")
        own = _modifiers(head) if head.lower_ not in DOCUMENT_NOUNS else set()
        earlier = [
            (name, kind)
            for i, name, kind in self.named_bodies.get(head.lower_, ())
            if i < head.i and own <= set(name.lower().split())
        ]
        if earlier:
            return earlier[-1]
        body = None
        if head.lower_ in PRESS_NOUNS:  # "… reported by The Washington Post. The newspaper"
            body = self._recent_press(head)
        elif head.lower_ in ORG_NOUNS and not any(t.pos_ == "PROPN" for t in span):
            body = self._recent_body(head)  # (not "the Obama administration": named there)
        return (body, "organisation") if body else None

    def _maker(self, noun: Token) -> tuple[str, str] | None:
        """Who made a document, where its clause names them: the subject of the verb that
        makes it ("the Security Council issued a statement", "Mariano wrote a memoir"), or
        of the verb it frames ("In a statement announcing the pick, the Association of
        Flight Attendants called …"). A name only (person or organisation)."""
        if noun.lower_ not in DOCUMENT_NOUNS:
            return None
        verb = noun.head
        if noun.dep_ == "dobj" and verb.lemma_.lower() in MAKING_VERBS:
            pass
        elif not (noun.dep_ == "pobj" and verb.lower_ == "in" and verb.head.pos_ == "VERB"):
            return None
        else:
            verb = verb.head
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subject is None:
            return None
        if subject.i in self.by_token:
            return self.by_token[subject.i].name, "person"
        ent = self._org_like_at(subject.i)
        if ent is not None and ent.label_ == "ORG":
            return _strip_det(ent.text), "organisation"
        return None

    def _document_author(self, head: Token, depth: int = 0) -> tuple[str, str] | None:
        """Whose a poll, a study or a report is, where the mention says: the person,
        organisation or named body it is by or from ("an analysis by Lily Batchelder, a
        former aide …, whose conclusions were seconded by the Tax Foundation" is hers, not
        the seconder's; "a new ad from Donald Trump's presidential campaign"), else
        the organisation named before the noun ("The Real Clear Politics average"), else the
        proper name it is compounded with ("a USA TODAY analysis", "a Trump ad": the person
        where the article gives them a full name, else the name's firm). Its authors are
        also whoever filed or wrote it ("civil complaints filed by the SEC", "a presentation
        that Mr. Guajardo Villarreal and his aides carry") and whose it is ("Mariano's
        memoir"); a document it is from is followed in turn ("A slide from a presentation
        that …"). None for any other noun, and where the mention names nobody."""
        if head.pos_ != "NOUN" or depth > 2:
            return None
        if head.lower_ not in DOCUMENT_NOUNS and head.lemma_.lower() not in DOCUMENT_NOUNS:
            return None  # (its plural too: "Trump's ads")
        for obj in _authors(head):
            if obj.i in self.by_token:
                return self.by_token[obj.i].name, "person"
            ent = self._org_like_at(obj.i)
            if ent is not None and ent.label_ == "ORG":  # (not "by Politico,
                name = _strip_det(ent.text).split(",")[0]  # Democratic party …")
                return name, "organisation"
            if obj.lower_ in ORG_NOUNS and self._owned(obj):
                body = tidy_name(_strip_det(self.doc[obj.left_edge.i : obj.i + 1].text))
                return (body, "organisation") if body else None  # "from Trump's campaign"
            if obj.dep_ == "pobj" and (found := self._document_author(obj, depth + 1)):
                return found  # "A slide from a presentation that Mr. Guajardo … carry"
        before = self.doc[head.left_edge.i : head.i]
        orgs = [e for e in self._org_like_in(before) if e.label_ == "ORG"]
        if orgs:
            return _strip_det(orgs[-1].text), "organisation"
        names = [
            c
            for c in head.lefts
            if c.dep_ == "compound" and c.pos_ == "PROPN" and c.ent_type_ not in ("DATE", "TIME")
        ]  # (not "a Wednesday editorial")
        if not names:
            return None
        person = next((self.by_token[c.i] for c in names if c.i in self.by_token), None)
        if person is not None and len(person.words) > 1:  # (not "A Bloomberg poll": the firm)
            return person.name, "person"
        run = self.doc[min(c.left_edge.i for c in names) : max(c.i for c in names) + 1]
        return (tidy_name(run.text), "organisation") if tidy_name(run.text) else None

    def _owner(self, noun: Token) -> Person | None:
        """The person "his" or "her" before a body noun stands for ("her campaign", "his
        administration"), where the article names them and says they are a he or a she."""
        poss = _poss_pronoun(noun)
        if poss is None or poss.lower_ not in MALE | FEMALE:
            return None
        person = self._antecedent(poss)
        # (only someone the article says is a he or a she: the body is named after them)
        known = person is not None and person is not UNNAMED and person.pronoun is not None
        return person if known and person.pronoun == _PRONOUN[poss.lower_] else None

    def _people_of(self, span, head: Token) -> str | None:
        """The name of a group: its words, with the full name of the person whose it is ("his
        advisers" in an article about Donald Trump, "Trump's advisers": "Donald Trump's
        advisers"; "Scott's family": "Keith Lamont Scott's family"); None for a group of
        someone the article does not say (the same words in another article are another
        person's, and would be one group across the record) and for "the family" of nobody."""
        owner_word = next((c for c in head.lefts if c.dep_ == "poss"), None)
        if owner_word is None:
            return None if head.lower_ in COLLECTIVE_NOUNS else _strip_det(span.text)
        if owner_word.pos_ == "PRON":
            owner = self._owner(head)
        else:
            owner = self.by_token.get(owner_word.i)
            if owner is None:
                return _strip_det(span.text)  # ("the company's workers")
        end = owner_word.right_edge.i + 1
        if end < len(self.doc) and self.doc[end].tag_ == "POS":
            end += 1
        rest = self.doc[end : span.end].text
        return f"{owner.name}'s {rest}" if owner is not None and rest else None

    def _owned(self, noun: Token) -> bool:
        """Whether a body noun is a named person's or organisation's ("Donald Trump's
        presidential campaign", "the Clinton campaign"), not anyone's ("a campaign")."""
        return any(
            c.dep_ in ("poss", "compound") and (c.i in self.by_token or c.ent_type_ == "ORG")
            for c in noun.lefts
        )

    def _recent_body(self, head: Token) -> str | None:
        """The organisation "the union", "the agency" stands for: the last one named before
        it in the article whose name holds its words ("the House Oversight Committee" for
        "the committee", "the International Monetary Fund" for "the fund"); else the one
        organisation named in its sentence and the one before ("The Association of Flight
        Attendants … the union wrote"), where it is the only one."""
        # (its other words too: "the district court" is no "U.S. Court of Appeals"; and a
        # name that is the noun alone, "Bank", names nothing)
        own = _modifiers(head)
        for ent in self._orgs_before(head, len(self.sent_starts)):
            if own | {head.lower_} <= {t.lower_ for t in ent} and len(ent) > 1:
                return _strip_det(ent.text)
        near = {
            _strip_det(e.text)
            for e in self._orgs_before(head, 1)
            if e.text.lower() != head.lower_ and own <= {t.lower_ for t in e}
        }
        return near.pop() if len(near) == 1 else None

    def _orgs_before(self, head: Token, sentences: int) -> Iterator:
        """The organisations (ORG) named before ``head`` in its sentence and the
        ``sentences`` before it, the latest first."""
        k = bisect_left(self.sent_starts, head.i + 1) - 1
        floor = self.sent_starts[max(0, k - sentences)]
        for ent in reversed(self.orgs[: bisect_left(self.org_ends, head.i + 1)]):
            if ent.start < floor:
                return
            if ent.label_ == "ORG":
                yield ent

    def _named_next(self, head: Token) -> Person | None:
        """The person a description that names no one known yet stands for, where the news
        names them just after: the first person the next two sentences introduce as the
        subject of a clause ("Connecticut's tax commissioner says … / Kevin Sullivan says he
        instructed staff …"). Only for a person met there for the first time: someone named
        before is not the one a new description introduces."""
        k = bisect_left(self.sent_starts, head.i + 1) - 1
        if k + 1 >= len(self.sent_starts) or head.dep_ not in ("nsubj", "nsubjpass"):
            return None
        lo = self.sent_starts[k + 1]
        hi = self.sent_starts[k + 3] if k + 3 < len(self.sent_starts) else len(self.doc)
        new = [p for p in self.people if lo <= p.mentions[0] < hi and self._subject(p.mentions[0])]
        return min(new, key=lambda p: p.mentions[0], default=None)

    def _subject(self, i: int) -> bool:
        """Whether the name at ``i`` is a main clause's subject, alone or with the title it
        names ("Manhattan Supreme Court Justice Frank Nervo rejected …")."""
        name = self.doc[i]
        return _holds(self.subjects, name.head.i if name.dep_ in ("compound", "appos") else i)

    def _recent_press(self, head: Token) -> str | None:
        """The last news outlet named in the sentence of ``head`` or the two before, by the
        word that ends its name ("The Washington Post", "the Chicago Tribune")."""
        outlets = (e for e in self._orgs_before(head, 2) if e[-1].lower_ in PRESS_NAME_WORDS)
        ent = next(outlets, None)
        return _strip_det(ent.text) if ent is not None else None

    def _government_of(self, head: Token) -> str | None:
        """The place a government noun is of: "the city of Phoenix", "the government of
        Canada", "the state of Texas" speak as Phoenix, Canada, Texas."""
        if head.lower_ not in GOVERNMENT_NOUNS or head.pos_ != "NOUN":
            return None
        for prep in head.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                place = next((c for c in prep.children if c.dep_ == "pobj"), None)
                if place is not None and place.ent_type_ == "GPE":
                    ent = self._org_like_at(place.i)
                    return _strip_det(ent.text) if ent is not None else None
        return None

    def _headline_person(self, span) -> Person | None:
        """The person a headline's mention names with words of its own around the name
        ("Weak Rubio", "Crooked Hillary Clinton"): the body's name in it, if any."""
        if len(span) < 2 or not _in_lines(span, self.titled):
            return None
        run = _body_name_in(span, self.body)
        return self._match(set(_name_words(run.text))) if run is not None else None

    def _note_unnamed(self, span, head: Token) -> None:
        """Keep the head of an unnamed speaker ("a security guard", "another witness"): a
        later "he said" may stand for them."""
        if (
            head.tag_ == "NN"
            and head.dep_ in ("nsubj", "nsubjpass")
            and span[0].lower_ in INDEFINITE
            and (not self.unnamed_subjects or self.unnamed_subjects[-1] < head.i)
        ):
            self.unnamed_subjects.append(head.i)

    def _antecedent(self, pron: Token, depth: int = 0, quoted=()) -> Person | None:
        """The person a he/she refers to.

        Walk back over the sentence so far and up to three sentences before it, and take the
        subject of the first main clause whose subject is a person (a name, someone unnamed
        who spoke in the same paragraph, "a security guard … told", which gives
        :data:`UNNAMED`, or the same
        pronoun, resolved in turn: at most six steps back); else the last person who spoke,
        else the most mentioned. The subjects are indexed (:meth:`_index_subjects`), so the
        walk looks only at those that could answer, and an article with no people at all
        answers at once (a chain of pronouns would otherwise try every earlier one). The
        subjects inside ``quoted`` (the character spans of the words the pronoun's statement
        quotes) are passed over.
        """
        if pron.i in self.resolved:
            return self.resolved[pron.i]
        if not self.people:
            return None  # (nothing to find, and no fallback)
        k = bisect_left(self.sent_starts, pron.i + 1) - 1
        floor = self.sent_starts[max(0, k - 3)]
        same = self.pronoun_subjects.get(pron.lower_, []) if depth < 6 else []
        unnamed = self.unnamed_subjects
        owners = self.owner_subjects
        for i in _latest_first((self.named_subjects, unnamed, same, owners), floor, pron.i):
            budget.check()
            if any(start <= self.doc[i].idx < end for start, end in quoted):
                continue  # (someone the pronoun's own statement speaks of)
            person = self.by_token.get(i)
            if person is None and _holds(owners, i):  # "The president's roots …", "The
                tok = self.doc[i]  # former president said": whom the description stands for
                person = (
                    self.resolved.get(i)
                    or self._titled(tok)
                    or self._described(self.doc[tok.left_edge.i : tok.i + 1], tok)
                )
                if person is None:
                    continue
            if person is not None and person.pronoun and person.pronoun != _PRONOUN[pron.lower_]:
                continue  # "she" is not Mr. Obama
            if person is None and _holds(unnamed, i):
                # only in the unnamed speaker's own paragraph: the next one's "he said" after
                # "one questioner claimed …" is the one who answered
                if "\n" in nlp.text_of(self.doc)[self.doc[i].idx : pron.idx]:
                    continue
                person = UNNAMED
            if person is None:
                person = self._antecedent(self.doc[i], depth + 1)
            if person is not None:
                self.resolved[pron.i] = person
                return person
        wanted = _PRONOUN[pron.lower_]
        for p in (self.last_speaker, self._prominent()):
            if p is not None and p.pronoun in (None, wanted):
                return p
        # both are known to take the other pronoun: the last person named before who takes
        # this one ("Mr. Obama said …. She said …" after "his wife, Michelle Obama")
        return max(
            (p for p in self.people if p.pronoun == wanted and p.mentions[0] < pron.i),
            key=lambda p: p.mentions[bisect_left(p.mentions, pron.i) - 1],
            default=None,
        )

    def _plural_antecedent(self, pron: Token, depth: int = 0) -> tuple[str | None, str]:
        """Who a "they" stands for: the subject of the latest main clause, in its sentence or
        the two before, that is plural or an organisation ("Politifact ruled …, but they
        could not resist pointing out"), as that subject is named: an organisation, a group
        the article names ("Republicans"), or, for a plural common noun ("officials"), no
        one. A person or another singular subject is passed over; a "they" before it is
        followed in turn."""
        k = bisect_left(self.sent_starts, pron.i + 1) - 1
        floor = self.sent_starts[max(0, k - 2)]
        lo = bisect_left(self.subjects, floor)
        for i in reversed(self.subjects[lo : bisect_left(self.subjects, pron.i)]):
            tok = self.doc[i]
            if tok.lower_ == "they":
                return self._plural_antecedent(tok, depth + 1) if depth < 4 else (None, "group")
            together = self._together(tok, self.by_token.get(i), tok.sent)
            if together is not None:  # "Grassley and Leahy … They sent a letter"
                return together, "group"
            if tok.ent_type_ == "ORG" and i not in self.by_token:
                ent = self._org_like_at(i)
                if ent is not None and ent.label_ == "ORG":
                    # not past people named after it ("The Associated Press interviewed 20
                    # crew members. They described …": they are the crew members)
                    end = min(tok.sent.end, pron.i)
                    if any(t.tag_ in ("NNS", "NNPS") for t in self.doc[ent.end : end]):
                        return None, "group"
                    return tidy_name(_strip_det(ent.text)) or None, "organisation"
            if name := self._unknown_body(tok):  # "Politifact then ruled …, but in the
                return name, "organisation"  # course of their report they …"
            if tok.tag_ == "NNPS" or (tok.tag_ == "NNS" and tok.ent_type_ == "NORP"):
                return tidy_name(_strip_det(tok.text)) or None, "group"  # "Republicans"
            if tok.tag_ == "NNS":
                return None, "group"  # "officials", "the protesters": no one named
        return None, "group"

    def _together(self, tok: Token, person: Person | None, within) -> str | None:
        """The names of the people ``tok`` (naming ``person``) is joined to by "and" inside
        ``within`` ("Sens. Charles E. Grassley … and Patrick J. Leahy"), with its own, in
        alphabetical order: "Charles E. Grassley and Patrick J. Leahy" (and "Richard Alba and
        Nancy Foner" the same group as "Nancy Foner and Richard Alba"); None where it is
        joined to no one."""
        if person is None:
            return None
        # (in alphabetical order: one group, in whatever order they are named)
        names = sorted(
            {person.name}
            | {
                self.by_token[c.i].name
                for c in tok.conjuncts
                if within.start <= c.i < within.end and c.i in self.by_token
            }
        )
        if len(names) < 2:
            return None
        return _joined(names)

    def _each_of(self, tok: Token) -> str | None:
        """The people an "each" or "both" that is a subject stands for: those joined as the
        subject of the clause its own hangs on ("Donald Trump and Hillary Clinton vied …,
        each touting … and saying": both, as a group), or, as a main clause's subject, as
        the latest subject before ("Sanders and Clinton … Both want"); None where that is no
        named people."""
        verb = tok.head
        while verb.dep_ in ("advcl", "conj", "xcomp") and verb.head.i != verb.i:
            verb = verb.head
        subject = next(
            (c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.i != tok.i), None
        )
        if subject is not None and subject.i in self.by_token:
            return self._together(subject, self.by_token[subject.i], subject.sent)
        if verb.dep_ == "ROOT" and verb.i != tok.i:  # "Both want …": those joined before
            name, _ = self._plural_antecedent(tok)
            return name if name and " and " in name else None
        return None

    def _unknown_body(self, tok: Token) -> str | None:
        """The name of a body the tagger did not know, where ``tok`` is a singular proper
        noun that names no person (untagged, or a name refused as a person's: "Politifact")
        and no word of one: its words up to it ("Central and East European Coalition")."""
        if (
            tok.tag_ != "NNP"
            or tok.ent_type_ not in ("", "PERSON")
            or tok.i in self.by_token
            or tok.lower_ in self.by_word
        ):
            return None
        return tidy_name(_strip_det(self.doc[tok.left_edge.i : tok.i + 1].text)) or None

    def _thing_antecedent(self, pron: Token, depth: int = 0) -> tuple[str | None, str] | None:
        """Who an "it" that speaks stands for: the subject of the latest clause, in its
        sentence or the two before, that is neither a person nor plural. An organisation or a
        country as named ("Although the IMF did not single out …, it referenced"); a document
        as whose it is ("The ad then references … It also mentions": the campaign's ad, not
        the FBI the ad quotes), or no one's; an "it" before it in turn. None where no clause
        has such a subject (and the organisation named last is taken)."""
        k = bisect_left(self.sent_starts, pron.i + 1) - 1
        floor = self.sent_starts[max(0, k - 2)]
        subjects = self.any_subjects
        lo = bisect_left(subjects, floor)
        # the organisation quoted last ("…, according to the SITE Intelligence Group, which
        # monitors extremist statements. It said")
        spoke, body = max((b for b in self.bodies_spoke if b[0] < pron.i), default=(-1, ""))
        own = self.sent_starts[k]
        if not any(  # its own sentence has no subject that could be it, but names a body:
            i not in self.by_token and self.doc[i].pos_ != "PRON"  # "when Mr. Hurt asked
            for i in subjects[bisect_left(subjects, own) : bisect_left(subjects, pron.i)]
        ):  # Norton to republish the book this year, it declined"
            org = next(self._orgs_before(pron, 0), None)
            if org is not None:
                return tidy_name(_strip_det(org.text)) or None, "organisation"
        for i in reversed(subjects[lo : bisect_left(subjects, pron.i)]):
            if i < spoke < pron.i:
                return body, "organisation"
            tok = self.doc[i]
            if tok.lower_ == "it" and depth < 4:
                found = self._thing_antecedent(tok, depth + 1)
                if found is not None:
                    return found
                continue
            if i in self.by_token or tok.pos_ == "PRON" or tok.tag_ in ("NNS", "NNPS"):
                continue
            ent = self._org_like_at(i)
            if ent is not None and ent.label_ in ("ORG", "GPE"):
                return tidy_name(_strip_det(ent.text)) or None, "organisation"
            if tok.pos_ == "NOUN" and tok.lower_ in DOCUMENT_NOUNS | ORG_NOUNS:
                span = self.doc[tok.left_edge.i : tok.i + 1]
                body = self._document_author(tok) or self._maker(tok) or self._body_named(span, tok)
                return body or (None, "anonymous")
            if name := self._unknown_body(tok):  # "the Central and East European
                return name, "organisation"  # Coalition, which …"
        return None

    def _described(self, span, head: Token, other_than: Person | None = None) -> Person | None:
        """The person a description ("the Kremlin leader") most likely stands for; never
        ``other_than``, the person it names as another's ("Trump's lawyer")."""
        # its words, and the stems of its places and peoples ("Russian" for "Russia"): a
        # common word counts whole ("presidential nominee" is no "President")
        words = {t.lower_ for t in span if not t.is_stop and not t.is_punct} | {
            _people(t.text) for t in span if t.ent_type_ in ("NORP", "GPE") or t.lower_ in PARTIES
        }
        # its party or people ("Republican", "Russian"): a person whose titles name another
        # ("Libertarian presidential nominee") is not the one meant
        peoples = {_people(t.text) for t in span if t.ent_type_ == "NORP" or t.lower_ in PARTIES}
        # of those it shares no title word with, the person the last sentences are about
        topic = self._subject_person(head)
        best, best_key = None, None
        for person in self.people:
            if person is other_than:
                continue
            theirs = {_people(w) for t in person.titles for w in t.split()} & self.peoples
            if peoples and theirs and not peoples & theirs:
                continue
            before = bisect_left(person.mentions, head.i)  # (mentions are in text order)
            if not before:
                continue
            overlap = max((len(words & _title_words(t)) for t in person.titles), default=0)
            recent = person.mentions[before - 1]
            key = (
                overlap,
                # (a person whose titles it shares no word with is someone else: the mayor
                # is not "the Republican candidate")
                person is topic and not person.titles,
                person is self.last_speaker,
                len(person.mentions),
                recent,
            )
            if best_key is None or key > best_key:
                best, best_key = person, key
        return best

    def _subject_person(self, head: Token) -> Person | None:
        """The person named as the subject of the latest main clause before ``head``, or who
        spoke there, in its sentence or the three before: whom the passage is about ("Mike
        Pence says …. The Republican vice presidential nominee was speaking …, hours after
        Trump unleashed …. The Indiana governor said": Pence, not Trump, named last)."""
        k = bisect_left(self.sent_starts, head.i + 1) - 1
        floor = self.sent_starts[max(0, k - 3)]
        named = self.named_subjects
        lo, hi = bisect_left(named, floor), bisect_left(named, head.i)
        at = named[hi - 1] if hi > lo else -1
        spoke = self.last_speaker_at
        if at < spoke < head.i and spoke >= floor and not self._subordinate_subject(spoke):
            return self.last_speaker  # (a speaker the parse missed as subject: "Trump charges")
        return self.by_token[at] if at >= 0 else None

    def _subordinate_subject(self, i: int) -> bool:
        """Whether token ``i`` is the subject of a clause other than a main one ("hours after
        Trump unleashed …")."""
        return _holds(self.any_subjects, i) and not _holds(self.subjects, i)

    def _titled(self, head: Token) -> Person | None:
        """The person named before ``head`` with a title that holds its noun ("Sheriff
        Jane Roe", "Roe, the county sheriff" for "the sheriff"), the latest named first."""
        named = [
            (person.mentions[before - 1], person)
            for person in self.people
            if (before := bisect_left(person.mentions, head.i))
            and any(head.lower_ in t.lower().split() for t in person.titles)
        ]
        return max(named, key=lambda x: x[0])[1] if named else None

    def _prominent(self) -> Person | None:
        return self.most

    def _recent_org(self, tok: Token) -> str | None:
        """The last organisation or country named before ``tok``, if fewer than 60 tokens back
        (entities do not overlap: the last to end before it is the nearest)."""
        k = bisect_left(self.org_ends, tok.i + 1) - 1
        if k >= 0 and tok.i - self.org_ends[k] < 60:
            return _strip_det(self.orgs[k].text)
        return None

    def titles(self) -> dict[str, list[str]]:
        return {p.name: p.titles for p in self.people}


def _share(span) -> bool:
    """Whether a mention is a share of people, not anyone's name: a percentage, a fraction or
    "N in 10" at its head or start ("64 percent of voters", "Four in 10 voters", "About
    three-quarters", "Half of Vermont Democrats", "Fewer than 15 percent of Republicans").
    Not a count of people or things ("two Democratic speechwriters", "one official")."""
    head = span.root
    if head.ent_type_ == "PERCENT" or head.lower_ in SHARE_WORDS:
        return True
    first = next((t for t in span if t.lower_ not in SHARE_LEADS), None)
    if first is None or first.i >= head.i:
        return False
    if first.ent_type_ == "PERCENT" or first.lower_ in SHARE_WORDS:
        return True
    after = span.doc[first.i + 1 : first.i + 3]  # "four in 10", "eight of 10"
    return (
        first.like_num
        and len(after) == 2
        and after[0].lower_ in ("in", "of")
        and (after[1].like_num)
    )


def _authors(doc_noun: Token) -> Iterator[Token]:
    """The words that may name who made a document: the object of its "by" or "from" (or an
    organisation it is "in"), the agent of a participle after it ("filed by the SEC"), the
    subject of a relative clause on it ("that Mr. Guajardo Villarreal … carry") and its
    possessor ("Mariano's memoir")."""
    for child in doc_noun.children:
        if child.dep_ == "prep" and child.lower_ in ("by", "from", "in"):
            # ("in" only for a body: "an editorial in The Des Moines Register")
            yield from (
                c
                for c in child.children
                if c.dep_ == "pobj" and (child.lower_ != "in" or c.ent_type_ == "ORG")
            )
        elif child.dep_ == "acl" and child.tag_ == "VBN" and child.lemma_ in MAKING_VERBS:
            # ("filed by the SEC"; not "emails combed through by Vox": its readers)
            for agent in (c for c in child.children if c.dep_ == "agent"):
                yield from (c for c in agent.children if c.dep_ == "pobj")
        elif child.dep_ == "relcl":
            yield from (c for c in child.children if c.dep_ == "nsubj" and c.pos_ != "PRON")
        elif child.dep_ == "poss" and child.pos_ == "PROPN":
            yield child


def _relative_antecedent(tok: Token) -> Token | None:
    """The noun a relative pronoun that is a mention stands for: the one its clause is on
    ("Mr. Obama, who understood", "the Saudi government, which has strongly denied"), through
    a share of it ("many of whom say"); past an apposition to the organisation it describes
    ("the Fed, an agency that has …"). None for any other word."""
    if tok.dep_ == "pobj" and tok.head.lower_ == "of":  # "whom" of "many of whom"
        tok = tok.head.head
    share = any(  # "many" of "many of whom"
        c.lower_ in RELATIVE and c.tag_ in ("WP", "WDT") and c.dep_ == "pobj"
        for p in tok.children
        if p.dep_ == "prep" and p.lower_ == "of"
        for c in p.children
    )
    if not share and (tok.lower_ not in RELATIVE or tok.tag_ not in ("WP", "WDT")):
        return None
    if tok.dep_ not in ("nsubj", "nsubjpass") or tok.head.dep_ != "relcl":
        return None
    noun = tok.head.head
    if noun.pos_ not in ("NOUN", "PROPN") or noun.i > tok.i:
        return None
    return relative_antecedent(tok, noun)  # ("Democrats on Capitol Hill, who")


def _joined(names: list[str]) -> str:
    """Names as one group's: "A and B", "A, B and C"."""
    return ", ".join(names[:-1]) + " and " + names[-1]


def _object_of(noun: Token, preps: tuple[str, ...]) -> Token | None:
    """The object of the first of a noun's phrases that opens with one of ``preps``
    ("the results of the latest poll": poll)."""
    return next(
        (
            c
            for p in noun.children
            if p.dep_ == "prep" and p.lower_ in preps
            for c in p.children
            if c.dep_ == "pobj"
        ),
        None,
    )


def _generic(name: str) -> bool:
    """Whether a name is only a word for a kind of body ("PAC", "committee")."""
    words = name.lower().split()
    return len(words) == 1 and words[0] in BODY_HEADS


def _possessor_in(span, head: Token, named: dict) -> bool:
    """Whether the first name in a mention is a possessor under its head ("one of Mr.
    Obama's climate advisers"): the mention is someone of theirs."""
    tok = next((t for t in span if t.i in named), None)
    while tok is not None and tok.i != head.i:
        if tok.dep_ == "poss":
            return True
        tok = tok.head if tok.head.i != tok.i else None
    return False


def _poss_pronoun(noun: Token) -> Token | None:
    """The possessive pronoun before a noun ("his" of "his advisers"), if any."""
    return next((c for c in noun.lefts if c.dep_ == "poss" and c.pos_ == "PRON"), None)


def _modifiers(noun: Token) -> set[str]:
    """The words a noun is qualified by before it ("district" of "the district court")."""
    return {c.lower_ for c in noun.lefts if c.dep_ in ("compound", "amod")}


def _latest_first(lists: tuple[list[int], ...], lo: int, hi: int) -> Iterator[int]:
    """The indices of sorted lists that lie in ``[lo, hi)``, merged, latest first (each
    once)."""
    runs = [reversed(a[bisect_left(a, lo) : bisect_left(a, hi)]) for a in lists]
    last = None
    for i in heapq.merge(*runs, reverse=True):
        if i != last:
            yield i
        last = i


def _holds(a: list[int], i: int) -> bool:
    """Whether the sorted list ``a`` holds ``i``."""
    k = bisect_left(a, i)
    return k < len(a) and a[k] == i


# short words a headline leaves in lower case ("Trump Says He Will Not Back Down on Taxes")
_SMALL = word_set("speakers", "headline_small")


# words a long headline may leave in lower case beside the small ones, where a sentence
# full of names would have a verb ("… Donations Slipped through the Cracks")
_HEADLINE_LOWER = word_set("speakers", "headline_lower")


def _title_lines(text: str) -> list[tuple[int, int]]:
    """The lines written in title case (a headline's "Ben Carson Defends His Record on
    Guns", "Derelict Obama and Clinton;"): three to 25 words besides small ones, every one
    capitalised (a sentence full of names still has a verb in lower case), or, in one of
    eight words or more, all but a few function words (:data:`_HEADLINE_LOWER`)."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", m.group()) if w.lower() not in _SMALL]
        lower = [w for w in words if not w[0].isupper()]
        if 3 <= len(words) <= 25 and (
            not lower
            or len(words) >= 8
            and len(lower) <= 0.2 * len(words)
            and all(w in _HEADLINE_LOWER for w in lower)
        ):
            out.append(m.span())
    return out


def _in_lines(ent, lines: list[tuple[int, int]]) -> bool:
    k = bisect_left(lines, (ent.start_char + 1,)) - 1
    return k >= 0 and lines[k][0] <= ent.start_char < lines[k][1]


def _key(ent) -> tuple[str, ...]:
    return tuple(t.lower_ for t in ent if not t.is_punct)


def _body_name_in(ent, body: set[tuple[str, ...]]):
    """The longest run of a headline's name that the body writes as a name ("Crooked Hillary
    Clinton", "Donald Trump Playing Dumb": "Hillary Clinton", "Donald Trump"); None where the
    body has none: the headline's words alone make no person."""
    for size in range(len(ent), 0, -1):
        for start in range(ent.start, ent.end - size + 1):
            run = ent.doc[start : start + size]
            if _key(run) in body:
                return run
    return None


HONORIFICS = word_set("speakers", "honorifics")
# the words of a role or an office: a title holds one ("Former" or "Republican" alone is none)
OFFICE_WORDS = (TITLE_WORDS | PERSON_NOUNS) - HONORIFICS - word_set("speakers", "not_offices")


def _office(title: str | None) -> str | None:
    """A title without its honorifics ("Mr.", "Mrs.", "Dr.": a form of address, not an
    office), and only where it names a role or an office ("Florida Sen.", "Secretary of
    State", "Republican nominee"; not "Republican", "Conflates", "Team"); else None."""
    if not title:
        return None
    words = [w for w in title.split() if w.lower() not in HONORIFICS]
    if not any(w.lower().rstrip(".") in OFFICE_WORDS for w in words):
        return None
    return " ".join(words)


def _given_named(ent) -> bool:
    """Whether an entity the tagger calls an organisation is a person's full name: a given
    name that says he or she ("Carly Fiorina", "Former Hewlett-Packard CEO Carly Fiorina"
    read as one body), then a surname, neither a word of a body's name ("General Motors",
    "Washington Post", "Fannie Mae", "Lincoln Center", "Media Matters" stay bodies)."""
    words = [t for t in ent if not t.is_punct]
    return (
        ent.label_ == "ORG"
        and len(words) in (2, 3)
        and all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in words)
        and words[0].lower_ in given_names()
        and words[0].lower_ not in TITLE_WORDS
        and not {t.lower_ for t in words} & BODY_NAME_WORDS
        and (len(words) == 2 or len(words[1].text.rstrip(".")) == 1)  # ("John F. Kelly")
    )


def _surnamed(ent, surnames: set[str]) -> bool:
    """Whether an entity the tagger calls an organisation is a name ending in the surname of
    a person the article names ("Carly Fiorina", "Fiorina" beside "Frank Fiorina"; "Trump"
    beside "Donald Trump"): a person, not a body ("the Trump Organization" ends otherwise)."""
    words = [t for t in ent if not t.is_punct]
    return (
        ent.label_ == "ORG"
        and 0 < len(words) <= 3
        and all(t.pos_ == "PROPN" for t in words)
        and words[-1].lower_ in surnames
    )


# punctuation a name does not run across: "Luciana Lopez: Saying …" (a transcript's turn)
_BREAKS = frozenset(':;|()[]—–"“”')


def _cut_at_break(ent):
    """The entity up to the first punctuation no name runs across (after a word of it)."""
    for k, tok in enumerate(ent):
        if k and tok.text in _BREAKS:
            return ent[:k]
    return ent


# words that end the name of a body, not of a person ("Clinton Foundation", "Muhammad Ali
# Center", "Obama White House", "Swiss People's Party", "Hillary camp")
BODY_HEADS = ORG_NOUNS | phrases.BODY_HEADS
# verbs a headline glues to a name ("Said Comey", "Trump Wants", "Stated Stone")
_GLUED_VERBS = word_set("speakers", "glued_verbs")
BRAND_NAMES = word_set("speakers", "brand_names")


def _trim_verbs(ent):
    """The entity without the verbs a headline glued to it: before the name ("Said Comey"),
    and from one after it on ("Trump Wants Wall"); None if nothing is left."""
    start = 0
    while start < len(ent) and ent[start].lower_ in _GLUED_VERBS:
        start += 1
    end = next((k for k in range(start + 1, len(ent)) if ent[k].lower_ in _GLUED_VERBS), len(ent))
    return ent[start:end] if end > start else None


def _body_name(ent) -> bool:
    """Whether a name the tagger calls a person names a body or a place: it ends in a body's
    head noun ("Clinton Foundation", "Trump Tower") or starts with "Team" ("Team Clinton"),
    or it is one word that is a platform's or an outlet's name ("Twitter", "Politico") or a
    plural ("the Clintons", "Latinos": a family or a people)."""
    words = [t.lower_ for t in ent if not t.is_punct]
    if len(words) == 1:
        return words[0] in BRAND_NAMES or ent[-1].tag_ == "NNPS"
    return words[-1] in BODY_HEADS or words[0] == "team"


def _joins(tok, ent) -> bool:
    """Whether a punctuation token is inside a word of the name: the hyphen of "Ban
    Ki-moon", "Seitz-Wald" (no space on either side)."""
    return (
        tok.text in "-‐'’"
        and ent.start < tok.i < ent.end - 1
        and not tok.whitespace_
        and not tok.doc[tok.i - 1].whitespace_
    )


def _strip_det(text: str) -> str:
    text = re.sub(r"^(?:the|a|an|some|many|several|other|most)\s+", "", text.strip(), flags=re.I)
    return _POSSESSIVE.sub("", text)


_POSSESSIVE = re.compile(r"\s*['’‘`]s$")  # "Trump‘s", with any apostrophe


def tidy_name(name: str) -> str:
    """A speaker's name as the record shows it: one plain space between words (no-break and
    other spaces folded), a possessive ending dropped ("Trump‘s", with any apostrophe), and
    empty when no letter or digit is left."""
    name = _POSSESSIVE.sub("", " ".join(name.split()))
    return name if any(ch.isalnum() for ch in name) else ""


def _definite(span) -> bool:
    first = span[0]
    return first.lower_ in ("the", "this", "that") or any(t.dep_ == "poss" for t in span)


def resolve(doc: Doc, statements: list[Statement]) -> ArticleSpeakers:
    """Resolve every statement's speaker in place, in text order; returns the resolver."""
    speakers = ArticleSpeakers(doc)
    for stmt in sorted(statements, key=lambda s: s.content_spans[0][0]):
        if stmt.speaker.span is None:
            continue
        speakers.resolve(stmt)
        if stmt.cue is not None and UNDERGOING.search(stmt.cue.text):
            # "Oz has been dogged by charges that …", "The U.N. came under withering
            # criticism for …": the one named is the target; who charged is not said
            stmt.speaker.name, stmt.speaker.kind = None, "anonymous"
    _first_person_quoted(doc, statements, _writer(doc, speakers))
    return speakers


def _writer(doc: Doc, speakers: ArticleSpeakers) -> str | None:
    """The person who wrote the article in the first person, where its foot says who they
    are, as opinion pages do ("Charlotte Meehan is playwright-in-residence at Wheaton
    College …"): one of its last two paragraphs, short, opens with a person's name that is
    the subject of "is" (or "was", "writes", "teaches", "serves"). None elsewhere: an
    article that names its writer nowhere has no writer to give an "I" to."""
    text = nlp.text_of(doc)
    lines = [m for m in re.finditer(r"[^\n]+", text) if m.group().strip()][-2:]
    for line in reversed(lines):
        lead = line.start() + len(line.group()) - len(line.group().lstrip(" —–-*_"))
        span = doc.char_span(lead, line.end(), alignment_mode="expand")
        if span is None or len(span) > WRITER_LINE_WORDS or not span.ents:
            continue
        ent = span.ents[0]
        if (
            ent.start == span.start
            and ent.label_ == "PERSON"
            and ent.root.dep_ == "nsubj"
            and ent.root.head.lemma_ in WRITER_VERBS
        ):
            person = speakers.by_token.get(ent.root.i)
            return person.name if person is not None else tidy_name(ent.text) or None
    return None


def _inside_quotes(text: str, pos: int) -> bool:
    """Whether the character at ``pos`` is inside quotation marks opened in its paragraph
    (more opening curly marks than closing ones before it, or an odd number of straight
    ones)."""
    before = text[text.rfind("\n", 0, pos) + 1 : pos]
    return before.count("\u201c") > before.count("\u201d") or before.count('"') % 2 == 1


# a cue that its subject undergoes: what is said is said of the subject, by others
UNDERGOING = re.compile(
    r"\b(fac(?:e|es|ed|ing)|c[ao]mes? under|dr[ae]w[ns]?|drawing|receiv\w*|dogged|"
    r"weather\w*|endur\w*|attract\w*)\b.*\b(criticism|charges|questions|accusations|"
    r"allegations|attacks|fire|scrutiny|complaints|condemnation|backlash)\b",
    re.IGNORECASE,
)
WRITER_LINE_WORDS = 80  # (a writer's note is a line or two; a longer paragraph is the story)
WRITER_VERBS = word_set("speakers", "writer_verbs")  # "X is …", "X teaches …"


def _first_person_quoted(doc: Doc, statements: list[Statement], writer: str | None = None) -> None:
    """An "I" inside the words someone is quoted saying is that someone: "PENCE: … And I
    think his tweet was …", "'I told him no,' Trump said" (the "I think" and "I told" are
    the quoted person's too). Only where the quoted statement's speaker is a named person and
    the "I" lies in its quoted words (a direct or mixed quote, or a transcript turn); a
    quoted "I" that no such statement holds, in a transcript, is the latest turn's speaker.
    An "I" outside every quotation is the article's ``writer`` (see :func:`_writer`), where
    its foot names one."""
    quoted = [
        s
        for s in statements
        if s.speaker.kind == "person" and s.speaker.name and (s.kind != "indirect" or s.cue is None)
    ]
    # the turns of a transcript ("PENCE: …"), whoever speaks them: an "I" in quoted words
    # past a turn's first paragraph is that turn's speaker's, until the next turn
    turns = [s for s in statements if s.cue is not None and s.cue.text == ":" and s.speaker.span]
    text = nlp.text_of(doc)
    for stmt in statements:
        sp = stmt.speaker
        if sp.name or sp.span is None or text[sp.span[0] : sp.span[1]] != "I":
            continue
        around = next(
            (
                q
                for q in quoted
                if q is not stmt
                and any(s <= sp.span[0] and sp.span[1] <= e for s, e in q.content_spans)
            ),
            None,
        )
        if around is None and stmt.kind != "indirect":  # a transcript turn's later paragraph
            around = max(
                (q for q in turns if q.speaker.span[0] < sp.span[0]),
                key=lambda q: q.speaker.span[0],
                default=None,
            )
        if around is not None and around.speaker.name:
            sp.name, sp.kind = around.speaker.name, "person"
        elif around is None and writer and not _inside_quotes(text, sp.span[0]):
            sp.name, sp.kind = writer, "person"  # "I know all about Donald Trump …"
