"""Item 3, the channels: metadata is capped by size, the request body by the server, and each
conversation and client address by a message rate (channels/limits.py, channels/guard.py).

The servers here run with a short window and small limits (settings in the environment), so a
test sees the limit and then sees it lift again after the Retry-After it was given.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import List, Tuple

import pytest

from channels.limits import RateLimits, TokenBuckets
from tests.security.channels_stack import SocketClient, running_coach, stored, user_texts

WINDOW = 12  # s over which a limit refills
PER_CONVERSATION = 2
PER_ADDRESS = 4
QUESTION = "what is the median salary"


@pytest.fixture(scope="module")
def servers(tmp_path_factory, knowledge_url):
    yield from running_coach(
        tmp_path_factory.mktemp("limits"),
        knowledge_url,
        COACH_RATE_WINDOW=str(WINDOW),
        COACH_RATE_PER_CONVERSATION=str(PER_CONVERSATION),
        COACH_RATE_PER_ADDRESS=str(PER_ADDRESS),
    )


def send(servers, body: dict) -> Tuple[int, dict, str]:
    """Status, JSON body and Retry-After of one REST request."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        f"{servers.coach.url}/webhooks/rest/webhook",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read()), response.headers.get("Retry-After", "")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), error.headers.get("Retry-After", "")


def send_at_once(servers, bodies: List[dict]) -> List[Tuple[int, dict, str]]:
    with ThreadPoolExecutor(len(bodies)) as pool:
        return list(pool.map(lambda body: send(servers, body), bodies))


def events(servers) -> int:
    return stored(servers, "SELECT COUNT(*) FROM events")[0][0]


def test_metadata_over_the_size_cap_is_refused_and_nothing_stored(servers):
    before = events(servers)
    sender = uuid.uuid4().hex
    status, body, _ = send(servers, {"sender": sender, "message": QUESTION, "metadata": {"page": "x" * 5000}})
    assert status == 400, (status, body)
    assert "larger than 4,096 bytes" in body["message"], body
    assert events(servers) == before


