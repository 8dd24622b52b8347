"""nginx, read as nginx would read its configuration: it passes only the channels and a health
path, limits each client and caps the body."""

from __future__ import annotations

import re
from typing import List, Tuple

from tests.security.deployment_files import (
    NGINX_CONF,
)


# Paths nginx may pass to the Rasa servers: the channels and one health path.
ALLOWED_LOCATIONS = {("", "/webhooks/"), ("", "/webhooks/slack/"), ("", "/socket.io/"), ("=", "/health")}


REFUSED = {"403", "404"}


# Body cap: every message the channels accept must fit (each character at most 12 bytes of JSON,
# "\ud83d\ude00"), and the cap must stay far below the 1 MB that once let megabytes of metadata in.
JSON_BYTES_PER_CHAR = 12


MAX_BODY_CAP = 256 * 1024


# --- nginx --------------------------------------------------------------------------------------
def nginx_blocks(text: str) -> list:
    """nginx.conf as nested lists: [directive, arguments, children or None]."""
    tokens = re.findall(r'"[^"]*"|\'[^\']*\'|[{};]|[^\s{};#]+|#[^\n]*', text)
    tokens = [t for t in tokens if not t.startswith("#")]

    def parse(position: int) -> Tuple[list, int]:
        directives, words = [], []
        while position < len(tokens):
            token = tokens[position]
            position += 1
            if token == ";":
                directives.append([words[0], words[1:], None])
                words = []
            elif token == "{":
                children, position = parse(position)
                directives.append([words[0], words[1:], children])
                words = []
            elif token == "}":
                return directives, position
            else:
                words.append(token.strip("\"'"))
        return directives, position

    return parse(0)[0]


def find(blocks: list, name: str) -> list:
    return [b for b in blocks if b[0] == name]


def size(value: str) -> int:
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    return int(value[:-1]) * units[value[-1].lower()] if value[-1].lower() in units else int(value)


def zone_name(arguments: List[str]) -> str:
    return next((a.split("=", 1)[1].split(":")[0] for a in arguments if a.startswith("zone=")), "")


def nginx_server() -> Tuple[list, list]:
    (http,) = find(nginx_blocks(NGINX_CONF.read_text()), "http")
    (server,) = find(http[2], "server")
    return http[2], server[2]


def test_nginx_passes_only_the_channels_and_a_health_path():
    _, server = nginx_server()
    passing, refusing = set(), set()
    for _, arguments, children in find(server, "location"):
        where = (arguments[0], arguments[1]) if len(arguments) == 2 else ("", arguments[0])
        if find(children, "proxy_pass") or find(children, "root") or find(children, "alias"):
            passing.add(where)
        elif any(r[1][:1] and r[1][0] in REFUSED for r in find(children, "return")):
            refusing.add(where)
    assert passing <= ALLOWED_LOCATIONS, f"nginx passes {passing - ALLOWED_LOCATIONS}"
    assert ("", "/") in refusing, "everything else must be refused by a `location / { return 404; }`"
    assert not find(server, "proxy_pass") and not find(server, "root"), "the server passes every path"


def test_nginx_limits_each_client_and_caps_the_body():
    from channels.guard import MAX_MESSAGE_CHARS

    http, server = nginx_server()
    zones = {
        kind: {zone_name(a) for _, a, _ in find(http, f"{kind}_zone") if a[0] == "$binary_remote_addr"}
        for kind in ("limit_req", "limit_conn")
    }
    assert zones["limit_req"] and zones["limit_conn"], "no per-client zone (keyed by the address)"
    for _, arguments, children in find(server, "location"):
        if not find(children, "proxy_pass"):
            continue
        # A location's own limit_req (or limit_conn) replaces all of the server's.
        requests = find(children, "limit_req") or find(server, "limit_req")
        connections = find(children, "limit_conn") or find(server, "limit_conn")
        assert any(zone_name(a) in zones["limit_req"] for _, a, _ in requests) and any(
            a[0] in zones["limit_conn"] for _, a, _ in connections
        ), f"location {arguments}: no per-client limit_req and limit_conn"
    caps = [size(a[0]) for _, a, _ in find(server, "client_max_body_size") + find(http, "client_max_body_size")]
    assert caps, "no client_max_body_size (nginx's default is 1 MB)"
    assert MAX_MESSAGE_CHARS * JSON_BYTES_PER_CHAR <= caps[0] <= MAX_BODY_CAP, caps[0]
