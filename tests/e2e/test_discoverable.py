"""What the coach can do is said where a newcomer looks: its greeting offers the plan, the skills
check, the interview practice and the readiness assessment as buttons that start them, and its
help reply names them and the resume check."""

from __future__ import annotations

import uuid

import pytest

# Each flow's payload, its words as the help reply gives them, and what its first question asks.
FLOWS = {
    "/start_plan": ("make me a plan", "schooling"),
    "/start_skills_check": ("check my skills", "medical terminology"),
    "/start_interview_practice": ("practise an interview", "question 1"),
    "/check_readiness": ("how ready am I?", "schooling"),
}


def test_the_greeting_offers_each_flow(coach):
    messages = coach.say("hello")
    for named in ("plan", "skills", "resume", "interview", "how ready"):
        assert named in messages[0]["text"], messages[0]["text"]
    assert [b["payload"] for b in messages[0].get("buttons", [])] == list(FLOWS)


@pytest.mark.parametrize("payload", FLOWS)
def test_each_button_of_the_greeting_starts_its_flow(coach, payload):
    sender = uuid.uuid4().hex
    coach.say("hello", sender)
    reply = coach.reply(payload, sender)
    assert FLOWS[payload][1] in reply.lower() and "?" in reply, reply


@pytest.mark.parametrize("payload", FLOWS)
def test_the_help_reply_names_each_flow_in_words_that_start_it(coach, payload):
    asked, first_question = FLOWS[payload]
    assert f'"{asked}"' in coach.reply("what can you do")
    assert first_question in coach.reply(asked).lower()


def test_the_help_reply_names_the_resume_check_in_words_that_start_it(coach):
    assert '"check my resume"' in coach.reply("what can you do")
    assert "paste" in coach.reply("check my resume").lower()
