"""The coach's own turns: where its facts come from, and what it says when it is unsure."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.store import store

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


class ActionListSources(Action):
    """Tells where the coach's facts come from: the five guides and their periods."""

    def name(self) -> Text:
        return "action_list_sources"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        sources = store().sources()
        dispatcher.utter_message(response="utter_sources_intro", count=len(sources))
        dispatcher.utter_message(text="\n".join(f"• {s.title}: {s.period}" for s in sources))
        return []


class ActionCoachFallback(Action):
    """Replies when the coach did not understand: says so, and says what it can help with."""

    def name(self) -> Text:
        return "action_coach_fallback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        text = (tracker.latest_message.get("text") or "").strip()
        if not text or not LETTERS.search(text):
            dispatcher.utter_message(response="utter_empty_message")
        elif looks_foreign(text):
            dispatcher.utter_message(response="utter_english_only")
        else:
            dispatcher.utter_message(response="utter_did_not_understand")
        dispatcher.utter_message(response="utter_topics_hint")
        return []
