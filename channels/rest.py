"""The REST channel, with the request checked first: a malformed request gets a 400 that says
what is wrong, instead of an internal error.

Around each turn (`channels/guard.py`): a turn that produced no message gets an apology, and a
turn the conversation or lock store could not serve gets a 503 saying to send it again. A
client that retries can send the same `message_id` again: a message already recorded under
that id is answered with its recorded replies instead of being taken twice. The check runs
inside the conversation's lock, so a retry sent while the first request is still running waits
for it and then gets its replies.

`POST /webhooks/rest/document-text` gives the text of an attached .txt, .pdf or .docx (field
`file`, multipart) for the widget to send as a message; it stores nothing (channels/attachments.py).
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.constants import DEFAULT_SENDER_ID
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage, PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.attachments import AttachmentError, extract_text
from channels.guard import (
    StoreUnavailable,
    handle_turn,
    id_problem,
    message_problem,
    metadata_problem,
    readable,
    watching_stores,
)
from channels.limits import RateLimits, cap_request_body, rate_limited_message
from channels.sessions import reserved_id_problem


# The rate limits count attachments apart from any conversation's messages.
DOCUMENT_SENDER = "document-text"


def _body(request: Request) -> Dict[Text, Any]:
    try:
        body = request.json
    except InvalidUsage:
        raise InvalidUsage("the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise InvalidUsage('the request body must be a JSON object: {"sender": "...", "message": "..."}')
    return body


class CoachRestInput(RestInput):
    """POST /webhooks/rest/webhook {"sender": "<conversation id>", "message": "<text>"}."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        sender = _body(req).get("sender")
        if sender is None:
            return None
        if isinstance(sender, bool) or not isinstance(sender, (str, int)) or not str(sender).strip():
            raise InvalidUsage("'sender' must be a non-empty string")
        problem = id_problem("sender", str(sender)) or reserved_id_problem("sender", str(sender))
        if problem:
            raise InvalidUsage(problem)
        return str(sender)

    def _extract_message(self, req: Request) -> Optional[Text]:
        message = _body(req).get("message")
        problem = message_problem(message)
        if problem:
            raise (PayloadTooLarge if isinstance(message, str) else InvalidUsage)(problem)
        return readable(message)

    def _extract_input_channel(self, req: Request) -> Text:
        channel = _body(req).get("input_channel")
        problem = channel is not None and id_problem("input_channel", channel)
        if problem:
            raise InvalidUsage(problem)
        return channel or self.name()

    @staticmethod
    def _extract_message_id(req: Request) -> Optional[Text]:
        message_id = _body(req).get("message_id")
        problem = message_id is not None and id_problem("message_id", message_id)
        if problem:
            raise InvalidUsage(problem)
        return message_id

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        metadata = _body(request).get("metadata")
        problem = metadata_problem(metadata)
        if problem:
            raise InvalidUsage(problem)
        return metadata

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        """Rasa's REST routes, with the turn guarded and retries by `message_id` taken once."""
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", inspect.getmodule(self).__name__)
        limits = RateLimits.from_environment()
        webhook.listener("before_server_start")(lambda app, _loop: cap_request_body(app))

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            sender_id = await self._extract_sender(request)
            text = self._extract_message(request)
            metadata = self.get_metadata(request)
            input_channel = self._extract_input_channel(request)
            message_id = self._extract_message_id(request)
            wait = limits.admit(sender_id or DEFAULT_SENDER_ID, request.remote_addr or request.ip)
            if wait:
                return response.json(
                    {"status": "rate limited", "message": rate_limited_message(wait)},
                    status=429,
                    headers={"Retry-After": str(wait)},
                )
            agent = request.app.ctx.agent
            collector = CollectingOutputChannel()
            message = UserMessage(
                text, collector, sender_id, input_channel=input_channel, metadata=metadata, message_id=message_id
            )
            try:
                if message_id:
                    await handle_turn(lambda m: _once(agent, m, on_new_message), message, agent)
                else:
                    await handle_turn(on_new_message, message, agent)
            except StoreUnavailable as error:
                return response.json(
                    {"status": "unavailable", "message": str(error)}, status=503, headers={"Retry-After": "2"}
                )
            return response.json(collector.messages)

        @webhook.route("/document-text", methods=["POST"])
        async def document_text(request: Request) -> HTTPResponse:
            """The text of an attached file, for the widget to send as a message (channels/attachments.py)."""
            wait = limits.admit(DOCUMENT_SENDER, request.remote_addr or request.ip)
            if wait:
                return response.json(
                    {"status": "rate limited", "message": rate_limited_message(wait)},
                    status=429,
                    headers={"Retry-After": str(wait)},
                )
            upload = (request.files or {}).get("file")
            if not upload:
                return response.json({"message": "Send the file as multipart form data, field 'file'."}, status=400)
            try:  # a PDF can take a while: not on the event loop, which serves every conversation
                text = await asyncio.get_running_loop().run_in_executor(
                    None, extract_text, upload.name or "", upload.body or b""
                )
            except AttachmentError as error:
                return response.json({"message": str(error)}, status=415)
            return response.json({"text": text})

        return webhook


async def _once(agent: Any, message: UserMessage, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
    """The turn, unless the conversation already took this message id: then its replies again.

    What `agent.handle_message` does (the processor's turn under the conversation's lock), with
    the check for the id inside the same lock.
    """
    if not agent.is_ready():
        await on_new_message(message)  # Rasa's own handling of a server without a model
        return
    async with agent.lock_store.lock(message.sender_id):
        if not await _replay(agent, message):
            await agent.processor.handle_message(message)


async def _replay(agent: Any, message: UserMessage) -> bool:
    """Sends the recorded replies if this conversation already took a message with this id."""
    with watching_stores(agent, message.sender_id):
        tracker = await agent.tracker_store.retrieve(message.sender_id)
    if tracker is None:
        return False
    events = list(tracker.events)
    taken = [i for i, e in enumerate(events) if isinstance(e, UserUttered) and e.message_id == message.message_id]
    if not taken:
        return False
    for event in events[taken[-1] + 1 :]:
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            await message.output_channel.send_response(message.sender_id, event.message())
    return True
