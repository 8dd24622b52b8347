"""A SQLite conversation file that another program holds locked stalls only the turns that need
it, not the server: they end with a 503 and Retry-After, other requests are answered meanwhile,
and nothing stored before is lost."""

from __future__ import annotations

import json
import sqlite3
import threading
import urllib.error
import urllib.request
import uuid

import pytest

from tests.servers import Servers, get, local_endpoints


@pytest.fixture(scope="module")
def coach_on_sqlite(tmp_path_factory, knowledge_url):
    work = tmp_path_factory.mktemp("stall")
    database = work / "conversations.db"
    servers = Servers(work, knowledge_url, endpoints=local_endpoints(database))
    try:
        yield servers.start().coach, database
    finally:
        servers.stop()


def send(coach, sender: str, text: str) -> tuple:
    """(status, Retry-After header, body) of one REST turn."""
    request = urllib.request.Request(
        f"{coach.url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.headers.get("Retry-After"), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Retry-After"), json.loads(error.read())


def test_a_locked_conversation_file_gets_a_503_and_the_server_stays_free(coach_on_sqlite):
    coach, database = coach_on_sqlite
    sender = uuid.uuid4().hex
    status, _, first_reply = send(coach, sender, "what does a medical records technician earn")
    assert status == 200 and first_reply

    other_program = sqlite3.connect(database, isolation_level=None, timeout=1)
    other_program.execute("BEGIN IMMEDIATE")  # holds the file's write lock, as a backup might
    stalled = {}
    turn = threading.Thread(target=lambda: stalled.update(result=send(coach, sender, "how long is school")))
    try:
        turn.start()
        turn.join(0.3)
        assert turn.is_alive()  # waiting for the file
        health = get(f"{coach.url}/webhooks/rest/", timeout=20)
        answered_while_stalled = turn.is_alive()
        turn.join(120)
    finally:
        other_program.rollback()
        other_program.close()

    assert health[0] == 200 and answered_while_stalled
    status, retry_after, body = stalled["result"]
    assert status == 503 and retry_after and int(retry_after) > 0, (status, body)
    assert "again" in body["message"]

    status, _, reply = send(coach, sender, "how long is school")
    assert status == 200 and reply
    events = json.loads(get(f"{coach.url}/conversations/{sender}/tracker", timeout=30)[1])["events"]
    said = [e["text"] for e in events if e["event"] == "user"]
    assert said == ["what does a medical records technician earn", "how long is school"]
