"""The test conversations of tests/conversations/*.yml, turn by turn, over the real servers."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

FOLDER = Path(__file__).resolve().parents[1] / "conversations"


def conversations() -> List[Dict[str, Any]]:
    found = []
    for path in sorted(FOLDER.glob("*.yml")):
        for conversation in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]:
            found.append(pytest.param(conversation, id=f"{path.stem}: {conversation['name']}"))
    return found


@pytest.mark.parametrize("conversation", conversations())
def test_conversation(coach, conversation):
    sender = uuid.uuid4().hex
    for number, turn in enumerate(conversation["turns"], start=1):
        messages = coach.say(turn["user"], sender)
        reply = "\n".join(m.get("text", "") for m in messages)
        buttons = [b.get("title") for m in messages for b in m.get("buttons") or []]
        where = f"turn {number} ({turn['user']!r}) got:\n{reply}\nbuttons: {buttons}"
        for needle in turn.get("expect", []):
            assert needle in reply, f"{needle!r} missing; {where}"
        for needle in turn.get("absent", []):
            assert needle not in reply, f"{needle!r} should not be there; {where}"
        for title in turn.get("buttons", []):
            assert title in buttons, f"button {title!r} missing; {where}"
        limit = turn.get("max_words", conversation.get("max_words"))
        if limit:
            assert len(reply.split()) <= limit, f"{len(reply.split())} words, over {limit}; {where}"
