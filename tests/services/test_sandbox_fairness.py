"""Fair under load (review M1): teams take turns, one person cannot hold the sandbox, the same
answer is graded once; and interviews fail closed where no sandbox exists."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.domain.values import UserError
from bot.questions.bank import QuestionBank
from bot.sandbox import FairQueue, SandboxBusy
from bot.services.container import Core, build_core
from interview_bot.config import Settings
from tests.support.builders import where

CODE_PACK = Path(__file__).parents[1] / "data" / "code_pack"


async def test_teams_take_turns_and_a_person_waits_behind_their_own_run() -> None:
    q = FairQueue(slots=1, per_person=5)
    started: list[str] = []
    gates = {name: asyncio.Event() for name in ("a1", "a2", "a3", "b1")}

    async def job(name: str, team: str, person: str) -> None:
        async with q.turn(team, person):
            started.append(name)
            await gates[name].wait()

    tasks = [
        asyncio.create_task(job(n, t, p))
        for n, t, p in (
            ("a1", "A", "ann"),
            ("a2", "A", "ann"),
            ("a3", "A", "ann"),
            ("b1", "B", "bob"),
        )
    ]
    for _ in range(3):
        await asyncio.sleep(0)
    assert started == ["a1"]
    gates["a1"].set()
    await asyncio.sleep(0)
    for _ in range(3):
        await asyncio.sleep(0)
    assert started == ["a1", "b1"]  # team B's one run goes before team A's second
    for g in gates.values():
        g.set()
    await asyncio.gather(*tasks)
    assert started == ["a1", "b1", "a2", "a3"]


async def test_too_many_waiting_runs_are_refused_with_a_clear_message() -> None:
    q = FairQueue(slots=1, per_person=2)
    hold = asyncio.Event()

    async def job() -> None:
        async with q.turn("A", "ann"):
            await hold.wait()

    tasks = [asyncio.create_task(job()) for _ in range(2)]
    await asyncio.sleep(0)
    with pytest.raises(SandboxBusy, match="already have 2 code answers being graded"):
        async with q.turn("A", "ann"):
            pass
    async with asyncio.timeout(5):  # someone else is not refused, only queued
        other = asyncio.create_task(job_for(q, "A", "carl"))
        await asyncio.sleep(0)
        hold.set()
        await asyncio.gather(*tasks, other)


async def job_for(q: FairQueue, team: str, person: str) -> str:
    async with q.turn(team, person):
        return person


async def test_a_cancelled_wait_gives_its_place_back() -> None:
    q = FairQueue(slots=1)
    hold = asyncio.Event()

    async def holder() -> None:
        async with q.turn("A", "ann"):
            await hold.wait()

    h = asyncio.create_task(holder())
    await asyncio.sleep(0)
    waiting = asyncio.create_task(job_for(q, "B", "bob"))
    await asyncio.sleep(0)
    waiting.cancel()
    await asyncio.sleep(0)
    hold.set()
    await h
    assert await job_for(q, "C", "cy") == "cy"
    assert q.waiting == 0


@pytest.fixture
async def code_core(tmp_path: Path) -> AsyncIterator[Core]:
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",  # type: ignore[call-arg]
        questions_dir=CODE_PACK,
        semantic_grading=False,
    )
    c = await build_core(
        settings, clock=FakeClock(), bank=QuestionBank.from_dir(CODE_PACK), rng=random.Random(3)
    )
    yield c
    await c.close()


@pytest.fixture
async def no_sandbox_core(tmp_path: Path) -> AsyncIterator[Core]:
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",  # type: ignore[call-arg]
        questions_dir=CODE_PACK,
        semantic_grading=False,
        sandbox_bwrap="/nonexistent/bwrap",
    )
    c = await build_core(
        settings, clock=FakeClock(), bank=QuestionBank.from_dir(CODE_PACK), rng=random.Random(3)
    )
    yield c
    await c.close()


async def test_concurrent_submits_of_one_question_are_graded_once(code_core: Core) -> None:
    w = where("ann", team="t1")
    await code_core.interviews.start(w, "coding", difficulty=2, count=1)
    session = await code_core.interviews.current(w)
    assert session is not None
    bank = await code_core.banks.for_team("test", "t1")
    q = bank.get("ct-double")
    assert q is not None and q.code is not None
    results = await asyncio.gather(
        *(code_core.interviews.answer(w, q.code.solution) for _ in range(6)), return_exceptions=True
    )
    ok = [r for r in results if not isinstance(r, BaseException)]
    refused = [str(r) for r in results if isinstance(r, UserError)]
    assert len(ok) == 1 and ok[0].cards[0].title.startswith("Right")
    assert len(refused) == 5
    assert all(
        "being graded" in m or "already answered" in m or "no interview" in m for m in refused
    ), refused
    rows = await code_core.store.context_answers("test", "t1", f"interview:{session.id}")
    assert [r.question_id for r in rows] == ["ct-double"]


async def test_without_a_sandbox_code_questions_are_not_asked(no_sandbox_core: Core) -> None:
    w = where("ann")
    with pytest.raises(UserError, match="Code questions are off on this server"):
        await no_sandbox_core.interviews.start(w, "coding", difficulty=2)
    reply = await no_sandbox_core.interviews.start(w, "coding", count=2)
    assert "1 question(s) (only 1 match" in reply.cards[0].text
    assert all("double" not in c.text for c in reply.cards)
