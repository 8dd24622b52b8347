"""The skills check: a self-assessment on the skills the guides name, ending with the gaps."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.answering import Message
from actions.flows import SKIP, Choices, CoachingFormValidation, coaching, fact_messages, read_choice
from actions.replies import joined

SKILL_CHOICES: Choices = (
    ("some", r"some|bit|little|kind of|sort of|kinda|sorta|barely|basic|a few|okay|\bok\b|partly|learning|rusty"
             r"|so.?so|a little"),
    ("no", r"^\W*(no|nope|nah|not|never|none|zero)\b|don'?t|no idea|not yet|not really|haven'?t"),
    ("yes", r"^\W*(yes|yeah|yep|yup|sure|definitely|absolutely|of course)\b|confident|strong|good|great|fluent|expert|i know|very|daily|every day|lots"
            r"|fine|comfortable|no problem|careful"),
)


def skills() -> List[Dict[str, Any]]:
    return coaching()["skills"]


class ValidateSkillsForm(CoachingFormValidation):
    """Reads each self-assessment answer as yes, some or no."""

    def name(self) -> Text:
        return "validate_skills_form"

    def check(self, slot: str, value: Any, dispatcher: CollectingDispatcher,
              tracker: Tracker) -> Dict[Text, Any]:
        chosen = read_choice(str(value), SKILL_CHOICES) or ("no" if SKIP.match(str(value)) else None)
        if chosen:
            return {slot: chosen}
        dispatcher.utter_message(response="utter_pick_an_option")
        return {slot: None}


def skills_result(answers: Dict[str, str]) -> List[Message]:
    """Strengths, then each gap with what to learn for it, from the facts."""
    strong = [s["label"] for s in skills() if answers.get(s["slot"]) == "yes"]
    gaps = [s for s in skills() if answers.get(s["slot"]) in ("some", "no")]
    messages: List[Message] = []
    if strong:
        messages.append({"response": "utter_skills_strengths", "skills": joined(strong)})
    if not gaps:
        messages.append({"response": "utter_skills_no_gaps"})
        return messages
    messages.append({"response": "utter_skills_gaps", "count": len(gaps)})
    for gap in gaps:
        messages.append({"response": "utter_skills_gap", "skill": gap["label"],
                         "level": "a little" if answers.get(gap["slot"]) == "some" else "not yet"})
        messages.extend(fact_messages(gap["learn"]))
    messages.append({"response": "utter_skills_next"})
    return messages


class ActionSkillsResult(Action):
    """Ends the skills check with the person's strengths, gaps and what to learn."""

    def name(self) -> Text:
        return "action_skills_result"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[EventType]:
        answers = {s["slot"]: tracker.get_slot(s["slot"]) for s in skills()}
        for message in skills_result(answers):
            dispatcher.utter_message(**message)
        return []


