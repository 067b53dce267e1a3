"""Leaderboard reads at scale: top 10 plus the caller's rank, against a naive GROUP BY.

Fills a store with USERS users and ANSWERS answers (bulk-loaded, then the running totals
built exactly as the answer trigger would), then times, for every period and scope, the
store's read (top 10 + the caller's rank) and the naive query over the answers table.
SQLite always; PostgreSQL too when BENCH_DATABASE_URL (or TEST_DATABASE_URL) is set.
PostgreSQL's tables are emptied first: point BENCH_DATABASE_URL at a throwaway database.
Usage: python bench/leaderboard.py [--users 100000] [--answers 1000000] [--queries 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.domain.periods import local_keys, period_key
from bot.store import Store, open_store, sqlite_path

P, T = "bench", "team"
CHANNELS = [f"c{i}" for i in range(20)]
TOPICS = [
    "python",
    "web",
    "api",
    "databases",
    "django",
    "git",
    "practices",
    "testing",
    "performance",
    "coding",
]
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SCOPES = [("team", "team"), ("channel", "channel:c3"), ("topic", "topic:django")]
PERIODS = ["today", "week", "month", "all"]


def rows(users: int, answers: int, rng: random.Random):  # type: ignore[no-untyped-def]
    for i in range(answers):
        u = int(rng.paretovariate(1.2)) % users  # a few very active people, a long tail
        when = NOW - timedelta(minutes=rng.randrange(60 * 24 * 90))
        day, week, month = local_keys(when, "UTC")
        correct = rng.random() < 0.6
        yield (
            P,
            T,
            f"u{u:06d}",
            f"quiz:r{i // 50}",
            f"q{i % 300}",
            "quiz",
            rng.choice(CHANNELS),
            rng.choice(TOPICS),
            f"user {u}",
            "A",
            1.0 if correct else 0.0,
            "correct" if correct else "wrong",
            int(correct),
            0,
            10 + rng.randrange(6) if correct else 0,
            1,
            1000,
            int(when.timestamp() * 1000),
            day,
            week,
            month,
            "",
            "[]",
            "[]",
        )


COLS = (
    "platform, team, user_id, context, question_id, source, channel, topic, display_name, "
    "answer, score, verdict, correct, first_correct, points, ranked, elapsed_ms, "
    "answered_ms, day, week, month, feedback, right_points, missing_points"
)


async def fill_sqlite(path: str, users: int, answers: int) -> Store:
    import sqlite3

    store = open_store(f"sqlite:///{path}")
    await store.connect()  # migrations
    await store.close()
    con = sqlite3.connect(path)
    triggers = con.execute("SELECT name, sql FROM sqlite_master WHERE type='trigger'").fetchall()
    for name, _ in triggers:
        con.execute(f"DROP TRIGGER {name}")
    marks = ", ".join("?" * 24)
    con.executemany(
        f"INSERT INTO answers ({COLS}) VALUES ({marks})", rows(users, answers, random.Random(1))
    )
    for scope_sql in ("'team'", "'channel:' || channel", "'topic:' || topic"):
        for period_sql in ("'all'", "'day:' || day", "'week:' || week", "'month:' || month"):
            con.execute(
                "INSERT INTO totals (platform, team, scope, period, user_id, display_name, "
                "points, answers, correct, reached_ms) "
                f"SELECT platform, team, {scope_sql}, {period_sql}, user_id, MAX(display_name),"
                " SUM(points), COUNT(*), SUM(correct), MAX(answered_ms) FROM answers "
                "GROUP BY 1, 2, 3, 4, 5"
            )
    for _, sql in triggers:
        con.execute(sql)
    con.commit()
    con.execute("ANALYZE")
    con.close()
    store = open_store(f"sqlite:///{path}")
    await store.connect()
    return store


def naive_sql(scope: str, period: str, pkey: str) -> tuple[str, list[object]]:
    where = ["platform = ?", "team = ?", "ranked = 1"]
    args: list[object] = [P, T]
    if scope.startswith("channel:"):
        where.append("channel = ?")
        args.append(scope.split(":", 1)[1])
    elif scope.startswith("topic:"):
        where.append("topic = ?")
        args.append(scope.split(":", 1)[1])
    if period != "all":
        col, val = pkey.split(":", 1)
        where.append(f"{col} = ?")
        args.append(val)
    return (
        f"SELECT user_id, SUM(points) AS pts FROM answers WHERE {' AND '.join(where)} "
        "GROUP BY user_id ORDER BY pts DESC, user_id LIMIT 10",
        args,
    )


async def fill_postgres(url: str, users: int, answers: int) -> Store:
    import asyncpg

    store = open_store(url)
    await store.connect()  # migrations
    con = await asyncpg.connect(url)  # the bench's own connection: bulk load, then the store
    try:
        await con.execute("TRUNCATE answers, totals, streaks")
        # the totals are built below in one pass, as the answer trigger would have built them
        await con.execute("ALTER TABLE answers DISABLE TRIGGER USER")
        cols = [c.strip() for c in COLS.split(",")]
        batch: list[tuple[object, ...]] = []
        for r in rows(users, answers, random.Random(1)):
            batch.append(
                tuple(
                    bool(v) if c in ("correct", "first_correct", "ranked") else v
                    for c, v in zip(cols, r, strict=True)
                )
            )
            if len(batch) == 50_000:
                await con.copy_records_to_table("answers", records=batch, columns=cols)
                batch = []
        if batch:
            await con.copy_records_to_table("answers", records=batch, columns=cols)
        for scope_sql in ("'team'", "'channel:' || channel", "'topic:' || topic"):
            for period_sql in ("'all'", "'day:' || day", "'week:' || week", "'month:' || month"):
                await con.execute(
                    "INSERT INTO totals (platform, team, scope, period, user_id, display_name, "
                    "points, answers, correct, reached_ms) "
                    f"SELECT platform, team, {scope_sql}, {period_sql}, user_id, "
                    "MAX(display_name), SUM(points), COUNT(*), SUM(correct::int), "
                    "MAX(answered_ms) FROM answers "
                    "GROUP BY 1, 2, 3, 4, 5"
                )
        await con.execute("ALTER TABLE answers ENABLE TRIGGER USER")
        await con.execute("ANALYZE")
    finally:
        await con.close()
    return store


def to_pg(sql: str) -> str:
    n = 0
    out = ""
    for ch in sql:
        if ch == "?":
            n += 1
            out += f"${n}"
        else:
            out += ch
    return out.replace("ranked = 1", "ranked")


class Naive:
    """The baseline: a GROUP BY over the answers, on a connection of the bench's own."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.con: Any = None

    async def __aenter__(self) -> Naive:
        path = sqlite_path(self.url)
        if path is not None:
            import aiosqlite

            self.con = await aiosqlite.connect(path)
        else:
            import asyncpg

            self.con = await asyncpg.connect(self.url)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.con.close()

    async def query(self, sql: str, args: list[object]) -> None:
        if sqlite_path(self.url) is not None:
            await self.con.execute_fetchall(sql, args)
        else:
            await self.con.fetch(to_pg(sql), *args)


