"""Two turns of one conversation that overlap keep both turns' events, and a retry sent while
the first request is still running is taken once.

The unit tests show each part alone (the tracker store's save, the lock's tickets); the last two
send the overlapping turns and the concurrent retries over REST to real servers whose action
calls are slowed down by a proxy, so that the turns overlap for certain.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from extensions.locks import CoachInMemoryLockStore
from extensions.tracker_store import CoachSQLTrackerStore
from tests.servers import Servers, free_port, get, local_endpoints

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def turn(text: str, when: float) -> list:
    return [
        UserUttered(text, {"name": "ask_salary", "confidence": 0.9}, timestamp=when),
        ActionExecuted("action_answer_salary", timestamp=when + 0.1),
        BotUttered(f"the answer to {text}", timestamp=when + 0.2),
        ActionExecuted("action_listen", timestamp=when + 0.3),
    ]


def user_texts(tracker: DialogueStateTracker) -> list:
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


def opening(store: CoachSQLTrackerStore) -> None:
    tracker = DialogueStateTracker.from_events(
        "ana", [ActionExecuted("action_listen", timestamp=1)] + turn("hello", 2), DOMAIN.slots
    )
    asyncio.run(store.save(tracker))


@pytest.mark.parametrize("workers", [1, 2])
def test_a_stale_save_keeps_the_other_turns_events_and_its_own(tmp_path, workers):
    """Turns A and B read the same conversation; B is saved first, then A: all three turns stay."""
    path = str(tmp_path / "conversations.db")
    stores = [CoachSQLTrackerStore(DOMAIN, dialect="sqlite", db=path) for _ in range(workers)]
    opening(stores[0])
    first, second = stores[0], stores[-1]
    a = asyncio.run(first.retrieve("ana"))
    b = asyncio.run(second.retrieve("ana"))
    for event in turn("what do they earn", 10):
        a.update(event)
    for event in turn("how long is school", 11):
        b.update(event)
    asyncio.run(second.save(b))
    asyncio.run(first.save(a))
    asyncio.run(first.save(a))  # saved again: nothing doubled
    stored = asyncio.run(CoachSQLTrackerStore(DOMAIN, dialect="sqlite", db=path).retrieve("ana"))
    assert sorted(user_texts(stored)) == ["hello", "how long is school", "what do they earn"]
    assert len(stored.events) == 1 + 3 * 4
    bot = [e.text for e in stored.events if isinstance(e, BotUttered)]
    assert "the answer to what do they earn" in bot and "the answer to how long is school" in bot


def test_two_new_conversations_saved_at_once_keep_both_turns(tmp_path):
    """Neither tracker was read from the store (a new conversation): the second save keeps its events."""
    path = str(tmp_path / "conversations.db")
    store = CoachSQLTrackerStore(DOMAIN, dialect="sqlite", db=path)
    a = DialogueStateTracker.from_events("ben", turn("first", 5), DOMAIN.slots)
    b = DialogueStateTracker.from_events("ben", turn("second", 6), DOMAIN.slots)
    asyncio.run(store.save(b))
    asyncio.run(store.save(a))
    assert sorted(user_texts(asyncio.run(store.retrieve("ben")))) == ["first", "second"]


async def _overlap(store, lifetime: float) -> list:
    order = []

    async def holder():
        async with store.lock("ana", lock_lifetime=lifetime):
            order.append("A takes the lock")
            await asyncio.sleep(lifetime * 4)  # a slow action: longer than the lock's lifetime
            order.append("A gives it back")

    async def waiter():
        await asyncio.sleep(lifetime / 5)
        async with store.lock("ana", lock_lifetime=lifetime, wait_time_in_seconds=lifetime / 8):
            order.append("B takes the lock")

    await asyncio.gather(holder(), waiter())
    return order


def test_a_turn_longer_than_the_lock_lifetime_keeps_the_conversation_to_itself():
    order = asyncio.run(_overlap(CoachInMemoryLockStore(), lifetime=0.4))
    assert order == ["A takes the lock", "A gives it back", "B takes the lock"]


def test_rasas_own_lock_store_lets_the_second_turn_in_while_the_first_runs():
    """What the renewal mends (the same scenario on Rasa's lock store)."""
    order = asyncio.run(_overlap(InMemoryLockStore(), lifetime=0.4))
    assert order.index("B takes the lock") < order.index("A gives it back")


def test_a_dead_holder_frees_the_conversation_within_one_lifetime():
    """Renewal lasts only while the turn runs: a ticket nobody renews expires as before."""
    store = CoachInMemoryLockStore()
    ticket = store.issue_ticket("ana", 0.2)  # taken by a server that then died
    time.sleep(0.3)
    assert not store.renew("ana", ticket, 0.2)
    assert asyncio.run(_take(store)) == "taken"


async def _take(store) -> str:
    async with store.lock("ana", lock_lifetime=5):
        return "taken"


# --- over REST, against real servers with slow action calls ----------------------------------

ACTION_DELAY = 2.5  # seconds each action call is held: longer than the servers' lock lifetime
LOCK_LIFETIME = 1  # seconds (TICKET_LOCK_LIFETIME); Rasa's default is 60


class SlowActions:
    """An HTTP proxy in front of the action server that holds every call ACTION_DELAY seconds."""

    def __init__(self, port: int, target_port: int):
        target = f"http://127.0.0.1:{target_port}"

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(ACTION_DELAY)
                request = urllib.request.Request(
                    target + self.path, data=body, headers={"Content-Type": "application/json"}
                )
                with urllib.request.urlopen(request, timeout=60) as response:
                    payload = response.read()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


@pytest.fixture(scope="module")
def slow_coach(tmp_path_factory, knowledge_url):
    """The coach with its conversations in SQLite, a 1 s lock lifetime and 2.5 s action calls."""
    work = tmp_path_factory.mktemp("slow-servers")
    proxy_port = free_port()
    endpoints = local_endpoints(work / "conversations.db", f"http://127.0.0.1:{proxy_port}/webhook")
    servers = Servers(work, knowledge_url, endpoints=endpoints, env={"TICKET_LOCK_LIFETIME": str(LOCK_LIFETIME)})
    servers.start_actions()
    proxy = SlowActions(proxy_port, servers.actions_port)
    try:
        servers.start_rasa()
        yield servers.coach
    finally:
        servers.stop()
        proxy.stop()


def send_at_once(coach, bodies: list) -> list:
    """Sends each body from its own thread, 0.3 s apart (all while the first is running)."""
    results = [None] * len(bodies)

    def send(i):
        results[i] = coach.raw(json.dumps(bodies[i]).encode())

    threads = []
    for i in range(len(bodies)):
        threads.append(threading.Thread(target=send, args=(i,)))
        threads[-1].start()
        time.sleep(0.3)
    for thread in threads:
        thread.join(120)
    return results


def stored(coach, sender: str) -> list:
    status, body = get(f"{coach.url}/conversations/{sender}/tracker", timeout=30)
    assert status == 200
    return json.loads(body)["events"]


def test_overlapping_turns_over_rest_are_both_kept(slow_coach):
    sender = uuid.uuid4().hex
    questions = ["what does a medical records technician earn", "how long does the training take"]
    results = send_at_once(slow_coach, [{"sender": sender, "message": q} for q in questions])
    for status, body in results:
        assert status == 200 and json.loads(body), (status, body[:300])
    events = stored(slow_coach, sender)
    said = [e["text"] for e in events if e["event"] == "user"]
    assert sorted(said) == sorted(questions)
    for question in questions:  # each question is followed by a reply before the next question
        after = events[[e.get("text") for e in events].index(question) + 1 :]
        until_next = next((i for i, e in enumerate(after) if e["event"] == "user"), len(after))
        assert any(e["event"] == "bot" for e in after[:until_next]), question


def test_a_retry_sent_while_the_first_request_runs_is_taken_once(slow_coach):
    sender = uuid.uuid4().hex
    body = {"sender": sender, "message": "what does a medical records technician earn", "message_id": uuid.uuid4().hex}
    first, retry = send_at_once(slow_coach, [body, body])
    assert first[0] == retry[0] == 200
    assert json.loads(first[1]) and json.loads(retry[1]) == json.loads(first[1])
    events = stored(slow_coach, sender)
    assert [e.get("message_id") for e in events if e["event"] == "user"] == [body["message_id"]]
