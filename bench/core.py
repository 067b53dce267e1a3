"""Answers per second through the core services on SQLite, against raw aiosqlite inserts.

N users answer at once, each going through the open quiz rounds of N channels one after
another, through the real services (grading, points, the store's group commit and running
totals). The baseline inserts and commits one row at a time with the same SQLite settings
(WAL, synchronous=NORMAL) in the same run, alternating with the services so a noisy moment
hits both; the medians are compared.
Usage: python bench/core.py [--users 1000] [--channels 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiosqlite

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.clock import FakeClock
from bot.domain.questions import Kind
from bot.domain.values import Where
from bot.services.container import build_core
from interview_bot.config import Settings


async def service_rate(folder: Path, users: int, channels: int) -> float:
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{folder / 'svc.db'}",  # type: ignore[call-arg]
        quiz_seconds=3600,
    )
    clock = FakeClock()
    core = await build_core(settings, clock=clock, rng=random.Random(1))
    try:
        rounds = []
        for c in range(channels):
            reply = await core.quizzes.start(Where("bench", "team", f"c{c}", "host"))
            rounds.append(reply.cards[0].action.split(":")[1])
        bank = await core.banks.for_team("bench", "team")
        choices = {}
        for rid in rounds:
            rnd = await core.store.get_round("bench", "team", rid)
            assert rnd is not None
            q = bank.get(rnd.question_id)
            assert q is not None
            choices[rid] = "A" if q.kind is Kind.CHOICE else (q.accepted[0] if q.accepted else "x")
        order = random.Random(2)

        async def user(u: int) -> None:
            """One person: answers every open round, in their own order, one at a time."""
            who = Where("bench", "team", "c", f"u{u}", f"user {u}")
            mine = list(rounds)
            order.shuffle(mine)
            for rid in mine:
                await core.quizzes.answer(who, rid, choices[rid])

        t0 = time.perf_counter()
        await asyncio.gather(*(user(u) for u in range(users)))
        elapsed = time.perf_counter() - t0
        top = await core.store.top("bench", "team", "team", "all", 1)
        assert top and top[0].answers == channels, "every answer counted once"
        return users * channels / elapsed
    finally:
        await core.close()


async def raw_rate(folder: Path, n: int) -> float:
    db = await aiosqlite.connect(folder / "raw.db")
    await db.execute("PRAGMA journal_mode=WAL")
    await db.execute("PRAGMA synchronous=NORMAL")
    await db.execute(
        "CREATE TABLE t (user_id TEXT, context TEXT, answer TEXT, points INTEGER, "
        "answered_ms INTEGER, PRIMARY KEY (user_id, context))"
    )
    await db.commit()
    t0 = time.perf_counter()
    for i in range(n):
        await db.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)", (f"u{i}", "ctx", "A", 10, i))
        await db.commit()
    elapsed = time.perf_counter() - t0
    await db.close()
    return n / elapsed


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=1000)
    ap.add_argument("--channels", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    raws, svcs = [], []
    for i in range(args.repeat):  # alternate, so a noisy moment hits both sides
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            raws.append(await raw_rate(folder, args.users * args.channels))
            svcs.append(await service_rate(folder, args.users, args.channels))
        print(f"run {i + 1}: services {svcs[-1]:,.0f}/s, raw {raws[-1]:,.0f}/s", flush=True)
    raw, svc = statistics.median(raws), statistics.median(svcs)
    print(f"medians of {args.repeat} runs each:")
    print(
        f"answers through the services: {svc:,.0f}/s "
        f"({args.users} users at once, each answering {args.channels} rounds)"
    )
    print(f"raw aiosqlite insert+commit:  {raw:,.0f}/s")
    print(f"ratio: {svc / raw:.2f} (target >= 0.5; and >= 3,000 answers/s)")
    print(
        json.dumps(
            {
                "answers_per_s": round(svc, 1),
                "raw_inserts_per_s": round(raw, 1),
                "ratio": round(svc / raw, 3),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
