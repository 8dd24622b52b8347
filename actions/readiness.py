"""The readiness assessment ("how ready am I?"): a level for entry-level roles and the next steps.

It reads what the conversation already holds: the schooling and experience of the plan, the
credential (asked here), the skills check, the practice interview's scores and the resume check.
What the level needs and no one has said yet is asked first (`readiness_form`); a check not done
yet counts half and is offered as a button. The parts, their weights, the steps and the facts
behind them are in knowledge/coaching.yml (`readiness`). Each assessment's score is kept with the
conversation (`readiness_scores`), so asking again shows the progress.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.documents import RESUME_SLOT
from actions.flows import SKIP, Choices, CoachingFormValidation, coaching, read_choice
from actions.interview import scores_of
from actions.plan import answered_message, plan_value
from actions.replies import joined, source_line
from actions.skills_check import skills
from actions.store import store
from knowledge.applications import applications
from knowledge.queries import FactView

FORM = "readiness_form"
# What the level needs and the form asks for when no one has said it yet, in the order asked.
ASKED_SLOTS = ("plan_education", "plan_experience", "readiness_credential")
SCORES_SLOT = "readiness_scores"

CREDENTIAL_CHOICES: Choices = (
    (
        "studying",
        r"studying|preparing|prepping|working (on|toward)|in progress|taking (it|the exam)|booked|scheduled"
        r"|signed up|enrolled|soon|next (month|week|year)",
    ),
    ("no", r"^\W*(no|nope|nah|none|not yet|never)\b|don'?t|do not|haven'?t|have not|not certified"),
    (
        "yes",
        r"^\W*(yes|yeah|yep|yup|i do|i have|i've got|got (it|one))\b|\b(rhit|rhia|cehrs|cca|ccs|cpc|cmaa|ctr|chda)\b"
        r"|certified|registered|credential|passed",
    ),
)
SKILL_SCORES = {"yes": 1.0, "some": 0.5, "no": 0.0}


def settings() -> Dict[str, Any]:
    return coaching()["readiness"]


@dataclass
class Part:
    """One part of the assessment as this person stands: its score (None: not seen yet)."""

    spec: Dict[str, Any]
    score: Optional[float]
    weakest: str = ""  # the skill, or the thing on the resume, that is furthest behind
    fact: str = ""  # the fact a step on this part is said with, when the part's data names it
    answer: str = ""  # a slot's answer, for a step meant for that answer

    @property
    def gain(self) -> float:
        seen = settings()["unseen_score"] if self.score is None else self.score
        return self.spec["weight"] * (1 - seen)

    def step(self) -> Tuple[str, str]:
        """The step worth taking on this part: its label and the id of the fact behind it."""
        if self.score is None:
            step = self.spec["unseen"]
        else:
            step = self.spec.get("steps", {}).get(self.answer, self.spec["step"])
        return step["label"].format(weakest=self.weakest), step.get("fact") or self.fact


def skills_part(spec: Dict[str, Any], slots: Dict[str, Any]) -> Part:
    answers = [(s, slots.get(s["slot"])) for s in skills()]
    if not any(answer for _, answer in answers):
        return Part(spec, None)
    score = sum(SKILL_SCORES.get(answer or "no", 0.0) for _, answer in answers) / len(answers)
    weakest = min(answers, key=lambda pair: SKILL_SCORES.get(pair[1] or "no", 0.0))[0]
    return Part(spec, score, weakest=weakest["label"], fact=weakest["learn"][0])


def interview_part(spec: Dict[str, Any], slots: Dict[str, Any]) -> Part:
    scores = scores_of(slots.get("interview_scores"))
    total = sum(s[1] for s in scores.values())
    if not total:
        return Part(spec, None)
    return Part(spec, sum(s[0] for s in scores.values()) / total)


def resume_part(spec: Dict[str, Any], slots: Dict[str, Any]) -> Part:
    shows = slots.get(RESUME_SLOT)
    if shows is None:
        return Part(spec, None)
    names = [entry["name"] for entry in applications()["looks_for"]]
    lacking = [name for name in names if name not in shows]
    return Part(spec, 1 - len(lacking) / len(names), weakest=lacking[0] if lacking else "")


READERS = {"skills_check": skills_part, "interview_practice": interview_part, "resume_check": resume_part}


def parts(slots: Dict[str, Any]) -> List[Part]:
    """Every part of the assessment, scored from the conversation's slots."""
    scored = []
    for spec in settings()["parts"]:
        if spec["from"] in READERS:
            scored.append(READERS[spec["from"]](spec, slots))
        else:  # a slot: its answer's score
            answer = slots.get(spec["from"]) or ""
            scored.append(Part(spec, spec["scores"].get(answer), answer=answer))
    return scored


