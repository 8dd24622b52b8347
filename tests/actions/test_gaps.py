"""What the guides do not give, said plainly before the closest fact: a kind of figure, a name, a
year, a place (actions/gaps.py)."""

from __future__ import annotations

import pytest

from actions.answering import compose
from actions.gaps import missing_figure, year_not_covered

from .conftest import facts, parsed, ranked, render

pytestmark = pytest.mark.usefixtures("action_store")


def test_a_figure_the_guides_lack_is_noticed(action_store):
    (eligibility,) = facts(action_store, "certification-eligibility-rhit-g000")
    assert missing_figure("how much does it cost to sit the RHIT exam?", [eligibility])
    (cost,) = facts(action_store, "education-cost-certificate-g000")
    assert not missing_figure("how much does a certificate cost?", [cost])
    assert not missing_figure("how long is it and what does it cost?", [eligibility, cost])  # one part has it
    (duration,) = facts(action_store, "education-duration-certificate-6-12-months-g000")
    assert not missing_figure("how long does a certificate take?", [duration])
    assert missing_figure("how long does the RHIT exam take?", [eligibility])  # no span of time in it
    # a span of time of something else: a program's length is not how long an evaluation or exam lasts
    assert missing_figure("how long does a WES evaluation usually take?", [duration])
    (renewal,) = facts(action_store, "certification-renewal-rhit-g001")
    assert missing_figure("how many hours long is the RHIT exam?", [renewal])
    assert not missing_figure("how long is the cert program for med records tech", [duration])
    assert not missing_figure("how long would the training take", [duration])  # a course, in other words
    (certificate_cost,) = facts(action_store, "education-cost-certificate-g000")
    assert missing_figure("ok and how much does that exam cost", [certificate_cost])  # a program's price
    (texas,) = facts(action_store, "outlook-state-growth-texas-2012-2022-g003")
    (openings,) = facts(action_store, "outlook-openings-annual-g000")
    assert missing_figure("how many openings does Texas have a year?", [texas])  # a percentage, not openings
    assert not missing_figure("how many openings come up each year?", [openings])
    (canada,) = facts(action_store, "abroad-credential-canada-g000")
    (uk_visa,) = facts(action_store, "abroad-visa-uk-g000")
    assert not missing_figure("who evaluates my schooling for Canada?", [canada])  # WES
    assert missing_figure("who evaluates my schooling for the UK?", [uk_visa])
    (milwaukee,) = facts(action_store, "education-program-milwaukee-g002")
    (online,) = facts(action_store, "education-online-g001")
    assert missing_figure("can I take the Milwaukee program part-time?", [milwaukee])  # it never says
    assert not missing_figure("can I study for this online?", [online])
    (cpc,) = facts(action_store, "certification-cpc-g000")
    assert missing_figure("what group awards the CPC?", [cpc])  # it names no awarding body
    assert not missing_figure("who administers the RHIT exam?", [eligibility])  # it names AHIMA
    (median,) = facts(action_store, "salary-median-national-2023")
    assert missing_figure("how much per hour does a records tech get paid?", [median])  # a yearly figure
    assert missing_figure("whats the hourly wage", [median])
    assert not missing_figure("how much do they make a year", [median])
    # asked in other words: what the exam charges, its pass rate
    assert missing_figure("what does AHIMA charge to take the RHIT exam?", [eligibility])
    assert missing_figure("whats the pass rate on the RHIT exam?", [eligibility])
    (growth,) = facts(action_store, "outlook-growth-2016-2026-g001")  # a percentage of growth, not of people
    assert missing_figure("What percent of medical records technicians are women?", [growth])
    assert not missing_figure("what percentage growth is expected from 2016 to 2026?", [growth])
    (faster,) = facts(action_store, "outlook-growth-g002")  # "no exact percentage is given"
    assert missing_figure("what percentage growth is expected?", [faster])


