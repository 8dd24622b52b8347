"""The coach's SQL tracker store reads and writes what Rasa's own SQL store does, on SQLite in WAL mode."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from extensions.tracker_store import CoachSQLTrackerStore

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def run(coroutine):
    return asyncio.run(coroutine)


def turn(text: str, when: float) -> list:
    return [
        UserUttered(text, {"name": "ask_salary", "confidence": 0.9}, timestamp=when),
        ActionExecuted("action_answer_salary", timestamp=when + 0.1),
        BotUttered("Half earn more than $47,190.", timestamp=when + 0.2),
        SlotSet("scope", "Texas", timestamp=when + 0.3),
        ActionExecuted("action_listen", timestamp=when + 0.4),
    ]


@pytest.fixture
def stores(tmp_path):
    path = tmp_path / "conversations.db"
    ours = CoachSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(path))
    rasas = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(path))
    return ours, rasas, path


def two_sessions() -> DialogueStateTracker:
    tracker = DialogueStateTracker.from_events(
        "ana",
        [
            ActionExecuted("action_session_start", timestamp=1),
            SessionStarted(timestamp=1.1),
            ActionExecuted("action_listen", timestamp=1.2),
        ],
        DOMAIN.slots,
    )
    for event in (
        turn("pay in texas?", 2)
        + [
            ActionExecuted("action_session_start", timestamp=10),
            SessionStarted(timestamp=10.1),
            ActionExecuted("action_listen", timestamp=10.2),
        ]
        + turn("and ohio?", 11)
    ):
        tracker.update(event)
    return tracker


def test_what_ours_writes_rasas_reads_and_the_other_way(stores):
    ours, rasas, _ = stores
    tracker = two_sessions()
    run(ours.save(tracker))
    assert list(run(rasas.retrieve_full_tracker("ana")).events) == list(tracker.events)
    assert list(run(rasas.retrieve("ana")).events) == list(run(ours.retrieve("ana")).events)

    other = DialogueStateTracker.from_events("ben", turn("hi", 1), DOMAIN.slots)
    run(rasas.save(other))
    assert list(run(ours.retrieve("ben")).events) == list(other.events)


def test_only_the_latest_session_is_read_unless_the_full_tracker_is_asked_for(stores):
    ours, _, _ = stores
    tracker = two_sessions()
    run(ours.save(tracker))
    latest = list(run(ours.retrieve("ana")).events)
    assert isinstance(latest[0], SessionStarted) and latest[0].timestamp == 10.1
    assert [e.text for e in latest if isinstance(e, UserUttered)] == ["and ohio?"]
    assert list(run(ours.retrieve_full_tracker("ana")).events) == list(tracker.events)
    assert run(ours.retrieve("nobody")) is None


def stored_rows(path: Path) -> list:
    with sqlite3.connect(path) as db:
        return db.execute(
            "select sender_id, type_name, intent_name, action_name, data from events order by id"
        ).fetchall()


@pytest.mark.parametrize("store_class", [CoachSQLTrackerStore, SQLTrackerStore])
def test_a_turn_saved_after_reading_adds_only_its_own_events(tmp_path, store_class):
    store = store_class(DOMAIN, dialect="sqlite", db=str(tmp_path / "c.db"))
    run(store.save(two_sessions()))
    before = len(stored_rows(tmp_path / "c.db"))
    tracker = run(store.retrieve("ana"))  # the latest session, as the processor reads it
    run(store.save(tracker))  # nothing new
    for event in turn("and hawaii?", 20):
        tracker.update(event)
    run(store.save(tracker))
    assert len(stored_rows(tmp_path / "c.db")) == before + 5


def test_the_rows_are_the_ones_rasas_store_writes(tmp_path):
    for store_class, name in ((CoachSQLTrackerStore, "ours.db"), (SQLTrackerStore, "rasas.db")):
        store = store_class(DOMAIN, dialect="sqlite", db=str(tmp_path / name))
        run(store.save(two_sessions()))
        tracker = run(store.retrieve("ana"))
        for event in turn("and hawaii?", 20):
            tracker.update(event)
        run(store.save(tracker))
    assert stored_rows(tmp_path / "ours.db") == stored_rows(tmp_path / "rasas.db")


def test_the_sqlite_file_is_in_wal_mode(stores):
    ours, _, path = stores
    run(ours.save(two_sessions()))
    with sqlite3.connect(path) as db:
        assert db.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_a_message_reuses_the_pooled_sqlite_connection_and_sees_other_writers(tmp_path):
    import sqlalchemy as sa

    path = tmp_path / "conversations.db"
    reader = CoachSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(path))
    writer = CoachSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(path))  # another worker
    opened = []
    sa.event.listen(reader.engine, "connect", lambda *_: opened.append(1))
    tracker = DialogueStateTracker.from_events("ana", [ActionExecuted("action_listen", timestamp=1)], DOMAIN.slots)
    for step in range(3):
        for event in turn(f"question {step}", 2 + step):
            tracker.update(event)
        run(writer.save(tracker))
        read = run(reader.retrieve("ana"))
        assert [e.text for e in read.events if isinstance(e, UserUttered)] == [f"question {n}" for n in range(step + 1)]
        run(reader.save(read))  # nothing new: adds no row
    assert len(opened) == 1
    with sqlite3.connect(path) as db:
        assert db.execute("select count(*) from events").fetchone()[0] == 1 + 3 * 5


def test_a_remembered_conversation_reads_as_a_fresh_store_reads_it_and_costs_one_small_query(tmp_path):
    import sqlalchemy as sa

    path = tmp_path / "conversations.db"
    ours = CoachSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(path))
    statements = []
    sa.event.listen(ours.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    tracker = DialogueStateTracker.from_events(
        "ana",
        [
            ActionExecuted("action_session_start", timestamp=1),
            SessionStarted(timestamp=1.1),
            ActionExecuted("action_listen", timestamp=1.2),
        ],
        DOMAIN.slots,
    )
    run(ours.save(tracker))
    for step in range(4):
        tracker = run(ours.retrieve("ana"))
        for event in turn(f"question {step}", 2 + step):
            tracker.update(event)
        statements.clear()
        run(ours.save(tracker))
        fresh = run(CoachSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(path)).retrieve("ana"))
        statements.clear()
        again = run(ours.retrieve("ana"))
        assert [e.as_dict() for e in again.events] == [e.as_dict() for e in fresh.events]
        assert again.current_state() == fresh.current_state()
        queries = [s for s in statements if s.startswith("SELECT")]
        assert len(queries) == 1 and "max(events.id)" in queries[0]  # no event read again
    with sqlite3.connect(path) as db:
        assert db.execute("select count(*) from events").fetchone()[0] == 3 + 4 * 5


def test_a_new_session_is_read_again_not_added_to_the_remembered_one(stores):
    ours, rasas, _ = stores
    run(ours.save(two_sessions()))
    tracker = run(ours.retrieve("ana"))
    for event in [
        ActionExecuted("action_session_start", timestamp=20),
        SessionStarted(timestamp=20.1),
        ActionExecuted("action_listen", timestamp=20.2),
    ] + turn("and hawaii?", 21):
        tracker.update(event)
    run(ours.save(tracker))
    read = run(ours.retrieve("ana"))
    assert [e.text for e in read.events if isinstance(e, UserUttered)] == ["and hawaii?"]
    assert [e.as_dict() for e in read.events] == [e.as_dict() for e in run(rasas.retrieve("ana")).events]
