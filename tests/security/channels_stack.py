"""The coach for the channel tests (sessions, ids, limits): both servers with the project's
credentials.yml, conversations in a SQLite file the tests read directly (what is stored, under
which conversation id), CORS allowing one origin; and a Socket.IO client as the widget is one."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import socketio

from tests.servers import Servers, local_endpoints

ALLOWED_ORIGIN = "http://localhost:8080"
OTHER_ORIGIN = "http://evil.example"
REPLY_TIMEOUT = 120  # s: one answer on a busy machine
QUIET = 2.0  # s without a new message: the rest of a multi-message answer has come


def running_coach(work: Path, knowledge_url: str, **env: str) -> Iterator[Servers]:
    """Both servers started in `work` with the given settings; stopped after."""
    servers = Servers(
        work,
        knowledge_url,
        endpoints=local_endpoints(work / "conversations.db"),
        env={"COACH_SESSION_SECRET": uuid.uuid4().hex, **env},
        rasa_args=["--cors", ALLOWED_ORIGIN],
    )
    try:
        yield servers.start()
    finally:
        servers.stop()


def stored(servers: Servers, sql: str, *parameters: Any) -> List[tuple]:
    """Rows from the conversation store (its `events` table: sender_id, type_name, data)."""
    with sqlite3.connect(servers.work / "conversations.db") as connection:
        return connection.execute(sql, parameters).fetchall()


def user_texts(servers: Servers, conversation: str) -> List[str]:
    rows = stored(
        servers, "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", conversation
    )
    return [json.loads(data).get("text") for (data,) in rows]


def conversation_holding(servers: Servers, text: str) -> str:
    """The conversation id the store keeps the user message `text` under."""
    senders = {
        sender
        for sender, data in stored(servers, "SELECT sender_id, data FROM events WHERE type_name = 'user'")
        if json.loads(data).get("text") == text
    }
    assert len(senders) == 1, senders
    return senders.pop()


class SocketClient:
    """One widget-like Socket.IO connection: asks for a session, sends, collects bot messages."""

    def __init__(self, servers: Servers, origin: Optional[str] = None) -> None:
        self.url = servers.coach.url
        self.headers: Dict[str, str] = {"Origin": origin} if origin else {}
        self.client = socketio.AsyncClient(reconnection=False)
        self.session_id: Optional[str] = None
        self.texts: List[str] = []
        self.refusals: List[Any] = []  # why the server refused the connection (connect_error)
        self._confirmed = asyncio.Event()
        self._arrived = asyncio.Event()
        self.client.on("session_confirm", self._on_confirm)
        self.client.on("bot_uttered", self._on_bot)
        self.client.on("connect_error", self._on_refusal)

    async def _on_refusal(self, data: Any) -> None:
        self.refusals.append(data.get("message") if isinstance(data, dict) else data)

    async def _on_confirm(self, data: Any) -> None:
        self.session_id = data if isinstance(data, str) else data.get("session_id")
        self._confirmed.set()

    async def _on_bot(self, data: Any) -> None:
        self.texts.append(data.get("text", "") if isinstance(data, dict) else str(data))
        self._arrived.set()

    async def connect(self) -> "SocketClient":
        # Long-polling: the installed aiohttp is older than the websocket client of python-engineio needs.
        await self.client.connect(self.url, transports=["polling"], headers=self.headers, wait_timeout=30)
        return self

    async def request_session(self, session_id: Optional[str] = None) -> str:
        self._confirmed.clear()
        await self.client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(self._confirmed.wait(), 30)
        assert self.session_id
        return self.session_id

    async def send(self, text: str, session_id: Optional[str] = None, **extra: Any) -> None:
        await self.client.emit("user_uttered", {"message": text, "session_id": session_id or self.session_id, **extra})

    async def ask(self, text: str, session_id: Optional[str] = None, **extra: Any) -> List[str]:
        """Sends `text` and returns the bot messages it brought (all of them, once quiet)."""
        before = len(self.texts)
        self._arrived.clear()
        await self.send(text, session_id, **extra)
        await asyncio.wait_for(self._arrived.wait(), REPLY_TIMEOUT)
        await self.settle()
        return self.texts[before:]

    async def settle(self) -> None:
        """Waits until no bot message has come for QUIET seconds."""
        count = -1
        while count != len(self.texts):
            count = len(self.texts)
            await asyncio.sleep(QUIET)

    async def close(self) -> None:
        await self.client.disconnect()
