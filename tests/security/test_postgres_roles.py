"""The deployment's database roles (deploy/postgres-init.sql, run for real by psql on a throwaway
PostgreSQL cluster): each service can do its own work and nothing more, and none is a superuser."""

from __future__ import annotations

import os
import subprocess
from typing import TYPE_CHECKING, Dict, Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from tests.servers import ROOT

if TYPE_CHECKING:
    from tests.production.stack import Postgres

PASSWORDS = {
    "TRACKER_DB_PASSWORD": "tracker-pw-0123456789",
    "ACTIONS_DB_PASSWORD": "actions-pw-0123456789",
    "KNOWLEDGE_LOADER_DB_PASSWORD": "loader-pw-0123456789",
}
ROLES = ("coach_tracker", "coach_loader", "coach_actions")


@pytest.fixture(scope="module")
def postgres() -> Iterator["Postgres"]:
    from tests.production.stack import Postgres

    subprocess.run([str(ROOT / "scripts" / "ensure_services.sh")], check=True)
    cluster = Postgres().start()
    try:
        init(cluster, PASSWORDS)
        yield cluster
    finally:
        cluster.remove()


def init(cluster, passwords: Dict[str, str]) -> subprocess.CompletedProcess:
    """postgres-init.sql as the superuser, as the postgres image runs it on an empty volume."""
    return subprocess.run(
        [
            *cluster._as_user,
            str(cluster.bin / "psql"),
            "-X",
            "-q",
            "-h",
            "127.0.0.1",
            "-p",
            str(cluster.port),
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-f",
            str(ROOT / "deploy" / "postgres-init.sql"),
        ],
        env={**os.environ, **passwords},
        capture_output=True,
        text=True,
        check=True,
    )


def url(cluster, role: str, database: str) -> str:
    return f"postgresql://{role}@127.0.0.1:{cluster.port}/{database}"


def run(cluster, role: str, database: str, statement: str) -> list:
    engine = create_engine(url(cluster, role, database), future=True)
    try:
        with engine.begin() as connection:
            result = connection.execute(text(statement))
            return result.fetchall() if result.returns_rows else []
    finally:
        engine.dispose()


def test_no_service_role_has_the_superuser_s_powers(postgres):
    rows = run(
        postgres,
        "postgres",
        "postgres",
        "SELECT rolname, rolsuper OR rolcreatedb OR rolcreaterole OR rolbypassrls "
        "FROM pg_roles WHERE rolname LIKE 'coach%' ORDER BY rolname",
    )
    assert sorted(rows) == sorted((role, False) for role in ROLES)


def test_the_tracker_role_keeps_conversations_and_reaches_nothing_else(postgres):
    from rasa.core.tracker_store import SQLTrackerStore

    SQLTrackerStore(
        dialect="postgresql", host="127.0.0.1", port=postgres.port, db="conversations", username="coach_tracker"
    )  # creates Rasa's events table, as a Rasa server does
    assert run(postgres, "coach_tracker", "conversations", "SELECT count(*) FROM events") == [(0,)]
    with pytest.raises(OperationalError, match="permission denied for database"):
        run(postgres, "coach_tracker", "knowledge", "SELECT 1")


def test_the_loader_fills_the_knowledge_store_and_the_actions_only_read_it(postgres):
    from feedback.store import FeedbackStore
    from knowledge.loader import build
    from knowledge.queries import KnowledgeStore

    facts = build(url(postgres, "coach_loader", "knowledge"))
    actions_url = url(postgres, "coach_actions", "knowledge")
    assert sum(KnowledgeStore(actions_url).fact_counts().values()) == len(facts)
    # Its own feedback tables: created and written by the action server.
    assert FeedbackStore(actions_url).record_unanswered("how do I become a pilot", "other career")
    build(url(postgres, "coach_loader", "knowledge"))  # a reload beside them still works
    for statement in (
        "DELETE FROM facts",
        "DROP TABLE facts",
        "UPDATE sources SET title = 'x'",
        "CREATE ROLE intruder SUPERUSER",
    ):
        with pytest.raises(ProgrammingError, match="permission denied|must be owner|must be superuser"):
            run(postgres, "coach_actions", "knowledge", statement)
    with pytest.raises(OperationalError, match="permission denied for database"):
        run(postgres, "coach_actions", "conversations", "SELECT 1")


def test_the_init_script_refuses_a_missing_password(postgres):
    from tests.production.stack import Postgres

    fresh = Postgres().start()
    try:
        with pytest.raises(subprocess.CalledProcessError) as refused:
            init(fresh, {**PASSWORDS, "ACTIONS_DB_PASSWORD": ""})
        assert "set TRACKER_DB_PASSWORD" in refused.value.stderr
        assert run(fresh, "postgres", "postgres", "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'coach%'") == [(0,)]
    finally:
        fresh.remove()
