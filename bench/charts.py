"""Charts at scale: a team of 100,000 players with a year of answers, each of the four
pictures' data read from the store and drawn, timed apart (query, then render).

Fills SQLite with USERS players and ANSWERS answers over 365 days (bulk-loaded; the running
totals and streaks built as the triggers would), plus fifty earlier interviews of the most
active player, then for each chart times RUNS data reads (the store queries the services
make) and RUNS renders (bot/charts, PNG bytes out). Baselines in the same run: the recap's
movers from a GROUP BY over the answers (what the totals spare us), and how long the event
loop stalls while charts render on it versus on a worker thread (bot.charts.render).
Render times are wall-clock (what a user waits) and the drawing thread's CPU time (what the
drawing costs, without the other processes of a loaded machine).
Usage: python bench/charts.py [--users 100000] [--answers 1000000] [--runs 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.charts import interview_chart, leaderboard_chart, recap_chart, render, stats_chart
from bot.domain.periods import local_keys
from bot.domain.records import Session, SessionStatus
from bot.questions.bank import QuestionBank
from bot.questions.files import QUESTIONS_DIR
from bot.services import charts as data
from bot.store import Store, open_store

P, T = "bench", "team"
CHANNEL = "c3"
CHANNELS = [f"c{i}" for i in range(20)]
NOW = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)  # a Friday: the recap's day
TZ = "UTC"
ME = "u000000"  # the most active player (the draw favours low ids): ~2% of all answers
COLS = (
    "platform, team, user_id, context, question_id, source, channel, topic, display_name, "
    "answer, score, verdict, correct, first_correct, points, ranked, elapsed_ms, "
    "answered_ms, day, week, month, feedback, right_points, missing_points"
)


def answers(users: int, n: int, topics: list[str], rng: random.Random):  # type: ignore[no-untyped-def]
    keys: dict[int, tuple[str, str, str]] = {}  # per day back: the answer's local period keys
    for i in range(n):
        u = int(users * rng.random() ** 3)  # a few very active players, a long tail
        back = rng.randrange(365)
        when = NOW - timedelta(days=back, minutes=rng.randrange(60 * 16))
        if back not in keys:
            keys[back] = local_keys(when, TZ)
        day, week, month = keys[back]
        correct = rng.random() < 0.6
        yield (
            P, T, f"u{u:06d}", f"quiz:r{i // 40}", f"q{i % 300}", "quiz", rng.choice(CHANNELS),
            rng.choice(topics), f"player {u}", "A", 1.0 if correct else 0.0,
            "correct" if correct else "wrong", int(correct), 0,
            10 + rng.randrange(6) if correct else 0, 1, 1000, int(when.timestamp() * 1000),
            day, week, month, "", "[]", "[]",
        )  # fmt: skip


def interviews(bank: QuestionBank, rng: random.Random) -> tuple[list[tuple[Any, ...]], Session]:
    """Fifty earlier interviews of ME, five questions each, and the one to report on."""
    qs = [q for q in bank if q.topic == "python"][:5]
    rows = []
    for k in range(51):
        when = NOW - timedelta(days=7 * (51 - k))
        day, week, month = local_keys(when, TZ)
        for j, q in enumerate(qs):
            right = rng.randrange(4)
            rows.append(
                (
                    P, T, ME, f"interview:s{k}", q.id, "interview", CHANNEL, q.topic,
                    "player 0", "an answer", right / 3, "partial", int(right == 3), 0, 0, 0,
                    1000, int(when.timestamp() * 1000) + j, day, week, month, "fb",
                    json.dumps([f"point {x}" for x in range(right)]),
                    json.dumps([f"point {x}" for x in range(right, 3)]),
                )
            )  # fmt: skip
    s = Session(
        id="s50", platform=P, team=T, channel=CHANNEL, user_id=ME, display_name="player 0",
        topic="python", difficulty=None, question_ids=tuple(q.id for q in qs), position=5,
        status=SessionStatus.FINISHED, visibility="ephemeral",
        started_ms=int((NOW - timedelta(days=7)).timestamp() * 1000),
        question_started_ms=0, finished_ms=int(NOW.timestamp() * 1000),
    )  # fmt: skip
    return rows, s


async def fill(path: str, users: int, n: int, bank: QuestionBank) -> tuple[Store, Session]:
    store = open_store(f"sqlite:///{path}")
    await store.connect()  # migrations
    await store.close()
    con = sqlite3.connect(path)
    triggers = con.execute("SELECT name, sql FROM sqlite_master WHERE type='trigger'").fetchall()
    for name, _ in triggers:
        con.execute(f"DROP TRIGGER {name}")
    rng = random.Random(1)
    marks = ", ".join("?" * 24)
    con.executemany(
        f"INSERT INTO answers ({COLS}) VALUES ({marks})", answers(users, n, bank.topics, rng)
    )
    rows, session = interviews(bank, rng)
    con.executemany(f"INSERT INTO answers ({COLS}) VALUES ({marks})", rows)
    for scope_sql in ("'team'", "'channel:' || channel", "'topic:' || topic"):
        for period_sql in ("'all'", "'week:' || week"):
            con.execute(
                "INSERT INTO totals (platform, team, scope, period, user_id, display_name, "
                "points, answers, correct, reached_ms) "
                f"SELECT platform, team, {scope_sql}, {period_sql}, user_id, MAX(display_name),"
                " SUM(points), COUNT(*), SUM(correct), MAX(answered_ms) FROM answers "
                "WHERE ranked = 1 GROUP BY 1, 2, 3, 4, 5"
            )
    yesterday = (NOW - timedelta(days=1)).date().isoformat()
    con.execute(
        "INSERT INTO streaks (platform, team, user_id, display_name, current, best, last_day) "
        "SELECT platform, team, user_id, MAX(display_name), COUNT(DISTINCT day) % 40, "
        "COUNT(DISTINCT day) % 90, CASE WHEN MAX(day) >= ? THEN ? ELSE MAX(day) END "
        "FROM answers WHERE correct = 1 GROUP BY 1, 2, 3",
        (yesterday, yesterday),
    )
    for _, sql in triggers:
        con.execute(sql)
    con.commit()
    con.execute("ANALYZE")
    con.close()
    store = open_store(f"sqlite:///{path}")
    await store.connect()
    return store, session


def weeks() -> tuple[str, str, datetime]:
    local = NOW.astimezone(UTC)
    start = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0)
    return local_keys(start, TZ)[1], local_keys(start - timedelta(days=1), TZ)[1], start


def readers(store: Store, s: Session, bank: QuestionBank) -> dict[str, Callable[[], Awaitable]]:  # type: ignore[type-arg]
    """Per chart: the store reads its service makes, into the chart's data."""
    channel = f"channel:{CHANNEL}"
    this_week, _, start = weeks()

    async def stats() -> Any:
        topics = await store.topic_stats(P, T, ME)
        st = await store.streak(P, T, ME)
        me = await store.rank_of(P, T, "team", "all", ME)
        streak = (st.current, st.best) if st else (0, 0)
        return await data.stats_data(
            store, P, T, ME, "player 0", topics, streak, NOW, TZ, me.rank if me else None
        )

    async def board() -> Any:
        top = await store.top(P, T, "team", "all", 10)
        size = await store.board_size(P, T, "team", "all")
        return data.board_data("Leaderboard · the team · all time", top, size)

    async def interview() -> Any:
        rows = await store.context_answers(P, T, f"interview:{s.id}")
        return await data.interview_data(store, s, bank, {a.question_id: a for a in rows})

    async def recap() -> Any:
        top = await store.top(P, T, channel, f"week:{this_week}", 10)
        moves = await data.week_movers(store, P, T, channel, start, TZ)
        streaks = await store.top_streaks(P, T, (NOW - timedelta(days=1)).date().isoformat(), 5)
        hardest = ("Which HTTP status code means the resource was not found?", 3, 41)
        return data.recap_data("Weekly recap · week 47", top, moves, streaks, hardest)

    return {"stats": stats, "leaderboard": board, "interview": interview, "recap": recap}


