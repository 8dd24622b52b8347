"""Servers for the production tests: the coach with a SQLite tracker store in a temporary folder,
and a scaled-out deployment (Postgres, Redis, two replicas, nginx) on loopback ports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from typing import Any, Dict, List

import pytest

from tests import servers as launcher
from tests.servers import ROOT, Coach, Servers, get, local_endpoints

# Two replicas load at once on a small machine; give each start the time that takes.
launcher.START_TIMEOUT = max(launcher.START_TIMEOUT, 600)


@pytest.fixture(scope="session")
def sqlite_servers(tmp_path_factory, knowledge_url):
    """Both servers, with conversations kept in a SQLite file in the work folder."""
    work = tmp_path_factory.mktemp("sqlite-servers")
    servers = Servers(work, knowledge_url, endpoints=local_endpoints(work / "conversations.db"))
    try:
        yield servers.start()
    finally:
        servers.stop()


def tracker(coach: Coach, sender: str) -> Dict[str, Any]:
    """The conversation as the HTTP API gives it."""
    status, body = get(f"{coach.url}/conversations/{sender}/tracker", timeout=30)
    assert status == 200, (status, body[:300])
    return json.loads(body)


def user_turns(state: Dict[str, Any]) -> List[str]:
    return [e.get("text") for e in state["events"] if e["event"] == "user"]


def event_digest(state: Dict[str, Any]) -> List[tuple]:
    """What a conversation held, event by event, to compare before and after."""
    return [(e["event"], e.get("timestamp"), e.get("text"), e.get("name"), e.get("value")) for e in state["events"]]


class Stack:
    """Postgres (conversations and knowledge), Redis (locks), two replicas of both servers, nginx."""

    def __init__(self, work, replicas: int = 2):
        self.work, self.count = work, replicas
        self.postgres = self.redis = self.nginx = None
        self.replicas: List[Servers] = []

    def start(self) -> "Stack":
        from tests.production.stack import Nginx, Postgres, Redis

        self.postgres = Postgres()
        self.postgres.start()
        self.redis = Redis(password=uuid.uuid4().hex).start()  # as deployed: Redis needs a password
        for database in ("conversations", "knowledge"):
            self.postgres.create_database(database)
        self.knowledge_url = self.postgres.url("knowledge")
        subprocess.run(
            [sys.executable, "-m", "knowledge.loader"],
            cwd=ROOT,
            check=True,
            env=dict(os.environ, KNOWLEDGE_DB_URL=self.knowledge_url),
            stdout=subprocess.DEVNULL,
        )
        endpoints = (ROOT / "deploy" / "endpoints.yml").read_text()
        for number in range(1, self.count + 1):
            folder = self.work / f"replica-{number}"
            folder.mkdir()
            replica = Servers(
                folder,
                self.knowledge_url,
                endpoints=endpoints,
                env={
                    "TRACKER_STORE_URL": self.postgres.url("conversations"),
                    "REDIS_HOST": "127.0.0.1",
                    "REDIS_PORT": str(self.redis.port),
                    "REDIS_PASSWORD": self.redis.password,
                },
            )
            replica.env["ACTION_SERVER_URL"] = f"http://127.0.0.1:{replica.actions_port}/webhook"
            self.replicas.append(replica)
        # All replicas load at once, as they would in a deployment.
        for replica in self.replicas:
            replica.start_actions(wait=False)
            replica.start_rasa(wait=False)
        for replica in self.replicas:
            replica.wait_until(lambda r=replica: r.coach.is_up() and r.coach.say("hello"), "replica")
        self.nginx = Nginx([r.rasa_port for r in self.replicas]).start()
        self.coach = Coach(self.nginx.port)
        return self

    def close(self) -> None:
        for replica in self.replicas:
            replica.stop()
        for part in (self.nginx, self.redis, self.postgres):
            if part is not None:
                try:
                    part.remove()
                except Exception as error:  # noqa: BLE001  (stop the rest whatever one did)
                    print(f"could not stop {part}: {error}", file=sys.stderr)


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    subprocess.run([str(ROOT / "scripts" / "ensure_services.sh")], check=True)
    running = Stack(tmp_path_factory.mktemp("stack"))
    try:
        yield running.start()
    finally:
        running.close()
