"""Starting a coaching flow: a personal plan (plan.py), a skills check (skills_check.py) or
interview practice (interview.py); what they share is in flows.py."""

from __future__ import annotations

from typing import Any, Dict, List, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import chosen
from actions.interview import interview
from actions.plan import PLAN_SLOTS
from actions.skills_check import skills

FLOW_SLOTS: Dict[str, Tuple[str, ...]] = {
    "start_plan": PLAN_SLOTS,
    "start_skills_check": tuple(s["slot"] for s in skills()),
    "start_interview_practice": tuple(q["slot"] for q in interview()) + ("interview_scores",),
}


class ActionStartFlow(Action):
    """Starts a coaching flow afresh: clears its earlier answers and says what comes."""

    def name(self) -> Text:
        return "action_start_flow"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent not in FLOW_SLOTS:  # chosen from a clarification button
            picked = chosen(tracker)
            intent = picked if picked in FLOW_SLOTS else "start_plan"
        dispatcher.utter_message(response=f"utter_{intent}")
        return [SlotSet(slot, None) for slot in FLOW_SLOTS[intent]]
