"""A barrage of bad input over REST and Socket.IO, on both tracker stores (SQLite and Postgres).

Each message gets a clear reply or a 4xx that says what is wrong, the server stays up, a
conversation held before the barrage has the same events after it, the tracker store still has
every event it had, and the knowledge answers are unchanged. (The lighter cases, such as an
empty message, emoji, another language or invalid UTF-8 in the body, are in tests/e2e.)
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Dict, List, Optional

import pytest
import socketio
from sqlalchemy import create_engine, text

from tests.production.conftest import event_digest, tracker

HELD = ["what is the salary in New Jersey", "who runs the RHIT exam"]
KNOWLEDGE_QUESTIONS = [
    "what is the median salary",
    "what is the salary in New Jersey",
    "which EHR programs will i be using",
]
INJECTION = "salary in Texas'; DROP TABLE events;--"
SCRIPT = "<script>alert(1)</script> what is the salary in <b>New Jersey</b><img src=x onerror=alert(2)>"


def nested(levels: int) -> str:
    return '{"a":' * levels + "1" + "}" * levels


def body(message, sender: Optional[str] = None, **extra) -> bytes:
    return json.dumps({"sender": sender or uuid.uuid4().hex, "message": message, **extra}).encode()


# (name, request body, None for "answered with a reply" or the 400's reason)
REST_BARRAGE = [
    ("10,000 characters", body(("what is the median salary " * 400)[:10_000]), None),
    ("100,000 characters", body(("what is the median salary " * 4000)[:100_000]), "longer than 10,000 characters"),
    ("whitespace and invisible characters", body("\t\r\n \u200b\u00a0 \u2028"), None),
    ("NUL and control characters", body("salary\u0000 in\u0007 texas\u001b[31m"), None),
    ("lone surrogate (valid JSON, not Unicode)", b'{"sender": "s1", "message": "salary \\ud800 in texas"}', None),
    (
        "invalid UTF-8 in metadata",
        b'{"sender": "s2", "message": "hi", "metadata": {"k": "\xc3\x28\xff"}}',
        "not valid JSON",
    ),
    ("trailing garbage", b'{"sender": "s3", "message": "hi"} {"x": 1}', "not valid JSON"),
    ("NaN as the message", b'{"sender": "s4", "message": NaN}', "'message' is required"),
    (
        "metadata nested 10,000 levels",
        ('{"sender": "s5", "message": "hi", "metadata": %s}' % nested(10_000)).encode(),
        "not valid JSON",
    ),
    (
        "metadata nested 50 levels",
        ('{"sender": "s6", "message": "hi", "metadata": %s}' % nested(50)).encode(),
        "nests more than 20 levels",
    ),
    ("metadata nested 15 levels", ('{"sender": "s7", "message": "hi", "metadata": %s}' % nested(15)).encode(), None),
    ("a 1,000-character sender", body("hi", "s" * 1000), "at most 255 characters"),
    ("lone surrogate in the sender", b'{"sender": "s\\udc00", "message": "hi"}', "'sender' is not valid Unicode"),
    ("an empty message_id", body("hi", message_id=""), "'message_id' must be"),
    ("SQL injection in an entity value", body(INJECTION), None),
    ("SQL injection in the sender", body("what is the median salary", "x'; DROP TABLE events;--"), None),
    ("HTML and script", body(SCRIPT), None),
]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def target(request) -> Dict:
    """A running coach, its tracker store's URL, and a conversation held before the barrage."""
    if request.param == "sqlite":
        servers = request.getfixturevalue("sqlite_servers")
        store_url = f"sqlite:///{servers.work / 'conversations.db'}"
        coach = servers.coach
    else:
        stack = request.getfixturevalue("stack")
        store_url, coach = stack.postgres.url("conversations"), stack.replicas[0].coach
    sender = uuid.uuid4().hex
    for message in HELD:
        coach.say(message, sender)
    return {
        "coach": coach,
        "store_url": store_url,
        "sender": sender,
        "held": event_digest(tracker(coach, sender)),
        "events": count_events(store_url),
        "answers": {q: coach.say(q)[0]["text"] for q in KNOWLEDGE_QUESTIONS},
    }


def count_events(store_url: str) -> int:
    engine = create_engine(store_url, future=True)
    try:
        with engine.connect() as connection:
            return connection.execute(text("select count(*) from events")).scalar_one()
    finally:
        engine.dispose()


