"""Figures a person quotes ("I read they make $37k") traced to the guides, and a sum of their own
("3k is my max") set against what school costs."""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from actions.quantities import amounts, job_counts, percentages
from actions.store import store
from knowledge.queries import FactView
from knowledge.retrieval import ranking_of

# A figure the person heard or read and asks about, not their own budget ("3k is my max").
CLAIM = re.compile(
    r"\b(read|heard|saw|seen|found|says?|said|told|claim\w*|quoted?|listed|website|site|blog|"
    r"article|post|online|google|true|right|correct|accurate|legit|real|really|still|cousin|"
    r"friend|someone|somebody|people say|they say)\b",
    re.IGNORECASE,
)
OWN_MONEY = re.compile(
    r"\b(my (max|budget|savings)|i (can|could) (spend|afford|pay)|i have|i've got|"
    r"budget (is|of)|afford)\b",
    re.IGNORECASE,
)


# A question about what a sum buys ("what could I afford", "is that realistic"), not about
# something else beside it ("3k is my max, is there any financial aid?").
AFFORD = re.compile(r"\b(afford\w*|cost\w*|price\w*|cheap\w*|realistic|enough|options?|within|cover)\b", re.IGNORECASE)


def own_budget(message: Dict[str, Any]) -> Optional[float]:
    """The sum a person says they can spend ("3k is my max", "i can spend maybe 15 grand") when
    they ask what it reaches, if any."""
    text = message.get("text") or ""
    if not OWN_MONEY.search(text) or not AFFORD.search(OWN_MONEY.sub(" ", text, count=1)):
        return None
    return next(iter(amounts(message)), None)


def within_budget(budget: float, facts: Sequence[FactView]) -> Tuple[List[FactView], List[FactView]]:
    """Cost facts whose lowest figure the budget reaches (the dearest first), and, when none
    does, the cheapest one."""
    costs = [f for f in facts if f.aspect == "cost" and f.value is not None and figure_kind(f) == "money"]
    reached = sorted([f for f in costs if f.value <= budget], key=lambda f: -f.value)
    return reached, ([] if reached else sorted(costs, key=lambda f: f.value)[:1])


# A quoted figure matches a fact's within this share of it.
MATCH_SHARE = 0.03


def gives_figure(fact: FactView, value: float) -> Optional[float]:
    """How far (as a share) a fact's figure is from a value, when within MATCH_SHARE; else None."""
    gaps = [abs(v - value) / max(v, 1) for v in (fact.value, fact.value_max) if v is not None]
    return min(gaps) if gaps and min(gaps) <= MATCH_SHARE else None


def quoted_figures(message: Dict[str, Any]) -> List[Tuple[float, str]]:
    """Money and percentages a message quotes as a claim to check ("i read they make 37k, true?",
    "someone said 22% growth"), as (value, kind); none where the figure is the person's own."""
    text = message.get("text") or ""
    if not CLAIM.search(text) or OWN_MONEY.search(text):
        return []
    return (
        [(value, "money") for value in amounts(message)]
        + [(value, "percent") for value in percentages(message)]
        + [(value, "other") for value in job_counts(message)]
    )


CURRENCIES = ("usd", "cad", "aud", "gbp", "eur", "sek", "brl", "sgd")


def figure_kind(fact: FactView) -> str:
    unit = (fact.unit or "").lower()
    return "percent" if "percent" in unit else "money" if unit[:3] in CURRENCIES else "other"


# A quoted figure is traced to a fact among this many of the message's ranking (its meaning).
QUOTED_AMONG = 25


def facts_quoting(
    figures: Sequence[Tuple[float, str]],
    message: Optional[Dict[str, Any]] = None,
    named: Iterable[Tuple[str, str]] = (),
) -> List[FactView]:
    """The facts that give one of these figures (within MATCH_SHARE): nationwide ones first,
    then the nearest figure. With the message: only a fact about what it is about (among its
    ranking's first QUOTED_AMONG), about the thing it names if it names one ("DC pays 90k" is not
    a manager's $90k), and in US dollars for an amount in dollars ("$50k" is not A$50,000)."""
    among = {i for i, _ in ranking_of(message)[:QUOTED_AMONG]} if message and message.get("facts") else None
    places = {(kind, value.lower()) for kind, value in named}
    found = []
    for fact in store().facts_with_values() if figures else []:
        if among is not None and fact.id not in among:
            continue
        if places and (fact.scope_type, fact.scope_name.lower()) not in places:
            continue
        if message is not None and figure_kind(fact) == "money" and not (fact.unit or "").lower().startswith("usd"):
            continue
        gaps = [
            g
            for value, kind in figures
            if kind == figure_kind(fact)
            for g in [gives_figure(fact, value)]
            if g is not None
        ]
        if gaps:
            found.append((fact.scope_type != "national", min(gaps), fact))
    return [fact for *_, fact in sorted(found, key=lambda t: t[:2])]


def shown_figure(value: float, kind: str) -> str:
    return f"{value:g}%" if kind == "percent" else f"${value:,.0f}" if kind == "money" else f"{value:,.0f}"


# The figures that sum a topic up, shown beside a narrower one that a quoted figure matched.
HEADLINE_ASPECTS = {"salary": ("median", "average"), "outlook": ("growth",)}


def latest_like(fact: FactView) -> Optional[FactView]:
    """The most recent nationwide figure of the same kind as a fact (the newest median beside a
    2014 one, the 2022-2032 growth beside 2012-2022's), if it is another fact."""
    aspects = {"median": ("median", "average"), "average": ("median", "average")}.get(fact.aspect, (fact.aspect,))
    if fact.scope_type != "national":  # a senior's or a state's figure: beside it, the headline one
        aspects = HEADLINE_ASPECTS.get(fact.topic, aspects)
    same = [f for f in store().topic_facts(fact.topic, aspects) if f.value is not None and f.scope_type == "national"]
    same.sort(key=lambda f: (f.year is None, -(f.year or 0)))
    return same[0] if same and same[0].id != fact.id else None
