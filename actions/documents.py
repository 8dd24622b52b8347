"""The resume check: asked for, then answered from what the channel read in it.

The resume itself never reaches an action: `channels/documents.py` reads it in the channel and
sends the turn on as `/document_checked` with the findings in the message's metadata (names
from `knowledge/applications.yml`, counts, section names). The reply says what the resume shows
and what it lacks of what the guides say employers look for, and the changes that would help
most, each with its reason, and cites the guides behind them in one source line.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import joined, source_line
from actions.store import store
from knowledge.applications import METADATA_KEY, applications

# What the conversation keeps of a checked resume and posting: names from the curated list only.
RESUME_SLOT, POSTING_SLOT = "resume_shows", "posting_asks"
CHANGES = 3


def sources_line(fact_ids: List[str]) -> str:
    """The replies' one source line (actions/replies.py) for the facts behind a check's reasons."""
    facts = store().facts_by_id(fact_ids)
    return source_line(facts) if facts else ""


def example(name: str, seen: List[str]) -> str:
    """The first name of a product or credential the resume showed `name` by, if not in the name."""
    return next((p for p in seen if p != p.lower() and p.lower() not in name.lower()), "")


def wording_and_entries() -> Tuple[Dict[str, str], Dict[str, Dict[str, Any]]]:
    """The coach's words for the checks, and each thing employers look for by its name."""
    settings = applications()
    return settings["replies"], {entry["name"]: entry for entry in settings["looks_for"]}


def resume_reply(findings: Dict[str, Any], posting_asks: Optional[List[str]] = None) -> str:
    """The check's reply: what the resume shows, what it lacks, the changes worth most, the source."""
    words, entries = wording_and_entries()
    if findings.get("unreadable"):
        return words["unreadable"]
    shows = [name for name in findings.get("shows", []) if name in entries]
    missing = [name for name in findings.get("missing", []) if name in entries]
    seen = findings.get("seen") or {}
    lines = []
    if shows:  # a name with the product or credential that showed it ("EHR systems (Epic)")
        named = [
            f"{name} ({example(name, seen.get(name) or [])})" if example(name, seen.get(name) or []) else name
            for name in shows
        ]
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
    if posting_asks:  # a posting checked earlier in the conversation
        lacking = [name for name in posting_asks if name in entries and name not in shows]
        lines.append(words["posting_then"].format(names=joined(lacking)) if lacking else words["posting_match_all"])
    cited = [entries[name]["fact"] for name in (missing[:CHANGES] or shows)]
    source = sources_line(cited)
    return "\n".join(lines + ([source] if source else []))


def posting_reply(findings: Dict[str, Any], resume_shows: Optional[List[str]]) -> str:
    """What the posting asks for, which of it the resume shows and lacks, the posting's own words."""
    words, entries = wording_and_entries()
    if findings.get("unreadable"):
        return words["unreadable"]
    asks = [name for name in findings.get("asks", []) if name in entries]
    if not asks:
        return "\n".join([words["posting_asks_nothing"], words["posting_advice"]])
    lines = [words["posting_asks"].format(names=joined(asks))]
    if resume_shows is None:
        lines.append(words["posting_no_resume"])
    else:
        shows = [name for name in asks if name in resume_shows]
        lacks = [name for name in asks if name not in resume_shows]
        lines.append(
            words["posting_match"].format(shows=joined(shows) or "none of them", lacks=joined(lacks))
            if lacks
            else words["posting_match_all"]
        )
    # The posting's words for what the resume lacks come first: those are the ones to add.
    ordered = sorted(asks, key=lambda name: resume_shows is not None and name in resume_shows)
    own_words = [phrase for name in ordered for phrase in (findings.get("seen") or {}).get(name, [])[:2]]
    if own_words:
        lines.append(words["posting_keywords"].format(words=joined([f'"{w}"' for w in own_words[:6]])))
    lines.append(words["posting_advice"])
    source = sources_line(["job-search-resume-g000"])  # the guide that advises tailoring
    return "\n".join(lines + ([source] if source else []))


def letter_reply(findings: Dict[str, Any]) -> str:
    """What the letter names (the job, the employer), what it shows of what it should, its length."""
    words, entries = wording_and_entries()
    if findings.get("unreadable"):
        return words["unreadable"]
    named = [
        what for what, found in (("the job", findings.get("role")), ("the employer", findings.get("employer"))) if found
    ]
    missing_names = [what for what in ("job", "employer") if f"the {what}" not in named]
    lines = [words["letter_names"].format(named=joined(named)) if named else words["letter_names_nothing"]]
    if named and missing_names:
        lines.append(words["letter_unnamed"].format(missing=joined(missing_names)))
    shows = [name for name in findings.get("shows", []) if name in entries]
    missing = [name for name in findings.get("missing", []) if name in entries]
    if shows:
        lines.append(words["letter_shows"].format(names=joined(shows)))
    if missing:
        lines.append(words["letter_missing"].format(names=joined(missing)))
    lines.append(words["letter_length"].format(words=findings.get("words", 0)))
    source = sources_line([applications()["letter"]["fact"]])
    return "\n".join(lines + ([source] if source else []))


class AskForDocument:
    """Asks for a document; the channel reads the next long message as one (its ASKING_ACTIONS).
    Not an Action itself, so that rasa-sdk registers only the two below."""

    action_name, reply = "", ""

    def name(self) -> Text:
        return self.action_name

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(text=applications()["replies"][self.reply])
        return []


class ActionAskResume(AskForDocument, Action):
    """'Check my resume'."""

    action_name, reply = "action_ask_resume", "ask"


class ActionAskPosting(AskForDocument, Action):
    """'Does my resume match this job ad?'"""

    action_name, reply = "action_ask_posting", "ask_posting"


class ActionAskLetter(AskForDocument, Action):
    """'Can you check my cover letter?'"""

    action_name, reply = "action_ask_letter", "ask_letter"


class ActionCheckDocument(Action):
    """Answers a resume or posting the channel read (its findings are in the message's metadata)."""

    def name(self) -> Text:
        return "action_check_document"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        findings = ((tracker.latest_message or {}).get("metadata") or {}).get(METADATA_KEY)
        if not isinstance(findings, dict):  # "/document_checked" typed by hand: nothing was read
            dispatcher.utter_message(text=applications()["replies"]["ask"])
            return []
        if findings.get("kind") == "letter":
            dispatcher.utter_message(text=letter_reply(findings))
            return []
        if findings.get("kind") == "posting":
            dispatcher.utter_message(text=posting_reply(findings, tracker.get_slot(RESUME_SLOT)))
            return [SlotSet(POSTING_SLOT, list(findings.get("asks") or []))]
        dispatcher.utter_message(text=resume_reply(findings, tracker.get_slot(POSTING_SLOT)))
        return [] if findings.get("unreadable") else [SlotSet(RESUME_SLOT, list(findings.get("shows") or []))]
