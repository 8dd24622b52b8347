"""Starts the real action server and Rasa server on free local ports, for tests over REST."""
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

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / "coach.tar.gz"
START_TIMEOUT = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, timeout: float = 5) -> tuple:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def post(url: str, body: bytes, timeout: float = 60) -> tuple:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_until(check, what: str, processes) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{what}: a server exited with {process.returncode}")
        try:
            if check():
                return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(1)
    raise RuntimeError(f"{what}: not ready after {START_TIMEOUT}s")


class Coach:
    """The running coach, spoken to over its REST channel."""

    def __init__(self, port: int):
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


@pytest.fixture(scope="session")
def coach(tmp_path_factory, knowledge_url):
    if not MODEL.is_file():
        pytest.fail(f"no trained model at {MODEL}: run `make train`")
    work = tmp_path_factory.mktemp("servers")
    actions_port, rasa_port = free_port(), free_port()
    (work / "endpoints.yml").write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
    )
    env = dict(os.environ, KNOWLEDGE_DB_URL=knowledge_url, SANIC_HOST="127.0.0.1",
               RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
    logs = [open(work / "actions.log", "wb"), open(work / "rasa.log", "wb")]
    processes = [
        subprocess.Popen([str(BIN / "rasa"), "run", "actions", "--port", str(actions_port),
                          "--actions", "actions"], cwd=ROOT, env=env, stdout=logs[0], stderr=subprocess.STDOUT),
        subprocess.Popen([str(BIN / "rasa"), "run", "--model", str(MODEL), "--enable-api",
                          "--interface", "127.0.0.1", "--port", str(rasa_port),
                          "--endpoints", str(work / "endpoints.yml"), "--credentials", "credentials.yml"],
                         cwd=ROOT, env=env, stdout=logs[1], stderr=subprocess.STDOUT),
    ]
    try:
        wait_until(lambda: get(f"http://127.0.0.1:{actions_port}/health")[0] == 200, "action server", processes)
        coach = Coach(rasa_port)
        wait_until(lambda: coach.is_up() and coach.say("hello"), "rasa server", processes)
        yield coach
    except RuntimeError:
        for log in logs:
            log.flush()
        sys.stderr.write((work / "rasa.log").read_text(errors="replace")[-3000:])
        sys.stderr.write((work / "actions.log").read_text(errors="replace")[-3000:])
        raise
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()
