"""The README's recipe, walked in a copy of the project: a new topic is three edits (its facts, its
examples, its registry entry), a new question of an existing topic two (examples and registry);
`make topics` writes the rest, the checks of `make validate` pass, and the new question is
answered from its fact with its source."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "build", "models", ".rasa", "results", "node_modules", "__pycache__", ".*_cache", "bench"
)
# What `make topics` writes; everything else that changes is an edit a maintainer makes.
WRITTEN = {"domain.yml", "data/rules/answers.yml"}

FACTS = """\
facts:
  - id: volunteering-records-office-g000
    aspect: where
    measure: where to volunteer
    source: g000
    answer: >-
      A hospital's records office sometimes takes volunteers, a way to see the work up close.
"""
EXAMPLES = [
    "can i volunteer somewhere first",
    "volunteering in a hospital records office?",
    "any volunteer roles to try it out",
    "where could i volunteer to see the job",
    "is volunteering a good start",
    "volunteer work in medical records",
    "unpaid volunteer spots in health records?",
    "could i do some volunteering before school",
    "volunteer opportunities near hospitals",
    "how do i find volunteering in a records dept",
    "does volunteering count for anything",
    "volunteer shifts in a medical records room",
    "want to volunteer at a clinic's records desk",
    "are there volunteer gigs for records work",
    "volunteering to learn the job, possible?",
]
REGISTRY_ENTRY = """
volunteering:
  label: Volunteering in a records office
  answered_by: action_answer_career
  words: 'volunteer'
  intents:
    ask_volunteering:
      button: Volunteering first
      aspects: [where]
      limit: 1
"""


def examples_block(intent: str, examples) -> str:
    return f"- intent: {intent}\n  examples: |\n" + "".join(f"    - {e}\n" for e in examples)


def add_a_topic(copy: Path) -> None:
    """The recipe's three edits for a new topic."""
    (copy / "knowledge" / "facts" / "volunteering.yml").write_text(FACTS)
    (copy / "data" / "nlu" / "topics" / "volunteering.yml").write_text(
        'version: "3.1"\nnlu:\n' + examples_block("ask_volunteering", EXAMPLES)
    )
    with open(copy / "knowledge" / "topics.yml", "a") as registry:
        registry.write(REGISTRY_ENTRY)


def add_a_question(copy: Path) -> None:
    """The recipe's two edits for a new question of an existing topic (pay: overtime)."""
    examples = [
        f"{lead} overtime{tail}"
        for lead in ("do they get", "any", "is there paid")
        for tail in ("", " pay", " hours", " at hospitals", " on weekends")
    ]
    with open(copy / "data" / "nlu" / "topics" / "salary.yml", "a") as nlu:
        nlu.write(examples_block("ask_overtime", examples))
    registry = copy / "knowledge" / "topics.yml"
    text = registry.read_text()
    text = text.replace(
        "  intents:\n    ask_salary:\n",
        "  intents:\n    ask_overtime:\n      button: Overtime\n      aspects: [pay_factors]\n    ask_salary:\n",
        1,
    )
    registry.write_text(text)


def changed_files(copy: Path) -> set:
    changed = set()
    for path in copy.rglob("*"):
        if path.is_file():
            relative = path.relative_to(copy)
            original = ROOT / relative
            if not original.is_file() or original.read_bytes() != path.read_bytes():
                changed.add(str(relative))
    return changed


def run(copy: Path, *command: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(copy), KNOWLEDGE_DB_URL=f"sqlite:///{copy / 'build' / 'knowledge.db'}")
    done = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}\n{done.stderr}"
    return done


ANSWER = """
import json
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from actions.topic_answers import ANSWER_ACTIONS
from actions.reading import INTENT_LABELS
text = "could I volunteer in a records office first?"
latest = {"text": text, "intent": {"name": "ask_volunteering", "confidence": 0.9}, "entities": []}
events = [{"event": "user", "text": text, "parse_data": latest}]
tracker = Tracker("recipe", {}, latest, events, False, None, {}, "action_listen")
dispatcher = CollectingDispatcher()
ANSWER_ACTIONS["ask_volunteering"].run(dispatcher, tracker, {})
print(json.dumps({"messages": dispatcher.messages, "button": INTENT_LABELS["ask_volunteering"],
                  "overtime": type(ANSWER_ACTIONS["ask_overtime"]).__name__}))
"""


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("recipe") / "project"
    shutil.copytree(ROOT, copy, ignore=NOT_COPIED)
    return copy


def test_a_new_topic_takes_three_edits_and_a_new_question_two(copy):
    add_a_topic(copy)
    assert changed_files(copy) == {
        "knowledge/facts/volunteering.yml",
        "data/nlu/topics/volunteering.yml",
        "knowledge/topics.yml",
    }
    add_a_question(copy)
    assert changed_files(copy) == {
        "knowledge/facts/volunteering.yml",
        "data/nlu/topics/volunteering.yml",
        "data/nlu/topics/salary.yml",
        "knowledge/topics.yml",
    }
    # Before `make topics`, `make validate` says what is out of date.
    stale = subprocess.run(
        [sys.executable, "-m", "knowledge.topics", "--check"], cwd=copy, capture_output=True, text=True
    )
    assert stale.returncode == 1 and "domain.yml is out of date: run `make topics`" in stale.stderr

    run(copy, sys.executable, "-m", "knowledge.topics")
    assert changed_files(copy) - WRITTEN == {
        "knowledge/facts/volunteering.yml",
        "data/nlu/topics/volunteering.yml",
        "data/nlu/topics/salary.yml",
        "knowledge/topics.yml",
    }
    domain = (copy / "domain.yml").read_text()
    assert "  - ask_volunteering\n" in domain and "  - ask_overtime\n" in domain


def test_the_copy_passes_validation_and_answers_the_new_question(copy):
    # `make validate`'s checks, then the knowledge built as `make knowledge` builds it.
    run(copy, sys.executable, "-m", "knowledge.topics", "--check")
    run(copy, sys.executable, "-m", "knowledge.vocabulary", "--check")
    run(copy, sys.executable, "scripts/check_nlu.py")
    rasa = Path(sys.executable).with_name("rasa")
    run(copy, str(rasa), "data", "validate", "--fail-on-warnings")
    built = run(copy, sys.executable, "-m", "knowledge.loader")
    assert "in 22 topics" in built.stdout

    said = json.loads(run(copy, sys.executable, "-c", ANSWER).stdout.strip().splitlines()[-1])
    texts = json.dumps(said["messages"])
    assert "records office sometimes takes volunteers" in texts
    assert "Complete Medical Records Technician Career Guide" in texts
    assert said["button"] == "Volunteering first"
    assert said["overtime"] == "ActionAnswerSalary"
