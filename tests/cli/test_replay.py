"""`make replay`: each test conversation's PASS or FAIL, read from what `rasa test core` wrote."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from scripts import replay
from tests.servers import MODEL, ROOT

STORIES = """version: "3.1"
stories:
- story: "greeting: answered"
  steps:
  - user: |
      hello there
    intent: greet
  - action: utter_greet
- story: pay answered by the wrong action on purpose
  steps:
  - user: |
      what is the median salary
    intent: ask_salary
  - action: utter_goodbye
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_a_real_replay_marks_the_wrong_story_failed(tmp_path):
    stories = write(tmp_path / "stories" / "two.yml", STORIES)
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "replay.py"),
            "--stories",
            str(stories),
            "--model",
            str(MODEL),
            "--out",
            str(tmp_path / "out"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    lines = done.stdout.splitlines()
    assert done.returncode == 1, done.stdout + done.stderr
    assert "PASS  greeting: answered" in lines
    assert "FAIL  pay answered by the wrong action on purpose" in lines
    assert any("utter_goodbye  # predicted: action_answer_salary" in line for line in lines)
    assert lines[-1] == "1 of 2 stories passed, 1 failed"


# What rasa test core writes: each story named "<name> (<file>)", wrong steps marked.
FAILED = """version: "3.1"
stories:
- story: 'second: ask pay (/somewhere/a.yml)'
  steps:
  - intent: ask_salary
  - action: utter_goodbye  # predicted: action_answer_salary
- story: same name (/somewhere/b.yml)
  steps:
  - intent: greet
  - action: utter_goodbye  # predicted: utter_greet
"""
SUCCESSFUL = """version: "3.1"
stories:
- story: first (/somewhere/a.yml)
  steps:
  - intent: greet
  - action: utter_greet
- story: same name (/somewhere/a.yml)
  steps:
  - intent: greet
  - action: utter_greet
"""
A = """stories:
- story: first
  steps: []
- story: "second: ask pay"
  steps: []
- story: same name
  steps: []
"""
B = """stories:
- story: same name
  steps: []
- story: never run
  steps: []
"""


def test_results_are_matched_by_story_and_file(tmp_path, capsys):
    files = [write(tmp_path / "a.yml", A), write(tmp_path / "b.yml", B)]
    write(tmp_path / "out" / replay.FAILED, FAILED)
    write(tmp_path / "out" / replay.SUCCESSFUL, SUCCESSFUL)
    results = replay.verdicts(replay.stories_in(files), tmp_path / "out")
    assert [(story, verdict) for story, verdict, _ in results] == [
        (("a.yml", "first"), "PASS"),
        (("a.yml", "second: ask pay"), "FAIL"),
        (("a.yml", "same name"), "PASS"),
        (("b.yml", "same name"), "FAIL"),
        (("b.yml", "never run"), "NOT RUN"),
    ]
    assert results[1][2] == ["- action: utter_goodbye  # predicted: action_answer_salary"]
    assert replay.report(results) == 1
    printed = capsys.readouterr().out.splitlines()
    assert "FAIL  a.yml: second: ask pay" in printed and printed[-1] == "2 of 5 stories passed, 3 failed"


def test_all_passed_exits_zero(tmp_path, capsys):
    files = [write(tmp_path / "a.yml", A.split('- story: "second')[0])]
    write(tmp_path / "out" / replay.FAILED, "# None of the test stories failed - all good!")
    write(tmp_path / "out" / replay.SUCCESSFUL, SUCCESSFUL.split("- story: same")[0])
    assert replay.report(replay.verdicts(replay.stories_in(files), tmp_path / "out")) == 0
    assert capsys.readouterr().out.splitlines() == ["PASS  first", "1 of 1 stories passed"]


def test_no_results_means_failure(tmp_path):
    files = [write(tmp_path / "a.yml", A)]
    results = replay.verdicts(replay.stories_in(files), tmp_path / "missing")
    assert {verdict for _, verdict, _ in results} == {"NOT RUN"} and replay.report(results) == 1
