"""How facts become the coach's words: the fact's own answer, its list, and where it comes from."""
from __future__ import annotations

from typing import Sequence

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
