"""The Slack channel: Rasa's Slack connector with each message answered once, malformed events
refused with a 400, each turn guarded like the other channels', and a configurable Slack API
address (so tests can use a local fake).

Rasa's own checks stay as they are: the v0 signature (HMAC-SHA256 of the body with the signing
secret) and a request timestamp at most five minutes old. The guard here runs after them.

A Slack conversation is stored under "slack:<Slack's id>" (channels/sessions.py), a namespace
the REST channel refuses, so a REST caller who learns a Slack user's id cannot read or write
that person's conversation.

Rasa runs a Slack turn in the background, after answering Slack, so a failure there reached no
one. Each turn now runs through `channels/guard.py`'s `handle_turn`: a turn that said nothing
gets the apology, and a turn the conversation or lock store could not serve is logged and
answered in Slack with the store's "send it again" message.
"""

from __future__ import annotations

import json
import logging
import os
from collections import OrderedDict
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, Hashable, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

from channels.guard import StoreUnavailable, handle_turn
from channels.sessions import SLACK_NAMESPACE

logger = logging.getLogger(__name__)

SLACK_API_URL = "https://slack.com/api/"
# Slack retries an event three times within about five minutes; at 10,000 remembered messages
# a retry is still recognised unless the workspace sends more than 30 messages a second.
REMEMBERED_MESSAGES = 10_000
# In Redis a message is remembered for an hour: well past Slack's last retry, and short enough
# that the keys of a busy workspace never pile up.
SEEN_SECONDS = 3600
SEEN_KEY_PREFIX = "slack:seen:"
# Callbacks of the Events API that carry no event and need no reply.
EVENTLESS_CALLBACKS = {"app_rate_limited"}


