"""A dropped PostgreSQL connection: retried on a fresh one; past that a clear message, and
nothing half-written."""

from __future__ import annotations

import asyncpg
import pytest

from bot.clock import FakeClock
from bot.store import postgres
from bot.store.errors import StoreBusy
from bot.store.postgres import PostgresStore
from tests.support.builders import answer_at as row


async def kill_other_connections(url: str) -> int:
    con = await asyncpg.connect(url)
    try:
        return int(
            await con.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend'"
            )
        )
    finally:
        await con.close()


async def test_a_dropped_connection_is_retried(pg_url: str, clock: FakeClock) -> None:
    store = PostgresStore.from_url(pg_url)
    await store.connect()
    try:
        await store.record_answer(row("ann", 10, clock.now()))
        assert await kill_other_connections(pg_url) >= 1  # the pool's connections are gone
        got = await store.record_answer(row("bob", 5, clock.now()))
        assert got.inserted
        top = await store.top("test", "t1", "team", "all", 10)
        assert [(r.user_id, r.points) for r in top] == [("ann", 10), ("bob", 5)]
    finally:
        await store.close()


async def test_a_lost_database_gives_a_clear_message_and_writes_nothing(
    pg_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = PostgresStore.from_url(pg_url)
    await store.connect()
    monkeypatch.setattr(postgres, "_RETRY_DELAY", 0.0)
    calls = 0
    real_tx = store._tx

    def lost_tx():  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        raise asyncpg.ConnectionDoesNotExistError("connection was closed in the middle")

    try:
        monkeypatch.setattr(store, "_tx", lost_tx)
        with pytest.raises(StoreBusy, match="nothing was saved"):
            await store.record_answer(row("ann", 10, clock.now()))
        assert calls == postgres._CONNECTION_RETRIES
        monkeypatch.setattr(store, "_tx", real_tx)
        assert await store.top("test", "t1", "team", "all", 10) == []
    finally:
        await store.close()
