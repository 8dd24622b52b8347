"""The one way a question becomes a query and a query result becomes a reply, pure of Rasa.

Each topic action (salary.py, outlook.py, ...) is a table of `AnswerSpec`s (specs.py), one per intent:
which topic and aspects answer it, which named things (a state, a level...) narrow it, and
what to suggest next. `compose` turns a question and its parse into the reply;
`actions/topic_action.py` runs it as a Rasa action, with the conversation's slots.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Sequence, Tuple

from actions.choosing import (
    ASKING,
    PART_MATCH,
    is_generic,
    message_parts,
    parts_asking,
    pick,
    reconcile,
    topic_confidence,
    weigh,
)
from actions.gaps import asks_figure, missing_figure, names_not_answered, unmentioned_names, year_not_covered
from actions.quoting import facts_quoting, latest_like, own_budget, quoted_figures, shown_figure, within_budget
from actions.replies import FOR_COMPARISON, joined, reply_text
from actions.scope import SCOPE_KINDS, leans_back, named_values, scope_label
from actions.store import store
from knowledge.queries import FactView
from knowledge.retrieval import question_parts, ranking_of, terms
from actions.specs import (
    INTENT_TOPICS,
    Answer,
    AnswerSpec,
    Message,
    asked_aspects,
    aspects_named_elsewhere,
    general_facts,
    knowledge_costs,
    names_aspect,
)

# "what about senior techs", "and managers?": a question that leans on the previous one.
ELLIPTICAL = re.compile(r"^\W*(ok(ay)?\W+)?(and|what about|how about|same for|what of)\b", re.IGNORECASE)
# First lines of a reply that cannot give exactly what was asked.
NOT_IN_GUIDES = "None of the guides I work from gives {figure}; here is what they do say."
NO_YEAR = "The guides don't give figures for {year}; the latest they have:"
NOT_EXACTLY = "The guides don't give exactly that. The closest they have:"
NOT_MENTIONED = "The guides don't mention {names}, so I can't speak to that. The closest they have:"
NOT_FOR_NAMES = "The guides don't give that for {names}. What they give in general:"
WITHIN_BUDGET = "With about {budget} to spend, this is within reach:"
OVER_BUDGET = "Nothing the guides price comes in under {budget}; the cheapest:"
# Facts held back from a short reply, offered on "tell me more" (ids, best first).
MORE_LIMIT = 4
# How much of the classifier's topic confidence, read from the whole message, weighs in each part
# of a two-part question: at full weight the first part's topic also won the second part ("what
# does a senior earn and what do they do"). Chosen on eval/offline.py: 1.0, 0.5 and 0 gave half a
# 89.5, 89.5, 90.0% and half b 90.0, 90.5, 89.6%; 0.5 lost no question, 0 lost two.
PART_PRIOR = 0.5
# A question asking no more than whether the career suits ("would this work for me?", "is that doable?").
VAGUE = frozenset(
    terms("work job field career this thing good idea right fit suit sound doable possible realistic worth it")
)
WHOLE = -1  # the whole message among the parts of a two-part question


# "what else", "besides that", "other than that": a question about more than what was just said.
BEYOND = re.compile(r"\b(what else|anything else|besides|other than|apart from|on top of)\b", re.IGNORECASE)
BEYOND_TOP = 2


def general_answer(
    spec: AnswerSpec,
    text: str,
    message: Optional[Dict[str, Any]] = None,
    context_topic: Optional[str] = None,
    scope: Optional[Tuple[str, str]] = None,
    scoped: Sequence[FactView] = (),
    exclude: Sequence[str] = (),
    carried: bool = False,
) -> Answer:
    """The facts the ranking by meaning and the intent agree on (actions/choosing.py), as one
    short message. With a scope (a state, a credential...), its facts are the default answer and
    weigh more, but a fact that answers the question better still wins ("how long does a
    certificate take" is about duration first)."""
    message = message or {"text": text}
    aspects = asked_aspects(spec, text)
    defaults = list(scoped[: spec.limit]) if scope else general_facts(spec, aspects)[: spec.limit]
    topics = topic_confidence(message, INTENT_TOPICS)
    named = [(kind, value) for kind in SCOPE_KINDS for value in named_values(message, kind)] if message else []
    ranking = ranking_of(message)
    rankings = message_parts(message)
    said = question_parts(message.get("text") or text)
    beyond = [i for i, part in enumerate(said) if BEYOND.search(part) and ASKING.search(part)]
    if beyond and len(said) == len(rankings) > 1:
        # "I'm organised and detail oriented. What else would I need?": not what the person says
        # they have; the message is then one question.
        exclude = list(exclude) + [
            fact for i, r in enumerate(rankings) if i not in beyond for fact, _ in r[:BEYOND_TOP]
        ]
        rankings = []
    asked_parts = parts_asking(said, rankings)
    strong = [i for i, r in enumerate(rankings) if r and r[0][1] >= PART_MATCH]
    part_rankings = [rankings[i] for i in strong]
    if len(part_rankings) == 1 and not asked_parts[strong[0]] and any(asked_parts):
        # "im an RHIT in ohio thinking about moving to canada, is that doable?": the part that
        # ranks well is what the person tells, and the question leans on it: read as a whole.
        part_rankings = []
    if len(part_rankings) == 1:
        # "3k is my max, is there financial aid?": one question beside a statement about the
        # person. The classifier read both, so the question's own ranking decides, without its prior.
        ranking, part_rankings, topics, defaults = part_rankings[0], [], {}, []
    part_order = strong if part_rankings else []
    told = [i for i in strong if not asked_parts[i]]
    asked = [i for i in strong if asked_parts[i]]
    if len(part_rankings) > 1 and told and len(asked) == 1 and set(terms(said[asked[0]])) - VAGUE:
        # "I work the front desk of a hospital. Could I move into their records department?": what
        # the person tells is the question's context, not a question of its own. The whole
        # message's best fact (read with that context) answers, beside the question's own best fact.
        # eval/offline.py: half a 92.1% unchanged, b 93.4 -> 94.3%, heldout 87.3 -> 89.8%, heldout2
        # unchanged. A vague question ("would this work for me?") leaves the statement its own part.
        part_rankings, part_order = [ranking, rankings[asked[0]]], [WHOLE, asked[0]]
    if len(part_rankings) > 1 and len(asked_parts) == len(rankings) and WHOLE not in part_order:
        # "I'm 45 and leaving retail. What would I earn in my first year?": the answer to what
        # is asked leads, the fact about what the person tells follows.
        part_order = sorted(strong, key=lambda i: not asked_parts[i])
        part_rankings = [rankings[i] for i in part_order]
    scored = weigh(
        ranking,
        defaults,
        spec_topic=spec.topic if topics else None,
        asked=aspects,
        narrowed=names_aspect(spec, text),
        default_aspects=spec.aspects,
        topics=topics,
        context_topic=context_topic,
        newest_first=spec.newest_first,
        leans_back=leans_back(text),
        scope=scope,
        exclude=exclude,
        named=named,
        question=text,
        carried=carried,
        aspects_elsewhere=aspects_named_elsewhere(spec, text),
    )
    # Each part of a two-part question on its own ranking, the newest figure leading as in the whole.
    part_topics = {t: PART_PRIOR * c for t, c in topics.items()}
    parts = [
        weigh(
            part,
            [],
            spec_topic=None,
            asked=(),
            narrowed=False,
            default_aspects=(),
            topics=part_topics,
            scope=scope,
            newest_first=spec.newest_first,
            question=(text if i == WHOLE else said[i]) if len(said) == len(rankings) else None,
        )
        for i, part in zip(part_order, part_rankings)
    ]
    questions = bool(parts) and WHOLE not in part_order and all(asked_parts[i] for i in part_order)
    facts = pick(scored, spec.limit, parts, newest_first=spec.newest_first, questions=questions)
    if spec.one_per_aspect and not scope and is_generic(text, spec.topic) and defaults and not parts:
        facts = defaults  # "how much do they make?": the curated headline (the median and the range)
    intro = ""
    figures = quoted_figures(message)
    quoting = facts_quoting(figures, message, named)
    if quoting:  # "I read they make $37k": where that figure comes from, beside the latest one
        latest = latest_like(quoting[0])
        facts = [quoting[0]] + ([latest] if latest else [])
    elif figures:
        intro = NOT_IN_GUIDES.format(figure=joined([shown_figure(*f) for f in figures], "or"))
    budget = own_budget(message)
    costs = knowledge_costs(spec.topic) if budget else []
    if costs:  # "3k is my max, what could I afford?": the option that budget reaches
        reached, cheapest = within_budget(budget, costs)
        facts = reached[:1] or cheapest
        intro = (WITHIN_BUDGET if reached else OVER_BUDGET).format(budget=shown_figure(budget, "money"))
    if not facts:
        return Answer([])
    year = year_not_covered(message, facts)
    if year:
        intro = NO_YEAR.format(year=year)
    elif not intro and not quoting and missing_figure(text, facts):
        intro = NOT_EXACTLY
    elif not intro and not quoting and ASKING.search(text):
        unmentioned = unmentioned_names(text, [value for _, value in named])
        elsewhere = names_not_answered(text, facts, [value for _, value in named]) if asks_figure(text) else []
        if unmentioned:  # "do they take the GI Bill?": the guides never name it
            intro = NOT_MENTIONED.format(names=joined([f'"{n}"' for n in unmentioned], "or"))
        elif elsewhere:  # "the tuition at Sinclair College": a figure the guides give only in general
            intro = NOT_FOR_NAMES.format(names=joined(elsewhere, "or"))
    shown = [f.id for f in facts]  # in the reply's order: the lead first
    more = [s.fact.id for s in scored if s.fact.id not in shown][:MORE_LIMIT]
    topic = facts[0].topic if facts[0].topic != spec.topic else None
    return Answer([{"text": reply_text(facts, reconcile(facts), intro=intro)}], topic=topic, more=more, shown=shown)


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
