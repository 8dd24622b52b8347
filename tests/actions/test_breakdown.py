"""'Pay by country', 'by industry please': every place, level or industry with its figure."""

from __future__ import annotations

import pytest

from actions.breakdown import asked_kind, breakdown, breakdown_facts
from actions.coach import ActionAffirm, ActionFollowUp
from actions.topic_answers import ActionAnswerSalary

from .conftest import render

pytestmark = pytest.mark.usefixtures("action_store")

PAY = {"topic": "salary", "last_intent": "ask_salary"}


@pytest.mark.parametrize(
    "text, kind",
    [
        ("by industry please", "industry"),
        ("what's the pay by country", "country"),
        ("pay across states", "state"),
        ("salary by experience level", "experience_level"),
        ("and for each state?", "state"),
        ("by the way, what do they make", None),
        ("pay in texas", None),
    ],
)
def test_the_kind_asked_for(text, kind):
    assert asked_kind(text) == kind


def test_a_breakdown_is_one_line_a_name_with_its_figure_and_one_source():
    said = "\n".join(render(m) for m in breakdown("salary", "industry"))
    assert said.startswith("Pay by industry in the guides (annual mean wage):")
    assert "• pharmaceutical and medicine manufacturing: $50,170" in said and "• legal services: $48,680" in said
    assert said.count("Source") == 1 and "May 2013" in said


def test_each_country_keeps_its_currency():
    said = "\n".join(render(m) for m in breakdown("salary", "country"))
    assert "• Canada: 40,000 to 60,000 CAD per year" in said and "SGD per month" in said


def test_a_kind_with_fewer_than_two_figures_gives_no_breakdown():
    assert len(breakdown_facts("salary", "percentile")) >= 2  # four percentiles
    assert breakdown("outlook", "country") == []  # no growth figure by country


def test_yes_naming_a_kind_after_a_pay_answer_breaks_pay_down(ask):
    said = ask(ActionAffirm(), "by industry please", "affirm", slots=PAY)
    assert "$50,170" in said.reply and said.slot("last_intent") == "ask_salary"


def test_a_plain_yes_asks_what_next(ask):
    said = ask(ActionAffirm(), "yes please", "affirm", slots=PAY)
    assert said.responses == ["utter_what_next"]


def test_and_by_state_after_a_pay_answer(ask):
    said = ask(ActionFollowUp(), "and by state?", "follow_up", slots=PAY)
    assert "District of Columbia: $69,100" in said.reply and "Hawaii: $46,350" in said.reply


def test_a_question_for_every_level_gets_them_all(ask):
    said = ask(ActionAnswerSalary(), "what's the pay by experience level", "ask_salary")
    assert all(
        f"{level}: ${pay}" in said.reply
        for level, pay in [("junior", "36,000"), ("senior", "53,000"), ("health information manager", "90,000")]
    )


def test_a_named_place_is_answered_for_that_place_not_broken_down(ask):
    from .conftest import entity

    said = ask(ActionAnswerSalary(), "pay by state, like in New Jersey", "ask_salary", [entity("state", "New Jersey")])
    assert "$59,740" in said.reply and "Hawaii" not in said.reply