def level(score: int) -> str:
    return next(entry["name"] for entry in settings()["levels"] if score >= entry["min"])


def first_sentence(fact: FactView) -> str:
    return re.split(r"(?<=[.!?])\s+(?=[A-Z])", fact.answer.strip(), maxsplit=1)[0]


def assessment(slots: Dict[str, Any]) -> Tuple[int, str, List[Dict[str, str]]]:
    """The score out of 100, the reply's text and the buttons for the checks not done yet."""
    config, scored = settings(), parts(slots)
    wording = config["wording"]
    score = round(sum(p.spec["weight"] * (config["unseen_score"] if p.score is None else p.score) for p in scored))
    lines = [wording["level"].format(level=level(score), score=score)]
    earlier = slots.get(SCORES_SLOT) or []
    if earlier:
        previous = earlier[-1]
        lines.append(
            wording["up" if score > previous else "down" if score < previous else "same"].format(previous=previous)
        )
    unseen = [p for p in scored if p.score is None]
    if unseen:
        lines.append(wording["unseen"].format(parts=joined([p.spec["seen_as"] for p in unseen])))
    ranked = sorted((p for p in scored if p.gain > 0), key=lambda p: -p.gain)[: config["steps"]]
    steps = [p.step() for p in ranked] or [(config["done"]["label"], config["done"]["fact"])]
    facts = {f.id: f for f in store().facts_by_id([fact for _, fact in steps])}
    lines.append(wording["steps"] if ranked else wording["done"])
    lines.extend(
        f"{number}. {label}: {first_sentence(facts[fact])}" if fact in facts else f"{number}. {label}."
        for number, (label, fact) in enumerate(steps, 1)
    )
    if not earlier:
        lines.append(wording["again"])
    cited = [facts[fact] for _, fact in steps if fact in facts]
    if cited:
        lines.append(source_line(cited))
    buttons = [config["buttons"][p.spec["name"]] for p in unseen if p.spec["name"] in config["buttons"]]
    return score, "\n".join(lines), buttons


class ValidateReadinessForm(CoachingFormValidation):
    """Reads the answers the assessment asks for: schooling and experience as the plan reads
    them, the credential as yes, studying for one, or not yet."""

    def name(self) -> Text:
        return "validate_readiness_form"

    def check(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        text = str(value)
        if slot == "readiness_credential":
            chosen = read_choice(text, CREDENTIAL_CHOICES) or ("no" if SKIP.match(text) else None)
        else:
            chosen = plan_value(slot, answered_message(tracker, text))
        if chosen:
            return {slot: chosen}
        dispatcher.utter_message(response="utter_pick_an_option")
        return {slot: None}


class ActionReadiness(Action):
    """ "How ready am I?": asks what is missing (the form), then gives the level and the steps."""

    def name(self) -> Text:
        return "action_readiness"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        if any(not tracker.get_slot(slot) for slot in ASKED_SLOTS):
            dispatcher.utter_message(text=settings()["wording"]["asks_first"])
            return [FollowupAction(FORM)]
        slots = {
            name: tracker.get_slot(name)
            for name in (*ASKED_SLOTS, *(s["slot"] for s in skills()), "interview_scores", RESUME_SLOT, SCORES_SLOT)
        }
        score, text, buttons = assessment(slots)
        dispatcher.utter_message(text=text, buttons=buttons)
        return [SlotSet(SCORES_SLOT, [*(slots.get(SCORES_SLOT) or []), score])]
