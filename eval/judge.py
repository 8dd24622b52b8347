"""How one reply is judged: the text a person reads, against what the question's writer expects.

A turn's `expect` lists alternatives (any one must be in the reply, case ignored; "a|b" inside
one string is two alternatives too), `expect_all` lists strings that must all be there, and
`forbid` lists regular expressions that must not match. A turn whose right reply is not a fact
names a kind instead (`expect_kind`): the reply must then say what that kind of reply says,
by the patterns below, which describe the coach's replies of each kind in general words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Tuple

# What each kind of reply says, whatever its exact words.
KIND_PATTERNS: Dict[str, str] = {
    # The guides have nothing on it: said plainly, with no guess.
    "no_info": r"(don't|do not|doesn't|does not|didn't) (give|cover|have|say|list|mention|include)"
    r"|\bno (figure|data|facts?|numbers?)\b|won't guess|not (in|covered)|nothing (on|about)"
    r"|rather not guess|can't say|don't know",
    # Another career: declined, this career offered instead.
    "other_career": r"only coach on|can't tell you about being|only (know|cover)|outside what i know",
    "small_talk:greet": r"\b(hi|hello|hey|welcome)\b",
    "small_talk:thanks": r"welcome|glad|happy to help|any time|anytime",
    "small_talk:bye": r"good ?bye|good luck|take care|come back|bye",
    "small_talk:bot": r"\bbot\b|not a (real )?person|\bai\b|assistant",
    "small_talk:help": r"i can (tell|help)|ask me about|you (can|could) ask",
    # The flows: their first question, or the sentence that starts them.
    "flow:plan": r"build a plan|your plan|personal plan",
    "flow:skills": r"check your skills|skills check|medical terminology",
    "flow:interview": r"practi[sc]e|question 1|interview",
    # The readiness assessment: its level, or the questions it asks first.
    "flow:readiness": r"where you stand|readiness|how ready",
}


@dataclass(frozen=True)
class Turn:
    id: str
    category: str
    text: str
    expect: Tuple[str, ...] = ()
    expect_all: Tuple[str, ...] = ()
    forbid: Tuple[str, ...] = ()
    kind: str = ""

    @classmethod
    def of(cls, data: dict, turn_id: str) -> "Turn":
        return cls(
            id=turn_id,
            category=str(data.get("category") or "plain"),
            text=str(data.get("text") or ""),
            expect=tuple(str(e) for e in data.get("expect") or ()),
            expect_all=tuple(str(e) for e in data.get("expect_all") or ()),
            forbid=tuple(str(e) for e in data.get("forbid") or ()),
            kind=str(data.get("expect_kind") or ""),
        )


@dataclass
class Verdict:
    passed: bool
    scored: bool = True
    why: str = ""
    missing: List[str] = field(default_factory=list)


def normal(text: str) -> str:
    """Case and the typographic variants of dashes, quotes and spaces ignored."""
    text = text.lower()
    for a, b in (("\u2013", "-"), ("\u2014", "-"), ("\u2011", "-"), ("\u2019", "'"), ("\u00a0", " ")):
        text = text.replace(a, b)
    return text


def holds(reply: str, alternatives: str) -> bool:
    return any(normal(a.strip()) in reply for a in alternatives.split("|") if a.strip())


def judge(turn: Turn, reply: str) -> Verdict:
    if turn.kind == "any":
        return Verdict(True, scored=False)
    text = normal(reply)
    for pattern in turn.forbid:
        if re.search(pattern, reply, re.IGNORECASE):
            return Verdict(False, why=f"forbidden {pattern!r} is in the reply")
    if turn.kind:
        pattern = KIND_PATTERNS.get(turn.kind)
        if pattern is None:
            return Verdict(False, why=f"unknown expect_kind {turn.kind!r}")
        if not re.search(pattern, text, re.IGNORECASE):
            return Verdict(False, why=f"not a {turn.kind} reply")
    if turn.expect and not any(holds(text, e) for e in turn.expect):
        return Verdict(False, why=f"none of {list(turn.expect)}", missing=list(turn.expect))
    missing = [e for e in turn.expect_all if not holds(text, e)]
    if missing:
        return Verdict(False, why=f"missing {missing}", missing=missing)
    return Verdict(True)


def reply_text(messages: List[dict]) -> str:
    """What a person sees: every message's text, and the titles of its buttons."""
    lines: List[str] = []
    for message in messages:
        if message.get("text"):
            lines.append(message["text"])
        lines.extend(f"[{b.get('title')}]" for b in message.get("buttons") or [])
    return "\n".join(lines)


def words_in(messages: List[dict]) -> int:
    return sum(len((m.get("text") or "").split()) for m in messages)
