"""Retention: `make prune` (python -m extensions.retention) deletes conversations and feedback older
than $RETENTION_DAYS, whole conversations or whole earlier sessions, and leaves a conversation
in use readable and writable as it was."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import List

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text

from extensions.retention import DEFAULT_RETENTION_DAYS, main, prune_conversations, retention_days
from extensions.tracker_store import CoachSQLTrackerStore
from feedback.store import FeedbackStore
from tests.servers import local_endpoints

DAY = 86_400
NOW = time.time()
DOMAIN = Domain.from_yaml("version: '3.1'\nintents: [greet]\nresponses:\n  utter_hi:\n  - text: hi\n")


def session(days_ago: float, *said: str, length_days: float = 0.0) -> List[Event]:
    """A session as Rasa records it, started `days_ago`; its messages spread over `length_days`."""
    start = NOW - days_ago * DAY
    events: List[Event] = [
        SessionStarted(timestamp=start),
        ActionExecuted("action_session_start", timestamp=start + 0.01),
        ActionExecuted("action_listen", timestamp=start + 0.02),
    ]
    step = length_days * DAY / max(len(said), 1)
    for number, words in enumerate(said, 1):
        at = start + number * step if length_days else start + number
        events += [
            UserUttered(words, {"name": "greet", "confidence": 1.0}, timestamp=at),
            BotUttered(f"reply to {words}", timestamp=at + 0.5),
            ActionExecuted("action_listen", timestamp=at + 0.6),
        ]
    return events


def save(store: CoachSQLTrackerStore, sender: str, events: List[Event]) -> None:
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events, DOMAIN.slots)))


def texts(store: CoachSQLTrackerStore, sender: str, all_sessions: bool = True) -> List[str]:
    tracker = asyncio.run(store.retrieve_full_tracker(sender) if all_sessions else store.retrieve(sender))
    return [e.text for e in tracker.events if isinstance(e, UserUttered)] if tracker else []


@pytest.fixture
def store(tmp_path: Path):
    conversations = CoachSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "conversations.db"))
    yield conversations
    conversations.engine.dispose()


@pytest.fixture
def conversations(store):
    save(store, "old", session(200, "old question"))
    save(store, "in use", session(200, "first visit") + session(100, "second visit") + session(1, "today"))
    # Its latest session began before the cut-off and went on after it: kept whole.
    save(store, "long session", session(120, "long ago") + session(95, "began", "went on", length_days=94))
    save(store, "recent", session(3, "this week") + session(1, "yesterday"))
    return store


def test_old_conversations_and_old_sessions_go_whole_and_the_rest_stays(conversations):
    pruned = prune_conversations(conversations, NOW - 90 * DAY)
    assert pruned.conversations == 1
    assert texts(conversations, "old") == []
    assert texts(conversations, "in use") == ["today"]
    assert texts(conversations, "long session") == ["began", "went on"]
    assert texts(conversations, "recent") == ["this week", "yesterday"]


def test_a_conversation_in_use_reads_and_writes_as_before(conversations):
    before = asyncio.run(conversations.retrieve("in use"))
    prune_conversations(conversations, NOW - 90 * DAY)
    after = asyncio.run(conversations.retrieve("in use"))
    assert [e.as_dict() for e in after.events] == [e.as_dict() for e in before.events]
    after.update(UserUttered("next question", {"name": "greet", "confidence": 1.0}))
    asyncio.run(conversations.save(after))
    assert texts(conversations, "in use") == ["today", "next question"]


def test_a_turn_that_read_a_conversation_before_it_was_pruned_writes_its_session_back(conversations):
    tracker = asyncio.run(conversations.retrieve("old"))
    prune_conversations(conversations, NOW - 90 * DAY)
    tracker.update(UserUttered("back after months", {"name": "greet", "confidence": 1.0}))
    asyncio.run(conversations.save(tracker))
    assert texts(conversations, "old") == ["old question", "back after months"]


def _feedback(url: str) -> None:
    FeedbackStore(url).ensure_tables()
    engine = create_engine(url)
    with engine.begin() as connection:
        for days_ago, words in ((200, "old question"), (89, "recent question")):
            at = datetime.utcnow() - timedelta(days=days_ago)
            connection.execute(
                text(
                    "INSERT INTO feedback_unanswered (asked_at, text, normalized, reason) "
                    "VALUES (:at, :q, :q, 'out of scope')"
                ),
                {"at": at, "q": words},
            )
            connection.execute(
                text("INSERT INTO feedback_ratings (rated_at, rating, question) VALUES (:at, 'up', :q)"),
                {"at": at, "q": words},
            )
    engine.dispose()


def _remaining(url: str) -> List[tuple]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = [
            tuple(r)
            for r in connection.execute(
                text(
                    "SELECT 'question', text FROM feedback_unanswered "
                    "UNION ALL SELECT 'rating', question FROM feedback_ratings"
                )
            )
        ]
    engine.dispose()
    return sorted(rows)


def test_make_prune_deletes_old_conversations_and_feedback(conversations, tmp_path, monkeypatch, capsys):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(local_endpoints(tmp_path / "conversations.db"))
    knowledge = f"sqlite:///{tmp_path / 'knowledge.db'}"
    _feedback(knowledge)
    monkeypatch.setenv("KNOWLEDGE_DB_URL", knowledge)
    monkeypatch.setenv("RETENTION_DAYS", "90")
    assert main(["--endpoints", str(endpoints)]) == 0
    assert "1 deleted whole" in capsys.readouterr().out
    assert _remaining(knowledge) == [("question", "recent question"), ("rating", "recent question")]
    assert texts(conversations, "old") == [] and texts(conversations, "in use") == ["today"]


def test_the_retention_defaults_to_90_days_and_refuses_nonsense(monkeypatch, capsys):
    monkeypatch.delenv("RETENTION_DAYS", raising=False)
    assert retention_days() == DEFAULT_RETENTION_DAYS == 90
    monkeypatch.setenv("RETENTION_DAYS", "0")
    with pytest.raises(SystemExit):
        main([])
    assert "at least 1" in capsys.readouterr().err


@pytest.fixture(scope="module")
def postgres():
    from tests.production.stack import Postgres

    server = Postgres().start()
    server.create_database("conversations")
    yield server
    server.remove()


def test_on_postgresql_a_prune_waits_for_the_turn_being_saved(postgres):
    """A turn saves by counting its session's stored events, then adding the rest, in one
    transaction. A prune between the two would leave the conversation with only the new events;
    it waits for the turn instead, and then finds the conversation active."""
    store = CoachSQLTrackerStore(DOMAIN, host=postgres.url("conversations"))
    try:
        save(store, "back after months", session(200, "old question"))
        events = store.SQLEvent.__table__
        turn = store.engine.connect()
        saving = turn.begin()
        turn.execute(sa.select(sa.func.count()).select_from(events).where(events.c.sender_id == "back after months"))
        pruning = threading.Thread(target=prune_conversations, args=(store, NOW - 90 * DAY))
        pruning.start()
        _wait_for_a_waiting_lock(store)
        turn.execute(
            sa.insert(events),
            {
                "sender_id": "back after months",
                "type_name": "user",
                "timestamp": NOW,
                "data": json.dumps(UserUttered("hello again", timestamp=NOW).as_dict()),
            },
        )
        saving.commit()
        turn.close()
        pruning.join()
        with store.session_scope() as db:
            kept = (
                db.execute(sa.select(events.c.type_name).where(events.c.sender_id == "back after months"))
                .scalars()
                .all()
            )
        assert "session_started" in kept and kept.count("user") == 2
    finally:
        store.engine.dispose()


def _wait_for_a_waiting_lock(store: CoachSQLTrackerStore) -> None:
    """Until the prune's lock request waits for the open transaction (seen in pg_locks)."""
    for _ in range(600):
        with store.engine.connect() as connection:
            if connection.execute(sa.text("SELECT count(*) FROM pg_locks WHERE NOT granted")).scalar():
                return
        time.sleep(0.1)
    raise AssertionError("the prune never waited for the open transaction")
