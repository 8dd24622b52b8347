"""The topic actions' common Rasa action: a question answered from the facts (`actions/answering.py`),
with the conversation's topic, place and offers kept in its slots."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answering import ELLIPTICAL, compose
from actions.specs import AnswerSpec, INTENT_ACTIONS, INTENT_TOPICS, intent_for_topic, keyword_matches, specs_of
from actions.breakdown import asked_kind, breakdown
from actions.feedback import record_unanswered
from actions.scope import POINTER, SCOPE_KINDS, choose_scope, named_values
from actions.store import store, vocabulary
from actions.superlatives import ranked_answer
from feedback.store import NO_FACTS, OTHER_CAREER

# A message pointing back at the remembered place (scope.POINTER: "there", "do they check...") in
# another topic's words is answered in that topic only when the classifier is less sure than this.
REROUTE_BELOW = 0.8


class TopicAnswerAction(Action):
    """Answers the intents of one topic from the knowledge store, citing each source."""

    action_name: str = ""
    specs: Dict[str, AnswerSpec] = {}  # from knowledge/topics.yml: the intents whose answered_by is this action

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.specs = specs_of(cls.action_name)
        # Kept in the registry's order (INTENT_TOPICS'), whichever action is defined first: it
        # settles which topic's keywords win when two match.
        answered = {**INTENT_ACTIONS, **{intent: cls for intent in cls.specs}}
        INTENT_ACTIONS.clear()
        INTENT_ACTIONS.update({intent: answered[intent] for intent in INTENT_TOPICS if intent in answered})

    def name(self) -> Text:
        return self.action_name

    @staticmethod
    def previous_has_facts(previous: str, message: Dict[str, Any]) -> bool:
        topic = INTENT_TOPICS[previous]
        return any(
            store().scoped_facts(topic, kind, value) for kind in SCOPE_KINDS for value in named_values(message, kind)
        )

    @staticmethod
    def about_remembered_scope(
        tracker: Tracker, spec: AnswerSpec, message: Dict[str, Any], follow_up: bool
    ) -> Optional[str]:
        """The intent of another topic whose keywords the message uses about the thing the
        conversation is on, when the message points back at it ("they", "there") and the
        classifier is unsure: "do they check my school papers" after Australia's pay is about
        how Australia recognises schooling, not the records a technician checks."""
        remembered = tracker.get_slot("scope")
        confidence = float((message.get("intent") or {}).get("confidence") or 0)
        text = message.get("text") or ""
        if (
            follow_up
            or not remembered
            or remembered in spec.scopes
            or confidence >= REROUTE_BELOW
            or not POINTER.search(text)
            or not tracker.get_slot(remembered)
        ):
            return None
        return next(
            (
                intent
                for intent, other, _ in keyword_matches(text)
                if other.topic != spec.topic and remembered in other.scopes
            ),
            None,
        )

    def spec_for(self, intent: Optional[str]) -> AnswerSpec:
        return self.specs.get(intent or "") or next(iter(self.specs.values()))

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        return self.answer(dispatcher, tracker, (tracker.latest_message.get("intent") or {}).get("name"))

    def answer(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        intent: Optional[str],
        message: Optional[Dict[str, Any]] = None,
        follow_up: bool = False,
        exclude: Sequence[str] = (),
    ) -> List[EventType]:
        """Answers a user message (the latest by default) as the given intent.

        `follow_up` marks a message such as "and in Hawaii?" that asks the previous question
        again about something else.
        """
        spec = self.spec_for(intent)
        message = message or tracker.latest_message
        text = message.get("text") or ""
        other_career = vocabulary().other_career_asked(text) if spec.this_career_only else None
        if other_career:
            dispatcher.utter_message(response="utter_other_career", career=other_career)
            record_unanswered(tracker, OTHER_CAREER, text=text)
            return []
        ranked_reply, top = ranked_answer(text, tracker.get_slot("topic"), tracker.get_slot("last_facts") or [])
        if top:  # "which industry pays the most?", "and which one was the lowest?"
            for reply in ranked_reply:
                dispatcher.utter_message(**reply)
            return [
                SlotSet("topic", top.topic),
                SlotSet("last_intent", intent_for_topic(top.topic)),
                SlotSet("scope", None),
                SlotSet("more_facts", None),
                SlotSet("last_facts", [top.id]),
            ]
        previous = tracker.get_slot("last_intent")
        if (
            not follow_up
            and ELLIPTICAL.search(text)
            and previous in INTENT_ACTIONS
            and INTENT_TOPICS[previous] != spec.topic
            and self.previous_has_facts(previous, message)
        ):
            # Context as a prior: the previous question's topic has facts for what is named now.
            return INTENT_ACTIONS[previous]().answer(dispatcher, tracker, previous, message, follow_up=True)
        rerouted = self.about_remembered_scope(tracker, spec, message, follow_up)
        if rerouted:  # "do they check my school papers", after pay in Australia: Australia's recognition
            return INTENT_ACTIONS[rerouted]().answer(dispatcher, tracker, rerouted, message)
        kind = asked_kind(text)
        if kind and not message.get("fact_parts") and not any(named_values(message, k) for k in SCOPE_KINDS):
            # "pay by country", "by industry please": every place or industry with its figure
            # (a question of two parts gets each part's answer instead).
            listed = breakdown(spec.topic, kind)
            if listed:
                for reply in listed:
                    dispatcher.utter_message(**reply)
                intent = intent if intent in self.specs else next(iter(self.specs))
                return [
                    SlotSet("topic", spec.topic),
                    SlotSet("last_intent", intent),
                    SlotSet("scope", None),
                    SlotSet("more_facts", None),
                    SlotSet("last_facts", None),
                ]
        scope, carried = choose_scope(spec, tracker, message, follow_up)
        # An elliptical follow-up ("and managers?") is ranked on words that say little: the
        # previous question's topic and the named thing answer it, not the ranking.
        both = [
            other for pattern, other in spec.together if other in self.specs and re.search(pattern, text, re.IGNORECASE)
        ]
        # "the pros and cons": each side's own headline, not a fact about both ranked first.
        answer = compose(
            spec,
            text,
            scope,
            carried,
            message=message,
            context_topic=tracker.get_slot("topic"),
            exclude=exclude,
            ranked=not follow_up and not both,
            shown_before=tracker.get_slot("last_facts") or [],
        )
        for other in both:
            answer.messages.extend(compose(self.specs[other], text, None).messages)
        if not answer.messages:
            dispatcher.utter_message(response="utter_no_facts")
        if not answer.messages or answer.messages[0].get("response") == "utter_no_facts_for":
            record_unanswered(tracker, NO_FACTS, text=text)
        for reply in answer.messages:
            dispatcher.utter_message(**reply)
        offered = list(tracker.get_slot("offered") or [])
        events: List[EventType] = []
        # Each offer ("I can break pay down by state") once a conversation.
        if spec.follow_up and spec.follow_up not in offered and not answer.topic:
            dispatcher.utter_message(response=spec.follow_up)
            events.append(SlotSet("offered", offered + [spec.follow_up]))
        events += [
            SlotSet("topic", answer.topic or spec.topic),
            SlotSet("more_facts", answer.more or None),
            SlotSet("last_facts", answer.shown or None),
            SlotSet(
                "last_intent",
                intent_for_topic(answer.topic)
                if answer.topic
                else intent
                if intent in self.specs
                else next(iter(self.specs)),
            ),
            SlotSet("scope", answer.scope[0] if answer.scope else None),
        ]
        if answer.scope:
            events.append(SlotSet(answer.scope[0], answer.scope[1]))
        return events