def test_a_request_body_over_the_cap_gets_413(servers):
    before = events(servers)
    body = json.dumps({"sender": uuid.uuid4().hex, "message": QUESTION, "padding": "x" * 2_000_000}).encode()
    # The server answers as soon as it reads the length, and closes: the body is not sent, or the
    # connection could be reset under the client while it still writes, before it reads the answer.
    host, port = servers.coach.url.split("//")[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.putrequest("POST", "/webhooks/rest/webhook")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders()
        response = connection.getresponse()
        status, payload = response.status, response.read()
    finally:
        connection.close()
    assert status == 413, (status, payload[:300])
    assert "exceeds the size limit" in json.loads(payload)["message"], payload[:300]
    assert events(servers) == before


def test_socket_metadata_over_the_size_cap_is_refused(servers):
    async def scenario():
        client = await SocketClient(servers).connect()
        try:
            session = await client.request_session()
            return session, await client.ask(QUESTION, metadata={"page": "x" * 5000})
        finally:
            await client.close()

    session, replies = asyncio.run(scenario())
    assert any("larger than 4,096 bytes" in t for t in replies), replies
    assert not stored(servers, "SELECT COUNT(*) FROM events WHERE sender_id LIKE ?", "%" + session.split(".")[0])[0][0]


def wait_out(results: List[Tuple[int, dict, str]]) -> None:
    """Sleeps for the longest Retry-After the refused requests were given."""
    time.sleep(max(int(retry) for status, _, retry in results if status == 429))


def test_one_conversation_over_its_rate_gets_429_then_works_again(servers):
    sender = uuid.uuid4().hex
    results = send_at_once(servers, [{"sender": sender, "message": QUESTION}] * (PER_CONVERSATION + 4))
    statuses = [status for status, _, _ in results]
    assert set(statuses) == {200, 429}, statuses
    refused = [(body, retry) for status, body, retry in results if status == 429]
    assert all("faster than I can answer" in body["message"] for body, _ in refused), refused
    assert all(1 <= int(retry) <= WINDOW for _, retry in refused), refused
    # A refused message's turn was not run: the conversation holds the accepted ones only.
    assert len(user_texts(servers, sender)) == statuses.count(200)
    wait_out(results)
    status, body, _ = send(servers, {"sender": sender, "message": QUESTION})
    assert status == 200 and "$47,190" in json.dumps(body), (status, body)


def test_one_address_over_its_rate_gets_429_whatever_the_sender(servers):
    senders = [uuid.uuid4().hex for _ in range(PER_ADDRESS + 6)]
    results = send_at_once(servers, [{"sender": s, "message": QUESTION} for s in senders])
    statuses = [status for status, _, _ in results]
    assert 429 in statuses and statuses.count(200) <= PER_ADDRESS + 1, statuses
    for sender, status in zip(senders, statuses):
        assert len(user_texts(servers, sender)) == (1 if status == 200 else 0)
    wait_out(results)
    status, _, _ = send(servers, {"sender": uuid.uuid4().hex, "message": QUESTION})
    assert status == 200


def test_a_socket_over_its_rate_is_told_and_its_turn_not_run(servers):
    async def scenario():
        client = await SocketClient(servers).connect()
        try:
            session = await client.request_session()
            for number in range(PER_CONVERSATION + 3):
                await client.send(f"{QUESTION} number {number}")
            await asyncio.sleep(1)
            await client.settle()
            limited = list(client.texts)
            await asyncio.sleep(WINDOW / PER_CONVERSATION + 1)  # one message's worth of the window
            again = await client.ask("how many years is the associate degree in HIT")
            return session, limited, again
        finally:
            await client.close()

    session, limited, again = asyncio.run(scenario())
    assert any("faster than I can answer" in t for t in limited), limited
    conversation = stored(
        servers, "SELECT DISTINCT sender_id FROM events WHERE sender_id LIKE ?", "%" + session.split(".")[0]
    )[0][0]
    taken = [t for t in user_texts(servers, conversation) if t.startswith(QUESTION)]
    assert 1 <= len(taken) < PER_CONVERSATION + 3, taken
    assert any("two years" in t for t in again), again


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_lets_a_burst_pass_then_refills_at_its_rate():
    clock = Clock()
    limits = RateLimits(TokenBuckets(3, 30, clock), TokenBuckets(100, 30, clock))
    assert [limits.admit("c", "a") for _ in range(4)] == [0, 0, 0, 10]  # a token every 10 s
    clock.now += 9
    assert limits.admit("c", "a") == 1
    clock.now += 1
    assert limits.admit("c", "a") == 0
    assert limits.admit("another conversation", "a") == 0


def test_a_refused_message_takes_no_token_from_the_other_bucket():
    clock = Clock()
    limits = RateLimits(TokenBuckets(1, 60, clock), TokenBuckets(2, 60, clock))
    assert limits.admit("c", "a") == 0
    assert limits.admit("c", "a") > 0  # the conversation is over its limit ...
    assert limits.admit("d", "a") == 0  # ... and the address still had its second token


def test_forgotten_buckets_are_full_ones_and_their_number_is_bounded():
    clock = Clock()
    buckets = TokenBuckets(1, 60, clock, max_buckets=2)
    for key in ("a", "b", "c"):
        buckets.take(key, clock.now)
    assert len(buckets._buckets) == 2
    assert buckets.wait("a", clock.now) == 0 and buckets.wait("c", clock.now) > 0


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_a_setting_that_is_not_a_positive_number_is_refused(monkeypatch, value):
    monkeypatch.setenv("COACH_RATE_PER_CONVERSATION", value)
    with pytest.raises(ValueError, match="COACH_RATE_PER_CONVERSATION"):
        RateLimits.from_environment()
