"""The action server's one knowledge store and vocabulary, opened once and shared."""

from __future__ import annotations

from functools import lru_cache

from knowledge.queries import KnowledgeStore, open_store
from knowledge.vocabulary import Vocabulary
from knowledge.vocabulary import vocabulary as _vocabulary


@lru_cache(maxsize=1)
def store() -> KnowledgeStore:
    """The knowledge store at $KNOWLEDGE_DB_URL (or build/knowledge.db), checked to hold facts."""
    return open_store()


def vocabulary() -> Vocabulary:
    return _vocabulary()
