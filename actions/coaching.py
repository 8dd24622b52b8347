"""The coaching flows: a personal plan, a skills check and interview practice.

Each flow is a Rasa form whose questions are responses in domain.yml (`utter_ask_<slot>`);
what the coach says at the end is built from the facts that knowledge/coaching.yml names, so
the advice carries the same sources as any answer. A question asked in the middle of a flow
is answered, and the flow asks its question again; "stop" leaves it (a rule); an answer to an
earlier question can be changed in the middle or afterwards.
"""
from __future__ import annotations

import json
import re
from abc import ABCMeta, abstractmethod
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

import yaml
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answering import Message, facts_message
from actions.coach import ANSWER_ACTIONS
from actions.replies import citation, joined
from actions.store import store

COACHING_FILE = Path(__file__).resolve().parents[1] / "knowledge" / "coaching.yml"
MAX_ANSWER_CHARS = 2000


@lru_cache(maxsize=1)
def coaching() -> Dict[str, Any]:
    """knowledge/coaching.yml: which facts each flow draws on."""
    return yaml.safe_load(COACHING_FILE.read_text(encoding="utf-8"))


def fact_messages(ids: Sequence[str]) -> List[Message]:
    return [facts_message(f) for f in store().facts_by_id(list(ids))]


def facts_block(ids: Sequence[str]) -> Message:
    """Several facts as one message: their answers, then each guide cited once."""
    facts = store().facts_by_id(list(ids))
    lines = [f"• {f.answer}" for f in facts]
    for cited in dict.fromkeys(citation(f) for f in facts):
        lines.append(cited)
    return {"text": "\n".join(lines)}


# --- reading answers ------------------------------------------------------------------------
# (value, pattern): the first pattern found in an answer gives its value.
Choices = Tuple[Tuple[str, str], ...]
PLAN_CHOICES: Dict[str, Choices] = {
    "plan_education": (
        ("bachelor's", r"bachelor|\bb\.?s\.?c?\b|\bb\.?a\.?\b|four.?year|master|university degree"),
        ("associate", r"associate|\ba\.?a\.?s?\b|two.?year degree"),
        ("certificate", r"certificate|vocational|trade school"),
        ("some college", r"some college|college (credits|classes|courses)|started college|dropped out|a few (college )?(classes|courses)"),
        ("high school", r"high ?school|\bged\b|diploma|secondary|nothing|none|no (degree|college|schooling)"),
    ),
    "plan_experience": (
        ("no", r"^\W*(no|nope|nah|none|never|not)\b|no experience|don'?t have|not yet|zero"),
        ("yes", r"^\W*(yes|yeah|yep|yup|sure|i do|i have|correct)\b|work(ed|ing)? (in|at|for) (a |an )?(hospital|clinic|healthcare|health care|doctor|medical|pharmacy|nursing)|\bcna\b|nurse|medical assistant|receptionist|front desk|\bemt\b|caregiver|billing|scheduler"),
    ),
    "plan_pace": (
        ("part-time", r"part|evening|weekend|night|while (i )?work|around (my )?(job|work|kids|family)|slow"),
        ("full-time", r"full|all in|day ?time|as fast|quick|asap|whole week"),
    ),
    "plan_budget": (
        ("low", r"low|tight|little|cheap|not much|no money|limited|broke|minimal|small|free|can'?t afford|very few"),
        ("flexible", r"high|flexible|plenty|not (a|an) (problem|concern|issue)|no limit|can afford|comfortable|large|lots"),
        ("medium", r"medium|moderate|some|average|middle|reasonable|okay|\bok\b|decent|mid"),
    ),
    "plan_goal": (
        ("fast", r"fast|quick|asap|soon|hired|job now|right away|first job|short|immediately"),
        ("advance", r"advanc|grow|manag|long.?term|promot|move up|climb|lead|higher|career|rhia|bachelor"),
    ),
}
SKILL_CHOICES: Choices = (
    ("some", r"some|bit|little|kind of|sort of|basic|a few|okay|\bok\b|partly|learning|rusty|so.?so|a little"),
    ("no", r"^\W*(no|nope|nah|not|never|none|zero)\b|don'?t|no idea|not yet|not really|haven'?t"),
    ("yes", r"^\W*(yes|yeah|yep|yup|sure|definitely|absolutely|of course)\b|confident|strong|good|great|fluent|expert|i know|very|daily|every day|lots"),
)
# Words that say which plan answer a message is changing ("actually my budget is low").
PLAN_TOPICS: Dict[str, str] = {
    "plan_education": r"educat|school|degree|diploma|studied|qualification",
    "plan_experience": r"experien|worked|background",
    "plan_pace": r"part.?time|full.?time|pace|schedule",
    "plan_budget": r"budget|afford|money|cost|spend|pay for|\$",
    "plan_goal": r"goal|aim|want to|prefer|priority",
}
SKIP = re.compile(r"^\W*(skip|pass|next|i don'?t know|no idea|not sure|dunno)\W*$", re.IGNORECASE)


