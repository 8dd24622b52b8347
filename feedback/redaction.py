"""Personal details taken out of what users typed before it is kept for curators.

Two readers side by side, each catching what the other misses:
- patterns, for what has a shape: e-mail addresses (also written "jane at gmail dot com"),
  street addresses and PO boxes, whole dates (12/05/1985, 1985-05-12, March 3rd, 1985) and a
  name given as "my name is ...";
- spaCy's named entities, for what has none: people's names (PERSON), cities and other places
  below a country (GPE that is not a country or a US state, which the coach's topics need; FAC,
  buildings and addresses), and any date (DATE) in a message that speaks of a birth. The action
  server passes the entities the NLU already found in the message (config.yml), so it never
  loads spaCy itself; without them (a report, a script) spaCy reads the text here.

Each becomes a placeholder: [email], [address], [date], [name], [place]. Figures, years and
places the coach answers about are kept. Without spaCy (not installed) the patterns still run.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any, FrozenSet, Iterable, List, Optional, Tuple

import yaml

from knowledge.schema import KNOWLEDGE_DIR

logger = logging.getLogger(__name__)

SPACY_MODEL = "en_core_web_md"

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# "jane.doe at gmail dot com", "jane (at) gmail (dot) com", "jane at gmail.com".
_AT = r"(?:\(at\)|\[at\]|\{at\}|\bat\b)"
_DOT = r"(?:\(dot\)|\[dot\]|\{dot\}|\bdot\b)"
# Not followed by another "at": in "mail me at jane.doe at gmail dot com" the address is the last part.
SPELLED_EMAIL = re.compile(
    rf"\b[\w.+-]+\s*{_AT}\s*[\w-]+(?:\s*{_DOT}\s*[\w-]+|\.[a-z]{{2,}}\b)+(?!\s*{_AT})", re.IGNORECASE
)
STREET_SUFFIX = (
    r"street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|"
    r"terrace|circle|highway|hwy|parkway|pkwy|square|sq"
)
STREET_ADDRESS = re.compile(
    rf"\b\d{{1,6}}\s+(?:[\w.'-]+\s+){{0,3}}[\w.'-]+\s+(?:{STREET_SUFFIX})\b\.?(?:\s+(?:n|s|e|w|ne|nw|se|sw)\b\.?)?"
    r"(?:,?\s*(?:apt|apartment|suite|unit|#)\.?\s*\w+)?"
    r"|\bp\.?\s*o\.?\s*box\s+\d+",
    re.IGNORECASE,
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
WHOLE_DATE = re.compile(
    rf"\b\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})\b|\b(?:19|20)\d\d-\d{{1,2}}-\d{{1,2}}\b"
    rf"|\b{_MONTH}\s+{_DAY},?\s+\d{{4}}\b|\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}\b",
    re.IGNORECASE,
)
# "my name is Jane Doe": the name, one or two words, whatever their case.
GIVEN_NAME = re.compile(
    r"\b(my name is|my name's|i am called|i'm called)\s+([a-z'-]+)(\s+(?!(?:and|but|i|im|i'm|from|"
    r"in|at|with|how|what|can|do|is|the|a)\b)[a-z'-]+)?",
    re.IGNORECASE,
)
BIRTH = re.compile(r"\b(?:born|birth|birthday|d\.?o\.?b\b)", re.IGNORECASE)

# The named entities replaced, and by what; GPE only when it is no country or US state.
ENTITY_PLACEHOLDERS = {"PERSON": "[name]", "GPE": "[place]", "FAC": "[place]", "DATE": "[date]"}


Entity = Tuple[str, str]  # (the words as typed, spaCy's label)
Span = Tuple[int, int, str]  # (start, end, placeholder)


def redact(text: str, entities: Optional[Iterable[Entity]] = None) -> str:
    """`text` with the personal details found in it replaced by placeholders. `entities`: the
    named entities already found in it (words and label); None to have spaCy find them."""
    spans = _shaped(text)
    birth = bool(BIRTH.search(text))
    found = list(entities) if entities is not None else _entities(text)
    for words, label in found:
        placeholder = ENTITY_PLACEHOLDERS.get(label)
        if placeholder is None or not words.strip() or (label == "DATE" and not birth):
            continue
        if label == "GPE" and words.strip().lower() in countries_and_states():
            continue
        for match in re.finditer(rf"(?<!\w){re.escape(words.strip())}(?!\w)", text):
            _add(spans, (match.start(), match.end(), placeholder))
    kept, end = [], 0
    for start, stop, placeholder in sorted(spans):
        kept.append(text[end:start] + placeholder)
        end = stop
    return "".join(kept) + text[end:]


def _shaped(text: str) -> List[Span]:
    """What the patterns find: e-mail addresses, street addresses, whole dates, a given name."""
    spans: List[Span] = []
    for pattern, placeholder in (
        (EMAIL, "[email]"),
        (SPELLED_EMAIL, "[email]"),
        (STREET_ADDRESS, "[address]"),
        (WHOLE_DATE, "[date]"),
    ):
        for match in pattern.finditer(text):
            _add(spans, (match.start(), match.end(), placeholder))
    for match in GIVEN_NAME.finditer(text):
        _add(spans, (match.start(2), match.end(3) if match.group(3) else match.end(2), "[name]"))
    return spans


def _add(spans: List[Span], span: Span) -> None:
    """Adds `span` unless it overlaps one found before (the first reader's wins)."""
    if all(span[1] <= start or span[0] >= stop for start, stop, _ in spans):
        spans.append(span)


def _entities(text: str) -> List[Entity]:
    language = _spacy()
    if language is None or not text.strip():
        return []
    return [(entity.text, entity.label_) for entity in language(text).ents]


@lru_cache(maxsize=1)
def _spacy() -> Optional[Any]:
    """spaCy's pipeline as the NLU loads it (components/spacy_nlp.py: one copy a process)."""
    try:
        from components.spacy_nlp import SpacyNLP

        return SpacyNLP.load_model(SPACY_MODEL).model
    except Exception as error:  # noqa: BLE001  (no spaCy or no model: the patterns still run)
        logger.warning("personal names and places are not recognised (%s: %s)", error.__class__.__name__, error)
        return None


@lru_cache(maxsize=1)
def countries_and_states() -> FrozenSet[str]:
    """Lower-cased names of every country (CLDR's, through Babel) and of the US states and the
    countries the coach knows with their variants (knowledge/vocabulary.yml)."""
    from babel import Locale

    names = {name.lower() for code, name in Locale("en").territories.items() if not code.isdigit()}
    entities = (yaml.safe_load((KNOWLEDGE_DIR / "vocabulary.yml").read_text()) or {}).get("entities") or {}
    for kind in ("state", "country"):
        for canonical, variants in (entities.get(kind) or {}).items():
            names.update(str(name).lower() for name in [canonical, *(variants or [])])
    return frozenset(names)
