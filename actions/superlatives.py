"""'Which industry pays the most?', 'which state is growing fastest', 'and which one was the
lowest?': of the states, industries, levels or employers the guides give a figure for, the one
with the highest or the lowest, with its fact and source.

The kind is named in the question, or, for "which one", is the kind of the facts the last reply
showed. Figures are compared only in one unit: countries' pay, in seven currencies, is not
ranked. The guides often list only the top few of a kind, so the reply says how many it compared.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from typing import Any, Dict, List, Optional, Sequence, Tuple

from actions.breakdown import KIND_WORDS, FIGURE_WORDS, ladder, time_to_level
from actions.replies import reply_text
from actions.store import store, vocabulary
from knowledge.queries import FactView
from knowledge.retrieval import question_parts

HIGHEST = re.compile(r"\b(most|highest|best|top|biggest|largest|fastest|greatest)\b", re.IGNORECASE)
LOWEST = re.compile(r"\b(lowest|least|worst|smallest|slowest|cheapest|bottom)\b", re.IGNORECASE)
WHICH = re.compile(r"\b(which|what|where|who)\b", re.IGNORECASE)
KIND = re.compile(r"\b(" + "|".join(sorted(map(re.escape, KIND_WORDS), key=len, reverse=True)) + r")\b", re.IGNORECASE)
# "which one", "which of them": the kind of what was just shown.
ONE_OF_THOSE = re.compile(r"\bwhich (one|of (them|those|these))\b|\bwho\b", re.IGNORECASE)
# What each topic's figures are called in the first line.
WHAT = {"salary": "pay", "outlook": "growth"}
KINDS = {
    "state": "states",
    "country": "countries",
    "industry": "industries",
    "experience_level": "experience levels",
    "employer": "employers",
}
HIGH_WORDS = {"salary": "pays the most", "outlook": "grows the fastest"}
LOW_WORDS = {"salary": "pays the least", "outlook": "grows the slowest"}


def comparable(topic: str, kind: str) -> List[FactView]:
    """The topic's facts about one name each of this kind that carry a figure, all in one unit;
    [] when fewer than two share it."""
    facts = [f for f in store().topic_facts(topic, None) if f.scope_type == kind and f.value is not None]
    units = Counter(f.unit for f in facts)
    if not units:
        return []
    unit, count = units.most_common(1)[0]
    return [f for f in facts if f.unit == unit] if count >= 2 and count == len(facts) else []


def kind_named(text: str) -> Optional[str]:
    """The kind of thing a question names ("industries", or misspelt, "indsutry"), if any."""
    named = KIND.search(text)
    if named:
        return KIND_WORDS[named.group(1).lower()]
    for word in re.findall(r"[a-z]{5,}", text.lower()):
        close = difflib.get_close_matches(word, [k for k in KIND_WORDS if len(k) >= 5], n=1, cutoff=0.85)
        if close:
            return KIND_WORDS[close[0]]
    return None


def asked(text: str, topic: Optional[str], shown: Sequence[str]) -> Optional[Dict[str, Any]]:
    """What a superlative question asks: its topic, kind and direction; None when it is not one."""
    lowest, highest = LOWEST.search(text), HIGHEST.search(text)
    if not (lowest or highest) or not WHICH.search(text):
        return None
    kind = kind_named(text)
    pointing = kind is None and bool(ONE_OF_THOSE.search(text))
    if pointing:
        kinds = Counter(f.scope_type for f in store().facts_by_id(list(shown)) if f.scope_type != "national")
        kind = kinds.most_common(1)[0][0] if kinds else None
    # Pay or growth, by the question's words ("pays", "growing"), or, for "which one", the
    # conversation's; "the best state to live in" is neither.
    by_words = next((t for t, pattern in FIGURE_WORDS.items() if re.search(pattern, text, re.IGNORECASE)), None)
    topic = by_words or (topic if pointing and topic in WHAT else None)
    if kind is None or topic is None:
        return None
    return {"topic": topic, "kind": kind, "lowest": bool(lowest)}


def superlative(
    text: str, topic: Optional[str] = None, shown: Sequence[str] = ()
) -> Tuple[List[Dict[str, Any]], Optional[FactView]]:
    """The reply to a superlative question (to each, in a message asking two: "which state pays
    the most, and which is growing fastest?") and the last fact it gives; ([], None) when the
    message, or one of its questions, is not one or the guides have nothing to rank."""
    messages: List[Dict[str, Any]] = []
    fact = None
    for part in question_parts(text) or [text]:
        replies, fact = one_superlative(part, topic, shown)
        if not fact:
            return [], None
        messages += replies
    return messages, fact


def one_superlative(
    text: str, topic: Optional[str], shown: Sequence[str]
) -> Tuple[List[Dict[str, Any]], Optional[FactView]]:
    question = asked(text, topic, shown)
    facts = comparable(question["topic"], question["kind"]) if question else []
    if not facts:
        return [], None
    pick = (min if question["lowest"] else max)(facts, key=lambda f: f.value)
    words = (LOW_WORDS if question["lowest"] else HIGH_WORDS)[question["topic"]]
    return [
        {
            "response": "utter_superlative",
            "count": len(facts),
            "kind": KINDS.get(question["kind"], question["kind"]),
            "what": WHAT[question["topic"]],
            "name": pick.scope_name,
            "words": words,
        },
        {"text": reply_text([pick])},
    ], pick


# "anything cheaper than a 2 year degree?", "a less expensive option than the associate's":
# the programs whose figure for that aspect is lower than the named one's.
LOWER = {
    "cost": re.compile(r"\b(cheaper|less expensive|more affordable|lower[- ]cost|costs? less)\b", re.IGNORECASE),
}
LOWER_WORDS = {"cost": "cost less than"}


def comparative(text: str, shown: Sequence[str] = ()) -> Tuple[List[Dict[str, Any]], Optional[FactView]]:
    """The reply to "is there anything cheaper than X?" and the fact it gives: the option with the
    lowest figure below X's (X named after "than", else the option just shown); ([], None) when
    the message asks no such thing or nothing is lower."""
    aspect = next((a for a, pattern in LOWER.items() if pattern.search(text)), None)
    if aspect is None:
        return [], None
    # The programs' figures (the reply names programs).
    facts = [f for f in store().facts_with_values() if f.aspect == aspect and f.scope_type == "degree_type"]
    than = re.split(r"\bthan\b", text, maxsplit=1, flags=re.IGNORECASE)
    named = [
        n.lower()
        for kind in {f.scope_type for f in facts}
        for n in vocabulary().find_in_text(kind, than[1] if len(than) > 1 else "")
    ]
    reference = [f for f in facts if f.scope_name.lower() in named] or [
        f for f in store().facts_by_id(list(shown)) if f.aspect == aspect and f.value is not None
    ]
    if not reference:
        return [], None
    ref = reference[0]
    lower = sorted(
        (f for f in facts if f.scope_type == ref.scope_type and f.unit == ref.unit and f.value < ref.value),
        key=lambda f: f.value,
    )
    if not lower:
        return [], None
    return [
        {"response": "utter_lower", "name": lower[0].scope_name, "words": LOWER_WORDS[aspect], "than": ref.scope_name},
        {"text": reply_text([lower[0]])},
    ], lower[0]


def ranked_answer(
    text: str, topic: Optional[str] = None, shown: Sequence[str] = ()
) -> Tuple[List[Dict[str, Any]], Optional[FactView]]:
    """A superlative's, a comparative's, the career ladder's or a level's reply (how long it takes
    to reach it), if the message asks one."""
    messages, fact = superlative(text, topic, shown)
    if not fact:
        messages, fact = comparative(text, shown)
    if not fact:
        messages, levels = ladder(text)
        fact = levels[0] if levels else None
    if not fact:
        reached = time_to_level(text)  # "how many years before I could be a supervisor?"
        messages, fact = ([{"text": reply_text([reached[0]])}], reached[0]) if reached else ([], None)
    return messages, fact
