"""Exposure: the HTTP API is off unless asked for and then needs a token, and CORS allows only
the configured origins (the settings `scripts/run.sh` passes to the Rasa server)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import urllib.error
import urllib.request
import uuid
from typing import Iterator

import pytest

from tests.servers import ROOT, Coach, Servers, free_port, get, post

TOKEN = uuid.uuid4().hex
ALLOWED = "http://localhost:8080"
OTHER = "http://evil.example"


class TokenCoach(Coach):
    """The coach whose HTTP API (here /status) needs the token."""

    def is_up(self) -> bool:
        return get(f"{self.url}/status?token={TOKEN}")[0] == 200


@pytest.fixture(scope="module")
def guarded(tmp_path_factory, knowledge_url) -> Iterator[Servers]:
    """Both servers, the Rasa server's HTTP API guarded by a token (run.sh's ENABLE_API=1)."""
    running = Servers(
        tmp_path_factory.mktemp("guarded"), knowledge_url, rasa_args=["--auth-token", TOKEN, "--cors", ALLOWED]
    )
    running.coach = TokenCoach(running.rasa_port)
    try:
        yield running.start()
    finally:
        running.stop()


def run_script(**env: str) -> subprocess.CompletedProcess:
    """scripts/run.sh with the given settings, on free ports; its process group is ended after."""
    settings = dict(os.environ, PORT=str(free_port()), ACTIONS_PORT=str(free_port()), WEB_PORT=str(free_port()), **env)
    for name in ("ENABLE_API", "RASA_API_TOKEN", "RASA_API_TOKEN_FILE"):
        if name not in env:
            settings.pop(name, None)
    process = subprocess.Popen(
        ["scripts/run.sh"],
        cwd=ROOT,
        env=settings,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)
        out, err = process.communicate()
        pytest.fail(f"run.sh did not refuse; it started:\n{out}\n{err}")
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.mark.parametrize("interface", ["127.0.0.1", "0.0.0.0", "192.0.2.10"])
def test_run_refuses_the_api_without_a_token(interface):
    result = run_script(INTERFACE=interface, ENABLE_API="1")
    assert result.returncode != 0
    assert "RASA_API_TOKEN" in result.stderr
    assert "starting" not in result.stdout, "nothing may start before the refusal"


def test_run_refuses_an_empty_token():
    result = run_script(INTERFACE="0.0.0.0", ENABLE_API="1", RASA_API_TOKEN="")
    assert result.returncode != 0
    assert "RASA_API_TOKEN" in result.stderr


def tracker_url(servers: Servers, conversation: str, token: str = "") -> str:
    return f"{servers.coach.url}/conversations/{conversation}/tracker" + (f"?token={token}" if token else "")


def test_the_api_needs_the_token(guarded):
    conversation = uuid.uuid4().hex
    status, _ = post(
        f"{guarded.coach.url}/webhooks/rest/webhook",
        json.dumps({"sender": conversation, "message": "what is the median salary"}).encode(),
    )
    assert status == 200, "the channels stay open; only the HTTP API is guarded"

    assert get(tracker_url(guarded, conversation))[0] == 401
    assert get(tracker_url(guarded, conversation, "wrong-" + TOKEN))[0] == 401
    status, body = get(tracker_url(guarded, conversation, TOKEN))
    assert status == 200
    texts = [e.get("text") for e in json.loads(body)["events"] if e.get("event") == "user"]
    assert texts == ["what is the median salary"]


@pytest.mark.parametrize("path", ["/socket.io/?EIO=4&transport=polling", "/version"])
def test_cors_allows_only_the_configured_origin(guarded, path):
    url = guarded.coach.url + path
    status, _, headers = get_with_headers(url, {"Origin": ALLOWED})
    assert status == 200
    assert headers.get("Access-Control-Allow-Origin") == ALLOWED
    status, _, headers = get_with_headers(url, {"Origin": OTHER})
    assert "Access-Control-Allow-Origin" not in headers, headers


def test_cors_preflight_for_the_rest_channel(guarded):
    url = f"{guarded.coach.url}/webhooks/rest/webhook"
    asked = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    _, _, headers = request_with_headers(url, "OPTIONS", {"Origin": ALLOWED, **asked})
    assert headers.get("Access-Control-Allow-Origin") == ALLOWED
    _, _, headers = request_with_headers(url, "OPTIONS", {"Origin": OTHER, **asked})
    assert "Access-Control-Allow-Origin" not in headers, headers


def get_with_headers(url: str, headers: dict) -> tuple:
    return request_with_headers(url, "GET", headers)


def request_with_headers(url: str, method: str, headers: dict) -> tuple:
    """(status, body, response headers, looked up without regard to case)."""
    request = urllib.request.Request(url, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers
