"""What the actions read of a conversation, in one place: the button a person chose, their
messages so far, and the classifier's ranking without Rasa's fallback stand-in."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker

FALLBACK_INTENT = "nlu_fallback"


def chosen(tracker: Tracker) -> Optional[str]:
    """The value of the `chosen` entity a clarification button sent, if any."""
    entities = tracker.latest_message.get("entities") or []
    return next((e.get("value") for e in entities if e.get("entity") == "chosen"), None)


def user_events(tracker: Tracker) -> List[Dict[str, Any]]:
    """The person's messages in the conversation, oldest first."""
    return [e for e in tracker.events if e.get("event") == "user"]


def model_ranking(message: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The classifier's intent ranking for a parsed message, without the fallback's stand-in."""
    return [r for r in message.get("intent_ranking") or [] if r.get("name") != FALLBACK_INTENT]
