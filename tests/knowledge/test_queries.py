"""The named queries the actions use."""

from __future__ import annotations

import pytest

from knowledge.queries import KnowledgeUnavailable, open_store
from knowledge.schema import TOPICS


def test_the_most_recent_national_median_is_the_2023_figure(knowledge_store):
    medians = knowledge_store.scoped_facts("salary", "national", "United States")
    fact = next(f for f in medians if f.aspect == "median")
    assert fact.value == 47190 and fact.year == 2023 and fact.source.key == "g000"
    assert fact.period == "May 2023"


def test_scoped_facts_come_newest_first(knowledge_store):
    facts = knowledge_store.scoped_facts("salary", "national", "United States")
    years = [f.year for f in facts if f.year]
    assert years and years == sorted(years, reverse=True)
    assert [f.year for f in facts][: len(years)] == years, "undated facts come last"


def test_every_guides_national_pay_figure_is_kept(knowledge_store):
    facts = knowledge_store.topic_facts("salary", ["median", "average", "percentile"])
    assert {47190, 37110, 46590, 38860, 35960} <= {f.value for f in facts}
    assert {f.source.key for f in facts} == {"g000", "g001", "g002", "g003", "g004"}


def test_salary_by_state_is_case_insensitive(knowledge_store):
    facts = knowledge_store.scoped_facts("salary", "state", "new jersey")
    assert any(f.value == 59740 and f.source.key == "g003" for f in facts)


def test_states_with_pay_data(knowledge_store):
    names = knowledge_store.scope_names("salary", "state")
    assert {"District of Columbia", "New Jersey", "Hawaii"} <= set(names)
    assert "Texas" not in names


def test_a_state_without_pay_data_still_has_a_growth_fact(knowledge_store):
    assert knowledge_store.scoped_facts("salary", "state", "Texas") == []
    growth = knowledge_store.facts_about("state", "Texas")
    assert any(f.topic == "outlook" and f.value == 29.6 for f in growth)


def test_growth_projections_newest_first(knowledge_store):
    growth = [
        f
        for f in knowledge_store.scoped_facts("outlook", "national", "United States")
        if f.aspect == "growth" and f.unit == "percent"
    ]
    assert [(f.value, f.source.key) for f in growth] == [(7, "g000"), (13, "g001"), (22, "g003")]


@pytest.mark.parametrize("level, median", [("junior", 36000), ("senior", 53000), ("health information manager", 90000)])
def test_salary_by_experience_level(knowledge_store, level, median):
    assert any(f.value == median for f in knowledge_store.scoped_facts("salary", "experience_level", level))


@pytest.mark.parametrize(
    "country", ["Canada", "United Kingdom", "Germany", "Sweden", "Australia", "Singapore", "Brazil", "United States"]
)
def test_all_eight_countries_have_pay(knowledge_store, country):
    assert knowledge_store.scoped_facts("salary", "country", country)


def test_every_topic_is_counted(knowledge_store):
    counts = knowledge_store.fact_counts()
    assert set(counts) == set(TOPICS) and all(n > 0 for n in counts.values())


def test_facts_carry_items_and_points(knowledge_store):
    tools = knowledge_store.topic_facts("tools", ["ehr"])
    assert any({"Epic", "Cerner"} <= set(f.items) for f in tools)


def test_sources_are_listed(knowledge_store):
    assert [s.key for s in knowledge_store.sources()] == ["g000", "g001", "g002", "g003", "g004"]


def test_a_missing_database_is_reported_clearly(tmp_path):
    with pytest.raises(KnowledgeUnavailable, match="make knowledge"):
        open_store(f"sqlite:///{tmp_path / 'nothing.db'}")


def test_a_corrupt_database_is_reported_clearly(tmp_path):
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(KnowledgeUnavailable, match="cannot be read"):
        open_store(f"sqlite:///{path}")


def test_remembered_answers_are_the_databases_and_follow_a_reload(tmp_path):
    import sqlite3
    import time

    from knowledge.loader import build
    from knowledge.queries import KnowledgeStore

    path = tmp_path / "knowledge.db"
    build(f"sqlite:///{path}")
    store = KnowledgeStore(f"sqlite:///{path}")
    fresh = lambda: KnowledgeStore(f"sqlite:///{path}")  # noqa: E731
    asked = [
        lambda s: s.scoped_facts("salary", "state", "New Jersey"),
        lambda s: s.topic_facts("salary", ["median", "average"]),
        lambda s: s.facts_by_id(["no-such-fact"] + [f.id for f in s.topic_facts("tools")][:3]),
        lambda s: s.facts_with_values()[:5],
        lambda s: s.facts_about("state", "texas"),
        lambda s: s.scope_names("salary", "state"),
    ]
    for question in asked:
        assert question(store) == question(store) == question(fresh())
    changed = store.topic_facts("salary")
    changed.clear()  # a caller changing its list changes nothing remembered
    assert store.topic_facts("salary")

    median = next(f for f in store.scoped_facts("salary", "national", "United States") if f.value == 47190)
    time.sleep(0.05)  # past the file system's clock tick, as any real reload is
    with sqlite3.connect(path) as db:  # a curator's reload changes a figure
        db.execute("update facts set answer = 'changed' where id = ?", (median.id,))
    assert (
        next(f for f in store.scoped_facts("salary", "national", "United States") if f.id == median.id).answer
        == "changed"
    )
    assert store.facts_by_id([median.id])[0].answer == "changed"


def test_a_write_to_the_feedback_tables_keeps_what_is_remembered(tmp_path, monkeypatch):
    import sqlite3
    import time

    from feedback.store import FeedbackStore
    from knowledge.loader import build
    from knowledge.queries import KnowledgeStore

    path = tmp_path / "knowledge.db"
    build(f"sqlite:///{path}")
    store = KnowledgeStore(f"sqlite:///{path}")
    before = store.topic_facts("salary")
    time.sleep(0.05)
    FeedbackStore(f"sqlite:///{path}").record_unanswered("do they take the GI Bill?", "no facts")  # the file changes
    with sqlite3.connect(path) as db:
        assert db.execute("select count(*) from feedback_unanswered").fetchone()[0] == 1

    def no_query(statement):
        raise AssertionError("the facts were read again after a feedback write")

    monkeypatch.setattr(store, "_run", no_query)
    assert store.topic_facts("salary") == before
    monkeypatch.undo()
    time.sleep(0.05)
    with sqlite3.connect(path) as db:  # a change to the facts themselves is still seen
        db.execute("update facts set answer = 'changed' where id = ?", (before[0].id,))
    assert store.topic_facts("salary")[0].answer == "changed"


def test_an_in_memory_database_is_never_remembered():
    from knowledge.queries import KnowledgeStore

    store = KnowledgeStore("sqlite://")
    assert store._file is None and store._seconds == 0.0
