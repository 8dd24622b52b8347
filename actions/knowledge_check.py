"""Checks the knowledge database when the actions start, and says plainly if it is unusable.

The action server (`python -m actions`) calls it once at start, the in-process actions
(extensions/inprocess_actions.py) before their first question; importing it does nothing. An
unusable database does not stop the server: each question is answered with an apology (the
channel's) until the database is built, and the first question after that is answered as usual,
with no restart, because the store is opened again until it opens.
"""

from __future__ import annotations

import logging

from actions.store import store
from knowledge.queries import KnowledgeUnavailable

logger = logging.getLogger(__name__)


def check_knowledge() -> bool:
    """Logs whether the knowledge store can answer; True when it can."""
    try:
        counts = store().fact_counts()
    except KnowledgeUnavailable as error:
        logger.error("knowledge: %s. Until then every question gets an apology.", error)
        return False
    logger.info("knowledge: %d facts in %d topics", sum(counts.values()), len(counts))
    return True