class CoachSlackBot(SlackBot):
    """Rasa's Slack output channel, posting to `api_url` (Slack's own by default)."""

    def __init__(
        self,
        token: Text,
        slack_channel: Optional[Text] = None,
        thread_id: Optional[Text] = None,
        proxy: Optional[Text] = None,
        api_url: Text = SLACK_API_URL,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        self.client = AsyncWebClient(token, base_url=api_url, proxy=proxy)

    async def _post_message(self, channel: Text, **kwargs: Any) -> None:
        if channel.startswith(SLACK_NAMESPACE):  # a conversation id, when Slack gave no channel
            channel = channel[len(SLACK_NAMESPACE) :]
        # Rasa sends as_user=True, a legacy argument that Slack may refuse from the bot token of
        # an app made today (invalid_arguments); a bot token posts as the app anyway.
        kwargs.pop("as_user", None)
        if "blocks" not in kwargs and isinstance(kwargs.get("text"), str):
            kwargs["text"] = mrkdwn_text(kwargs["text"])
        await super()._post_message(channel, **kwargs)


def mrkdwn_text(text: Text) -> Text:
    """Text as Slack's mrkdwn shows it as written: "&", "<" and ">" escaped, as Slack asks, so
    that no "<...>" reads as a link or a mention. (The coach's lines, bullets and numbers are
    mrkdwn already; a message with buttons goes as plain_text blocks, which need none of this.)"""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class SeenMessages:
    """The most recent `limit` message keys, oldest forgotten first."""

    def __init__(self, limit: int = REMEMBERED_MESSAGES) -> None:
        self.limit = limit
        self._keys: "OrderedDict[Hashable, None]" = OrderedDict()

    def add(self, key: Hashable) -> bool:
        """Remembers `key`; False if it was already remembered."""
        if key in self._keys:
            return False
        self._keys[key] = None
        if len(self._keys) > self.limit:
            self._keys.popitem(last=False)
        return True


class SharedSeenMessages:
    """The messages taken by any Rasa server that shares the Redis of `client` (the lock store's):
    the first server to SET a message's key (NX, with an expiry) answers it. If Redis cannot be
    reached, this process's own memory decides, and the turn meets the same outage in the lock
    store, where it is reported."""

    def __init__(self, client: Any, local: SeenMessages, seconds: int = SEEN_SECONDS) -> None:
        self.client, self.local, self.seconds = client, local, seconds

    def add(self, key: Hashable) -> bool:
        import redis.exceptions

        name = SEEN_KEY_PREFIX + json.dumps(key)
        try:
            return bool(self.client.set(name, 1, nx=True, ex=self.seconds))
        except redis.exceptions.RedisError as error:
            logger.error(
                "Slack message %s checked in this process only, Redis is unavailable (%s: %s)",
                key,
                error.__class__.__name__,
                error,
            )
            return self.local.add(key)


def shared_client(agent: Any) -> Optional[Any]:
    """The Redis client of the agent's lock store, when it is Rasa's RedisLockStore."""
    from rasa.core.lock_store import RedisLockStore

    store = getattr(agent, "lock_store", None)
    return store.red if isinstance(store, RedisLockStore) else None


def _json_body(request: Request) -> Dict[Text, Any]:
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        raise InvalidUsage("the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise InvalidUsage("the request body must be a JSON object")
    if body.get("type") == "url_verification":
        if not isinstance(body.get("challenge"), str):
            raise InvalidUsage("a url_verification request needs a 'challenge' string")
        return body
    event = body.get("event")
    if event is None and body.get("type") not in EVENTLESS_CALLBACKS:
        raise InvalidUsage("the request has no 'event'")
    if event is not None and not isinstance(event, dict):
        raise InvalidUsage("'event' must be a JSON object")
    for field in ("text", "user", "channel", "ts", "thread_ts", "subtype"):
        if event and event.get(field) is not None and not isinstance(event[field], str):
            raise InvalidUsage(f"the event's '{field}' must be a string")
    return body


def _check_form_body(request: Request) -> None:
    payload = request.form.get("payload")
    try:
        parsed = json.loads(payload) if payload else None
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise InvalidUsage("the form body needs a 'payload' field holding a JSON object")


def _is_from_a_bot(event: Dict[Text, Any]) -> bool:
    return bool(event.get("bot_id")) or event.get("subtype") == "bot_message"


class CoachSlackInput(SlackInput):
    """Slack Events API at /webhooks/slack/webhook; replies through chat.postMessage.

    Every message is answered once. A Slack retry (X-Slack-Retry-Num) of a message already
    taken is acknowledged without a second reply, whatever its X-Slack-Retry-Reason; a retry of
    one that never arrived (the server was down) is answered. The same message delivered as
    both `message` and `app_mention` is answered once too. Messages are known by channel and
    timestamp. When the lock store is Redis (several servers or workers: deploy/endpoints.yml)
    they are remembered there for an hour, so a retry that reaches another server or worker is
    not answered twice; otherwise in this process's memory (the last 10,000).
    """

    @classmethod
    def name(cls) -> Text:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        channel = super().from_credentials(credentials)  # refuses missing credentials
        api_url = credentials.get("slack_api_url") or os.environ.get("SLACK_API_URL") or SLACK_API_URL
        channel.api_url = api_url if api_url.endswith("/") else api_url + "/"
        return channel

    def __init__(self, slack_token: Text, *args: Any, **kwargs: Any) -> None:
        super().__init__(slack_token, *args, **kwargs)
        self.api_url = SLACK_API_URL
        self.seen = SeenMessages()
        self._shared_seen: Optional[SharedSeenMessages] = None
        self._agent: Any = None
        # Retries are told apart by the message they carry (above), for every retry reason.
        self.errors_ignore_retry = ()

    def get_output_channel(self, channel: Optional[Text] = None, thread_id: Optional[Text] = None) -> OutputChannel:
        return CoachSlackBot(self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_url)

    def get_metadata(self, request: Request) -> Dict[Text, Any]:
        """Rasa's metadata, except that a direct message not in a thread is answered in the
        conversation itself: threads keep channels readable, and in a DM they only hide replies."""
        metadata = super().get_metadata(request)
        if request.headers.get("content-type") == "application/json":
            event = request.json.get("event") or {}
            if event.get("channel_type") == "im" and not event.get("thread_ts"):
                metadata["thread_id"] = None
        return metadata

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def guarded_turn(message: UserMessage) -> None:
            message.sender_id = SLACK_NAMESPACE + message.sender_id
            await self._take_turn(on_new_message, message)

        slack_webhook = super().blueprint(guarded_turn)

        @slack_webhook.middleware("request")
        async def guard(request: Request) -> Optional[HTTPResponse]:
            if request.method != "POST" or not request.path.rstrip("/").endswith("/webhook"):
                return None
            self._meet_agent(getattr(request.app.ctx, "agent", None))
            if not self.is_request_from_slack_authentic(request):
                return None  # Rasa's handler refuses it
            return self._screen(request)

        return slack_webhook

    def _meet_agent(self, agent: Any) -> None:
        """Keeps the server's agent, for the turn's guard and the lock store's Redis."""
        if agent is self._agent:
            return
        self._agent = agent
        client = shared_client(agent)
        self._shared_seen = SharedSeenMessages(client, self.seen) if client is not None else None

    async def _take_turn(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage) -> None:
        """One turn, guarded; a store outage is answered in Slack (Rasa runs this in the background,
        where an exception would reach no one)."""
        try:
            await handle_turn(on_new_message, message, self._agent)
        except StoreUnavailable as error:
            await self._tell(message, str(error))
        except Exception:  # noqa: BLE001  (e.g. Slack refused the apology: logged, never lost silently)
            logger.exception("Slack turn for conversation %s failed", message.sender_id)

    @staticmethod
    async def _tell(message: UserMessage, text: Text) -> None:
        try:
            await message.output_channel.send_text_message(message.sender_id, text)
        except Exception:  # noqa: BLE001
            logger.exception("could not tell conversation %s: %s", message.sender_id, text)

    def _screen(self, request: Request) -> Optional[HTTPResponse]:
        """A reply for a signed request that must not reach the dialogue, or None to go on."""
        # Compared whole, as Rasa's handler does (Slack sends no charset).
        content_type = request.headers.get("content-type")
        if content_type == "application/x-www-form-urlencoded":
            _check_form_body(request)
            return None
        if content_type != "application/json":
            return response.text(
                "the body must be application/json or application/x-www-form-urlencoded",
                status=HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            )
        body = _json_body(request)
        if body.get("type") == "url_verification":
            return response.json({"challenge": body["challenge"]})
        event = body.get("event") or {}
        if _is_from_a_bot(event):
            return response.text("bot messages are not answered")
        if not self._will_answer(body):
            return None
        key = (event.get("channel"), event.get("ts") or body.get("event_id"))
        if not (self._shared_seen or self.seen).add(key):
            logger.info(
                f"Slack message {key} already taken (retry "
                f"{request.headers.get(self.retry_num_header)}, "
                f"{request.headers.get(self.retry_reason_header)}): not answered again"
            )
            return response.text("already answered", headers={"X-Slack-No-Retry": "1"})
        return None

    def _will_answer(self, body: Dict[Text, Any]) -> bool:
        """Whether Rasa's handler passes this event to the dialogue (its own two checks)."""
        channel = (body.get("event") or {}).get("channel")
        return bool(self._is_user_message(body)) and self._is_supported_channel(body, {"out_channel": channel})
