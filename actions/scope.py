"""What narrows an answer: the things a question names (a state, a level, a credential...),
the years a person says they have worked, and what the conversation carried over; and the words
that show a message leans on the one before."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker

from actions.quantities import stated_experience
from actions.store import store, vocabulary
from knowledge.queries import FactView

if TYPE_CHECKING:
    from actions.specs import AnswerSpec

# Every kind of thing a question can be narrowed to, as entities and slots of the same name.
SCOPE_KINDS = ("state", "country", "experience_level", "certification", "industry", "degree_type", "role")
# "... nationally?", "for the whole country": back to the nationwide figures.
NATIONWIDE = re.compile(
    r"\b(national(ly)?|nation ?wide|across the (us|u\.s\.|usa|country|nation)|(the )?whole (us|usa|country)"
    r"|(the )?(us|usa|u\.s\.|country) (as a whole|overall)|in general|overall)\b",
    re.IGNORECASE,
)

HOME_COUNTRY = "United States"
# Words that point back at the thing just talked about.
POINTER = re.compile(
    r"(?<!is )(?<!are )\bthere\b(?!\s+(is|are|was|were)\b)"
    r"|\b(that (level|state|country|one|credential|job)|at that|this level)\b"
    r"|\b(they|them|their)\b(?=.*\b(check|look|want|ask|need|require|accept|recogni[sz]e)\b)",
    re.IGNORECASE,
)
# A message that only makes sense with the last answer: "who gives that one out?", "so what's
# the newest number", "how long does that exam take".
BACK_REFERENCE = re.compile(
    r"\b(that|this) (one|level|state|country|credential|certification|cert|exam|test|degree|program|job"
    r"|number|figure)\b|\b(those|these) (ones|numbers|figures)\b"
    r"|\bthe (newest|latest|most recent|oldest|lowest|highest) (one|number|figure)\b",
    re.IGNORECASE,
)

# "which countries have visas for that", "where would i find those jobs", "what about from another
# country?": a message that leans on what was just talked about, so its topic weighs more.
LEANS_BACK = re.compile(
    r"\b(for|about|with|of|on|in|like) (that|those|these|them|it)\b|\b(those|these) \w+s\b"
    r"|^\W*(ok(ay)?\W+)?(and|what about|how about|same for|what of)\b",
    re.IGNORECASE,
)


def leans_back(text: str) -> bool:
    return bool(LEANS_BACK.search(text) or BACK_REFERENCE.search(text) or POINTER.search(text))


# How a scope is named in a sentence ("for Texas", "for the RHIT").
SCOPE_LABELS = {
    "experience_level": "the {} level",
    "certification": "the {}",
    "degree_type": "{} programs",
    "industry": "{}",
}


def scope_label(entity: str, name: str) -> str:
    return SCOPE_LABELS.get(entity, "{}").format(name)


def named_values(message: Dict[str, Any], entity: str) -> List[str]:
    """Canonical values of one entity in a user message: what NLU found, else the text itself."""
    words = vocabulary()
    found: List[str] = []
    for extracted in message.get("entities") or []:
        if extracted.get("entity") == entity:
            value = words.canonical(entity, extracted.get("value"))
            if value and value not in found:
                found.append(value)
    # What the text names besides ("the AS or the AAS", where NLU found one of them).
    found += [v for v in words.find_in_text(entity, message.get("text") or "") if v not in found]
    return found


# "what should I work on next", "how do I move up": the level after the person's own.
NEXT_LEVEL = re.compile(
    r"\b(next( level| step| stage)?|level up|move up|step up|get promoted|promotion)\b", re.IGNORECASE
)


def experience_levels() -> List[FactView]:
    """The career's levels, from the first (junior, from 0 years) up."""
    return sorted(
        (
            f
            for f in store().topic_facts("career_path", ("level",))
            if f.scope_type == "experience_level" and f.value is not None
        ),
        key=lambda f: f.value,
    )


def level_after(name: str) -> str:
    """The level after the one named (the last one is its own next)."""
    names = [f.scope_name.lower() for f in experience_levels()]
    at = names.index(name.lower()) if name.lower() in names else -1
    return experience_levels()[at + 1].scope_name if 0 <= at < len(names) - 1 else name


def stated_level(text: str) -> Optional[str]:
    """The experience level of the years a person says they have worked (by the years each level
    spans in the knowledge: 0-2 junior, 2-4 mid-level...), or the level after it when they ask
    what comes next; None when they state no years."""
    years = stated_experience(text)
    if years is None:
        return None
    levels = experience_levels()
    reached = [i for i, f in enumerate(levels) if f.value <= years]
    if not reached:
        return None
    at = reached[-1] + (1 if NEXT_LEVEL.search(text) and reached[-1] + 1 < len(levels) else 0)
    return levels[at].scope_name


def choose_scope(
    spec: "AnswerSpec", tracker: Tracker, message: Dict[str, Any], follow_up: bool = False
) -> Tuple[Optional[Tuple[str, str]], bool]:
    """What narrows this answer, and whether it was carried over from an earlier turn.

    A thing named in the message wins (on a follow-up any kind of thing, the spec's own kinds
    first). "Nationally" clears it. Otherwise the scope of the conversation carries over when the
    question stays on the same topic ("what's the salary in Hawaii?" then "what about benefits?")
    or is a follow-up ("and a supervisor?"); a new topic starts without one.
    """
    kinds = spec.scopes + tuple(k for k in SCOPE_KINDS if k not in spec.scopes) if follow_up else spec.scopes
    for entity in kinds:
        # The United States is the guides' own, nationwide scope ("recognised outside the US").
        values = [v for v in named_values(message, entity) if not (entity == "country" and v == HOME_COUNTRY)]
        # "a nurse in the philippines moving to canada": the place the guides say something about.
        covered = [v for v in values if store().scoped_facts(spec.topic, entity, v)]
        if (
            values
            and entity == "experience_level"
            and NEXT_LEVEL.search(message.get("text") or "")
            and re.search(
                rf"\b(i'?m|i am|im|i'?ve been|ive been|i have been)\s+(a|an)\s+{re.escape(values[0])}",
                message.get("text") or "",
                re.IGNORECASE,
            )
        ):
            # "I'm a junior tech, what should I work on next": the level after the person's own.
            return (entity, level_after(values[0])), False
        if values:
            return (entity, (covered or values)[0]), False
    level = stated_level(message.get("text") or "") if "experience_level" in kinds else None
    if level:  # "I've been a tech for 5 years": the level those years make
        return ("experience_level", level), False
    if NATIONWIDE.search(message.get("text") or ""):
        return None, False
    entity = tracker.get_slot("scope")
    same_topic = tracker.get_slot("topic") == spec.topic
    # "what's the pay like up there" after Canada: a pointer back carries the place (the last one
    # named of the kinds this question can be narrowed to) to a new topic.
    if POINTER.search(message.get("text") or "") and not follow_up:
        for kind in spec.scopes:
            if tracker.get_slot(kind):
                return (kind, tracker.get_slot(kind)), True
    if entity and (follow_up or (same_topic and entity in spec.scopes)):
        value = tracker.get_slot(entity)
        if value:
            return (entity, value), True
    return None, False
