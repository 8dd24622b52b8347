"""Rasa's SQL tracker store, with connections checked before use and SQLite in WAL mode.

- After the database restarts, every pooled connection is dead. Rasa's own SQL tracker store
  would fail once per dead connection (each Rasa server's next turn gets a 503, and the HTTP
  API's next read an empty conversation); checking a connection before handing it out
  (SQLAlchemy's pool pre-ping, one `SELECT 1`) replaces a dead one instead.
- On SQLite (the default, `build/conversations.db`), connections are kept in a small pool
  (SQLAlchemy's default for a file opens and closes one per transaction). Rasa leaves the
  journal in its default mode, where a write locks out every reader and each commit waits for the disk twice. With
  two Sanic workers on one file, the workers then spend their time waiting for each other
  (`make bench`: 32 msg/s at C = 10 with the cores half idle). Write-ahead logging lets
  readers go on while one writer commits, and `synchronous=NORMAL` syncs the log at
  checkpoints instead of at every commit: a crash or restart of the server loses nothing
  committed; only a power cut or an OS crash could lose the last moments.

- Reading a conversation selects the stored JSON of its events with SQLAlchemy Core instead of
  building an ORM object per row, and saving inserts the new events in one statement; the
  table, the rows and which events are read (the latest session, or all for the full
  tracker) are Rasa's own, so Rasa's tools read the same database.
- Each process remembers the latest session of the conversations it read or wrote last (up to
  REMEMBERED_CONVERSATIONS), with the id of the last stored event. A turn then reads only that
  id (one indexed `max`): unchanged, the remembered events are the conversation; changed
  (another worker wrote a turn), the events are read again. A new session is always read again.
- A save never drops an event. Rasa's store counts the events stored and inserts the tracker's
  events past that count; when two turns of one conversation overlap (a lock that expired, a
  turn sent to two workers) the later save counts the other turn's events as its own and its
  message and reply vanish. Here a save whose tracker starts where the remembered conversation
  ends appends its new events; any other save (a stale tracker, a conversation another worker
  wrote) compares its events with the stored ones (type and timestamp) and inserts only the
  missing ones, after the other turn's: both turns are kept, in the order they were saved.
- The database work runs on one thread of its own, never on the event loop, so a database that
  another program holds locked costs the waiting turn, not every conversation of the worker;
  on SQLite the wait is BUSY_TIMEOUT_MS, after which the turn fails as a store outage (the
  channels answer "send it again", REST with a 503 and Retry-After). One thread keeps the
  process's transactions one at a time, as FileTurns expects.

endpoints.yml and deploy/endpoints.yml name it: `type: extensions.tracker_store.CoachSQLTrackerStore`.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import itertools
import json
import logging
from collections import Counter, OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, Iterator, List, Optional, Text, Tuple, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Conversations whose latest session this process keeps, to read only their last event's id.
REMEMBERED_CONVERSATIONS = 1024
# How long a statement waits for a SQLite file that another program holds locked before the turn
# fails as a store outage. The coach's own processes queue on FileTurns, not here, so only a
# foreign writer (a backup, a hand-run query) meets it; a user waits at most this long for "try again".
BUSY_TIMEOUT_MS = 2000
SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # transactions begin in _begin_immediate, not in pysqlite
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


class FileTurns:
    """One transaction at a time on a SQLite file, across the processes that share it.

    Each transaction takes an exclusive lock on `<database>.turns` as it begins and gives it
    back when it commits or rolls back. A waiting process wakes the moment the lock is free,
    where SQLite's own busy handler polls with sleeps of up to 100 ms (the long tail of
    `make bench` with two workers). The transaction then begins IMMEDIATE: a read that turns
    into a write (Rasa's save counts the stored events, then inserts) never finds the file
    changed under it by another process. The database code of Rasa's SQL store runs without
    awaiting, so one process's transactions never overlap each other.
    """

    def __init__(self, database: str):
        self.path = f"{database}.turns"
        self._file: Optional[Any] = None

    def begin(self, connection: Any) -> None:
        if self._file is None:
            self._file = open(self.path, "a")
        fcntl.flock(self._file, fcntl.LOCK_EX)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except Exception:  # e.g. "database is locked" by another program: no commit or rollback follows
            fcntl.flock(self._file, fcntl.LOCK_UN)
            raise

    def end(self, _connection: Any) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)


class CoachSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose pool replaces closed connections, and whose SQLite file is in WAL mode."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        if url.get_backend_name() == "sqlite":
            # SQLAlchemy gives a SQLite file no pool: each of a message's three transactions
            # would open the file, set the pragmas and close it again (2 ms a message).
            # A file does not go away as a server does, so no pre-ping either.
            self.engine = sa.create_engine(
                url, poolclass=sa.pool.QueuePool, pool_size=2, connect_args={"check_same_thread": False}
            )
        else:
            self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            turns = FileTurns(str(url.database))
            sa.event.listen(self.engine, "begin", turns.begin)
            sa.event.listen(self.engine, "commit", turns.end)
            sa.event.listen(self.engine, "rollback", turns.end)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._statements = self._build_statements()
        # sender id -> (the id of its last stored event, the latest session's events as dicts)
        self._sessions: "OrderedDict[Text, Tuple[int, List[Dict[str, Any]]]]" = OrderedDict()
        self._database = ThreadPoolExecutor(max_workers=1, thread_name_prefix="conversations-db")

    async def _off_the_loop(self, work: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._database, work)

    def _build_statements(self) -> Dict[str, Any]:
        """A turn's statements, built once with the sender id as a parameter: building and
        compiling them for each call cost more than running them (SQLAlchemy's cache keys)."""
        event = self.SQLEvent.__table__.c
        sender = sa.bindparam("sender_id")
        session_start = (
            sa.select(sa.func.max(event.timestamp))
            .where(event.sender_id == sender, event.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        every = sa.select(event.id, event.data).where(event.sender_id == sender)
        latest = every.where(sa.or_(event.timestamp >= session_start, session_start.is_(None)))
        return {
            "last_id": sa.select(sa.func.max(event.id)).where(event.sender_id == sender),
            "all_sessions": every.order_by(event.id),
            "latest_session": latest.order_by(event.id),
            "stored_since": sa.select(event.type_name, event.timestamp).where(
                event.sender_id == sender, event.timestamp >= sa.bindparam("since")
            ),
            "insert": sa.insert(self.SQLEvent.__table__),
        }

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Any]:
        """One transaction, committed when the block ends without an error. On SQLite a plain
        connection (its `begin` takes FileTurns' lock); elsewhere Rasa's session, which also checks
        the PostgreSQL schema that POSTGRESQL_SCHEMA names."""
        if self.engine.dialect.name == "sqlite":
            with self.engine.begin() as connection:
                yield connection
            return
        with self.session_scope() as session:
            yield session
            session.commit()

    def _events_statement(self, all_sessions: bool) -> sa.sql.Select:
        """The row id and stored JSON of a conversation's events, oldest first: Rasa's `_event_query`."""
        return self._statements["all_sessions" if all_sessions else "latest_session"]

    def _last_id(self, session: Any, sender_id: Text) -> Optional[int]:
        return session.execute(self._statements["last_id"], {"sender_id": sender_id}).scalar()

    def _remembered(self, session: Any, sender_id: Text) -> Optional[List[Dict[str, Any]]]:
        """The latest session's events as last read or written here, if no one has written since."""
        known = self._sessions.get(sender_id)
        if known is None or known[0] != self._last_id(session, sender_id):
            return None
        self._sessions.move_to_end(sender_id)
        return known[1]

    def _remember(self, sender_id: Text, last_id: Optional[int], events: List[Dict[str, Any]]) -> None:
        if last_id is None:
            self._sessions.pop(sender_id, None)
            return
        self._sessions[sender_id] = (last_id, events)
        self._sessions.move_to_end(sender_id)
        while len(self._sessions) > REMEMBERED_CONVERSATIONS:
            self._sessions.popitem(last=False)

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        events = await self._off_the_loop(lambda: self._read(sender_id, fetch_events_from_all_sessions))
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    def _read(self, sender_id: Text, all_sessions: bool) -> List[Dict[str, Any]]:
        with self._transaction() as session:
            events = None if all_sessions else self._remembered(session, sender_id)
            if events is None:
                rows = session.execute(self._events_statement(all_sessions), {"sender_id": sender_id}).all()
                events = [json.loads(row.data) for row in rows]
                if not all_sessions:
                    self._remember(sender_id, rows[-1].id if rows else None, events)
        return events

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        await self._off_the_loop(lambda: self._write(tracker))

    def _unsaved(
        self, session: Any, tracker: DialogueStateTracker, remembered: Optional[List[Dict[str, Any]]]
    ) -> List[Any]:
        """The tracker's events that are not stored yet."""
        events = tracker.events
        known = len(remembered) if remembered is not None else -1
        if 0 <= known <= len(events) and (known == 0 or _same_event(events[known - 1], remembered[-1])):
            return list(itertools.islice(events, known, None))  # the usual turn: no copy of the rest
        if not events:
            return []
        # A tracker read before another turn was saved, or one this process did not read: keep
        # every event of it that is not stored, whatever else was stored meanwhile.
        first = events[0].timestamp
        stored = Counter(
            tuple(row)
            for row in session.execute(
                self._statements["stored_since"], {"sender_id": tracker.sender_id, "since": first}
            ).all()
        )
        unsaved = []
        for event in events:
            key = (event.type_name, event.timestamp)
            if stored[key]:
                stored[key] -= 1
            else:
                unsaved.append(event)
        if remembered is not None and unsaved:
            logger.warning(
                "conversation %s: another turn was saved while this one ran; its %d new "
                "events are added after that turn's",
                tracker.sender_id,
                len(unsaved),
            )
        return unsaved

    def _write(self, tracker: DialogueStateTracker) -> None:
        sender_id = tracker.sender_id
        with self._transaction() as session:
            remembered = self._remembered(session, sender_id)
            unsaved = self._unsaved(session, tracker, remembered)
            appended = remembered is not None and len(unsaved) + len(remembered) == len(tracker.events)
            rows, added = [], []
            for event in unsaved:
                data = event.as_dict()
                stored_json = json.dumps(data)
                added.append(json.loads(stored_json))  # as a later read would give it
                rows.append(
                    {
                        "sender_id": sender_id,
                        "type_name": event.type_name,
                        "timestamp": data.get("timestamp"),
                        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                        "action_name": data.get("name"),
                        "data": stored_json,
                    }
                )
            if rows:
                session.execute(self._statements["insert"], rows)
                if appended and not any(r["type_name"] == SessionStarted.type_name for r in rows):
                    # The session read before, and what this turn added: the next turn reads no rows.
                    self._remember(sender_id, self._last_id(session, sender_id), remembered + added)
                else:
                    self._sessions.pop(sender_id, None)


def _same_event(event: Any, stored: Dict[str, Any]) -> bool:
    return event.type_name == stored.get("event") and event.timestamp == stored.get("timestamp")


# The name deploy/endpoints.yml used before SQLite got its own settings.
PrePingSQLTrackerStore = CoachSQLTrackerStore
