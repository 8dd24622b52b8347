"""What the coach reads when the classifier is unsure: the topic actions by intent, the facts that
back an intent, the flow likeliest asked for, a figure quoted to check, another language, and the
words for a clarification."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.specs import INTENT_TOPICS, intent_for_topic
from actions.choosing import strong_lead
from actions.conversation import model_ranking, user_events
from actions.quoting import quoted_figures
from actions.store import store
from actions.topic_answers import ANSWER_ACTIONS
from knowledge.retrieval import ranking_of
from knowledge.topics import intents, topics

# When the model is unsure, its best guess from this confidence is answered only if the message
# also has one of its topic's words (`words` in knowledge/topics.yml) or the conversation is on it.
MIN_GUESS_CONFIDENCE = 0.2
# A "follow-up" with nothing before it is answered by meaning from this ranking score.
FOLLOW_UP_MATCH = 0.5
# When the classifier is unsure, the facts decide between its likeliest intents: each is backed
# by the best-ranked fact of its topic, which counts FACT_WEIGHT times beside the intent's
# confidence; below SUPPORT_MIN no fact backs it. (Measured on the evaluation's clarifications:
# the coach asked which topic was meant where the ranking already held the answer.)
FACT_WEIGHT = 2.0
SUPPORT_MIN = 0.5
CANDIDATES = 3
# ... among the intents the classifier gives at least this much ("um so the thing with the
# stuff" has none: it is not understood, rather than answered with whatever fact is nearest).
CANDIDATE_CONFIDENCE = 0.1
# A figure quoted to check, by its kind: the topic that holds such figures.
QUOTED_INTENTS = {"money": "ask_salary", "percent": "ask_outlook", "other": "ask_outlook"}
# When the two likeliest intents are this close and no fact settles it, the coach asks.
CLARIFY_GAP = 0.15
MIN_CLARIFY_CONFIDENCE = 0.15
# The flows, by the intent that asks for one: started when picked from a clarification, or when
# the classifier finds one likeliest even if unsure (FLOW_FIRST).
FLOW_FORMS = {
    "start_plan": "plan_form",
    "start_skills_check": "skills_form",
    "start_interview_practice": "interview_form",
}
# Everything the coach can start besides answering, and the form or action that starts it (the
# readiness assessment asks first only what it lacks; a check asks for the document): offered in
# a clarification, started when picked. (Started unasked only with the classifier sure: in the
# fallback the readiness assessment took "how do i get xp w no job yet" from its fact, make eval
# 615 -> 613.)
STARTS = {
    **FLOW_FORMS,
    "check_readiness": "action_readiness",
    "check_resume": "action_ask_resume",
    "check_posting": "action_ask_posting",
    "check_cover_letter": "action_ask_letter",
}
# A flow the classifier finds likeliest, at this confidence or more, is started even when a fact
# matches the words strongly ("do i even have the right skills? quiz me" names skills, and a
# skills fact, but asks for the check). Leaving a flow takes one word ("stop").
FLOW_FIRST = 0.25
# Plain words for each intent, for clarification buttons (the coach's wording, kept as data): the
# topics' questions' buttons in knowledge/topics.yml, the rest in actions/intent_labels.yml.
INTENT_LABELS: Dict[str, str] = {
    **{name: intent.button for name, intent in intents().items()},
    **yaml.safe_load((Path(__file__).with_name("intent_labels.yml")).read_text(encoding="utf-8")),
}

# Words that are common in Spanish, French, German, Portuguese or Italian and rare in English.
FOREIGN_WORDS = set(
    "que qué cuánto cuanto cómo como dónde donde por para el los las una del está es son "
    "quel quelle combien comment où est les des une pour avec je suis "
    "wie viel was ist der die das ein eine und nicht ich "
    "quanto quanta você voce não nao uma são "
    "quale sono della gli un de en gana ganan salario sueldo trabajo técnico tecnico "
    "gagne salaire travail gehalt verdient arbeit salário trabalho".split()
)
ACCENTED = re.compile(r"[¿¡áéíóúñçãõàèìòùâêîôûäöüß]", re.IGNORECASE)
LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)


def looks_foreign(text: str) -> bool:
    """True when a message is most likely not English: foreign words, or mostly non-Latin letters."""
    letters = LETTERS.findall(text)
    if letters and sum(1 for c in letters if ord(c) > 0x24F) / len(letters) > 0.5:
        return True
    words = re.findall(r"[^\W\d_]+", text.lower())
    foreign = sum(1 for w in words if w in FOREIGN_WORDS) + len(ACCENTED.findall(text))
    return len(words) >= 2 and foreign / len(words) >= 0.25


def best_guess(tracker: Tracker) -> Optional[str]:
    """The model's likeliest career intent, when it is not too unsure and the message has a
    word of that intent's topic or the conversation is on it; else None."""
    text = (tracker.latest_message.get("text") or "").lower()
    ranking = model_ranking(tracker.latest_message)
    for ranked in ranking[:1]:
        intent, confidence = ranked.get("name"), ranked.get("confidence") or 0
        if intent in ANSWER_ACTIONS and confidence >= MIN_GUESS_CONFIDENCE:
            topic = ANSWER_ACTIONS[intent].spec_for(intent).topic
            # A word of the topic in the message, or the conversation already on that topic
            # ("how do I keep it?" right after the RHIT), supports the guess.
            if re.search(topics()[topic].words, text) or topic == tracker.get_slot("topic"):
                return intent
    return None


