"""The running coach for end-to-end tests: both servers started once per test run."""

from __future__ import annotations

import pytest

from tests.servers import Coach, Servers, get, post  # noqa: F401  (tests import these from here)


@pytest.fixture(scope="session")
def servers(tmp_path_factory, knowledge_url):
    """Both servers with the project's own credentials.yml, shared by the tests of a run."""
    running = Servers(tmp_path_factory.mktemp("servers"), knowledge_url)
    try:
        yield running.start()
    finally:
        running.stop()


@pytest.fixture(scope="session")
def coach(servers) -> Coach:
    return servers.coach
