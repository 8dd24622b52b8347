"""The coach's own turns: where its facts come from, and what it says when it is unsure."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.answering import ELLIPTICAL, INTENT_TOPICS, TopicAnswerAction, asked_aspects, intent_for_topic
from actions.scope import BACK_REFERENCE, NATIONWIDE, SCOPE_KINDS, choose_scope, named_values
from actions.breakdown import asked_kind
from actions.choosing import strong_lead
from actions.quoting import quoted_figures
from actions.replies import reply_text
from actions.superlatives import ranked_answer
from rasa_sdk.events import SlotSet
from actions.career import ActionAnswerCareer
from actions.education import ActionAnswerCertification, ActionAnswerEducation
from actions.outlook import ActionAnswerOutlook
from actions.salary import ActionAnswerSalary
from actions.feedback import record_unanswered
from actions.store import store, vocabulary
from knowledge.retrieval import ranking_of
from knowledge.feedback import NOT_UNDERSTOOD, OTHER_CAREER
from actions.work import ActionAnswerWork

TOPIC_ACTIONS: Tuple[TopicAnswerAction, ...] = (
    ActionAnswerSalary(), ActionAnswerOutlook(), ActionAnswerEducation(),
    ActionAnswerCertification(), ActionAnswerWork(), ActionAnswerCareer(),
)
ANSWER_ACTIONS: Dict[str, TopicAnswerAction] = {
    intent: action for action in TOPIC_ACTIONS for intent in action.specs
}
# Words that say what a topic is about. When the model is unsure, its best guess is
# answered only if the message also has one of its topic's words.
TOPIC_WORDS = {
    "salary": r"salar|\bpay|paid|earn|wage|income|\$|money|benefit|401",
    "outlook": r"growth|grow|outlook|demand|openings|future|automat|\bai\b|recession|secur|stable|hiring|market",
    "market": r"market|hiring|trend|2025|competition",
    "education": r"degree|school|program|course|class|stud|college|tuition|certificate|cahiim|accredit|online",
    "certification": r"certif|rhit|rhia|\bcca\b|\bctr\b|\bcpc\b|\bccs|exam|credential|renew",
    "overview": r"what is|what's an?|what are|mean",
    "duties": r"\bdo\b|duties|task|responsib|day|coder|registrar|differen",
    "skills": r"skill|good at|qualit|strength|language",
    "tools": r"software|program|tool|ehr|epic|cerner|system|computer",
    "work_environment": r"hours|schedule|shift|weekend|office|environment|desk|stress",
    "remote_work": r"remote|home|anywhere|nomad",
    "career_path": r"promot|advance|ladder|senior|supervisor|manager|years|grow",
    "getting_started": r"start|become|steps|begin|switch",
    "job_search": r"resume|cv|interview|experience|intern|apply|job search",
    "pros": r"pros|good|advantage|like|best",
    "cons": r"cons|bad|downside|disadvantage|dislike|worst|hard",
    "related_careers": r"similar|related|other (jobs|careers|roles)|speciali|alternative",
    "employers": r"employ|hire|hiring|industr|hospital|clinic|where",
    "abroad": r"abroad|visa|canada|uk|australia|country|immigra|overseas|ielts|toefl",
    "organizations": r"organi[sz]ation|association|ahima|\bnha\b|group|communit|book|read|resource",
    "diversity": r"divers|inclus|minorit|veteran|disab|women|older",
}
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
# Flows the coach can start when the user picks them from a clarification.
FLOW_FORMS = {"start_plan": "plan_form", "start_skills_check": "skills_form",
              "start_interview_practice": "interview_form"}
# A flow the classifier finds likeliest, at this confidence or more, is started even when a fact
# matches the words strongly ("do i even have the right skills? quiz me" names skills, and a
# skills fact, but asks for the check). Leaving a flow takes one word ("stop").
FLOW_FIRST = 0.25
# Plain words for each intent, for clarification buttons (the coach's wording, kept as data).
INTENT_LABELS: Dict[str, str] = yaml.safe_load(
    (Path(__file__).with_name("intent_labels.yml")).read_text(encoding="utf-8"))

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
    ranking = [r for r in tracker.latest_message.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
    for ranked in ranking[:1]:
        intent, confidence = ranked.get("name"), ranked.get("confidence") or 0
        if intent in ANSWER_ACTIONS and confidence >= MIN_GUESS_CONFIDENCE:
            topic = ANSWER_ACTIONS[intent].spec_for(intent).topic
            # A word of the topic in the message, or the conversation already on that topic
            # ("how do I keep it?" right after the RHIT), supports the guess.
            if re.search(TOPIC_WORDS.get(topic, r"$^"), text) or topic == tracker.get_slot("topic"):
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
    candidates = [r for r in message.get("intent_ranking") or [] if r.get("name") in ANSWER_ACTIONS
                  and (r.get("confidence") or 0) >= CANDIDATE_CONFIDENCE][:CANDIDATES]
    backed = [((r.get("confidence") or 0) + FACT_WEIGHT * best.get(INTENT_TOPICS.get(r["name"]), 0.0), r["name"])
              for r in candidates if best.get(INTENT_TOPICS.get(r["name"]), 0.0) >= SUPPORT_MIN]
    return max(backed)[1] if backed else None


def likeliest_flow(tracker: Tracker) -> Optional[str]:
    """The flow the classifier ranks first among what the coach can do, if it is likely enough
    and the words do not match a fact of the conversation's topic ("who checks my education for
    it", while on working in Canada, asks about Canada, not for the skills check)."""
    ranking = [r for r in tracker.latest_message.get("intent_ranking") or []
               if r.get("name") in ANSWER_ACTIONS or r.get("name") in FLOW_FORMS]
    if not ranking or ranking[0]["name"] not in FLOW_FORMS or (ranking[0].get("confidence") or 0) < FLOW_FIRST:
        return None
    _, topic = meaning_lead(tracker, FOLLOW_UP_MATCH)
    if topic and topic == tracker.get_slot("topic"):
        return None
    return ranking[0]["name"]


