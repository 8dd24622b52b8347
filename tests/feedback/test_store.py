"""The feedback store: what it keeps, what it leaves out, how it counts, and what it survives."""

from __future__ import annotations

import os
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select
from sqlalchemy.orm import Session

from feedback import store as feedback
from feedback.report import main
from feedback.store import AnswerRating, FeedbackStore, UnansweredQuestion, normalize, scrub
from knowledge.loader import build, make_engine
from knowledge.models import Fact


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'knowledge.db'}"


@pytest.fixture
def store(db_url: str):
    feedback_store = FeedbackStore(db_url)
    yield feedback_store
    feedback_store.dispose()


def stored_questions(url: str) -> list:
    engine = make_engine(url)
    with Session(engine) as session:
        rows = [
            (q.text, q.normalized, q.reason, q.intent, q.confidence)
            for q in session.scalars(select(UnansweredQuestion).order_by(UnansweredQuestion.id))
        ]
    engine.dispose()
    return rows


def stored_ratings(url: str) -> list:
    engine = make_engine(url)
    with Session(engine) as session:
        rows = [
            (r.rating, r.intent, r.topic, r.question)
            for r in session.scalars(select(AnswerRating).order_by(AnswerRating.id))
        ]
    engine.dispose()
    return rows


# -- scrubbing ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("mail me at jane.doe+jobs@example.co.uk please", "mail me at [email] please"),
        ("call 555-123-4567 about pay", "call [number] about pay"),
        ("my cell is +1 (555) 123 4567", "my cell is [number]"),
        ("text 5551234567 now", "text [number] now"),
        ("my ssn 123-45-6789", "my ssn [number]"),
        # Figures and years a question may rightly hold are kept.
        ("is $47,190 the median in 2023?", "is $47,190 the median in 2023?"),
        ("growth from 2014-2024", "growth from 2014-2024"),
        ("do I need 40 hours or 12 credits", "do I need 40 hours or 12 credits"),
        ("zip 90210 pay", "zip 90210 pay"),
    ],
)
def test_scrub_removes_contact_details_and_keeps_figures(text, expected):
    assert scrub(text) == expected


def test_scrub_caps_length_and_removes_control_characters():
    long = "why " * 500
    kept = scrub(long)
    assert len(kept) == feedback.MAX_TEXT
    assert kept.endswith("…")
    assert scrub("pay\x00 in\x07\n\n  ohio") == "pay in ohio"
    assert scrub(None) == ""


def test_text_that_grows_when_lower_cased_still_fits(store):
    # "İ" lower-cases to two characters, so the counted form can outgrow the text.
    assert store.record_unanswered("İ" * 400, "not understood")
    [row] = store.most_unanswered()
    assert len(row.question) <= feedback.MAX_TEXT


def test_normalize_lowercases_and_collapses_whitespace():
    assert normalize("  What   Do\tMRTs EARN\n in Ohio ") == "what do mrts earn in ohio"


# -- storing --------------------------------------------------------------------------------------
def test_unanswered_question_is_stored_scrubbed_without_who_asked(store, db_url):
    assert store.record_unanswered(
        "Can you email me at a@b.com about  Ohio pay?", "no facts for the scope", "ask_salary", 0.61234567
    )
    assert stored_questions(db_url) == [
        (
            "Can you email me at [email] about Ohio pay?",
            "can you email me at [email] about ohio pay?",
            "no facts for the scope",
            "ask_salary",
            0.6123,
        ),
    ]
    columns = {c["name"] for c in inspect(make_engine(db_url)).get_columns("feedback_unanswered")}
    assert not columns & {"sender", "sender_id", "user", "conversation_id"}


def test_empty_question_is_not_stored(store, db_url):
    store.ensure_tables()
    assert store.record_unanswered("   \n ", "not understood") is False
    assert store.record_unanswered("", "not understood") is False
    assert stored_questions(db_url) == []


def test_rating_is_stored(store, db_url):
    assert store.record_rating(True, "ask_salary", "salary", "what do they earn? call 555 123 4567")
    assert store.record_rating(False, None, None, None)
    assert stored_ratings(db_url) == [
        ("up", "ask_salary", "salary", "what do they earn? call [number]"),
        ("down", None, None, None),
    ]


# -- counting ----------------------------------------------------------------------------------
def test_most_unanswered_counts_normalised_questions_most_frequent_first(store):
    for text in ("How do I become a coder?", "how do i  become a CODER?", "HOW DO I BECOME A CODER?"):
        store.record_unanswered(text, "not understood")
    store.record_unanswered("pay in guam", "no facts for the scope")
    store.record_unanswered("Pay in Guam", "other career")
    store.record_unanswered("weather today", "out of scope")

    rows = store.most_unanswered()
    assert [(r.question, r.count) for r in rows] == [
        ("how do i become a coder?", 3),
        ("pay in guam", 2),
        ("weather today", 1),
    ]
    assert rows[1].reasons == "no facts for the scope, other career"
    assert all(abs(r.last_seen - datetime.utcnow()) < timedelta(minutes=1) for r in rows)
    assert [r.question for r in store.most_unanswered(limit=1)] == ["how do i become a coder?"]


