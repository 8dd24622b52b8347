"""The shape of the curated knowledge files, and their validation.

Facts live in `knowledge/facts/<topic>.yml`, one file a topic; the guides they cite
live in `knowledge/sources.yml`. Validation reads every file before anything is
written, and reports each problem with the file and the entry it is in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from knowledge.topics import topics

KNOWLEDGE_DIR = Path(__file__).resolve().parent
FACTS_DIR = KNOWLEDGE_DIR / "facts"
SOURCES_FILE = KNOWLEDGE_DIR / "sources.yml"

# What a fact can be about (knowledge/topics.yml). A file's name is its topic.
TOPICS = tuple(topics())

# What the scope of a fact can be. "national" means the United States as a whole.
SCOPE_TYPES = (
    "national",
    "state",
    "city",
    "country",
    "industry",
    "experience_level",
    "employer",
    "percentile",
    "certification",
    "degree_type",
    "role",
    "program",
)

FACT_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ASPECT = re.compile(r"^[a-z][a-z0-9_]*$")


class KnowledgeError(ValueError):
    """The knowledge files are malformed; the message names each file and entry."""

    def __init__(self, problems: List[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class SourceRecord:
    key: str
    file: str
    title: str
    period: str


@dataclass(frozen=True)
class FactRecord:
    id: str
    topic: str
    aspect: str
    measure: str
    answer: str
    source: str
    value: Optional[float] = None
    value_max: Optional[float] = None
    unit: Optional[str] = None
    scope_type: str = "national"
    scope_name: str = "United States"
    period: Optional[str] = None
    year: Optional[int] = None
    items: List[str] = field(default_factory=list)
    points: List[str] = field(default_factory=list)
    asked_as: List[str] = field(default_factory=list)
    seq: int = 0
    file: str = ""


FACT_FIELDS = {
    "id",
    "aspect",
    "measure",
    "answer",
    "source",
    "value",
    "value_max",
    "unit",
    "scope",
    "period",
    "year",
    "items",
    "points",
    # How people ask for the fact, in their words: read by the ranking (knowledge/retrieval.py),
    # never shown; scripts/check_nlu.py keeps them apart from the evaluation questions.
    "asked_as",
}
REQUIRED_FACT_FIELDS = ("id", "aspect", "measure", "answer", "source")


def _read_yaml(path: Path, problems: List[str]) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        problems.append(f"{path.name}: cannot be read as YAML: {error}")
        return None


def load_sources(path: Path = SOURCES_FILE) -> Dict[str, SourceRecord]:
    problems: List[str] = []
    data = _read_yaml(path, problems)
    sources: Dict[str, SourceRecord] = {}
    entries = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        problems.append(f"{path.name}: expected a top-level 'sources' list")
        raise KnowledgeError(problems)
    for index, entry in enumerate(entries):
        where = f"{path.name}: source #{index + 1}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: expected a mapping")
            continue
        missing = [k for k in ("key", "file", "title", "period") if not entry.get(k)]
        if missing:
            problems.append(f"{where}: missing {', '.join(missing)}")
            continue
        if entry["key"] in sources:
            problems.append(f"{where}: duplicate key {entry['key']!r}")
            continue
        sources[entry["key"]] = SourceRecord(
            key=str(entry["key"]),
            file=str(entry["file"]),
            title=str(entry["title"]),
            period=str(entry["period"]),
        )
    if problems:
        raise KnowledgeError(problems)
    return sources


def _number(value: Any) -> Optional[float]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError("must be a number")
    return float(value)


def _strings(value: Any, name: str) -> List[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise TypeError(f"'{name}' must be a list of non-empty strings")
    return [v.strip() for v in value]


def _fact(entry: Any, topic: str, seq: int, file: str, sources: Dict[str, SourceRecord]) -> FactRecord:
    """Builds one fact or raises TypeError/ValueError saying what is wrong with it."""
    if not isinstance(entry, dict):
        raise TypeError("expected a mapping")
    unknown = sorted(set(entry) - FACT_FIELDS)
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}")
    missing = [k for k in REQUIRED_FACT_FIELDS if entry.get(k) in (None, "")]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    if not FACT_ID.match(str(entry["id"])):
        raise ValueError("id must be lower-case words joined by '-'")
    if not ASPECT.match(str(entry["aspect"])):
        raise ValueError("aspect must be a lower_snake_case word")
    if entry["source"] not in sources:
        raise ValueError(f"cites unknown source {entry['source']!r}")
    scope = entry.get("scope") or {"type": "national", "name": "United States"}
    if not isinstance(scope, dict) or scope.get("type") not in SCOPE_TYPES or not scope.get("name"):
        raise ValueError(f"scope must have a type among {', '.join(SCOPE_TYPES)} and a name")
    year = entry.get("year")
    if year is not None and (not isinstance(year, int) or not 1990 <= year <= 2035):
        raise ValueError("year must be a whole year such as 2023")
    try:
        value = _number(entry.get("value"))
        value_max = _number(entry.get("value_max"))
    except TypeError as error:
        raise TypeError(f"value/value_max {error}") from None
    if value_max is not None and (value is None or value_max < value):
        raise ValueError("value_max needs a value no larger than it")
    if (value is not None) != bool(entry.get("unit")):
        raise ValueError("a value needs a unit, and a unit needs a value")
    return FactRecord(
        id=str(entry["id"]),
        topic=topic,
        aspect=str(entry["aspect"]),
        measure=str(entry["measure"]).strip(),
        answer=" ".join(str(entry["answer"]).split()),
        source=str(entry["source"]),
        value=value,
        value_max=value_max,
        unit=entry.get("unit"),
        scope_type=scope["type"],
        scope_name=str(scope["name"]),
        period=str(entry["period"]) if entry.get("period") else None,
        year=year,
        items=_strings(entry.get("items"), "items"),
        points=_strings(entry.get("points"), "points"),
        asked_as=_strings(entry.get("asked_as"), "asked_as"),
        seq=seq,
        file=file,
    )


def load_facts(facts_dir: Path = FACTS_DIR, sources: Optional[Dict[str, SourceRecord]] = None) -> List[FactRecord]:
    """Reads and validates every facts file; raises KnowledgeError listing all problems."""
    sources = sources if sources is not None else load_sources()
    problems: List[str] = []
    facts: List[FactRecord] = []
    seen: Dict[str, str] = {}
    files = sorted(facts_dir.glob("*.yml"))
    if not files:
        raise KnowledgeError([f"{facts_dir}: no facts files (*.yml) found"])
    for path in files:
        topic = path.stem
        if topic not in TOPICS:
            problems.append(f"{path.name}: file name must be a topic among {', '.join(TOPICS)}")
            continue
        data = _read_yaml(path, problems)
        if data is None:
            continue
        entries = data.get("facts") if isinstance(data, dict) else None
        if not isinstance(entries, list) or not entries:
            problems.append(f"{path.name}: expected a non-empty top-level 'facts' list")
            continue
        for index, entry in enumerate(entries):
            label = entry.get("id") if isinstance(entry, dict) and entry.get("id") else f"#{index + 1}"
            try:
                fact = _fact(entry, topic, len(facts), path.name, sources)
            except (TypeError, ValueError) as error:
                problems.append(f"{path.name}: entry {label}: {error}")
                continue
            if fact.id in seen:
                problems.append(f"{path.name}: entry {fact.id}: duplicate id (also in {seen[fact.id]})")
                continue
            seen[fact.id] = path.name
            facts.append(fact)
    if problems:
        raise KnowledgeError(problems)
    return facts
