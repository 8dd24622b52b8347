"""Rasa's Socket.IO channel (the website widget's), with its sessions made safe, each message
checked and limited first, and each turn guarded (`channels/guard.py`).

Sessions (`channels/sessions.py`): `session_request` joins a conversation only with a session id
this server issued (signed); any other id, or none, gets a fresh one in `session_confirm`. Turns
are stored under the conversation id "socketio:<token>", a namespace no other channel can
address, and a socket may send messages only to the session it was confirmed in.

Origins: the socket accepts a connection only from the origins the Rasa server's `--cors`
allows (scripts/run.sh passes its CORS_ORIGINS there) and from the server's own origin, checked
on the `Origin` header of the request that opens it, so a page on another site cannot open a
socket and talk as its visitor. A client that sends no `Origin` (not a browser) is let in, as
by CORS itself. (Rasa gives
python-socketio an empty `cors_allowed_origins`, which switches engine.io's own check off, and
the HTTP side's CORS headers come from Sanic-CORS; giving the same list to engine.io too would
send every allowed browser two `Access-Control-Allow-Origin` headers, which it refuses.)

Replies (`CoachSocketIOOutput`): the coach's text is plain lines, and the project's widget shows
it as such; rasa-webchat and other clients of this channel render it as Markdown, which joins
single lines into one paragraph and reads "1. " or "- " at a line's start as a list that swallows
the lines after it. So each line ends in a Markdown hard break (two spaces, which plain text does
not show), a list marker's space is a no-break space, which Markdown does not take for one, and
a quote's ">" is escaped: the lines come out as written in both. Rasa's own split of a text into
messages at blank lines is kept. A client that shows text as it is, as the project's widget
does, says so with `"plain_text": true` in its message and gets the lines untouched.

A malformed `user_uttered` payload (not an object, a message that is not text or is too long,
metadata that is not an object, nests too deeply or is too large, no session id) is answered
with a `bot_uttered` message saying what is wrong, instead of an exception in the server's log
and silence in the widget; so is a message over the rate limit (`channels/limits.py`), whose
turn is not run. A turn that produced nothing gets the apology; a turn the conversation store
could not take gets a message asking to send it again.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint
from socketio.exceptions import ConnectionRefusedError

from channels.guard import StoreUnavailable, guarded, id_problem, message_problem, metadata_problem, readable
from channels.limits import RateLimits, cap_request_body, rate_limited_message
from channels.sessions import SOCKET_NAMESPACE, SessionIds, conversation_id

logger = logging.getLogger(__name__)

NOT_THIS_SESSION = "this 'session_id' was not given to this connection (send session_request first)"
ORIGIN_REFUSED = "{origin} may not open a socket to the coach: it is not one of the allowed origins"
ORIGIN_NOT_ALLOWED = (
    "socket.io connection from origin %r refused: it is not one of the allowed origins (add it to CORS_ORIGINS)"
)
MAX_NOTED_ORIGINS = 100  # origins checked (and a refused one logged) once each, so no one can fill the log


# The start of a line Markdown reads as a list item or a heading, up to the space after it, and
# a quote's marker, which needs no space after it (escaped instead).
MARKDOWN_MARKER = re.compile(r"^([ \t]*(?:[-+*]|#{1,6}|\d{1,9}[.)])) ", re.MULTILINE)
QUOTE_MARKER = re.compile(r"^([ \t]*)>", re.MULTILINE)
HARD_BREAK = "  \n"


def survives_markdown(text: Text) -> Text:
    """`text` that a Markdown renderer shows line for line as it is written (see the docstring)."""

    def one(part: Text) -> Text:
        part = QUOTE_MARKER.sub(r"\1\\>", MARKDOWN_MARKER.sub("\\1\u00a0", part))
        return HARD_BREAK.join(part.split("\n"))

    return "\n\n".join(one(part) for part in text.split("\n\n"))


PLAIN_TEXT_KEY = "plain_text"


def output_for(sio: Any, event: Text, data: Dict[Text, Any]) -> SocketIOOutput:
    """Where a message's replies go: Rasa's own output for a client that shows plain text (it
    sent `"plain_text": true`), else the output that survives Markdown."""
    return (SocketIOOutput if data.get(PLAIN_TEXT_KEY) is True else CoachSocketIOOutput)(sio, event)


class CoachSocketIOOutput(SocketIOOutput):
    """Rasa's Socket.IO output with its text made safe for the clients that render Markdown."""

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await super().send_text_message(recipient_id, survives_markdown(text), **kwargs)

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        await super().send_text_with_buttons(recipient_id, survives_markdown(text), buttons, **kwargs)


