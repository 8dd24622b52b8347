"""The coach's topics (knowledge/topics.yml): each topic's label, the action that answers it, the
words that name it, and its intents with their buttons and answer settings.

Rasa reads two things that follow from it, and this module writes them, as
`knowledge/vocabulary.py` writes the lookups: the topics' intents in domain.yml (between two
marker lines) and one rule per intent in data/rules/answers.yml.

    python -m knowledge.topics            write them (make topics)
    python -m knowledge.topics --check    say what is out of date or wrong, exit 1 (make validate)
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[1]
TOPICS_FILE = ROOT / "knowledge" / "topics.yml"
DOMAIN_FILE = ROOT / "domain.yml"
RULES_FILE = ROOT / "data" / "rules" / "answers.yml"
NLU_TOPICS_DIR = ROOT / "data" / "nlu" / "topics"

BEGIN = "  # begin: the topics' intents, written from knowledge/topics.yml by `make topics`"
END = "  # end: the topics' intents"

# An intent's answer settings and the type each must have (actions/specs.py's AnswerSpec).
SETTINGS = {
    "aspects": list,
    "scopes": list,
    "scoped_aspects": list,
    "limit": int,
    "newest_first": bool,
    "one_per_aspect": bool,
    "what": str,
    "follow_up": str,
    "compare_scopes": list,
    "this_career_only": bool,
    "keywords": list,
    "together": list,
}
NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class TopicsError(ValueError):
    """knowledge/topics.yml does not say what it must; the message names the topic and intent."""


@dataclass(frozen=True)
class Intent:
    name: str
    topic: str
    button: str
    settings: Dict[str, Any]


@dataclass(frozen=True)
class Topic:
    name: str
    label: str
    answered_by: str
    words: str
    intents: Tuple[Intent, ...]


def _intent(topic: str, name: str, entry: Any) -> Intent:
    where = f"{topic}: {name}"
    if not NAME.match(str(name)):
        raise TopicsError(f"{where}: an intent's name is lower case letters, digits and _")
    if not isinstance(entry, dict) or not isinstance(entry.get("button"), str):
        raise TopicsError(f"{where}: needs a button (plain words for a clarification button)")
    settings = {key: value for key, value in entry.items() if key != "button"}
    for key, value in settings.items():
        if key not in SETTINGS:
            raise TopicsError(f"{where}: unknown setting {key!r} (known: {', '.join(SETTINGS)})")
        if not isinstance(value, SETTINGS[key]):
            raise TopicsError(f"{where}: {key} must be a {SETTINGS[key].__name__}")
    for rule in settings.get("keywords", []):
        if not isinstance(rule, dict) or set(rule) != {"pattern", "aspects"}:
            raise TopicsError(f"{where}: each keyword is {{pattern, aspects}}")
        _compiles(where, rule["pattern"])
    for rule in settings.get("together", []):
        if not isinstance(rule, dict) or set(rule) != {"pattern", "intent"}:
            raise TopicsError(f"{where}: each together entry is {{pattern, intent}}")
        _compiles(where, rule["pattern"])
    return Intent(name=name, topic=topic, button=entry["button"], settings=settings)


def _compiles(where: str, pattern: Any) -> None:
    try:
        re.compile(str(pattern))
    except re.error as error:
        raise TopicsError(f"{where}: the pattern {pattern!r} is not a regular expression: {error}") from None


def load(path: Path = TOPICS_FILE) -> Dict[str, Topic]:
    """The topics in the file's order; raises TopicsError naming the first problem."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise TopicsError(f"{path.name}: a mapping of topics")
    topics: Dict[str, Topic] = {}
    seen: Dict[str, str] = {}
    for name, entry in data.items():
        if not NAME.match(str(name)):
            raise TopicsError(f"{name}: a topic's name is lower case letters, digits and _")
        missing = [key for key in ("label", "answered_by", "words", "intents") if not (entry or {}).get(key)]
        if missing:
            raise TopicsError(f"{name}: needs {', '.join(missing)}")
        unknown = set(entry) - {"label", "answered_by", "words", "intents"}
        if unknown:
            raise TopicsError(f"{name}: unknown key {', '.join(sorted(unknown))}")
        _compiles(name, entry["words"])
        intents = tuple(_intent(name, intent, value) for intent, value in entry["intents"].items())
        for intent in intents:
            if intent.name in seen:
                raise TopicsError(f"{name}: {intent.name} is already a question of {seen[intent.name]}")
            seen[intent.name] = name
        topics[name] = Topic(
            name=name,
            label=str(entry["label"]),
            answered_by=str(entry["answered_by"]),
            words=str(entry["words"]),
            intents=intents,
        )
    for topic in topics.values():
        for intent in topic.intents:
            for rule in intent.settings.get("together", []):
                if rule["intent"] not in seen:
                    raise TopicsError(f"{topic.name}: {intent.name}: together names {rule['intent']}, not an intent")
    return topics


@lru_cache(maxsize=None)
def topics() -> Dict[str, Topic]:
    """The project's topics (knowledge/topics.yml), read once."""
    return load()


def intents() -> Dict[str, Intent]:
    """Every topic's intents, in the file's order."""
    return {intent.name: intent for topic in topics().values() for intent in topic.intents}


# --- The files written from it ------------------------------------------------------------


def rules_yaml(registry: Dict[str, Topic]) -> str:
    lines = [
        'version: "3.1"',
        "",
        "# One rule per career question: its intent is answered by its topic's action.",
        "# Written from knowledge/topics.yml by `make topics`; edit that file, not this one.",
        "rules:",
    ]
    for topic in registry.values():
        for intent in topic.intents:
            lines += [
                f"- rule: answer {intent.name}",
                "  steps:",
                f"  - intent: {intent.name}",
                f"  - action: {topic.answered_by}",
            ]
    return "\n".join(lines) + "\n"


def domain_with_intents(domain: str, registry: Dict[str, Topic]) -> str:
    """domain.yml's text with the lines between the markers replaced by the topics' intents."""
    lines = domain.split("\n")
    if BEGIN not in lines or END not in lines or lines.index(BEGIN) > lines.index(END):
        raise TopicsError(f"domain.yml: the intents need the two marker lines:\n{BEGIN}\n{END}")
    start, end = lines.index(BEGIN), lines.index(END)
    generated = [f"  - {intent.name}" for topic in registry.values() for intent in topic.intents]
    return "\n".join(lines[: start + 1] + generated + lines[end:])


def problems(registry: Dict[str, Topic], domain: Dict[str, Any]) -> List[str]:
    """What the registry names that the domain or the data lacks."""
    found = []
    # An action is a name, or a mapping of its name to its settings ({action: {send_domain: true}}).
    actions = {item if isinstance(item, str) else next(iter(item)) for item in domain.get("actions") or []}
    responses = set(domain.get("responses") or {})
    facts_dir = ROOT / "knowledge" / "facts"
    for topic in registry.values():
        if topic.answered_by not in actions:
            found.append(f"{topic.name}: answered_by {topic.answered_by} is not an action of domain.yml")
        if not (facts_dir / f"{topic.name}.yml").is_file():
            found.append(f"{topic.name}: no facts file knowledge/facts/{topic.name}.yml")
        examples = NLU_TOPICS_DIR / f"{topic.name}.yml"
        written = yaml.safe_load(examples.read_text(encoding="utf-8")) if examples.is_file() else None
        with_examples = {block.get("intent") for block in (written or {}).get("nlu") or []}
        for intent in topic.intents:
            follow_up = intent.settings.get("follow_up")
            if follow_up and follow_up not in responses:
                found.append(f"{topic.name}: {intent.name}: follow_up {follow_up} is not a response of domain.yml")
            if intent.name not in with_examples:
                found.append(f"{topic.name}: {intent.name} has no examples in data/nlu/topics/{topic.name}.yml")
    return found


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        registry = load()
        domain_text = DOMAIN_FILE.read_text(encoding="utf-8")
        wanted = {RULES_FILE: rules_yaml(registry), DOMAIN_FILE: domain_with_intents(domain_text, registry)}
    except TopicsError as error:
        print(f"knowledge/topics.yml: {error}", file=sys.stderr)
        return 1
    found = problems(registry, yaml.safe_load(wanted[DOMAIN_FILE]) or {})
    if "--check" in argv:
        found += [
            f"{shown(path)} is out of date: run `make topics`"
            for path, text in wanted.items()
            if not path.is_file() or path.read_text(encoding="utf-8") != text
        ]
    else:
        for path, text in wanted.items():
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
                print(f"wrote {shown(path)}")
    for problem in found:
        print(problem, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
