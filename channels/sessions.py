"""The widget's session ids: issued by the server, signed, and kept apart from other channels' ids.

The widget keeps its conversation across page loads by sending back, in `session_request`, the
session id it was given. That id is a credential: whoever presents it joins the conversation and
receives its replies. So:

- Only the server makes session ids: a random token (128 bits) and its HMAC-SHA256 under a
  secret only the server holds, written "<token>.<signature>". A `session_request` carrying an
  id whose signature does not verify (made up, altered, another channel's id, or an id from
  before this scheme) never joins anything: the socket is given a fresh id instead.
- The conversation is stored under "socketio:<token>", never under the session id itself. That
  conversation id is what the tracker store, the logs and the HTTP API show; knowing it does not
  let anyone join, because joining takes the signature, which only the visitor's browser holds.
- "socketio:" is the socket channel's namespace of conversation ids. No other channel can
  address it: the REST channel refuses sender ids in a channel's namespace
  (`reserved_id_problem`), and a socket can only reach "socketio:" conversations, so a REST or
  Slack conversation cannot be joined from the widget either.

The secret is COACH_SESSION_SECRET from the environment (every replica of a deployment must be
given the same one), else one generated once into build/session-secret (mode 0600) and read
back after a restart, so a visitor's conversation outlives the server's restarts.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path
from typing import Optional, Text

logger = logging.getLogger(__name__)

SECRET_ENV = "COACH_SESSION_SECRET"
SECRET_FILE = Path(__file__).resolve().parents[1] / "build" / "session-secret"
# Conversation ids the socket channel stores its conversations under, and those of the Slack
# channel; a REST caller may use neither.
SOCKET_NAMESPACE = "socketio:"
SLACK_NAMESPACE = "slack:"
RESERVED_NAMESPACES = (SOCKET_NAMESPACE, SLACK_NAMESPACE)
# 128 random bits: as hard to guess as a UUID4, and short enough for a readable log line.
TOKEN_BYTES = 16
_SEPARATOR = "."


def conversation_id(session_id: Text) -> Text:
    """The conversation (sender) id the socket channel stores a verified session id's turns under."""
    return SOCKET_NAMESPACE + session_id.split(_SEPARATOR, 1)[0]


def reserved_id_problem(name: Text, value: Text) -> Optional[Text]:
    """Why a REST sender id may not be used (it is in another channel's namespace), or None."""
    reserved = next((prefix for prefix in RESERVED_NAMESPACES if value.lower().startswith(prefix)), None)
    if reserved:
        return f"'{name}' may not start with '{reserved}': those conversations belong to another channel"
    return None


class SessionIds:
    """Issues session ids and tells whether one was issued under this secret."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    @classmethod
    def from_environment(cls) -> "SessionIds":
        secret = os.environ.get(SECRET_ENV, "")
        return cls(secret.encode("utf-8") if secret else _stored_secret(SECRET_FILE))

    def _signature(self, token: Text) -> Text:
        return hmac.new(self._secret, token.encode("utf-8"), hashlib.sha256).hexdigest()

    def issue(self) -> Text:
        token = secrets.token_hex(TOKEN_BYTES)
        return token + _SEPARATOR + self._signature(token)

    def verified(self, session_id: object) -> bool:
        """True if `session_id` is one this server issued (its signature verifies)."""
        if not isinstance(session_id, str) or session_id.count(_SEPARATOR) != 1:
            return False
        token, signature = session_id.split(_SEPARATOR)
        return bool(token) and hmac.compare_digest(
            signature.encode("utf-8", "replace"), self._signature(token).encode("utf-8")
        )


def _stored_secret(path: Path) -> bytes:
    """The secret in `path`; made (random, readable by this user only) if there is none yet.

    The new file is written aside and linked into place, so two servers starting at once agree
    on one secret: the second link fails and that server reads the first one's.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f"{path.name}.{os.getpid()}.new")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
            logger.info("made a session secret in %s (set %s to share one between servers)", path, SECRET_ENV)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    secret = path.read_text().strip()
    if not secret:
        raise RuntimeError(f"{path} is empty: delete it to have a new session secret made, or set {SECRET_ENV}")
    return secret.encode("utf-8")