def test_a_figure_asked_for_a_named_thing_answered_in_general_says_so(action_store):
    from actions.gaps import names_not_answered

    (cost,) = facts(action_store, "education-cost-associate-g000")
    (sinclair,) = facts(action_store, "education-program-sinclair-g002")
    question = "What's the tuition at Sinclair College for their HIT associate's degree?"
    assert names_not_answered(question, [cost]) == ["Sinclair College"]  # "college" alone is said
    assert names_not_answered(question, [cost, sinclair]) == []
    assert names_not_answered("How much does an RHIT make?", [cost]) == []  # an acronym: spelled out
    assert names_not_answered("how much is it, my name is Maria", [cost]) == []  # a person
    assert names_not_answered("how much is a course in Texas", [cost], named=["Texas"]) == []  # the NLU's
    (median,) = facts(action_store, "salary-median-national-2023")
    assert year_not_covered(parsed("what will they earn in 2030?"), [median]) == "2030"
    assert year_not_covered(parsed("what did they earn in 2023?"), [median]) is None
    (projection,) = facts(action_store, "outlook-growth-2016-2026-g001")
    assert year_not_covered(parsed("what growth was projected for 2016 to 2026?"), [projection]) is None
    (supervisor,) = facts(action_store, "salary-experience-supervisor-g000")  # undated
    assert year_not_covered(parsed("what will a supervisor earn in 2030"), [supervisor]) == "2030"
    assert year_not_covered(parsed("what does a supervisor earn in 2024"), [supervisor]) is None


@pytest.mark.parametrize(
    "text, names",
    [
        ("Will the GI Bill pay for an HIT program? I'm a vet", ["GI Bill"]),
        ("Do I need to learn Python or SQL for this job?", ["Python", "SQL"]),
        ("does the RHIT from AHIMA need Epic experience?", []),  # names the guides use
        ("My name is Maria, what jobs exist", []),
        ("I work at Walmart, can I switch?", []),  # about the person
        ("is the pay better in New Jersey", []),
    ],
)
def test_names_no_guide_uses_are_noticed(text, names):
    from actions.gaps import unmentioned_names

    assert unmentioned_names(text) == names


def test_a_question_about_something_the_guides_never_name_says_so_first(action_store):
    message = {
        "text": "Do I need to learn Python or SQL for this job?",
        "intent_ranking": [{"name": "ask_skills", "confidence": 0.9}],
        "facts": ranked(("skills-technical-g000", 0.7)),
    }
    from actions.topic_answers import ActionAnswerWork

    spec = ActionAnswerWork.specs["ask_skills"]
    text = compose(spec, message["text"], None, message=message).messages[0]["text"]
    assert text.startswith('The guides don\'t mention "Python" or "SQL"')


def test_the_closest_fact_for_a_place_the_guides_lack_is_the_one_the_rest_of_the_question_asks(action_store):
    from actions.specs import INTENT_ACTIONS

    def reply(intent, text, kind, value, where, ranking):
        start = text.lower().index(where)
        message = {
            "text": text,
            "intent_ranking": [{"name": intent, "confidence": 0.8}],
            "facts": ranked(*ranking),
            "entities": [{"entity": kind, "value": value, "start": start, "end": start + len(where)}],
        }
        answer = compose(INTENT_ACTIONS[intent].specs[intent], text, (kind, value), message=message)
        return "\n".join(render(m) for m in answer.messages)

    dubai = reply(
        "ask_abroad",
        "can i work as an RHIT in dubai",
        "country",
        "United Arab Emirates",
        "dubai",
        [("abroad-visa-uk-g000", 0.7), ("abroad-credential-rhit-g000", 0.66)],
    )
    assert "may not be accepted" in dubai, dubai
    ohio = reply(
        "ask_salary", "what's the salary in ohio", "state", "Ohio", "ohio", [("salary-entry-level-g000", 0.7)]
    )  # the topic alone: the curated headline
    assert "$47,190" in ohio, ohio
