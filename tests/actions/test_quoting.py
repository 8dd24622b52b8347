"""Figures a person quotes, traced to the guide and period that give them (actions/quoting.py)."""

from __future__ import annotations

import pytest

from actions.quoting import facts_quoting, quoted_figures

from .conftest import parsed

pytestmark = pytest.mark.usefixtures("action_store")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("i read they only make $37k, is that right?", [(37000.0, "money")]),
        ("someone said 22% growth, still true?", [(22.0, "percent")]),
        ("3k is my max, is there any financial aid?", []),  # the person's own budget, not a claim
        ("how much do they make", []),
        ("A website said new techs start around 30k. Is that right?", [(30000.0, "money")]),
        ("my friend says the average pay is 46,590, is that legit", [(46590.0, "money")]),
        ("I saw 13 percent job growth quoted, where does that come from?", [(13.0, "percent")]),
        ("do they really get benefits like a 401k?", []),  # a retirement plan, not a sum
        ("I heard there'll be 28,000 new jobs. Over what time period is that?", [(28000.0, "other")]),  # jobs, not $
    ],
)
def test_quoted_figures_are_claims_to_check(text, expected):
    assert quoted_figures(parsed(text)) == expected


def test_a_quoted_number_of_jobs_is_traced_to_the_projection_not_to_a_salary(action_store):
    found = facts_quoting(quoted_figures(parsed("I heard there'll be 28,000 new jobs, over what period?")))
    assert [f.id for f in found] == ["outlook-new-jobs-2016-2026-g001"]


def test_a_quoted_figure_is_traced_to_the_guide_that_gives_it(action_store):
    assert facts_quoting([(37110.0, "money")])[0].id == "salary-average-national-g001"
    assert facts_quoting([(22.0, "percent")])[0].id == "outlook-growth-2012-2022-g003"
    assert facts_quoting([(120000.0, "money")]) == []


def test_a_quoted_figure_is_traced_only_to_a_fact_about_what_the_message_is_about(action_store):
    ranked_for = lambda *ids: [{"id": i, "score": 0.8} for i in ids]  # noqa: E731
    # "DC pays around 90k": the manager's $90k is not DC's pay
    dc = {
        "text": "I saw a post saying DC pays around 90k. Legit?",
        "facts": ranked_for("salary-experience-manager-g000", "salary-state-district-of-columbia-2014-g003"),
    }
    assert (
        facts_quoting([(90000.0, "money")])
        and facts_quoting([(90000.0, "money")], dc, [("state", "District of Columbia")]) == []
    )
    # "an associate's runs about $50k": not an Australian salary of A$50,000
    cost = {
        "text": "A forum said an associate's runs about $50k. Is that what it costs?",
        "facts": ranked_for("education-cost-associate-g000", "salary-country-australia-g000"),
    }
    assert facts_quoting([(50000.0, "money")], cost) == []
    # a figure the message's ranking does not reach is not traced at all
    assert (
        facts_quoting([(37110.0, "money")], {"text": "x", "facts": ranked_for("education-cost-associate-g000")}) == []
    )
    assert facts_quoting([(37110.0, "money")], {"text": "x", "facts": ranked_for("salary-average-national-g001")})
