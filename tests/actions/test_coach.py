"""The coach's own turns: sources, and what it says when it does not understand."""
from __future__ import annotations

import pytest

from actions.coach import ActionCoachFallback, ActionListSources, looks_foreign


def test_sources_lists_all_five_guides(ask):
    reply = ask(ActionListSources(), "where does your info come from", "ask_sources").reply
    for title in ["Complete Medical Records Technician Career Guide", "Career Profile and Forecast",
                  "Pathways, Salary, Skills", "(article)", "job-site profile"]:
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
