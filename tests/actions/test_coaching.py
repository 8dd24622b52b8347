"""The coaching flows: the personal plan, the skills check and interview practice."""

from __future__ import annotations

import re

import json
from pathlib import Path

import pytest
import yaml

from actions.coaching import ActionStartFlow
from actions.interview import ValidateInterviewForm, feedback, interview, interview_summary
from actions.plan import PLAN_SLOTS, ActionChangeAnswer, ValidatePlanForm, build_plan, plan_route, plan_value
from actions.skills_check import ValidateSkillsForm, skills, skills_result

from .conftest import DOMAIN, form_tracker, parsed, render, validate

ROOT = Path(__file__).resolve().parents[2]


def texts(messages) -> str:
    return "\n".join(render(m) for m in messages)


# --- the data behind the flows ------------------------------------------------------------------
def test_every_fact_the_flows_name_exists(knowledge_store):
    data = yaml.safe_load((ROOT / "knowledge" / "coaching.yml").read_text())
    ids = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("fact",) and isinstance(value, str):
                    ids.add(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                if isinstance(item, str) and "-" in item and item.count("-") >= 2:
                    ids.add(item)
                walk(item)

    walk(data)
    found = {f.id for f in knowledge_store.facts_by_id(sorted(ids))}
    assert ids and ids == found, f"unknown fact ids: {sorted(ids - found)}"


def test_the_forms_ask_every_question_the_data_names():
    forms = DOMAIN["forms"]
    assert tuple(forms["plan_form"]["required_slots"]) == PLAN_SLOTS
    assert forms["skills_form"]["required_slots"] == [s["slot"] for s in skills()]
    assert forms["interview_form"]["required_slots"] == [q["slot"] for q in interview()]
    for form in forms.values():
        for slot in form["required_slots"]:
            assert f"utter_ask_{slot}" in DOMAIN["responses"], slot
    for question in interview():
        assert f"utter_interview_topic_{question['slot']}" in DOMAIN["responses"]


# --- the personal plan ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "slot, text, expected",
    [
        ("plan_education", "I only finished high school", "high school"),
        ("plan_education", "an associate degree", "associate"),
        ("plan_education", "i have a BS in biology", "bachelor's"),
        ("plan_education", "did a couple of college classes", "some college"),
        ("plan_experience", "yes I have", "yes"),
        ("plan_experience", "I work at a clinic front desk", "yes"),
        ("plan_experience", "no experience yet", "no"),
        ("plan_experience", "I don't have any", "no"),
        ("plan_pace", "part-time, evenings", "part-time"),
        ("plan_pace", "full time", "full-time"),
        ("plan_budget", "about $3,000", "low"),
        ("plan_budget", "8k", "medium"),
        ("plan_budget", "$20,000", "flexible"),
        ("plan_budget", "pretty tight", "low"),
        ("plan_budget", "maybe 15 grand", "flexible"),
        ("plan_budget", "medium, around 10k", "medium"),
        ("plan_goal", "get hired fast", "fast"),
        ("plan_goal", "I want to move up into management", "advance"),
        ("plan_goal", "banana", None),
    ],
)
def test_plan_answers_are_read_from_plain_words(slot, text, expected):
    assert plan_value(slot, parsed(text)) == expected


ADVANCE = {
    "plan_education": "high school",
    "plan_experience": "no",
    "plan_pace": "full-time",
    "plan_budget": "medium",
    "plan_goal": "advance",
}


def test_advancing_from_high_school_means_an_accredited_associate_and_the_rhit(action_store):
    assert plan_route(ADVANCE) == ("associate", "RHIT")
    messages, details = build_plan(ADVANCE)
    plan = texts(messages)
    assert "two years" in plan and "CAHIIM" in plan and "RHIT" in plan
    assert "internship" in plan.lower()  # no healthcare experience yet: get some
    assert "junior $36k" in plan and "health information manager $90k" in plan  # the ladder's pay
    assert "career-path-level-junior-g000" in details  # the first job's detail, on request


def test_the_plan_names_the_guide_of_every_step(action_store):
    messages, _ = build_plan(ADVANCE)
    sourced = [m["text"] for m in messages if "Source" in m.get("text", "")]
    assert len(sourced) == 1  # one compact source line for the whole plan
    assert re.search(r"Sources?: Complete Medical Records Technician Career Guide", sourced[0])


