"""A pasted resume is read here, in the channel, and never reaches the conversation store.

Every channel's turn runs through `channels/guard.py`'s `handle_turn`, which asks `take` first.
A message is taken as a resume when it is long enough and has the headings of one (or the coach
asked for one in its last turn). spaCy reads it
(`read_resume`): a PhraseMatcher on lowercased lemmas finds what the guides say employers look
for (`knowledge/applications.yml`), the headings give its sections, and its lines the results
with numbers and the lines that start with an action verb. The turn then goes on as the message
`/document_checked` whose metadata holds only those findings: the names from the curated list,
counts and section names, never a word of the text itself. Rasa stores that message, the actions
answer from it (`actions/documents.py`), and the text is gone when the turn ends: it is not in the
conversation, the logs or the feedback tables.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import yaml
from rasa.core.channels.channel import UserMessage

logger = logging.getLogger(__name__)

APPLICATIONS_FILE = Path(__file__).resolve().parents[1] / "knowledge" / "applications.yml"
CHECKED_INTENT = "document_checked"
METADATA_KEY = "document_check"
# The actions that ask for a document, and which: the next long message is then one.
ASKING_ACTIONS = {"action_ask_resume": "resume"}
# A line that is a heading: a few words, maybe followed by a colon, nothing else.
HEADING = re.compile(r"^\s*([A-Za-z][A-Za-z &/]{1,40}?)\s*:?\s*$")
# A figure in a line of results ("300 charts", "15%"), not a year or a phone number.
NUMBER = re.compile(r"(?<![\d(-])(?!(?:19|20)\d\d\b)\d[\d,.]*%?(?![\d)-])")
WORD = re.compile(r"[A-Za-z]{2,}")
# After the coach asked for a resume, a message this long (or of this many lines) is one.
ASKED_WORDS, ASKED_LINES = 40, 3
BULLET = re.compile(r"^\s*(?:[-*\u2022\u25aa\u25cf\u2013]|\d+[.)])\s*")


@lru_cache(maxsize=1)
def applications(path: Path = APPLICATIONS_FILE) -> Dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def spacy_language():
    """The spaCy pipeline the model's SpacyNLP loaded in this process, else en_core_web_md's."""
    from components.spacy_nlp import SpacyNLP

    return SpacyNLP.load_model("en_core_web_md").model


def lemmas(doc) -> List[str]:
    return [token.lemma_.lower() for token in doc]


class ResumeReader:
    """What a resume shows of what employers look for, read by lemma whatever the case."""

    def __init__(self, nlp, settings: Optional[Dict[str, Any]] = None):
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        self.nlp = nlp
        self.settings = settings or applications()
        self._doc = lambda words: Doc(nlp.vocab, words=words)
        # Two readings of every text, as lowercased lemmas ("EHRs" -> "ehr") and as lowercased
        # words ("data entry", whose lemma depends on the sentence around it): a phrase counts
        # when either reading of the text holds the same reading of the phrase.
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.phrases: Dict[str, Dict[str, str]] = {}  # match key -> {reading: phrase as curated}
        for entry in self.settings["looks_for"]:
            patterns = []
            for phrase in entry["phrases"]:
                parsed = nlp(str(phrase))
                for words in (lemmas(parsed), [t.lower_ for t in parsed]):
                    patterns.append(self._doc(words))
                    self.phrases.setdefault(entry["name"], {})[" ".join(words)] = str(phrase)
            self.matcher.add(entry["name"], patterns)
        self.verbs = {str(v).lower() for v in self.settings["action_verbs"]}
        self.headings = {str(word).lower(): section for section, words in self.settings["sections"].items()
                         for word in words}

    def read(self, text: str) -> Dict[str, Any]:
        doc = self.nlp(text)
        seen: Dict[str, List[str]] = {}
        for words in (lemmas(doc), [t.lower_ for t in doc]):
            for match_id, start, end in self.matcher(self._doc(words)):
                name = self.nlp.vocab.strings[match_id]
                phrase = self.phrases[name].get(" ".join(words[start:end]))
                if phrase and phrase not in seen.setdefault(name, []):
                    seen[name].append(phrase)
        order = [entry["name"] for entry in self.settings["looks_for"]]
        lines = [line for line in text.splitlines() if line.strip()]
        sections = []
        for line in lines:
            heading = HEADING.match(line)
            section = self.headings.get(heading.group(1).strip().lower()) if heading else None
            if section and section not in sections:
                sections.append(section)
        content = [line for line in lines if not HEADING.match(line)]
        # A line of experience that starts with a verb ("Scanned 300 charts"), read in its line.
        starts = (BULLET.sub("", line).strip() for line in content)  # lowercased: "Kept" is no name
        verbs = sum(1 for parsed in self.nlp.pipe(line[:1].lower() + line[1:] for line in starts)
                    if len(parsed) and parsed[0].is_alpha and parsed[0].lemma_.lower() in self.verbs)
        return {
            "kind": "resume",
            "shows": [name for name in order if seen.get(name)],
            "seen": {name: seen[name] for name in order if seen.get(name)},
            "missing": [name for name in order if not seen.get(name)],
            "sections": sections,
            "numbers": sum(1 for line in content if NUMBER.search(line) and len(WORD.findall(line)) >= 3),
            "verbs": verbs,
            "words": sum(1 for token in doc if token.is_alpha),
        }

    def looks_like_resume(self, text: str) -> bool:
        """Long enough, with at least `min_sections` headings of a resume's parts."""
        if len(text.split()) < int(self.settings["min_words"]):
            return False
        found = {self.headings.get(m.group(1).strip().lower()) for m in map(HEADING.match, text.splitlines()) if m}
        return len(found - {None}) >= int(self.settings["min_sections"])


@lru_cache(maxsize=1)
def reader() -> ResumeReader:
    return ResumeReader(spacy_language())


async def awaiting(agent: Any, sender_id: Text) -> Optional[Text]:
    """The document the coach asked for in its last turn ("resume"), if it did."""
    store = getattr(agent, "tracker_store", None)
    tracker = await store.retrieve(sender_id) if store is not None else None
    if tracker is None:
        return None
    for event in reversed(tracker.events):
        name = getattr(event, "action_name", None)
        if event.type_name == "user":
            return None  # the person has said something since
        if name and name != "action_listen":
            return ASKING_ACTIONS.get(name)
    return None


async def take(message: UserMessage, agent: Any) -> UserMessage:
    """The message to run the turn with: a resume read and replaced by its findings, else the message."""
    text = message.text or ""
    lines = sum(1 for line in text.splitlines() if line.strip())
    if text.startswith("/") or (len(text.split()) < ASKED_WORDS and lines < ASKED_LINES):
        return message
    resume = reader()
    if not resume.looks_like_resume(text) and await awaiting(agent, message.sender_id) != "resume":
        return message
    try:
        findings = resume.read(text)
    except Exception:  # noqa: BLE001  (the text is still kept out of the conversation)
        logger.exception("a resume for conversation %s could not be read", message.sender_id)
        findings = {"kind": "resume", "unreadable": True}
    metadata = dict(message.metadata or {})
    metadata[METADATA_KEY] = findings
    return UserMessage(f"/{CHECKED_INTENT}", message.output_channel, message.sender_id,
                       input_channel=message.input_channel, message_id=message.message_id,
                       metadata=metadata)
