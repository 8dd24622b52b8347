"""One rating per answer: a second thumbs on the same answer replaces the first, never counts twice,
also in a database whose ratings table was made before the rule."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import create_engine, inspect, text

from actions import feedback
from actions.feedback import ActionRecordFeedback
from feedback.store import FeedbackStore


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch) -> str:
    """The action server's feedback store pointed at a database of its own."""
    url = f"sqlite:///{tmp_path / 'knowledge.db'}"
    monkeypatch.setenv("KNOWLEDGE_DB_URL", url)
    yield url
    feedback.feedback_store().dispose()
    feedback._store_for.cache_clear()


def user(text: str, intent: str, message_id: str) -> Dict:
    parse = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": [],
        "intent_ranking": [{"name": intent, "confidence": 0.9}],
    }
    return {"event": "user", "text": text, "parse_data": parse, "message_id": message_id}


def answer(question: str, intent: str, topic: str, message_id: str) -> List[Dict]:
    return [
        user(question, intent, message_id),
        {"event": "action", "name": f"action_answer_{topic}"},
        {"event": "bot", "text": "..."},
        {"event": "slot", "name": "topic", "value": topic},
        {"event": "slot", "name": "last_intent", "value": intent},
        {"event": "action", "name": "action_listen"},
    ]


def rate(events: List[Dict], sender: str = "conversation-1") -> List[Dict]:
    """Runs the rating action on the conversation so far; returns its events for the next turn."""
    latest = events[-1]["parse_data"]
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    tracker = Tracker(
        sender_id=sender,
        slots=slots,
        latest_message=latest,
        events=list(events),
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )
    ActionRecordFeedback().run(CollectingDispatcher(), tracker, {})
    return events + [
        {"event": "action", "name": "action_record_feedback"},
        {"event": "action", "name": "action_listen"},
    ]


def summary(url: str) -> List[tuple]:
    store = FeedbackStore(url)
    try:
        return [(r.intent, r.topic, r.up, r.down) for r in store.rating_summary()]
    finally:
        store.dispose()


def test_rating_the_same_answer_twice_counts_once_and_the_last_rating_stands(db_url):
    events = answer("what is the median salary", "ask_salary", "salary", "m1")
    events = rate(events + [user("/feedback_positive", "feedback_positive", "m2")])
    events = rate(events + [user("/feedback_positive", "feedback_positive", "m3")])
    assert summary(db_url) == [("ask_salary", "salary", 1, 0)]
    rate(events + [user("/feedback_negative", "feedback_negative", "m4")])
    assert summary(db_url) == [("ask_salary", "salary", 0, 1)]


def test_different_answers_and_conversations_are_each_counted(db_url):
    first = answer("what is the median salary", "ask_salary", "salary", "m1")
    first = rate(first + [user("/feedback_positive", "feedback_positive", "m2")])
    second = first + answer("what do they earn in ohio", "ask_salary", "salary", "m3")
    rate(second + [user("/feedback_positive", "feedback_positive", "m4")])
    # Another conversation whose client chose the same message ids.
    other = answer("what is the median salary", "ask_salary", "salary", "m1")
    rate(other + [user("/feedback_negative", "feedback_negative", "m2")], sender="conversation-2")
    assert summary(db_url) == [("ask_salary", "salary", 2, 1)]


OLD_RATINGS_TABLE = """CREATE TABLE feedback_ratings (
    id INTEGER PRIMARY KEY AUTOINCREMENT, rated_at DATETIME NOT NULL, rating VARCHAR(4) NOT NULL,
    intent VARCHAR(80), topic VARCHAR(80), question VARCHAR(300))"""


def test_a_ratings_table_made_before_the_rule_keeps_its_rows_and_gets_the_rule(db_url, tmp_path):
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text(OLD_RATINGS_TABLE))
        connection.execute(
            text(
                "INSERT INTO feedback_ratings (rated_at, rating, intent, topic, question) "
                "VALUES ('2026-01-02 03:04:05', 'up', 'ask_outlook', 'outlook', 'jobs?')"
            )
        )
    events = answer("what is the median salary", "ask_salary", "salary", "m1")
    events = rate(events + [user("/feedback_negative", "feedback_negative", "m2")])
    rate(events + [user("/feedback_negative", "feedback_negative", "m3")])
    assert sorted(summary(db_url)) == [("ask_outlook", "outlook", 1, 0), ("ask_salary", "salary", 0, 1)]
    unique = [i for i in inspect(engine).get_indexes("feedback_ratings") if i["unique"]]
    assert [i["column_names"] for i in unique] == [["answer"]]
    engine.dispose()


def test_repeated_answer_keys_from_before_the_index_keep_the_latest_rating(db_url):
    """A table that has the column but not yet the index (added by hand, or a crash between the
    two): the index is made after the repeats are removed, the latest rating kept."""
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text(OLD_RATINGS_TABLE.replace("VARCHAR(300))", "VARCHAR(300), answer VARCHAR(64))")))
        for rating, answer in (("up", "a"), ("down", "a"), ("up", "b")):
            connection.execute(
                text(
                    "INSERT INTO feedback_ratings (rated_at, rating, intent, answer) "
                    "VALUES ('2026-01-02 03:04:05', :rating, 'ask_salary', :answer)"
                ),
                {"rating": rating, "answer": answer},
            )
    engine.dispose()
    assert summary(db_url) == [("ask_salary", None, 1, 1)]


def test_two_stores_rating_the_same_answer_keep_one_row(db_url):
    """Two action servers on one database: the unique index, not one process's memory, decides."""
    stores = [FeedbackStore(db_url), FeedbackStore(db_url)]
    try:
        assert stores[0].record_rating(True, "ask_salary", "salary", "pay?", answer="a" * 64)
        assert stores[1].record_rating(False, "ask_salary", "salary", "pay?", answer="a" * 64)
    finally:
        for store in stores:
            store.dispose()
    assert summary(db_url) == [("ask_salary", "salary", 0, 1)]
