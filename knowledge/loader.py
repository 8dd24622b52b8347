"""Builds the knowledge database from the curated files.

`python -m knowledge.loader` reads and validates every file first; only when all of them
are sound does it replace the database's content, in one transaction, so a malformed file
never leaves a half-loaded store. Building twice gives the same content.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List, Optional, Union

from sqlalchemy import create_engine, delete
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session

from knowledge.models import Base, Fact, FactEntry, Source
from knowledge.schema import FACTS_DIR, SOURCES_FILE, FactRecord, KnowledgeError, load_facts, load_sources

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_DIR / "build" / "knowledge.db"


def database_url() -> str:
    """The knowledge store's SQLAlchemy URL: $KNOWLEDGE_DB_URL, or a SQLite file in build/."""
    return os.environ.get("KNOWLEDGE_DB_URL") or f"sqlite:///{DEFAULT_DB_PATH}"


def masked_url(url: Union[str, URL]) -> str:
    """A database URL fit to print or log: its password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(a database URL that cannot be read)"


def make_engine(url: Optional[str] = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
    # pool_pre_ping: a database server that restarted costs no question (a stale pooled
    # connection is replaced before use instead of failing the first query).
    return create_engine(url, future=True, pool_pre_ping=True)


def _rows(fact: FactRecord) -> Fact:
    entries = [FactEntry(kind="item", position=i, text=t) for i, t in enumerate(fact.items)]
    entries += [FactEntry(kind="point", position=i, text=t) for i, t in enumerate(fact.points)]
    return Fact(
        id=fact.id,
        topic=fact.topic,
        aspect=fact.aspect,
        measure=fact.measure,
        value=fact.value,
        value_max=fact.value_max,
        unit=fact.unit,
        scope_type=fact.scope_type,
        scope_name=fact.scope_name,
        period=fact.period,
        year=fact.year,
        answer=fact.answer,
        seq=fact.seq,
        source_key=fact.source,
        entries=entries,
    )


def build(
    url: Optional[str] = None,
    facts_dir: Path = FACTS_DIR,
    sources_file: Path = SOURCES_FILE,
) -> List[FactRecord]:
    """Validates the files, then replaces the store's content with them atomically."""
    sources = load_sources(sources_file)
    facts = load_facts(facts_dir, sources)  # raises KnowledgeError before anything is written
    engine = make_engine(url)
    try:
        Base.metadata.create_all(engine)
        with Session(engine) as session, session.begin():
            session.execute(delete(FactEntry))
            session.execute(delete(Fact))
            session.execute(delete(Source))
            session.add_all(Source(key=s.key, file=s.file, title=s.title, period=s.period) for s in sources.values())
            session.flush()
            session.add_all(_rows(f) for f in facts)
    finally:
        engine.dispose()
    return facts


def main() -> int:
    try:
        facts = build()
    except KnowledgeError as error:
        print("knowledge: not loaded, the files have problems:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    topics = sorted({f.topic for f in facts})
    print(f"knowledge: {len(facts)} facts in {len(topics)} topics -> {masked_url(database_url())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
