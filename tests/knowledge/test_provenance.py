"""Provenance: every figure and named item is in the guide the fact cites; no copied sentences."""

from __future__ import annotations

import dataclasses

import pytest

from knowledge.provenance import check, load_guides, numbers_in, problems_of
from knowledge.schema import load_facts, load_sources


@pytest.fixture(scope="module")
def sources():
    return load_sources()


@pytest.fixture(scope="module")
def guides(sources):
    return load_guides(sources)


@pytest.fixture(scope="module")
def facts(sources):
    return {f.id: f for f in load_facts(sources=sources)}


def test_every_fact_is_found_in_its_guide(facts, guides):
    assert check(list(facts.values()), guides) == []


def test_an_altered_figure_fails_naming_the_fact(facts, guides):
    fact = dataclasses.replace(facts["salary-median-national-2023"], value=47290)
    report = check([fact], guides)
    assert report and "salary-median-national-2023" in report[0] and "47290" in report[0]


def test_a_figure_written_only_in_the_answer_is_checked(facts, guides):
    original = facts["salary-median-national-2023"]
    fact = dataclasses.replace(original, answer=original.answer.replace("$47,190", "$48,190"))
    assert any("48190" in p for p in problems_of(fact, guides["g000"]))


def test_citing_the_wrong_guide_fails(facts, guides):
    fact = dataclasses.replace(facts["salary-median-national-2023"], source="g001")
    report = check([fact], guides)
    assert any("cites g001" in line and "figure 47190" in line for line in report)


def test_an_item_not_in_the_guide_fails(facts, guides):
    tools = next(f for f in facts.values() if f.topic == "tools" and f.items)
    fact = dataclasses.replace(tools, items=(*tools.items, "Athenahealth"))
    assert any("Athenahealth" in p for p in problems_of(fact, guides[fact.source]))


def test_copying_a_guide_sentence_fails(facts, guides):
    original = facts["salary-median-national-2023"]
    copied = "This career offers a stable path for detail-oriented individuals who want to contribute"
    fact = dataclasses.replace(original, answer=f"{original.answer} {copied}.")
    assert any("copies the guide's wording" in p for p in problems_of(fact, guides["g000"]))


def test_a_copied_sentence_is_caught_even_with_an_item_inside_it(facts, guides):
    # The sentence a fact once copied: "LinkedIn" is an item, which may be copied, but the ten
    # words around it were the guide's too (the check used to blank items out and miss it).
    original = facts["organizations-online-communities-g000"]
    copied = "Online forums and LinkedIn groups for health information management professionals offer support."
    fact = dataclasses.replace(original, answer=copied)
    assert any("copies the guide's wording" in p for p in problems_of(fact, guides["g000"]))


def test_a_list_of_names_and_figures_is_not_copying(facts, guides):
    assert problems_of(facts["outlook-state-growth-2012-2022-g003"], guides["g003"]) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("$47,190 USD", {47190}),
        ("Range: $35k - $60k+", {35, 35000, 60, 60000}),
        ("7% growth", {7}),
        ("≈15,500 openings", {15500}),
        ("Utah (32.9 percent)", {32.9}),
    ],
)
def test_numbers_are_read_as_written(text, expected):
    assert numbers_in(text) == {float(n) for n in expected}
