"""The coach's own turns: sources, and what it says when it does not understand."""

from __future__ import annotations

import pytest

from actions.coach import ActionListSources
from actions.fallback import ActionCoachFallback
from actions.reading import looks_foreign


def test_sources_lists_all_five_guides(ask):
    reply = ask(ActionListSources(), "where does your info come from", "ask_sources").reply
    for title in [
        "Complete Medical Records Technician Career Guide",
        "Career Profile and Forecast",
        "Pathways, Salary, Skills",
        "(article)",
        "job-site profile",
    ]:
        assert title in reply


@pytest.mark.parametrize(
    "text, response",
    [
        ("", "utter_empty_message"),
        ("   ", "utter_empty_message"),
        ("😀😀🎉", "utter_empty_message"),
        ("¿Cuánto gana un técnico de registros médicos?", "utter_english_only"),
        ("combien gagne un technicien", "utter_english_only"),
        ("医疗记录技术员的工资是多少", "utter_english_only"),
        ("asdf qwerty zxcv", "utter_did_not_understand"),
        ("'; DROP TABLE facts; --", "utter_did_not_understand"),
    ],
)
def test_fallback_says_why_and_what_it_can_do(ask, text, response):
    said = ask(ActionCoachFallback(), text, "nlu_fallback")
    assert said.responses == [response, "utter_topics_hint"]
    assert "salary" in said.reply


@pytest.mark.parametrize("text", ["what is the median salary", "how do i get the RHIT", "is it a good job for me"])
def test_english_is_not_taken_for_another_language(text):
    assert not looks_foreign(text)


def unsure(text, ranking):
    from tests.actions.conftest import make_tracker

    tracker = make_tracker(text, "nlu_fallback")
    tracker.latest_message["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 0.45}] + [
        {"name": name, "confidence": confidence} for name, confidence in ranking
    ]
    return tracker


def run_fallback(tracker):
    from rasa_sdk.executor import CollectingDispatcher

    from tests.actions.conftest import render

    dispatcher = CollectingDispatcher()
    events = ActionCoachFallback().run(dispatcher, tracker, {})
    return [m.get("response") for m in dispatcher.messages], "\n".join(render(m) for m in dispatcher.messages), events


def test_an_unsure_guess_with_a_topic_word_is_answered(action_store):
    tracker = unsure(
        "is there much job growth expected for this line of work", [("ask_outlook", 0.30), ("ask_education", 0.12)]
    )
    responses, reply, events = run_fallback(tracker)
    assert responses[0] == "utter_best_guess"
    assert "7%" in reply and "Source: " in reply
    assert {"event": "slot", "name": "topic", "value": "outlook", "timestamp": None} in events


@pytest.mark.parametrize(
    "text, ranking",
    [
        ("asdf qwerty", [("ask_cert_renewal", 0.14)]),  # too unsure
        ("hmm whatever", [("ask_salary", 0.35)]),  # no word of pay in it
        ("lol", [("affirm", 0.3)]),  # not a career question
    ],
)
def test_an_unsure_guess_without_support_is_not_answered(action_store, text, ranking):
    responses, _, _ = run_fallback(unsure(text, ranking))
    assert "utter_best_guess" not in responses and "utter_topics_hint" in responses


def with_facts(tracker, facts):
    tracker.latest_message["facts"] = [{"id": fact_id, "score": score} for fact_id, score in facts]
    return tracker


def test_when_the_classifier_is_unsure_the_facts_decide(action_store):
    # Two intents too close to call; the ranking's best fact belongs to the first one's topic.
    tracker = with_facts(
        unsure(
            "I have a bad back. Is this job physically demanding?", [("ask_work_environment", 0.41), ("ask_cons", 0.27)]
        ),
        [("work-environment-physical-g004", 0.65), ("outlook-recession-g000", 0.46), ("cons-eye-strain-g000", 0.39)],
    )
    responses, reply, events = run_fallback(tracker)
    assert "utter_clarify" not in responses
    assert "sitting" in reply and "Source: " in reply
    assert {"event": "slot", "name": "topic", "value": "work_environment", "timestamp": None} in events


def test_a_fact_can_outweigh_a_slightly_likelier_intent(action_store):
    tracker = with_facts(
        unsure("which languages do they speak besides english", [("ask_abroad", 0.28), ("ask_skills", 0.16)]),
        [("skills-languages-g004", 0.61), ("abroad-language-tests-g000", 0.52)],
    )
    _, _, events = run_fallback(tracker)
    assert {"event": "slot", "name": "topic", "value": "skills", "timestamp": None} in events


def test_when_no_fact_backs_the_close_intents_the_coach_asks(action_store):
    tracker = with_facts(
        unsure("what about it then", [("ask_work_environment", 0.41), ("ask_cons", 0.35)]),
        [("work-environment-physical-g004", 0.3), ("cons-eye-strain-g000", 0.25)],
    )
    responses, _, _ = run_fallback(tracker)
    assert responses == ["utter_clarify"]


def test_a_figure_quoted_to_check_is_checked_when_the_classifier_is_unsure(action_store):
    tracker = unsure(
        "A blog claimed medical records techs average $52,000 a year. Can that be right?",
        [("compare_sources", 0.43), ("ask_salary", 0.17)],
    )
    _, reply, _ = run_fallback(tracker)
    # The nearest figure in the guides (a senior's $53k), and the headline one beside it.
    assert "$53k" in reply and "$47,190" in reply


def test_a_figure_checked_against_a_source_is_checked_against_the_guides(ask):
    said = ask(
        ActionListSources(),
        "a blog said health information managers pull in 120k, is that legit?",
        "ask_sources",
        facts=[("salary-experience-manager-g000", 0.8)],
    )
    assert "$90,000" in said.reply or "90k" in said.reply
    assert "120,000" in said.reply  # said not to be in the guides


def test_two_intents_nearly_tied_and_asked_together_are_both_answered(action_store):
    tracker = unsure("so whats good and bad about this work", [("ask_cons", 0.44), ("ask_pros", 0.41)])
    _, reply, _ = run_fallback(tracker)
    assert "downsides" in reply and "a lot to like" in reply  # each side's own headline
    tracker = unsure("so whats good about this work", [("ask_cons", 0.44), ("ask_pros", 0.41)])
    _, reply, _ = run_fallback(tracker)
    assert not ("downsides" in reply and "a lot to like" in reply)  # one side asked: not both
