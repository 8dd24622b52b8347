"""The personal plan: five questions, then a plan built from sourced facts; answers can change."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.specs import Message
from actions.flows import Choices, CoachingFormValidation, coaching, read_choice
from actions.quantities import amounts
from actions.replies import joined, reply_text, source_line
from actions.store import store
from knowledge.queries import FactView

# (value, pattern): the first pattern found in an answer gives its value.
PLAN_CHOICES: Dict[str, Choices] = {
    "plan_education": (
        ("bachelor's", r"bachelor|\bb\.?s\.?c?\b|\bb\.?a\.?\b|four.?year|master|university degree"),
        ("associate", r"associate|\ba\.?a\.?s?\b|two.?year degree"),
        ("certificate", r"certificate|vocational|trade school"),
        (
            "some college",
            r"some college|college (credits|classes|courses)|started college|dropped out"
            r"|a few (college )?(classes|courses)"
            r"|semesters?|community college|didn'?t finish|never finished|year of college",
        ),
        ("high school", r"high ?school|\bged\b|diploma|secondary|nothing|none|no (degree|college|schooling)"),
    ),
    "plan_experience": (
        ("no", r"^\W*(no|nope|nah|none|never|not)\b|no experience|don'?t have|not yet|zero"),
        (
            "yes",
            r"^\W*(yes|yeah|yep|yup|sure|i do|i have|correct)\b"
            r"|work(ed|ing)? (in|at|for) (a |an )?"
            r"(hospital|clinic|healthcare|health care|doctor|medical|pharmacy|nursing)"
            r"|\bcna\b|nurse|medical assistant|receptionist|front desk|\bemt\b|caregiver|billing|scheduler",
        ),
    ),
    "plan_pace": (
        ("part-time", r"part|evening|weekend|night|while (i )?work|around (my )?(job|work|kids|family)|slow"),
        ("full-time", r"full|all in|day ?time|as fast|quick|asap|whole week"),
    ),
    "plan_budget": (
        ("low", r"low|tight|little|cheap|not much|no money|limited|broke|minimal|small|free|can'?t afford|very few"),
        (
            "flexible",
            r"high|flexible|plenty|not (a|an) (problem|concern|issue)|no limit|can afford|comfortable|large|lots",
        ),
        ("medium", r"medium|moderate|some|average|middle|reasonable|okay|\bok\b|decent|mid"),
    ),
    "plan_goal": (
        ("fast", r"fast|quick|asap|soon|hired|job now|right away|first job|short|immediately"),
        (
            "advance",
            r"advanc|grow|manag|long.?term|promot|move up|climb|lead|higher|career|rhia|bachelor"
            r"|senior|build (up|toward)|eventually|department|supervis|long run",
        ),
    ),
}
# Words that say which plan answer a message is changing ("actually my budget is low").
PLAN_TOPICS: Dict[str, str] = {
    "plan_education": r"educat|school|degree|diploma|studied|qualification",
    "plan_experience": r"experien|worked|background",
    "plan_pace": r"part.?time|full.?time|pace|schedule",
    "plan_budget": r"budget|afford|money|cost|spend|pay for|\$",
    "plan_goal": r"goal|aim|want to|prefer|priority",
}


def budget_from_amount(message: Dict[str, Any]) -> Optional[str]:
    """A budget given as an amount ("$8,000", "5k") as low, medium or flexible."""
    amount = next(iter(amounts(message)), None)
    if amount is None:
        return None
    return "low" if amount < 5000 else "medium" if amount < 15000 else "flexible"


def plan_value(slot: str, message: Dict[str, Any]) -> Optional[str]:
    """The answer a message gives to one plan question (message: the parsed message)."""
    text = message.get("text") or ""
    if slot == "plan_budget":
        return budget_from_amount(message) or read_choice(text, PLAN_CHOICES[slot])
    return read_choice(text, PLAN_CHOICES[slot])


PLAN_SLOTS = tuple(PLAN_CHOICES)


def answered_message(tracker: Tracker, text: str) -> Dict[str, Any]:
    """The parsed message a form's answer came in (its entities read amounts), or the bare text."""
    latest = tracker.latest_message or {}
    return latest if latest.get("text") == text else {"text": text}


