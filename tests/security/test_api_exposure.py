"""`make run` (scripts/run.sh) serves no HTTP API unless asked for, and then only with a token that
no command line shows: the API reads and changes every conversation and loads models."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Dict, Iterator

import pytest

from tests.servers import ROOT, START_TIMEOUT, free_port, get, post

SERVE = [sys.executable, str(ROOT / "scripts" / "serve.py"), "--check"]
API_SETTINGS = ("ENABLE_API", "RASA_API_TOKEN", "RASA_API_TOKEN_FILE")


def without_api_settings() -> Dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in API_SETTINGS}


class RunScript:
    """scripts/run.sh on free ports, as `make run` starts it; its process group is ended after."""

    def __init__(self, knowledge_url: str, **settings: str):
        self.port, self.settings = free_port(), settings
        env = without_api_settings()
        env.update(
            PORT=str(self.port),
            ACTIONS_PORT=str(free_port()),
            WEB_PORT=str(free_port()),
            KNOWLEDGE_DB_URL=knowledge_url,
            **settings,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            ["scripts/run.sh"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

    def wait_until_up(self) -> "RunScript":
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"run.sh exited with {self.process.returncode}:\n{self.process.stdout.read()}")
            try:
                if get(f"{self.url}/webhooks/rest/")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(1)
        pytest.fail(f"run.sh: the Rasa server is not up after {START_TIMEOUT}s")

    def refusal(self) -> subprocess.CompletedProcess:
        """run.sh's output when it exits by itself; a failure when it starts instead."""
        try:
            out, _ = self.process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.stop()
            pytest.fail(f"run.sh did not refuse; it started:\n{self.process.stdout.read()}")
        return subprocess.CompletedProcess(self.process.args, self.process.returncode, out)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture(scope="module")
def started(knowledge_url) -> Iterator[Dict[str, RunScript]]:
    """`make run` as it starts by default, and with ENABLE_API=1 and the token in the environment;
    both start at once (each loads the model)."""
    token = uuid.uuid4().hex
    runs = {"default": RunScript(knowledge_url), "api": RunScript(knowledge_url, ENABLE_API="1", RASA_API_TOKEN=token)}
    try:
        for run in runs.values():
            run.wait_until_up()
        yield runs
    finally:
        for run in runs.values():
            run.stop()


def say(run: RunScript, sender: str, text: str) -> None:
    status, body = post(f"{run.url}/webhooks/rest/webhook", json.dumps({"sender": sender, "message": text}).encode())
    assert status == 200, (status, body[:300])


def request(url: str, method: str, body: bytes = b"") -> int:
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, data=body or None, method=method), timeout=30
        ) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_make_run_serves_no_http_api_by_default(started):
    run, sender = started["default"], uuid.uuid4().hex
    say(run, sender, "what is the median salary")
    assert request(f"{run.url}/conversations/{sender}/tracker", "GET") == 404
    assert (
        request(
            f"{run.url}/conversations/{sender}/tracker/events",
            "POST",
            b'[{"event": "slot", "name": "state", "value": "x"}]',
        )
        == 404
    )
    assert request(f"{run.url}/model", "PUT", b'{"model_server": {"url": "http://evil.example/m"}}') == 404
    assert request(f"{run.url}/status", "GET") == 404


def test_the_api_needs_its_token_and_no_command_line_shows_it(started):
    run, sender = started["api"], uuid.uuid4().hex
    token = run.settings["RASA_API_TOKEN"]
    say(run, sender, "what is the median salary")
    tracker = f"{run.url}/conversations/{sender}/tracker"
    assert request(tracker, "GET") == 401
    assert request(f"{tracker}?token=not-{token}", "GET") == 401
    assert request(f"{tracker}?token={token}", "GET") == 200
    shown = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if token.encode() in cmdline.read_bytes():
                shown.append(cmdline.parent.name)
        except OSError:  # a process that ended while being read
            pass
    assert not shown, f"processes {shown} show the API token on their command line"


def check(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(SERVE, cwd=ROOT, env={**without_api_settings(), **env}, capture_output=True, text=True)


@pytest.mark.parametrize(
    "mode, accepted",
    [(0o600, True), (0o400, True), (0o640, False), (0o644, False)],
    ids=["0600", "0400", "0640", "0644"],
)
def test_a_token_file_readable_by_others_is_refused(tmp_path, mode, accepted):
    token_file = tmp_path / "token"
    token_file.write_text(uuid.uuid4().hex + "\n")
    token_file.chmod(mode)
    result = check(ENABLE_API="1", RASA_API_TOKEN_FILE=str(token_file))
    assert (result.returncode == 0) == accepted, result.stderr
    if not accepted:
        assert "readable by others" in result.stderr and "chmod 600" in result.stderr


def test_a_token_file_behind_a_link_is_refused(tmp_path):
    real = tmp_path / "real"
    real.write_text(uuid.uuid4().hex)
    real.chmod(0o600)
    (tmp_path / "link").symlink_to(real)
    result = check(ENABLE_API="1", RASA_API_TOKEN_FILE=str(tmp_path / "link"))
    assert result.returncode == 2 and "cannot open" in result.stderr


# tests/e2e/test_exposure.py covers no token and an empty one.
@pytest.mark.parametrize(
    "env, says",
    [
        ({"ENABLE_API": "1", "RASA_API_TOKEN": "short"}, "at least"),
        ({"ENABLE_API": "yes"}, "ENABLE_API"),
    ],
)
def test_make_run_refuses_an_api_without_a_usable_token_before_starting_anything(knowledge_url, env, says):
    result = RunScript(knowledge_url, **env).refusal()
    assert result.returncode == 2, result.stdout
    assert says in result.stdout
    assert "starting" not in result.stdout, "nothing may start before the refusal"


def test_the_token_cannot_be_given_on_the_command_line():
    result = subprocess.run([*SERVE[:2], "--auth-token", uuid.uuid4().hex], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2 and "--auth-token puts a secret on the command line" in result.stderr
