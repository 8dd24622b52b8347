"""Checks NLU training files before they are trained on.

    python scripts/check_nlu.py                  # every file in data/nlu
    python scripts/check_nlu.py data/nlu/x.yml   # only these files (still checked against the rest)

It reports, and exits 1 on:
- an entity annotation naming an entity the domain does not have, or a malformed annotation;
- an example that appears twice, in the same intent or in two intents (case and
  punctuation ignored);
- an example copied from the held-out test set (tests/nlu), which must stay unseen;
- an example that is a copy or a near-copy of an evaluation question (eval/*/), or a
  curated "asked as" phrasing of a fact (knowledge/facts) that is: the evaluation measures
  questions the coach has never learned from, so none may flow back (`near_copies`);
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


def words_of(text: str) -> List[str]:
    return re.findall(r"[a-z0-9$%']+", text.lower())


def evaluation_questions() -> List[str]:
    """Every user turn of the evaluation set, as plain text."""
    found = []
    for path in sorted((ROOT / "eval").glob("*/*.yml")):  # eval/questions and the held-out sets
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        found += [q["text"] for q in data.get("questions") or []]
        found += [t["text"] for c in data.get("conversations") or [] for t in c["turns"]]
    return [plain(q) for q in found if isinstance(q, str)]


def asked_as_phrasings() -> List[str]:
    found = []
    for path in sorted((ROOT / "knowledge" / "facts").glob("*.yml")):
        for entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("facts") or []:
            found += [plain(p) for p in (entry.get("asked_as") or []) if isinstance(entry, dict)]
    return found


# Two texts of at least this many words are near-copies when they share this share of words
# (Jaccard), or when one is the other with a word or two added, dropped or changed.
NEAR_COPY_JACCARD = 0.75
NEAR_COPY_MIN_WORDS = 4


def near_copies(texts: List[str], protected: List[str]) -> Dict[str, str]:
    """text -> the protected text it copies, for the texts that copy or nearly copy one.

    Short texts (under NEAR_COPY_MIN_WORDS words) count only when equal. Candidates are found
    through shared pairs of words, so a check of 14,000 examples against 1,000 questions takes a
    second."""
    exact = set(protected)
    word_sets = [set(words_of(q)) for q in protected]
    by_pair: Dict[Tuple[str, str], List[int]] = {}
    for i, q in enumerate(protected):
        w = words_of(q)
        if len(w) >= NEAR_COPY_MIN_WORDS:
            for pair in zip(w, w[1:]):
                by_pair.setdefault(pair, []).append(i)
    found: Dict[str, str] = {}
    for text in texts:
        if text in exact:
            found[text] = text
            continue
        w = words_of(text)
        if len(w) < NEAR_COPY_MIN_WORDS:
            continue
        mine = set(w)
        candidates = {i for pair in zip(w, w[1:]) for i in by_pair.get(pair, ())}
        for i in candidates:
            other = word_sets[i]
            if len(mine & other) / len(mine | other) >= NEAR_COPY_JACCARD:
                found[text] = protected[i]
                break
    return found


def main(argv: List[str]) -> int:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    intents = set(domain["intents"])
    # An entry is a name, or a name with its settings ({"MONEY": {"influence_conversation": false}}).
    entities = {next(iter(e)) if isinstance(e, dict) else e for e in domain.get("entities", [])}
    every = sorted((ROOT / "data" / "nlu").rglob("*.yml"))
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
                    problems.append(f"{where}: repeats an example of {other_intent} in {other_path.relative_to(ROOT)}")
            else:
                first_seen[text] = (intent, path)
    mine_texts = sorted({plain(e) for path in checked for _, e in examples(path)})
    for text, copied in near_copies(mine_texts, evaluation_questions()).items():
        problems.append(f"{text!r}: a copy or near-copy of the evaluation question {copied!r}")
    phrasings = asked_as_phrasings()
    for text, copied in near_copies(phrasings, evaluation_questions()).items():
        problems.append(f"knowledge/facts asked_as {text!r}: a near-copy of the evaluation question {copied!r}")
    for intent, n in sorted(counts.items()):
        print(f"{n:5d}  {intent}")
    print(f"{sum(counts.values()):5d}  examples in {len(checked)} file(s)")
    for p in problems:
        print("PROBLEM", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
