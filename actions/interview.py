"""Interview practice: feedback on each answer from what the guides say it should cover."""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.specs import Message
from actions.flows import SKIP, CoachingFormValidation, coaching, fact_messages
from actions.replies import joined


def scores_of(kept: Any) -> Dict[str, List[int]]:
    """The practice's scores as kept in the `interview_scores` slot: {question slot: [covered, of]}."""
    try:
        scores = json.loads(kept or "{}")
    except (TypeError, ValueError):
        return {}
    return scores if isinstance(scores, dict) else {}


def interview() -> List[Dict[str, Any]]:
    return coaching()["interview"]


def interview_question(slot: str) -> Dict[str, Any]:
    return next(q for q in interview() if q["slot"] == slot)


def covered_points(slot: str, answer: str) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """The key points of a good answer that this answer covers, and those it misses."""
    points = interview_question(slot)["points"]
    covered = [p for p in points if re.search(p["pattern"], answer, re.IGNORECASE)]
    return covered, [p for p in points if p not in covered]


def feedback(slot: str, answer: str) -> List[Message]:
    """Feedback on one interview answer: what it covered, what to add, and why (a sourced fact)."""
    covered, missing = covered_points(slot, answer)
    messages: List[Message] = []
    if covered:
        messages.append({"response": "utter_interview_covered", "points": joined([p["label"] for p in covered])})
    if missing:
        messages.append({"response": "utter_interview_missing", "points": joined([p["label"] for p in missing])})
        messages.extend(fact_messages([missing[0]["fact"]]))
    else:
        messages.append({"response": "utter_interview_all_covered"})
    return messages


class ValidateInterviewForm(CoachingFormValidation):
    """Gives feedback on each interview answer and keeps only the score, not the answer."""

    def name(self) -> Text:
        return "validate_interview_form"

    def check(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        answer = "" if SKIP.match(str(value)) else str(value)
        if not answer:
            dispatcher.utter_message(response="utter_interview_skipped")
        for message in feedback(slot, answer):
            dispatcher.utter_message(**message)
        covered, missing = covered_points(slot, answer)
        scores = scores_of(tracker.get_slot("interview_scores"))
        scores[slot] = [len(covered), len(covered) + len(missing)]
        return {slot: "answered", "interview_scores": json.dumps(scores)}


def interview_summary(scores: Dict[str, List[int]]) -> List[Message]:
    got = sum(s[0] for s in scores.values())
    total = sum(s[1] for s in scores.values()) or 1
    weakest = min(interview(), key=lambda q: scores.get(q["slot"], [0, 1])[0] / scores.get(q["slot"], [0, 1])[1])
    messages: List[Message] = [
        {"response": "utter_interview_summary", "covered": got, "total": total, "answered": len(scores)},
        {"response": f"utter_interview_topic_{weakest['slot']}"},
    ]
    messages.extend(fact_messages(["job-search-interview-g000"]))
    return messages


class ActionInterviewSummary(Action):
    """Ends interview practice with a summary: key points covered, and what to work on."""

    def name(self) -> Text:
        return "action_interview_summary"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        scores = scores_of(tracker.get_slot("interview_scores"))
        for message in interview_summary(scores):
            dispatcher.utter_message(**message)
        return []
