"""What one client may ask of the coach: messages per conversation and per address, and the
size of a request.

Each turn costs the server real work (the language model, the action server, a write to the
conversation store), so one client sending as fast as it can would slow every other visitor.
The channels (REST and the widget's socket) count each message against two token buckets: its
conversation's and its client address's. A bucket holds `RATE_LIMIT_*` messages and refills at
that many per `RATE_WINDOW` seconds, so a burst of questions passes and a flood does not. A
message over the limit is answered (REST: 429 with Retry-After; the socket: a bot message) and
its turn is not run.

The counts live in the server process. Behind a proxy every request comes from the proxy's
address unless Sanic is told to read the client's from the forwarded headers
(SANIC_PROXIES_COUNT / SANIC_REAL_IP_HEADER); the deployment's nginx also limits each client
(`limit_req`), across replicas.

Settings (environment, read when a channel starts):
  COACH_RATE_WINDOW             seconds over which the limits below refill (default 60)
  COACH_RATE_PER_CONVERSATION   messages per window in one conversation (default 30)
  COACH_RATE_PER_ADDRESS        messages per window from one client address (default 120)
  COACH_MAX_REQUEST_BYTES       largest request body the Rasa server reads (default 1,000,000)
"""

from __future__ import annotations

import math
import os
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Optional, Text, Tuple

# A person reads an answer before asking again: 30 messages a minute in one conversation is
# several times the fastest real use, and a burst of 30 lets a script replay a conversation.
RATE_PER_CONVERSATION = 30
# One address may be a household or an office behind one router: room for a few people at once.
RATE_PER_ADDRESS = 120
RATE_WINDOW = 60.0
# The largest real request is a message at its limit (10,000 characters, at most 60 KB as
# escaped JSON) with its metadata (4 KB); 1 MB is nginx's default client_max_body_size, so a
# request is refused at the same size with or without the proxy. Sanic's own default is 100 MB.
MAX_REQUEST_BYTES = 1_000_000
# Buckets remembered at once; the least recently used are forgotten first (a forgotten bucket
# is a full one, so forgetting never refuses anybody).
MAX_BUCKETS = 100_000

RATE_LIMITED = (
    "You are sending messages faster than I can answer them. Please wait {seconds} second{s} and send it again."
)


def rate_limited_message(seconds: int) -> Text:
    return RATE_LIMITED.format(seconds=seconds, s="" if seconds == 1 else "s")


def _setting(name: str, default: float, cast: Callable[[str], Any] = float) -> Any:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        parsed = cast(value)
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a number") from None
    if parsed <= 0:
        raise ValueError(f"{name} must be greater than 0, not {value}")
    return parsed


def max_request_bytes() -> int:
    return _setting("COACH_MAX_REQUEST_BYTES", MAX_REQUEST_BYTES, int)


class TokenBuckets:
    """One token bucket per key, each holding `capacity` tokens and refilling over `window` s."""

    def __init__(
        self,
        capacity: float,
        window: float,
        clock: Callable[[], float] = time.monotonic,
        max_buckets: int = MAX_BUCKETS,
    ) -> None:
        self.capacity = capacity
        self.rate = capacity / window
        self.clock = clock
        self.max_buckets = max_buckets
        self._buckets: "OrderedDict[Text, Tuple[float, float]]" = OrderedDict()

    def tokens(self, key: Text, now: float) -> float:
        level, then = self._buckets.get(key, (self.capacity, now))
        return min(self.capacity, level + (now - then) * self.rate)

    def wait(self, key: Text, now: float) -> float:
        """Seconds until `key` has a token (0 if it has one now)."""
        return max(0.0, (1 - self.tokens(key, now)) / self.rate)

    def take(self, key: Text, now: float) -> None:
        self._buckets[key] = (self.tokens(key, now) - 1, now)
        self._buckets.move_to_end(key)
        while len(self._buckets) > self.max_buckets:
            self._buckets.popitem(last=False)


@dataclass
class RateLimits:
    """The per-conversation and per-address limits of one channel."""

    conversations: TokenBuckets
    addresses: TokenBuckets

    @classmethod
    def from_environment(cls, clock: Callable[[], float] = time.monotonic) -> "RateLimits":
        window = _setting("COACH_RATE_WINDOW", RATE_WINDOW)
        return cls(
            TokenBuckets(_setting("COACH_RATE_PER_CONVERSATION", RATE_PER_CONVERSATION), window, clock),
            TokenBuckets(_setting("COACH_RATE_PER_ADDRESS", RATE_PER_ADDRESS), window, clock),
        )

    def admit(self, conversation: Text, address: Optional[Text]) -> int:
        """0 if a message may be taken now (and counts it), else whole seconds to wait."""
        now = self.conversations.clock()
        address = address or "unknown"
        wait = max(self.conversations.wait(conversation, now), self.addresses.wait(address, now))
        if wait > 0:
            return max(1, math.ceil(wait))
        self.conversations.take(conversation, now)
        self.addresses.take(address, now)
        return 0


def cap_request_body(app: Any) -> None:
    """Has the Sanic app refuse (413) a request body larger than COACH_MAX_REQUEST_BYTES."""
    app.config.REQUEST_MAX_SIZE = min(app.config.REQUEST_MAX_SIZE, max_request_bytes())
