"""The knowledge store's queries: one small, named method per question the coach answers.

Actions call these and never write SQL. Results are plain frozen dataclasses, so nothing
outside this module holds a database session.

The facts change only when a curator reloads them (`make knowledge`), while a message asks two
or three of these queries; each builds ORM objects and their items again (some 6 ms of the
action server's 11 ms a message in `make bench`). So each answer is remembered, keyed by the
query and its arguments, until the database changes: for a SQLite file, until the file (or its
write-ahead log) has another modification time or size, checked on every query (a `stat`); for
a database server, for at most `KNOWLEDGE_CACHE_SECONDS` (60 by default; 0 turns remembering
off). An in-memory SQLite database is never remembered.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Dict, Hashable, Iterable, List, Optional, Sequence, Tuple

from sqlalchemy import func, nulls_last, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from knowledge.loader import make_engine
from knowledge.models import Fact, Source


@dataclass(frozen=True)
class SourceView:
    key: str
    title: str
    period: str


@dataclass(frozen=True)
class FactView:
    id: str
    topic: str
    aspect: str
    measure: str
    answer: str
    value: Optional[float]
    value_max: Optional[float]
    unit: Optional[str]
    scope_type: str
    scope_name: str
    period: Optional[str]
    year: Optional[int]
    items: Tuple[str, ...]
    points: Tuple[str, ...]
    source: SourceView


def _view(fact: Fact) -> FactView:
    return FactView(
        id=fact.id,
        topic=fact.topic,
        aspect=fact.aspect,
        measure=fact.measure,
        answer=fact.answer,
        value=fact.value,
        value_max=fact.value_max,
        unit=fact.unit,
        scope_type=fact.scope_type,
        scope_name=fact.scope_name,
        period=fact.period,
        year=fact.year,
        items=tuple(fact.items),
        points=tuple(fact.points),
        source=SourceView(fact.source.key, fact.source.title, fact.source.period),
    )


CACHED_ANSWERS = 1024  # distinct queries remembered (a scope name comes from what people type)
# The tables the facts are read from. The feedback tables share the database file: their writes
# change the file, not these.
KNOWLEDGE_TABLES = ("sources", "facts", "fact_entries")


class KnowledgeStore:
    """Read-only access to the curated facts."""

    def __init__(self, url: Optional[str] = None, engine: Optional[Engine] = None):
        self.engine = engine or make_engine(url)
        self._answers: "OrderedDict[Hashable, Any]" = OrderedDict()
        self._version: Any = None
        self._content: Optional[str] = None
        self._lock = threading.Lock()
        database = self.engine.url.database if self.engine.url.get_backend_name() == "sqlite" else None
        self._file = database if database and database != ":memory:" and not database.startswith("file:") else None
        self._seconds = (
            0.0
            if self.engine.url.get_backend_name() == "sqlite" and not self._file
            else float(os.environ.get("KNOWLEDGE_CACHE_SECONDS", "60"))
        )

    # -- building blocks -------------------------------------------------------------
    def _database_version(self) -> Any:
        """What changes when the facts may have: the SQLite file's state, or the time slot."""
        if self._file:
            version = []
            for path in (self._file, self._file + "-wal"):
                try:
                    found = os.stat(path)
                    version.append((found.st_mtime_ns, found.st_size, found.st_ino))
                except OSError:
                    version.append(None)
            return tuple(version)
        return int(time.monotonic() // self._seconds) if self._seconds > 0 else None

    def _content_version(self) -> str:
        """A digest of every row of the knowledge's own tables: read when the file has changed,
        which a rating or an unanswered question written to the feedback tables also does."""
        digest = hashlib.sha256()
        with self.engine.connect() as connection:
            for table in KNOWLEDGE_TABLES:
                for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY 1")):  # noqa: S608
                    digest.update(repr(tuple(row)).encode())
        return digest.hexdigest()

    def _remembered(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        if not self._file and self._seconds <= 0:
            return compute()
        version = self._database_version()
        with self._lock:
            if version != self._version:
                content = self._content_version() if self._file else None
                if content is None or content != self._content:
                    self._answers.clear()
                self._version, self._content = version, content
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
        answer = compute()
        with self._lock:
            if version == self._version:
                self._answers[key] = answer
                if len(self._answers) > CACHED_ANSWERS:
                    self._answers.popitem(last=False)
        return answer

    def _run(self, statement: Select) -> List[FactView]:
        with Session(self.engine) as session:
            return [_view(f) for f in session.scalars(statement).unique()]

    def _facts(self, key: Hashable, statement: Callable[[], Select]) -> List[FactView]:
        """The facts a statement selects, remembered (a new list each time: callers may change it)."""
        return list(self._remembered(key, lambda: tuple(self._run(statement()))))

    @staticmethod
    def _select(
        topic: Optional[str] = None,
        aspects: Optional[Iterable[str]] = None,
        scope_type: Optional[str] = None,
        scope_name: Optional[str] = None,
    ) -> Select:
        statement = select(Fact)
        if topic:
            statement = statement.where(Fact.topic == topic)
        if aspects:
            statement = statement.where(Fact.aspect.in_(list(aspects)))
        if scope_type:
            statement = statement.where(Fact.scope_type == scope_type)
        if scope_name:
            statement = statement.where(func.lower(Fact.scope_name) == scope_name.lower())
        return statement

    @staticmethod
    def _newest_first(statement: Select) -> Select:
        return statement.order_by(nulls_last(Fact.year.desc()), Fact.seq)

    # -- general ---------------------------------------------------------------------
    def topic_facts(
        self, topic: str, aspects: Optional[Sequence[str]] = None, scope_type: Optional[str] = None
    ) -> List[FactView]:
        """A topic's facts in the curators' order, optionally only some aspects or scopes."""
        key = ("topic_facts", topic, tuple(aspects) if aspects is not None else None, scope_type)
        return self._facts(key, lambda: self._select(topic, aspects, scope_type).order_by(Fact.seq))

    def scoped_facts(self, topic: str, scope_type: str, scope_name: str) -> List[FactView]:
        """What a topic says about one named thing (a state, a country, a level...), newest first."""
        return self._facts(
            ("scoped_facts", topic, scope_type, scope_name.lower()),
            lambda: self._newest_first(self._select(topic, None, scope_type, scope_name)),
        )

    def facts_by_id(self, ids: Sequence[str]) -> List[FactView]:
        """The facts with these ids, in the order asked (unknown ids are left out)."""
        found = self._remembered("facts_by_id", lambda: {f.id: f for f in self._run(select(Fact))})
        return [found[i] for i in ids if i in found]

    def facts_with_values(self) -> List[FactView]:
        """Every fact that carries a figure (value), newest first."""
        return self._facts("facts_with_values", lambda: self._newest_first(select(Fact).where(Fact.value.is_not(None))))

    def facts_about(self, scope_type: str, scope_name: str) -> List[FactView]:
        """Every fact, of any topic, scoped to one named thing."""
        return self._facts(
            ("facts_about", scope_type, scope_name.lower()),
            lambda: self._newest_first(self._select(None, None, scope_type, scope_name)),
        )

    def scope_names(self, topic: str, scope_type: str) -> List[str]:
        """The names a topic has facts for, in the curators' order (e.g. the states with pay data)."""
        statement = (
            select(Fact.scope_name, func.min(Fact.seq).label("first"))
            .where(Fact.topic == topic, Fact.scope_type == scope_type)
            .group_by(Fact.scope_name)
            .order_by("first")
        )

        def names() -> Tuple[str, ...]:
            with Session(self.engine) as session:
                return tuple(row.scope_name for row in session.execute(statement))

        return list(self._remembered(("scope_names", topic, scope_type), names))

    def sources(self) -> List[SourceView]:
        with Session(self.engine) as session:
            return [SourceView(s.key, s.title, s.period) for s in session.scalars(select(Source).order_by(Source.key))]

    def fact_counts(self) -> Dict[str, int]:
        """How many facts each topic has."""
        statement = select(Fact.topic, func.count()).group_by(Fact.topic).order_by(Fact.topic)
        with Session(self.engine) as session:
            return {topic: count for topic, count in session.execute(statement)}


class KnowledgeUnavailable(RuntimeError):
    """The knowledge database is missing, empty or unreadable."""


def open_store(url: Optional[str] = None) -> KnowledgeStore:
    """A store whose database has been checked to hold facts; raises KnowledgeUnavailable."""
    from knowledge.loader import database_url

    url = url or database_url()
    store = KnowledgeStore(url)
    shown = repr(make_url(url))  # the URL with any password hidden, for logs and errors
    try:
        counts = store.fact_counts()
    except Exception as error:  # any driver error means the same thing to the operator
        raise KnowledgeUnavailable(
            f"the knowledge database at {shown} cannot be read ({error.__class__.__name__}); "
            "build it with `make knowledge`"
        ) from error
    if not counts:
        raise KnowledgeUnavailable(f"the knowledge database at {shown} holds no facts; build it with `make knowledge`")
    return store
