"""Fresh schemas on the test PostgreSQL server (TEST_DATABASE_URL), one per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

BACKENDS = ("sqlite", "postgres")  # the stores every service and contract test runs on
PG_SKIP_REASON = "set TEST_DATABASE_URL to run the PostgreSQL tests"


def pg_test_url() -> str | None:
    """The test server's URL (`.ci/postgres.sh start` prints it), or None."""
    return os.environ.get("TEST_DATABASE_URL") or None


async def create_pg_schema(base_url: str) -> tuple[str, str]:
    """A new, uniquely named, empty schema; returns (schema, URL whose connections use it).

    asyncpg passes unknown URL query parameters as server settings, so `?search_path=` makes
    every connection of any pool opened from that URL (in any process) work in the schema.
    """
    import asyncpg

    schema = f"t_{uuid.uuid4().hex[:16]}"
    con = await asyncpg.connect(base_url)
    try:
        await con.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await con.close()
    sep = "&" if "?" in base_url else "?"
    return schema, f"{base_url}{sep}search_path={schema}"


async def drop_pg_schema(base_url: str, schema: str) -> None:
    import asyncpg

    con = await asyncpg.connect(base_url)
    try:
        await con.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await con.close()


@asynccontextmanager
async def fresh_pg_schema() -> AsyncIterator[str]:
    """A URL to a fresh empty schema on the test PostgreSQL, dropped after (skip without one)."""
    base = pg_test_url()
    if base is None:
        pytest.skip(PG_SKIP_REASON)
    schema, url = await create_pg_schema(base)
    try:
        yield url
    finally:
        await drop_pg_schema(base, schema)
