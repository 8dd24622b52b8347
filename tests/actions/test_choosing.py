"""Which facts answer: the ranking weighed with the intent, the scope and the topic, and the short
reply they make."""

from __future__ import annotations

import pytest

from actions.answering import compose
from actions.choosing import pick, reconcile
from actions.weighing import is_generic, weigh
from actions.topic_answers import ActionAnswerCareer
from actions.topic_answers import ActionAnswerEducation
from actions.topic_answers import ActionAnswerWork
from actions.replies import WORD_BUDGET, reply_text, source_line
from actions.topic_answers import ActionAnswerSalary

from rasa_sdk.executor import CollectingDispatcher

from .conftest import Conversation, entity, facts, ranked, render, store_answer

pytestmark = pytest.mark.usefixtures("action_store")


def test_the_ranking_finds_a_fact_the_intent_alone_would_not(action_store):
    # The classifier says "cost"; the ranking says the financial-aid fact answers.
    message = {
        "text": "is there money to help me pay for school",
        "intent_ranking": [{"name": "ask_education_cost", "confidence": 0.5}],
        "facts": ranked(("diversity-resources-colleges-g000", 1.3), ("education-cost-associate-g000", 0.6)),
    }
    spec = ActionAnswerEducation.specs["ask_education_cost"]
    answer = compose(spec, message["text"], None, message=message)
    assert "financial aid" in answer.messages[0]["text"]
    assert answer.topic == "diversity"  # the conversation moves to the fact's topic


def test_a_fact_the_ranking_puts_far_above_the_intent_s_topic_wins_over_a_confident_intent(action_store):
    # The classifier is sure of "cost"; the ranking puts financial aid well above any cost fact.
    message = {
        "text": "any grants for students in this field",
        "intent_ranking": [{"name": "ask_education_cost", "confidence": 0.96}],
        "facts": ranked(("diversity-resources-colleges-g000", 0.83), ("education-cost-associate-g000", 0.5)),
    }
    spec = ActionAnswerEducation.specs["ask_education_cost"]
    assert "financial aid" in compose(spec, message["text"], None, message=message).messages[0]["text"]
    # ... but a fact only a little above the topic's best leaves the intent's answer in place
    message["facts"] = ranked(("diversity-resources-colleges-g000", 0.6), ("education-cost-associate-g000", 0.5))
    assert "$10,000" in compose(spec, message["text"], None, message=message).messages[0]["text"]


def test_a_near_match_clear_of_every_other_fact_wins_over_an_unsure_intent(action_store):
    # "pros" by the classifier; the ranking finds the patient-contact fact, far ahead of the rest
    message = {
        "text": "I love computers but I faint at the sight of blood. Is this for me?",
        "intent_ranking": [{"name": "ask_pros", "confidence": 0.5}],
        "facts": ranked(
            ("overview-faq-patient-contact-g004", 0.95),
            ("pros-meaningful-work-g000", 0.73),
            ("cons-eye-strain-g000", 0.47),
        ),
    }
    spec = ActionAnswerWork.specs["ask_pros"]
    assert "direct patient care" in compose(spec, message["text"], None, message=message).messages[0]["text"]
    # ... not when other facts score nearly as high: the ranking is not sure either
    message["facts"] = ranked(
        ("overview-faq-patient-contact-g004", 0.95), ("cons-eye-strain-g000", 0.9), ("pros-meaningful-work-g000", 0.73)
    )
    assert "direct patient care" not in compose(spec, message["text"], None, message=message).messages[0]["text"]


def test_without_a_ranking_the_intent_s_curated_answer_is_given(action_store):
    spec = ActionAnswerSalary.specs["ask_salary"]
    text = compose(spec, "what's the median salary", None, message={}).messages[0]["text"]
    assert "$47,190" in text and text.count("Source") == 1


