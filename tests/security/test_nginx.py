"""The deployment's nginx (deploy/nginx.conf, run for real in front of a Rasa server whose HTTP API
is open) passes only the channels and a health path, caps the request body and limits a client."""

from __future__ import annotations

import http.client
import json
import uuid
from typing import TYPE_CHECKING, Iterator, Tuple

import pytest

from tests.servers import Servers, get, post

if TYPE_CHECKING:
    from tests.production.stack import Nginx

# nginx's own error pages end with this; the Rasa server's answers never have it.
NGINX_PAGE = b"<center>nginx</center>"


@pytest.fixture(scope="module")
def deployed(tmp_path_factory, knowledge_url) -> Iterator[Tuple[Servers, "Nginx"]]:
    """One replica (its HTTP API open, without a token, on loopback) behind deploy/nginx.conf."""
    from tests.production.stack import Nginx

    replica = Servers(tmp_path_factory.mktemp("replica"), knowledge_url)
    nginx = None
    try:
        replica.start()
        # The file names two replicas; both are this one.
        nginx = Nginx([replica.rasa_port, replica.rasa_port]).start()
        yield replica, nginx
    finally:
        if nginx is not None:
            nginx.remove()
        replica.stop()


def send(url: str, method: str, path: str, body: bytes = b"") -> Tuple[int, bytes]:
    """A request with the path exactly as given (no normalisation by the client)."""
    host, port = url.split("//")[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request(
            method, path, body=body or None, headers={"Content-Type": "application/json"} if body else {}
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def user_texts(replica: Servers, sender: str) -> list:
    status, body = get(f"{replica.coach.url}/conversations/{sender}/tracker", timeout=30)
    assert status == 200, (status, body[:300])
    return [e.get("text") for e in json.loads(body)["events"] if e["event"] == "user"]


def test_the_channels_and_the_health_path_pass(deployed):
    replica, nginx = deployed
    sender = uuid.uuid4().hex
    status, body = post(
        f"{nginx.url}/webhooks/rest/webhook",
        json.dumps({"sender": sender, "message": "what is the median salary"}).encode(),
    )
    assert status == 200 and json.loads(body), (status, body[:300])
    assert user_texts(replica, sender) == ["what is the median salary"]
    assert get(f"{nginx.url}/health")[0] == 200
    assert get(f"{nginx.url}/socket.io/?EIO=4&transport=polling")[0] == 200


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("GET", "/conversations/{sender}/tracker", b""),
        ("POST", "/conversations/{sender}/tracker/events", b'{"event": "slot", "name": "state", "value": "x"}'),
        ("PUT", "/model", b'{"model_server": {"url": "http://evil.example/model.tar.gz"}}'),
        ("GET", "/status", b""),
        ("GET", "/version", b""),
        ("GET", "/", b""),
        # The same paths behind a channel's prefix, spelled so that a naive prefix match passes them.
        ("GET", "/webhooks/../conversations/{sender}/tracker", b""),
        ("GET", "/webhooks/%2e%2e/conversations/{sender}/tracker", b""),
        ("GET", "/socket.io/..%2Fstatus", b""),
        ("GET", "/webhooks/rest/..%2F..%2Fconversations%2F{sender}%2Ftracker", b""),
    ],
)
def test_the_http_api_is_refused(deployed, method, path, body):
    replica, nginx = deployed
    sender = uuid.uuid4().hex
    replica.coach.say("what is the median salary", sender)
    plain = path.replace("{sender}", sender)
    status, payload = send(nginx.url, method, plain, body)
    assert status in (400, 403, 404), (status, payload[:300])
    assert NGINX_PAGE in payload, f"answered by the Rasa server, not refused by nginx: {payload[:300]}"
    assert user_texts(replica, sender) == ["what is the median salary"], "nothing was added"


def test_a_body_over_the_cap_is_refused_before_any_server(deployed):
    replica, nginx = deployed
    sender = uuid.uuid4().hex
    # A short message with 200 KB of metadata: a body no message within the channels' limits needs.
    body = json.dumps(
        {"sender": sender, "message": "what is the median salary", "metadata": {"padding": "x" * 200_000}}
    ).encode()
    status, payload = post(f"{nginx.url}/webhooks/rest/webhook", body)
    assert status == 413, (status, payload[:300])
    assert NGINX_PAGE in payload, "refused by nginx, not by the Rasa server"
    assert user_texts(replica, sender) == [], "the body reached the Rasa server"


def test_one_client_sending_fast_is_limited(deployed):
    _, nginx = deployed
    statuses = [send(nginx.url, "GET", "/webhooks/rest/")[0] for _ in range(300)]
    assert set(statuses) <= {200, 429}, set(statuses)
    assert statuses.count(429) > 0, "300 requests from one address in a row, none limited"
    assert statuses[0] == 200
