"""Conversations are kept in the SQL tracker store: a restart of the Rasa server loses nothing."""

from __future__ import annotations

import json
import uuid

from tests.production.conftest import event_digest, tracker, user_turns


def test_a_restart_keeps_the_conversation_and_its_context(sqlite_servers):
    coach = sqlite_servers.coach
    sender = uuid.uuid4().hex
    assert "$59,740" in coach.reply("what is the salary in New Jersey", sender)
    before = tracker(coach, sender)
    assert before["slots"]["topic"] and before["slots"]["state"] == "New Jersey", before["slots"]

    sqlite_servers.restart_rasa()

    after = tracker(coach, sender)
    assert event_digest(after) == event_digest(before)
    assert after["slots"] == before["slots"]

    follow_up = coach.reply("and in Hawaii?", sender)
    assert follow_up
    continued = tracker(coach, sender)
    assert event_digest(continued)[: len(event_digest(before))] == event_digest(before)
    assert user_turns(continued) == ["what is the salary in New Jersey", "and in Hawaii?"]


def test_a_message_sent_again_with_its_message_id_is_taken_once(sqlite_servers):
    coach = sqlite_servers.coach
    sender, message_id = uuid.uuid4().hex, uuid.uuid4().hex
    request = json.dumps({"sender": sender, "message": "who runs the RHIT exam", "message_id": message_id}).encode()
    first_status, first = coach.raw(request)
    again_status, again = coach.raw(request)
    assert first_status == again_status == 200
    assert "American Health Information Management Association" in first.decode()
    assert json.loads(again) == json.loads(first)
    assert user_turns(tracker(coach, sender)) == ["who runs the RHIT exam"]
    # A new message_id is a new message, even with the same words.
    coach.raw(request.replace(message_id.encode(), uuid.uuid4().hex.encode()))
    assert user_turns(tracker(coach, sender)) == ["who runs the RHIT exam"] * 2