def test_the_asked_aspect_outweighs_a_slightly_better_ranked_fact(action_store):
    scored = weigh(
        [("salary-median-national-2023", 0.9), ("salary-benefits-g000", 0.8)],
        [],
        spec_topic="salary",
        asked=("benefits",),
        narrowed=True,
        default_aspects=("median",),
        topics={},
    )
    assert scored[0].fact.id == "salary-benefits-g000"


def test_a_newer_figure_leads_an_older_one_of_the_same_kind(action_store):
    scored = weigh(
        [("salary-median-national-2014-g003", 0.9), ("salary-median-national-2023", 0.88)],
        [],
        spec_topic="salary",
        asked=(),
        narrowed=False,
        default_aspects=(),
        topics={},
        newest_first=True,
    )
    assert scored[0].fact.id == "salary-median-national-2023"
    # and a dated latest figure answers alone: the older one is for "tell me more"
    assert [f.id for f in pick(scored, 2, newest_first=True)] == ["salary-median-national-2023"]


def test_a_named_level_is_not_outweighed_by_a_newer_figure_for_everyone(action_store):
    # "how much for a tech just starting out": the junior level's undated figure, not the
    # nationwide median of 2023, although the ranking puts the median a little higher
    ranking = [("salary-median-national-2023", 0.9), ("salary-experience-junior-g000", 0.86)]
    scored = weigh(
        ranking,
        [],
        spec_topic="salary",
        asked=(),
        narrowed=False,
        default_aspects=(),
        topics={},
        newest_first=True,
        scope=("experience_level", "junior"),
    )
    assert scored[0].fact.id == "salary-experience-junior-g000"
    unscoped = weigh(
        ranking, [], spec_topic="salary", asked=(), narrowed=False, default_aspects=(), topics={}, newest_first=True
    )
    assert unscoped[0].fact.id == "salary-median-national-2023"  # with no level named, the latest leads


def test_two_figures_for_the_same_thing_are_reconciled_in_one_sentence(action_store):
    old, new = facts(action_store, "salary-median-national-2014-g003", "salary-median-national-2023")
    note = reconcile([new, old])
    assert "different years (2014 and 2023)" in note and "more recent" in note
    averages = facts(action_store, "salary-average-national-g001", "salary-average-national-g002")
    assert "more recent" not in reconcile(averages)  # neither is dated: no "go by the newer"


def test_a_question_naming_only_its_topic_is_generic():
    assert is_generic("how much do medical records technicians get paid?") and is_generic("whats the outlook")
    assert not is_generic("which industries pay the most")
    assert not is_generic("what's HIS for?")  # one word, but a name
    assert is_generic("what's the job outlook for medical records technicians", "outlook")  # the label's words
    assert not is_generic("whats the salary growth", "salary")
    assert is_generic("what software do medical records techs use?", "tools")  # "use", the label's "used"


def test_a_question_naming_only_its_topic_gets_the_curated_headline_first(action_store):
    from actions.topic_answers import ActionAnswerWork

    text = "what software do medical records techs use?"
    message = {
        "text": text,
        "intent_ranking": [{"name": "ask_tools", "confidence": 0.9}],
        "facts": ranked(("tools-document-management-g000", 1.07), ("tools-ehr-g000", 1.06)),
    }
    reply = compose(ActionAnswerWork.specs["ask_tools"], text, None, message=message).messages[0]["text"]
    assert reply.startswith(store_answer("tools-ehr-g000")), reply


def test_one_source_line_names_each_guide_once_with_its_periods(action_store):
    new, old, undated = facts(
        action_store, "salary-median-national-2023", "salary-range-national-g000", "salary-average-national-g001"
    )
    assert source_line([new, old]) == "Source: Complete Medical Records Technician Career Guide, May 2023."
    line = source_line([new, undated])
    assert line.startswith("Sources: ") and "undated figure" in line


def test_a_long_list_is_cut_to_the_reply_budget(action_store):
    (steps,) = facts(action_store, "getting-started-7-steps-g000")
    assert len(reply_text([steps]).split()) <= WORD_BUDGET + 25  # the budget, the source line, a last bullet


