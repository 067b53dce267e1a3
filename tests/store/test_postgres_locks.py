"""PostgreSQL interleavings forced with row locks: the order a race would need, made certain.

A third connection holds a lock so one answer stops half-way through its transaction; the
test waits (by asking pg_stat_activity, not by sleeping) until the other party has either
finished or is waiting too, then lets go.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.store.postgres import PostgresStore
from tests.support.builders import P, T
from tests.support.builders import answer_row as ans
from tests.support.builders import round_ as rnd


@pytest.fixture
async def store(pg_url: str) -> AsyncIterator[PostgresStore]:
    s = PostgresStore(pg_url)
    await s.connect()
    yield s
    await s.close()


async def _until_blocked_or_done(
    store: PostgresStore, task: asyncio.Task[Any], waiting: int
) -> None:
    """Until `task` is done or `waiting` backends of this database wait on a lock."""
    for _ in range(10_000):
        if task.done():
            return
        n = await store.pool.fetchval(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"
        )
        if n >= waiting:
            return
    raise AssertionError("nothing happened")


async def test_close_waits_for_an_answer_in_flight(store: PostgresStore) -> None:
    """An answer that passed the open-round check is in the reveal of whoever closes."""
    await store.open_round(rnd("r1"))
    await store.record_answer(ans("u1", "quiz:r0"))  # u1's totals rows exist
    blocker = await store.pool.acquire()
    tx = blocker.transaction()
    await tx.start()
    await blocker.execute("SELECT 1 FROM totals WHERE user_id = 'u1' FOR UPDATE")
    answer = asyncio.create_task(store.record_answer(ans("u1", "quiz:r1")))
    await _until_blocked_or_done(store, answer, 1)  # inserted, waiting for its totals

    async def close_and_reveal() -> list[str]:
        assert await store.close_round(P, T, "r1", 9_000)
        return [a.user_id for a in await store.context_answers(P, T, "quiz:r1")]

    close = asyncio.create_task(close_and_reveal())
    await _until_blocked_or_done(store, close, 2)
    await tx.rollback()
    await store.pool.release(blocker)
    recorded, revealed = await answer, await close
    assert recorded.inserted
    assert revealed == ["u1"]


async def test_an_answer_after_the_close_is_refused(store: PostgresStore) -> None:
    """An answer waiting on a close in flight sees the round closed once the close commits."""
    await store.open_round(rnd("r1"))
    blocker = await store.pool.acquire()
    tx = blocker.transaction()
    await tx.start()
    await blocker.execute("UPDATE rounds SET closed_ms = 1 WHERE id = 'r1'")  # a close, in flight
    answer = asyncio.create_task(store.record_answer(ans("u1", "quiz:r1")))
    await _until_blocked_or_done(store, answer, 1)
    await tx.commit()
    await store.pool.release(blocker)
    assert not (await answer).inserted
    assert await store.context_answers(P, T, "quiz:r1") == []
    assert await store.top(P, T, "team", "all", 10) == []


async def test_a_racing_right_answer_waits_and_is_not_first(store: PostgresStore) -> None:
    """Two right answers, the first not yet committed: the second is stored, not first."""
    await store.record_answer(ans("u1", "quiz:r0"))  # u1's totals rows exist
    blocker = await store.pool.acquire()
    tx = blocker.transaction()
    await tx.start()
    await blocker.execute("SELECT 1 FROM totals WHERE user_id = 'u1' FOR UPDATE")
    first = asyncio.create_task(store.record_answer(ans("u1", "quiz:r1")))
    await _until_blocked_or_done(store, first, 1)
    second = asyncio.create_task(store.record_answer(ans("u2", "quiz:r1")))
    await _until_blocked_or_done(store, second, 2)  # waits on u1's uncommitted first answer
    await tx.rollback()
    await store.pool.release(blocker)
    a, b = await first, await second
    assert (a.inserted, a.first_correct) == (True, True)
    assert (b.inserted, b.first_correct) == (True, False)
