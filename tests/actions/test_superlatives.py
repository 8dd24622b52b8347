"""'Which industry pays the most?': the highest or lowest figure of one kind, with its source."""

from __future__ import annotations

import pytest

from actions.topic_answers import ActionAnswerSalary
from actions.superlatives import superlative

from .conftest import Conversation, render

pytestmark = pytest.mark.usefixtures("action_store")


def said(text: str, topic=None, shown=()) -> str:
    messages, _ = superlative(text, topic, shown)
    return "\n".join(render(m) for m in messages)


def test_the_highest_paying_industry_and_state():
    industry = said("what industry paid techs the best?")
    assert "Of the 3 industries" in industry and "pharmaceutical" in industry and "$50,170" in industry
    assert "Source:" in industry
    assert "District of Columbia" in said("which state has the highest pay")


def test_the_fastest_growing_state_and_a_misspelt_kind():
    assert "Utah" in said("which state grows fastest?")
    assert "pharmaceutical" in said("what industy pays most")


def test_which_one_is_of_the_kind_just_shown():
    shown = ["salary-employer-massachusetts-general-hospital-g004"]
    lowest = said("so which one paid the least", "salary", shown)
    assert "Of the 11 employers" in lowest and "$29,800" in lowest
    assert said("so which one paid the least", "salary", []) == ""  # nothing shown: no kind to rank


def test_two_superlatives_in_one_message_get_both():
    reply = said("which state pays the most, and which state grows the fastest?")
    assert "District of Columbia" in reply and "Utah" in reply


@pytest.mark.parametrize(
    "text",
    [
        "which country pays the most",  # seven currencies: not ranked
        "what is the best state to live in",  # neither pay nor growth
        "which states have the most jobs",
        "what do techs earn in Ohio",  # not a superlative
        "which state pays the most and how do I get licensed there",  # one part is another question
    ],
)
def test_what_is_not_ranked(text):
    assert said(text) == ""


def test_a_pay_question_asking_for_the_top_industry_gets_one_figure():
    conversation = Conversation(ActionAnswerSalary(), "which industry pays records techs the most?", "ask_salary")
    assert "pharmaceutical" in conversation.reply and "newest first" not in conversation.reply
    assert conversation.slot("last_facts") == ["salary-industry-pharmaceutical-2014-g003"]


def test_a_cheaper_program_than_the_one_named_or_just_shown():
    from actions.superlatives import ranked_answer

    messages, fact = ranked_answer("any less expensive route than an associate degree?")
    reply = "\n".join(render(m) for m in messages)
    assert "certificate programs cost less than associate programs" in reply and "$3,000" in reply
    _, fact = ranked_answer("is there a cheaper option", None, ["education-cost-associate-g000"])
    assert fact.id == "education-cost-certificate-g000"
    assert ranked_answer("anything cheaper?", None, ["education-cost-certificate-g000"]) == ([], None)  # the cheapest
    assert ranked_answer("anything cheaper?", None, []) == ([], None)  # nothing to compare with


@pytest.mark.parametrize(
    "text", ["so what is the career ladder here?", "which stages would I move up through in this career"]
)
def test_the_career_ladder_is_every_level_with_its_years(text):
    from actions.superlatives import ranked_answer

    messages, fact = ranked_answer(text)
    reply = "\n".join(render(m) for m in messages)
    assert "5 steps" in reply and "Junior Medical Records Technician: 0-2 years" in reply
    assert "Health Information Manager: 10+ years" in reply and reply.count("Source") == 1


def test_a_question_about_steps_to_a_credential_is_not_the_ladder():
    from actions.superlatives import ranked_answer

    assert ranked_answer("what steps do I take to get my RHIT") == ([], None)


@pytest.mark.parametrize(
    "text", ["what do supervisors do, near the top of the ladder?", "pay at each stage of the career?"]
)
def test_a_question_about_one_level_or_about_pay_is_not_the_ladder(text):
    from actions.superlatives import ranked_answer

    messages, _ = ranked_answer(text)
    assert not any(m.get("response") == "utter_ladder" for m in messages)


def test_the_steps_to_get_started_are_not_the_ladder():
    from actions.superlatives import ranked_answer

    assert ranked_answer("what are the first steps into this career") == ([], None)


def test_how_long_it_takes_to_reach_a_level_is_its_years():
    from actions.superlatives import ranked_answer

    messages, fact = ranked_answer("how many years until i could be a records supervisor?")
    assert fact.id == "career-path-level-supervisor-g000" and "7-10 years" in render(messages[0])
    assert ranked_answer("how much does a supervisor make") == ([], None)  # not how long


def test_how_long_to_the_next_level_from_the_first():
    from actions.superlatives import ranked_answer

    _, fact = ranked_answer("so how long till the next level?")
    assert fact.id == "career-path-level-mid-level-g000"  # 2-4 years
