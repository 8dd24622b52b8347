"""The training data and the domain agree with the actions."""

from __future__ import annotations

import importlib.util
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from actions.topic_answers import TOPIC_ACTIONS as ANSWER_ACTIONS

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())

# The training data checker of `make validate`: its reading of the NLU files is the one used here.
_spec = importlib.util.spec_from_file_location("check_nlu", ROOT / "scripts" / "check_nlu.py")
check_nlu = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_nlu)


@lru_cache(maxsize=1)
def nlu_examples() -> Counter:
    return Counter(intent for path in (ROOT / "data" / "nlu").rglob("*.yml") for intent, _ in check_nlu.examples(path))


# Intents only a button sends (their payload names them), so they need no examples.
# Intents no one types: sent by buttons (clarify) or by the channel (document_checked).
BUTTON_ONLY_INTENTS = {"clarify", "document_checked"}


def rules() -> dict:
    """What each rule that starts with a user message does first: {intent: action}."""
    answers = {}
    for path in (ROOT / "data" / "rules").glob("*.yml"):
        for rule in yaml.safe_load(path.read_text())["rules"]:
            steps = rule["steps"]
            if "intent" in steps[0] and "action" in steps[1]:
                answers.setdefault(steps[0]["intent"], steps[1]["action"])
    return answers


@pytest.mark.parametrize("intent", DOMAIN["intents"])
def test_every_intent_has_at_least_fifteen_examples(intent):
    if intent in BUTTON_ONLY_INTENTS:
        pytest.skip("sent only by buttons")
    assert nlu_examples()[intent] >= 15


def test_button_only_intents_are_what_the_buttons_send():
    from actions.reading import clarify_buttons

    payloads = [b["payload"] for b in clarify_buttons(["ask_salary", "ask_benefits"])]
    assert all(p.startswith("/clarify{") for p in payloads)


def test_every_intent_is_answered_by_a_rule():
    answered = rules()
    missing = [i for i in DOMAIN["intents"] if i not in answered]
    assert not missing


def test_each_career_intent_goes_to_the_action_that_knows_it():
    answered = rules()
    for action in ANSWER_ACTIONS:
        for intent in action.specs:
            assert answered[intent] == action.name(), intent
            assert action.name() in DOMAIN["actions"]


def test_examples_are_not_repeated_across_intents():
    seen = {}
    for path in (ROOT / "data" / "nlu").rglob("*.yml"):
        for intent, example in check_nlu.examples(path):
            text = check_nlu.plain(example)
            assert seen.setdefault(text, intent) == intent, text


def test_the_training_data_passes_the_checker(capsys):
    """Annotations name known entities, nothing repeats, and no held-out example is trained on."""
    assert check_nlu.main([]) == 0, capsys.readouterr().out


def test_a_near_copy_of_an_evaluation_question_is_found():
    protected = ["how much do medical records technicians earn per year", "hi there"]
    found = check_nlu.near_copies(
        [
            "how much do medical records techs earn per year",  # one word changed
            "how much do medical records technicians earn per year in texas",  # words added
            "hi there",  # a short text: only an exact copy counts
            "hi",
            "what certifications should a new technician get first",
        ],
        protected,
    )
    assert set(found) == {
        "how much do medical records techs earn per year",
        "how much do medical records technicians earn per year in texas",
        "hi there",
    }


def test_no_training_example_or_asked_as_phrasing_copies_an_evaluation_question():
    questions = check_nlu.evaluation_questions()
    assert len(questions) >= 600
    examples = sorted(
        {check_nlu.plain(e) for p in (ROOT / "data" / "nlu").glob("*.yml") for _, e in check_nlu.examples(p)}
    )
    assert check_nlu.near_copies(examples, questions) == {}
    assert check_nlu.near_copies(check_nlu.asked_as_phrasings(), questions) == {}
