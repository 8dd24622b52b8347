"""The coach's own turns: where its facts come from, the fallback when it is unsure, the answer to a
clarification, follow-ups, "tell me more", yes and no."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answering import ELLIPTICAL
from actions.specs import asked_aspects, intent_for_topic
from actions.scope import BACK_REFERENCE, NATIONWIDE, SCOPE_KINDS, choose_scope, named_values
from actions.breakdown import asked_kind
from actions.replies import reply_text
from actions.superlatives import ranked_answer
from actions.conversation import chosen
from actions.feedback import record_unanswered
from actions.store import store, vocabulary
from actions.topic_answers import ANSWER_ACTIONS
from actions.reading import (
    FLOW_FORMS,
    FOLLOW_UP_MATCH,
    INTENT_LABELS,
    LETTERS,
    STARTS,
    asked_together,
    best_by_topic,
    best_guess,
    check_quoted_figure,
    clarify_buttons,
    close_intents,
    earlier_user_message,
    intent_by_facts,
    intent_by_meaning,
    likeliest_flow,
    looks_foreign,
    meaning_lead,
)
from feedback.store import NOT_UNDERSTOOD, OTHER_CAREER


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


class ActionCoachFallback(Action):
    """Replies when the coach did not understand: says so, and says what it can help with."""

    def name(self) -> Text:
        return "action_coach_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        text = (tracker.latest_message.get("text") or "").strip()
        foreign = looks_foreign(text)
        career = vocabulary().other_career_asked(text) if not foreign else None
        if career:
            dispatcher.utter_message(response="utter_other_career", career=career)
            record_unanswered(tracker, OTHER_CAREER, text=text)
            return []
        flow = likeliest_flow(tracker) if not foreign else None
        if flow:
            return [FollowupAction(FLOW_FORMS[flow])]
        _, top = (
            ranked_answer(text, tracker.get_slot("topic"), tracker.get_slot("last_facts") or [])
            if not foreign
            else ([], None)
        )
        if top and intent_for_topic(top.topic) in ANSWER_ACTIONS:  # "in which industries do they earn the most?"
            intent = intent_for_topic(top.topic)
            return ANSWER_ACTIONS[intent].answer(dispatcher, tracker, intent)
        # "the pros and cons?": two intents nearly tied that the message asks together.
        both = asked_together(tracker) if not foreign else None
        if both:
            return ANSWER_ACTIONS[both].answer(dispatcher, tracker, both)
        # A fact found strongly by meaning answers, whatever the classifier was unsure of.
        by_meaning = intent_by_meaning(tracker) if not foreign else None
        if by_meaning:
            return ANSWER_ACTIONS[by_meaning].answer(dispatcher, tracker, by_meaning)
        # "what's HIS for?" while on software: a fact of the conversation's topic that the words
        # match well enough answers, where one of another topic would need to match strongly.
        topic = tracker.get_slot("topic")
        if (
            topic
            and not foreign
            and intent_for_topic(topic) in ANSWER_ACTIONS
            and meaning_lead(tracker, FOLLOW_UP_MATCH)[1] == topic
        ):
            intent = intent_for_topic(topic)
            return ANSWER_ACTIONS[intent].answer(dispatcher, tracker, intent)
        # "im in ohio", after pay by state was offered: the last question, about what is named now.
        previous = tracker.get_slot("last_intent")
        if (
            previous in ANSWER_ACTIONS
            and not foreign
            and any(named_values(tracker.latest_message, kind) for kind in SCOPE_KINDS)
        ):
            return ANSWER_ACTIONS[previous].answer(dispatcher, tracker, previous, follow_up=True)
        # "a blog claimed they average $52,000, can that be right?": the figure checked.
        checked = check_quoted_figure(dispatcher, tracker) if not foreign else None
        if checked is not None:
            return checked
        # "who gives that one out?", "so what's the newest number": the last answer's question,
        # about what this one asks (the thing talked about is carried, the ranking still weighs).
        if previous in ANSWER_ACTIONS and not foreign and BACK_REFERENCE.search(text):
            return ANSWER_ACTIONS[previous].answer(dispatcher, tracker, previous, follow_up=True)
        # The classifier unsure, the facts settle it: the likeliest intent that a fact backs.
        by_facts = intent_by_facts(tracker) if not foreign else None
        if by_facts:
            return ANSWER_ACTIONS[by_facts].answer(dispatcher, tracker, by_facts)
        options = close_intents(tracker) if not foreign else []
        # The conversation's topic settles a close call ("how do I keep it?" after the RHIT).
        on_topic = [
            i
            for i in options
            if i in ANSWER_ACTIONS and ANSWER_ACTIONS[i].spec_for(i).topic == tracker.get_slot("topic")
        ]
        if len(on_topic) == 1:
            dispatcher.utter_message(response="utter_best_guess")
            return ANSWER_ACTIONS[on_topic[0]].answer(dispatcher, tracker, on_topic[0])
        if options:
            dispatcher.utter_message(response="utter_clarify", buttons=clarify_buttons(options))
            return []
        guess = best_guess(tracker)
        if guess and not foreign:
            dispatcher.utter_message(response="utter_best_guess")
            return ANSWER_ACTIONS[guess].answer(dispatcher, tracker, guess)
        if not text or not LETTERS.search(text):
            dispatcher.utter_message(response="utter_empty_message")
        elif foreign:
            dispatcher.utter_message(response="utter_english_only")
            record_unanswered(tracker, "another language")
        else:
            dispatcher.utter_message(response="utter_did_not_understand")
            record_unanswered(tracker, NOT_UNDERSTOOD)
        dispatcher.utter_message(response="utter_topics_hint")
        return []


class ActionClarified(Action):
    """Answers the earlier, unclear message as the intent the user picked from the buttons."""

    def name(self) -> Text:
        return "action_clarified"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        picked = chosen(tracker)
        earlier = earlier_user_message(tracker)
        if picked in ANSWER_ACTIONS:
            return ANSWER_ACTIONS[picked].answer(dispatcher, tracker, picked, message=earlier)
        if picked in STARTS:
            return [FollowupAction(STARTS[picked])]
        if earlier.get("text"):
            record_unanswered(tracker, "none of the suggestions", text=earlier["text"])
        dispatcher.utter_message(response="utter_rephrase")
        dispatcher.utter_message(response="utter_topics_hint")
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
