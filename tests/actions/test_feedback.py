"""Learning from users: the rating action and the record of unanswered questions."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import feedback
from actions.feedback import ActionOutOfScope, ActionRecordFeedback, record_unanswered
from feedback.store import FeedbackStore
from tests.actions.conftest import domain_responses, make_tracker


@pytest.fixture
def feedback_db(tmp_path: Path, monkeypatch) -> FeedbackStore:
    """Points the action server's feedback store at an empty database of its own."""
    url = f"sqlite:///{tmp_path / 'knowledge.db'}"
    monkeypatch.setenv("KNOWLEDGE_DB_URL", url)
    reader = FeedbackStore(url)
    reader.ensure_tables()
    yield reader
    reader.dispose()
    feedback.feedback_store().dispose()


def user(text: str, intent: str, confidence: float = 0.9, ranking: Optional[List[Dict]] = None) -> Dict:
    parse = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": [],
        "intent_ranking": ranking or [{"name": intent, "confidence": confidence}],
    }
    return {"event": "user", "text": text, "parse_data": parse}


def slot(name: str, value) -> Dict:
    return {"event": "slot", "name": name, "value": value}


def action(name: str) -> Dict:
    return {"event": "action", "name": name}


def conversation(*events: Dict, slots: Optional[Dict] = None) -> Tracker:
    latest = [e for e in events if e["event"] == "user"][-1]["parse_data"]
    return Tracker(
        sender_id="someone@example.com",
        slots=slots or {},
        latest_message=latest,
        events=list(events),
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def rate(tracker: Tracker) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    assert ActionRecordFeedback().run(dispatcher, tracker, {}) == []
    return dispatcher


def ratings(store: FeedbackStore) -> List[tuple]:
    return [(r.intent, r.topic, r.up, r.down) for r in store.rating_summary()]


SALARY_ANSWER = (
    user("what do they earn in ohio", "ask_salary"),
    action("action_answer_salary"),
    {"event": "bot", "text": "Half of ..."},
    slot("topic", "salary"),
    slot("last_intent", "ask_salary"),
    slot("scope", "state"),
    action("action_listen"),
)


def test_action_name_matches_the_domain():
    assert ActionRecordFeedback().name() == "action_record_feedback"


def test_thumbs_up_is_recorded_against_the_previous_answer(feedback_db):
    tracker = conversation(
        *SALARY_ANSWER,
        user("that was helpful", "feedback_positive"),
        slots={"topic": "salary", "last_intent": "ask_salary"},
    )
    dispatcher = rate(tracker)
    assert [m["response"] for m in dispatcher.messages] == ["utter_thanks_feedback_positive"]
    assert ratings(feedback_db) == [("ask_salary", "salary", 1, 0)]


def test_thumbs_down_keeps_the_question_that_led_to_the_answer(feedback_db):
    tracker = conversation(
        *SALARY_ANSWER, user("not helpful", "feedback_negative"), slots={"topic": "salary", "last_intent": "ask_salary"}
    )
    dispatcher = rate(tracker)
    assert [m["response"] for m in dispatcher.messages] == ["utter_thanks_feedback_negative"]
    assert ratings(feedback_db) == [("ask_salary", "salary", 0, 1)]
    with feedback_db.engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT question FROM feedback_ratings").scalars().all()
    assert stored == ["what do they earn in ohio"]


def test_rating_names_the_intent_the_coach_answered_not_its_first_reading(feedback_db):
    # The model fell back; the coach answered its best guess, which set last_intent.
    ranking = [{"name": "nlu_fallback", "confidence": 0.45}, {"name": "ask_outlook", "confidence": 0.4}]
    tracker = conversation(
        user("is this career stable", "nlu_fallback", 0.45, ranking),
        action("action_coach_fallback"),
        slot("topic", "outlook"),
        slot("last_intent", "ask_outlook"),
        action("action_listen"),
        user("👍", "feedback_positive"),
        slots={"topic": "outlook", "last_intent": "ask_outlook"},
    )
    rate(tracker)
    assert ratings(feedback_db) == [("ask_outlook", "outlook", 1, 0)]


def test_rating_small_talk_does_not_take_an_older_topic(feedback_db):
    tracker = conversation(
        *SALARY_ANSWER,
        user("hello", "greet"),
        action("utter_greet"),
        action("action_listen"),
        user("great answer", "feedback_positive"),
        slots={"topic": "salary", "last_intent": "ask_salary"},
    )
    rate(tracker)
    assert ratings(feedback_db) == [("greet", None, 1, 0)]


def test_a_second_rating_is_about_the_same_answer(feedback_db):
    tracker = conversation(
        *SALARY_ANSWER,
        user("not helpful", "feedback_negative"),
        action("action_record_feedback"),
        action("action_listen"),
        user("really useless", "feedback_negative"),
        slots={"topic": "salary", "last_intent": "ask_salary"},
    )
    rate(tracker)
    assert ratings(feedback_db) == [("ask_salary", "salary", 0, 1)]


def test_rating_with_nothing_before_it_is_still_thanked(feedback_db):
    dispatcher = rate(make_tracker("👎", "feedback_negative"))
    assert [m["response"] for m in dispatcher.messages] == ["utter_thanks_feedback_negative"]
    assert ratings(feedback_db) == [(None, None, 0, 1)]


def test_other_intents_are_not_taken_for_a_rating(feedback_db):
    dispatcher = rate(make_tracker("what do they earn", "ask_salary"))
    assert dispatcher.messages == []
    assert ratings(feedback_db) == []


def test_thanks_responses_are_in_the_domain():
    responses = domain_responses()
    assert {"utter_thanks_feedback_positive", "utter_thanks_feedback_negative"} <= set(responses)


def test_no_sender_id_is_stored(feedback_db, tmp_path):
    tracker = conversation(*SALARY_ANSWER, user("that was helpful", "feedback_positive"))
    rate(tracker)
    record_unanswered(tracker, "not understood")
    raw = (tmp_path / "knowledge.db").read_bytes()
    assert b"someone@example.com" not in raw and b"ask_salary" in raw


# -- unanswered questions -----------------------------------------------------------------------
def test_unanswered_keeps_the_models_own_top_intent_not_the_fallback(feedback_db):
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "ask_duties", "confidence": 0.31},
        {"name": "ask_salary", "confidence": 0.2},
    ]
    tracker = conversation(user("wat r the perks of dis  gig", "nlu_fallback", 0.45, ranking))
    assert record_unanswered(tracker, "not understood") is True
    [row] = feedback_db.most_unanswered()
    assert (row.question, row.count, row.reasons) == ("wat r the perks of dis gig", 1, "not understood")
    with feedback_db.engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT intent, confidence FROM feedback_unanswered").one()
    assert tuple(stored) == ("ask_duties", 0.31)


