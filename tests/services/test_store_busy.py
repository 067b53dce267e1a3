"""Another process holding the SQLite file: waited for, then a clear message; never half-written."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import threading
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.questions.bank import QuestionBank
from bot.services.container import build_core
from bot.store.errors import StoreBusy
from bot.store.sqlite import SQLiteStore
from interview_bot.config import Settings
from tests.support.builders import where

pytestmark = pytest.mark.sqlite_only  # about the SQLite file lock itself


async def busy_core(
    settings: Settings, clock: FakeClock, bank: QuestionBank, db_path: Path, timeout_ms: int
):  # type: ignore[no-untyped-def]
    store = SQLiteStore(db_path, busy_timeout_ms=timeout_ms)
    return await build_core(settings, clock=clock, bank=bank, store=store, rng=random.Random(3))


def lock(db_path: Path) -> sqlite3.Connection:
    """Another process takes the write lock and keeps it."""
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    return other


async def test_a_locked_database_gives_a_clear_message_and_writes_nothing(
    settings: Settings, clock: FakeClock, bank: QuestionBank, db_path: Path
) -> None:
    core = await busy_core(settings, clock, bank, db_path, timeout_ms=50)
    try:
        reply = await core.quizzes.start(where("ann"), "web")
        rid = reply.cards[0].action.split(":")[1]
        await core.interviews.start(where("bob"), "python", count=2)
        other = lock(db_path)
        with pytest.raises(StoreBusy, match="nothing was saved"):
            await core.quizzes.answer(where("cat"), rid, "404")
        with pytest.raises(StoreBusy):
            await core.interviews.answer(where("bob"), "a generator yields values lazily")
        other.execute("ROLLBACK")
        other.close()
        assert await core.store.context_answers("test", "t1", f"quiz:{rid}") == []
        session = await core.interviews.current(where("bob"))
        assert session is not None and session.position == 0  # not moved on without its answer
        ok = await core.quizzes.answer(where("cat"), rid, "404")  # and it works again
        assert ok.cards[0].title == "Right!"
    finally:
        await core.close()


async def test_a_short_lock_is_waited_out(
    settings: Settings, clock: FakeClock, bank: QuestionBank, db_path: Path
) -> None:
    core = await busy_core(settings, clock, bank, db_path, timeout_ms=5000)
    try:
        rid = (await core.quizzes.start(where("ann"), "web")).cards[0].action.split(":")[1]
        begun: list[str] = []  # the write transactions the store began, and its inserts
        writing = threading.Event()

        def trace(sql: str) -> None:
            if sql.startswith(("BEGIN IMMEDIATE", "INSERT INTO answers")):
                begun.append(sql.split(" (")[0])
                writing.set()

        assert isinstance(core.store, SQLiteStore)
        await core.store.db.set_trace_callback(trace)
        other = lock(db_path)
        answering = asyncio.ensure_future(core.quizzes.answer(where("cat"), rid, "404"))
        assert await asyncio.to_thread(writing.wait, 5)  # begun while the lock is held
        other.execute("COMMIT")
        other.close()
        reply = await asyncio.wait_for(answering, 5)
        assert reply.cards[0].title == "Right!"
        # that one transaction waited, and was not tried again (the ability estimate's own
        # transaction comes after the answer's)
        assert begun[: begun.index("INSERT INTO answers") + 1] == [
            "BEGIN IMMEDIATE",
            "INSERT INTO answers",
        ]
    finally:
        await core.close()
