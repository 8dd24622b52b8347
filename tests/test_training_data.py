"""The training data and the domain agree with the actions."""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from tests.actions.test_answers import ANSWER_ACTIONS

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
ANNOTATION = re.compile(r"\[([^\]]+)\](\([^)]+\)|\{[^}]+\})")


@lru_cache(maxsize=1)
def nlu_examples() -> Counter:
    counts: Counter = Counter()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text())["nlu"]:
            if "intent" in block:
                counts[block["intent"]] += len([l for l in block["examples"].splitlines() if l.strip().startswith("- ")])
    return counts


# Intents only a button sends (their payload names them), so they need no examples.
BUTTON_ONLY_INTENTS = {"clarify"}


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
    from actions.coach import clarify_buttons

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
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text())["nlu"]:
            if "intent" not in block:
                continue
            for line in block["examples"].splitlines():
                text = ANNOTATION.sub(r"\1", line.strip()[2:]).lower().strip()
                if text:
                    assert seen.setdefault(text, block["intent"]) == block["intent"], text
