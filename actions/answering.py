"""The one way a question becomes a query and a query result becomes a reply, pure of Rasa.

Each topic intent has an `AnswerSpec` (specs.py, from knowledge/topics.yml): which topic and
aspects answer it, which named things (a state, a level...) narrow it, and what to suggest next.
`compose` turns a question and its parse into the reply: narrowed by a named thing, or the
general answer (general.py); `actions/topic_action.py` runs it as a Rasa action, with the
conversation's slots.
"""

import re
from typing import Any, Dict, List, Optional, Sequence, Tuple

from actions.choosing import PART_MATCH, message_parts
from actions.weighing import is_generic
from actions.gaps import missing_figure
from actions.general import NOT_EXACTLY, general_answer
from actions.replies import FOR_COMPARISON, joined, reply_text
from actions.scope import named_values, scope_label
from actions.store import store
from knowledge.queries import FactView
from knowledge.retrieval import terms
from actions.specs import (
    Answer,
    AnswerSpec,
    Message,
    asked_aspects,
    general_facts,
    names_aspect,
)

# "what about senior techs", "and managers?": a question that leans on the previous one.
ELLIPTICAL = re.compile(r"^\W*(ok(ay)?\W+)?(and|what about|how about|same for|what of)\b", re.IGNORECASE)


def compose(
    spec: AnswerSpec,
    text: str,
    scope: Optional[Tuple[str, str]],
    carried: bool = False,
    message: Optional[Dict[str, Any]] = None,
    context_topic: Optional[str] = None,
    exclude: Sequence[str] = (),
    ranked: bool = True,
    shown_before: Sequence[str] = (),
) -> Answer:
    """The reply to one question: pure of Rasa, so it is easy to test.

    A scope carried over from an earlier turn that this question has no facts for is dropped
    quietly (the general answer, and the scope is cleared) rather than reported as missing; so is
    one whose facts for it were all just shown (`shown_before`): the remembered place has nothing
    new to say, so the new question is answered on its own ("could I work from Portugal?", then
    "how would I find remote jobs like that?").
    """
    knowledge = store()
    aspects = asked_aspects(spec, text)
    named_message = message or {}
    if not ranked:  # rank without the message's ranking (an elliptical follow-up)
        message = {k: v for k, v in named_message.items() if k not in ("facts", "fact_parts")}
    if not scope:
        return general_answer(spec, text, message, context_topic, exclude=exclude)
    entity, name = scope
    scoped = knowledge.scoped_facts(spec.topic, entity, name)
    # Prefer the facts about that thing which answer this very question ("how long" for an
    # associate degree), else whatever the topic says about it.
    preferred = aspects if names_aspect(spec, text) else spec.scoped_aspects or aspects
    scoped = [f for f in scoped if f.aspect in preferred] or scoped
    if carried and (not scoped or {f.id for f in scoped} <= set(shown_before)):
        return compose(spec, text, None, message=message, context_topic=context_topic)
    if not scoped:
        # No fact is about that thing, but one answers the question with it in view ("do
        # hospitals pay better than nursing homes?": what moves pay between settings).
        answer = general_answer(spec, text, message, context_topic, exclude=exclude)
        lead = knowledge.facts_by_id(answer.shown[:1])
        named_terms = set(terms(name))
        if (
            lead
            and lead[0].topic == spec.topic
            and named_terms
            and named_terms <= set(terms(" ".join([lead[0].answer, *lead[0].items, *lead[0].points])))
        ):
            return answer  # (Texas's growth does not answer "the salary in Texas")
    others = [n for n in named_values(named_message, entity) if n != name][:2] if not carried else []
    if scoped and others:  # "the AS or the AAS?": what the guides say about each
        facts = []
        for each in [name, *others]:
            about = knowledge.scoped_facts(spec.topic, entity, each)
            facts += ([f for f in about if f.aspect in preferred] or about)[:1]
        facts += other_parts(named_message, facts)
        return Answer([{"text": reply_text(facts)}], scope, shown=[f.id for f in facts])
    if scoped:
        answer = general_answer(spec, text, message, context_topic, scope, scoped, carried=carried)
        messages: List[Message] = []
        if carried:
            messages.append({"response": "utter_still_about", "scope": scope_label(entity, name)})
        # A state's figure beside the nationwide one, unless a fact that answers the question
        # better led ("what did mass general pay": the hospital's record, not the state's).
        if (
            entity in spec.compare_scopes
            and answer.messages
            and answer.shown
            and answer.shown[0] in {f.id for f in scoped}
        ):
            national = [f for f in general_facts(spec, spec.aspects) if f.scope_type == "national"]
            shown = scoped[:1] + national[:1]
            intro = NOT_EXACTLY if missing_figure(text, shown) else ""  # "how many openings in Texas"
            answer.messages = [{"text": reply_text(shown, lead_ins=[FOR_COMPARISON], intro=intro)}]
        answer.messages = messages + answer.messages
        answer.scope = scope
        return answer
    messages = [{"response": "utter_no_facts_for", "what": spec.what, "scope": scope_label(entity, name)}]
    available = knowledge.scope_names(spec.topic, entity)
    if available:
        messages.append({"response": "utter_facts_exist_for", "available": joined(available)})
    general = general_facts(spec, aspects)
    # "can I work as an RHIT in Dubai?": asked more than the topic about the place, the closest
    # fact is what the ranking reads in the rest ("what's the salary in Ohio": the headline).
    # (`lead`: the ranking's reading, found above when no fact was about the place)
    if lead and lead[0].topic == spec.topic and not is_generic(without_entity(named_message, entity, text), spec.topic):
        general = lead
    if general:
        messages.append({"response": "utter_closest_facts"})
        messages.append({"text": reply_text(general[:1])})
    elsewhere = [f for f in knowledge.facts_about(entity, name) if f.topic != spec.topic]
    if elsewhere:
        messages.append({"response": "utter_facts_elsewhere", "name": name})
        messages.append({"text": reply_text(elsewhere[:1])})
    return Answer(messages, scope)


def without_entity(message: Dict[str, Any], kind: str, text: str) -> str:
    """The text without the words the NLU found as that kind of thing ("in dubai" -> "in ")."""
    spans = sorted(
        (
            (e.get("start"), e.get("end"))
            for e in message.get("entities") or []
            if e.get("entity") == kind and isinstance(e.get("start"), int) and isinstance(e.get("end"), int)
        ),
        reverse=True,
    )
    for start, end in spans:
        text = text[:start] + " " + text[end:]
    return text


def other_parts(message: Dict[str, Any], chosen: Sequence[FactView]) -> List[FactView]:
    """For a comparison asked beside another question ("AS vs AAS, what's the difference? and how
    many years do they take"): the best fact of each part that says something the compared
    facts do not (another aspect)."""
    aspects = {(f.topic, f.aspect) for f in chosen}
    added: List[FactView] = []
    for ranking in message_parts(message):
        lead = store().facts_by_id([ranking[0][0]]) if ranking and ranking[0][1] >= PART_MATCH else []
        if lead and (lead[0].topic, lead[0].aspect) not in aspects:
            aspects.add((lead[0].topic, lead[0].aspect))
            added.append(lead[0])
    return added