@pytest.mark.parametrize(
    "goal, pace, budget",
    [("advance", "full-time", "medium"), ("fast", "part-time", "low"), ("advance", "part-time", "low")],
)
def test_the_plan_summary_is_short(action_store, goal, pace, budget):
    answers = {**ADVANCE, "plan_goal": goal, "plan_pace": pace, "plan_budget": budget}
    assert len(texts(build_plan(answers)[0]).split()) <= 250  # about 200; the longest mix is 243


def test_getting_hired_fast_means_a_certificate(action_store):
    answers = {**ADVANCE, "plan_goal": "fast", "plan_pace": "part-time", "plan_experience": "yes"}
    assert plan_route(answers) == ("certificate", "CEHRS")
    plan = texts(build_plan(answers)[0])
    assert "$3,000" in plan and "9 to 12 months" in plan
    assert "online" in plan.lower()  # part-time study
    assert "administrative job in healthcare" in plan  # experience carries over


def test_a_low_budget_on_the_degree_route_is_shown_the_cheaper_certificate(action_store):
    plan, _ = build_plan({**ADVANCE, "plan_budget": "low"})
    assert "utter_plan_low_budget" in [m.get("response") for m in plan]


def test_with_an_associate_already_advancing_means_a_bachelors_and_the_rhia():
    assert plan_route({**ADVANCE, "plan_education": "associate"}) == ("bachelor's", "RHIA")


def test_a_question_in_the_middle_of_the_plan_is_answered_then_asked_again(action_store):
    tracker = form_tracker("plan_budget", "how much does a certificate cost?", "ask_education_cost", 0.92)
    slots, messages = validate(ValidatePlanForm(), tracker)
    assert slots == {"plan_budget": None}
    assert "$3,000" in texts(messages) and messages[-1]["response"] == "utter_back_to_flow"


def test_a_question_the_classifier_is_unsure_of_is_answered_in_the_middle_of_the_interview(action_store):
    text = "wait quick question first, how many years does it take to become a supervisor?"
    tracker = form_tracker("interview_ehr", text)
    tracker.latest_message.update(
        intent_ranking=[
            {"name": "nlu_fallback", "confidence": 0.45},
            {"name": "ask_education_duration", "confidence": 0.42},
            {"name": "ask_career_path", "confidence": 0.4},
        ],
        facts=[
            {"id": "career-path-level-supervisor-g000", "score": 0.9},
            {"id": "getting-started-timeline-job-ready-g000", "score": 0.7},
        ],
    )
    slots, messages = validate(ValidateInterviewForm(), tracker)
    assert slots.get("interview_ehr") is None and "7-10" in texts(messages)
    assert messages[-1]["response"] == "utter_back_to_flow"
    # an answer, even one the classifier reads as a question about the topic, is an answer
    tracker = form_tracker("interview_ehr", "I used Epic every day at my clinic and I trained new staff on it")
    slots, _ = validate(ValidateInterviewForm(), tracker)
    assert slots.get("interview_ehr") == "answered"


def test_an_earlier_answer_can_be_changed_in_the_middle(action_store):
    tracker = form_tracker("plan_pace", "actually my budget is low", slots={"plan_budget": "flexible"})
    slots, messages = validate(ValidatePlanForm(), tracker)
    assert slots == {"plan_budget": "low", "plan_pace": None}


def test_an_answer_the_coach_cannot_read_is_asked_again(action_store):
    slots, messages = validate(ValidatePlanForm(), form_tracker("plan_goal", "purple"))
    assert slots == {"plan_goal": None} and messages[0]["response"] == "utter_pick_an_option"


def test_changing_an_answer_afterwards_remakes_the_plan(ask):
    said = ask(ActionChangeAnswer(), "change my budget to low", "change_answer", slots=ADVANCE)
    assert said.slot("plan_budget") == "low"
    assert "utter_plan_low_budget" in said.responses


def test_changing_an_answer_without_a_value_asks_it_again(ask):
    said = ask(ActionChangeAnswer(), "I want to change my goal", "change_answer", slots=ADVANCE)
    assert said.slot("plan_goal", "unset") is None
    assert any(e["event"] == "followup" and e["name"] == "plan_form" for e in said.events)


