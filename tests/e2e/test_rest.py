"""End to end: both servers running, questions asked over REST, figures and sources checked."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.e2e.conftest import get

# Phrasings that are not in the training data, and what a correct answer must hold.
QUESTIONS = [
    ("what is the median salary", ["$47,190", "Source: Complete Medical Records Technician Career Guide, May 2023"]),
    ("roughly what do medical records techs get paid in new jersey?", ["$59,740", "2014"]),
    ("is there much job growth expected for this line of work", ["7%", "2022"]),
    ("who runs the RHIT exam", ["American Health Information Management Association"]),
    ("which EHR programs will i be using", ["Epic"]),
    ("how many years is the associate degree in HIT", ["two years"]),
    ("what would the tuition be for a certificate", ["$3,000"]),
    ("what do they pay in germany", ["€28,000"]),
    ("downsides of this job?", ["Source"]),
    ("where do your facts come from", ["Career Profile and Forecast"]),
]


@pytest.mark.parametrize("question, expected", QUESTIONS, ids=[q for q, _ in QUESTIONS])
def test_questions_get_sourced_answers(coach, question, expected):
    reply = coach.reply(question)
    for needle in expected:
        assert needle in reply, f"{needle!r} not in reply to {question!r}:\n{reply}"


def test_a_state_the_guides_do_not_cover_is_said_plainly(coach):
    reply = coach.reply("what's the salary in ohio")
    assert "don't give a pay figure for Ohio" in reply
    assert "$47,190" in reply


def test_another_career_is_declined(coach):
    reply = coach.reply("how much do nurses make")
    assert "only coach on the medical records technician career" in reply and "$" not in reply


def test_greeting_and_out_of_scope(coach):
    assert "career coach" in coach.reply("hi there")
    assert "outside what I know" in coach.reply("what's the weather like in paris tomorrow")


BAD_INPUTS = [
    "",
    "   ",
    "x" * 5000,
    "medical records " * 300,
    "😀🎉🙈",
    "¿Cuánto gana un técnico de registros médicos en España?",
    "'; DROP TABLE facts; --",
    "salary in Texas' OR '1'='1",
    "<script>alert(1)</script>",
]


@pytest.mark.parametrize("message", BAD_INPUTS, ids=lambda m: repr(m[:30]))
def test_bad_input_gets_a_reply_and_the_server_stays_up(coach, message):
    messages = coach.say(message)
    assert messages and all(m.get("text") for m in messages)
    assert coach.is_up()


def test_knowledge_survives_bad_input(coach):
    for message in BAD_INPUTS:
        coach.say(message)
    assert "$47,190" in coach.reply("what is the median salary")


def test_a_conversation_keeps_its_history(coach):
    sender = uuid.uuid4().hex
    coach.say("hello", sender)
    coach.say("what is the median salary", sender)
    status, body = get(f"{coach.url}/conversations/{sender}/tracker")
    assert status == 200
    texts = [e.get("text") for e in json.loads(body)["events"] if e.get("event") == "user"]
    assert texts == ["hello", "what is the median salary"]


MALFORMED = [
    (b'{"sender": "a", "message": ', "not valid JSON"),
    (b"[1, 2]", "must be a JSON object"),
    (b'{"sender": "a"}', "'message' is required"),
    (b'{"sender": "a", "message": 123}', "'message' is required"),
    (b'{"sender": ["a"], "message": "hi"}', "'sender' must be"),
    (b'{"sender": "a", "message": "hi", "metadata": 5}', "'metadata' must be"),
    (b'{"sender": "a", "message": "\xff\xfe"}', "not valid JSON"),
]


@pytest.mark.parametrize("body, reason", MALFORMED, ids=[r for _, r in MALFORMED])
def test_a_malformed_request_gets_a_400_saying_why(coach, body, reason):
    status, payload = coach.raw(body)
    assert status == 400
    assert reason in payload.decode("utf-8", "replace")
    assert coach.is_up()


def test_the_questions_above_are_not_training_examples():
    """They measure understanding of new phrasings, so none may be in data/nlu."""
    import importlib.util

    from tests.servers import ROOT

    spec = importlib.util.spec_from_file_location("check_nlu", ROOT / "scripts" / "check_nlu.py")
    check_nlu = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check_nlu)

    training = {
        check_nlu.plain(example)
        for path in (ROOT / "data" / "nlu").rglob("*.yml")
        for _, example in check_nlu.examples(path)
    }
    for question, _ in QUESTIONS:
        assert check_nlu.plain(question) not in training, question
