"""How long the coach keeps what people said: conversations and feedback older than
$RETENTION_DAYS (90 by default) are deleted by `make prune` (`python -m extensions.retention`).

Conversations (the SQL tracker store's `events` table, named by the endpoints file) go whole:
- a conversation whose newest event is older than the cut-off is deleted with all its events;
- in a conversation still in use, each session before the one that holds its first event since
  the cut-off is deleted whole (all their events are older). The latest session, the one Rasa
  reads and appends to, is never touched, so a conversation's running session stays as it was.
Nothing is ever cut out of the middle of a session.

A turn saves by counting the stored events of its session and adding the rest; a conversation
deleted between the count and the insert would keep only the new events. So conversations are
deleted while no turn's transaction is open: on SQLite in the tracker store's own one-at-a-time
transaction (extensions/tracker_store.py, FileTurns), on PostgreSQL under an exclusive lock of the
table, held for one short DELETE of up to 500 conversations found inactive beforehand and
checked again under the lock. Earlier sessions need no lock (a turn counts and adds to its
latest session only). A turn that read a conversation before it was deleted writes its whole
session back.

The feedback tables (feedback/store.py) lose their rows older than the cut-off.

    python -m extensions.retention [--days N] [--endpoints endpoints.yml]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, List, Optional

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from knowledge.loader import masked_url

# Long enough for curators to read a quarter's unanswered questions and ratings; conversations
# older than that have no use to the coach (a session expires after an hour).
DEFAULT_RETENTION_DAYS = 90
ENDPOINTS = "endpoints.yml"
SECONDS_A_DAY = 86_400


def retention_days(value: Optional[str] = None) -> int:
    """$RETENTION_DAYS (or `value`) as a whole number of days, at least 1."""
    raw = value if value is not None else os.environ.get("RETENTION_DAYS") or str(DEFAULT_RETENTION_DAYS)
    try:
        days = int(raw)
    except ValueError:
        raise ValueError(f"RETENTION_DAYS must be a whole number of days, not {raw!r}") from None
    if days < 1:
        raise ValueError(f"RETENTION_DAYS must be at least 1, not {days}")
    return days


@dataclass(frozen=True)
class Pruned:
    conversations: int  # deleted whole
    session_events: int  # events of earlier sessions deleted from conversations still in use


# Conversations deleted a statement at a time: bounds the statement's parameters.
SENDERS_A_STATEMENT = 500


def prune_conversations(store: Any, cutoff: float) -> Pruned:
    """Deletes from a Rasa SQL tracker store the conversations last active before `cutoff`
    (a Unix time), and the earlier sessions of the others that ended before it."""
    events = store.SQLEvent.__table__
    with store.session_scope() as session:
        candidates = [row[0] for row in session.execute(_inactive_since(events, cutoff))]
    deleted = 0
    for start in range(0, len(candidates), SENDERS_A_STATEMENT):
        deleted += _delete_inactive(store, candidates[start : start + SENDERS_A_STATEMENT], cutoff)
    # No lock needed: a turn counts and adds to its latest session only, which stays.
    with store.session_scope() as session:
        earlier = session.execute(
            sa.delete(events).where(events.c.timestamp < _latest_old_session_start(events, cutoff))
        ).rowcount
        session.commit()
    return Pruned(deleted, earlier)


def _inactive_since(events: sa.Table, cutoff: float, senders: Optional[List[str]] = None) -> sa.sql.Select:
    statement = sa.select(events.c.sender_id)
    if senders is not None:
        statement = statement.where(events.c.sender_id.in_(senders))
    return statement.group_by(events.c.sender_id).having(sa.func.max(events.c.timestamp) < cutoff)


def _delete_inactive(store: Any, senders: List[str], cutoff: float) -> int:
    """Deletes those of `senders` still inactive, while no turn is being saved (see the module)."""
    events = store.SQLEvent.__table__
    with store.session_scope() as session:
        if store.engine.dialect.name == "postgresql":
            session.execute(sa.text(f"LOCK TABLE {events.name} IN ACCESS EXCLUSIVE MODE"))
        still = [row[0] for row in session.execute(_inactive_since(events, cutoff, senders))]
        if still:
            session.execute(sa.delete(events).where(events.c.sender_id.in_(still)))
        session.commit()
    return len(still)


def _latest_old_session_start(events: sa.Table, cutoff: float) -> Any:
    """For each conversation, where the session holding its first event since the cut-off starts
    (Rasa's own session boundary: the session_started event): every event before it belongs to
    an earlier session, all of whose events are older than the cut-off."""
    recent, starts = events.alias("recent"), events.alias("starts")
    first_recent = (
        sa.select(sa.func.min(recent.c.timestamp))
        .where(recent.c.sender_id == events.c.sender_id, recent.c.timestamp >= cutoff)
        .correlate(events)
        .scalar_subquery()
    )
    return (
        sa.select(sa.func.max(starts.c.timestamp))
        .where(
            starts.c.sender_id == events.c.sender_id,
            starts.c.type_name == "session_started",
            starts.c.timestamp <= first_recent,
        )
        .correlate(events)
        .scalar_subquery()
    )


def tracker_store(endpoints: str) -> Any:
    """The SQL tracker store the endpoints file names (env variables expanded as Rasa does)."""
    from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
    from rasa.utils.endpoints import read_endpoint_config

    config = read_endpoint_config(endpoints, "tracker_store")
    store = TrackerStore.create(config) if config else None
    while store is not None and not isinstance(store, SQLTrackerStore) and hasattr(store, "_tracker_store"):
        store = store._tracker_store  # Rasa's awaitable wrapper
    if not isinstance(store, SQLTrackerStore):
        raise ValueError(f"{endpoints} names no SQL tracker store: only SQL conversations can be pruned here")
    return store


def _prune_conversations(endpoints: str, cutoff: float, days: int) -> str:
    from rasa.shared.exceptions import ConnectionException

    store = None
    try:
        store = tracker_store(endpoints)
        pruned = prune_conversations(store, cutoff)
    except (SQLAlchemyError, ConnectionException) as error:
        where = masked_url(store.engine.url) if store is not None else f"the store {endpoints} names"
        raise PruneError(f"the conversations at {where}", error) from error
    finally:
        if store is not None:
            store.engine.dispose()
    return (
        f"conversations: {pruned.conversations} deleted whole, {pruned.session_events} events of "
        f"sessions ended more than {days} days ago deleted"
    )


def _prune_feedback(cutoff: datetime, days: int) -> str:
    from feedback.store import FeedbackStore

    store = FeedbackStore()
    try:
        questions, ratings = store.prune(cutoff)
    except (SQLAlchemyError, OSError) as error:
        raise PruneError(f"the feedback at {masked_url(store.url)}", error) from error
    finally:
        store.dispose()
    return f"feedback: {questions} unanswered questions and {ratings} ratings older than {days} days deleted"


class PruneError(RuntimeError):
    def __init__(self, what: str, error: Exception):
        first_line = (str(error).splitlines() or [""])[0]
        super().__init__(f"{what} could not be pruned ({error.__class__.__name__}: {first_line})")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extensions.retention", description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", help=f"keep this many days (default $RETENTION_DAYS or {DEFAULT_RETENTION_DAYS})")
    parser.add_argument("--endpoints", default=ENDPOINTS, help=f"the endpoints file (default {ENDPOINTS})")
    args = parser.parse_args(argv)
    try:
        days = retention_days(args.days)
    except ValueError as error:
        parser.error(str(error))
    now = time.time()
    try:
        print(_prune_conversations(args.endpoints, now - days * SECONDS_A_DAY, days))
        cutoff = datetime.fromtimestamp(now, timezone.utc).replace(tzinfo=None) - timedelta(days=days)
        print(_prune_feedback(cutoff, days))
    except (PruneError, ValueError, OSError) as error:
        print(f"prune: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
