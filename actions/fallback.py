"""The coach's turn when the classifier is unsure (the fallback): the answer the facts, the
conversation or a flow support, else a clarification with buttons or a kind apology; and the
answer to a clarification's button."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.specs import intent_for_topic
from actions.scope import BACK_REFERENCE, SCOPE_KINDS, named_values
from actions.superlatives import ranked_answer
from actions.conversation import chosen
from actions.feedback import record_unanswered
from actions.store import vocabulary
from actions.topic_answers import ANSWER_ACTIONS
from actions.reading import (
    FLOW_FORMS,
    FOLLOW_UP_MATCH,
    LETTERS,
    STARTS,
    asked_together,
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
