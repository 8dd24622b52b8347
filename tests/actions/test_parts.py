"""A message that asks two things, or tells something and asks one: each question gets its fact."""

from __future__ import annotations

import pytest

from actions.choosing import pick
from actions.weighing import Scored, weigh
from actions.topic_answers import ActionAnswerCareer
from actions.topic_answers import ActionAnswerEducation
from actions.topic_answers import ActionAnswerSalary

from rasa_sdk.executor import CollectingDispatcher

from .conftest import Conversation, entity, facts, ranked, render

pytestmark = pytest.mark.usefixtures("action_store")


def test_each_part_of_a_two_part_question_gets_its_fact(action_store):
    whole = weigh(
        [("education-duration-certificate-9-12-months-g000", 1.0)],
        [],
        spec_topic=None,
        asked=(),
        narrowed=False,
        default_aspects=(),
        topics={},
    )
    parts = [
        weigh([(i, 1.0)], [], spec_topic=None, asked=(), narrowed=False, default_aspects=(), topics={})
        for i in ("education-duration-certificate-9-12-months-g000", "education-cost-certificate-g000")
    ]
    assert [f.id for f in pick(whole, 2, parts)] == [
        "education-duration-certificate-9-12-months-g000",
        "education-cost-certificate-g000",
    ]


def test_the_as_or_the_aas_answers_both(action_store):
    said = Conversation(
        ActionAnswerEducation(), "should i do the AS or the AAS", "ask_education", [entity("degree_type", "AAS")]
    )
    assert "Associate of Science (AS)" in said.reply and "Associate of Applied Science (AAS)" in said.reply


def test_a_comparison_asked_beside_another_question_answers_both(action_store):
    from .conftest import make_tracker

    text = "the AS or the AAS, which one, and how long is school"
    tracker = make_tracker(text, "ask_education", [entity("degree_type", "AS"), entity("degree_type", "AAS")])
    tracker.latest_message["fact_parts"] = [
        [{"id": "education-degree-as-g001", "score": 0.8}],
        [{"id": "education-duration-associate-g000", "score": 0.9}],
    ]
    dispatcher = CollectingDispatcher()
    ActionAnswerEducation().run(dispatcher, tracker, {})
    reply = "\n".join(render(m) for m in dispatcher.messages)
    assert "Associate of Science (AS)" in reply and "Associate of Applied Science (AAS)" in reply
    assert "two years" in reply  # the other question's answer, from its own part
    assert reply.count("Associate of Science (AS)") == 1  # the compared facts are not repeated


def test_the_second_part_of_a_question_is_not_won_by_the_first_parts_topic(action_store):
    from .conftest import make_tracker

    tracker = make_tracker(
        "what does a supervisor earn and what do they do all day",
        "ask_salary",
        [entity("experience_level", "supervisor")],
    )
    tracker.latest_message["intent_ranking"] = [{"name": "ask_salary", "confidence": 0.9}]
    tracker.latest_message["fact_parts"] = [
        [
            {"id": "salary-experience-supervisor-g000", "score": 1.2},
            {"id": "career-path-level-supervisor-g000", "score": 1.0},
        ],
        [
            {"id": "career-path-level-supervisor-g000", "score": 0.94},
            {"id": "salary-experience-supervisor-g000", "score": 0.76},
        ],
    ]
    dispatcher = CollectingDispatcher()
    ActionAnswerSalary().run(dispatcher, tracker, {})
    reply = "\n".join(render(m) for m in dispatcher.messages)
    assert "$65k" in reply  # the pay
    assert "performance reviews" in reply  # and what a supervisor does, from the second part


def test_what_else_asks_beyond_what_the_person_says_they_have(action_store):
    from actions.topic_answers import ActionAnswerWork

    from .conftest import make_tracker

    def reply(text):
        tracker = make_tracker(text, "ask_skills")
        tracker.latest_message["facts"] = ranked(("skills-soft-g002", 1.0), ("skills-technical-g000", 0.9))
        tracker.latest_message["fact_parts"] = [
            ranked(("skills-soft-g002", 1.1)),
            ranked(("skills-technical-g000", 0.8)),
        ]
        dispatcher = CollectingDispatcher()
        ActionAnswerWork().run(dispatcher, tracker, {})
        return "\n".join(render(m) for m in dispatcher.messages)

    beyond = reply("I'm a people person and very organised. What else do I need to be good at?")
    assert "technical side" in beyond and "customer service" not in beyond
    both = reply("I'm a people person and very organised. What do I need to be good at?")
    assert "customer service" in both  # no "else": what they named answers too


