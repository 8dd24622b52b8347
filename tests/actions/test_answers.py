"""The answer actions: the right facts, from the right guide, for what the user named."""

from __future__ import annotations

import re

import pytest

from actions.topic_answers import ActionAnswerCareer
from actions.topic_answers import TOPIC_ACTIONS
from actions.topic_answers import ActionAnswerSalary
from actions.topic_answers import ActionAnswerWork

from .conftest import entity

ANSWER_ACTIONS = TOPIC_ACTIONS  # the same registry the fallback answers through
G000 = "Complete Medical Records Technician Career Guide"
G003 = "How to Become a Medical Records Technician (article)"


@pytest.mark.parametrize(
    "action, intent", [(a, i) for a in ANSWER_ACTIONS for i in a.specs], ids=lambda x: getattr(x, "action_name", x)
)
def test_every_intent_gets_a_sourced_answer(ask, action, intent):
    said = ask(action, "tell me", intent)
    assert said.texts, f"{intent} got no answer"
    assert re.search(r"Sources?: ", said.reply)
    assert said.slot("topic") == action.specs[intent].topic


# (intent, text, entities, what the reply must hold)
CASES = [
    ("ask_salary", "what is the median salary", [], ["$47,190", "May 2023", G000]),
    ("ask_salary", "how much in NJ", [entity("state", "NJ")], ["$59,740", "2014", G003]),
    ("ask_salary", "pay in new jersy", [], ["$59,740"]),
    ("ask_salary", "what about D.C.", [entity("state", "D.C.")], ["$69,100"]),
    ("ask_salary", "what does a senior tech earn", [entity("experience_level", "senior")], ["$53"]),
    ("ask_salary", "and a supervisor", [entity("experience_level", "supervisor")], ["$65"]),
    ("ask_salary", "salary in canada", [entity("country", "canada")], ["Canadian dollars", "$29,000"]),
    ("ask_salary", "what's the average pay", [], ["$"]),
    ("ask_salary", "what do the top 10% make", [], ["10"]),
    ("ask_salary", "pay in legal services", [entity("industry", "legal services")], ["$48,680"]),
    ("ask_outlook", "what's the job outlook", [], ["7%", "2022", G000]),
    ("ask_outlook", "growth in utah", [entity("state", "utah")], ["32.9"]),
    ("ask_outlook", "how many openings each year", [], ["15,500"]),
    ("ask_certification", "tell me about the rhit", [entity("certification", "rhit")], ["AHIMA"]),
    (
        "ask_education_duration",
        "how long is an associate degree",
        [entity("degree_type", "associate degree")],
        ["two years"],
    ),
    ("ask_education_cost", "how much does school cost", [], ["$10,000", "$30,000"]),
    ("ask_tools", "what software do they use", [], ["Epic", "Cerner"]),
    ("ask_duties", "what does a cancer registrar do", [entity("role", "cancer registrar")], ["cancer"]),
    ("ask_career_path", "what about a supervisor", [entity("experience_level", "supervisor")], ["7-10"]),
    ("ask_abroad", "do i need ielts", [], ["IELTS"]),
    ("ask_reading_list", "any books", [], ["RHIT Exam Secrets Study Guide"]),
]


@pytest.mark.parametrize("intent, text, entities, expected", CASES, ids=[c[1] for c in CASES])
def test_answers_hold_the_right_facts(ask, intent, text, entities, expected):
    action = next(a for a in ANSWER_ACTIONS if intent in a.specs)
    reply = ask(action, text, intent, entities).reply
    for needle in expected:
        assert needle in reply, f"{needle!r} missing from: {reply}"


def test_a_state_without_pay_data_says_so_and_offers_the_closest(ask):
    said = ask(ActionAnswerSalary(), "how much do they make in texas", "ask_salary", [entity("state", "Texas")])
    assert "don't give a pay figure for Texas" in said.reply
    assert "District of Columbia" in said.reply  # the states it does have
    assert "$47,190" in said.reply  # the national figure as the closest fact
    assert "29.6" in said.reply  # and what the guides do say about Texas
    assert said.slot("state") == "Texas"


def test_a_country_without_data_is_not_answered_with_another(ask):
    said = ask(ActionAnswerSalary(), "how much in france", "ask_salary", [entity("country", "France")])
    assert "don't give a pay figure for France" in said.reply
    assert "Canada" in said.reply


def test_the_named_value_is_remembered(ask):
    said = ask(ActionAnswerSalary(), "pay in hawaii", "ask_salary", [entity("state", "hawaii")])
    assert said.slot("state") == "Hawaii"
    assert "$46,350" in said.reply


def test_every_answer_with_a_figure_names_its_source(ask):
    for action in ANSWER_ACTIONS:
        for intent in action.specs:
            for message in ask(action, "", intent).texts:
                if any(ch.isdigit() for ch in message) and message.count("\n") >= 1:
                    assert "Source: " in message, message


def test_the_topic_actions_answer_exactly_the_registrys_intents_in_its_order():
    from actions.specs import INTENT_ACTIONS
    from actions.topic_answers import ANSWER_ACTIONS
    from knowledge.topics import intents, topics

    assert list(INTENT_ACTIONS) == list(ANSWER_ACTIONS) == list(intents())
    for intent, action in ANSWER_ACTIONS.items():
        assert action.name() == topics()[intents()[intent].topic].answered_by
        assert action.specs[intent].topic == intents()[intent].topic


def test_every_fact_can_be_reached_by_some_question():
    """Each topic and aspect in the knowledge base is answered by some intent, keyword or scope."""
    from knowledge.schema import load_facts

    reachable = set()
    for action in ANSWER_ACTIONS:
        for spec in action.specs.values():
            aspects = set(spec.aspects) | set(spec.scoped_aspects)
            for _, narrowed in spec.keywords:
                aspects |= set(narrowed)
            reachable |= {(spec.topic, a) for a in aspects}
            reachable |= {(spec.topic, f"scope:{s}") for s in spec.scopes}
    unreachable = {
        (f.topic, f.aspect)
        for f in load_facts()
        if (f.topic, f.aspect) not in reachable and (f.topic, f"scope:{f.scope_type}") not in reachable
    }
    assert not unreachable, f"no question reaches: {sorted(unreachable)}"


KEYWORD_CASES = [
    ("ask_overview", "do they deal with patients", "patient"),
    ("ask_career_path", "can i move into healthcare IT later", "Source"),
    ("ask_remote_work", "could i do this remotely from abroad as a nomad", "across borders"),
    ("ask_resume", "tips for applying and job boards", "Source"),
    ("ask_certification", "do cancer registrars need a license", "licens"),
]


@pytest.mark.parametrize("intent, text, needle", KEYWORD_CASES, ids=[c[1] for c in KEYWORD_CASES])
def test_the_question_words_pick_the_aspect(ask, intent, text, needle):
    action = next(a for a in ANSWER_ACTIONS if intent in a.specs)
    assert needle in ask(action, text, intent).reply


@pytest.mark.parametrize(
    "text",
    ["how much do medical records technicians make", "what do MRTs earn", "health information technician salary"],
)
def test_naming_the_job_itself_is_not_a_narrower_scope(ask, text):
    reply = ask(ActionAnswerSalary(), text, "ask_salary").reply
    assert "$47,190" in reply and "don't give" not in reply and "job records" not in reply


def test_asking_for_the_average_gives_each_guides_average(ask):
    reply = ask(ActionAnswerSalary(), "what is the average salary", "ask_salary").reply
    assert "$37,110" in reply and "$46,590" in reply


def test_a_state_figure_comes_with_the_latest_national_one(ask):
    reply = ask(ActionAnswerSalary(), "pay in new jersey", "ask_salary", [entity("state", "New Jersey")]).reply
    assert reply.index("$59,740") < reply.index("For comparison") < reply.index("$47,190")


@pytest.mark.parametrize("intent", ["ask_pros", "ask_cons"])
def test_pros_and_cons_together(ask, intent):
    said = ask(ActionAnswerWork(), "what are the pros and cons", intent)
    assert said.reply.count("Source: ") == 2
    assert "lot to like" in said.reply and "downsides" in said.reply


def test_only_the_asked_side_when_one_is_asked(ask):
    assert ask(ActionAnswerWork(), "any downsides", "ask_cons").reply.count("Source: ") == 1


@pytest.mark.parametrize(
    "action, intent, text, career",
    [
        (ActionAnswerSalary(), "ask_salary", "how much do nurses make", "nurse"),
        (ActionAnswerCareer(), "ask_how_to_become", "how do i become an electrician", "electrician"),
        (ActionAnswerWork(), "ask_duties", "what does a pharmacist do", "pharmacist"),
    ],
)
def test_another_career_is_declined_not_answered_with_this_ones_facts(ask, action, intent, text, career):
    said = ask(action, text, intent)
    assert said.responses == ["utter_other_career"]
    assert f"being a {career}" in said.reply and "$" not in said.reply


@pytest.mark.parametrize(
    "action, intent, text",
    [
        (ActionAnswerWork(), "ask_work_environment", "do i work with nurses and doctors"),
        (ActionAnswerWork(), "ask_role_difference", "what does a medical assistant do differently"),
        (ActionAnswerSalary(), "ask_salary", "what do coders make"),
    ],
)
def test_mentioning_another_career_is_not_asking_about_it(ask, action, intent, text):
    assert "utter_other_career" not in ask(action, text, intent).responses


def test_a_named_employer_s_record_leads_over_its_state_s_comparison(ask, knowledge_store):
    # "mass" names the state too; the hospital's own record answers the question better.
    said = ask(
        ActionAnswerSalary(),
        "what did mass general pay",
        "ask_salary",
        [entity("state", "Massachusetts")],
        facts=[
            ("salary-employer-massachusetts-general-hospital-g004", 1.09),
            ("salary-state-massachusetts-g000", 0.71),
        ],
    )
    assert "$42,000" in said.reply and "For comparison" not in said.reply


def test_a_thing_without_facts_of_its_own_is_answered_by_a_fact_that_names_it(ask):
    # No pay figure is about hospitals alone, but a fact compares hospitals with other settings.
    said = ask(
        ActionAnswerSalary(),
        "do hospitals pay better than a doctor's office?",
        "ask_salary",
        [entity("industry", "hospitals")],
        facts=[("salary-industry-settings-g001", 1.03), ("salary-industry-settings-g000", 0.8)],
    )
    assert "Government facilities and hospitals usually pay more" in said.reply
    assert "won't guess" not in said.reply


def test_a_place_without_facts_is_still_said_to_have_none(ask):
    # A strong match about other states does not answer for Florida.
    said = ask(
        ActionAnswerSalary(),
        "what do they make in florida",
        "ask_salary",
        [entity("state", "Florida")],
        facts=[("salary-state-new-jersey-2014-g003", 0.9)],
    )
    assert said.responses[0] == "utter_no_facts_for"


def test_of_two_places_named_the_one_the_guides_cover_is_answered(ask):
    from actions.topic_answers import ActionAnswerCareer

    said = ask(
        ActionAnswerCareer(),
        "im a nurse in the philippines wanting to move to canada, how does that work",
        "ask_abroad",
        [entity("country", "Philippines"), entity("country", "Canada")],
    )
    assert "Canada" in said.reply and "won't guess" not in said.reply
    assert said.slot("country") == "Canada"


@pytest.mark.parametrize(
    "text, shown, intro",
    [
        ("3k is my max for school, what could I afford?", "$3,000 to $10,000", "With about $3,000 to spend"),
        (
            "i can spend maybe 15 grand total. is an associates degree realistic?",
            "$10,000 to $30,000",
            "With about $15,000 to spend",
        ),
        ("my budget is 2k, what are my options for school", "$3,000 to $10,000", "Nothing the guides price"),
    ],
)
def test_a_budget_the_person_states_is_met_with_what_it_reaches(ask, text, shown, intro):
    from actions.topic_answers import ActionAnswerEducation

    said = ask(ActionAnswerEducation(), text, "ask_education_cost")
    assert said.reply.startswith(intro) and shown in said.reply


def test_a_budget_beside_another_question_leaves_that_question_alone(ask):
    from actions.topic_answers import ActionAnswerEducation

    said = ask(ActionAnswerEducation(), "3k is my max, is there any financial aid?", "ask_education_cost")
    assert "to spend" not in said.reply


def test_a_fact_of_another_topic_naming_the_place_does_not_answer_for_it(ask):
    said = ask(
        ActionAnswerSalary(),
        "salary in Texas",
        "ask_salary",
        [entity("state", "Texas")],
        facts=[("outlook-state-growth-texas-2012-2022-g003", 0.9)],
    )
    assert said.responses[0] == "utter_no_facts_for" and "$" in said.reply
