"""The feedback rules through the real servers, over REST: a second thumbs on one answer replaces
the first, and an unanswered question is stored without the personal details in it (spaCy's
entities found by the action server, which loads the NLU's pipeline for them)."""

from __future__ import annotations

import uuid

import pytest

from feedback.store import FeedbackStore
from knowledge.loader import build
from tests.servers import Servers


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    work = tmp_path_factory.mktemp("feedback-over-rest")
    url = f"sqlite:///{work / 'knowledge.db'}"
    build(url)
    running = Servers(work, url)
    try:
        yield running.start()
    finally:
        running.stop()


@pytest.fixture
def feedback(servers):
    store = FeedbackStore(servers.env["KNOWLEDGE_DB_URL"])
    yield store
    store.dispose()


def test_a_second_thumbs_on_the_same_answer_replaces_the_first(servers, feedback):
    sender = uuid.uuid4().hex
    assert "$47,190" in servers.coach.reply("what is the median salary", sender)
    servers.coach.say("/feedback_positive", sender)
    servers.coach.say("/feedback_negative", sender)
    rows = [(r.up, r.down) for r in feedback.rating_summary()]
    assert rows == [(0, 1)]


def test_an_unanswered_question_is_stored_without_a_name_or_a_city(servers, feedback):
    servers.coach.say(
        "Hi, my name is Maria Gonzalez, what's the weather like in Springfield tomorrow", uuid.uuid4().hex
    )
    stored = [row.question for row in feedback.most_unanswered()]
    assert stored and not [q for q in stored if "maria" in q or "gonzalez" in q or "springfield" in q], stored
    assert any("[name]" in q and "[place]" in q for q in stored), stored
