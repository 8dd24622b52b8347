"""Tracker fixtures for running actions without a Rasa server."""

from __future__ import annotations

import asyncio
import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


@lru_cache(maxsize=1)
def spacy_model():
    from components.spacy_nlp import SpacyNLP

    return SpacyNLP.load_model("en_core_web_md").model


def spacy_entities(text: str) -> List[Dict]:
    """The entities the running coach's spaCy pipeline finds (as SpacyDocEntityExtractor gives them)."""
    return [
        {
            "entity": e.label_,
            "value": e.text,
            "start": e.start_char,
            "end": e.end_char,
            "confidence": None,
            "extractor": "SpacyDocEntityExtractor",
        }
        for e in spacy_model()(text).ents
    ]


def parsed(text: str) -> Dict:
    """A message as the coach's NLU leaves it for the actions, as far as spaCy goes."""
    return {"text": text, "entities": spacy_entities(text)}


def make_tracker(
    text: str, intent: Optional[str], entities: Optional[List[Dict]] = None, slots: Optional[Dict] = None
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9} if intent else {},
        "entities": (entities or []) + spacy_entities(text),
    }
    return Tracker(
        sender_id="test-user",
        slots=slots or {},
        latest_message=latest,
        events=[{"event": "user", "text": text, "parse_data": latest}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def entity(name: str, value: str) -> Dict:
    return {"entity": name, "value": value, "start": 0, "end": len(value), "extractor": "StoredCRFEntityExtractor"}


@lru_cache(maxsize=1)
def domain_responses() -> Dict[str, str]:
    domain = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text())
    return {name: variants[0]["text"] for name, variants in domain["responses"].items()}


def render(message: Dict) -> str:
    """What the user sees: a text as it is, a response filled in the way Rasa fills it."""
    if message.get("text"):
        return message["text"]
    template = domain_responses()[message["response"]]
    return re.sub(r"{(\w+)}", lambda m: str(message.get(m.group(1), m.group(0))), template)


class Conversation:
    """Runs one action on one user message and keeps what it said and did."""

    def __init__(
        self, action, text: str, intent: Optional[str], entities=None, slots=None, facts=None, intent_ranking=None
    ):
        self.dispatcher = CollectingDispatcher()
        tracker = make_tracker(text, intent, entities, slots)
        if facts:
            tracker.latest_message["facts"] = [{"id": fact_id, "score": score} for fact_id, score in facts]
        if intent_ranking:
            tracker.latest_message["intent_ranking"] = intent_ranking
        self.events = action.run(self.dispatcher, tracker, {})

    @property
    def texts(self) -> List[str]:
        return [render(m) for m in self.dispatcher.messages]

    @property
    def responses(self) -> List[str]:
        return [m["response"] for m in self.dispatcher.messages if m.get("response")]

    @property
    def reply(self) -> str:
        return "\n".join(self.texts)

    def slot(self, name: str, default=None):
        for event in self.events:
            if event.get("event") == "slot" and event.get("name") == name:
                return event.get("value")
        return default

    @property
    def followup(self) -> Optional[str]:
        """The action the reply hands over to (a flow's form), if any."""
        return next((e.get("name") for e in self.events if e.get("event") == "followup"), None)

    @property
    def buttons(self) -> List[Dict]:
        return [b for m in self.dispatcher.messages for b in m.get("buttons") or []]


@pytest.fixture
def ask(action_store):
    def run(
        action, text: str, intent: Optional[str], entities=None, slots=None, facts=None, intent_ranking=None
    ) -> Conversation:
        """facts: the ranking by meaning the NLU would add, as (fact id, score) pairs;
        intent_ranking: the classifier's ranking, as the NLU gives it."""
        return Conversation(action, text, intent, entities, slots, facts, intent_ranking)

    return run


def ranked(*pairs):
    """A parsed message carrying a ranking, as the NLU's FactRanker sends it."""
    return [{"id": i, "score": s} for i, s in pairs]


def store_answer(fact_id):
    """The first words of a fact's answer, to find it in a reply."""
    from actions.store import store

    return store().facts_by_id([fact_id])[0].answer[:40]


def facts(store, *ids):
    """The stored facts of these ids."""
    return store.facts_by_id(list(ids))


# The domain, as a form validation is sent it.
DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text())


def form_tracker(
    requested: str, text: str, intent: str = "nlu_fallback", confidence: float = 0.3, slots=None
) -> Tracker:
    """A tracker in the middle of a form: the user's answer has just been put in the requested slot."""
    latest = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": []}
    return Tracker(
        "u",
        {**(slots or {}), "requested_slot": requested, requested: text},
        latest,
        [{"event": "user", "text": text, "parse_data": latest}, {"event": "slot", "name": requested, "value": text}],
        False,
        None,
        {},
        "action_listen",
    )


def validate(action, tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.get_validation_events(dispatcher, tracker, DOMAIN))
    return {e["name"]: e["value"] for e in events}, dispatcher.messages
