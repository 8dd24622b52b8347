"""Item 2: nobody joins another person's widget conversation.

The widget's session id is issued and signed by the server (channels/sessions.py): an id that
anyone else can see (the conversation id in the store, the logs and the HTTP API), an id made
up or altered, gets a fresh session instead of the conversation; a socket can only send into the
session it was confirmed in; REST cannot address the socket's conversations; and a page from
an origin the server does not allow cannot open a socket.
"""

from __future__ import annotations

import asyncio
import json
import stat

import pytest
import socketio

from channels.sessions import SessionIds, _stored_secret, conversation_id
from tests.security.channels_stack import (
    ALLOWED_ORIGIN,
    OTHER_ORIGIN,
    SocketClient,
    conversation_holding,
    running_coach,
    user_texts,
)
from tests.servers import post


@pytest.fixture(scope="module")
def servers(tmp_path_factory, knowledge_url):
    yield from running_coach(tmp_path_factory.mktemp("sessions"), knowledge_url)


def run(coroutine):
    return asyncio.run(coroutine)


def test_the_stored_conversation_id_does_not_join_the_conversation(servers):
    async def scenario():
        first = await SocketClient(servers).connect()
        second = await SocketClient(servers).connect()
        try:
            own = await first.request_session()
            assert any("$47,190" in t for t in await first.ask("what is the median salary"))
            seen = conversation_holding(servers, "what is the median salary")  # in logs, the API, the store
            given = await second.request_session(seen)
            assert given not in (seen, own), "an id seen outside the browser must not join"
            assert any("two years" in t for t in await first.ask("how many years is the associate degree in HIT"))
            await second.settle()
            return second.texts, user_texts(servers, seen)
        finally:
            await first.close()
            await second.close()

    overheard, stored = run(scenario())
    assert overheard == [], "the second socket received the first one's replies"
    assert stored == ["what is the median salary", "how many years is the associate degree in HIT"]


@pytest.mark.parametrize("forged", ["0" * 32 + "." + "0" * 64, "made-up-session", "a.b.c", "socketio:abc"])
def test_a_session_id_the_server_did_not_issue_is_replaced(servers, forged):
    async def scenario():
        client = await SocketClient(servers).connect()
        try:
            given = await client.request_session(forged)
            again = await client.request_session(given)  # a real one is kept
            return given, again
        finally:
            await client.close()

    given, again = run(scenario())
    assert given != forged
    assert again == given


def test_a_tampered_signature_is_replaced(servers):
    async def scenario():
        client = await SocketClient(servers).connect()
        try:
            issued = await client.request_session()
            token, signature = issued.split(".")
            tampered = token + "." + ("1" if signature[0] == "0" else "0") + signature[1:]
            other_token = ("1" if token[0] == "0" else "0") + token[1:] + "." + signature
            return issued, [await client.request_session(tampered), await client.request_session(other_token)]
        finally:
            await client.close()

    issued, given = run(scenario())
    assert issued not in given
    assert all(g.count(".") == 1 for g in given)


def test_a_socket_cannot_send_into_another_session(servers):
    async def scenario():
        victim = await SocketClient(servers).connect()
        intruder = await SocketClient(servers).connect()
        try:
            target = await victim.request_session()
            await intruder.request_session()
            replies = await intruder.ask("what is the median salary", session_id=target)
            await victim.settle()
            return replies, victim.texts
        finally:
            await victim.close()
            await intruder.close()

    replies, victim_saw = run(scenario())
    assert any("not given to this connection" in t for t in replies), replies
    assert victim_saw == []
    assert not any("$47,190" in t for t in replies)


def test_the_same_browser_keeps_its_conversation(servers):
    async def scenario():
        before = await SocketClient(servers).connect()
        try:
            session = await before.request_session()
            await before.ask("what is the median salary in Texas")
        finally:
            await before.close()
        after = await SocketClient(servers).connect()  # the page reloaded, its stored id sent back
        try:
            assert await after.request_session(session) == session
            await after.ask("how many years is the associate degree in HIT")
        finally:
            await after.close()

    run(scenario())
    conversation = conversation_holding(servers, "what is the median salary in Texas")
    assert user_texts(servers, conversation) == [
        "what is the median salary in Texas",
        "how many years is the associate degree in HIT",
    ]


def test_rest_cannot_address_a_widget_conversation(servers):
    async def scenario():
        client = await SocketClient(servers).connect()
        try:
            await client.request_session()
            await client.ask("who runs the RHIT exam")
        finally:
            await client.close()

    run(scenario())
    conversation = conversation_holding(servers, "who runs the RHIT exam")
    status, body = post(
        f"{servers.coach.url}/webhooks/rest/webhook",
        json.dumps({"sender": conversation, "message": "what is the median salary"}).encode(),
    )
    assert status == 400, (status, body[:300])
    assert "another channel" in json.loads(body)["message"]
    assert user_texts(servers, conversation) == ["who runs the RHIT exam"]


def test_a_page_from_another_origin_cannot_open_a_socket(servers):
    async def attempt(origin):
        client = SocketClient(servers, origin=origin)
        try:
            await client.connect()
        except socketio.exceptions.ConnectionError as error:
            return f"{error}: {client.refusals}"
        await client.request_session()
        await client.close()
        return "connected"

    assert run(attempt(ALLOWED_ORIGIN)) == "connected"
    assert run(attempt(servers.coach.url)) == "connected", "a page the coach's server serves itself"
    refused = run(attempt(OTHER_ORIGIN))
    assert refused != "connected"
    assert "not one of the allowed origins" in refused, refused


def test_the_generated_secret_is_made_once_and_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "build" / "session-secret"
    first = _stored_secret(path)
    assert _stored_secret(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(path.parent.iterdir()) == [path]
    ids = SessionIds(first)
    issued = ids.issue()
    assert ids.verified(issued) and not SessionIds(b"another secret").verified(issued)
    assert conversation_id(issued) == "socketio:" + issued.split(".")[0]
