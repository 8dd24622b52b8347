"""What a channel does around each turn, so that a user never meets silence or a traceback.

- A turn that produced no message gets a short apology. In Rasa 3.6, when a custom action
  fails (the action server is down, times out or answers with an error), the processor logs
  the exception, drops the action's events and carries on, so the user would get nothing.
  The channel is the one place where that silence can be seen, whatever caused it, without
  patching Rasa; the next question works again as soon as the action server is back.
- A turn that the conversation store (SQL) or the lock store (Redis) could not serve raises
  `StoreUnavailable`, which the channel turns into a clear "try again" (REST: a 503), instead
  of Rasa's fallback to an empty conversation kept in memory.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Awaitable, Callable, Dict, Iterator, List, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage

from channels import documents

logger = logging.getLogger(__name__)

# Shown when a turn produced no message; domain.yml's `utter_action_server_down`, if it has
# one, is used instead.
APOLOGY_RESPONSE = "utter_action_server_down"
APOLOGY = "Sorry, I couldn't look that up just now: part of me is not answering. Please ask again in a moment."
STORE_UNAVAILABLE = (
    "The coach cannot reach its conversation store right now, so this message "
    "was not taken. Please send it again in a moment."
)

Handler = Callable[[UserMessage], Awaitable[Any]]

# Limits well above any real question. The language model's cost grows with the square of a
# message's length (a 100,000-character paste held a server for minutes and gigabytes), and a
# conversation's stored events stay small and plain.
MAX_MESSAGE_CHARS = 10_000
MAX_METADATA_DEPTH = 20
MAX_ID_CHARS = 255
# Metadata is stored with every user message of a conversation. What a channel really sends
# there (a page address, a locale, a client version) is a few hundred bytes; 4 KB leaves ample
# room for that and keeps a 1,000-turn conversation's metadata within 4 MB, where a client
# sending the request body's limit with each message would fill the store a megabyte at a time.
MAX_METADATA_BYTES = 4096
# Characters an identifier may not hold: they are written into the log, where a line feed or
# carriage return forges a log line, other control characters (C0, DEL, C1) garble it, and the
# bidirectional controls (U+202E and the rest) show it in another order than it was written.
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = frozenset("\u2028\u2029")  # Unicode's line and paragraph separators


def nesting(value: Any, limit: int = MAX_METADATA_DEPTH) -> int:
    """How many levels of objects and lists `value` nests, counted no further than `limit` + 1."""
    depth, level = 0, [value]
    while depth <= limit:
        containers = [v for v in level if isinstance(v, (dict, list))]
        if not containers:
            break
        depth += 1
        level = [c for v in containers for c in (v.values() if isinstance(v, dict) else v)]
    return depth


def _encodable(text: Text) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # an unpaired surrogate: valid in JSON, not in Unicode text
        return False
    return True


def readable(text: Text) -> Text:
    """The text, with unpaired surrogates (which the language model cannot read) replaced by U+FFFD."""
    if _encodable(text):
        return text
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def message_problem(message: Any) -> Optional[Text]:
    """What is wrong with a message's text, or None."""
    if not isinstance(message, str):
        return "'message' is required and must be a string"
    if len(message) > MAX_MESSAGE_CHARS:
        return f"'message' is longer than {MAX_MESSAGE_CHARS:,} characters: please ask your question in fewer words"
    return None


def metadata_problem(metadata: Any) -> Optional[Text]:
    """What is wrong with a message's metadata, or None."""
    if metadata is not None and not isinstance(metadata, dict):
        return "'metadata' must be a JSON object"
    if metadata and nesting(metadata) > MAX_METADATA_DEPTH:
        return f"'metadata' nests more than {MAX_METADATA_DEPTH} levels deep"
    if metadata and _serialised_size(metadata) > MAX_METADATA_BYTES:
        return (
            f"'metadata' is larger than {MAX_METADATA_BYTES:,} bytes as JSON: "
            "send only what the coach needs with each message"
        )
    return None