def test_unanswered_can_name_an_earlier_message(feedback_db):
    tracker = conversation(
        user("tell me about the thing", "ask_duties", 0.4),
        action("action_coach_fallback"),
        action("action_listen"),
        user('/clarify{"chosen":"something_else"}', "clarify", 1.0),
    )
    record_unanswered(tracker, "none of the suggestions", text="tell me about the thing")
    with feedback_db.engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT text, intent, reason FROM feedback_unanswered").one()
    assert tuple(stored) == ("tell me about the thing", "ask_duties", "none of the suggestions")


def test_unanswered_question_is_scrubbed(feedback_db):
    record_unanswered(
        make_tracker("pay in guam? reach me on 0412 345 678 or me@mail.com", "ask_salary"), "no facts for the scope"
    )
    assert [r.question for r in feedback_db.most_unanswered()] == ["pay in guam? reach me on [number] or [email]"]


def test_the_names_the_nlu_found_are_scrubbed_without_spacy_in_this_server(feedback_db, monkeypatch):
    from feedback import redaction

    monkeypatch.setattr(redaction, "_spacy", lambda: pytest.fail("the action server loaded spaCy"))
    text = "hi im Maria Lopez from Springfield, do techs in ohio earn more than in texas"
    found = [("Maria Lopez", "PERSON"), ("Springfield", "GPE"), ("ohio", "GPE"), ("texas", "GPE")]
    parse = user(text, "ask_salary")["parse_data"]
    parse["entities"] = [
        {
            "entity": label,
            "start": text.index(words),
            "end": text.index(words) + len(words),
            "value": words,
            "extractor": "SpacyDocEntityExtractor",
        }
        for words, label in found
    ]
    tracker = conversation({"event": "user", "text": text, "parse_data": parse})
    assert record_unanswered(tracker, "no facts for the scope") is True
    assert [r.question for r in feedback_db.most_unanswered()] == [
        "hi im [name] from [place], do techs in ohio earn more than in texas"
    ]
    rate(
        conversation(
            {"event": "user", "text": text, "parse_data": parse},
            action("utter_salary"),
            user("thumbs up", "feedback_positive"),
        )
    )
    with feedback_db.engine.connect() as connection:
        assert (
            connection.exec_driver_sql("SELECT question FROM feedback_ratings").scalar()
            == "hi im [name] from [place], do techs in ohio earn more than in texas"
        )


def test_broken_database_does_not_break_the_conversation(tmp_path, monkeypatch):
    broken = tmp_path / "knowledge.db"
    broken.write_bytes(b"\x00not sqlite\xff" * 300)
    monkeypatch.setenv("KNOWLEDGE_DB_URL", f"sqlite:///{broken}")
    tracker = conversation(*SALARY_ANSWER, user("that was helpful", "feedback_positive"))
    dispatcher = rate(tracker)
    assert [m["response"] for m in dispatcher.messages] == ["utter_thanks_feedback_positive"]
    assert record_unanswered(make_tracker("pay in guam", "ask_salary"), "no facts for the scope") is False
    assert broken.read_bytes() == b"\x00not sqlite\xff" * 300


def test_the_fallback_records_what_it_did_not_understand(feedback_db, action_store):
    from actions.fallback import ActionCoachFallback

    ranking = [{"name": "nlu_fallback", "confidence": 0.45}, {"name": "greet", "confidence": 0.3}]
    tracker = conversation(user("purple monkey dishwasher", "nlu_fallback", 0.45, ranking))
    ActionCoachFallback().run(CollectingDispatcher(), tracker, {})
    assert [(r.question, r.reasons) for r in feedback_db.most_unanswered()] == [
        ("purple monkey dishwasher", "not understood")
    ]


def test_out_of_scope_is_answered_and_kept(feedback_db):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("what's the weather in miami", "out_of_scope")
    assert ActionOutOfScope().run(dispatcher, tracker, {}) == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_out_of_scope"]
    assert [(r.question, r.reasons) for r in feedback_db.most_unanswered()] == [
        # A city is kept as [place]: with a name, it can tell who asked (feedback/redaction.py).
        ("what's the weather in [place]", "out of scope")
    ]
