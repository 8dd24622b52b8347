"""The years a person says they have worked place them on the career's ladder."""

from __future__ import annotations

import pytest

from actions.scope import level_after, stated_level
from actions.topic_answers import ActionAnswerCareer
from actions.quantities import stated_experience
from actions.topic_answers import ActionAnswerSalary

from .conftest import Conversation, entity


@pytest.mark.parametrize(
    "text, years",
    [
        ("i've done records work for six years", 6.0),
        ("I have been an RHIT for 3 years", 3.0),
        ("ive been doing this for a couple years", 2.0),
        ("ive been a tech for nearly three years", 2.75),  # not yet three
        ("8 yrs in, feeling stuck", 8.0),
        ("i have 5 years experience, what now", 5.0),
        ("I'm 5 years into working as a records tech", 5.0),
        ("3 years as a tech and i want more", 3.0),
        # Years of something else are not experience of this work.
        ("ive been a cashier for 5 years", None),
        ("i have 4 years of experience in retail", None),
        ("two years in school is too long", None),
        ("what do techs make after 5 years", None),
        ("10 years as a cashier", None),
        ("2 years in retail and i want this job", None),
    ],
)
def test_the_years_a_person_has_worked(text, years):
    assert stated_experience(text) == years


def test_the_years_give_the_level_and_next_asks_for_the_one_after(action_store):
    assert stated_level("i've done records work for six years") == "senior"
    assert stated_level("1 year in") == "junior"
    assert stated_level("ive been a tech for nearly two years, whats the next step") == "mid-level"
    assert stated_level("what is the next step") is None  # no years said
    assert level_after("junior") == "mid-level"
    assert level_after("health information manager") == "health information manager"  # the top


def test_pay_for_the_years_worked(action_store):
    said = Conversation(
        ActionAnswerSalary(), "i've done records work for six years, what pay is normal for me?", "ask_salary"
    )
    assert "Senior Medical Records Technician" in said.reply and "$53k" in said.reply


def test_a_named_level_and_next_gives_the_level_after(action_store):
    said = Conversation(
        ActionAnswerCareer(),
        "i'm a junior tech, how do i get to the next level",
        "ask_career_path",
        [entity("experience_level", "junior")],
    )
    assert "2-4 years" in said.reply