def read_choice(text: str, choices: Choices) -> Optional[str]:
    for value, pattern in choices:
        if re.search(pattern, text, re.IGNORECASE):
            return value
    return None


def budget_from_amount(text: str) -> Optional[str]:
    """A budget given as an amount ("$8,000", "5k") as low, medium or flexible."""
    match = re.search(r"\$?\s*(\d[\d,]*(?:\.\d+)?)\s*(k\b|thousand)?", text, re.IGNORECASE)
    if not match:
        return None
    amount = float(match.group(1).replace(",", "")) * (1000 if match.group(2) else 1)
    if amount < 100:  # "5" with no unit is not an amount of money
        return None
    return "low" if amount < 5000 else "medium" if amount < 15000 else "flexible"


def plan_value(slot: str, text: str) -> Optional[str]:
    if slot == "plan_budget":
        return budget_from_amount(text) or read_choice(text, PLAN_CHOICES[slot])
    return read_choice(text, PLAN_CHOICES[slot])


def is_question(tracker: Tracker) -> Optional[str]:
    """The answer intent of a message that asks the coach something rather than answering it."""
    message = tracker.latest_message
    text = (message.get("text") or "").strip()
    intent = (message.get("intent") or {}).get("name")
    confidence = (message.get("intent") or {}).get("confidence") or 0
    asks = text.endswith("?") or re.match(r"(what|how|why|when|where|which|who|is|are|can|do|does|should|will)\b",
                                          text, re.IGNORECASE)
    if intent in ANSWER_ACTIONS and asks and confidence >= 0.5:
        return intent
    return None


class CoachingFormValidation(FormValidationAction, metaclass=ABCMeta):
    """Shared by the three flows: answers questions asked in the middle, then checks the answer."""

    @abstractmethod
    def check(self, slot: str, value: Any, dispatcher: CollectingDispatcher,
              tracker: Tracker) -> Dict[Text, Any]:
        raise NotImplementedError

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        requested = tracker.get_slot("requested_slot")
        updates: Dict[Text, Any] = {}
        for slot, value in tracker.slots_to_validate().items():
            if slot != requested:
                continue
            question = is_question(tracker)
            if question:
                ANSWER_ACTIONS[question].answer(dispatcher, tracker, question)
                dispatcher.utter_message(response="utter_back_to_flow")
                updates[slot] = None
                continue
            updates.update(self.check(slot, str(value or "")[:MAX_ANSWER_CHARS], dispatcher, tracker))
        return [SlotSet(slot, value) for slot, value in updates.items()]


# --- the personal plan ------------------------------------------------------------------------
PLAN_SLOTS = tuple(PLAN_CHOICES)


class ValidatePlanForm(CoachingFormValidation):
    """Reads the plan answers (buttons or free text) and lets an earlier answer be changed."""

    def name(self) -> Text:
        return "validate_plan_form"

    def check(self, slot: str, value: Any, dispatcher: CollectingDispatcher,
              tracker: Tracker) -> Dict[Text, Any]:
        text = str(value)
        for other in PLAN_SLOTS:  # "actually my budget is low", in answer to another question
            if other != slot and tracker.get_slot(other) and re.search(PLAN_TOPICS[other], text, re.IGNORECASE) \
                    and not re.search(PLAN_TOPICS[slot], text, re.IGNORECASE):
                changed = plan_value(other, text)
                if changed:
                    dispatcher.utter_message(response="utter_plan_answer_changed", answer=changed)
                    return {other: changed, slot: None}
        chosen = plan_value(slot, text)
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


def build_plan(answers: Dict[str, str]) -> List[Message]:
    """The plan for one person's answers: every piece of advice is a sourced fact."""
    plan = coaching()["plan"]
    program, credential = plan_route(answers)
    messages: List[Message] = [{
        "response": "utter_plan_intro",
        "education": answers.get("plan_education"), "experience": answers.get("plan_experience"),
        "pace": answers.get("plan_pace"), "budget": answers.get("plan_budget"),
        "goal": "getting hired fast" if answers.get("plan_goal") == "fast" else "moving up over time",
    }]
    messages.append({"response": "utter_plan_program", "program": program})
    messages.extend(fact_messages(plan["program_facts"][program]))
    if answers.get("plan_pace") == "part-time":
        messages.append({"response": "utter_plan_part_time"})
        messages.extend(fact_messages(plan["part_time_facts"]))
    if answers.get("plan_budget") == "low" and program != "certificate":
        messages.append({"response": "utter_plan_low_budget"})
        messages.extend(fact_messages(plan["low_budget_facts"]))
    messages.append({"response": "utter_plan_certification", "certification": credential})
    messages.extend(fact_messages(plan["certification_facts"][credential] + plan["certification_timing_facts"]))
    messages.append({"response": "utter_plan_experience"})
    messages.extend(fact_messages(plan["experience_facts"][answers.get("plan_experience") or "no"]))
    if answers.get("plan_goal") == "fast":
        messages.extend(fact_messages(plan["fast_facts"]))
    messages.append({"response": "utter_plan_first_job"})
    messages.extend(fact_messages(plan["first_job_facts"]))
    messages.append({"response": "utter_plan_ladder"})
    messages.append(facts_block(plan["ladder_facts"]))
    messages.append({"response": "utter_plan_next"})
    return messages


