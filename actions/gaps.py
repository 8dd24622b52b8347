"""What the guides do not give: a kind of figure, a year, a name, asked but not in the facts chosen.

`actions/answering.py` says so plainly before the closest fact ("The guides don't give exactly
that"); `actions/weighing.py` also reads which kind of figure a part of a question asks for.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Optional, Sequence

from actions.quantities import YEAR, years
from knowledge.queries import FactView
from knowledge.retrieval import CAREER_NAME, terms
from knowledge.vocabulary import known_words

# The newest year any guide speaks of: a later year asked about is beyond all of them.
GUIDES_NEWEST = 2025
# What kind of figure a question asks for, and how a fact that gives one shows it.
QUANTITIES = (
    (
        re.compile(r"\b(how much|costs?|fees?|price|tuition|charges?|how much .* (earn|make|pay))\b", re.IGNORECASE),
        re.compile(r"[$€£]|\b(dollars?|USD|CAD|AUD|GBP|EUR|SEK|BRL|SGD|free)\b"),
    ),
    (
        re.compile(
            r"\b(what percent|what percentage|what share|how many percent|(pass|passing|acceptance|success) rate)\b",
            re.IGNORECASE,
        ),
        re.compile(r"\d\s*(%|percent)"),
    ),
    (re.compile(r"\b(how many|score|speed|words per minute)\b", re.IGNORECASE), re.compile(r"\d")),
    # "which organization hands out the CPC?": a fact that names no awarding body does not say.
    (
        re.compile(
            r"\bwho\s+(runs|issues|awards|gives( out)?|hands out|offers|administers|grants|oversees|certifies|"
            r"assesses|evaluates|recogni[sz]es|accredits)\b"
            r"|\b(which|what)\s+(organi[sz]ation|body|group|association|agency)\b.*\b(runs|issues|awards|gives|"
            r"hands?|offers|administers|grants|oversees|certifies)\b",
            re.IGNORECASE,
        ),
        re.compile(
            r"\b(Association|Commission|Council|Board|Bureau|Institute|Academy|Society|Agency|AHIMA|NHA|AAPC|"
            r"NCRA|CAHIIM|AHDI|WES|ANMAC)\b"
        ),
    ),
    (
        re.compile(r"\bhow long\b", re.IGNORECASE),
        re.compile(r"\b(years?|months?|weeks?|days?|hours?|minutes?|semesters?|quarters?)\b", re.IGNORECASE),
    ),
)


def missing_figure(text: str, facts: Sequence[FactView]) -> bool:
    """True when the question asks for a kind of figure (a cost, a percentage, a count, a span
    of time), an awarding body, or whether something is online, part-time or accredited, and
    none of the facts chosen to answer it says."""
    quality = QUALITY.search(text or "")
    if quality and not any(
        re.search(rf"\b{quality.group(1)[:6]}", " ".join([f.answer, *f.items, *f.points]), re.I) for f in facts
    ):
        return True  # "is Sinclair's program fully online?": a fact that never says online does not say
    per = PER_UNIT.search(text or "")
    if per:  # "how much per hour": a yearly salary is not an hourly wage
        unit = (per.group(1) or per.group(2) or "").lower()
        if not any(
            re.search(rf"\b{unit}(ly|s)?\b", " ".join([f.answer, f.unit or "", f.measure]), re.I) for f in facts
        ):
            return True
    share = SHARE_OF.search(text or "")
    if share:  # "what percent of techs are women": a percentage of something else does not say
        head = terms(CAREER_NAME.sub(" ", share.group(1)))[-1:]
        if head and not said(head[0], facts):
            return True
    measured = HOW_LONG_OF.search(text or "") or COST_OF.search(text or "")
    if measured:  # "how long does a WES evaluation take": a program's length is not the evaluation's
        thing = next(g for g in measured.groups() if g)
        head = terms(re.split(r"\s(?:for|in|at|with|to)\s", CAREER_NAME.sub(" ", thing), 1)[0])[-1:]
        if head and head[0] not in PATH_WORDS and not said(head[0], facts):
            return True
    counted = HOW_MANY.search(text or "")
    if counted:  # "how many openings in Texas": a figure of openings, not Texas's growth in percent
        noun = set(terms(counted.group(1)))
        return not any(
            re.search(r"\d", f.answer) and noun <= set(terms(" ".join([f.measure, f.answer, f.unit or ""])))
            for f in facts
        )
    for asked, given in QUANTITIES:
        if asked.search(text or ""):
            return not any(given.search(f.answer) for f in facts)
    return False


def said(word: str, facts: Sequence[FactView]) -> bool:
    """Whether any of the facts uses the word (as `terms` gives it) in what it measures or says."""
    return any(word in terms(" ".join([f.measure, f.answer, f.scope_name, *f.items, *f.points])) for f in facts)


# "is it available online?", "can I do it part-time?": a yes-or-no about one quality of a program.
QUALITY = re.compile(
    r"\b(?:is|are|can|could|do|does)\b.*\b(online|part[- ]time|evenings?|weekends?|accredited)\b", re.IGNORECASE
)
# "per hour", "an hour", "hourly": a figure per unit of time.
PER_UNIT = re.compile(r"\b(?:per|an|a|each|by the)\s+(hour|week|month)\b|\b(hour|week|month)ly\b", re.IGNORECASE)
# "how long does a WES evaluation take", "how many hours long is the RHIT exam": what lasts. Not
# "how long does it take to ...": that asks about a path, named in other words than the facts'.
HOW_LONG_OF = re.compile(
    r"\bhow (?:long|many (?:hours|minutes|days|weeks|months|years)(?: long)?)\s+"
    r"(?:does|do|is|are|will|would|did|should)\s+(?!(?:it|that|this|they)\s+(?:take|last)\b)"
    r"(?!it\b|i\b|you\b|they\b)"
    r"(.{2,60}?)\s*(?:\btake\b|\blast\b|\brun\b|\busually\b|\btypically\b|\bnormally\b|[?.!]|$)",
    re.IGNORECASE,
)
# "how much does that exam cost", "what would the evaluation cost": what is priced.
COST_OF = re.compile(
    r"\bhow much\s+(?:does|do|is|are|will|would)\s+(?!it\b|that\s+cost|this\s+cost)(.{2,60}?)\s+"
    r"(?:cost|run)\b|\bwhat\s+(?:does|do|will|would)\s+(?!it\b)(.{2,60}?)\s+cost\b",
    re.IGNORECASE,
)
# The words for a course of study, which the facts name in many ways ("the training", "school", "a
# cert"): a question about how long or how much one is leaves the facts' wording to the ranking.
PATH_WORDS = frozenset(
    terms(
        "training school schooling program programme course courses classes class education "
        "degree certificate cert associate associates bachelor bachelors study studies diploma "
        "qualification"
    )
)
# "what percent of techs are women", "what share of records techs belong to a union": what is counted.
SHARE_OF = re.compile(
    r"\bwhat (?:percent(?:age)?|share|proportion|fraction|portion) of (?:all |the )?(.{3,80}?)\s*(?:[?.!]|$)",
    re.IGNORECASE,
)
# "how many openings", "how many questions": what is counted.
HOW_MANY = re.compile(r"\bhow many\s+(?:new\s+|more\s+)?([a-z]{3,})\b", re.IGNORECASE)


# A name as people write one: capitalised words in a row ("GI Bill", "Oracle Health") or capitals
# ("SQL"), not the first word of a sentence (capitalised anyway) nor "I".
NAME = re.compile(
    r"(?<![.?!]\s)(?<!^)\b(?!I\b|I'm\b|I've\b|I'd\b|I'll\b)"
    r"((?:[A-Z][A-Za-z'&-]*)(?: +(?!I\b)(?:[A-Z][A-Za-z'&-]*))*)"
)


INTRODUCED = re.compile(
    r"\b(name is|name's|i'm|i am|im|this is|call me|called|from|live in|in|at|for)\s+$", re.IGNORECASE
)


def unmentioned_names(text: str, named: Iterable[str] = ()) -> List[str]:
    """The names in a question that no fact (nor the vocabulary) ever uses: "Do they take the GI
    Bill?", "do I need SQL?". Names of places and other things the NLU found are left out: the
    coach already says when it has nothing for those."""
    known = known_words()
    skip = {n.lower() for n in named}
    found = []
    text = (text or "").strip()
    for match in NAME.finditer(text):
        name = match.group(1).strip(" .'")
        if INTRODUCED.search(text[: match.start()]):  # "my name is Maria", "I'm Sam": a person
            continue
        words = re.findall(r"[A-Za-z][A-Za-z']*", name)
        if name.lower() in skip or not words:
            continue
        if any(w.lower().strip("'") not in known for w in words):
            found.append(name)
    return found


# "my name is Maria", "I'm Sam": a person, not a thing the question is about.
PERSON_INTRODUCED = re.compile(r"\b(name is|name's|i'm|i am|im|this is|call me|called)\s+$", re.IGNORECASE)


# Figures asked in other words than QUANTITIES': pay and growth.
ASKED_FIGURES = QUANTITIES + (
    (re.compile(r"\b(pay|paid|salary|salaries|wages?|earn\w*|make|start(ing)? at)\b", re.IGNORECASE), QUANTITIES[0][1]),
    (re.compile(r"\b(how fast|grow\w*|growth)\b", re.IGNORECASE), QUANTITIES[1][1]),
)


def figure_asked(text: Optional[str]) -> Optional["re.Pattern"]:
    """What a fact that gives the kind of figure a question asks for says, if it asks for one."""
    for asked, given in ASKED_FIGURES:
        if asked.search(text or ""):
            return given
    return None


def asks_figure(text: str) -> bool:
    """The question asks for a kind of figure or body (QUANTITIES): a cost, a share, a count..."""
    return any(asked.search(text or "") for asked, _ in QUANTITIES)


def names_not_answered(text: str, facts: Sequence[FactView], named: Iterable[str] = ()) -> List[str]:
    """The names in a question that the guides know ("Sinclair College") but the chosen facts do
    not speak of: "what's the tuition at Sinclair College?" answered with what colleges cost in
    general. Acronyms are left out (the facts spell them out), and so are the things the NLU
    found (their scope says when the guides have nothing for them)."""
    known = known_words()
    skip = {n.lower() for n in named}
    said = " ".join(" ".join((f.answer, f.scope_name, *f.items, *f.points)) for f in facts).lower()
    text = (text or "").strip()
    found = []
    for match in NAME.finditer(text):
        name = match.group(1).strip(" .'")
        words = [w for w in re.findall(r"[A-Za-z][A-Za-z']*", name) if not w.isupper()]
        if not words or name.lower() in skip or PERSON_INTRODUCED.search(text[: match.start()]):
            continue
        # known words all, and the name's own first word ("Sinclair" of "Sinclair College") unsaid
        if all(w.lower() in known for w in words) and not re.search(rf"\b{re.escape(words[0].lower())}", said):
            found.append(name)
    return found


def year_not_covered(message: Dict[str, Any], facts: Sequence[FactView]) -> Optional[str]:
    """A year the question asks about that is later than every dated fact's, if any (and later
    than 2025, the guides' newest, when the facts are undated: "a supervisor's pay in 2030")."""
    # A projection's period counts to its last year ("2016-2026").
    covered = [f.year for f in facts if f.year] + [int(y) for f in facts for y in YEAR.findall(f.period or "")]
    latest = max(covered, default=0)
    for year in years(message):
        if year > max(latest, GUIDES_NEWEST):
            return str(year)
    return None
