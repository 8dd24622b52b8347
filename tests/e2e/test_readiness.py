"""The readiness assessment over REST: it asks what it needs, gives a level and three sourced
steps, counts the checks done since, and shows the progress when asked again."""

from __future__ import annotations

import re
import uuid

from tests.samples import RESUME


def steps(reply: str):
    return [line for line in reply.splitlines() if re.match(r"\d\. ", line)]


def test_asked_how_ready_it_asks_what_it_needs_then_gives_a_level_and_three_steps(coach):
    sender = uuid.uuid4().hex
    first = coach.say("how ready am i for a records job?", sender)
    assert "A few quick questions first" in first[0]["text"]
    assert "schooling" in first[-1]["text"] and first[-1].get("buttons")
    assert "healthcare before" in coach.reply("I have my GED", sender)
    assert "credential" in coach.reply("no", sender)
    result = coach.say("not yet", sender)
    reply = "\n".join(m.get("text", "") for m in result)
    assert reply.startswith("Your readiness for an entry-level role: early on the way, 22 of 100."), reply
    assert len(steps(reply)) == 3 and "postsecondary certificate" in steps(reply)[0]
    assert re.search(r"^Sources?: .+\.$", reply.splitlines()[-1]), reply
    assert [b["payload"] for b in result[-1]["buttons"]] == [
        "/start_skills_check",
        "/start_interview_practice",
        "/check_resume",
    ]


def test_asked_again_after_the_skills_check_and_a_resume_it_shows_the_progress(coach):
    sender = uuid.uuid4().hex
    for answer in ("/check_readiness", "a certificate", "yes I have", "studying for one"):
        reply = coach.reply(answer, sender)
    before = int(re.search(r"(\d+) of 100", reply).group(1))
    coach.reply("/start_skills_check", sender)
    for answer in ("yes", "not really", "yes", "yes", "yes", "yes"):
        coach.reply(answer, sender)
    coach.reply("check my resume", sender)
    coach.reply(RESUME, sender)
    again = coach.reply("am i ready to apply yet?", sender)
    after = int(re.search(r"(\d+) of 100", again).group(1))
    assert after != before and f"from {before} last time" in again, again
    assert "counted half: a practice interview." in again  # the skills check and the resume are counted now
    assert "Work on the ICD-10-CM and CPT coding systems" in again or "Sit your exam" in again, again


def test_what_it_already_knows_from_the_plan_is_not_asked_again(coach):
    sender = uuid.uuid4().hex
    coach.reply("/start_plan", sender)
    for answer in ("an associate degree", "yes I have", "part-time", "low", "get hired fast"):
        coach.reply(answer, sender)
    asked = coach.reply("how ready am i", sender)
    assert "credential" in asked and "schooling" not in asked, asked
