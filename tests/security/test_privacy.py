"""Privacy of the feedback log: what a user typed is kept without the personal details in it,
the curators' reports print no control or bidi characters, and no database password is printed."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from feedback.report import main
from feedback.store import FeedbackStore


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'knowledge.db'}"
    monkeypatch.setenv("KNOWLEDGE_DB_URL", url)
    return url


@pytest.fixture
def store(db_url: str):
    feedback_store = FeedbackStore(db_url)
    yield feedback_store
    feedback_store.dispose()


def kept(store: FeedbackStore, question: str) -> str:
    assert store.record_unanswered(question, "out of scope")
    with store.engine.connect() as connection:
        return connection.execute(text("SELECT text FROM feedback_unanswered ORDER BY id DESC")).scalar()


# What a user wrote, what must not be kept, and what must be.
PERSONAL = {
    "name and city": (
        "Hi, my name is Maria Gonzalez and I live in Springfield, what is the pay",
        ["Maria", "Gonzalez", "Springfield"],
        ["[name]", "[place]", "what is the pay"],
    ),
    "name in lower case": ("hi im sarah from ohio, can i get certified", ["sarah"], ["ohio", "certified"]),
    "spelled e-mail": ("email me at jane.doe at gmail dot com about the RHIT", ["jane", "gmail"], ["[email]", "RHIT"]),
    "e-mail in brackets": ("write to bob (at) example (dot) org", ["bob", "example"], ["[email]"]),
    "street address": (
        "I live at 42 Oak Street, Apt 5, is there a school near me",
        ["42 Oak", "Apt 5"],
        ["[address]", "school"],
    ),
    "date of birth, numbers": (
        "I was born 03/04/1985, am I too old to start",
        ["1985", "03/04"],
        ["[date]", "too old"],
    ),
    "date of birth, words": (
        "my birthday is March 3rd, 1985 and I want to study coding",
        ["March", "1985"],
        ["coding"],
    ),
    "birth date alone": ("DOB: 12 June 1990. pay in Texas?", ["June", "1990"], ["Texas"]),
    "phone": ("call me on 555-123-4567 about jobs in Canada", ["555", "4567"], ["[number]", "Canada"]),
}


@pytest.mark.parametrize("question, gone, still_there", PERSONAL.values(), ids=list(PERSONAL))
def test_personal_details_are_not_kept(store, question, gone, still_there):
    stored = kept(store, question)
    for detail in gone:
        assert detail not in stored, stored
    for part in still_there:
        assert part in stored, stored


# What the coach answers about stays: states, countries, years, figures.
ANSWERABLE = [
    "what is the median salary in New Jersey",
    "can I work in Japan or Germany with the RHIT",
    "growth from 2014-2024 in the US",
    "is $47,190 the median in 2023?",
]


@pytest.mark.parametrize("question", ANSWERABLE)
def test_what_the_coach_answers_about_is_kept(store, question):
    assert kept(store, question) == question


# Right-to-left override, left-to-right isolate, zero-width space, escape, bell, NUL.
INVISIBLE = "\u202e\u2066\u200b\x1b\x07\x00"


def _insert_raw(url: str, question: str, intent: str) -> None:
    """Rows as a database written before the scrubbing, or by hand, may hold them."""
    FeedbackStore(url).ensure_tables()
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO feedback_unanswered (asked_at, text, normalized, reason) "
                "VALUES ('2026-01-01 10:00:00', :q, :q, :q)"
            ),
            {"q": question},
        )
        connection.execute(
            text(
                "INSERT INTO feedback_ratings (rated_at, rating, intent, topic) "
                "VALUES ('2026-01-01 10:00:00', 'up', :i, :i)"
            ),
            {"i": intent},
        )
    engine.dispose()


def test_reports_print_no_control_or_bidi_characters(db_url, capsys):
    _insert_raw(db_url, f"pay in ohio{INVISIBLE}[31mevil", f"ask_salary{INVISIBLE}x")
    assert main(["unanswered"]) == 0
    assert main(["ratings"]) == 0
    out = capsys.readouterr().out
    assert "pay in ohio" in out and "ask_salary" in out
    assert not [c for c in INVISIBLE if c in out]


def test_new_questions_are_stored_without_bidi_characters(store):
    stored = kept(store, "what is the pay\u202e in ohio\u200b")
    assert stored == "what is the pay in ohio"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_database_error_does_not_print_the_password(monkeypatch, capsys):
    monkeypatch.setenv("KNOWLEDGE_DB_URL", f"postgresql://coach:s3cret-pw@127.0.0.1:{_closed_port()}/knowledge")
    assert main(["unanswered"]) == 1
    err = capsys.readouterr().err
    assert "cannot be read" in err and "coach:***@127.0.0.1" in err
    assert "s3cret-pw" not in err
