"""What an answer is made of, for every topic action: the `AnswerSpec` each intent's settings in
knowledge/topics.yml become, the intents' topics and actions, the shape of a message and an
answer, and which aspects and facts a question names. `actions/answering.py` composes the reply
from them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from actions.replies import fact_message
from actions.store import store
from knowledge.queries import FactView
from knowledge.topics import Intent, intents, topics

# intent -> the topic that answers it (knowledge/topics.yml), and its action's class, in the
# registry's order (filled as the topic actions are defined, actions/topic_action.py).
INTENT_TOPICS: Dict[str, str] = {name: intent.topic for name, intent in intents().items()}
INTENT_ACTIONS: Dict[str, type] = {}


@dataclass(frozen=True)
class AnswerSpec:
    """How to answer one intent from the knowledge store."""

    topic: str
    aspects: Tuple[str, ...] = ()  # the general answer's aspects, in the curators' order
    scopes: Tuple[str, ...] = ()  # entities that narrow the answer, first found wins
    scoped_aspects: Tuple[str, ...] = ()  # preferred aspects when narrowed (else the asked ones)
    limit: int = 3  # facts in one reply
    newest_first: bool = False  # lead with the most recent figure
    one_per_aspect: bool = False  # a general answer gives one fact of each of the spec's aspects
    what: str = "details"  # "The guides don't give <what> for <scope>"
    follow_up: Optional[str] = None  # a response suggesting what to ask next
    # (pattern, aspects): a question matching the pattern is answered by those aspects.
    keywords: Tuple[Tuple[str, Tuple[str, ...]], ...] = field(default_factory=tuple)
    # Scopes whose answers are followed by the nationwide headline, for comparison
    # (New Jersey's 2014 pay beside the latest national median).
    compare_scopes: Tuple[str, ...] = ()
    # (pattern, intent): a question matching the pattern also gets that intent's answer
    # ("pros and cons" is answered with both).
    together: Tuple[Tuple[str, str], ...] = ()
    # A question about another career ("how much do nurses make") is declined rather than
    # answered with this career's facts; comparisons with other roles set this to False.
    this_career_only: bool = True


def spec_of(intent: Intent) -> AnswerSpec:
    """An intent's answer settings (knowledge/topics.yml) as an AnswerSpec."""
    given = intent.settings
    settings = {key: tuple(value) if isinstance(value, list) else value for key, value in given.items()}
    settings["keywords"] = tuple((rule["pattern"], tuple(rule["aspects"])) for rule in given.get("keywords", []))
    settings["together"] = tuple((rule["pattern"], rule["intent"]) for rule in given.get("together", []))
    return AnswerSpec(topic=intent.topic, **settings)


def specs_of(action_name: str) -> Dict[str, AnswerSpec]:
    """The AnswerSpec of each intent the action answers, in the registry's order."""
    return {
        name: spec_of(intent) for name, intent in intents().items() if topics()[intent.topic].answered_by == action_name
    }


# One message to send: {"text": ...} for a fact, or {"response": ..., **variables} for the
# coach's own words, which live in domain.yml.
Message = Dict[str, Any]


@dataclass
class Answer:
    messages: List[Message]
    scope: Optional[Tuple[str, str]] = None
    topic: Optional[str] = None  # the lead fact's topic, when it is not the spec's
    more: List[str] = field(default_factory=list)  # facts left for "tell me more"
    shown: List[str] = field(default_factory=list)  # facts the reply gave


def intent_for_topic(topic: str) -> Optional[str]:
    """The first intent answered from a topic (the topic's main question)."""
    return next((intent for intent, t in INTENT_TOPICS.items() if t == topic), None)


def knowledge_costs(topic: str) -> List[FactView]:
    """The facts that price something in a topic (a program's cost), if it has any."""
    return [f for f in store().topic_facts(topic, ("cost",)) if f.value is not None]


def facts_message(fact: FactView) -> Message:
    return {"text": fact_message(fact)}


def asked_aspects(spec: AnswerSpec, text: str) -> Tuple[str, ...]:
    """The aspects that answer this question: the first keyword pattern it matches, else the spec's."""
    for pattern, narrowed in spec.keywords:
        if re.search(pattern, text, re.IGNORECASE):
            return narrowed
    return spec.aspects


def keyword_matches(text: str) -> List[Tuple[str, AnswerSpec, Tuple[str, ...]]]:
    """(intent, its spec, the aspects) of every intent whose keywords name an aspect in the text."""
    found = []
    for intent, action in INTENT_ACTIONS.items():
        spec = action.specs[intent]
        aspects = next(
            (aspects for pattern, aspects in spec.keywords if re.search(pattern, text or "", re.IGNORECASE)), None
        )
        if aspects is not None:
            found.append((intent, spec, aspects))
    return found


def aspects_named_elsewhere(spec: AnswerSpec, text: str) -> List[Tuple[str, str]]:
    """(topic, aspect) pairs that other topics' keywords find in the question."""
    return [
        (other.topic, aspect)
        for _, other, aspects in keyword_matches(text)
        if other.topic != spec.topic
        for aspect in aspects
    ]


def names_aspect(spec: AnswerSpec, text: str) -> bool:
    """True when the question names an aspect in words ("how long", "what's the difference"),
    even the intent's own default one."""
    return any(re.search(pattern, text, re.IGNORECASE) for pattern, _ in spec.keywords)


def general_facts(spec: AnswerSpec, aspects: Sequence[str]) -> List[FactView]:
    """The topic's facts for those aspects: in the aspects' order, nationwide facts first,
    then the most recent first where the spec asks for it, else in the curators' order."""
    facts = store().topic_facts(spec.topic, aspects or None)
    rank = {aspect: i for i, aspect in enumerate(aspects)}

    def order(fact: FactView) -> tuple:
        recency = -(fact.year or 0) if spec.newest_first else 0
        return (rank.get(fact.aspect, len(rank)), fact.scope_type != "national", recency)

    ordered = sorted(facts, key=order)  # sorted() is stable: ties keep the curators' order
    if spec.one_per_aspect and tuple(aspects) == spec.aspects:
        # The headline answer: the lead fact of each aspect (the latest median, the range).
        ordered = [f for i, f in enumerate(ordered) if all(g.aspect != f.aspect for g in ordered[:i])]
    return ordered