CHARTS: dict[str, Callable[[Any], Any]] = {
    "stats": stats_chart,
    "leaderboard": leaderboard_chart,
    "interview": interview_chart,
    "recap": recap_chart,
}


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


async def naive_movers(path: str) -> float:
    """The baseline for the recap's movers: both weeks summed from the answers table."""
    this_week, last_week, _ = weeks()
    con = sqlite3.connect(path)
    t = time.perf_counter()
    con.execute(
        "SELECT user_id, SUM(CASE WHEN week = ? THEN points ELSE 0 END) AS now_pts, "
        "SUM(CASE WHEN week = ? THEN points ELSE 0 END) AS before_pts FROM answers "
        "WHERE platform = ? AND team = ? AND channel = ? AND ranked = 1 AND week IN (?, ?) "
        "GROUP BY user_id HAVING now_pts > before_pts "
        "ORDER BY now_pts - before_pts DESC, user_id LIMIT 5",
        (this_week, last_week, P, T, CHANNEL, this_week, last_week),
    ).fetchall()
    ms = (time.perf_counter() - t) * 1000
    con.close()
    return ms


async def loop_stall(payloads: list[tuple[Callable[[Any], Any], Any]], off_loop: bool) -> float:
    """The longest gap between ticks of a 1 ms heartbeat while the charts render."""
    gaps: list[float] = []
    done = asyncio.Event()

    async def heartbeat() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            gaps.append((now - last) * 1000)
            last = now

    beat = asyncio.create_task(heartbeat())
    await asyncio.sleep(0.01)
    for chart, d in payloads:
        if off_loop:
            await render(chart, d)
        else:
            chart(d)
            await asyncio.sleep(0)
    done.set()
    await beat
    return max(gaps)


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=100_000)
    ap.add_argument("--answers", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=200)
    args = ap.parse_args()
    bank = QuestionBank.from_dir(QUESTIONS_DIR)
    out: dict[str, Any] = {"charts": {}}
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "charts.db")
        t = time.perf_counter()
        store, session = await fill(path, args.users, args.answers, bank)
        print(
            f"sqlite: {args.answers:,} answers of {args.users:,} players over a year, loaded "
            f"in {time.perf_counter() - t:.1f} s"
        )
        payloads = []
        for name, read in readers(store, session, bank).items():
            got = await read()  # warm: the first read and the fonts' first load
            CHARTS[name](got)
            q_ms, r_ms, cpu_ms, sizes = [], [], [], []
            for _ in range(args.runs):
                t = time.perf_counter()
                got = await read()
                q_ms.append((time.perf_counter() - t) * 1000)
                t, cpu = time.perf_counter(), time.thread_time()
                img = CHARTS[name](got)
                r_ms.append((time.perf_counter() - t) * 1000)
                cpu_ms.append((time.thread_time() - cpu) * 1000)  # without the machine's load
                sizes.append(len(img.png))
            payloads.append((CHARTS[name], got))
            out["charts"][name] = {
                "query_p50_ms": round(statistics.median(q_ms), 2),
                "query_p99_ms": round(pct(q_ms, 0.99), 2),
                "render_p50_ms": round(statistics.median(r_ms), 2),
                "render_p99_ms": round(pct(r_ms, 0.99), 2),
                "render_cpu_p99_ms": round(pct(cpu_ms, 0.99), 2),
                "png_kb": round(max(sizes) / 1024, 1),
            }
            c = out["charts"][name]
            print(
                f"  {name:<12} query p50 {c['query_p50_ms']:7.2f} ms  p99 "
                f"{c['query_p99_ms']:7.2f} ms | render p50 {c['render_p50_ms']:6.2f} ms  p99 "
                f"{c['render_p99_ms']:6.2f} ms (CPU p99 {c['render_cpu_p99_ms']:6.2f} ms) | "
                f"PNG {c['png_kb']} KB"
            )
        naive = min([await naive_movers(path) for _ in range(3)])
        recap_q = out["charts"]["recap"]["query_p50_ms"]
        print(
            f"baseline: the recap's movers from the answers table {naive:.1f} ms against "
            f"the whole recap read from the totals {recap_q:.2f} ms"
        )
        inline = await loop_stall(payloads * 5, off_loop=False)
        threaded = await loop_stall(payloads * 5, off_loop=True)
        print(
            f"event loop: longest stall while 20 charts render on the loop {inline:.1f} ms, "
            f"on a worker thread {threaded:.1f} ms"
        )
        await store.close()
    worst = max(c["render_p99_ms"] for c in out["charts"].values())
    worst_q = max(c["query_p99_ms"] for c in out["charts"].values())
    print(f"worst render p99 {worst:.2f} ms (target < 200), worst query p99 {worst_q:.2f} ms")
    out.update(
        render_p99_ms=worst,
        query_p99_ms=worst_q,
        naive_movers_ms=round(naive, 2),
        loop_stall_inline_ms=round(inline, 1),
        loop_stall_threaded_ms=round(threaded, 1),
        users=args.users,
        answers=args.answers,
    )
    print(json.dumps(out))


if __name__ == "__main__":
    asyncio.run(main())
