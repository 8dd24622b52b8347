"""Slack behind two Rasa servers sharing Redis (the lock store) and one conversation store: an
event delivered to both, or retried to the other, is answered once; a store outage during a
Slack turn is told to the user in Slack instead of vanishing in the background."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import List

import pytest
import yaml

from tests.production.stack import Redis
from tests.servers import ROOT, Servers, get
from tests.slack.conftest import (
    BOT_TOKEN,
    BOT_USER,
    SIGNING_SECRET,
    FakeSlack,
    Slack,
    event,  # noqa: F401
    fake_slack,  # noqa: F401 (a fixture, used by name)
    slack_credentials,
)

# The lock store the deployment names (deploy/endpoints.yml), on a throwaway Redis.
DEPLOYED_LOCK_STORE = yaml.safe_load((ROOT / "deploy" / "endpoints.yml").read_text())["lock_store"]["type"]


def endpoints(conversations: Path, redis_port: int) -> str:
    """The action server, conversations in one SQLite file, and Redis as the lock store."""
    return yaml.safe_dump(
        {
            "action_endpoint": {"url": "http://127.0.0.1:{actions_port}/webhook", "enable_selective_domain": True},
            "tracker_store": {
                "type": "extensions.tracker_store.CoachSQLTrackerStore",
                "dialect": "sqlite",
                "db": str(conversations),
            },
            "lock_store": {
                "type": DEPLOYED_LOCK_STORE,
                "url": "127.0.0.1",
                "port": redis_port,
                "db": 1,
                "socket_timeout": 2,
            },
        }
    )


QUESTION = "what is the median salary"
ANSWER = "$47,190"
STORE_DOWN = "cannot reach its conversation store"


@pytest.fixture(scope="module")
def redis():
    server = Redis().start()
    yield server
    server.remove()


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory, knowledge_url, fake_slack, redis):
    """Two Rasa servers (each with its action server) on one SQLite file and one Redis."""
    work = tmp_path_factory.mktemp("slack-two")
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake_slack.url}
    credentials = slack_credentials(dict(os.environ, **env))
    servers: List[Servers] = []
    for number in (1, 2):
        folder = work / f"server-{number}"
        folder.mkdir()
        servers.append(
            Servers(
                folder,
                knowledge_url,
                credentials=credentials,
                env=env,
                endpoints=endpoints(work / "conversations.db", redis.port),
            )
        )
    try:
        for server in servers:
            server.start_actions(wait=False)
            server.start_rasa(wait=False)
        for server in servers:
            server.wait_until(lambda s=server: s.coach.is_up() and s.coach.say("hello"), "rasa server")
        yield servers
    finally:
        for server in servers:
            server.stop()


def slack_of(server: Servers) -> Slack:
    return Slack(f"{server.coach.url}/webhooks/slack/webhook")


def user_turns(server: Servers, sender: str) -> List[str]:
    """What the Slack user `sender` said, as the conversation store keeps it ("slack:<id>")."""
    status, body = get(f"{server.coach.url}/conversations/slack:{sender}/tracker", timeout=30)
    assert status == 200, body[:300]
    return [e.get("text") for e in json.loads(body)["events"] if e["event"] == "user"]


def answers(fake_slack: FakeSlack, channel: str, at_least: int = 1) -> List[str]:
    return [p["body"].get("text", "") for p in fake_slack.replies(channel, at_least=at_least)]


def test_the_same_event_delivered_to_two_servers_at_once_is_answered_once(two_servers, fake_slack):
    request = event(f"<@{BOT_USER}> {QUESTION}")
    statuses: List[int] = []
    threads = [
        threading.Thread(target=lambda s=server: statuses.append(slack_of(s).send(request)[0]))
        for server in two_servers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200]
    replies = answers(fake_slack, request["event"]["channel"])
    assert sum(ANSWER in text for text in replies) == 1, replies
    assert user_turns(two_servers[0], request["event"]["user"]).count(QUESTION) == 1


def test_a_retry_that_reaches_the_other_server_gets_no_second_reply(two_servers, fake_slack):
    request = event(f"<@{BOT_USER}> {QUESTION}")
    channel, sender = request["event"]["channel"], request["event"]["user"]
    first, second = (slack_of(server) for server in two_servers)
    assert first.send(request)[0] == 200
    assert any(ANSWER in text for text in answers(fake_slack, channel))
    status, body = second.send(request, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert status == 200 and body == b"already answered"
    second.send(event(f"<@{BOT_USER}> thank you", channel=channel, user=sender))
    replies = answers(fake_slack, channel, at_least=2)
    assert sum(ANSWER in text for text in replies) == 1, replies
    assert user_turns(two_servers[1], sender).count(QUESTION) == 1


def test_a_store_outage_during_a_slack_turn_is_told_in_slack(two_servers, fake_slack, redis):
    server = slack_of(two_servers[0])
    request = event(f"<@{BOT_USER}> {QUESTION}")
    redis.stop()
    try:
        assert server.send(request)[0] == 200
        replies = answers(fake_slack, request["event"]["channel"])
        assert any(STORE_DOWN in text for text in replies), replies
        assert not any(ANSWER in text for text in replies)
    finally:
        redis.start()
    # Redis back: the next message is answered.
    channel = request["event"]["channel"]
    assert server.send(event(f"<@{BOT_USER}> {QUESTION}", channel=channel, user=request["event"]["user"]))[0] == 200
    assert any(ANSWER in text for text in answers(fake_slack, channel, at_least=2))


def test_a_slack_conversation_cannot_be_reached_over_rest(two_servers, fake_slack):
    request = event(f"<@{BOT_USER}> {QUESTION}")
    sender = request["event"]["user"]
    assert slack_of(two_servers[0]).send(request)[0] == 200
    assert any(ANSWER in text for text in answers(fake_slack, request["event"]["channel"]))
    coach = two_servers[0].coach
    assert user_turns(two_servers[0], sender) == [QUESTION]
    status, body = coach.raw(json.dumps({"sender": f"slack:{sender}", "message": "what did i ask?"}).encode())
    assert status == 400 and b"another channel" in body
    status, body = get(f"{coach.url}/conversations/{sender}/tracker", timeout=30)  # the bare id: a new one
    assert status == 200 and not [e for e in json.loads(body)["events"] if e["event"] == "user"]
    assert user_turns(two_servers[0], sender) == [QUESTION]