class ActionMakePlan(Action):
    """Gives the personal plan once the plan form has all its answers."""

    def name(self) -> Text:
        return "action_make_plan"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[EventType]:
        answers = {slot: tracker.get_slot(slot) for slot in PLAN_SLOTS}
        for message in build_plan(answers):
            dispatcher.utter_message(**message)
        return []


class ActionChangeAnswer(Action):
    """Changes one answer of the plan ("change my budget to low") and makes the plan again."""

    def name(self) -> Text:
        return "action_change_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        named = [slot for slot in PLAN_SLOTS if re.search(PLAN_TOPICS[slot], text, re.IGNORECASE)]
        if not named:
            dispatcher.utter_message(response="utter_which_answer")
            return []
        slot = named[0]
        value = plan_value(slot, text)
        if value:
            dispatcher.utter_message(response="utter_plan_answer_changed", answer=value)
        answers = {s: tracker.get_slot(s) for s in PLAN_SLOTS}
        answers[slot] = value
        if all(answers.values()):
            for message in build_plan(answers):
                dispatcher.utter_message(**message)
            return [SlotSet(slot, value)]
        # Something is still unanswered (this one, if no new value was given): the plan form asks.
        return [SlotSet(slot, value), FollowupAction("plan_form")]


# --- the skills check -------------------------------------------------------------------------
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


# --- interview practice -----------------------------------------------------------------------
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

    def check(self, slot: str, value: Any, dispatcher: CollectingDispatcher,
              tracker: Tracker) -> Dict[Text, Any]:
        answer = "" if SKIP.match(str(value)) else str(value)
        if not answer:
            dispatcher.utter_message(response="utter_interview_skipped")
        for message in feedback(slot, answer):
            dispatcher.utter_message(**message)
        covered, missing = covered_points(slot, answer)
        scores = json.loads(tracker.get_slot("interview_scores") or "{}")
        scores[slot] = [len(covered), len(covered) + len(missing)]
        return {slot: "answered", "interview_scores": json.dumps(scores)}


def interview_summary(scores: Dict[str, List[int]]) -> List[Message]:
    got = sum(s[0] for s in scores.values())
    total = sum(s[1] for s in scores.values()) or 1
    weakest = min(interview(), key=lambda q: (scores.get(q["slot"], [0, 1])[0] / scores.get(q["slot"], [0, 1])[1]))
    messages: List[Message] = [
        {"response": "utter_interview_summary", "covered": got, "total": total,
         "answered": len(scores)},
        {"response": f"utter_interview_topic_{weakest['slot']}"},
    ]
    messages.extend(fact_messages(["job-search-interview-g000"]))
    return messages


class ActionInterviewSummary(Action):
    """Ends interview practice with a summary: key points covered, and what to work on."""

    def name(self) -> Text:
        return "action_interview_summary"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[EventType]:
        scores = json.loads(tracker.get_slot("interview_scores") or "{}")
        for message in interview_summary(scores):
            dispatcher.utter_message(**message)
        return []


# --- starting a flow --------------------------------------------------------------------------
FLOW_SLOTS: Dict[str, Tuple[str, ...]] = {
    "start_plan": PLAN_SLOTS,
    "start_skills_check": tuple(s["slot"] for s in skills()),
    "start_interview_practice": tuple(q["slot"] for q in interview()) + ("interview_scores",),
}


class ActionStartFlow(Action):
    """Starts a coaching flow afresh: clears its earlier answers and says what comes."""

    def name(self) -> Text:
        return "action_start_flow"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent not in FLOW_SLOTS:  # chosen from a clarification button
            chosen = next((e.get("value") for e in tracker.latest_message.get("entities") or []
                           if e.get("entity") == "chosen"), None)
            intent = chosen if chosen in FLOW_SLOTS else "start_plan"
        dispatcher.utter_message(response=f"utter_{intent}")
        return [SlotSet(slot, None) for slot in FLOW_SLOTS[intent]]
