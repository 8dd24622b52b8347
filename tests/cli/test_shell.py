"""`make shell`'s conversation (scripts/shell.py): typed lines, numbered buttons, a pasted resume."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

from tests.servers import ROOT
from tests.samples import RESUME


class Shell:
    def __init__(self, port: int):
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "shell.py"), "--port", str(port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.output = ""
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for chunk in iter(lambda: self.process.stdout.read(1), ""):
            self.output += chunk

    def send(self, text: str, wait_for: str, timeout: float = 60) -> str:
        """Types (or pastes) `text` and returns what the shell printed until `wait_for` appears."""
        start = len(self.output)
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()
        deadline = time.monotonic() + timeout
        while wait_for not in self.output[start:]:
            assert time.monotonic() < deadline, self.output[start:]
            time.sleep(0.05)
        time.sleep(0.3)  # the rest of the reply
        return self.output[start:]

    def close(self) -> int:
        self.process.stdin.close()
        return self.process.wait(timeout=10)


def test_a_conversation_in_the_shell_with_buttons_and_a_pasted_resume(servers):
    shell = Shell(servers.rasa_port)
    try:
        greeting = shell.send("hello", "3) Practise an interview")
        assert "Coach: Hi!" in greeting and "1) Make me a plan" in greeting
        assert "medical terminology" in shell.send("2", "Confident").lower()  # button 2: the skills check
        shell.send("stop", "Coach:")
        shell.send("check my resume", "Paste your resume")
        checked = shell.send(RESUME.strip(), "Source:")  # all its lines at once, as a paste
        assert "Coach: Your resume shows EHR systems (Epic)" in checked
        assert checked.count("Coach:") == 1, checked  # one message, not one per line
    finally:
        assert shell.close() == 0


def test_the_readiness_assessment_in_the_shell_by_numbered_buttons(servers):
    shell = Shell(servers.rasa_port)
    try:
        shell.send("hello", "4) How ready am I?")
        assert "1) High school or GED" in shell.send("4", "5) A bachelor's degree")  # the greeting's button 4
        shell.send("3", "2) Not yet")  # a certificate; then "worked in healthcare?"
        shell.send("1", "3) Not yet")  # yes; then "a credential?"
        result = shell.send("2", "Sources:")  # studying for one
        assert "Coach: Your readiness for an entry-level role: ready to apply, 75 of 100." in result, result
        assert "1. Sit your exam: " in result and "1) Check my skills" in result, result
    finally:
        assert shell.close() == 0


def test_a_posting_and_a_cover_letter_pasted_in_the_shell(servers):
    from tests.samples import LETTER, POSTING

    shell = Shell(servers.rasa_port)
    try:
        shell.send(RESUME.strip(), "Source:")
        matched = shell.send(POSTING.strip(), "Source:")
        assert "Coach: The posting asks for EHR systems" in matched and matched.count("Coach:") == 1, matched
        checked = shell.send(LETTER.strip(), "Source:")
        assert "Coach: Your letter names the job and the employer." in checked, checked
    finally:
        assert shell.close() == 0