def test_a_question_leaning_on_the_statement_before_it_reads_the_whole_message(action_store):
    from .conftest import make_tracker

    tracker = make_tracker(
        "im an RHIA in texas and thinking about a move to canada, is that realistic?",
        "ask_abroad",
        [entity("country", "Canada")],
    )
    tracker.latest_message["facts"] = ranked(("abroad-visa-canada-g000", 0.62), ("salary-country-canada-g000", 0.58))
    # the statement ranks well (pay in Canada), the question alone ranks nothing
    tracker.latest_message["fact_parts"] = [
        ranked(("salary-country-canada-g000", 0.69)),
        ranked(("certification-ccs-g001", 0.36)),
    ]
    dispatcher = CollectingDispatcher()
    ActionAnswerCareer().run(dispatcher, tracker, {})
    reply = "\n".join(render(m) for m in dispatcher.messages)
    assert "Express Entry" in reply and "Canadian dollars" not in reply


def test_what_the_person_tells_is_the_question_s_context_not_a_question_of_its_own(action_store):
    from actions.store import store

    from .conftest import make_tracker

    def reply_to(text, intent, whole, parts):
        tracker = make_tracker(text, intent)
        tracker.latest_message["intent_ranking"] = [{"name": intent, "confidence": 0.5}]
        tracker.latest_message["facts"] = ranked(*whole)
        tracker.latest_message["fact_parts"] = [ranked(*part) for part in parts]
        dispatcher = CollectingDispatcher()
        ActionAnswerCareer().run(dispatcher, tracker, {})
        return "\n".join(render(m) for m in dispatcher.messages)

    said = lambda fact_id: store().facts_by_id([fact_id])[0].answer[:40]  # noqa: E731
    mobility, cmaa, setting = (
        "diversity-internal-mobility-g000",
        "certification-cmaa-g000",
        "work-environment-setting-g001",
    )
    # read with what the person tells, the whole message finds the answer; the question alone, another
    reply = reply_to(
        "i work at the front desk of a hospital. could i move into their records department?",
        "ask_career_path",
        [(mobility, 0.95), (cmaa, 0.83)],
        [[(setting, 0.8)], [(cmaa, 0.8)]],
    )
    assert said(mobility) in reply and said(setting) not in reply, reply
    assert reply.index(said(mobility)) < reply.index(said(cmaa)), reply
    # a question asking only whether it suits leaves what the person tells as its own part
    hours, remote = "pros-predictable-hours-g000", "remote-us-faq-g000"
    reply = reply_to(
        "I have two little kids and need predictable hours. Would this work for me?",
        "ask_career_path",
        [(remote, 0.77), (hours, 0.69)],
        [[(hours, 0.9)], [("cons-repetitive-g000", 0.6)]],
    )
    assert said(hours) in reply, reply


def test_a_part_asking_for_a_figure_is_answered_by_a_fact_that_gives_one(action_store):
    from .conftest import make_tracker

    tracker = make_tracker("What's the median pay, and how many openings come up every year?", "ask_salary")
    tracker.latest_message["intent_ranking"] = [{"name": "ask_salary", "confidence": 0.5}]
    tracker.latest_message["facts"] = ranked(
        ("organizations-data-sources-g000", 0.8), ("outlook-openings-annual-g000", 0.75)
    )
    # the first part's ranking puts the fact about where the figures come from just above the figure
    tracker.latest_message["fact_parts"] = [
        ranked(("organizations-data-sources-g000", 0.9), ("salary-median-national-2023", 0.8)),
        ranked(("outlook-openings-annual-g000", 0.9)),
    ]
    dispatcher = CollectingDispatcher()
    ActionAnswerSalary().run(dispatcher, tracker, {})
    reply = "\n".join(render(m) for m in dispatcher.messages)
    assert "$47,190" in reply and "15,500" in reply, reply


def test_the_question_beside_a_statement_can_be_answered_by_its_own_strong_fact():
    from actions.choosing import strong_lead

    message = {
        "text": "Single mom here and I need a paycheck asap. What's the quickest way to get qualified for this?",
        "facts": ranked(("diversity-caregivers-work-life-g000", 0.69), ("pros-quick-entry-g000", 0.52)),
        "fact_parts": [ranked(("diversity-caregivers-work-life-g000", 0.78)), ranked(("pros-quick-entry-g000", 0.71))],
    }
    assert strong_lead(message) == ("pros-quick-entry-g000", 0.71)
    # two questions: neither part alone speaks for the message
    message["text"] = "What do they earn? What's the quickest way to get qualified for this?"
    assert strong_lead(message) is None


def test_each_question_of_a_two_part_message_gets_its_own_fact(action_store):
    coursework, jobs, other = facts(
        action_store,
        "education-coursework-bachelors-g001",
        "education-degree-bachelors-g000",
        "education-degree-aas-g001",
    )
    # both parts rank the coursework first; the second part's own answer is its next fact
    parts = [[Scored(coursework, 1.2), Scored(other, 0.7)], [Scored(coursework, 1.0), Scored(jobs, 0.9)]]
    whole = [Scored(coursework, 1.2)]
    assert [f.id for f in pick(whole, 2, parts, questions=True)] == [coursework.id, jobs.id]
    # a statement beside one question adds nothing the question's fact did not already give
    assert [f.id for f in pick(whole, 2, parts)] == [coursework.id]
