"""Amounts of money, percentages and years a message names, read from spaCy's entities.

spaCy (components/spacy_nlp.py, with the patterns of knowledge/amounts.yml) finds the spans:
MONEY "about $37k", PERCENT "22 percent", DATE "the 2016 to 2026 decade", CARDINAL "46,590".
This module only reads their values: the number in the span, times a thousand for "k",
"grand" or "thousand". A bare number written with thousands ("46,590") counts as money, as
people quote pay that way; a small one ("2 canada", "4 this") is nothing.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Tuple

EXTRACTOR = "SpacyDocEntityExtractor"
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
THOUSANDS = re.compile(r"(?<=\d)\s*(k|grand|thousand)\b", re.IGNORECASE)
WRITTEN_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+$")
YEAR = re.compile(r"\b(19[89]\d|20[0-9]\d)\b")
# What a number counts when it is not money: "28,000 new jobs", "15,500 openings a year".
COUNTED = re.compile(
    r"\s*(new\s+|more\s+|extra\s+)?(jobs?|openings?|job openings|positions?|vacancies|roles)\b", re.IGNORECASE
)
# Smaller sums are not what anyone quotes as pay or a budget ("$20").
SMALLEST_AMOUNT = 1000

Message = Dict[str, Any]


def spans(message: Message, *labels: str, counts: bool = True) -> List[Tuple[str, str]]:
    """(label, text) of the message's spaCy entities with these labels, in order (without the
    numbers that count jobs, when `counts` is False)."""
    text = message.get("text") or ""
    found = [
        (e.get("start", 0), e["entity"], text[e["start"] : e["end"]] if "start" in e else str(e.get("value")))
        for e in message.get("entities") or []
        if e.get("extractor") == EXTRACTOR
        and e.get("entity") in labels
        and (counts or not COUNTED.match(text[e.get("end", len(text)) :]))
    ]
    return [(label, span) for _, label, span in sorted(found)]


def job_counts(message: Message) -> List[float]:
    """Numbers of jobs or openings a message names ("28,000 new jobs"): counts, not money."""
    text = message.get("text") or ""
    return [
        _number(text[e["start"] : e["end"]])
        for e in message.get("entities") or []
        if e.get("extractor") == EXTRACTOR
        and e.get("entity") == "CARDINAL"
        and "end" in e
        and COUNTED.match(text[e["end"] :])
        and NUMBER.search(text[e["start"] : e["end"]])
    ]


def _number(span: str) -> float:
    match = NUMBER.search(span)
    return float(match.group().replace(",", "")) if match else 0.0


def amounts(message: Message) -> List[float]:
    """Sums of money the message names, of $1,000 or more: "$37k", "37,000", "3 grand"."""
    found = []
    for label, span in spans(message, "MONEY", "CARDINAL", "DATE", counts=False):
        if not NUMBER.search(span):
            continue
        thousands = THOUSANDS.search(span)
        if label == "MONEY" or thousands or WRITTEN_THOUSANDS.match(NUMBER.search(span).group()):
            value = _number(span) * (1000 if thousands else 1)
            if value >= SMALLEST_AMOUNT:
                found.append(value)
    return found


def percentages(message: Message) -> List[float]:
    return [_number(span) for _, span in spans(message, "PERCENT") if NUMBER.search(span)]


def years(message: Message) -> List[int]:
    """The years a message names ("in 2030", "between 2016 and 2026")."""
    return [int(y) for _, span in spans(message, "DATE", "CARDINAL") for y in YEAR.findall(span)]


# "I've been a tech for 5 years", "ive been a junior tech for almost 2 years", "3 yrs in",
# "4 years of experience": how long the person has done the work.
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "a": 1,
    "a couple": 2,
    "a few": 3,
    "several": 4,
}
_COUNT = r"(\d+(?:\.\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
# The work is this one: a technician's, in records, "this" or "it" (not "a cashier for 5 years").
_THIS_WORK = r"(?:techs?|technicians?|records?|rhit|hit|him|this|it|the field)"
EXPERIENCE = re.compile(
    r"\b(?:i'?ve|i have|ive)\s+(?:been|worked|done)\b[^.?!,]{0,30}?\b" + _THIS_WORK + r"\b[^.?!,]{0,15}?\bfor\s+"
    r"(?:almost|about|nearly|over|around|like|roughly|just over|just under)?\s*" + _COUNT + r"\s*(?:years?|yrs?)\b"
    r"|\b" + _COUNT + r"\s*(?:years?|yrs?)\s+(?:in\s*(?:[.,!?]|$|now|and|so|as a tech)|(?:of )?(?:experience|exp)\b"
    r"(?!\s+(?:in|as|at|doing|with)\b))"
    # "I'm 5 years into working as a records tech", "3 years as a tech"
    r"|\b" + _COUNT + r"\s*(?:years?|yrs?)\s+(?:into|in|as|on)\b[^.?!,]{0,15}?\b" + _THIS_WORK + r"\b",
    re.IGNORECASE,
)


def stated_experience(text: str) -> float | None:
    """The years of work a person says they have ("I've been a tech for 5 years" -> 5), if any."""
    match = EXPERIENCE.search(text or "")
    if not match:
        return None
    count = next(group for group in match.groups() if group).lower()
    years = float(NUMBER_WORDS[count]) if count in NUMBER_WORDS else float(count)
    # "almost 2 years" is not yet two.
    return (
        years - 0.25
        if re.search(r"\b(almost|nearly|just under)\s+\S+\s*(years?|yrs?)", match.group(0), re.I)
        else years
    )
