"""Item 9: an id holding control characters (a line break forging a log line, an escape sequence,
a bidirectional override showing it backwards) is refused with a 400, and nothing is stored."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest

from tests.security.channels_stack import SocketClient, running_coach, stored
from tests.servers import post

CONTROLS = {
    "line feed": "me\n2026-01-01 INFO forged line",
    "carriage return": "me\rforged",
    "escape sequence": "me\x1b[2J",
    "NUL": "me\x00",
    "DEL": "me\x7f",
    "C1 next line": "me\x85forged",
    "right-to-left override": "me\u202egnp.exe",
    "first-strong isolate": "me\u2068x",
    "line separator": "me\u2028forged",
}


@pytest.fixture(scope="module")
def servers(tmp_path_factory, knowledge_url):
    yield from running_coach(tmp_path_factory.mktemp("ids"), knowledge_url)


def send(servers, **body) -> tuple:
    status, payload = post(
        f"{servers.coach.url}/webhooks/rest/webhook",
        json.dumps({"message": "what is the median salary", **body}).encode(),
    )
    return status, json.loads(payload)


def events(servers) -> int:
    return stored(servers, "SELECT COUNT(*) FROM events")[0][0]


@pytest.mark.parametrize("name", list(CONTROLS))
def test_a_sender_with_control_characters_is_refused_and_nothing_stored(servers, name):
    sender = CONTROLS[name]
    before = events(servers)
    status, body = send(servers, sender=sender)
    assert status == 400, (status, body)
    assert "control character" in body["message"], body
    assert events(servers) == before
    assert stored(servers, "SELECT COUNT(*) FROM events WHERE sender_id = ?", sender)[0][0] == 0


@pytest.mark.parametrize("name", ["line feed", "right-to-left override", "C1 next line"])
def test_a_message_id_with_control_characters_is_refused(servers, name):
    sender = uuid.uuid4().hex
    status, body = send(servers, sender=sender, message_id=CONTROLS[name])
    assert status == 400, (status, body)
    assert "'message_id' holds a control character" in body["message"], body
    assert stored(servers, "SELECT COUNT(*) FROM events WHERE sender_id = ?", sender)[0][0] == 0


def test_printable_ids_in_any_script_are_taken(servers):
    sender = "Zoë-李-" + uuid.uuid4().hex[:8]
    status, body = send(servers, sender=sender, message_id="msg-1 ü")
    assert status == 200, (status, body)
    assert stored(servers, "SELECT COUNT(*) FROM events WHERE sender_id = ?", sender)[0][0] > 0


def test_a_socket_message_with_a_control_character_in_its_session_id_is_refused(servers):
    async def scenario():
        client = await SocketClient(servers).connect()
        try:
            await client.request_session()
            return await client.ask("what is the median salary", session_id="me\n" + uuid.uuid4().hex)
        finally:
            await client.close()

    replies = asyncio.run(scenario())
    assert any("control character" in t for t in replies), replies
