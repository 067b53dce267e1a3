"""Every service test that builds a core runs on both stores: SQLite, and PostgreSQL when
TEST_DATABASE_URL names a server (otherwise that run is skipped)."""

from __future__ import annotations

import pytest

from tests.support.postgres import BACKENDS


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param != "sqlite" and request.node.get_closest_marker("sqlite_only"):
        pytest.skip("a test of SQLite itself")
    return str(request.param)
