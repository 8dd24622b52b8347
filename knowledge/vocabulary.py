"""The names a user can give (states, countries, levels...) and how to read them.

`vocabulary.yml` maps each canonical value, the name the facts' scopes use, to the ways
people write it. The same file generates the NLU synonyms and lookup tables
(`python -m knowledge.vocabulary --write-nlu`), so the two never drift apart.
"""

from __future__ import annotations

import difflib
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from knowledge.schema import KNOWLEDGE_DIR

VOCABULARY_FILE = KNOWLEDGE_DIR / "vocabulary.yml"
LOOKUPS_FILE = KNOWLEDGE_DIR.parent / "data" / "nlu" / "lookups.yml"
# Lookup-table entries shorter than this are left to the model: "in", "me" and "ok"
# must not become Indiana, Maine and Oklahoma in every sentence.
MIN_LOOKUP_LENGTH = 4
# Misspellings are looked for in this many words at most: a question names its place early,
# and a pasted essay must not cost seconds of fuzzy matching.
MAX_FUZZY_WORDS = 50


def _key(text: str) -> str:
    """Case, punctuation and spacing folded: "D.C." and "dc" meet."""
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def _is_capitals_only(variant: str) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", variant)
    return len(letters) <= 3 and letters.isupper()


class Vocabulary:
    """Reads entity values the way a user writes them and returns the canonical value."""

    def __init__(self, path: Path = VOCABULARY_FILE):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.values: Dict[str, Dict[str, List[str]]] = {
            entity: {str(name): [str(v) for v in (variants or [])] for name, variants in values.items()}
            for entity, values in data["entities"].items()
        }
        self._index: Dict[str, Dict[str, str]] = {}
        self._patterns: Dict[str, List[tuple]] = {}
        for entity, values in self.values.items():
            index = self._index.setdefault(entity, {})
            patterns = self._patterns.setdefault(entity, [])
            for name, variants in values.items():
                for form in [name, *variants]:
                    index.setdefault(_key(form), name)
                    flags = 0 if _is_capitals_only(form) else re.IGNORECASE
                    body = r"\s*".join(re.escape(part) for part in form.split())
                    patterns.append((re.compile(rf"(?<![\w.]){body}(?![\w])", flags), name, len(form)))
            patterns.sort(key=lambda p: -p[2])  # longest first: "West Virginia" before "Virginia"
        self.other_careers: List[str] = sorted((str(c) for c in data.get("other_careers") or []), key=len, reverse=True)
        names = "|".join(re.escape(c) for c in self.other_careers)
        career = rf"(?P<career>{names})(?:e?s)?"
        a = r"(?:an?\s+|the\s+)?"
        # Only where the career is the subject of the question, not "do I work with nurses".
        self._other_career_questions = (
            [
                re.compile(p, re.IGNORECASE)
                for p in (
                    rf"\b(?:become|becoming|work as|working as|career as|job as)\s+{a}{career}\b",
                    rf"\bhow much (?:do|does|can|would|will)\s+{a}{career}\s+(?:make|earn|get|be paid)",
                    rf"\b{career}(?:'s)?\s+(?:salary|salaries|pay|wages?|income|outlook|duties|jobs?)\b",
                    # "is pharmacy tech a good career?", "would phlebotomy be a better job"
                    rf"\b(?:is|are|would|could)\s+(?:being\s+)?{a}{career}\s+(?:be\s+)?(?:a\s+|an\s+)?"
                    rf"(?:good|bad|great|decent|solid|better|smart|worthwhile)\s+(?:career|job|field|choice|option|path)",
                    rf"\bwhat (?:do|does)\s+{a}{career}\s+(?:do|make|earn)\b",
                    rf"\b(?:salary|pay|wages?|income)\s+(?:of|for)\s+{a}{career}\b",
                    # "what software do radiology technologists use", "what's the shift schedule like for ER nurses"
                    rf"\b(?:do|does)\s+{a}(?:\w+\s+)?{career}\s+(?:use|need|learn|study)\b",
                    rf"\b(?:schedules?|shifts?|hours|software|tools|days?)\b(?:\s+\w+){{0,2}}\s+(?:for|of)\s+{a}(?:\w+\s+)?"
                    rf"{career}\s*\??\s*$",
                )
            ]
            if names
            else []
        )
        # Any question that names another career and nothing of this one ("what skills does a
        # welder need"), unless the person names it as their own past or present job.
        # "a doctors office", "a small doctor's practice": a workplace, not the career
        self._other_career_named = (
            re.compile(rf"\b{career}\b(?!(?:'s|s'|')?\s+(?:offices?|practices?|clinics?)\b)", re.IGNORECASE)
            if names
            else None
        )
        plain_career = rf"(?:{names})(?:e?s)?"
        self._own_job = (
            re.compile(
                rf"\b(?:i'?m|i am|im|i was|i've been|ive been|i used to be|used to work as|worked as|my job as|"
                rf"i work as|currently)\s+{a}(?:\w+\s+)?{plain_career}\b"
                rf"|\bwork(?:ing|ed)?\s+(?:\w+\s+){{0,2}}as\s+{a}(?:\w+\s+)?{plain_career}\b"
                rf"|\b(?:former|ex-?|retired|burned out|burnt out|tired)\s+{plain_career}\b"
                rf"|\b(?:from|leaving|left|quit|after|instead of|than|like|vs\.?|versus|or|with|alongside|to|and)\s+"
                rf"(?:\w+\s+){{0,2}}{plain_career}",
                re.IGNORECASE,
            )
            if names
            else None
        )

    @property
    def entities(self) -> List[str]:
        return list(self.values)

    def canonical(self, entity: str, value: object) -> Optional[str]:
        """The canonical value for what the NLU extracted, tolerating typos ("new jersy")."""
        if not isinstance(value, str) or entity not in self._index:
            return None
        index = self._index[entity]
        key = _key(value)
        if not key:
            return None
        if key in index:
            return index[key]
        return self._close(entity, key)

    def _close(self, entity: str, key: str) -> Optional[str]:
        """A near spelling of a long enough form ("texs", "new jersy"), or None."""
        form = self._close_form(entity, key)
        return self._index[entity][form] if form else None

    def _close_form(self, entity: str, key: str) -> Optional[str]:
        if len(key) < 4:
            return None
        index = self._index[entity]
        # Only forms of about the same length: "certification" is not "rhit certification".
        candidates = [k for k in index if len(k) >= 4 and abs(len(k) - len(key)) <= 2]
        close = difflib.get_close_matches(key, candidates, n=1, cutoff=0.85)
        return close[0] if close else None

    def find_in_text(self, entity: str, text: str) -> List[str]:
        """Canonical values named in free text, in order of appearance, each once."""
        return list(self._found_in_text(entity, text or ""))

    @lru_cache(maxsize=2048)
    def _found_in_text(self, entity: str, text: str) -> tuple:
        # One message is read for each kind of thing several times a turn (every answer's scope,
        # the ladder, the superlatives): its result is remembered.
        found = []
        taken: List[range] = []
        for pattern, name, _ in self._patterns.get(entity, []):
            for match in pattern.finditer(text or ""):
                span = range(match.start(), match.end())
                if any(set(span) & set(t) for t in taken):
                    continue
                taken.append(span)
                found.append((match.start(), name))
        # A misspelt value beside a well-spelt one counts too ("a senoir tech ... from a junior one").
        found += [
            (start, name)
            for start, name in self._misspelt_in_text(entity, text or "")
            if not any(start in t for t in taken)
        ]
        seen: List[str] = []
        for _, name in sorted(found):
            if name not in seen:
                seen.append(name)
        return tuple(seen)

    def _misspelt_in_text(self, entity: str, text: str) -> List[tuple]:
        """Runs of one to three words that are a near spelling of a value."""
        words = [(m.start(), m.group()) for m in re.finditer(r"[A-Za-z][A-Za-z'.]*", text)][:MAX_FUZZY_WORDS]
        found = []
        known = known_words()
        for size in (3, 2, 1):
            for i in range(len(words) - size + 1):
                # Words spelt right are not a misspelling of anything: "a degree" is not "AS degree".
                if all(w.lower().strip("'.") in known for _, w in words[i : i + size]):
                    continue
                key = _key(" ".join(w for _, w in words[i : i + size]))
                name = self._close(entity, key) if len(key) >= 5 else None
                if name:
                    found.append((words[i][0], name))
        return found

    def other_career_asked(self, text: str) -> Optional[str]:
        """The career a question is about when it is one the coach does not cover, else None."""
        for pattern in self._other_career_questions:
            match = pattern.search(text or "")
            if match:
                return match.group("career").lower()
        if self._other_career_named is None or THIS_CAREER.search(text or "") or self._own_job.search(text or ""):
            return None
        match = self._other_career_named.search(text or "")
        return match.group("career").lower() if match else None

    def synonyms(self) -> Dict[str, List[str]]:
        """Canonical value -> its variants, across entities (Rasa's synonyms ignore the entity).
        A variant that would map to two different values is an error in vocabulary.yml."""
        merged: Dict[str, List[str]] = {}
        owner: Dict[str, str] = {}
        for values in self.values.values():
            for name, variants in values.items():
                for variant in variants:
                    key = variant.lower()
                    if owner.setdefault(key, name) != name:
                        raise ValueError(f"vocabulary: {variant!r} means both {owner[key]!r} and {name!r}")
                    if key != name.lower() and variant not in merged.setdefault(name, []):
                        merged[name].append(variant)
        return {name: variants for name, variants in merged.items() if variants}

    def nlu_yaml(self) -> str:
        """Rasa NLU synonyms and lookup tables for every entity."""
        lines = [
            "# Generated from knowledge/vocabulary.yml by `make lookups`; edit that file instead.",
            'version: "3.1"',
            "nlu:",
        ]
        for name, variants in self.synonyms().items():
            lines.append(f"- synonym: {_quoted(name)}")
            lines.append("  examples: |")
            lines.extend(f"    - {v}" for v in variants)
        for entity, values in self.values.items():
            entries = []
            for name, variants in values.items():
                entries.extend(f for f in [name, *variants] if len(f) >= MIN_LOOKUP_LENGTH and f not in entries)
            lines.append(f"- lookup: {entity}")
            lines.append("  examples: |")
            lines.extend(f"    - {e}" for e in entries)
        return "\n".join(lines) + "\n"


# Words that put a question on this career even when another is named ("nurse to medical records").
THIS_CAREER = re.compile(
    r"\b(medical records?|health information|health info|records? tech|\bhit\b|\bhim\b|rhit|rhia|coder|coding"
    r"|registrar|ehr|this (job|career|field|role|work)|records)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def known_words() -> frozenset:
    """Words spelt as the facts and the vocabulary spell them, and common short words."""
    from knowledge.retrieval import STOPWORDS

    found = set(STOPWORDS)
    for path in list((Path(__file__).parent / "facts").glob("*.yml")) + [VOCABULARY_FILE]:
        found.update(re.findall(r"[a-z][a-z']*", path.read_text(encoding="utf-8").lower()))
    return frozenset(w.strip("'") for w in found)


def _quoted(text: str) -> str:
    return yaml.safe_dump(text, default_style='"').strip()


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return Vocabulary()


def main(argv: List[str]) -> int:
    text = vocabulary().nlu_yaml()
    if "--check" in argv:
        if not LOOKUPS_FILE.is_file() or LOOKUPS_FILE.read_text(encoding="utf-8") != text:
            print(f"{LOOKUPS_FILE} is out of date: run `make lookups`", file=sys.stderr)
            return 1
        return 0
    LOOKUPS_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {LOOKUPS_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
