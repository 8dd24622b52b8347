"""Which facts answer a question, from the weighed ranking (actions/weighing.py): the lead fact
answers; a second is added only when it says something new about the same thing, or answers the
other half of a two-part question. Also: the figures two facts give reconciled in one line, and
whether a ranking is strong enough to answer a message the classifier was unsure of.
"""

from __future__ import annotations

import re
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from actions.weighing import Scored
from knowledge.queries import FactView
from knowledge.retrieval import question_parts, ranking_of

# A second fact must score at least this close to the lead.
SECOND_GAP = 0.12
# A part of a two-part question is answered when its best fact scores this much.
PART_MATCH = 0.5
MAX_PARTS = 3
# A ranking whose best fact scores this much answers a message the classifier was unsure of.
STRONG = 0.7

# A message that asks something (a name in a statement about the person is not a question about it).
ASKING = re.compile(
    r"\?|^\W*(?:(?:and|also|plus|so|but)\s+)?(do|does|did|is|are|can|could|will|would|what|whats|what's|"
    r"wats|wat|which|how|should|who|where|when|why|tell|explain|give|list)\b",
    re.IGNORECASE,
)


def same_figure(a: FactView, b: FactView) -> bool:
    return a.value is not None and a.value == b.value and a.value_max == b.value_max


def pick(
    scored: Sequence[Scored],
    limit: int = 2,
    parts: Sequence[Sequence[Scored]] = (),
    newest_first: bool = False,
    questions: bool = False,
) -> List[FactView]:
    """The lead fact, and a second when it adds to it: the best answer to the question's other
    part, else a close runner-up about the same aspect that gives another figure or guide."""
    if not scored:
        return []
    lead = scored[0]
    chosen = [lead.fact]
    if parts:
        # A two-part question: the best answer to each part, the whole's lead first if it is one.
        leads = [part[0] for part in parts if part and part[0].score >= PART_MATCH]
        if leads and all(p.fact.id != lead.fact.id for p in leads):
            chosen = []
        claimed: set = set()
        for part in parts:
            # each question its own answer: a part whose best fact another part already claimed gets its
            # next ("what would I study in a bachelor's, and what jobs does it open up?"), when every
            # part is a question of its own (`questions`); a statement's part adds only its best
            best = (
                next((s for s in part if s.fact.id not in claimed), None) if questions else (part[0] if part else None)
            )
            if best is not None and best.score >= PART_MATCH and part[0].score >= PART_MATCH:
                claimed.add(best.fact.id)
                if best.fact.id not in {f.id for f in chosen}:
                    chosen.append(best.fact)
        return chosen[:MAX_PARTS] or [lead.fact]
    if limit < 2:
        return chosen
    for runner in scored[1:3]:
        if lead.score - runner.score > SECOND_GAP:
            break
        fact = runner.fact
        if newest_first and lead.fact.year and fact.value is not None and lead.fact.value is not None:
            break  # pay and growth: a dated latest figure answers; the older ones on request
        if (
            fact.topic == lead.fact.topic
            and fact.aspect == lead.fact.aspect
            and not same_figure(fact, lead.fact)
            and fact.answer != lead.fact.answer
        ):
            chosen.append(fact)
            break
    return chosen


def reconcile(facts: Sequence[FactView]) -> str:
    """One sentence on why two figures of the same thing differ (period, measure, scope)."""
    if len(facts) < 2 or any(f.value is None for f in facts[:2]):
        return ""
    a, b = facts[0], facts[1]
    if a.aspect != b.aspect and {a.aspect, b.aspect} != {"median", "average"}:
        return ""
    reasons = []
    if a.year and b.year and a.year != b.year:
        reasons.append(f"they come from different years ({min(a.year, b.year)} and {max(a.year, b.year)})")
    elif bool(a.year) != bool(b.year):
        reasons.append("one guide does not date its figure")
    if {a.aspect, b.aspect} == {"median", "average"}:
        reasons.append("one is a median and the other an average")
    if a.source.key != b.source.key and not reasons:
        reasons.append("they come from different guides measuring in different ways")
    if not reasons:
        return ""
    advice = "; go by the more recent one" if a.year or b.year else ""
    return "The two differ because " + " and ".join(reasons) + advice + "."


def message_parts(message: Dict) -> List[List[Tuple[str, float]]]:
    """The rankings of a two-part question's parts, if the ranker split it."""
    parts = []
    for part in message.get("fact_parts") or []:
        parts.append(ranking_of({"facts": part}))
    return parts


def parts_asking(said: Sequence[str], rankings: Sequence[Sequence[Tuple[str, float]]]) -> List[bool]:
    """Which ranked parts of a message ask something (a statement about the person does not);
    every part does when the text's parts (`said`) and the rankings do not line up."""
    return [bool(ASKING.search(s)) for s in said] if len(said) == len(rankings) else [True] * len(rankings)


def strong_lead(
    message: Dict, threshold: Optional[float] = None, exclude: Iterable[str] = ()
) -> Optional[Tuple[str, float]]:
    """The ranking's best fact when it is strong enough to answer on its own; or, for a message
    that tells something and asks one thing ("Single mom here and I need a paycheck asap. What's
    the quickest way to get qualified?"), the question's own best fact when that is."""
    threshold = STRONG if threshold is None else threshold
    ranking = [r for r in ranking_of(message) if r[0] not in set(exclude)]
    if ranking and ranking[0][1] >= threshold:
        return ranking[0]
    parts = message_parts(message)
    asked = [
        [r for r in part if r[0] not in set(exclude)]
        for part, asks in zip(parts, parts_asking(question_parts(message.get("text") or ""), parts))
        if asks
    ]
    if len(parts) > 1 and len(asked) == 1 and asked[0] and asked[0][0][1] >= threshold:
        return asked[0][0]
    return None
