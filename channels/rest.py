"""The REST channel, with the request checked first: a malformed request gets a 400 that says
what is wrong, instead of an internal error."""
from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.channels.rest import RestInput
from sanic.exceptions import InvalidUsage
from sanic.request import Request


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
        return str(sender)

    def _extract_message(self, req: Request) -> Optional[Text]:
        message = _body(req).get("message")
        if not isinstance(message, str):
            raise InvalidUsage("'message' is required and must be a string")
        return message

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        metadata = _body(request).get("metadata")
        if metadata is not None and not isinstance(metadata, dict):
            raise InvalidUsage("'metadata' must be a JSON object")
        return metadata
