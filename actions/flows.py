"""What the coaching flows share: the data they draw on, reading answers, and the forms' base.

Each flow is a Rasa form whose questions are responses in domain.yml (`utter_ask_<slot>`);
what the coach says at the end is built from the facts that knowledge/coaching.yml names, so
the advice carries the same sources as any answer. A question asked in the middle of a flow
is answered, and the flow asks its question again; "stop" leaves it (a rule). The flows are
plan.py (a personal plan), skills_check.py and interview.py; coaching.py starts them.
"""

from __future__ import annotations

import re
from abc import ABCMeta, abstractmethod
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

import yaml
from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.specs import Message, facts_message
from actions.reading import intent_by_facts
from actions.topic_answers import ANSWER_ACTIONS
from actions.replies import citation
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
SKIP = re.compile(r"^\W*(skip|pass|next|i don'?t know|no idea|not sure|dunno)\W*$", re.IGNORECASE)
# A question asked in the middle of a flow is answered as the classifier says from this confidence;
# below it the facts settle which question it is.
QUESTION_IN_FLOW = 0.5


def read_choice(text: str, choices: Choices) -> Optional[str]:
    for value, pattern in choices:
        if re.search(pattern, text, re.IGNORECASE):
            return value
    return None


def is_question(tracker: Tracker) -> Optional[str]:
    """The answer intent of a message that asks the coach something rather than answering it."""
    message = tracker.latest_message
    text = (message.get("text") or "").strip()
    intent = (message.get("intent") or {}).get("name")
    confidence = (message.get("intent") or {}).get("confidence") or 0
    # A question, also after a lead-in ("wait, quick question: how many years ...").
    asks = text.endswith("?") or re.search(
        r"(^|[,.;:!-]\s*|\bquestion\b\W*(first\W*)?)(what|how|why|when|where|which|who|is|are|can|do|does|should|will)\b",
        text,
        re.IGNORECASE,
    )
    if not asks:
        return None
    if intent in ANSWER_ACTIONS and confidence >= QUESTION_IN_FLOW:
        return intent
    # The classifier unsure between two questions: the facts settle it, as for any message.
    return intent_by_facts(tracker) if confidence < QUESTION_IN_FLOW else None


class CoachingFormValidation(FormValidationAction, metaclass=ABCMeta):
    """Shared by the three flows: answers questions asked in the middle, then checks the answer."""

    @abstractmethod
    def check(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
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
