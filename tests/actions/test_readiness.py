"""The readiness assessment: a level from what the conversation holds, the steps worth most, and
the progress when it is asked again."""

from __future__ import annotations

import json
import re

import pytest

from actions.readiness import ASKED_SLOTS, SCORES_SLOT, ActionReadiness, ValidateReadinessForm, assessment, settings
from actions.skills_check import skills
from actions.replies import words
from knowledge.applications import applications

from .conftest import DOMAIN, Conversation, form_tracker, validate

STARTER = {"plan_education": "high school", "plan_experience": "no", "readiness_credential": "no"}
READY = {"plan_education": "associate", "plan_experience": "yes", "readiness_credential": "yes"}


def steps(text: str):
    return [line for line in text.splitlines() if re.match(r"\d\. ", line)]


def test_the_parts_weigh_100_and_every_slot_part_scores_each_answer_it_can_be_given():
    config = settings()
    assert sum(part["weight"] for part in config["parts"]) == 100
    assert DOMAIN["forms"]["readiness_form"]["required_slots"] == list(ASKED_SLOTS)
    for part in config["parts"]:
        if part["from"] == "plan_education":
            assert set(part["scores"]) == {"high school", "some college", "certificate", "associate", "bachelor's"}
        if part["from"] in ASKED_SLOTS:
            assert f"utter_ask_{part['from']}" in DOMAIN["responses"]


def test_a_beginner_is_early_on_the_way_with_three_sourced_steps(action_store):
    score, text, buttons = assessment(STARTER)
    # schooling 0.2 of 35, nothing for credential and experience, the three checks not seen: half of 30
    assert score == 22
    assert text.splitlines()[0] == "Your readiness for an entry-level role: early on the way, 22 of 100."
    assert "counted half: a skills check, a practice interview and a resume check" in text
    said = steps(text)
    assert len(said) == 3
    assert said[0].startswith("1. Finish a certificate or an associate's") and "postsecondary certificate" in said[0]
    assert said[1].startswith("2. Get certified") and "already certified" in said[1]
    assert said[2].startswith("3. Get hands-on experience") and "Internships" in said[2]
    assert text.splitlines()[-1].startswith("Sources: ")
    assert [b["payload"] for b in buttons] == ["/start_skills_check", "/start_interview_practice", "/check_resume"]
    assert words(text) <= 130, text  # about 105 before the source line


def test_someone_with_the_schooling_credential_and_experience_is_ready_and_pointed_at_the_checks(action_store):
    score, text, buttons = assessment(READY)
    assert score == 85 and "ready to apply, 85 of 100" in text
    said = steps(text)
    # Nothing left on the answered parts: the steps are the checks not done, the heaviest first.
    assert [s.split(":")[0] for s in said] == [
        "1. Take the skills check here",
        "2. Practise an interview here",
        "3. Have your resume checked here",
    ]


def test_the_checks_done_count_what_they_found_and_name_the_weakest_skill(action_store):
    answers = {s["slot"]: "yes" for s in skills()}
    answers.update(skill_coding="no", skill_ehr="some")
    looks_for = [entry["name"] for entry in applications()["looks_for"]]
    slots = {
        **READY,
        **answers,
        "interview_scores": json.dumps({"interview_privacy": [1, 3], "interview_ehr": [0, 3]}),
        "resume_shows": looks_for[:5],
    }
    score, text, buttons = assessment(slots)
    # 70 from the answers, skills 4.5/6 of 15, interview 1/6 of 10, resume 5/10 of 5
    assert score == round(70 + 15 * 4.5 / 6 + 10 / 6 + 5 * 0.5)
    assert "Not seen yet" not in text and buttons == []
    said = steps(text)
    assert said[0].startswith("1. Rehearse your answers")
    assert said[1].startswith("2. Work on the ICD-10-CM and CPT coding systems")
    assert said[2].startswith(f"3. Add to your resume: {looks_for[5]}")


def test_a_credential_being_studied_for_points_at_the_exam(action_store):
    _, text, _ = assessment({**READY, "readiness_credential": "studying"})
    assert any(s.startswith("1. Sit your exam") and "few weeks" in s for s in steps(text))


def test_asked_again_it_shows_the_progress_since_last_time(action_store):
    first, _, _ = assessment(STARTER)
    _, text, _ = assessment({**STARTER, "plan_education": "certificate", SCORES_SLOT: [first]})
    assert f"That's up from {first} last time." in text
    assert "Ask again later" not in text  # said the first time only
    _, text, _ = assessment({**STARTER, SCORES_SLOT: [first, 60]})
    assert "That's down from 60 last time." in text


def test_nothing_left_to_gain_says_to_start_applying(action_store):
    slots = {
        **READY,
        **{s["slot"]: "yes" for s in skills()},
        "interview_scores": json.dumps({"interview_privacy": [3, 3]}),
        "resume_shows": [entry["name"] for entry in applications()["looks_for"]],
    }
    score, text, _ = assessment(slots)
    assert score == 100 and "Nothing left to gain" in text and steps(text)[0].startswith("1. Start applying")


def test_the_action_asks_first_for_what_it_lacks_then_keeps_each_score(action_store):
    asked = Conversation(
        ActionReadiness(), "how ready am i", "check_readiness", slots={"plan_education": "certificate"}
    )
    assert asked.followup == "readiness_form" and "A few quick questions first" in asked.reply
    answered = Conversation(ActionReadiness(), "how ready am i", "check_readiness", slots={**READY, SCORES_SLOT: [40]})
    assert answered.followup is None and "That's up from 40 last time." in answered.reply
    assert answered.slot(SCORES_SLOT) == [40, 85]


@pytest.mark.parametrize(
    "slot, text, expected",
    [
        ("readiness_credential", "yes, I'm certified", "yes"),
        ("readiness_credential", "I passed the RHIT last spring", "yes"),
        ("readiness_credential", "studying for one", "studying"),
        ("readiness_credential", "no, but I'm studying for the CCA", "studying"),
        ("readiness_credential", "not yet", "no"),
        ("readiness_credential", "nope", "no"),
        ("readiness_credential", "skip", "no"),
        ("plan_education", "I have a GED", "high school"),
        ("plan_experience", "I worked at a clinic front desk", "yes"),
    ],
)
def test_the_form_reads_free_text_answers(slot, text, expected):
    slots, messages = validate(ValidateReadinessForm(), form_tracker(slot, text))
    assert slots == {slot: expected}, messages


def test_the_form_asks_again_for_an_answer_it_cannot_read():
    slots, messages = validate(ValidateReadinessForm(), form_tracker("readiness_credential", "purple"))
    assert slots == {"readiness_credential": None}
    assert messages[0]["response"] == "utter_pick_an_option"
