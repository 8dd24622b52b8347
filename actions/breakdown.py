"""'Pay by country', 'by industry please': one line for each place, level or industry the guides
give a figure for, instead of one fact about one of them.

Every pay answer offers to break pay down by state, country, experience level or industry; a
person who answers with the kind rather than a name ("by industry please") gets the whole list.
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

from actions.replies import figure_value, source_line
from actions.scope import experience_levels
from actions.store import store, vocabulary
from knowledge.queries import FactView

# The words that name a kind of scope after "by", "per", "in each"... -> the facts' scope type.
KIND_WORDS = {
    "state": "state",
    "states": "state",
    "country": "country",
    "countries": "country",
    "industry": "industry",
    "industries": "industry",
    "sector": "industry",
    "sectors": "industry",
    "level": "experience_level",
    "levels": "experience_level",
    "experience level": "experience_level",
    "experience levels": "experience_level",
    "experience": "experience_level",
    "seniority": "experience_level",
    "employer": "employer",
    "employers": "employer",
}
BY_KIND = re.compile(
    r"\b(by|per|for each|in each|each|every|across|between|in different)\s+(the\s+)?"
    r"(?P<kind>experience levels?|" + "|".join(sorted(KIND_WORDS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
# How each kind is said in the reply's first line.
KIND_LABELS = {
    "state": "state",
    "country": "country",
    "industry": "industry",
    "experience_level": "experience level",
    "employer": "employer",
}
# The words that say a question about figures is about pay or about growth (the two topics with
# figures to break down, rank and compare; knowledge/topics.yml has every topic's own words).
FIGURE_WORDS = {
    "outlook": r"growth|grow|outlook|openings|jobs? (will|to) be|demand|percent|%",
    "salary": r"salar|pay|paid|earn|wage|income|make|\$|\d+\s?k\b",
}
# What a topic's figures are called in the first line.
TOPIC_LABELS = {"salary": "Pay", "outlook": "Job growth"}
MAX_LINES = 8


def asked_kind(text: str) -> Optional[str]:
    """The scope type a message asks to break down by ("pay by country" -> "country"), if any."""
    found = BY_KIND.search(text or "")
    return KIND_WORDS.get(re.sub(r"\s+", " ", found.group("kind").lower())) if found else None


def breakdown_facts(topic: str, kind: str) -> List[FactView]:
    """For each name of that kind the topic has a figure for, its newest such fact, curators' order."""
    facts = []
    for name in store().scope_names(topic, kind):
        figured = [f for f in store().scoped_facts(topic, kind, name) if f.value is not None]
        if figured:
            facts.append(figured[0])
    return facts[:MAX_LINES]


def breakdown(topic: str, kind: str) -> List[dict]:
    """The reply: a first line, one bullet a name, one source line; [] when there are fewer than two."""
    facts = breakdown_facts(topic, kind)
    if len(facts) < 2 or topic not in TOPIC_LABELS:
        return []
    measures = {f.measure for f in facts}
    lines = [f"• {f.scope_name}: {figure_value(f)}" for f in facts]
    first = {
        "response": "utter_breakdown",
        "what": TOPIC_LABELS[topic],
        "kind": KIND_LABELS[kind],
        "measure": f" ({measures.pop()})" if len(measures) == 1 else "",
    }
    return [first, {"text": "\n".join(lines + [source_line(facts)])}]


# "what does the career ladder look like?", "the different levels you go through": the levels.
LADDER = re.compile(
    r"\b(career )?ladder\b|\b(levels?|stages?|ranks?)\b[^.?!]{0,30}\b(go through|career|climb|move up)\b"
    r"|\b(different|the|what are the|which) (levels|stages)\b",
    re.IGNORECASE,
)


def ladder(text: str) -> Tuple[List[dict], List[FactView]]:
    """The reply to a question about the career's levels: each level's title and usual years, in
    order, with one source line; ([], []) when the message does not ask it."""
    # "HIM manager pay?? like the top of the ladder" asks about one level, or about pay.
    if (
        not LADDER.search(text or "")
        or vocabulary().find_in_text("experience_level", text)
        or re.search(FIGURE_WORDS["salary"], text, re.IGNORECASE)
    ):
        return [], []
    levels = experience_levels()
    if len(levels) < 2:
        return [], []
    lines = [
        f"• {(f.items or [f.scope_name])[0]}: "
        + (f"{f.value:g}-{f.value_max:g} years" if f.value_max is not None else f"{f.value:g}+ years")
        for f in levels
    ]
    return [
        {"response": "utter_ladder", "count": len(levels)},
        {"text": "\n".join(lines + [source_line(levels)])},
    ], levels


# "how many years before someone can become a manager?", "how long to make senior?"
HOW_LONG = re.compile(r"\b(how long|how many (years|yrs)|how soon|when can|when could|how fast)\b", re.IGNORECASE)


NEXT_STEP = re.compile(r"\bnext (level|step up|rung|promotion)\b|\blevel up\b", re.IGNORECASE)


def time_to_level(text: str) -> List[FactView]:
    """The level a question asks how long it takes to reach, as its fact (its usual years of
    experience), when it names one; [] otherwise."""
    if not HOW_LONG.search(text or ""):
        return []
    levels = experience_levels()
    named = [n.lower() for n in vocabulary().find_in_text("experience_level", text)]
    if not named and NEXT_STEP.search(text) and len(levels) > 1:
        return levels[1:2]  # "how long until the next level up", said by someone starting out
    return [f for f in levels if f.scope_name.lower() in named][:1]