def test_starting_a_flow_clears_its_old_answers(ask):
    said = ask(ActionStartFlow(), "make me a plan", "start_plan", slots=ADVANCE)
    assert said.responses == ["utter_start_plan"]
    assert all(said.slot(slot, "unset") is None for slot in PLAN_SLOTS)


# --- the skills check -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("yes, confident", "yes"),
        ("a little", "some"),
        ("not yet", "no"),
        ("nope", "no"),
        ("I use it every day", "yes"),
        ("kind of", "some"),
        ("skip", "no"),
    ],
)
def test_skill_answers_are_read(text, expected, action_store):
    slots, _ = validate(ValidateSkillsForm(), form_tracker("skill_coding", text))
    assert slots == {"skill_coding": expected}


def test_the_skills_check_ends_with_gaps_and_what_to_learn(action_store):
    answers = {s["slot"]: "yes" for s in skills()}
    answers.update(skill_coding="no", skill_ehr="some")
    result, details = skills_result(answers)
    said = texts(result)
    gap_lines = [line for line in said.splitlines() if line.startswith("• ")]
    assert len(gap_lines) == 2 and "ICD-10-CM and CPT" in gap_lines[0] and "Epic" in gap_lines[1]
    assert said.count("Source") == 1 and "medical terminology" in said  # a strength is named too
    assert "CEHRS" in said and not details  # two gaps: all there is to learn fits
    assert len(result) <= 4


def test_every_gap_fits_in_a_short_summary(action_store):
    result, details = skills_result({s["slot"]: "no" for s in skills()})
    said = texts(result)
    assert len([line for line in said.splitlines() if line.startswith("• ")]) == len(skills())
    assert len(said.split()) <= 250 and said.count("Source") == 1
    assert details and "tell me more" in said  # the rest waits for "tell me more"


def test_no_gaps_says_so(action_store):
    result, details = skills_result({s["slot"]: "yes" for s in skills()})
    assert "utter_skills_no_gaps" in [m.get("response") for m in result] and not details


# --- interview practice -----------------------------------------------------------------------------
def test_feedback_names_the_points_covered_and_missing(action_store):
    messages = feedback("interview_privacy", "I follow HIPAA and always lock my screen and use strong passwords")
    said = texts(messages)
    assert "naming HIPAA" in said.split("To make it stronger")[0]
    assert "security side" in said.split("To make it stronger")[0]
    assert "confidential" in said.split("To make it stronger")[1]
    assert "Source: " in said


def test_a_full_answer_gets_praise(action_store):
    answer = (
        "I verify the requester's authorisation and signed release form, follow HIPAA and our "
        "release of information procedure, and check with my supervisor if anything is unusual."
    )
    assert "utter_interview_all_covered" in [m.get("response") for m in feedback("interview_request", answer)]


def test_each_answer_is_scored_and_not_stored(action_store):
    tracker = form_tracker(
        "interview_ehr",
        "I used Epic during my externship",
        slots={"interview_scores": json.dumps({"interview_privacy": [1, 3]})},
    )
    slots, messages = validate(ValidateInterviewForm(), tracker)
    assert slots["interview_ehr"] == "answered"  # the answer itself is not kept
    assert json.loads(slots["interview_scores"]) == {"interview_privacy": [1, 3], "interview_ehr": [2, 3]}


def test_a_skipped_question_shows_what_a_good_answer_covers(action_store):
    slots, messages = validate(ValidateInterviewForm(), form_tracker("interview_accuracy", "skip"))
    assert messages[0]["response"] == "utter_interview_skipped"
    assert json.loads(slots["interview_scores"])["interview_accuracy"][0] == 0


def test_the_summary_counts_points_and_names_the_weakest_question(action_store):
    scores = {
        "interview_privacy": [3, 3],
        "interview_accuracy": [0, 3],
        "interview_ehr": [2, 3],
        "interview_request": [1, 3],
    }
    result = interview_summary(scores)
    assert result[0] == {"response": "utter_interview_summary", "covered": 6, "total": 12, "answered": 4}
    assert result[1]["response"] == "utter_interview_topic_interview_accuracy"
    assert "Source: " in texts(result)
