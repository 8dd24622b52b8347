"""The coach's own turns: where its facts come from, follow-ups, "tell me more", yes and no.
(The fallback and the clarification are actions/fallback.py's.)"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answering import ELLIPTICAL
from actions.specs import asked_aspects
from actions.scope import NATIONWIDE, SCOPE_KINDS, choose_scope, named_values
from actions.breakdown import asked_kind
from actions.replies import reply_text
from actions.store import store
from actions.topic_answers import ANSWER_ACTIONS
from actions.reading import (
    FOLLOW_UP_MATCH,
    INTENT_LABELS,
    best_by_topic,
    check_quoted_figure,
    intent_by_meaning,
    meaning_lead,
)


class ActionListSources(Action):
    """Tells where the coach's facts come from: the five guides and their periods."""

    def name(self) -> Text:
        return "action_list_sources"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        checked = check_quoted_figure(dispatcher, tracker)
        if checked is not None:  # "a blog said managers pull in 120k, is that legit?": the figure is asked
            return checked
        sources = store().sources()
        dispatcher.utter_message(response="utter_sources_intro", count=len(sources))
        dispatcher.utter_message(text="\n".join(f"• {s.title}: {s.period}" for s in sources))
        return []


class ActionFollowUp(Action):
    """Asks the previous question again about what the user names now ("and in Hawaii?")."""

    def name(self) -> Text:
        return "action_follow_up"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        previous = tracker.get_slot("last_intent")
        text = tracker.latest_message.get("text") or ""
        names = any(named_values(tracker.latest_message, kind) for kind in SCOPE_KINDS)
        if previous in ANSWER_ACTIONS and (NATIONWIDE.search(text) or (names and ELLIPTICAL.search(text))):
            # "and nationally?", "and mexico?": the previous question for the whole country or
            # for the place named, however strongly the words alone point elsewhere ("national"
            # draws the national associations, "mexico" working abroad).
            return ANSWER_ACTIONS[previous].answer(dispatcher, tracker, previous, follow_up=True)
        by_meaning = intent_by_meaning(tracker)
        if by_meaning and (
            previous not in ANSWER_ACTIONS
            or ANSWER_ACTIONS[by_meaning].spec_for(by_meaning).topic != tracker.get_slot("topic")
        ):
            # Not a follow-up after all: a question of its own, found by meaning.
            return ANSWER_ACTIONS[by_meaning].answer(dispatcher, tracker, by_meaning)
        if previous not in ANSWER_ACTIONS:
            # Nothing to follow up: a question of its own, if the ranking finds anything for it.
            guess = intent_by_meaning(tracker, FOLLOW_UP_MATCH)
            if guess:
                return ANSWER_ACTIONS[guess].answer(dispatcher, tracker, guess)
            dispatcher.utter_message(response="utter_follow_up_without_question")
            dispatcher.utter_message(response="utter_topics_hint")
            return []
        action = ANSWER_ACTIONS[previous]
        spec = action.spec_for(previous)
        scope, _ = choose_scope(spec, tracker, tracker.latest_message, follow_up=True)
        named_or_reset = scope is not None and scope != (tracker.get_slot("scope"), tracker.get_slot(scope[0]))
        if (
            named_or_reset or NATIONWIDE.search(text) or asked_aspects(spec, text) != spec.aspects or asked_kind(text)
        ):  # "and by state?": the last question for every state
            return action.answer(dispatcher, tracker, previous, follow_up=True)
        if best_by_topic(tracker.latest_message).get(spec.topic, 0.0) >= FOLLOW_UP_MATCH:
            # "and for the paper stuff?" after software: the topic's fact the words point at.
            return action.answer(dispatcher, tracker, previous)
        dispatcher.utter_message(response="utter_follow_up_unclear", topic=INTENT_LABELS.get(previous, previous))
        return []


class ActionTellMore(Action):
    """ "Tell me more": the facts the last short answer held back, two at a time."""

    def name(self) -> Text:
        return "action_tell_more"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        ids = list(tracker.get_slot("more_facts") or [])
        facts = store().facts_by_id(ids[:2])
        if not facts:
            dispatcher.utter_message(response="utter_nothing_more")
            return []
        dispatcher.utter_message(text=reply_text(facts))
        return [SlotSet("more_facts", ids[2:] or None)]


# "no, I meant the visa", "sorry, I meant Louisiana": a correction, not a plain no.
CORRECTION = re.compile(r"\b(meant|i mean|was asking|asked about|was talking|talking about|rather)\b", re.IGNORECASE)
# A correction names what was meant, so a weaker match by meaning is enough.
CORRECTION_MATCH = 0.5


class ActionAffirm(Action):
    """A plain "yes" asks what next; "yes, by industry" after an offer to break the figures down
    answers the last question for every name of that kind."""

    def name(self) -> Text:
        return "action_affirm"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        previous = tracker.get_slot("last_intent")
        if previous in ANSWER_ACTIONS and asked_kind(tracker.latest_message.get("text") or ""):
            return ANSWER_ACTIONS[previous].answer(dispatcher, tracker, previous)
        dispatcher.utter_message(response="utter_what_next")
        return []


class ActionDeny(Action):
    """A plain "no" asks what else; "no, I meant X" answers X: the previous question about a
    thing now named, else what the ranking finds, past the answer just given."""

    def name(self) -> Text:
        return "action_deny"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        message = tracker.latest_message
        if CORRECTION.search(message.get("text") or ""):
            previous = tracker.get_slot("last_intent")
            shown = tracker.get_slot("last_facts") or []
            intent, topic = meaning_lead(tracker, CORRECTION_MATCH, exclude=shown)
            # "no, I meant the visa": another topic, found by meaning past the answer just given.
            if intent and topic != tracker.get_slot("topic"):
                return ANSWER_ACTIONS[intent].answer(dispatcher, tracker, intent, exclude=shown)
            # "sorry, I meant Louisiana": the same question about the thing now named.
            if previous in ANSWER_ACTIONS and any(named_values(message, kind) for kind in SCOPE_KINDS):
                return ANSWER_ACTIONS[previous].answer(dispatcher, tracker, previous, follow_up=True)
            if intent:
                return ANSWER_ACTIONS[intent].answer(dispatcher, tracker, intent, exclude=shown)
        dispatcher.utter_message(response="utter_anything_else")
        return []
