"""The coach with its Slack channel on, and a local fake of Slack's Web API that records what
the coach posts. Events are signed with slack_sdk's own SignatureVerifier, as Slack signs them."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List, Optional

import pytest
from slack_sdk.signature import SignatureVerifier

from tests.servers import ROOT, Servers, free_port, get, post

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"
BOT_USER = "UCOACHBOT"
# The one channel the coach reads without being mentioned (SLACK_CHANNEL).
LISTENED_CHANNEL = "CCOACHROOM"


class FakeSlack:
    """Slack's Web API on a local port: answers chat.postMessage and keeps every call."""

    def __init__(self) -> None:
        self.calls: List[Dict] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.loads(raw or b"{}")
                with fake._lock:
                    fake.calls.append(
                        {
                            "method": self.path.rsplit("/", 1)[-1],
                            "body": body,
                            "authorization": self.headers.get("Authorization"),
                        }
                    )
                answer = json.dumps({"ok": True, "channel": body.get("channel"), "ts": f"{time.time():.6f}"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args) -> None:
                pass

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.url = f"http://127.0.0.1:{self.port}/api/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def posts(self, channel: str) -> List[Dict]:
        with self._lock:
            return [c for c in self.calls if c["method"] == "chat.postMessage" and c["body"].get("channel") == channel]

    def replies(self, channel: str, at_least: int = 1, settle: float = 2.0, timeout: float = 90) -> List[Dict]:
        """The posts to `channel` once there are `at_least` and no new one came for `settle` s."""
        deadline = time.monotonic() + timeout
        seen, since = -1, time.monotonic()
        while time.monotonic() < deadline:
            count = len(self.posts(channel))
            if count != seen:
                seen, since = count, time.monotonic()
            elif count >= at_least and time.monotonic() - since >= settle:
                return self.posts(channel)
            time.sleep(0.2)
        raise AssertionError(f"{channel}: {seen} posts after {timeout}s, expected {at_least}+")

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Slack:
    """Sends Events API requests to the coach's Slack webhook as Slack would."""

    def __init__(self, url: str, secret: str = SIGNING_SECRET) -> None:
        self.url = url
        self.verifier = SignatureVerifier(secret)

    def headers(
        self, body: bytes, timestamp: Optional[int] = None, secret: Optional[str] = None, **extra: str
    ) -> Dict[str, str]:
        timestamp = str(int(time.time()) if timestamp is None else timestamp)
        verifier = SignatureVerifier(secret) if secret else self.verifier
        return {
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": verifier.generate_signature(timestamp=timestamp, body=body),
            **extra,
        }

    def send(
        self,
        body,
        headers: Optional[Dict[str, str]] = None,
        signed: bool = True,
        content_type: str = "application/json",
        **sign,
    ) -> tuple:
        """Posts `body` (a dict is JSON-encoded), signed unless `signed` is False."""
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        all_headers = {"Content-Type": content_type, **(self.headers(raw, **sign) if signed else {}), **(headers or {})}
        return post(self.url, raw, headers=all_headers)


def event(
    text: str,
    channel: str = "",
    user: str = "",
    kind: str = "app_mention",
    channel_type: str = "channel",
    ts: str = "",
    **fields,
) -> Dict:
    """An event_callback as Slack sends it; `channel`, `user` and `ts` are fresh unless given."""
    ts = ts or f"{time.time():.6f}"
    return {
        "token": "unused-verification-token",
        "team_id": "T0001",
        "api_app_id": "A0001",
        "type": "event_callback",
        "event_id": "Ev" + uuid.uuid4().hex[:10].upper(),
        "event_time": int(time.time()),
        "authorizations": [{"team_id": "T0001", "user_id": BOT_USER, "is_bot": True}],
        "event": {
            "type": kind,
            "channel": channel or "C" + uuid.uuid4().hex[:10].upper(),
            "channel_type": channel_type,
            "user": user or "U" + uuid.uuid4().hex[:10].upper(),
            "text": text,
            "ts": ts,
            "event_ts": ts,
            **fields,
        },
    }


def slack_credentials(env: Dict[str, str]) -> str:
    """The credentials `make run` uses when Slack is configured (scripts/slack_credentials.sh)."""
    return subprocess.run(
        [str(ROOT / "scripts" / "slack_credentials.sh")], env=env, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(scope="session")
def fake_slack():
    fake = FakeSlack()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def slack_servers(tmp_path_factory, knowledge_url, fake_slack):
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_CHANNEL": LISTENED_CHANNEL,
        "SLACK_API_URL": fake_slack.url,
    }
    running = Servers(
        tmp_path_factory.mktemp("slack"), knowledge_url, credentials=slack_credentials(dict(os.environ, **env)), env=env
    )
    try:
        yield running.start()
    finally:
        running.stop()


@pytest.fixture(scope="session")
def slack(slack_servers) -> Slack:
    return Slack(f"{slack_servers.coach.url}/webhooks/slack/webhook")


@pytest.fixture
def slack_is_up(slack_servers):
    """After the test: the Slack webhook and the REST channel still answer."""
    yield
    assert get(f"{slack_servers.coach.url}/webhooks/slack/")[0] == 200
    assert "$47,190" in slack_servers.coach.reply("what is the median salary")
