"""Rasa's Socket.IO channel (the website widget's), with each message checked first and each
turn guarded (`channels/guard.py`).

A malformed `user_uttered` payload (not an object, a message that is not text or is too long,
metadata that is not an object or nests too deeply, no session id) is answered with a
`bot_uttered` message saying what is wrong, instead of an exception in the server's log and
silence in the widget. A turn that produced nothing gets the apology; a turn the conversation
store could not take gets a message asking to send it again.
"""
from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from channels.guard import (StoreUnavailable, guarded, id_problem, message_problem, metadata_problem,
                            readable)

logger = logging.getLogger(__name__)


class CoachSocketIOInput(SocketIOInput):
    """Socket.IO with payload checks; configured under the name `socketio` like Rasa's own."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def _problem(self, data: Any) -> Optional[Text]:
        if not isinstance(data, dict):
            return "the message must be an object: {\"message\": \"...\", \"session_id\": \"...\"}"
        problem = message_problem(data.get("message", ""))
        if problem:
            return problem
        data["message"] = readable(data.get("message", ""))
        if self.session_persistence:
            problem = id_problem("session_id", data.get("session_id"))
            if problem:
                return problem + " (send session_request first)"
        metadata = data.get(self.metadata_key)
        if isinstance(metadata, str):
            try:
                metadata = json.loads(metadata)
            except ValueError:
                return f"'{self.metadata_key}' is not valid JSON"
            data[self.metadata_key] = metadata
        return metadata_problem(metadata)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        app = {}
        webhook = super().blueprint(guarded(on_new_message, lambda: getattr(
            getattr(app.get("app"), "ctx", None), "agent", None)))

        @webhook.listener("after_server_start")
        async def remember_app(sanic_app: Any, _loop: Any) -> None:
            app["app"] = sanic_app

        namespace = self.namespace or "/"
        take_message = self.sio.handlers[namespace][self.user_message_evt]

        async def handle_message(sid: Text, data: Any = None, *_: Any) -> None:
            problem = self._problem(data)
            if problem:
                logger.info("socket.io message from %s refused: %s", sid, problem)
                await self.sio.emit(self.bot_message_evt,
                                    {"text": f"Sorry, I couldn't read that message: {problem}."}, room=sid)
                return
            try:
                await take_message(sid, data)
            except StoreUnavailable as error:
                await self.sio.emit(self.bot_message_evt, {"text": str(error)}, room=sid)

        self.sio.on(self.user_message_evt, namespace=self.namespace)(handle_message)
        return webhook
