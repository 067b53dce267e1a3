"""/forget-me, /my-data and a team's purge on a big team (SQLite; PostgreSQL too with
BENCH_DATABASE_URL, whose tables are emptied first: point it at a throwaway database).

Fills one team with USERS players and ANSWERS answers through the store's own insert (the
answer triggers keep totals and streaks), a second team with a tenth of that, then times
`person_rows` and `forget_person` for one player, and `purge_team` for the big team. While
/forget-me runs, answers of that store wait (one writer), so its time is how long they wait.
Usage: python bench/privacy.py [--users 20000] [--answers 200000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.domain.records import AnswerRow
from bot.store import Store, open_store

P, BIG, SMALL = "bench", "big", "small"


def answer(team: str, user: int, i: int, rng: random.Random) -> AnswerRow:
    day = 1 + i % 28
    correct = rng.random() < 0.6
    return AnswerRow(
        platform=P,
        team=team,
        user_id=f"u{user:06d}",
        context=f"quiz:r{i // 20}",
        question_id=f"q{i % 300}",
        source="quiz",
        channel=f"c{i % 10}",
        topic=("python", "web", "git")[i % 3],
        display_name=f"U{user}",
        answer="some answer",
        score=1.0 if correct else 0.0,
        verdict="right" if correct else "wrong",
        correct=correct,
        first_correct=False,
        points=15 if correct else 0,
        ranked=True,
        elapsed_ms=1000,
        answered_ms=1_767_000_000_000 + i,
        day=f"2026-01-{day:02d}",
        week=f"2026-W0{1 + day // 7}",
        month="2026-01",
        feedback="",
        right_points=(),
        missing_points=(),
    )


async def fill(store: Store, users: int, answers: int) -> None:
    rng = random.Random(7)
    batch: list[Any] = []
    for team, n in ((BIG, answers), (SMALL, answers // 10)):
        for i in range(n):
            user = 0 if i % 50 == 0 else rng.randrange(users)  # u000000 plays a lot
            batch.append(store.record_answer(answer(team, user, i, rng)))
            if len(batch) == 500:
                await asyncio.gather(*batch)
                batch.clear()
    await asyncio.gather(*batch)


async def timed(label: str, fn: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    got = await fn
    dt = time.perf_counter() - t0
    print(f"  {label:<32} {dt * 1000:9.1f} ms")
    return dt, got


async def run(url: str, users: int, answers: int) -> dict[str, Any]:
    store = open_store(url)
    await store.connect()
    try:
        t0 = time.perf_counter()
        await fill(store, users, answers)
        print(
            f"{url.split(':')[0]}: filled {answers:,} + {answers // 10:,} answers in "
            f"{time.perf_counter() - t0:.0f} s"
        )
        mine, rows = await timed("person_rows (my-data)", store.person_rows(P, BIG, "u000000"))
        forget, touched = await timed("forget_person", store.forget_person(P, BIG, "u000000"))
        await store.mark_team_removed(P, BIG, 0, 0)
        purge, deleted = await timed("purge_team", store.purge_team(P, BIG, 1))
        left = await store.top(P, SMALL, "team", "all", 1)
        assert left, "the other team must be untouched"
        return {
            "backend": url.split(":")[0],
            "answers": answers,
            "users": users,
            "person_answers": len(rows["answers"]),
            "my_data_ms": round(mine * 1000, 1),
            "forget_me_ms": round(forget * 1000, 1),
            "forget_me_rows": sum(touched.values()),
            "purge_ms": round(purge * 1000, 1),
            "purge_rows": sum((deleted or {}).values()),
        }
    finally:
        await store.close()


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=20_000)
    ap.add_argument("--answers", type=int, default=200_000)
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(await run(f"sqlite:///{tmp}/bench.db", args.users, args.answers))
    pg = os.environ.get("BENCH_DATABASE_URL")
    if pg:
        import asyncpg

        from bot.store.rows import TABLES

        con = await asyncpg.connect(pg)
        try:
            await con.execute("DROP TABLE IF EXISTS schema_version, " + ", ".join(TABLES))
        finally:
            await con.close()
        results.append(await run(pg, args.users, args.answers))
    print(json.dumps({"bench": "privacy", "results": results}))


if __name__ == "__main__":
    asyncio.run(main())
