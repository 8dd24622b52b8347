"""When the guides disagree: every figure for a topic with its source and period, and why they differ."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answering import Message
from actions.replies import citation, joined
from actions.store import store
from knowledge.queries import FactView

# The figures worth comparing for each topic, and how to name them in a sentence.
COMPARABLE = {
    "salary": (("median", "average", "range", "entry_level", "state"), "pay"),
    "outlook": (("growth", "openings", "state_growth"), "job growth"),
}
TOPIC_WORDS = {
    "outlook": r"growth|grow|outlook|openings|jobs? (will|to) be|demand|percent|%",
    "salary": r"salar|pay|paid|earn|wage|income|make|\$|\d+\s?k\b",
}
YEAR = re.compile(r"\b(19[89]\d|20[0-4]\d)\b")
AMOUNT = re.compile(r"\$\s?(\d[\d,]*(?:\.\d+)?)\s*(k\b|thousand)?|\b(\d[\d,]*(?:\.\d+)?)\s*(k\b|thousand)", re.IGNORECASE)
# A figure quoted by the user "matches" one in the guides within this share of it.
MATCH_SHARE = 0.03


def topic_of(text: str, current: Optional[str]) -> str:
    for topic, pattern in TOPIC_WORDS.items():
        if re.search(pattern, text, re.IGNORECASE):
            return topic
    return current if current in COMPARABLE else "salary"


def amount_in(text: str) -> Optional[float]:
    """A money amount the user quotes ("$37k", "37,000 dollars"), if any."""
    match = AMOUNT.search(text)
    if not match:
        return None
    number = match.group(1) or match.group(3)
    unit = match.group(2) or match.group(4)
    value = float(number.replace(",", ""))
    return value * 1000 if unit else value


def figures(topic: str) -> List[FactView]:
    """A topic's figures (facts that carry a value), newest first, undated ones last."""
    aspects, _ = COMPARABLE[topic]
    found = [f for f in store().topic_facts(topic, aspects) if f.value is not None]
    return sorted(found, key=lambda f: (f.year is None, -(f.year or 0)))


def figure_line(fact: FactView) -> str:
    """One figure as a bullet: the fact's own words, then where and when it comes from."""
    where = citation(fact).removeprefix("Source: ").rstrip(".")
    return f"• {fact.answer} ({where})"


def matches(fact: FactView, amount: float) -> bool:
    values = [v for v in (fact.value, fact.value_max) if v is not None]
    return any(abs(v - amount) <= MATCH_SHARE * max(v, 1) for v in values)


def differences(facts: Sequence[FactView]) -> List[Message]:
    """Why these figures differ: the periods, the measures, the groups they cover."""
    messages: List[Message] = []
    years = sorted({f.year for f in facts if f.year})
    if len(years) > 1:
        messages.append({"response": "utter_figures_differ_period", "years": joined([str(y) for y in years])})
    if {"median", "average"} <= {f.aspect for f in facts}:
        messages.append({"response": "utter_figures_differ_measure"})
    if len({f.scope_type for f in facts}) > 1:
        messages.append({"response": "utter_figures_differ_scope"})
    if any(f.year is None for f in facts) and any(f.year for f in facts):
        messages.append({"response": "utter_figures_differ_undated"})
    return messages


def compare(text: str, topic: str) -> List[Message]:
    """The reply to "why do other sites say $37k?", "show me all the salary figures" or
    "what was it in 2014?"."""
    _, what = COMPARABLE[topic]
    facts = figures(topic)
    if not facts:
        return [{"response": "utter_no_facts"}]
    latest = next((f for f in facts if f.scope_type == "national" and f.year), facts[0])
    year = YEAR.search(text)
    amount = amount_in(text) if topic == "salary" else None
    messages: List[Message] = []
    if year:
        in_year = [f for f in facts if f.year == int(year.group(1))]
        if not in_year:
            years = joined(sorted({str(f.year) for f in facts if f.year}))
            return [{"response": "utter_no_figures_for_year", "what": what, "year": year.group(1), "years": years}]
        messages.append({"response": "utter_figures_for_year", "year": year.group(1)})
        messages.append({"text": "\n".join(figure_line(f) for f in in_year)})
        shown = in_year + ([latest] if latest not in in_year else [])
        messages.extend(differences(shown))
        if latest not in in_year:
            messages.append({"response": "utter_figures_latest", "latest": figure_line(latest).lstrip("• ")})
        return messages
    if amount is not None:
        matched = [f for f in facts if matches(f, amount)]
        if matched:
            messages.append({"response": "utter_figure_matches"})
            messages.append({"text": "\n".join(figure_line(f) for f in matched)})
        else:
            messages.append({"response": "utter_figure_not_found", "amount": f"${amount:,.0f}"})
    messages.append({"response": "utter_figures_intro", "count": len(facts), "what": what})
    messages.append({"text": "\n".join(figure_line(f) for f in facts)})
    messages.extend(differences(facts))
    messages.append({"response": "utter_figures_latest", "latest": figure_line(latest).lstrip("• ")})
    return messages


class ActionCompareFigures(Action):
    """Lists every figure the guides give for pay or growth, with sources, and explains the gaps."""

    def name(self) -> Text:
        return "action_compare_figures"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        topic = topic_of(text, tracker.get_slot("topic"))
        for message in compare(text, topic):
            dispatcher.utter_message(**message)
        return [SlotSet("topic", topic)]