def test_another_career_named_alone_is_declined(action_store):
    from actions.feedback import ActionOutOfScope
    from actions.topic_answers import ActionAnswerWork

    said = Conversation(ActionOutOfScope(), "what skills does a welder need", "out_of_scope")
    assert said.responses == ["utter_other_career"]
    said = Conversation(ActionAnswerWork(), "what skills does a welder need", "ask_skills")
    assert said.responses == ["utter_other_career"] and "Source" not in said.reply
    # named as the person's own job, it is context, not the question
    said = Conversation(ActionAnswerWork(), "im a nurse, what skills would i need for records work", "ask_skills")
    assert "utter_other_career" not in said.responses


def test_an_unsure_out_of_scope_that_names_this_career_is_answered(action_store):
    from actions.feedback import ActionOutOfScope

    from .conftest import make_tracker

    def said(text):
        tracker = make_tracker(text, "out_of_scope")
        tracker.latest_message["intent"] = {"name": "out_of_scope", "confidence": 0.46}
        tracker.latest_message["intent_ranking"] = [
            {"name": "out_of_scope", "confidence": 0.46},
            {"name": "ask_education_duration", "confidence": 0.28},
        ]
        dispatcher = CollectingDispatcher()
        ActionOutOfScope().run(dispatcher, tracker, {})
        return dispatcher.messages

    answered = said("I stock shelves overnight at a grocery store. How soon could I be working as a records tech?")
    assert not any(m.get("response") == "utter_out_of_scope" for m in answered)
    assert "months" in "\n".join(render(m) for m in answered)
    # without this career named, it stays out of scope
    assert [m.get("response") for m in said("how soon could I be working at a grocery store?")] == [
        "utter_out_of_scope"
    ]


def test_a_second_fact_that_points_at_its_list_shows_it(action_store):
    technician, coder = action_store.facts_by_id(["duties-technician-g004", "duties-coder-g004"])
    assert coder.answer.endswith("these.") and coder.points
    text = reply_text([technician, coder])
    after = text.split(coder.answer, 1)[1]
    assert after.lstrip("\n").startswith("• ")  # the coder's tasks, not a bare "these."
    assert len(text.split()) <= WORD_BUDGET + 40


def test_what_a_name_means_is_answered_by_the_fact_that_spells_it_out(action_store):
    from actions.weighing import spelled_out

    assert spelled_out("wat is ahima") == {"AHIMA"} and not spelled_out("what does a coder do")
    ranking = [("organizations-ahima-networking-g000", 0.8), ("organizations-ahima-rhit-exam-g001", 0.7)]
    scored = weigh(
        ranking,
        [],
        spec_topic="organizations",
        asked=(),
        narrowed=False,
        default_aspects=(),
        topics={},
        question="wat is ahima",
    )
    assert scored[0].fact.id == "organizations-ahima-rhit-exam-g001"  # "The American ... Association (AHIMA)"


def test_a_topic_lends_part_of_its_confidence_to_the_topics_beside_it():
    from actions.weighing import RELATED_SHARE, related_topics, topic_confidence
    from knowledge.retrieval import topic_labels

    known = set(topic_labels())
    assert set(related_topics()) <= known and all(set(r) <= known for r in related_topics().values())
    message = {"intent_ranking": [{"name": "ask_salary", "confidence": 0.8}, {"name": "ask_market", "confidence": 0.1}]}
    weights = topic_confidence(message, {"ask_salary": "salary", "ask_market": "market"})
    assert weights["salary"] == 0.8
    assert weights["market"] == pytest.approx(RELATED_SHARE * 0.8)  # more than its own 0.1
    assert "cons" not in weights  # not related to pay


def test_a_question_naming_the_difference_gets_the_difference(action_store):
    from actions.topic_answers import ActionAnswerWork

    said = Conversation(
        ActionAnswerWork(),
        "how is a coding specialist different from a records tech",
        "ask_role_difference",
        [entity("role", "medical coder")],
        facts=[("duties-coder-g004", 1.0), ("duties-role-difference-coder-g000", 0.85)],
        intent_ranking=[{"name": "ask_role_difference", "confidence": 0.8}],
    )
    assert said.slot("last_facts")[0] == "duties-role-difference-coder-g000"


def test_keeping_a_named_credential_is_answered_with_what_keeping_it_takes(action_store):
    from actions.specs import INTENT_ACTIONS

    for intent in ("ask_certification", "ask_cert_renewal"):
        said = Conversation(
            INTENT_ACTIONS[intent](),
            "my cousin says keeping the RHIT means 40 hours of classes every year",
            intent,
            [entity("certification", "RHIT")],
            facts=[("certification-renewal-rhit-g001", 0.71), ("work-environment-schedule-g000", 0.57)],
        )
        assert "20 hours" in said.reply, (intent, said.reply)


def test_a_fact_comparing_places_answers_only_a_question_about_places(action_store):
    where, latest = "outlook-state-growth-2012-2022-g003", "outlook-growth-2022-2032-g000"
    ranking = [(where, 0.76), (latest, 0.6)]
    kwargs = dict(spec_topic=None, asked=(), narrowed=False, default_aspects=(), topics={}, newest_first=True)
    assert weigh(ranking, [], question="how fast is the field expected to grow?", **kwargs)[0].fact.id == latest
    assert weigh(ranking, [], question="which states grow fastest?", **kwargs)[0].fact.id == where


def test_how_to_tell_an_inclusive_employer_is_answered_with_the_signs_of_one(action_store):
    said = Conversation(
        ActionAnswerCareer(),
        "how can I tell if an employer is actually inclusive",
        "ask_diversity",
        facts=[
            ("diversity-red-flags-g000", 1.22),
            ("diversity-evaluating-employer-g000", 1.19),
            ("diversity-inclusive-hiring-g000", 1.14),
        ],
    )
    assert "anti-discrimination" in said.reply, said.reply


def test_an_aspect_another_topic_names_in_the_question_weighs_for_that_topic_s_facts(action_store):
    from actions.specs import INTENT_ACTIONS, aspects_named_elsewhere

    text = "Is being a medical records technician a desk job?"
    spec = INTENT_ACTIONS["ask_overview"].specs["ask_overview"]
    assert ("work_environment", "physical") in aspects_named_elsewhere(spec, text)
    assert not [a for a in aspects_named_elsewhere(spec, text) if a[0] == spec.topic]  # its own keywords count as usual
    # read as the overview, the ranking unsure between the admin comparison and the physical setting
    message = {
        "text": text,
        "intent_ranking": [
            {"name": "ask_overview", "confidence": 0.55},
            {"name": "ask_role_difference", "confidence": 0.2},
            {"name": "ask_work_environment", "confidence": 0.11},
        ],
        "facts": ranked(("work-environment-physical-g004", 1.09), ("duties-role-difference-admin-g000", 1.04)),
    }
    reply = compose(spec, text, None, message=message).messages[0]["text"]
    assert reply.startswith(store_answer("work-environment-physical-g004")), reply


def test_whether_certification_is_needed_to_be_hired_is_answered_with_what_employers_make_of_it(action_store):
    from actions.specs import INTENT_ACTIONS

    said = Conversation(
        INTENT_ACTIONS["ask_certification"](),
        "do i gotta be certifed to get hired",
        "ask_certification",
        facts=[("certification-value-employers-g004", 0.84), ("certification-eligibility-g004", 0.73)],
    )
    assert "already certified" in said.reply, said.reply


def test_scholarships_asked_as_a_cost_question_get_the_resources_that_name_them(action_store):
    said = Conversation(
        ActionAnswerEducation(),
        "Are there scholarships or financial aid for health information students?",
        "ask_education_cost",
        intent_ranking=[{"name": "ask_education_cost", "confidence": 0.96}],
        facts=[
            ("diversity-resources-colleges-g000", 0.84),
            ("diversity-resources-ahima-g000", 0.81),
            ("education-high-school-g004", 0.58),
        ],
    )
    assert "financial aid" in said.reply, said.reply
