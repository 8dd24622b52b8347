"""A pasted resume, job posting or cover letter is read here, in the channel, and never reaches
the conversation store.

Every channel's turn runs through `channels/guard.py`'s `handle_turn`, which asks `take` first.
A message is taken as a document when it is long enough and has the headings of a posting or a
resume, or a letter's opening or closing (or the coach asked for one in its last turn). spaCy
reads it (`DocumentReader`): PhraseMatchers find what the guides say employers look for
(`knowledge/applications.yml`); for a resume the headings give its sections, and its lines the
results with figures and the lines that start with an action verb. The turn then goes on as the message
`/document_checked` whose metadata holds only those findings: the names from the curated list,
counts and section names, never a word of the text itself. Rasa stores that message, the actions
answer from it (`actions/documents.py`), and the text is gone when the turn ends: it is not in the
conversation, the logs or the feedback tables.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text

from rasa.core.channels.channel import UserMessage
from spacy.tokens import Span
from spacy.util import filter_spans

from knowledge.applications import CHECKED_INTENT, METADATA_KEY, applications

logger = logging.getLogger(__name__)

# The actions that ask for a document, and which: the next long message is then one.
ASKING_ACTIONS = {"action_ask_resume": "resume", "action_ask_posting": "posting", "action_ask_letter": "letter"}
# A line that is a heading: a few words, maybe followed by a colon, nothing else.
HEADING = re.compile(r"^\s*([A-Za-z][A-Za-z &/'\u2019]{1,40}?)\s*:?\s*$")
# A figure in a line of results ("300 charts", "15%"), not a year or a phone number.
NUMBER = re.compile(r"(?<![\d(-])(?!(?:19|20)\d\d\b)\d[\d,.]*%?(?![\d)-])")
WORD = re.compile(r"[A-Za-z]{2,}")
# After the coach asked for a resume, a message this long (or of this many lines) is one.
ASKED_WORDS, ASKED_LINES = 40, 3
# "... position at Lakeside Clinic", "... join Riverside Health": an employer named by its name
# (the recognizer's ORG is no guide here: it also takes HIPAA or Epic for one).
EMPLOYER = re.compile(r"\b(?:at|join)\s+(?:the\s+)?[A-Z][\w&'-]+")
BULLET = re.compile(r"^\s*(?:[-*\u2022\u25aa\u25cf\u2013]|\d+[.)])\s*")


def spacy_language():
    """The spaCy pipeline the model's SpacyNLP loaded in this process, else en_core_web_md's."""
    from components.spacy_nlp import SpacyNLP

    return SpacyNLP.load_model("en_core_web_md").model


def lemmas(doc) -> List[str]:
    return [token.lemma_.lower() for token in doc]


READINGS = {
    "folded": (lemmas, lambda doc: [t.lower_ for t in doc]),
    "cased": (lambda doc: [t.text for t in doc], lambda doc: [t.lemma_ for t in doc]),
}


class DocumentReader:
    """What a resume, posting or letter shows of what employers look for."""

    def __init__(self, nlp, settings: Optional[Dict[str, Any]] = None):
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        self.nlp = nlp
        self.settings = settings or applications()
        self._doc = lambda words: Doc(nlp.vocab, words=words)
        # Each text is read twice over. A phrase written in lower case ("data entry") is found
        # whatever the case, as lowercased lemmas ("audited" -> "audit") or lowercased words
        # ("data entry", whose lemma depends on the sentence around it). A phrase with a
        # capital (a name: "Epic", "EHR", "Word") is found only as written, or as its lemma
        # ("EHRs"), so that "word", "hit" or "him" in a sentence is not taken for one.
        self.matchers = {family: PhraseMatcher(nlp.vocab, attr="ORTH") for family in READINGS}
        self.phrases: Dict[str, Dict[str, str]] = {}  # match key -> {family: reading: phrase}
        for entry in self.settings["looks_for"]:
            patterns: Dict[str, list] = {family: [] for family in READINGS}
            for phrase in map(str, entry["phrases"]):
                family = "folded" if phrase == phrase.lower() else "cased"
                parsed = nlp(phrase)
                for reading in READINGS[family]:
                    words = reading(parsed)
                    patterns[family].append(self._doc(words))
                    self.phrases.setdefault(entry["name"], {})[family + ":" + " ".join(words)] = phrase
            for family, docs in patterns.items():
                if docs:
                    self.matchers[family].add(entry["name"], docs)
        self.verbs = {str(v).lower() for v in self.settings["action_verbs"]}
        self.posting_headings = {str(h).lower() for h in self.settings.get("posting_sections", [])}
        self.headings_map = {
            str(word).lower(): section for section, words in self.settings["sections"].items() for word in words
        }

    def matches(self, doc) -> Dict[str, List[str]]:
        """Each thing employers look for that the document names, with the curated phrases found."""
        seen: Dict[str, List[str]] = {}
        for family, readings in READINGS.items():
            for reading in readings:
                words = reading(doc)
                read = self._doc(words)
                spans = [Span(read, start, end, label=match_id) for match_id, start, end in self.matchers[family](read)]
                for span in filter_spans(spans):  # the longest of overlapping matches ("ICD-10-CM")
                    name, start, end = span.label_, span.start, span.end
                    phrase = self.phrases[name].get(family + ":" + " ".join(words[start:end]))
                    if phrase and phrase not in seen.setdefault(name, []):
                        seen[name].append(phrase)
        order = [entry["name"] for entry in self.settings["looks_for"]]
        return {name: seen[name] for name in order if seen.get(name)}

    def looks_like_letter(self, text: str) -> bool:
        """Long enough, opening as a letter does ("Dear ...") or closing as one ("Sincerely")."""
        if len(text.split()) < int(self.settings["min_words"]):
            return False
        letter = self.settings["letter"]
        lines = [line.strip().lower() for line in text.splitlines() if line.strip()]
        opens = bool(lines) and lines[0].startswith(tuple(letter["openings"]))
        closes = any(line.rstrip(",.!").startswith(tuple(letter["closings"])) for line in lines[-4:])
        return opens or closes

    def read_letter(self, text: str) -> Dict[str, Any]:
        """What a cover letter names (the job, the employer) and shows of what it should."""
        doc = self.nlp(text)
        seen = self.matches(doc)
        letter = self.settings["letter"]
        folded = " ".join(t.lower_ for t in doc)
        role = next((r for r in letter["roles"] if re.search(rf"\b{re.escape(str(r).lower())}\b", folded)), "")
        employer = bool(EMPLOYER.search(text))
        return {
            "kind": "letter",
            "role": bool(role),
            "employer": employer,
            "shows": [n for n in letter["shows"] if n in seen],
            "missing": [n for n in letter["shows"] if n not in seen],
            "seen": {n: seen[n] for n in letter["shows"] if n in seen},
            "words": sum(1 for token in doc if token.is_alpha),
        }

    def read_posting(self, text: str) -> Dict[str, Any]:
        """What a job posting asks for of what employers look for, in its own words."""
        seen = self.matches(self.nlp(text))
        return {"kind": "posting", "asks": list(seen), "seen": seen}

    @staticmethod
    def headings(text: str) -> List[str]:
        """The lines of `text` that read as headings, lowercased, in order ("what we're looking for")."""
        return [
            match.group(1).strip().lower().replace("\u2019", "'")
            for match in map(HEADING.match, text.splitlines())
            if match
        ]

    def sections(self, text: str) -> List[str]:
        """The resume parts its headings name, in order, each once."""
        return list(dict.fromkeys(self.headings_map[h] for h in self.headings(text) if h in self.headings_map))

    def looks_like_posting(self, text: str) -> bool:
        """Long enough, with at least two headings of a posting's parts, and more of those than
        of a resume's."""
        if len(text.split()) < int(self.settings["min_words"]) // 2:
            return False
        headings = set(self.headings(text))
        posting = len(headings & self.posting_headings)
        return posting >= 2 and posting > len(headings & self.headings_map.keys())

    def read(self, text: str) -> Dict[str, Any]:
        doc = self.nlp(text)
        seen = self.matches(doc)
        order = [entry["name"] for entry in self.settings["looks_for"]]
        content = [line for line in text.splitlines() if line.strip() and not HEADING.match(line)]
        # A line of experience that starts with a verb ("Scanned 300 charts"), read in its line.
        starts = (BULLET.sub("", line).strip() for line in content)  # lowercased: "Kept" is no name
        verbs = sum(
            1
            for parsed in self.nlp.pipe(
                (line[:1].lower() + line[1:] for line in starts), disable=["ner", "amounts"]
            )  # lemmas only
            if len(parsed) and parsed[0].is_alpha and parsed[0].lemma_.lower() in self.verbs
        )
        return {
            "kind": "resume",
            "shows": [name for name in order if seen.get(name)],
            "seen": {name: seen[name] for name in order if seen.get(name)},
            "missing": [name for name in order if not seen.get(name)],
            "sections": self.sections(text),
            "numbers": sum(1 for line in content if NUMBER.search(line) and len(WORD.findall(line)) >= 3),
            "verbs": verbs,
            "words": sum(1 for token in doc if token.is_alpha),
        }

    def looks_like_resume(self, text: str) -> bool:
        """Long enough, with at least `min_sections` headings of a resume's parts."""
        if len(text.split()) < int(self.settings["min_words"]):
            return False
        return len(self.sections(text)) >= int(self.settings["min_sections"])


@lru_cache(maxsize=1)
def reader() -> DocumentReader:
    return DocumentReader(spacy_language())


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
    read_with = reader()
    if read_with.looks_like_posting(text):
        kind = "posting"
    elif read_with.looks_like_resume(text):
        kind = "resume"
    elif read_with.looks_like_letter(text):
        kind = "letter"
    else:
        kind = await awaiting(agent, message.sender_id)
    readers = {"resume": read_with.read, "posting": read_with.read_posting, "letter": read_with.read_letter}
    if kind not in readers:
        return message
    try:
        findings = readers[kind](text)
    except Exception:  # noqa: BLE001  (the text is still kept out of the conversation)
        logger.exception("a %s for conversation %s could not be read", kind, message.sender_id)
        findings = {"kind": kind, "unreadable": True}
    metadata = dict(message.metadata or {})
    metadata[METADATA_KEY] = findings
    return UserMessage(
        f"/{CHECKED_INTENT}",
        message.output_channel,
        message.sender_id,
        input_channel=message.input_channel,
        message_id=message.message_id,
        metadata=metadata,
    )
