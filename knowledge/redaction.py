"""Personal details taken out of what users typed before it is kept for curators.

Two readers side by side, each catching what the other misses:
- patterns, for what has a shape: e-mail addresses (also written "jane at gmail dot com"),
  street addresses and PO boxes, whole dates (12/05/1985, 1985-05-12, March 3rd, 1985) and a
  name given as "my name is ...";
- spaCy's named entities (en_core_web_md, the pipeline the NLU loads, one copy a process), for
  what has none: people's names (PERSON), cities and other places below a country (GPE that is
  not a country or a US state, which the coach's topics need; FAC, buildings and addresses),
  and any date (DATE) in a message that speaks of a birth.

Each becomes a placeholder: [email], [address], [date], [name], [place]. Figures, years and
places the coach answers about are kept. Without spaCy (not installed) the patterns still run.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any, FrozenSet, Optional

import yaml

from knowledge.schema import KNOWLEDGE_DIR

logger = logging.getLogger(__name__)

SPACY_MODEL = "en_core_web_md"

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# "jane.doe at gmail dot com", "jane (at) gmail (dot) com", "jane at gmail.com".
_AT = r"(?:\(at\)|\[at\]|\{at\}|\bat\b)"
_DOT = r"(?:\(dot\)|\[dot\]|\{dot\}|\bdot\b)"
# Not followed by another "at": in "mail me at jane.doe at gmail dot com" the address is the last part.
SPELLED_EMAIL = re.compile(rf"\b[\w.+-]+\s*{_AT}\s*[\w-]+(?:\s*{_DOT}\s*[\w-]+|\.[a-z]{{2,}}\b)+(?!\s*{_AT})",
                           re.IGNORECASE)
STREET_SUFFIX = (r"street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|"
                 r"terrace|circle|highway|hwy|parkway|pkwy|square|sq")
STREET_ADDRESS = re.compile(
    rf"\b\d{{1,6}}\s+(?:[\w.'-]+\s+){{0,3}}[\w.'-]+\s+(?:{STREET_SUFFIX})\b\.?(?:\s+(?:n|s|e|w|ne|nw|se|sw)\b\.?)?"
    r"(?:,?\s*(?:apt|apartment|suite|unit|#)\.?\s*\w+)?"
    r"|\bp\.?\s*o\.?\s*box\s+\d+", re.IGNORECASE)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
WHOLE_DATE = re.compile(
    rf"\b\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})\b|\b(?:19|20)\d\d-\d{{1,2}}-\d{{1,2}}\b"
    rf"|\b{_MONTH}\s+{_DAY},?\s+\d{{4}}\b|\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}\b", re.IGNORECASE)
# "my name is Jane Doe": the name, one or two words, whatever their case.
GIVEN_NAME = re.compile(r"\b(my name is|my name's|i am called|i'm called)\s+([a-z'-]+)(\s+(?!(?:and|but|i|im|i'm|from|"
                        r"in|at|with|how|what|can|do|is|the|a)\b)[a-z'-]+)?", re.IGNORECASE)
BIRTH = re.compile(r"\b(?:born|birth|birthday|d\.?o\.?b\b)", re.IGNORECASE)

# The named entities replaced, and by what; GPE only when it is no country or US state.
ENTITY_PLACEHOLDERS = {"PERSON": "[name]", "GPE": "[place]", "FAC": "[place]", "DATE": "[date]"}


def redact(text: str) -> str:
    """`text` with the personal details found in it replaced by placeholders."""
    text = EMAIL.sub("[email]", text)
    text = SPELLED_EMAIL.sub("[email]", text)
    text = STREET_ADDRESS.sub("[address]", text)
    text = WHOLE_DATE.sub("[date]", text)
    text = GIVEN_NAME.sub(lambda match: f"{match.group(1)} [name]", text)
    return _redact_entities(text)


def _redact_entities(text: str) -> str:
    language = _spacy()
    if language is None or not text.strip():
        return text
    birth = bool(BIRTH.search(text))
    kept = []
    end = 0
    for entity in language(text).ents:
        placeholder = ENTITY_PLACEHOLDERS.get(entity.label_)
        if placeholder is None or "[" in entity.text:
            continue
        if entity.label_ == "GPE" and entity.text.strip().lower() in countries_and_states():
            continue
        if entity.label_ == "DATE" and not birth:
            continue
        kept.append(text[end:entity.start_char] + placeholder)
        end = entity.end_char
    return "".join(kept) + text[end:]


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
