"""The action server or its knowledge database fails and comes back: the user gets a short
apology, never silence, and the next question is answered once it is back.
(The conversation and lock stores' outages are in test_store_outages.py.)"""

from __future__ import annotations

import uuid


from knowledge.loader import build
from tests.servers import apologies


def restart_actions(servers, knowledge_url: str) -> None:
    servers.stop_actions()
    servers.env["KNOWLEDGE_DB_URL"] = knowledge_url
    servers.start_actions()


def test_action_server_down_gets_an_apology_then_answers_when_back(sqlite_servers):
    coach, sender = sqlite_servers.coach, uuid.uuid4().hex
    sqlite_servers.stop_actions()
    try:
        messages = coach.say("what is the median salary", sender)
        assert [m["text"] for m in messages] in [[a] for a in apologies()], messages
        assert coach.is_up()
    finally:
        sqlite_servers.start_actions()
    assert "$47,190" in coach.reply("what is the median salary", sender)


def test_missing_knowledge_database_is_reported_at_start_and_answered_once_built(sqlite_servers, tmp_path):
    original = sqlite_servers.env["KNOWLEDGE_DB_URL"]
    missing = f"sqlite:///{tmp_path / 'not-built' / 'knowledge.db'}"
    try:
        restart_actions(sqlite_servers, missing)
        log = sqlite_servers.log("actions", tail=20000)
        assert "knowledge: the knowledge database at" in log and "make knowledge" in log, log[-2000:]
        assert sqlite_servers.coach.reply("what is the median salary") in apologies()

        build(missing)  # built while the action server runs: the next question is answered
        assert "$47,190" in sqlite_servers.coach.reply("what is the median salary")
    finally:
        restart_actions(sqlite_servers, original)


def test_corrupt_knowledge_database_is_reported_at_start(sqlite_servers, tmp_path):
    original = sqlite_servers.env["KNOWLEDGE_DB_URL"]
    corrupt = tmp_path / "knowledge.db"
    corrupt.write_bytes(b"this is not a database\x00" * 512)
    try:
        restart_actions(sqlite_servers, f"sqlite:///{corrupt}")
        log = sqlite_servers.log("actions", tail=20000)
        assert "cannot be read (DatabaseError)" in log and "make knowledge" in log, log[-2000:]
        assert sqlite_servers.coach.reply("who runs the RHIT exam") in apologies()
    finally:
        restart_actions(sqlite_servers, original)
    assert "American Health Information Management Association" in sqlite_servers.coach.reply("who runs the RHIT exam")
