"""Starts the real action server and Rasa server on free local ports, and stops or restarts them.

Shared by every test that talks to a running coach (REST, the widget, Slack, restarts, faults).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Callable, Dict, List, Optional

import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / "coach.tar.gz"
START_TIMEOUT = 420
TEST_RATE_PER_ADDRESS = "1000000"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, timeout: float = 5, headers: Optional[Dict[str, str]] = None) -> tuple:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def post(url: str, body: bytes, timeout: float = 60, headers: Optional[Dict[str, str]] = None) -> tuple:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


ACTIONS_URL = "http://127.0.0.1:{actions_port}/webhook"


def local_endpoints(conversations: Optional[Path] = None, actions_url: str = ACTIONS_URL) -> str:
    """endpoints.yml for one server pair, as the project's own: the action server, the in-memory
    lock store, and the conversations in the SQLite file `conversations` (default: in memory)."""
    text = (
        f'action_endpoint:\n  url: "{actions_url}"\n  enable_selective_domain: true\n'
        "lock_store:\n  type: extensions.locks.CoachInMemoryLockStore\n"
    )
    if conversations is not None:
        text += (
            "tracker_store:\n  type: extensions.tracker_store.CoachSQLTrackerStore\n"
            f'  dialect: sqlite\n  db: "{conversations}"\n'
        )
    return text


class Coach:
    """The running coach, spoken to over its REST channel."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"

    def raw(self, body: bytes) -> tuple:
        return post(f"{self.url}/webhooks/rest/webhook", body)

    def say(self, message, sender: str = "") -> list:
        body = json.dumps({"sender": sender or uuid.uuid4().hex, "message": message}).encode()
        status, payload = self.raw(body)
        assert status == 200, (status, payload[:500])
        return json.loads(payload)

    def reply(self, message, sender: str = "") -> str:
        return "\n".join(m.get("text", "") for m in self.say(message, sender))

    def is_up(self) -> bool:
        return get(f"{self.url}/status")[0] == 200


class Servers:
    """An action server and a Rasa server, each a subprocess with its own log file.

    `credentials` and `endpoints` are YAML text written to the work folder (the REST channel and
    an action endpoint on the chosen port by default); `{actions_port}` in `endpoints` is filled in.
    """

    def __init__(
        self,
        work: Path,
        knowledge_url: str,
        credentials: Optional[str] = None,
        endpoints: Optional[str] = None,
        env: Optional[Dict[str, str]] = None,
        rasa_args: Optional[List[str]] = None,
    ):
        self.work = work
        self.actions_port = free_port()
        self.rasa_port = free_port()
        self.credentials = work / "credentials.yml"
        self.credentials.write_text(credentials if credentials is not None else (ROOT / "credentials.yml").read_text())
        self.endpoints = work / "endpoints.yml"
        endpoints = endpoints or local_endpoints()
        self.endpoints.write_text(endpoints.replace("{actions_port}", str(self.actions_port)))
        self.env = dict(
            os.environ,
            KNOWLEDGE_DB_URL=knowledge_url,
            SANIC_HOST="127.0.0.1",
            RASA_TELEMETRY_ENABLED="false",
            TF_CPP_MIN_LOG_LEVEL="2",
            # as scripts/run.sh: no reply lost to a connection the action server closed
            SANIC_KEEP_ALIVE_TIMEOUT="120",
            # every test client is 127.0.0.1: one address sending whole test suites
            # at once (channels/limits.py; tests/security/test_limits.py tests it)
            COACH_RATE_PER_ADDRESS=TEST_RATE_PER_ADDRESS,
        )
        self.env.update(env or {})
        self.rasa_args = rasa_args or []
        self.actions: Optional[subprocess.Popen] = None
        self.rasa: Optional[subprocess.Popen] = None
        self.coach = Coach(self.rasa_port)

    # --- the two processes -------------------------------------------------------------
    def start_actions(self, wait: bool = True) -> None:
        self.actions = self._spawn(
            "actions", [str(BIN / "python"), "-m", "actions", "--port", str(self.actions_port), "--actions", "actions"]
        )
        if wait:
            self.wait_until(lambda: get(f"http://127.0.0.1:{self.actions_port}/health")[0] == 200, "action server")

    def start_rasa(self, wait: bool = True) -> None:
        if not MODEL.is_file():
            raise RuntimeError(f"no trained model at {MODEL}: run `make train`")
        self.rasa = self._spawn(
            "rasa",
            [
                str(BIN / "rasa"),
                "run",
                "--model",
                str(MODEL),
                "--enable-api",
                "--interface",
                "127.0.0.1",
                "--port",
                str(self.rasa_port),
                "--endpoints",
                str(self.endpoints),
                "--credentials",
                str(self.credentials),
                *self.rasa_args,
            ],
        )
        if wait:
            self.wait_until(lambda: self.coach.is_up() and self.coach.say("hello"), "rasa server")

    def start(self) -> "Servers":
        self.start_actions()
        self.start_rasa()
        return self

    def stop_actions(self) -> None:
        self._stop(self.actions)
        self.actions = None

    def stop_rasa(self) -> None:
        self._stop(self.rasa)
        self.rasa = None

    def stop(self) -> None:
        self.stop_rasa()
        self.stop_actions()

    def restart_rasa(self) -> None:
        self.stop_rasa()
        self.start_rasa()

    # --- helpers ----------------------------------------------------------------------
    def _spawn(self, name: str, command: List[str]) -> subprocess.Popen:
        log = open(self.work / f"{name}.log", "ab")
        try:
            return subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        finally:
            log.close()

    @staticmethod
    def _stop(process: Optional[subprocess.Popen]) -> None:
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def log(self, name: str, tail: int = 3000) -> str:
        path = self.work / f"{name}.log"
        return path.read_text(errors="replace")[-tail:] if path.exists() else ""

    def wait_until(self, check: Callable[[], object], what: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            for process in (self.actions, self.rasa):
                if process is not None and process.poll() is not None:
                    raise RuntimeError(
                        f"{what}: a server exited with {process.returncode}\n{self.log('rasa')}\n{self.log('actions')}"
                    )
            try:
                if check():
                    return
            except (OSError, urllib.error.URLError, AssertionError):
                pass
            time.sleep(1)
        raise RuntimeError(f"{what}: not ready after {START_TIMEOUT}s\n{self.log('rasa')}\n{self.log('actions')}")


def apologies() -> set:
    """The built-in apology, and domain.yml's if it has one (the model may predate either)."""
    from channels.guard import APOLOGY, APOLOGY_RESPONSE

    responses = yaml.safe_load((ROOT / "domain.yml").read_text()).get("responses", {})
    return {APOLOGY} | {v["text"] for v in responses.get(APOLOGY_RESPONSE, []) if "text" in v}