def meaning_lead(tracker: Tracker, threshold: Optional[float] = None,
                 exclude: Sequence[str] = ()) -> Tuple[Optional[str], Optional[str]]:
    """(intent, topic) of the fact the ranking by meaning finds strongly, or (None, None)."""
    lead = strong_lead(tracker.latest_message, threshold, exclude)
    facts = store().facts_by_id([lead[0]]) if lead else []
    intent = intent_for_topic(facts[0].topic) if facts else None
    return (intent, facts[0].topic) if intent in ANSWER_ACTIONS else (None, None)


def intent_by_meaning(tracker: Tracker, threshold: Optional[float] = None,
                      exclude: Sequence[str] = ()) -> Optional[str]:
    """The intent whose topic holds the fact the ranking by meaning finds strongly, if any."""
    return meaning_lead(tracker, threshold, exclude)[0]


def close_intents(tracker: Tracker) -> List[str]:
    """The two likeliest intents the coach can act on, when they are too close to call; else []."""
    ranking = [r for r in tracker.latest_message.get("intent_ranking") or []
               if r.get("name") in ANSWER_ACTIONS or r.get("name") in FLOW_FORMS]
    if len(ranking) < 2:
        return []
    first, second = ranking[0], ranking[1]
    if (second.get("confidence") or 0) >= MIN_CLARIFY_CONFIDENCE and \
            (first.get("confidence") or 0) - (second.get("confidence") or 0) < CLARIFY_GAP:
        return [first["name"], second["name"]]
    return []


def clarify_buttons(intents: List[str]) -> List[Dict[str, str]]:
    buttons = [{"title": INTENT_LABELS.get(i, i.replace("_", " ")), "payload": f'/clarify{{"chosen":"{i}"}}'}
               for i in intents]
    return buttons + [{"title": INTENT_LABELS["something_else"], "payload": '/clarify{"chosen":"something_else"}'}]


