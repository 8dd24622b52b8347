"""The resume check: asked for, then answered from what the channel read in it.

The resume itself never reaches an action: `channels/documents.py` reads it in the channel and
sends the turn on as `/document_checked` with the findings in the message's metadata (names
from `knowledge/applications.yml`, counts, section names). The reply says what the resume shows
and what it lacks of what the guides say employers look for, and the changes that would help
most, each with its reason, and cites the guides behind them in one source line.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Text

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import joined
from actions.store import store

APPLICATIONS_FILE = Path(__file__).resolve().parents[1] / "knowledge" / "applications.yml"
METADATA_KEY = "document_check"  # as channels/documents.py sets it
CHANGES = 3


@lru_cache(maxsize=1)
def applications() -> Dict[str, Any]:
    return yaml.safe_load(APPLICATIONS_FILE.read_text(encoding="utf-8"))


def sources_line(fact_ids: List[str]) -> str:
    """One line naming each guide behind the facts used, once."""
    titles = dict.fromkeys(f.source.title for f in store().facts_by_id(fact_ids))
    return f"Source{'s' if len(titles) > 1 else ''}: {'; '.join(titles)}." if titles else ""


def example(name: str, seen: List[str]) -> str:
    """The first name of a product or credential the resume showed `name` by, if not in the name."""
    return next((p for p in seen if p != p.lower() and p.lower() not in name.lower()), "")


def resume_reply(findings: Dict[str, Any]) -> str:
    """The check's reply: what the resume shows, what it lacks, the changes worth most, the source."""
    settings = applications()
    words = settings["replies"]
    if findings.get("unreadable"):
        return words["unreadable"]
    entries = {entry["name"]: entry for entry in settings["looks_for"]}
    shows = [name for name in findings.get("shows", []) if name in entries]
    missing = [name for name in findings.get("missing", []) if name in entries]
    seen = findings.get("seen") or {}
    lines = []
    if shows:  # a name with the product or credential that showed it ("EHR systems (Epic)")
        named = [f"{name} ({example(name, seen.get(name) or [])})" if example(name, seen.get(name) or [])
                 else name for name in shows]
        lines.append(words["shows"].format(names=joined(named)))
    else:
        lines.append(words["shows_nothing"])
    if missing:
        lines.append(words["changes"])
        for number, name in enumerate(missing[:CHANGES], 1):
            entry = entries[name]
            lines.append(f"{number}. {name[0].upper()}{name[1:]}: {entry['change']} ({entry['why']}).")
        if missing[CHANGES:]:
            lines.append(words["also_missing"].format(names=joined(missing[CHANGES:])))
    else:
        lines.append(words["complete"])
    lines.append(words["counts"].format(numbers=findings.get("numbers", 0), verbs=findings.get("verbs", 0)))
    cited = [entries[name]["fact"] for name in (missing[:CHANGES] or shows)]
    source = sources_line(cited)
    return "\n".join(lines + ([source] if source else []))


class ActionAskResume(Action):
    """'Check my resume': asks for it (the channel reads the next long message as one)."""

    def name(self) -> Text:
        return "action_ask_resume"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(text=applications()["replies"]["ask"])
        return []


class ActionCheckDocument(Action):
    """Answers a resume the channel read (its findings are in the message's metadata)."""

    def name(self) -> Text:
        return "action_check_document"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[EventType]:
        findings = ((tracker.latest_message or {}).get("metadata") or {}).get(METADATA_KEY)
        if not isinstance(findings, dict):  # "/document_checked" typed by hand: nothing was read
            dispatcher.utter_message(text=applications()["replies"]["ask"])
            return []
        dispatcher.utter_message(text=resume_reply(findings))
        return []
