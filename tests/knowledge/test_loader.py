"""The loader: builds the store from the files, idempotently, and never half-loads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge.loader import build, make_engine
from knowledge.models import Fact, FactEntry, Source
from knowledge.schema import FACTS_DIR, SOURCES_FILE, TOPICS, KnowledgeError, load_facts


def table_counts(url: str) -> tuple:
    engine = make_engine(url)
    with Session(engine) as session:
        counts = tuple(session.scalar(select(func.count()).select_from(t)) for t in (Source, Fact, FactEntry))
    engine.dispose()
    return counts


def snapshot(url: str) -> list:
    engine = make_engine(url)
    with Session(engine) as session:
        rows = [
            (f.id, f.topic, f.value, f.answer, f.source_key, tuple(f.items), tuple(f.points))
            for f in session.scalars(select(Fact).order_by(Fact.id))
        ]
    engine.dispose()
    return rows


@pytest.fixture
def facts_copy(tmp_path: Path) -> Path:
    target = tmp_path / "facts"
    shutil.copytree(FACTS_DIR, target)
    return target


def test_every_topic_has_facts():
    topics = {f.topic for f in load_facts()}
    assert topics == set(TOPICS)


def test_build_loads_every_fact(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    facts = build(url)
    sources, stored_facts, entries = table_counts(url)
    assert sources == 5
    assert stored_facts == len(facts) > 300
    assert entries == sum(len(f.items) + len(f.points) for f in facts)


def test_rebuilding_is_idempotent(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    build(url)
    first = snapshot(url)
    build(url)
    assert snapshot(url) == first
    assert table_counts(url)[1] == len(first)


def test_malformed_entry_is_rejected_naming_file_and_entry(tmp_path, facts_copy):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    build(url, facts_dir=facts_copy)
    before = snapshot(url)
    salary = facts_copy / "salary.yml"
    salary.write_text(salary.read_text().replace("    value: 47190\n", "    value: forty-seven thousand\n", 1))
    with pytest.raises(KnowledgeError) as error:
        build(url, facts_dir=facts_copy)
    assert "salary.yml: entry salary-median-national-2023" in str(error.value)
    assert "number" in str(error.value)
    assert snapshot(url) == before, "a rejected build must leave the store as it was"


@pytest.mark.parametrize(
    "mutation, message",
    [
        (lambda t: t.replace("source: g000", "source: g999", 1), "unknown source 'g999'"),
        (lambda t: t.replace("    aspect: median\n", "", 1), "missing aspect"),
        (lambda t: t.replace("    unit: USD per year\n", "", 1), "a value needs a unit"),
        (lambda t: t.replace("    year: 2023\n", "    year: twenty\n", 1), "year must be"),
        (
            lambda t: t + "  - {id: salary-median-national-2023, aspect: x, measure: x, answer: x, source: g000}\n",
            "duplicate id",
        ),
        (lambda t: t.replace("facts:", "facts: [", 1), "cannot be read as YAML"),
        (lambda t: t.replace("    period: May 2023\n", "    period: May 2023\n    colour: red\n", 1), "unknown field"),
    ],
)
def test_each_kind_of_problem_is_named(facts_copy, mutation, message):
    salary = facts_copy / "salary.yml"
    salary.write_text(mutation(salary.read_text()))
    with pytest.raises(KnowledgeError) as error:
        load_facts(facts_copy)
    assert message in str(error.value)
    assert "salary.yml" in str(error.value)


def test_a_file_named_after_no_topic_is_rejected(facts_copy):
    shutil.copy(facts_copy / "pros.yml", facts_copy / "hobbies.yml")
    with pytest.raises(KnowledgeError, match="hobbies.yml: file name must be a topic"):
        load_facts(facts_copy)


def test_sources_file_is_complete():
    text = SOURCES_FILE.read_text()
    for key in ("g000", "g001", "g002", "g003", "g004"):
        assert f"key: {key}" in text
