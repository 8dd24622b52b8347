"""Two replicas of the coach share a Postgres tracker store and a Redis lock store behind nginx.

Turns of one conversation alternate between the replicas and keep their context; when one
replica stops while conversations are under way, clients that retry (with the same
`message_id`) lose no message and none is taken twice.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import uuid
from typing import Dict, List, Tuple

from tests.production.conftest import tracker, user_turns
from tests.servers import post

RETRYABLE = {502, 503, 504}


def send(url: str, sender: str, text: str, attempts: int = 30) -> Tuple[list, int]:
    """Sends one message, retrying with the same message_id until it is answered."""
    body = json.dumps({"sender": sender, "message": text, "message_id": uuid.uuid4().hex}).encode()
    for attempt in range(1, attempts + 1):
        try:
            status, payload = post(f"{url}/webhooks/rest/webhook", body, timeout=120)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            status, payload = None, b""
        if status == 200:
            return json.loads(payload), attempt
        assert status in RETRYABLE or status is None, (status, payload[:300])
        time.sleep(1)
    raise AssertionError(f"{text!r} for {sender} not answered after {attempts} attempts")


def replies_after_each_turn(state: dict) -> List[int]:
    """How many bot messages follow each user turn."""
    counts: List[int] = []
    for event in state["events"]:
        if event["event"] == "user":
            counts.append(0)
        elif event["event"] == "bot" and counts:
            counts[-1] += 1
    return counts


def test_turns_alternating_between_replicas_keep_their_context(stack):
    first, second = (replica.coach for replica in stack.replicas)
    for _ in range(3):
        sender = uuid.uuid4().hex
        assert "$59,740" in first.reply("what is the salary in New Jersey", sender)
        # The other replica reads the same conversation, slots and all, from Postgres.
        seen_by_second = tracker(second, sender)
        assert seen_by_second["slots"]["state"] == "New Jersey"
        assert seen_by_second["slots"]["topic"]
        assert second.reply("and in Hawaii?", sender)
        assert "Epic" in first.reply("which EHR programs will i be using", sender)
        state = tracker(first, sender)
        assert user_turns(state) == [
            "what is the salary in New Jersey",
            "and in Hawaii?",
            "which EHR programs will i be using",
        ]
        assert all(replies_after_each_turn(state)), replies_after_each_turn(state)


def test_a_replica_stopping_under_load_loses_no_message(stack):
    conversations, turns = 6, 6
    questions = [
        "what is the median salary",
        "how many years is the associate degree in HIT",
        "who runs the RHIT exam",
        "which EHR programs will i be using",
        "is there much job growth expected for this line of work",
        "what is the salary in New Jersey",
    ]
    senders = [uuid.uuid4().hex for _ in range(conversations)]
    answered: Dict[str, List[list]] = {s: [] for s in senders}
    attempts: List[int] = []
    errors: List[BaseException] = []
    halfway = threading.Barrier(conversations + 1)

    def converse(sender: str) -> None:
        try:
            for turn, question in enumerate(questions[:turns]):
                if turn == 2:
                    halfway.wait(timeout=300)
                messages, tries = send(stack.coach.url, sender, question)
                answered[sender].append(messages)
                attempts.append(tries)
        except BaseException as error:  # noqa: BLE001  (reported by the test below)
            errors.append(error)
            halfway.abort()

    threads = [threading.Thread(target=converse, args=(s,)) for s in senders]
    for thread in threads:
        thread.start()
    halfway.wait(timeout=300)
    stack.replicas[1].stop_rasa()  # while every conversation is sending its third turn
    for thread in threads:
        thread.join(timeout=600)
    assert not errors, errors

    survivor = stack.replicas[0].coach
    for sender in senders:
        assert len(answered[sender]) == turns and all(answered[sender]), answered[sender]
        state = tracker(survivor, sender)
        assert user_turns(state) == questions[:turns], user_turns(state)
        assert all(replies_after_each_turn(state)), replies_after_each_turn(state)
    print(
        f"\nmessages sent more than once by the client: {sum(1 for a in attempts if a > 1)}"
        f" of {len(attempts)}; nginx log:\n{stack.nginx.log()[-1500:]}"
    )
