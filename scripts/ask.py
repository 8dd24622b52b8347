"""Asks the coach one question and prints its reply, for scripts: `make ask Q="what is the RHIT"`.

A coach already running on localhost:$PORT (default 5005) is asked over its REST channel.
Otherwise the action server and the Rasa server are started on free ports for this one
question (most of a minute) and stopped after. Exit status: 0 with a reply, 1 when there is
none (a server failed, the request was refused), 2 for a missing question.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import uuid
from pathlib import Path
from typing import List, Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.servers import Coach, Servers, get  # noqa: E402  (the shared launcher)


def running_coach(port: int) -> Optional[Coach]:
    """The coach on localhost:`port` if its REST channel answers there."""
    coach = Coach(port)
    try:
        status, _ = get(f"{coach.url}/webhooks/rest/", timeout=3)
    except OSError:
        return None
    return coach if status == 200 else None


def reply_lines(messages: List[dict]) -> List[str]:
    lines = []
    for message in messages:
        if message.get("text"):
            lines.append(message["text"])
        lines.extend(f"  [{b.get('title')}]" for b in message.get("buttons") or [])
        if message.get("image"):
            lines.append(message["image"])
    return lines


def ask(coach: Coach, question: str, sender: str) -> int:
    status, payload = coach.raw(json.dumps({"sender": sender, "message": question}).encode())
    if status != 200:
        print(f"ask: the coach answered {status}: {payload[:300].decode(errors='replace')}", file=sys.stderr)
        return 1
    lines = reply_lines(json.loads(payload))
    if not lines:
        print("ask: the coach gave no reply", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


def ask_a_new_coach(question: str, sender: str, port: int) -> int:
    knowledge = os.environ.get("KNOWLEDGE_DB_URL", f"sqlite:///{ROOT / 'build' / 'knowledge.db'}")
    with tempfile.TemporaryDirectory(prefix="coach-ask-") as work:
        servers = Servers(Path(work), knowledge)
        print(
            f"ask: no coach on localhost:{port}; starting one for this question on ports "
            f"{servers.rasa_port} and {servers.actions_port} ...",
            file=sys.stderr,
            flush=True,
        )
        try:
            servers.start()
            return ask(servers.coach, question, sender)
        except RuntimeError as error:
            print(f"ask: the coach did not start: {error}", file=sys.stderr)
            return 1
        finally:
            servers.stop()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("question", nargs="?", default="")
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT") or 5005),
        help="where a running coach is looked for (default $PORT or 5005)",
    )
    parser.add_argument("--sender", default="", help="conversation id (default: a new one)")
    args = parser.parse_args(argv)
    if not args.question.strip():
        print('ask: no question; usage: make ask Q="what is the RHIT"', file=sys.stderr)
        return 2
    sender = args.sender or f"ask-{uuid.uuid4().hex[:12]}"
    coach = running_coach(args.port)
    if coach:
        return ask(coach, args.question, sender)
    return ask_a_new_coach(args.question, sender, args.port)


if __name__ == "__main__":
    sys.exit(main())
