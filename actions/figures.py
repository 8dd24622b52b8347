"""When the guides disagree: every figure for a topic with its source and period, and why they differ."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.specs import Message, intent_for_topic
from actions.quoting import gives_figure
from actions import quantities
from actions.breakdown import FIGURE_WORDS
from actions.replies import figure_value, joined
from actions.store import store
from actions.superlatives import ranked_answer
from knowledge.queries import FactView

# The figures worth comparing for each topic, and how to name them in a sentence.
COMPARABLE = {
    "salary": (("median", "average", "range", "entry_level", "state"), "pay"),
    "outlook": (("growth", "openings", "state_growth"), "job growth"),
}
# Figures listed for one year at most.
MAX_LISTED = 4


def topic_of(text: str, current: Optional[str]) -> str:
    for topic, pattern in FIGURE_WORDS.items():
        if re.search(pattern, text, re.IGNORECASE):
            return topic
    return current if current in COMPARABLE else "salary"


def figures(topic: str) -> List[FactView]:
    """A topic's figures (facts that carry a value), newest first, undated ones last."""
    aspects, _ = COMPARABLE[topic]
    found = [f for f in store().topic_facts(topic, aspects) if f.value is not None]
    return sorted(found, key=lambda f: (f.year is None, -(f.year or 0)))


def figure_line(fact: FactView) -> str:
    """One figure as a short bullet: the figure, what it measures and for whom, and its guide
    and period ("undated" where the guide gives none)."""
    scope = "" if fact.scope_type == "national" else f", {fact.scope_name}"
    return f"• {figure_value(fact)}, {fact.measure}{scope} ({fact.source.title}, {fact.period or 'undated'})"


def why_they_differ(facts: Sequence[FactView]) -> str:
    """One sentence on why these figures differ: their years, their measures, their groups."""
    reasons = []
    years = sorted({f.year for f in facts if f.year})
    if len(years) > 1:
        reasons.append(f"they come from different years ({years[0]} to {years[-1]})")
    if {"median", "average"} <= {f.aspect for f in facts}:
        reasons.append("some are medians (the middle earner) and some averages (pulled up by the best paid)")
    if len({f.scope_type for f in facts}) > 1:
        reasons.append("some cover one state, level or percentile rather than the whole country")
    if any(f.year is None for f in facts) and any(f.year for f in facts):
        reasons.append("some guides don't date theirs")
    return ("They differ because " + joined(reasons) + ".") if reasons else ""


def latest_line(latest: FactView) -> str:
    return f"Go by the most recent nationwide figure: {figure_line(latest).lstrip('• ')}."


def compare(message: Message, topic: str) -> List[Message]:
    """The reply to "why do other sites say $37k?", "show me all the salary figures" or
    "what was it in 2014?": the figures in question, one sentence on why they differ, and the
    one to go by, as one short message after a one-line header."""
    _, what = COMPARABLE[topic]
    facts = figures(topic)
    if not facts:
        return [{"response": "utter_no_facts"}]
    latest = next((f for f in facts if f.scope_type == "national" and f.year), facts[0])
    year = next(iter(quantities.years(message)), None)
    amount = next(iter(quantities.amounts(message)), None) if topic == "salary" else None

    def body(shown: Sequence[FactView]) -> Message:
        compared = list(shown) + ([latest] if latest not in shown else [])
        lines = [figure_line(f) for f in shown]
        lines += [line for line in (why_they_differ(compared),) if line]
        if latest not in shown or len(shown) > 1:
            lines.append(latest_line(latest))
        return {"text": "\n".join(lines)}

    if year:
        in_year = [f for f in facts if f.year == year]
        if not in_year:
            years = joined(sorted({str(f.year) for f in facts if f.year}))
            return [{"response": "utter_no_figures_for_year", "what": what, "year": str(year), "years": years}]
        return [{"response": "utter_figures_for_year", "year": str(year)}, body(in_year[:MAX_LISTED])]
    if amount is not None:
        # The figures the amount matches, the nearest first ("46,590" before the 47,190 beside it).
        matched = sorted(
            (f for f in facts if gives_figure(f, amount) is not None), key=lambda f: gives_figure(f, amount)
        )
        if matched:
            return [{"response": "utter_figure_matches"}, body(matched[:2])]
        return [{"response": "utter_figure_not_found", "amount": f"${amount:,.0f}"}, body([latest])]
    return [{"response": "utter_figures_intro", "count": len(facts), "what": what}, body(facts)]


class ActionCompareFigures(Action):
    """Lists every figure the guides give for pay or growth, with sources, and explains the gaps."""

    def name(self) -> Text:
        return "action_compare_figures"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        ranked, top = ranked_answer(text, tracker.get_slot("topic"), tracker.get_slot("last_facts") or [])
        if top:  # "which industry pays the most": one figure, not the list
            for message in ranked:
                dispatcher.utter_message(**message)
            return [
                SlotSet("topic", top.topic),
                SlotSet("last_intent", intent_for_topic(top.topic)),
                SlotSet("scope", None),
                SlotSet("last_facts", [top.id]),
            ]
        topic = topic_of(text, tracker.get_slot("topic"))
        for message in compare(tracker.latest_message, topic):
            dispatcher.utter_message(**message)
        # The figures are the whole country's, of the topic's main question: "so what's the newest
        # number?" or "and in Texas?" next asks that question again.
        return [SlotSet("topic", topic), SlotSet("last_intent", intent_for_topic(topic)), SlotSet("scope", None)]
