"""The evaluation's judge: a reply passes on what a person reads in it."""

from __future__ import annotations

from eval.judge import Turn, judge, reply_text, words_in
from eval.run import load_set, report


def turn(**data):
    return Turn.of({"text": "q", **data}, "t1")


def test_any_expected_string_passes_case_and_dashes_aside():
    assert judge(turn(expect=["9-12 months", "two years"]), "It takes 9\u201312 Months.").passed
    assert not judge(turn(expect=["two years"]), "It takes a while.").passed
    assert judge(turn(expect=["a|b"]), "...b...").passed


def test_every_string_of_expect_all_must_be_there():
    verdict = judge(turn(expect=["47,190"], expect_all=["CAHIIM"]), "$47,190 a year")
    assert not verdict.passed and verdict.missing == ["CAHIIM"]


def test_a_forbidden_pattern_fails_the_reply():
    assert not judge(turn(expect_kind="no_info", forbid=[r"\$\d"]), "The guides don't give it: $40,000").passed


def test_kinds_are_judged_by_what_such_a_reply_says():
    assert judge(turn(expect_kind="no_info"), "The guides I work from don't give a pay figure for Ohio.").passed
    assert judge(turn(expect_kind="other_career"), "I only coach on the medical records technician career").passed
    assert not judge(turn(expect_kind="small_talk:thanks"), "Sorry, I didn't quite get that.").passed
    assert not judge(turn(expect_kind="nonsense"), "anything").passed
    assert not judge(turn(expect_kind="any"), "anything").scored


def test_the_reply_is_every_message_and_its_buttons():
    messages = [{"text": "one two"}, {"text": "three", "buttons": [{"title": "Yes"}]}]
    assert reply_text(messages) == "one two\nthree\n[Yes]" and words_in(messages) == 3


def test_the_set_is_big_enough_and_every_turn_says_what_it_expects():
    conversations = load_set()
    singles = [c for c in conversations if len(c) == 1 and ".t" not in c[0].id]
    assert len(singles) >= 400 and len(conversations) - len(singles) >= 40
    for conversation in conversations:
        for t in conversation:
            assert t.expect or t.expect_all or t.kind, t.id


def test_the_report_counts_per_category():
    results = [
        {"category": "plain", "passed": True, "scored": True, "words": 10, "messages": 1, "flow": False},
        {"category": "plain", "passed": False, "scored": True, "words": 30, "messages": 2, "flow": False},
        {"category": "flow", "passed": True, "scored": False, "words": 99, "messages": 9, "flow": True},
    ]
    summary = report(results, "x")
    assert summary["turns"] == 2 and summary["overall"] == 0.5
    assert summary["categories"] == {"plain": {"turns": 2, "passed": 1, "rate": 0.5}}
    assert summary["words"]["median"] == 20
