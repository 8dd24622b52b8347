"""How facts become the coach's words: the fact's own answer, its list, and where it comes from."""

from __future__ import annotations

import re
from typing import Dict, List, Sequence

from knowledge.queries import FactView

MAX_POINTS = 8


# Topics whose figures date quickly, so an undated one is flagged with the guide's own period.
DATED_TOPICS = ("salary", "outlook", "market")


def has_figure(fact: FactView) -> bool:
    return fact.value is not None or any(ch.isdigit() for ch in fact.answer)


def citation(fact: FactView) -> str:
    """'Source: <guide title>, <period>.' A pay or outlook figure the guide leaves undated says so."""
    if fact.period:
        return f"Source: {fact.source.title}, {fact.period}."
    if fact.topic in DATED_TOPICS and has_figure(fact):
        return f"Source: {fact.source.title} (figure not dated; the guide has {fact.source.period})."
    return f"Source: {fact.source.title}."


def fact_message(fact: FactView, with_points: bool = True) -> str:
    """One fact as one chat message: the answer, its points as bullets, and its source."""
    lines = [fact.answer]
    if with_points and fact.points:
        lines.extend(f"• {point}" for point in fact.points[:MAX_POINTS])
    lines.append(citation(fact))
    return "\n".join(lines)


def joined(names: Sequence[str], last: str = "and") -> str:
    """'A', 'A and B', 'A, B and C'."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {last} {names[-1]}"


# A reply's default length: the lead fact, and a second only while the whole stays this short.
WORD_BUDGET = 75
MAX_LISTED = 6


def source_line(facts: Sequence[FactView]) -> str:
    """One compact line naming each guide the reply used once, with the periods of its figures."""
    by_guide: Dict[str, List[str]] = {}
    for fact in facts:
        title = fact.source.title
        period = fact.period or ("undated figure" if fact.topic in DATED_TOPICS and has_figure(fact) else "")
        periods = by_guide.setdefault(title, [])
        if period and period not in periods:
            periods.append(period)
    parts = [title + (", " + " and ".join(periods) if periods else "") for title, periods in by_guide.items()]
    return ("Source: " if len(parts) == 1 else "Sources: ") + "; ".join(parts) + "."


def words(text: str) -> int:
    return len(text.split())


def listed(fact: FactView, room: int) -> List[str]:
    """The bullets worth showing with a fact's answer: its points, or its named items when the
    answer does not already name them, as many as fit in `room` words (at least two)."""
    entries = list(fact.points) or [i for i in fact.items if i.lower() not in fact.answer.lower()]
    if fact.points or len(entries) >= 2:
        shown: List[str] = []
        for entry in entries[:MAX_LISTED]:
            if len(shown) >= 2 and words(entry) + 1 > room:
                break
            shown.append(entry)
            room -= words(entry) + 1
        return shown
    return []


# An answer that ends by pointing at its list ("Their usual tasks are these.", "These are the
# skills to build."): its bullets are
# shown even when it is not the lead.
POINTS_AT_LIST = re.compile(
    r"(\b(these|the following|a few examples)\W*|:\s*|\bthese are the \w+( \w+){0,3}\W*)$", re.IGNORECASE
)

# Said before a nationwide figure shown beside a state's.
FOR_COMPARISON = "For comparison, the latest nationwide figure:"


def reply_text(
    facts: Sequence[FactView], note: str = "", lead_ins: Sequence[str] = (), intro: str = "", cite: bool = True
) -> str:
    """Facts as one short message: an optional first line, each answer (the lead's list as
    bullets, a later one after its lead-in if given), an optional note that reconciles them, and
    one source line."""
    lines: List[str] = [intro] if intro else []
    budget = WORD_BUDGET - sum(words(f.answer) for f in facts) - words(note) - words(intro)
    for i, fact in enumerate(facts):
        lead_in = lead_ins[i - 1] if 0 < i <= len(lead_ins) else ""
        lines.append(f"{lead_in} {fact.answer}" if lead_in else fact.answer)
        if i == 0 or POINTS_AT_LIST.search(fact.answer):
            bullets = listed(fact, max(budget, 0))
            budget -= sum(words(entry) + 1 for entry in bullets)
            lines.extend(f"• {entry}" for entry in bullets)
    if note:
        lines.append(note)
    if cite:
        lines.append(source_line(facts))
    return "\n".join(lines)


def figure_value(fact: FactView) -> str:
    """A figure as a person says it: "$47,190", "$35,000 to $60,000", "7%", "15,500 openings"."""
    unit = (fact.unit or "").lower()

    def one(value: float) -> str:
        if unit.startswith("usd"):
            return f"${value:,.0f}"
        if "percent" in unit:
            return f"{value:g}%"
        return f"{value:,.0f}"

    shown = one(fact.value) + (f" to {one(fact.value_max)}" if fact.value_max is not None else "")
    if not unit.startswith("usd") and "percent" not in unit and unit:
        shown += f" {fact.unit}"  # as curated: "CAD per year", not "cad per year"
    return shown
