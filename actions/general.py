"""The answer to a question nothing narrows (no state, level or other named thing the facts
are kept by): the facts the ranking by meaning and the intent agree on (actions/weighing.py,
actions/choosing.py), each part of a two-part question answered, with a first line when the
guides cannot give exactly what was asked (a figure, a year, a name they never mention) or when
a budget was given. `actions/answering.py` decides when this is the answer.
"""

import re
from typing import Any, Dict, Optional, Sequence, Tuple

from actions.choosing import ASKING, PART_MATCH, message_parts, parts_asking, pick, reconcile
from actions.weighing import is_generic, topic_confidence, weigh
from actions.gaps import asks_figure, missing_figure, names_not_answered, unmentioned_names, year_not_covered
from actions.quoting import facts_quoting, latest_like, own_budget, quoted_figures, shown_figure, within_budget
from actions.replies import joined, reply_text
from actions.scope import SCOPE_KINDS, leans_back, named_values
from knowledge.queries import FactView
from knowledge.retrieval import question_parts, ranking_of, terms
from actions.specs import (
    INTENT_TOPICS,
    Answer,
    AnswerSpec,
    asked_aspects,
    aspects_named_elsewhere,
    general_facts,
    knowledge_costs,
    names_aspect,
)

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
    """The facts the ranking by meaning and the intent agree on (actions/weighing.py, actions/choosing.py), as one
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
