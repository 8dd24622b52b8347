"""Replays the test conversations against the trained model and prints each story's PASS or
FAIL (with the turns it got wrong), then the total; exits 1 if any failed.

`rasa test core` does the replay, as `make test-stories` does: every user turn goes through
the model's NLU and every next action is the policies' prediction, without calling the action
server (a story states the actions, so their results are not needed). This script reads the
stories it was given and the failed and successful stories it wrote back.

    python scripts/replay.py [--stories tests/stories] [--model models/coach.tar.gz] [--out build/replay]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
FAILED = "failed_test_stories.yml"
SUCCESSFUL = "successful_test_stories.yml"

Story = Tuple[str, str]  # (file name, story name)


def story_files(stories: Path) -> List[Path]:
    if stories.is_file():
        return [stories]
    return sorted(p for p in stories.rglob("*") if p.suffix in (".yml", ".yaml"))


def stories_in(files: List[Path]) -> List[Story]:
    """Every story of the files, in order."""
    found = []
    for path in files:
        data = yaml.safe_load(path.read_text()) or {}
        for story in data.get("stories") or []:
            found.append((path.name, str(story["story"])))
    return found


def reported(path: Path) -> Tuple[Counter, Dict[Story, List[str]]]:
    """The stories in one of rasa's result files, and the lines of each marked `# predicted:`.

    Rasa names each story there "<name> (<file it came from>)".
    """
    stories: Counter = Counter()
    mistakes: Dict[Story, List[str]] = {}
    if not path.is_file():
        return stories, mistakes
    current = None
    for line in path.read_text().splitlines():
        if line.startswith("- story: "):
            name, _, source = str(yaml.safe_load(line[len("- story: ") :])).rpartition(" (")
            current = (Path(source.rstrip(")")).name, name)
            stories[current] += 1
            mistakes.setdefault(current, [])
        elif current and "# predicted:" in line:
            mistakes[current].append(line.strip())
    return stories, mistakes


def verdicts(expected: List[Story], out: Path) -> List[Tuple[Story, str, List[str]]]:
    """PASS, FAIL or NOT RUN for each story, with its wrong predictions."""
    failed, mistakes = reported(out / FAILED)
    passed, _ = reported(out / SUCCESSFUL)
    results = []
    for story in expected:
        if failed[story]:
            failed[story] -= 1
            results.append((story, "FAIL", mistakes.get(story, [])))
        elif passed[story]:
            passed[story] -= 1
            results.append((story, "PASS", []))
        else:
            results.append((story, "NOT RUN", []))
    return results


def report(results: List[Tuple[Story, str, List[str]]]) -> int:
    several_files = len({file for (file, _), _, _ in results}) > 1
    for (file, name), verdict, wrong in results:
        print(f"{verdict:<5} {file + ': ' if several_files else ''}{name}")
        for line in wrong:
            print(f"        {line}")
    passed = sum(verdict == "PASS" for _, verdict, _ in results)
    print(
        f"{passed} of {len(results)} stories passed"
        + (f", {len(results) - passed} failed" if passed < len(results) else "")
    )
    return 0 if results and passed == len(results) else 1


def replay(stories: Path, model: Path, out: Path) -> int:
    expected = stories_in(story_files(stories))
    if not expected:
        print(f"replay: no stories in {stories}", file=sys.stderr)
        return 1
    if not model.is_file():
        print(f"replay: no trained model at {model}: run `make train`", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    for old in (FAILED, SUCCESSFUL):
        (out / old).unlink(missing_ok=True)
    print(f"replaying {len(expected)} stories from {stories} against {model} ...", flush=True)
    log = out / "rasa.log"
    with open(log, "w") as log_file:
        run = subprocess.run(
            [
                str(BIN / "rasa"),
                "test",
                "core",
                "--model",
                str(model),
                "--stories",
                str(stories),
                "--out",
                str(out),
                "--successes",
                "--no-plot",
            ],
            cwd=ROOT,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, RASA_TELEMETRY_ENABLED="false"),
        )
    if run.returncode != 0 or not (out / FAILED).is_file():
        print(f"replay: rasa test core failed (exit {run.returncode}); the end of {log}:", file=sys.stderr)
        print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
        return 1
    return report(verdicts(expected, out))


def main(argv: List[str] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=Path, default=ROOT / "tests" / "stories")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "coach.tar.gz")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "replay")
    args = parser.parse_args(argv)
    return replay(args.stories, args.model, args.out)


if __name__ == "__main__":
    sys.exit(main())
