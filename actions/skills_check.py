"""The skills check: a self-assessment on the skills the guides name, ending with the gaps."""

from __future__ import annotations

from typing import Any, Dict, List, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.specs import Message
from actions.flows import SKIP, Choices, CoachingFormValidation, coaching, read_choice
from actions.replies import joined, source_line, words
from actions.store import store

SKILL_CHOICES: Choices = (
    (
        "some",
        r"some|bit|little|kind of|sort of|kinda|sorta|barely|basic|a few|okay|\bok\b|partly|learning|rusty"
        r"|so.?so|a little",
    ),
    ("no", r"^\W*(no|nope|nah|not|never|none|zero)\b|don'?t|no idea|not yet|not really|haven'?t"),
    (
        "yes",
        r"^\W*(yes|yeah|yep|yup|sure|definitely|absolutely|of course)\b"
        r"|confident|strong|good|great|fluent|expert|i know|very|daily|every day|lots"
        r"|fine|comfortable|no problem|careful",
    ),
)


# The gaps' lines, in words, within which more than the first thing to learn is shown.
SUMMARY_WORDS = 150


def skills() -> List[Dict[str, Any]]:
    return coaching()["skills"]


class ValidateSkillsForm(CoachingFormValidation):
    """Reads each self-assessment answer as yes, some or no."""

    def name(self) -> Text:
        return "validate_skills_form"

    def check(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        chosen = read_choice(str(value), SKILL_CHOICES) or ("no" if SKIP.match(str(value)) else None)
        if chosen:
            return {slot: chosen}
        dispatcher.utter_message(response="utter_pick_an_option")
        return {slot: None}


def skills_result(answers: Dict[str, str]) -> Tuple[List[Message], List[str]]:
    """Strengths, then every gap on one line with what the guides say to learn for it (the first
    fact for each, then the others while the summary stays within SUMMARY_WORDS), one source line
    for them all; what did not fit is left for "tell me more"."""
    strong = [s["label"] for s in skills() if answers.get(s["slot"]) == "yes"]
    gaps = [s for s in skills() if answers.get(s["slot"]) in ("some", "no")]
    messages: List[Message] = []
    if strong:
        messages.append({"response": "utter_skills_strengths", "skills": joined(strong)})
    if not gaps:
        messages.append({"response": "utter_skills_no_gaps"})
        return messages, []
    messages.append({"response": "utter_skills_gaps", "count": len(gaps)})
    learn = [store().facts_by_id(gap["learn"]) for gap in gaps]
    shown = [facts[:1] for facts in learn]
    room = SUMMARY_WORDS - sum(words(gap["label"]) + words(f.answer) for gap, facts in zip(gaps, shown) for f in facts)
    details = []
    for facts, kept in zip(learn, shown):
        for fact in facts[1:]:
            if words(fact.answer) <= room:
                kept.append(fact)
                room -= words(fact.answer)
            else:
                details.append(fact.id)
    lines = [
        f"• {gap['label']}" + (": " + " ".join(f.answer for f in kept) if kept else "")
        for gap, kept in zip(gaps, shown)
    ]
    messages.append({"text": "\n".join(lines + [source_line([f for kept in shown for f in kept])])})
    messages.append({"response": "utter_skills_more" if details else "utter_skills_next"})
    return messages, details


class ActionSkillsResult(Action):
    """Ends the skills check with the person's strengths, gaps and what to learn."""

    def name(self) -> Text:
        return "action_skills_result"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        answers = {s["slot"]: tracker.get_slot(s["slot"]) for s in skills()}
        messages, details = skills_result(answers)
        for message in messages:
            dispatcher.utter_message(**message)
        return [SlotSet("more_facts", details or None)]