@pytest.mark.parametrize("name, request_body, reason", REST_BARRAGE, ids=[n for n, _, _ in REST_BARRAGE])
def test_rest_bad_input_gets_a_reply_or_a_400(target, name, request_body, reason):
    coach = target["coach"]
    started = time.monotonic()
    status, payload = coach.raw(request_body)
    print(f"{name}: {status} after {time.monotonic() - started:.2f} s")  # a figure for the report, not a check
    if reason is None:
        assert status == 200, (status, payload[:500])
        messages = json.loads(payload)
        assert messages and all(m.get("text") for m in messages), messages
        assert not any("<script" in m["text"] or "onerror" in m["text"] for m in messages)
    else:
        assert status == (413 if "longer than" in reason else 400), (status, payload[:500])
        assert reason in json.loads(payload)["message"], payload[:500]
    assert coach.is_up()


def test_sql_injection_is_read_as_a_state_name_not_run(target):
    reply = target["coach"].reply(INJECTION)
    assert "Texas" in reply and "$" in reply, reply
    assert count_events(target["store_url"]) > target["events"]


async def _socketio_replies(url: str, payloads: List, wait: float = 120) -> List[List[str]]:
    """Sends each payload as `user_uttered` and collects the `bot_uttered` texts it brings."""
    client = socketio.AsyncClient(reconnection=False)
    replies: List[List[str]] = []
    arrived = asyncio.Event()
    session: Dict[str, str] = {}

    @client.on("session_confirm")
    async def confirmed(session_id):
        session["id"] = session_id if isinstance(session_id, str) else session_id.get("session_id")
        arrived.set()

    @client.on("bot_uttered")
    async def uttered(data):
        replies[-1].append(data.get("text", ""))
        arrived.set()

    # Long-polling: the installed aiohttp is older than the websocket client of python-engineio needs.
    await client.connect(url, transports=["polling"], wait_timeout=30)
    try:
        await client.emit("session_request", {"session_id": uuid.uuid4().hex})
        await asyncio.wait_for(arrived.wait(), 30)
        for payload in payloads:
            if isinstance(payload, dict) and payload.get("session_id") == "{session}":
                payload = dict(payload, session_id=session["id"])
            replies.append([])
            arrived.clear()
            await client.emit("user_uttered", payload)
            await asyncio.wait_for(arrived.wait(), wait)
            await asyncio.sleep(1.5)  # the rest of a multi-message answer
    finally:
        await client.disconnect()
    return replies


SOCKETIO_BARRAGE = [
    ("not an object", "what is the median salary", "couldn't read that message"),
    ("null", None, "couldn't read that message"),
    ("message is a number", {"message": 42, "session_id": "{session}"}, "'message' is required"),
    ("no session id", {"message": "hi"}, "'session_id' must be"),
    ("100,000 characters", {"message": "a" * 100_000, "session_id": "{session}"}, "longer than 10,000"),
    ("metadata not JSON", {"message": "hi", "session_id": "{session}", "metadata": "{nope"}, "not valid JSON"),
    (
        "metadata nested 50 levels",
        {"message": "hi", "session_id": "{session}", "metadata": json.loads(nested(50))},
        "nests more than 20",
    ),
    ("empty", {"message": "", "session_id": "{session}"}, None),
    ("SQL injection", {"message": INJECTION, "session_id": "{session}"}, "Texas"),
    ("HTML and script", {"message": SCRIPT, "session_id": "{session}"}, None),
    ("lone surrogate", {"message": "salary \ud800 in texas", "session_id": "{session}"}, None),
]


def test_socketio_bad_input_gets_a_reply(target):
    names = [n for n, _, _ in SOCKETIO_BARRAGE]
    replies = asyncio.run(_socketio_replies(target["coach"].url, [p for _, p, _ in SOCKETIO_BARRAGE]))
    for name, texts, (_, _, expected) in zip(names, replies, SOCKETIO_BARRAGE):
        assert texts and all(texts), (name, texts)
        if expected:
            assert any(expected in t for t in texts), (name, texts)
        assert not any("<script" in t for t in texts), (name, texts)
    assert target["coach"].is_up()


def test_nothing_stored_was_damaged(target):
    """Runs after the barrage: the held conversation, the event count and the answers."""
    coach = target["coach"]
    assert event_digest(tracker(coach, target["sender"])) == target["held"]
    assert count_events(target["store_url"]) > target["events"]
    assert {q: coach.say(q)[0]["text"] for q in KNOWLEDGE_QUESTIONS} == target["answers"]
