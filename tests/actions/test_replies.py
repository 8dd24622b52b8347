"""How a fact is worded in a reply: its answer, its bullets, and its source with the period."""

from __future__ import annotations

from knowledge.queries import FactView, SourceView
from actions.replies import MAX_POINTS, citation, fact_message, joined

GUIDE = SourceView("g001", "Career Profile", "BLS figures and a 2016-2026 projection")


def fact(topic="salary", period=None, value=None, answer="An answer.", points=()) -> FactView:
    return FactView(
        id="x",
        topic=topic,
        aspect="a",
        measure="m",
        answer=answer,
        value=value,
        value_max=None,
        unit="USD" if value else None,
        scope_type="national",
        scope_name="United States",
        period=period,
        year=None,
        items=(),
        points=tuple(points),
        source=GUIDE,
    )


def test_a_dated_fact_names_its_period():
    assert citation(fact(period="May 2023")) == "Source: Career Profile, May 2023."


def test_an_undated_pay_figure_says_so_and_gives_the_guide_period():
    text = citation(fact(value=37110, answer="On average $37,110."))
    assert "figure not dated" in text and "2016-2026" in text


def test_a_fact_without_figures_names_just_the_guide():
    assert citation(fact(topic="duties")) == "Source: Career Profile."


def test_points_become_bullets_up_to_a_limit():
    message = fact_message(fact(points=[f"point {i}" for i in range(MAX_POINTS + 3)]))
    assert message.count("• ") == MAX_POINTS
    assert message.splitlines()[0] == "An answer." and message.endswith("Source: Career Profile.")


def test_lists_read_as_english():
    assert joined([]) == "" and joined(["A"]) == "A"
    assert joined(["A", "B"]) == "A and B" and joined(["A", "B", "C"], "or") == "A, B or C"


def test_a_second_answer_that_points_at_its_list_shows_it():
    from actions.replies import reply_text

    first = fact(answer="Soft skills matter.", points=["Attention to detail", "Organisation"])
    second = fact(
        answer="The technical side is a mix of systems. These are the skills to build.",
        points=["Coding systems", "Privacy law"],
    )
    plain = fact(answer="It pays well.", points=["Bonus one", "Bonus two"])
    assert "• Coding systems" in reply_text([first, second])
    assert "• Bonus one" not in reply_text([first, plain])  # a later answer's list only when it points at it
