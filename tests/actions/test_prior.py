"""The conversation as a prior, never a trap: elliptical questions, corrections, remembered places
and topics, an offer made once, "tell me more"."""

from __future__ import annotations

import pytest

from actions.answering import compose
from actions.weighing import weigh
from actions.topic_answers import ActionAnswerCareer
from actions.coach import ActionDeny, ActionTellMore
from actions.topic_answers import ActionAnswerWork
from actions.topic_answers import ActionAnswerSalary

from rasa_sdk.executor import CollectingDispatcher

from .conftest import Conversation, entity, ranked, render, store_answer

pytestmark = pytest.mark.usefixtures("action_store")


def test_tell_me_more_gives_what_the_short_answer_held_back(action_store):
    slots = {"more_facts": ["salary-median-national-2014-g003", "salary-average-national-g002", "x"]}
    said = Conversation(ActionTellMore(), "tell me more", "tell_more", slots=slots)
    assert "$38,860" in said.reply and "$46,590" in said.reply
    assert said.slot("more_facts") == ["x"]
    said = Conversation(ActionTellMore(), "more", "tell_more", slots={})
    assert said.responses == ["utter_nothing_more"]


def test_a_correction_answers_what_was_meant_past_the_answer_given(action_store):
    slots = {"topic": "education", "last_intent": "ask_education", "last_facts": ["education-paths-g000"]}
    conversation = Conversation.__new__(Conversation)
    from rasa_sdk.executor import CollectingDispatcher

    from .conftest import make_tracker

    tracker = make_tracker("no, I meant the visa, not school", "deny", slots=slots)
    tracker.latest_message["facts"] = ranked(("education-paths-g000", 0.9), ("abroad-visa-timelines-g000", 0.8))
    conversation.dispatcher = CollectingDispatcher()
    conversation.events = ActionDeny().run(conversation.dispatcher, tracker, {})
    assert "few months" in conversation.reply
    plain_no = Conversation(ActionDeny(), "no thanks", "deny", slots=slots)
    assert plain_no.responses == ["utter_anything_else"]


def test_an_offer_is_made_once_a_conversation(action_store):
    first = Conversation(ActionAnswerSalary(), "what is the median salary", "ask_salary")
    assert "utter_more_on_salary" in first.responses
    again = Conversation(
        ActionAnswerSalary(), "what is the median salary", "ask_salary", slots={"offered": first.slot("offered")}
    )
    assert "utter_more_on_salary" not in again.responses


def test_an_elliptical_question_stays_on_the_conversation_s_topic(action_store):
    slots = {"topic": "salary", "last_intent": "ask_salary"}
    said = Conversation(
        ActionAnswerCareer(),
        "what about senior techs",
        "ask_career_path",
        [entity("experience_level", "senior")],
        slots=slots,
    )
    assert "$53k" in said.reply  # the pay of a senior, as the conversation was on pay
    said = Conversation(
        ActionAnswerCareer(),
        "what does a senior tech do",
        "ask_career_path",
        [entity("experience_level", "senior")],
        slots=slots,
    )
    assert "4-7 years" in said.reply and "$53k" not in said.reply  # a new question wins


@pytest.mark.parametrize(
    "text, leans",
    [
        ("where would i find those jobs", True),
        ("which countries have visas for that", True),
        ("what about from another country?", True),
        ("which countries have work visas", False),
    ],
)
def test_a_message_that_leans_on_the_last_one_weighs_its_topic_more(action_store, text, leans):
    from actions.scope import leans_back

    assert leans_back(text) == leans
    ranking = [("abroad-visa-routes-g000", 0.8), ("remote-international-job-sources-g000", 0.7)]
    scored = weigh(
        ranking,
        [],
        spec_topic="abroad",
        asked=(),
        narrowed=False,
        default_aspects=(),
        topics={},
        context_topic="remote_work",
        leans_back=leans_back(text),
    )
    assert scored[0].fact.topic == ("remote_work" if leans else "abroad")


def test_a_remembered_place_whose_facts_were_just_shown_does_not_trap_a_new_question(action_store):
    spec = ActionAnswerWork.specs["ask_remote_work"]
    text = "how would i find remote jobs like that"
    message = {
        "text": text,
        "intent_ranking": [{"name": "ask_remote_work", "confidence": 0.9}],
        "facts": ranked(
            ("remote-international-job-sources-g000", 1.1),
            ("remote-international-g000", 0.95),
            ("remote-international-visa-portugal-g000", 0.79),
        ),
    }
    portugal = ("country", "Portugal")
    # the place's one fact was the last answer: the new question gets its own answer
    answer = compose(
        spec, text, portugal, carried=True, message=message, shown_before=["remote-international-visa-portugal-g000"]
    )
    assert "Upwork" in answer.messages[-1]["text"] and not answer.scope
    # ... while a place with something not yet said still holds the conversation
    answer = compose(spec, text, portugal, carried=True, message=message)
    assert "Portugal" in answer.messages[-1]["text"]


def test_a_question_pointing_back_at_the_remembered_place_is_answered_about_it(action_store):
    from actions.topic_answers import ActionAnswerWork

    from .conftest import make_tracker

    slots = {"scope": "country", "country": "Australia", "topic": "salary", "last_intent": "ask_salary"}
    tracker = make_tracker("do they check my school papers", "ask_duties", slots=slots)
    tracker.latest_message["intent"]["confidence"] = 0.57  # the classifier hears "checking records"
    tracker.latest_message["facts"] = ranked(
        ("duties-resume-examples-g004", 0.71), ("duties-technician-g000", 0.67), ("abroad-credential-canada-g000", 0.66)
    )
    dispatcher = CollectingDispatcher()
    ActionAnswerWork().run(dispatcher, tracker, {})
    assert "ANMAC" in "\n".join(render(m) for m in dispatcher.messages)
    # a sure classifier, or a message not pointing back, keeps its own topic
    tracker.latest_message["intent"]["confidence"] = 0.9
    dispatcher = CollectingDispatcher()
    ActionAnswerWork().run(dispatcher, tracker, {})
    assert "ANMAC" not in "\n".join(render(m) for m in dispatcher.messages)


def test_the_other_side_asked_after_the_pros_gets_the_cons(action_store):
    from actions.topic_answers import ActionAnswerWork

    from .conftest import make_tracker

    slots = {"topic": "pros", "last_intent": "ask_pros", "last_facts": ["pros-summary-g000"]}
    tracker = make_tracker("and the bad?", "ask_cons", slots=slots)
    tracker.latest_message["intent_ranking"] = [{"name": "ask_cons", "confidence": 0.74}]
    # the ranking likes the "it depends" fact of the pros for any good-or-bad question
    tracker.latest_message["facts"] = ranked(
        ("pros-cons-depend-g000", 0.77), ("cons-modest-starting-pay-g000", 0.66), ("cons-summary-g000", 0.2)
    )
    dispatcher = CollectingDispatcher()
    ActionAnswerWork().run(dispatcher, tracker, {})
    reply = "\n".join(render(m) for m in dispatcher.messages)
    assert reply.startswith(store_answer("cons-summary-g000")), reply
