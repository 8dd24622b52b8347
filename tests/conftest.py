"""Shared fixtures: a knowledge database built from the real files into a temporary folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SEEDS_DIR", str(ROOT.parent / "shared" / "seeds"))


@pytest.fixture(scope="session")
def knowledge_url(tmp_path_factory) -> str:
    """A SQLite knowledge store built from knowledge/, used by every test that reads facts."""
    from knowledge.loader import build

    url = f"sqlite:///{tmp_path_factory.mktemp('knowledge') / 'knowledge.db'}"
    build(url)
    return url


@pytest.fixture(scope="session")
def knowledge_store(knowledge_url):
    from knowledge.queries import open_store

    return open_store(knowledge_url)


@pytest.fixture(scope="session", autouse=False)
def action_store(knowledge_url):
    """Points the action server's store at the test database."""
    from actions import store as store_module

    os.environ["KNOWLEDGE_DB_URL"] = knowledge_url
    store_module.store.cache_clear()
    yield store_module.store()
    store_module.store.cache_clear()