class ValidatePlanForm(CoachingFormValidation):
    """Reads the plan answers (buttons or free text) and lets an earlier answer be changed."""

    def name(self) -> Text:
        return "validate_plan_form"

    def check(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        text = str(value)
        message = answered_message(tracker, text)
        for other in PLAN_SLOTS:  # "actually my budget is low", in answer to another question
            if (
                other != slot
                and tracker.get_slot(other)
                and re.search(PLAN_TOPICS[other], text, re.IGNORECASE)
                and not re.search(PLAN_TOPICS[slot], text, re.IGNORECASE)
            ):
                changed = plan_value(other, message)
                if changed:
                    dispatcher.utter_message(response="utter_plan_answer_changed", answer=changed)
                    return {other: changed, slot: None}
        chosen = plan_value(slot, message)
        if chosen:
            return {slot: chosen}
        dispatcher.utter_message(response="utter_pick_an_option")
        return {slot: None}


def plan_route(answers: Dict[str, str]) -> Tuple[str, str]:
    """The program and the credential the plan suggests for these answers."""
    plan = coaching()["plan"]
    goal = answers.get("plan_goal") or "fast"
    if goal == "fast":
        program = plan["program"]["fast"]
    else:
        program = plan["program"]["advance"].get(answers.get("plan_education") or "high school", "associate")
    return program, plan["certification"][program]


def ladder_line(facts: List[FactView]) -> str:
    """The pay at each step of the ladder as one line: "junior $36k, mid-level $45k, ..."."""
    return joined([f"{f.scope_name} ${f.value / 1000:,.0f}k" for f in facts if f.value]) + "."


def build_plan(answers: Dict[str, str]) -> Tuple[List[Message], List[str]]:
    """The plan for one person's answers, as a short summary (every step one sourced fact), and
    the facts behind it left for "tell me more"."""
    plan = coaching()["plan"]
    program, credential = plan_route(answers)
    messages: List[Message] = [
        {
            "response": "utter_plan_intro",
            "education": answers.get("plan_education"),
            "experience": answers.get("plan_experience"),
            "pace": answers.get("plan_pace"),
            "budget": answers.get("plan_budget"),
            "goal": "getting hired fast" if answers.get("plan_goal") == "fast" else "moving up over time",
        }
    ]
    details: List[str] = []
    cited = []

    def step(response: Optional[str], ids: List[str], shown: int = 1, **values: Any) -> None:
        if response:
            messages.append({"response": response, **values})
        facts = store().facts_by_id(ids[:shown])
        cited.extend(facts)
        messages.append({"text": reply_text(facts, cite=False)})
        details.extend(ids[shown:])

    named = {
        "certificate": "a certificate program",
        "associate": "an associate degree",
        "bachelor's": "a bachelor's degree",
    }.get(program, program)
    step("utter_plan_program", plan["program_facts"][program], shown=2, program=named)
    if answers.get("plan_pace") == "part-time":
        messages.append({"response": "utter_plan_part_time"})
        details.extend(plan["part_time_facts"])
    if answers.get("plan_budget") == "low" and program != "certificate":
        step("utter_plan_low_budget", plan["low_budget_facts"])
    step(
        "utter_plan_certification",
        plan["certification_facts"][credential] + plan["certification_timing_facts"],
        certification=credential,
    )
    experience = plan["experience_facts"][answers.get("plan_experience") or "no"]
    step("utter_plan_experience", experience + (plan["fast_facts"] if answers.get("plan_goal") == "fast" else []))
    details.extend(plan["first_job_facts"])
    ladder = store().facts_by_id(plan["ladder_facts"])
    cited.extend(ladder)
    messages.append({"response": "utter_plan_ladder"})
    messages.append({"text": ladder_line(ladder) + "\n" + source_line(cited)})
    messages.append({"response": "utter_plan_next"})
    return messages, details


class ActionMakePlan(Action):
    """Gives the personal plan once the plan form has all its answers."""

    def name(self) -> Text:
        return "action_make_plan"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        answers = {slot: tracker.get_slot(slot) for slot in PLAN_SLOTS}
        messages, details = build_plan(answers)
        for message in messages:
            dispatcher.utter_message(**message)
        return [SlotSet("more_facts", details or None)]


class ActionChangeAnswer(Action):
    """Changes one answer of the plan ("change my budget to low") and makes the plan again."""

    def name(self) -> Text:
        return "action_change_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        named = [slot for slot in PLAN_SLOTS if re.search(PLAN_TOPICS[slot], text, re.IGNORECASE)]
        if not named:
            dispatcher.utter_message(response="utter_which_answer")
            return []
        slot = named[0]
        value = plan_value(slot, tracker.latest_message)
        if value:
            dispatcher.utter_message(response="utter_plan_answer_changed", answer=value)
        answers = {s: tracker.get_slot(s) for s in PLAN_SLOTS}
        answers[slot] = value
        if all(answers.values()):
            messages, details = build_plan(answers)
            for message in messages:
                dispatcher.utter_message(**message)
            return [SlotSet(slot, value), SlotSet("more_facts", details or None)]
        # Something is still unanswered (this one, if no new value was given): the plan form asks.
        return [SlotSet(slot, value), FollowupAction("plan_form")]
