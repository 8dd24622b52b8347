"""Provenance check: every figure and named item of a fact is found in the guide it cites,
and no answer copies a guide's sentences.

Run it with `python -m knowledge.provenance`; it exits non-zero naming each failing fact.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set

from knowledge.schema import KNOWLEDGE_DIR, FactRecord, SourceRecord, load_facts, load_sources

DEFAULT_SEEDS_DIR = KNOWLEDGE_DIR.parent.parent / "shared" / "seeds"
# A run of this many words shared with a guide counts as copying its sentence.
COPIED_RUN_WORDS = 8

NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*([kK](?![a-zA-Z]))?")
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def seeds_dir() -> Path:
    return Path(os.environ.get("SEEDS_DIR", DEFAULT_SEEDS_DIR))


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-").replace("\u2014", "-")


def numbers_in(text: str) -> Set[float]:
    """Every figure written in a text: '$47,190' -> 47190, '$35k' -> 35000 (and 35), '7%' -> 7."""
    found: Set[float] = set()
    for digits, thousands in NUMBER.findall(_clean(text)):
        number = float(digits.replace(",", ""))
        found.add(number)
        if thousands:
            found.add(number * 1000)
    return found


def words_in(text: str) -> List[str]:
    return WORD.findall(_clean(text).lower())


def _squash(text: str) -> str:
    return " ".join(words_in(text))


class Guide:
    """One source guide's text, indexed for the checks."""

    def __init__(self, source: SourceRecord, text: str):
        self.source = source
        self.numbers = numbers_in(text)
        self.squashed = f" {_squash(text)} "
        words = words_in(text)
        self.runs = {tuple(words[i : i + COPIED_RUN_WORDS]) for i in range(len(words) - COPIED_RUN_WORDS + 1)}

    def has_item(self, item: str) -> bool:
        return f" {_squash(item)} " in self.squashed


@lru_cache(maxsize=None)
def _guide_text(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def load_guides(sources: Dict[str, SourceRecord], directory: Optional[Path] = None) -> Dict[str, Guide]:
    directory = directory or seeds_dir()
    guides: Dict[str, Guide] = {}
    for key, source in sources.items():
        path = directory / source.file
        if not path.is_file():
            raise FileNotFoundError(f"guide {source.file} for source {key} not found in {directory} (set SEEDS_DIR)")
        guides[key] = Guide(source, _guide_text(str(path)))
    return guides


def fact_numbers(fact: FactRecord) -> Set[float]:
    """The figures a fact states: its values, and every number in its period, answer and points."""
    numbers = {float(n) for n in (fact.value, fact.value_max) if n is not None}
    for text in [fact.period or "", fact.answer, *fact.points, fact.scope_name]:
        numbers |= numbers_in(text)
    if fact.year is not None:
        numbers.add(float(fact.year))
    return numbers


def copied_runs(text: str, items: Iterable[str], guide: "Guide") -> List[str]:
    """Runs of COPIED_RUN_WORDS words the text shares with the guide. Named items may rightly be
    copied word for word, so a run made mostly of item words does not count; but an item inside a
    copied sentence does not excuse the sentence ("Online forums and LinkedIn groups for ...")."""
    item_words = {w for item in items for w in words_in(item)}
    words = words_in(text)
    found = []
    for i in range(len(words) - COPIED_RUN_WORDS + 1):
        run = tuple(words[i : i + COPIED_RUN_WORDS])
        neutral = sum(w in item_words or w.isdigit() or w == "percent" for w in run)  # names and figures
        if run in guide.runs and neutral * 2 < len(run):
            found.append(" ".join(run))
    return found


def problems_of(fact: FactRecord, guide: Guide) -> List[str]:
    problems = []
    for number in sorted(fact_numbers(fact) - guide.numbers):
        shown = int(number) if number.is_integer() else number
        problems.append(f"figure {shown} is not in {guide.source.file}")
    for item in fact.items:
        if not guide.has_item(item):
            problems.append(f"item {item!r} is not in {guide.source.file}")
    scope_items = [fact.scope_name] if fact.scope_type not in ("national", "percentile") else []
    for text in [fact.answer, *fact.points]:
        copied = copied_runs(text, [*fact.items, *scope_items], guide)
        if copied:
            problems.append(f"copies the guide's wording: {copied[0]!r}")
    return problems


def check(facts: List[FactRecord], guides: Dict[str, Guide]) -> List[str]:
    """Every problem, one line each, naming the fact and its file."""
    report = []
    for fact in facts:
        for problem in problems_of(fact, guides[fact.source]):
            report.append(f"{fact.file}: {fact.id} (cites {fact.source}): {problem}")
    return report


def main() -> int:
    sources = load_sources()
    facts = load_facts(sources=sources)
    report = check(facts, load_guides(sources))
    for line in report:
        print(line)
    print(f"provenance: {len(facts)} facts checked, {len(report)} problem(s)")
    return 1 if report else 0


if __name__ == "__main__":
    sys.exit(main())
