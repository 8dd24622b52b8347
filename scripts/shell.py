"""Talk to the coach in the terminal (`make shell`), through its REST channel like every client.

    .venv/bin/python scripts/shell.py [--port 5005]

A line is a message. Text pasted in one go (a resume: many lines at once) is one message: the
lines that arrive together with the first are read with it. A reply's buttons are numbered;
typing the number sends that button. `/exit` or Ctrl-D ends it. Going through the REST channel
(not `rasa shell`'s own) means the shell gets what every channel gets: the checks of
`channels/guard.py`, and a pasted resume read in the channel and never stored.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import sys
import uuid
from pathlib import Path
from typing import List, Optional, TextIO

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from ask import running_coach  # noqa: E402  (scripts/ask.py, beside this one)
from tests.servers import Coach  # noqa: E402

# Lines arriving within this many seconds of the ones before belong to the same paste.
PASTE_GAP = 0.15


class Lines:
    """Lines from a file descriptor, read unbuffered so that waiting on it says whether more of a
    paste has arrived (a buffered reader would already hold it)."""

    def __init__(self, stream: TextIO):
        self.fd = stream.fileno()
        self.pending = b""
        self.ended = False

    def _fill(self, timeout: Optional[float]) -> bool:
        """Reads what has arrived (waiting at most `timeout` s, or for ever); False if nothing did."""
        if self.ended:
            return False
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        chunk = os.read(self.fd, 65536)
        if not chunk:
            self.ended = True
            return False
        self.pending += chunk
        return True

    def message(self) -> Optional[str]:
        """The next message: a line, with every line that arrived along with it; None at the end."""
        while b"\n" not in self.pending and self._fill(None):
            pass
        while self._fill(PASTE_GAP):  # the rest of a paste
            pass
        if not self.pending:
            return None
        text, self.pending = self.pending, b""
        if not self.ended and not text.endswith(b"\n"):  # a part line: keep it for the next message
            text, _, self.pending = text.rpartition(b"\n")
        return text.decode("utf-8", "replace").strip()


def read_message(lines: Lines, prompt: str = "You: ") -> Optional[str]:
    print(prompt, end="", flush=True)
    return lines.message()


def show(messages: List[dict]) -> List[dict]:
    """Prints the coach's messages and returns their buttons, numbered in the order shown."""
    buttons: List[dict] = []
    for message in messages:
        if message.get("text"):
            print(f"Coach: {message['text']}")
        for button in message.get("buttons") or []:
            buttons.append(button)
            print(f"  {len(buttons)}) {button.get('title')}")
    return buttons


def talk(coach: Coach, stream: TextIO = sys.stdin, sender: str = "") -> int:
    sender = sender or f"shell-{uuid.uuid4().hex[:12]}"
    buttons: List[dict] = []
    lines = Lines(stream)
    while True:
        text = read_message(lines)
        if text is None or text == "/exit":
            print()
            return 0
        if not text:
            continue
        if text.isdigit() and 1 <= int(text) <= len(buttons):
            text = str(buttons[int(text) - 1].get("payload"))
        status, payload = coach.raw(json.dumps({"sender": sender, "message": text}).encode())
        if status != 200:
            print(f"(the coach answered {status}: {payload[:200].decode(errors='replace')})")
            continue
        buttons = show(json.loads(payload))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 5005))
    args = parser.parse_args(argv)
    coach = running_coach(args.port)
    if coach is None:
        print(f"shell: no coach answers on localhost:{args.port} (make shell starts one)", file=sys.stderr)
        return 1
    print("Talk to the career coach (Ctrl-D or /exit to leave; paste a resume to have it checked).")
    try:
        return talk(coach)
    except KeyboardInterrupt:
        print()
        return 0


if __name__ == "__main__":
    sys.exit(main())
