"""Rasa's SQL tracker store, with connections checked before use.

After the database restarts, every pooled connection is dead. Rasa's own SQL tracker store
would fail once per dead connection (each Rasa server's next turn gets a 503, and the HTTP
API's next read an empty conversation); checking a connection before handing it out
(SQLAlchemy's pool pre-ping, one `SELECT 1`) replaces a dead one instead.
deploy/endpoints.yml names it: `type: channels.tracker_store.PrePingSQLTrackerStore`.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs


class PrePingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose pool replaces connections the database has closed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