def earlier_user_message(tracker: Tracker) -> Dict[str, Any]:
    """The user message before the latest one (what a clarification button was about)."""
    user_events = [e for e in tracker.events if e.get("event") == "user"]
    if len(user_events) < 2:
        return {}
    earlier = user_events[-2]
    return {**(earlier.get("parse_data") or {}), "text": earlier.get("text") or ""}


def check_quoted_figure(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[EventType]]:
    """A figure the message quotes as a claim, checked by the topic it belongs to; None if none."""
    quoted = quoted_figures(tracker.latest_message)
    if not quoted:
        return None
    intent = QUOTED_INTENTS[quoted[0][1]]
    return ANSWER_ACTIONS[intent].answer(dispatcher, tracker, intent)


class ActionListSources(Action):
    """Tells where the coach's facts come from: the five guides and their periods."""

    def name(self) -> Text:
        return "action_list_sources"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        checked = check_quoted_figure(dispatcher, tracker)
        if checked is not None:  # "a blog said managers pull in 120k, is that legit?": the figure is asked
            return checked
        sources = store().sources()
        dispatcher.utter_message(response="utter_sources_intro", count=len(sources))
        dispatcher.utter_message(text="\n".join(f"• {s.title}: {s.period}" for s in sources))
        return []


def asked_together(tracker: Tracker) -> Optional[str]:
    """The likelier of the classifier's two best intents when the message asks both together
    (an answer's `together` pattern: "pros and cons"), which answers the other as well."""
    text = tracker.latest_message.get("text") or ""
    ranked = [r.get("name") for r in tracker.latest_message.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
    for intent, other in (ranked[:2], ranked[1::-1]) if len(ranked) >= 2 else ():
        if intent in ANSWER_ACTIONS:
            spec = ANSWER_ACTIONS[intent].spec_for(intent)
            if any(o == other and re.search(p, text, re.IGNORECASE) for p, o in spec.together):
                return intent
    return None


class ActionCoachFallback(Action):
    """Replies when the coach did not understand: says so, and says what it can help with."""

    def name(self) -> Text:
        return "action_coach_fallback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        text = (tracker.latest_message.get("text") or "").strip()
        foreign = looks_foreign(text)
        career = vocabulary().other_career_asked(text) if not foreign else None
        if career:
            dispatcher.utter_message(response="utter_other_career", career=career)
            record_unanswered(tracker, OTHER_CAREER, text=text)
            return []
        flow = likeliest_flow(tracker) if not foreign else None
        if flow:
            return [FollowupAction(FLOW_FORMS[flow])]
        _, top = ranked_answer(text, tracker.get_slot("topic"), tracker.get_slot("last_facts") or []) \
            if not foreign else ([], None)
        if top and intent_for_topic(top.topic) in ANSWER_ACTIONS:  # "in which industries do they earn the most?"
            intent = intent_for_topic(top.topic)
            return ANSWER_ACTIONS[intent].answer(dispatcher, tracker, intent)
        # "the pros and cons?": two intents nearly tied that the message asks together.
        both = asked_together(tracker) if not foreign else None
        if both:
            return ANSWER_ACTIONS[both].answer(dispatcher, tracker, both)
        # A fact found strongly by meaning answers, whatever the classifier was unsure of.
        by_meaning = intent_by_meaning(tracker) if not foreign else None
        if by_meaning:
            return ANSWER_ACTIONS[by_meaning].answer(dispatcher, tracker, by_meaning)
        # "what's HIS for?" while on software: a fact of the conversation's topic that the words
        # match well enough answers, where one of another topic would need to match strongly.
        topic = tracker.get_slot("topic")
        if topic and not foreign and intent_for_topic(topic) in ANSWER_ACTIONS and \
                meaning_lead(tracker, FOLLOW_UP_MATCH)[1] == topic:
            intent = intent_for_topic(topic)
            return ANSWER_ACTIONS[intent].answer(dispatcher, tracker, intent)
        # "im in ohio", after pay by state was offered: the last question, about what is named now.
        previous = tracker.get_slot("last_intent")
        if previous in ANSWER_ACTIONS and not foreign and \
                any(named_values(tracker.latest_message, kind) for kind in SCOPE_KINDS):
            return ANSWER_ACTIONS[previous].answer(dispatcher, tracker, previous, follow_up=True)
        # "a blog claimed they average $52,000, can that be right?": the figure checked.
        checked = check_quoted_figure(dispatcher, tracker) if not foreign else None
        if checked is not None:
            return checked
        # "who gives that one out?", "so what's the newest number": the last answer's question,
        # about what this one asks (the thing talked about is carried, the ranking still weighs).
        if previous in ANSWER_ACTIONS and not foreign and BACK_REFERENCE.search(text):
            return ANSWER_ACTIONS[previous].answer(dispatcher, tracker, previous, follow_up=True)
        # The classifier unsure, the facts settle it: the likeliest intent that a fact backs.
        by_facts = intent_by_facts(tracker) if not foreign else None
        if by_facts:
            return ANSWER_ACTIONS[by_facts].answer(dispatcher, tracker, by_facts)
        options = close_intents(tracker) if not foreign else []
        # The conversation's topic settles a close call ("how do I keep it?" after the RHIT).
        on_topic = [i for i in options if i in ANSWER_ACTIONS
                    and ANSWER_ACTIONS[i].spec_for(i).topic == tracker.get_slot("topic")]
        if len(on_topic) == 1:
            dispatcher.utter_message(response="utter_best_guess")
            return ANSWER_ACTIONS[on_topic[0]].answer(dispatcher, tracker, on_topic[0])
        if options:
            dispatcher.utter_message(response="utter_clarify", buttons=clarify_buttons(options))
            return []
        guess = best_guess(tracker)
        if guess and not foreign:
            dispatcher.utter_message(response="utter_best_guess")
            return ANSWER_ACTIONS[guess].answer(dispatcher, tracker, guess)
        if not text or not LETTERS.search(text):
            dispatcher.utter_message(response="utter_empty_message")
        elif foreign:
            dispatcher.utter_message(response="utter_english_only")
            record_unanswered(tracker, "another language")
        else:
            dispatcher.utter_message(response="utter_did_not_understand")
            record_unanswered(tracker, NOT_UNDERSTOOD)
        dispatcher.utter_message(response="utter_topics_hint")
        return []


class ActionClarified(Action):
    """Answers the earlier, unclear message as the intent the user picked from the buttons."""

    def name(self) -> Text:
        return "action_clarified"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        chosen = next((e.get("value") for e in tracker.latest_message.get("entities") or []
                       if e.get("entity") == "chosen"), None)
        earlier = earlier_user_message(tracker)
        if chosen in ANSWER_ACTIONS:
            return ANSWER_ACTIONS[chosen].answer(dispatcher, tracker, chosen, message=earlier)
        if chosen in FLOW_FORMS:
            return [FollowupAction(FLOW_FORMS[chosen])]
        if earlier.get("text"):
            record_unanswered(tracker, "none of the suggestions", text=earlier["text"])
        dispatcher.utter_message(response="utter_rephrase")
        dispatcher.utter_message(response="utter_topics_hint")
        return []


class ActionFollowUp(Action):
    """Asks the previous question again about what the user names now ("and in Hawaii?")."""

    def name(self) -> Text:
        return "action_follow_up"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        previous = tracker.get_slot("last_intent")
        text = tracker.latest_message.get("text") or ""
        names = any(named_values(tracker.latest_message, kind) for kind in SCOPE_KINDS)
        if previous in ANSWER_ACTIONS and (NATIONWIDE.search(text) or (names and ELLIPTICAL.search(text))):
            # "and nationally?", "and mexico?": the previous question for the whole country or
            # for the place named, however strongly the words alone point elsewhere ("national"
            # draws the national associations, "mexico" working abroad).
            return ANSWER_ACTIONS[previous].answer(dispatcher, tracker, previous, follow_up=True)
        by_meaning = intent_by_meaning(tracker)
        if by_meaning and (previous not in ANSWER_ACTIONS or
                           ANSWER_ACTIONS[by_meaning].spec_for(by_meaning).topic != tracker.get_slot("topic")):
            # Not a follow-up after all: a question of its own, found by meaning.
            return ANSWER_ACTIONS[by_meaning].answer(dispatcher, tracker, by_meaning)
        if previous not in ANSWER_ACTIONS:
            # Nothing to follow up: a question of its own, if the ranking finds anything for it.
            guess = intent_by_meaning(tracker, FOLLOW_UP_MATCH)
            if guess:
                return ANSWER_ACTIONS[guess].answer(dispatcher, tracker, guess)
            dispatcher.utter_message(response="utter_follow_up_without_question")
            dispatcher.utter_message(response="utter_topics_hint")
            return []
        action = ANSWER_ACTIONS[previous]
        spec = action.spec_for(previous)
        scope, _ = choose_scope(spec, tracker, tracker.latest_message, follow_up=True)
        named_or_reset = scope is not None and scope != (tracker.get_slot("scope"), tracker.get_slot(scope[0]))
        if named_or_reset or NATIONWIDE.search(text) or asked_aspects(spec, text) != spec.aspects \
                or asked_kind(text):  # "and by state?": the last question for every state
            return action.answer(dispatcher, tracker, previous, follow_up=True)
        if best_by_topic(tracker.latest_message).get(spec.topic, 0.0) >= FOLLOW_UP_MATCH:
            # "and for the paper stuff?" after software: the topic's fact the words point at.
            return action.answer(dispatcher, tracker, previous)
        dispatcher.utter_message(response="utter_follow_up_unclear", topic=INTENT_LABELS.get(previous, previous))
        return []


class ActionTellMore(Action):
    """"Tell me more": the facts the last short answer held back, two at a time."""

    def name(self) -> Text:
        return "action_tell_more"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        ids = list(tracker.get_slot("more_facts") or [])
        facts = store().facts_by_id(ids[:2])
        if not facts:
            dispatcher.utter_message(response="utter_nothing_more")
            return []
        dispatcher.utter_message(text=reply_text(facts))
        return [SlotSet("more_facts", ids[2:] or None)]


# "no, I meant the visa", "sorry, I meant Louisiana": a correction, not a plain no.
CORRECTION = re.compile(r"\b(meant|i mean|was asking|asked about|was talking|talking about|rather)\b", re.IGNORECASE)
# A correction names what was meant, so a weaker match by meaning is enough.
CORRECTION_MATCH = 0.5


class ActionAffirm(Action):
    """A plain "yes" asks what next; "yes, by industry" after an offer to break the figures down
    answers the last question for every name of that kind."""

    def name(self) -> Text:
        return "action_affirm"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        previous = tracker.get_slot("last_intent")
        if previous in ANSWER_ACTIONS and asked_kind(tracker.latest_message.get("text") or ""):
            return ANSWER_ACTIONS[previous].answer(dispatcher, tracker, previous)
        dispatcher.utter_message(response="utter_what_next")
        return []


class ActionDeny(Action):
    """A plain "no" asks what else; "no, I meant X" answers X: the previous question about a
    thing now named, else what the ranking finds, past the answer just given."""

    def name(self) -> Text:
        return "action_deny"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        message = tracker.latest_message
        if CORRECTION.search(message.get("text") or ""):
            previous = tracker.get_slot("last_intent")
            shown = tracker.get_slot("last_facts") or []
            intent, topic = meaning_lead(tracker, CORRECTION_MATCH, exclude=shown)
            # "no, I meant the visa": another topic, found by meaning past the answer just given.
            if intent and topic != tracker.get_slot("topic"):
                return ANSWER_ACTIONS[intent].answer(dispatcher, tracker, intent, exclude=shown)
            # "sorry, I meant Louisiana": the same question about the thing now named.
            if previous in ANSWER_ACTIONS and any(named_values(message, kind) for kind in SCOPE_KINDS):
                return ANSWER_ACTIONS[previous].answer(dispatcher, tracker, previous, follow_up=True)
            if intent:
                return ANSWER_ACTIONS[intent].answer(dispatcher, tracker, intent, exclude=shown)
        dispatcher.utter_message(response="utter_anything_else")
        return []
