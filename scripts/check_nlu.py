"""Checks NLU training files before they are trained on.

    python scripts/check_nlu.py                  # every file in data/nlu
    python scripts/check_nlu.py data/nlu/x.yml   # only these files (still checked against the rest)

It reports, and exits 1 on:
- an entity annotation naming an entity the domain does not have, or a malformed annotation;
- an example that appears twice, in the same intent or in two intents (case and
  punctuation ignored);
- an example copied from the held-out test set (tests/nlu), which must stay unseen;
- an intent the domain does not list.
It prints the number of examples per intent of the files checked.
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
ANNOTATION = re.compile(r"\[([^\]]+)\](\(([^)]+)\)|\{[^}]+\})")
BRACKETS = re.compile(r"[\[\]]")


def examples(path: Path) -> Iterator[Tuple[str, str]]:
    """(intent, raw example) pairs of one NLU file."""
    for block in yaml.safe_load(path.read_text()).get("nlu", []):
        if "intent" in block:
            for line in block["examples"].splitlines():
                if line.strip().startswith("- "):
                    yield block["intent"], line.strip()[2:]


def plain(example: str) -> str:
    """The text a user would have typed: annotations removed, case and punctuation ignored."""
    text = ANNOTATION.sub(r"\1", example).lower()
    words = " ".join(re.sub(r"[^\w\s$']", " ", text).split())
    return words or " ".join(text.split())  # an emoji alone is its own example


def problems_in(example: str, entities: set) -> List[str]:
    found = []
    for match in ANNOTATION.finditer(example):
        entity = match.group(3)
        if entity is None:  # {"entity": ..., "value": ...}
            try:
                entity = yaml.safe_load(match.group(2))["entity"]
            except Exception:
                found.append(f"unreadable annotation {match.group(0)!r}")
                continue
        if entity not in entities:
            found.append(f"unknown entity {entity!r}")
    if BRACKETS.search(ANNOTATION.sub("", example)):
        found.append("a bracket outside an annotation (a broken annotation?)")
    return found


def main(argv: List[str]) -> int:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    intents = set(domain["intents"])
    entities = set(domain.get("entities", []))
    every = sorted((ROOT / "data" / "nlu").glob("*.yml"))
    checked = [Path(a).resolve() for a in argv] or every
    held_out = {plain(e) for p in (ROOT / "tests" / "nlu").glob("*.yml") for _, e in examples(p)}

    first_seen: Dict[str, Tuple[str, Path]] = {}
    problems: List[str] = []
    counts: Counter = Counter()
    # Files not being checked go first, so a repeat is blamed on the file being checked.
    for path in [p for p in every if p not in checked] + checked:
        mine = path in checked
        for intent, example in examples(path):
            text = plain(example)
            where = f"{path.relative_to(ROOT)}: {intent}: {example!r}"
            if mine:
                counts[intent] += 1
                if intent not in intents:
                    problems.append(f"{where}: intent not in domain.yml")
                problems += [f"{where}: {p}" for p in problems_in(example, entities)]
                if text in held_out:
                    problems.append(f"{where}: copied from the held-out set in tests/nlu")
            if text in first_seen:
                other_intent, other_path = first_seen[text]
                if mine:
                    problems.append(f"{where}: repeats an example of {other_intent} "
                                    f"in {other_path.relative_to(ROOT)}")
            else:
                first_seen[text] = (intent, path)
    for intent, n in sorted(counts.items()):
        print(f"{n:5d}  {intent}")
    print(f"{sum(counts.values()):5d}  examples in {len(checked)} file(s)")
    for p in problems:
        print("PROBLEM", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
