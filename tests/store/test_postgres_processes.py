"""Several instances on one PostgreSQL: two real processes serve the same team at once.

Each process builds the whole core (`bot.services.container.build_core`) from DATABASE_URL,
waits at a
barrier (a line on stdin, no sleeping), then answers the same quiz round for overlapping
users and claims the same daily post several times, all concurrently.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FakeClock, to_ms
from bot.domain.questions import Kind
from bot.domain.records import Schedule
from bot.domain.values import Where
from bot.services.container import build_core
from bot.store import open_store
from bot.store.migrations import load_migrations
from interview_bot.config import Settings
from tests.support.packs import TEST_PACKS

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

WORKER = r'''
"""One bot process: answers and daily posts, after the parent says go."""
import asyncio, json, sys
from datetime import datetime

from bot.clock import FakeClock
from bot.domain.records import Schedule
from bot.domain.values import UserError, Where
from bot.services.container import build_core
from interview_bot.config import Settings


class Poster:
    def __init__(self):
        self.posts = []

    async def post(self, target, card):
        self.posts.append(card.title)
        return f"msg-{len(self.posts)}"

    async def edit(self, target, ref, card):
        pass


async def main():
    job = json.loads(sys.argv[1])
    settings = Settings(_env_file=None, questions_dir=job["packs"])  # DATABASE_URL from env
    core = await build_core(settings, clock=FakeClock(datetime.fromisoformat(job["now"])))
    poster = Poster()
    core.outbox.register("test", poster)
    # open the pool's connections now, so the answers below really run side by side
    await asyncio.gather(*(core.store.seen("test", "t1", "warm") for _ in range(20)))
    print("ready", flush=True)
    sys.stdin.readline()  # the barrier: both processes go together

    async def answer(user, text):
        try:
            await core.quizzes.answer(Where("test", "t1", "c1", user, user.upper()),
                                      job["round"], text)
            return "stored"
        except UserError as e:
            return "refused: " + str(e)

    schedule = Schedule(**job["schedule"])
    fire = datetime.fromisoformat(job["now"])
    got = await asyncio.gather(*(answer(u, t) for u, t in job["answers"]),
                               *(core.daily.run_post(schedule, fire) for _ in range(6)))
    n = len(job["answers"])
    print(json.dumps({"answers": got[:n], "posted": got[n:], "posts": poster.posts}),
          flush=True)
    await core.close()


asyncio.run(main())
'''


async def _spawn(script: Path, job: dict[str, Any], url: str) -> asyncio.subprocess.Process:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT), "LOG_LEVEL": "ERROR"}
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(script),
        json.dumps(job),
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _line(proc: asyncio.subprocess.Process) -> str:
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), 60)
    if not line:
        err = await proc.stderr.read() if proc.stderr else b""
        raise AssertionError(f"worker exited: {err.decode()[-3000:]}")
    return line.decode().strip()


async def test_two_processes_answer_and_post_once(pg_url: str, tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,
        database_url=pg_url,  # type: ignore[call-arg]
        questions_dir=TEST_PACKS,
    )
    core = await build_core(settings, clock=FakeClock(NOW))
    try:
        reply = await core.quizzes.start(Where("test", "t1", "c1", "host", "Host"), "web")
        round_id = reply.cards[0].action.removeprefix("quiz:")
        rnd = await core.store.get_round("test", "t1", round_id)
        assert rnd is not None
        q = core.banks.base.get(rnd.question_id)
        assert q is not None and q.kind is Kind.CHOICE
        # by text: choices are shown in an order of the round's own
        right = next(c.text for c in q.choices if c.correct)
        wrong = next(c.text for c in q.choices if not c.correct)
    finally:
        await core.close()

    def answers(users: range) -> list[tuple[str, str]]:
        return [(f"u{i:02d}", wrong if i % 4 == 0 else right) for i in users]

    schedule = Schedule(
        "test",
        "t1",
        "c2",
        "09:00",
        "UTC",
        "mon,tue,wed,thu,fri",
        None,
        None,
        None,
        None,
        None,
        "active",
        "",
        to_ms(NOW),
    )
    base = {
        "packs": str(TEST_PACKS),
        "now": NOW.isoformat(),
        "round": round_id,
        "schedule": asdict(schedule),
    }
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    # u10..u19 answer from both processes at once: a repeated delivery across instances
    procs = [
        await _spawn(script, {**base, "answers": answers(range(0, 20))}, pg_url),
        await _spawn(script, {**base, "answers": answers(range(10, 30))}, pg_url),
    ]
    try:
        assert [await _line(p) for p in procs] == ["ready", "ready"]
        for p in procs:
            assert p.stdin is not None
            p.stdin.write(b"go\n")
            await p.stdin.drain()
        results = [json.loads(await _line(p)) for p in procs]
        for p in procs:
            assert await asyncio.wait_for(p.wait(), 60) == 0
    finally:
        for p in procs:
            if p.returncode is None:
                p.kill()
                await p.wait()

    stored = [a for r in results for a in r["answers"] if a == "stored"]
    refused = [a for r in results for a in r["answers"] if a != "stored"]
    assert len(stored) == 30  # every user once
    assert len(refused) == 10 and all("already answered" in a for a in refused)
    assert sum(p for r in results for p in r["posted"]) == 1  # one daily post
    posts = [t for r in results for t in r["posts"]]
    assert len(posts) == 1 and posts[0].startswith("Daily question")

    store = open_store(pg_url)
    await store.connect()
    try:
        rows = await store.context_answers("test", "t1", f"quiz:{round_id}")
        assert sorted(a.user_id for a in rows) == [f"u{i:02d}" for i in range(30)]
        firsts = [a for a in rows if a.first_correct]
        assert len(firsts) == 1 and firsts[0].correct
        top = await store.top("test", "t1", "team", "all", 100)
        assert len(top) == 30 and all(r.answers == 1 for r in top)
        assert sum(r.correct for r in top) == len([i for i in range(30) if i % 4])
        daily = await store.rounds_between("test", "t1", "c2", "daily", 0, 10**15)
        assert len(daily) == 1 and daily[0].message_ref == "msg-1"
        assert not await store.claim_daily("test", "t1", "c2", "post", "2026-01-05", 10**15, 1)
    finally:
        await store.close()


async def test_processes_starting_together_migrate_once(pg_url: str) -> None:
    """Several stores connecting at once to an empty schema: each migration runs once."""
    stores = [open_store(pg_url) for _ in range(6)]
    await asyncio.gather(*(s.connect() for s in stores))
    latest = max(v for v, _, _ in load_migrations("postgres"))
    try:
        assert {await s.schema_version() for s in stores} == {latest}
        pool = stores[0].pool  # type: ignore[attr-defined]
        assert await pool.fetchval("SELECT COUNT(*) FROM schema_version") == len(
            load_migrations("postgres")
        )
    finally:
        for s in stores:
            await s.close()


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_open_store_picks_postgres_for_its_urls(scheme: str) -> None:
    from bot.store.postgres import PostgresStore

    store = open_store(f"{scheme}://bot@127.0.0.1:5432/bot")
    assert isinstance(store, PostgresStore)