def _serialised_size(metadata: Dict[Text, Any]) -> int:
    """Bytes of `metadata` as JSON, as it is stored with the message."""
    return len(
        json.dumps(metadata, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8", "surrogatepass")
    )


def _unprintable(character: Text) -> bool:
    return unicodedata.category(character) == "Cc" or character in _BIDI_CONTROLS or character in _LINE_BREAKS


def id_problem(name: Text, value: Any) -> Optional[Text]:
    """What is wrong with an identifier (a conversation or message id), or None."""
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID_CHARS:
        return f"'{name}' must be a non-empty string of at most {MAX_ID_CHARS} characters"
    if not _encodable(value):
        return f"'{name}' is not valid Unicode text"
    unprintable = next((c for c in value if _unprintable(c)), None)
    if unprintable is not None:
        return f"'{name}' holds a control character (U+{ord(unprintable):04X}): use printable characters only"
    return None


class StoreUnavailable(RuntimeError):
    """The tracker store or the lock store could not be reached; the turn was not recorded."""


def store_errors() -> tuple:
    """Exceptions that mean a store is down or busy, not that the turn itself is wrong."""
    import redis.exceptions
    import sqlalchemy.exc
    from rasa.core.lock_store import LockError

    return (
        sqlalchemy.exc.OperationalError,
        sqlalchemy.exc.InterfaceError,
        redis.exceptions.ConnectionError,
        redis.exceptions.TimeoutError,
        LockError,
        ConnectionError,
    )


def apology(agent: Any) -> Text:
    """The domain's `utter_action_server_down` text, or the built-in one."""
    domain = getattr(agent, "domain", None)
    variants = (domain.responses.get(APOLOGY_RESPONSE) if domain is not None else None) or []
    texts = [v.get("text") for v in variants if isinstance(v, dict) and v.get("text")]
    return texts[0] if texts else APOLOGY


def _count_messages(output: OutputChannel) -> List[Dict[Text, Any]]:
    """Records every message the processor sends through `output` (all go via send_response)."""
    sent: List[Dict[Text, Any]] = []
    original = output.send_response

    async def send_response(recipient_id: Text, message: Dict[Text, Any]) -> None:
        sent.append(message)
        await original(recipient_id, message)

    output.send_response = send_response  # type: ignore[assignment]
    return sent


# The tracker store errors met while serving the current turn (see `watching_stores`).
_store_failures: ContextVar[Optional[List[Exception]]] = ContextVar("store_failures", default=None)


def _first_line(error: Exception) -> Text:
    return f"{error.__class__.__name__}: {(str(error).splitlines() or [''])[0]}"


def _note_store_failure(error: Exception) -> None:
    logger.error("conversation store: %s", _first_line(error))
    failures = _store_failures.get()
    if failures is not None:
        failures.append(error)


def _watch_tracker_store(agent: Any) -> None:
    """Has the agent's tracker store report its errors to the turn.

    Rasa 3.6 wraps every tracker store in a FailSafeTrackerStore, which logs a failed read or
    write and carries on with an empty conversation kept in memory: the user would get an answer
    without context, and the turn would be lost from the shared store. Its error callback lets
    the turn see the failure and end with StoreUnavailable instead.
    """
    store = getattr(agent, "tracker_store", None)
    if (
        store is not None
        and hasattr(store, "_on_tracker_store_error")
        and store._on_tracker_store_error is not _note_store_failure
    ):
        store._on_tracker_store_error = _note_store_failure


@contextmanager
def watching_stores(agent: Any, sender_id: Text) -> Iterator[None]:
    """Raises StoreUnavailable if the tracker or lock store failed inside the block."""
    _watch_tracker_store(agent)
    failures: List[Exception] = []
    token = _store_failures.set(failures)
    try:
        yield
    except store_errors() as error:
        failures.append(error)
    finally:
        _store_failures.reset(token)
    if failures:
        logger.error(
            "turn for conversation %s not recorded, a store is unavailable: %s", sender_id, _first_line(failures[0])
        )
        raise StoreUnavailable(STORE_UNAVAILABLE) from failures[0]


async def handle_turn(on_new_message: Handler, message: UserMessage, agent: Optional[Any] = None) -> None:
    """Runs one turn; apologises if it said nothing; raises StoreUnavailable if a store is down."""
    sent = _count_messages(message.output_channel)
    with watching_stores(agent, message.sender_id):
        try:
            message = await documents.take(message, agent)  # a pasted resume never goes further
            await on_new_message(message)
        except (StoreUnavailable, *store_errors()):
            raise
        except Exception:  # noqa: BLE001  (any other failure: logged, and the user still gets a reply)
            logger.exception("turn for conversation %s failed", message.sender_id)
    if not sent:
        logger.warning("turn for conversation %s produced no message; sending an apology", message.sender_id)
        await message.output_channel.send_text_message(message.sender_id, apology(agent))


def guarded(on_new_message: Handler, agent: Callable[[], Any] = lambda: None) -> Handler:
    """`on_new_message` wrapped by `handle_turn`, for channels that only pass a handler on."""

    async def handler(message: UserMessage) -> None:
        await handle_turn(on_new_message, message, agent())

    return handler
