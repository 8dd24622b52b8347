"""Conversation locks that last as long as the turn holding them.

Rasa keeps one conversation's turns in order with a ticket lock (in memory, or in Redis when
several servers share the conversations). Each ticket expires after a fixed lifetime, 60 s by
default, so that a server that dies holding one does not block its conversation for ever. But an
action call may take up to 300 s before Rasa gives up on it: a slow turn's ticket expired under
it, the next turn of the conversation went ahead, and the two turns' saves overlapped.

Here a ticket is renewed every third of its lifetime for as long as its turn is waiting or
running, and only then. A turn therefore holds its conversation however long its actions take,
and a server that dies still frees the conversation within one lifetime.

endpoints.yml names `extensions.locks.CoachInMemoryLockStore`; deploy/endpoints.yml names
`extensions.locks.CoachRedisLockStore` with Redis's settings.
"""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

# A waiting turn looks at the lock this often (Rasa's default is once a second).
WAIT_SECONDS = 0.1
# Renew a ticket when this fraction of its lifetime has passed.
RENEW_AFTER = 1 / 3


class RenewedTickets(LockStore):
    """A lock store whose tickets live while their turn does (mixed into a concrete store)."""

    @asynccontextmanager
    async def lock(
        self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = WAIT_SECONDS
    ) -> AsyncGenerator[TicketLock, None]:
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        renewing = asyncio.ensure_future(self._keep_renewing(conversation_id, ticket, lock_lifetime))
        try:
            yield await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
        finally:
            renewing.cancel()
            self.cleanup(conversation_id, ticket)

    async def _keep_renewing(self, conversation_id: Text, ticket: int, lifetime: float) -> None:
        while True:
            await asyncio.sleep(lifetime * RENEW_AFTER)
            try:
                self.renew(conversation_id, ticket, lifetime)
            except Exception as error:  # noqa: BLE001  (the turn goes on; the next renewal tries again)
                logger.warning("could not renew the lock of conversation %s: %s", conversation_id, error)

    def renew(self, conversation_id: Text, number: int, lifetime: float) -> bool:
        """Moves ticket `number`'s expiry to `lifetime` from now; False if it is gone."""
        lock = self.get_lock(conversation_id)
        ticket = next((t for t in lock.tickets if t.number == number), None) if lock else None
        if ticket is None or ticket.has_expired():  # an expired ticket is not brought back
            return False
        ticket.expires = time.time() + lifetime
        self.save_lock(lock)
        return True


class CoachInMemoryLockStore(RenewedTickets, InMemoryLockStore):
    """Rasa's in-memory lock store (one server process), with renewed tickets."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None) -> None:
        super().__init__()


class CoachRedisLockStore(RenewedTickets, RedisLockStore):
    """Rasa's Redis lock store (servers sharing conversations), with renewed tickets."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {**endpoint_config.kwargs, **kwargs}
            if endpoint_config.url:
                kwargs.setdefault("host", endpoint_config.url)
        super().__init__(**kwargs)
