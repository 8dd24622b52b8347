"""Learning from users: thumbs up or down on answers, and the questions the coach could not answer.

Both go to the feedback tables of the knowledge database (feedback/store.py), without
the sender id. Storing is best effort: if the database cannot be written, the user still
gets the coach's reply.
"""

from __future__ import annotations

import hashlib
import logging
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import model_ranking, user_events
from feedback.store import OTHER_CAREER, OUT_OF_SCOPE, FeedbackStore
from knowledge.vocabulary import THIS_CAREER
from knowledge.loader import database_url

logger = logging.getLogger(__name__)

RATINGS = {"feedback_positive": True, "feedback_negative": False}
THANKS = {True: "utter_thanks_feedback_positive", False: "utter_thanks_feedback_negative"}


@lru_cache(maxsize=4)
def _store_for(url: str) -> FeedbackStore:
    return FeedbackStore(url)


def feedback_store() -> FeedbackStore:
    """The feedback store at $KNOWLEDGE_DB_URL (or build/knowledge.db), one per database."""
    return _store_for(database_url())


def _top_intent(parse_data: Dict[str, Any]) -> tuple:
    """The model's own likeliest intent and its confidence (not the fallback's stand-in)."""
    for ranked in model_ranking(parse_data):
        if ranked.get("name"):
            return ranked.get("name"), ranked.get("confidence")
    intent = parse_data.get("intent") or {}
    return intent.get("name"), intent.get("confidence")


def record_unanswered(tracker: Tracker, reason: str, text: Optional[str] = None) -> bool:
    """Keeps the latest question (or `text`, an earlier one) as one the coach could not answer,
    with the model's top intent and confidence and the reason; never raises."""
    parse_data: Dict[str, Any] = tracker.latest_message or {}
    if text is not None:
        # The earlier message's own reading, when it is in the conversation.
        earlier = next((e for e in reversed(user_events(tracker)) if e.get("text") == text), None)
        parse_data = (earlier or {}).get("parse_data") or {}
    question = text if text is not None else parse_data.get("text")
    intent, confidence = _top_intent(parse_data)
    try:
        return feedback_store().record_unanswered(
            question, reason, intent, confidence, entities=named_entities(parse_data)
        )
    except Exception:  # a conversation must never fail because feedback could not be kept
        logger.exception("unanswered question not recorded")
        return False


def named_entities(parse_data: Dict[str, Any]) -> List[Tuple[str, str]]:
    """The named entities (words, label) the NLU found in a message, for scrubbing what is kept
    of it (feedback/redaction.py) without loading spaCy a second time in this server."""
    text = parse_data.get("text") or ""
    found = []
    for entity in parse_data.get("entities") or []:
        start, end = entity.get("start"), entity.get("end")
        words = text[start:end] if isinstance(start, int) and isinstance(end, int) else str(entity.get("value") or "")
        if words and entity.get("entity"):
            found.append((words, entity["entity"]))
    return found


def answer_key(tracker: Tracker, question: Dict[str, Any], position: int) -> str:
    """Names the answer to `question` (a user event at `position` in the conversation) for the
    one-rating-per-answer rule: a digest of the conversation id and the message's id (or, in a
    conversation without them, its time and place), so the sender id itself is not kept."""
    message = question.get("message_id") or f"{question.get('timestamp')}#{position}"
    return hashlib.sha256(f"{tracker.sender_id}\0{message}".encode("utf-8", "replace")).hexdigest()


def rated_answer(tracker: Tracker) -> Dict[str, Any]:
    """The answer a rating is about: the user's previous message, the intent and topic the
    coach answered it as (the slots its answer set; else the message's intent), and its key."""
    earlier = [
        e
        for e in user_events(tracker)[:-1]
        if ((e.get("parse_data") or {}).get("intent") or {}).get("name") not in RATINGS
    ]
    if not earlier:
        return {"intent": None, "topic": None, "question": None, "answer": None, "entities": []}
    previous = earlier[-1]
    answered: Dict[str, Any] = {}
    events = list(tracker.events)
    start = next(i for i, e in enumerate(events) if e is previous)
    for event in events[start + 1 :]:
        if event.get("event") == "user":
            break  # the slots set after the next message belong to another answer
        if event.get("event") == "slot" and event.get("name") in ("last_intent", "topic"):
            answered[event["name"]] = event.get("value")
    intent = answered.get("last_intent") or _top_intent(previous.get("parse_data") or {})[0]
    topic = answered.get("topic")
    if topic is None and intent and intent == tracker.get_slot("last_intent"):
        topic = tracker.get_slot("topic")
    return {
        "intent": intent,
        "topic": topic,
        "question": previous.get("text"),
        "answer": answer_key(tracker, previous, start),
        "entities": named_entities(previous.get("parse_data") or {}),
    }


class ActionRecordFeedback(Action):
    """Keeps a thumbs up or down on the previous answer and thanks the user for it."""

    def name(self) -> Text:
        return "action_record_feedback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        positive = RATINGS.get(intent)
        if positive is None:
            logger.warning("action_record_feedback ran for intent %r, which is not a rating", intent)
            return []
        answer = rated_answer(tracker)
        try:
            feedback_store().record_rating(
                positive,
                answer["intent"],
                answer["topic"],
                answer["question"],
                answer["answer"],
                entities=answer["entities"],
            )
        except Exception:  # the thanks matter more than the record
            logger.exception("rating not recorded")
        dispatcher.utter_message(response=THANKS[positive])
        return []


# Out of scope is overruled by a fact found strongly by meaning only when the classifier was
# not this sure ("whats the sallary in NJ" is this career's question, misspelt).
OUT_OF_SCOPE_SURE = 0.7
# ... and by the likeliest answerable intent with this much, when the question names this career.
OWN_CAREER_INTENT = 0.15


class ActionOutOfScope(Action):
    """Says the question is outside the coach's field, and keeps it for curators; another career
    named is declined as such, and a question the facts answer strongly is answered."""

    def name(self) -> Text:
        return "action_out_of_scope"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        from actions.reading import intent_by_meaning  # the topic actions import this module
        from actions.topic_answers import ANSWER_ACTIONS
        from actions.store import vocabulary

        text = tracker.latest_message.get("text") or ""
        career = vocabulary().other_career_asked(text)
        if career:
            dispatcher.utter_message(response="utter_other_career", career=career)
            record_unanswered(tracker, OTHER_CAREER, text=text)
            return []
        confidence = (tracker.latest_message.get("intent") or {}).get("confidence") or 0
        intent = intent_by_meaning(tracker) if confidence < OUT_OF_SCOPE_SURE else None
        if intent is None and confidence < OUT_OF_SCOPE_SURE and THIS_CAREER.search(text):
            # "I stock shelves at a grocery store. How soon could I be working as a records
            # tech?": a question that names this career is this career's, whatever else it names.
            intent = next(
                (
                    r.get("name")
                    for r in tracker.latest_message.get("intent_ranking") or []
                    if r.get("name") in ANSWER_ACTIONS and (r.get("confidence") or 0) >= OWN_CAREER_INTENT
                ),
                None,
            )
        if intent:
            return ANSWER_ACTIONS[intent].answer(dispatcher, tracker, intent)
        dispatcher.utter_message(response="utter_out_of_scope")
        record_unanswered(tracker, OUT_OF_SCOPE)
        return []