def allowed_origin(app: Any, path: Text, origin: Text, environ: Dict) -> bool:
    """True if `origin` is the server's own or the Rasa server's CORS settings (`--cors`) allow
    it on `path`."""
    from sanic_cors.core import get_cors_origins, try_match

    if origin in _own_origins(environ):
        return True

    resources = getattr(getattr(getattr(app, "ctx", None), "sanic_cors", None), "resources", None) or []
    for pattern, options in resources:
        if try_match(path, pattern):
            return bool(get_cors_origins(options, origin))
    return False


def _own_origins(environ: Dict) -> List[Text]:
    """The server's origin as the request names it (directly, and as a proxy forwarded it)."""
    host = environ.get("HTTP_HOST")
    if not host:
        return []
    scheme = environ.get("wsgi.url_scheme", "http")
    forwarded_scheme = environ.get("HTTP_X_FORWARDED_PROTO", scheme).split(",")[0].strip()
    forwarded_host = environ.get("HTTP_X_FORWARDED_HOST", host).split(",")[0].strip()
    return [f"{scheme}://{host}", f"{forwarded_scheme}://{forwarded_host}"]


class CoachSocketIOInput(SocketIOInput):
    """Socket.IO with verified sessions and payload checks; configured as `socketio` like Rasa's."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def _problem(self, data: Any) -> Optional[Text]:
        if not isinstance(data, dict):
            return 'the message must be an object: {"message": "...", "session_id": "..."}'
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
        self._app: Any = None
        self._turn = guarded(on_new_message, lambda: getattr(getattr(self._app, "ctx", None), "agent", None))
        webhook = super().blueprint(self._turn)
        self._sessions = SessionIds.from_environment()
        self._limits = RateLimits.from_environment()
        self._rasa_connect = self.sio.handlers[self.namespace or "/"]["connect"]
        self._origins_seen: Dict[Tuple[Text, Text], bool] = {}  # (origin, host) -> allowed
        self.sio.eio.handle_request = self._noting_refused_origins(self.sio.eio.handle_request)
        webhook.listener("before_server_start")(self._start)
        for event, handler in (
            ("connect", self._connect),
            ("session_request", self._session_request),
            (self.user_message_evt, self._handle_message),
        ):
            self.sio.on(event, namespace=self.namespace)(handler)
        return webhook

    async def _start(self, sanic_app: Any, _loop: Any) -> None:
        self._app = sanic_app
        cap_request_body(sanic_app)

    def _noting_refused_origins(self, handle_request: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        """Engine.io's request handler, logging once per origin a page the server does not allow.

        A browser opens a socket with long-polling requests whose answers it then withholds from
        a page whose origin CORS does not allow, so such a page never gets as far as `_connect`
        and its socket fails in the visitor's browser alone; this names it in the server's log."""

        async def handle(request: Any, *args: Any, **kwargs: Any) -> Any:
            origin = request.headers.get("origin")
            key = (origin or "", request.headers.get("host") or "")
            if origin and key not in self._origins_seen and len(self._origins_seen) < MAX_NOTED_ORIGINS:
                # Checked once per origin and host, not on every polling request of a page.
                allowed = allowed_origin(self._app, self.socketio_path or "/socket.io", origin, _environ(request))
                self._note_origin(key, allowed)
            return await handle_request(request, *args, **kwargs)

        return handle

    def _note_origin(self, key: Tuple[Text, Text], allowed: bool) -> None:
        """Keeps what was found of an (origin, host), logging a refused one the first time only
        (and at most MAX_NOTED_ORIGINS of them), whichever of the polling handler or the
        socket's connect meets it first."""
        if key in self._origins_seen or len(self._origins_seen) >= MAX_NOTED_ORIGINS:
            return
        self._origins_seen[key] = allowed
        if not allowed:
            logger.warning(ORIGIN_NOT_ALLOWED, key[0])

    async def _say(self, sid: Text, text: Text) -> None:
        await self.sio.emit(self.bot_message_evt, {"text": text}, room=sid, namespace=self.namespace)

    async def _connect(self, sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
        origin = environ.get("HTTP_ORIGIN")
        if origin and not allowed_origin(self._app, self.socketio_path or "/socket.io", origin, environ):
            self._note_origin((origin, environ.get("HTTP_HOST") or ""), False)
            raise ConnectionRefusedError(ORIGIN_REFUSED.format(origin=origin))
        if not await self._rasa_connect(sid, environ, auth):  # Rasa's: the jwt_key check, if set
            return False
        await self.sio.save_session(sid, {"address": _address(environ)}, namespace=self.namespace)
        return True

    async def _session_request(self, sid: Text, data: Any = None, *_: Any) -> None:
        """Confirms the session id asked for if this server issued it, else a new one."""
        requested = data.get("session_id") if isinstance(data, dict) else None
        session_id = requested if self._sessions.verified(requested) else self._sessions.issue()
        if requested and requested != session_id:
            logger.info("socket %s asked for a session id this server did not issue; gave a new one", sid)
        session = await self.sio.get_session(sid, namespace=self.namespace)
        for room in self.sio.rooms(sid, namespace=self.namespace):
            if room != sid:  # the conversation this socket was in before
                self.sio.leave_room(sid, room, namespace=self.namespace)
        if self.session_persistence:
            session["conversation"] = conversation_id(session_id)
            self.sio.enter_room(sid, session["conversation"], namespace=self.namespace)
        session["session_id"] = session_id
        await self.sio.save_session(sid, session, namespace=self.namespace)
        await self.sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

    async def _handle_message(self, sid: Text, data: Any = None, *_: Any) -> None:
        problem = self._problem(data)
        session = await self.sio.get_session(sid, namespace=self.namespace)
        if not problem and self.session_persistence and data.get("session_id") != session.get("session_id"):
            problem = NOT_THIS_SESSION
        if problem:
            logger.info("socket.io message from %s refused: %s", sid, problem)
            await self._say(sid, f"Sorry, I couldn't read that message: {problem}.")
            return
        sender_id = session["conversation"] if self.session_persistence else SOCKET_NAMESPACE + sid
        wait = self._limits.admit(sender_id, session.get("address"))
        if wait:
            logger.info("socket.io message from %s over the rate limit", sid)
            await self._say(sid, rate_limited_message(wait))
            return
        message = UserMessage(
            data["message"],
            output_for(self.sio, self.bot_message_evt, data),
            sender_id,
            input_channel=self.name(),
            metadata=data.get(self.metadata_key),
        )
        try:
            await self._turn(message)
        except StoreUnavailable as error:
            await self._say(sid, str(error))


def _environ(request: Any) -> Dict[Text, Text]:
    """The parts of a WSGI environ that `_own_origins` reads, from a Sanic request."""
    environ = {"HTTP_HOST": request.headers.get("host") or "", "wsgi.url_scheme": request.scheme or "http"}
    for header in ("x-forwarded-proto", "x-forwarded-host"):
        if request.headers.get(header):
            environ["HTTP_" + header.upper().replace("-", "_")] = request.headers[header]
    return environ


def _address(environ: Dict) -> Optional[Text]:
    """The client's address as Sanic sees it (the forwarded one when Sanic is told to trust it)."""
    request = environ.get("sanic.request")
    return getattr(request, "remote_addr", None) or getattr(request, "ip", None) or environ.get("REMOTE_ADDR")
