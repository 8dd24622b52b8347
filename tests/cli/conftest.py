"""`make ask` is tried against the same running coach as the end-to-end tests."""

from tests.e2e.conftest import servers  # noqa: F401  (both servers, the project's credentials)