def best_by_topic(message: Dict[str, Any]) -> Dict[Optional[str], float]:
    """The score of each topic's best-ranked fact in a message's ranking by meaning."""
    ranking = ranking_of(message)
    topics = {f.id: f.topic for f in store().facts_by_id([fact_id for fact_id, _ in ranking])}
    best: Dict[Optional[str], float] = {}
    for fact_id, score in ranking:  # best first
        best.setdefault(topics.get(fact_id), score)
    return best


def intent_by_facts(tracker: Tracker) -> Optional[str]:
    """Of the classifier's likeliest answerable intents, the one that its confidence and the
    best-ranked fact of its topic together back most, if a fact backs any; else None."""
    message = tracker.latest_message
    best = best_by_topic(message)
    candidates = [
        r
        for r in message.get("intent_ranking") or []
        if r.get("name") in ANSWER_ACTIONS and (r.get("confidence") or 0) >= CANDIDATE_CONFIDENCE
    ][:CANDIDATES]
    backed = [
        ((r.get("confidence") or 0) + FACT_WEIGHT * best.get(INTENT_TOPICS.get(r["name"]), 0.0), r["name"])
        for r in candidates
        if best.get(INTENT_TOPICS.get(r["name"]), 0.0) >= SUPPORT_MIN
    ]
    return max(backed)[1] if backed else None


def likeliest_flow(tracker: Tracker) -> Optional[str]:
    """The flow the classifier ranks first among what the coach can do, if it is likely enough
    and the words do not match a fact of the conversation's topic ("who checks my education for
    it", while on working in Canada, asks about Canada, not for the skills check)."""
    ranking = [
        r
        for r in tracker.latest_message.get("intent_ranking") or []
        if r.get("name") in ANSWER_ACTIONS or r.get("name") in FLOW_FORMS
    ]
    if not ranking or ranking[0]["name"] not in FLOW_FORMS or (ranking[0].get("confidence") or 0) < FLOW_FIRST:
        return None
    _, topic = meaning_lead(tracker, FOLLOW_UP_MATCH)
    if topic and topic == tracker.get_slot("topic"):
        return None
    return ranking[0]["name"]


def meaning_lead(
    tracker: Tracker, threshold: Optional[float] = None, exclude: Sequence[str] = ()
) -> Tuple[Optional[str], Optional[str]]:
    """(intent, topic) of the fact the ranking by meaning finds strongly, or (None, None)."""
    lead = strong_lead(tracker.latest_message, threshold, exclude)
    facts = store().facts_by_id([lead[0]]) if lead else []
    intent = intent_for_topic(facts[0].topic) if facts else None
    return (intent, facts[0].topic) if intent in ANSWER_ACTIONS else (None, None)


def intent_by_meaning(
    tracker: Tracker, threshold: Optional[float] = None, exclude: Sequence[str] = ()
) -> Optional[str]:
    """The intent whose topic holds the fact the ranking by meaning finds strongly, if any."""
    return meaning_lead(tracker, threshold, exclude)[0]


def close_intents(tracker: Tracker) -> List[str]:
    """The two likeliest intents the coach can act on, when they are too close to call; else []."""
    ranking = [
        r
        for r in tracker.latest_message.get("intent_ranking") or []
        if r.get("name") in ANSWER_ACTIONS or r.get("name") in STARTS
    ]
    if len(ranking) < 2:
        return []
    first, second = ranking[0], ranking[1]
    if (second.get("confidence") or 0) >= MIN_CLARIFY_CONFIDENCE and (first.get("confidence") or 0) - (
        second.get("confidence") or 0
    ) < CLARIFY_GAP:
        return [first["name"], second["name"]]
    return []


def clarify_buttons(intents: List[str]) -> List[Dict[str, str]]:
    buttons = [
        {"title": INTENT_LABELS.get(i, i.replace("_", " ")), "payload": f'/clarify{{"chosen":"{i}"}}'} for i in intents
    ]
    return buttons + [{"title": INTENT_LABELS["something_else"], "payload": '/clarify{"chosen":"something_else"}'}]


def earlier_user_message(tracker: Tracker) -> Dict[str, Any]:
    """The user message before the latest one (what a clarification button was about)."""
    messages = user_events(tracker)
    if len(messages) < 2:
        return {}
    earlier = messages[-2]
    return {**(earlier.get("parse_data") or {}), "text": earlier.get("text") or ""}


def check_quoted_figure(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[EventType]]:
    """A figure the message quotes as a claim, checked by the topic it belongs to; None if none."""
    quoted = quoted_figures(tracker.latest_message)
    if not quoted:
        return None
    intent = QUOTED_INTENTS[quoted[0][1]]
    return ANSWER_ACTIONS[intent].answer(dispatcher, tracker, intent)


def asked_together(tracker: Tracker) -> Optional[str]:
    """The likelier of the classifier's two best intents when the message asks both together
    (an answer's `together` pattern: "pros and cons"), which answers the other as well."""
    text = tracker.latest_message.get("text") or ""
    ranked = [r.get("name") for r in model_ranking(tracker.latest_message)]
    for intent, other in (ranked[:2], ranked[1::-1]) if len(ranked) >= 2 else ():
        if intent in ANSWER_ACTIONS:
            spec = ANSWER_ACTIONS[intent].spec_for(intent)
            if any(o == other and re.search(p, text, re.IGNORECASE) for p, o in spec.together):
                return intent
    return None