async def board_members(store: Store, users: int, scope: str, pkey: str) -> list[str]:
    return [r.user_id for r in await store.top(P, T, scope, pkey, users)]


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


async def measure(store: Store, url: str, users: int, queries: int, naive_queries: int) -> dict:
    rng = random.Random(2)
    worst = {"p50_ms": 0.0, "p99_ms": 0.0, "naive_p50_ms": 0.0, "naive_p99_ms": 0.0}
    for _, scope in SCOPES:
        for period in PERIODS:
            pkey = period_key(period, NOW, "UTC")
            fast: list[float] = []
            members = await board_members(store, users, scope, pkey) or ["nobody"]
            for i in range(queries):
                # callers on the board (their rank is counted), and some who are not
                me = rng.choice(members) if i % 4 else f"u{rng.randrange(users):06d}"
                t = time.perf_counter()
                await store.top(P, T, scope, pkey, 10)
                await store.rank_of(P, T, scope, pkey, me)
                fast.append((time.perf_counter() - t) * 1000)
            sql, args = naive_sql(scope, period, pkey)
            slow: list[float] = []
            async with Naive(url) as naive:
                for _ in range(naive_queries):
                    t = time.perf_counter()
                    await naive.query(sql, args)
                    slow.append((time.perf_counter() - t) * 1000)
            line = (
                f"  {scope:<14} {period:<6} top10+rank p50 {statistics.median(fast):6.2f} ms"
                f"  p99 {pct(fast, 0.99):6.2f} ms | naive p50 "
                f"{statistics.median(slow):8.1f} ms"
            )
            print(line, flush=True)
            worst["p50_ms"] = max(worst["p50_ms"], statistics.median(fast))
            worst["p99_ms"] = max(worst["p99_ms"], pct(fast, 0.99))
            worst["naive_p50_ms"] = max(worst["naive_p50_ms"], statistics.median(slow))
            worst["naive_p99_ms"] = max(worst["naive_p99_ms"], pct(slow, 0.99))
    return worst


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=100_000)
    ap.add_argument("--answers", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--naive-queries", type=int, default=5)
    args = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        path = str(Path(tmp) / "lb.db")
        store = await fill_sqlite(path, args.users, args.answers)
        print(
            f"sqlite: loaded {args.answers:,} answers of {args.users:,} users in "
            f"{time.perf_counter() - t:.1f} s"
        )
        results["sqlite"] = await measure(
            store, f"sqlite:///{path}", args.users, args.queries, args.naive_queries
        )
        await store.close()
    pg_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if pg_url:
        t = time.perf_counter()
        store = await fill_postgres(pg_url, args.users, args.answers)
        print(f"postgresql: loaded in {time.perf_counter() - t:.1f} s")
        results["postgresql"] = await measure(
            store, pg_url, args.users, args.queries, args.naive_queries
        )
        await store.close()
    worst = max(results.values(), key=lambda r: r["p99_ms"])
    speedup = worst["naive_p99_ms"] / worst["p99_ms"] if worst["p99_ms"] else 0.0
    print(
        f"worst case over periods and scopes: p99 {worst['p99_ms']:.2f} ms (target <= 10), "
        f"naive p99 {worst['naive_p99_ms']:.1f} ms, {speedup:.0f}x faster (target >= 50x)"
    )
    for name, r in results.items():
        print(f"{name}: worst p99 {r['p99_ms']:.2f} ms, naive p99 {r['naive_p99_ms']:.1f} ms")
    print(
        json.dumps(
            {
                "p99_ms": round(worst["p99_ms"], 3),
                "naive_p99_ms": round(worst["naive_p99_ms"], 3),
                "speedup": round(speedup, 1),
                "backends": sorted(results),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