def test_rating_summary_groups_by_intent_and_topic(store):
    for positive in (True, True, False):
        store.record_rating(positive, "ask_salary", "salary", "pay?")
    store.record_rating(False, "ask_outlook", "outlook", "future?")
    store.record_rating(False, "ask_outlook", "outlook", "growth?")

    rows = store.rating_summary()
    assert [(r.intent, r.topic, r.up, r.down) for r in rows] == [
        ("ask_outlook", "outlook", 0, 2),
        ("ask_salary", "salary", 2, 1),
    ]


def test_empty_store_reports_nothing(store):
    assert store.most_unanswered() == []
    assert store.rating_summary() == []


# -- living beside the facts -------------------------------------------------------------------
def test_rebuilding_the_knowledge_keeps_feedback(db_url):
    build(db_url)
    store = FeedbackStore(db_url)
    store.record_unanswered("pay in guam", "no facts for the scope", "ask_salary", 0.8)
    store.record_rating(False, "ask_salary", "salary", "pay in guam")
    store.dispose()

    build(db_url)  # replaces every fact, in one transaction
    build(db_url)

    assert [q[0] for q in stored_questions(db_url)] == ["pay in guam"]
    assert stored_ratings(db_url) == [("down", "ask_salary", "salary", "pay in guam")]
    engine = make_engine(db_url)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Fact)) > 0
    engine.dispose()


def test_feedback_tables_are_not_part_of_the_fact_tables():
    from knowledge.models import Base

    assert not {"feedback_unanswered", "feedback_ratings"} & set(Base.metadata.tables)


# -- a database that cannot be written ---------------------------------------------------------
def test_unwritable_location_is_logged_and_tolerated(tmp_path, caplog):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    store = FeedbackStore(f"sqlite:///{blocked / 'knowledge.db'}")
    assert store.record_unanswered("pay in guam", "no facts for the scope") is False
    assert store.record_rating(True, "ask_salary", "salary", "pay?") is False
    assert "feedback not stored" in caplog.text


def test_corrupt_database_is_tolerated_and_left_alone(tmp_path, caplog):
    path = tmp_path / "knowledge.db"
    garbage = b"this is not a database" * 100
    path.write_bytes(garbage)
    store = FeedbackStore(f"sqlite:///{path}")
    assert store.record_unanswered("pay in guam", "no facts for the scope") is False
    assert path.read_bytes() == garbage
    assert "feedback not stored" in caplog.text


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files")
def test_read_only_database_file_is_tolerated(tmp_path):
    path = tmp_path / "knowledge.db"
    FeedbackStore(f"sqlite:///{path}").ensure_tables()
    path.chmod(stat.S_IRUSR)
    assert FeedbackStore(f"sqlite:///{path}").record_unanswered("pay?", "not understood") is False


def test_read_only_connection_is_tolerated(tmp_path, store, db_url):
    store.record_unanswered("pay in guam", "no facts for the scope")
    path = db_url[len("sqlite:///") :]
    read_only = FeedbackStore(engine=create_engine(f"sqlite:///file:{path}?mode=ro&uri=true", future=True))
    assert read_only.record_unanswered("another question", "not understood") is False
    assert [q[0] for q in stored_questions(db_url)] == ["pay in guam"]
    assert [r.question for r in read_only.most_unanswered()] == ["pay in guam"]  # reading still works
    read_only.dispose()


def test_store_recovers_when_the_database_comes_back(tmp_path):
    folder = tmp_path / "later"
    blocked = tmp_path / "later"
    blocked.write_text("in the way")
    store = FeedbackStore(f"sqlite:///{folder / 'knowledge.db'}")
    assert store.record_unanswered("first", "not understood") is False
    blocked.unlink()
    folder.mkdir()
    assert store.record_unanswered("second", "not understood") is True
    assert [r.question for r in store.most_unanswered()] == ["second"]


# -- the curators' command ---------------------------------------------------------------------
def test_command_lists_unanswered_and_ratings(store, db_url, monkeypatch, capsys):
    monkeypatch.setenv("KNOWLEDGE_DB_URL", db_url)
    store.record_unanswered("Pay in Guam", "no facts for the scope")
    store.record_unanswered("pay in  guam", "no facts for the scope")
    store.record_unanswered("weather", "out of scope")
    store.record_rating(False, "ask_salary", "salary", "pay?")

    assert main(["unanswered", "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert "pay in guam" in out and "    2  " in out and "weather" not in out

    assert main(["ratings"]) == 0
    out = capsys.readouterr().out
    assert "ask_salary / salary" in out and "   0    1" in out


def test_command_on_an_unreadable_database_says_so(tmp_path, monkeypatch, capsys):
    path = tmp_path / "knowledge.db"
    path.write_bytes(b"garbage" * 200)
    monkeypatch.setenv("KNOWLEDGE_DB_URL", f"sqlite:///{path}")
    assert main(["unanswered"]) == 1
    assert "cannot be read" in capsys.readouterr().err


def test_command_rejects_a_bad_limit():
    with pytest.raises(SystemExit):
        main(["unanswered", "--limit", "0"])
