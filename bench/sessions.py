"""Many live interview sessions: memory over an idle bot, and answer latency meanwhile.

Sessions live in the store, not in memory, so memory should barely move.
Usage: python bench/sessions.py [--sessions 10000] [--answers 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.domain.values import Where
from bot.services.container import build_core
from interview_bot.config import Settings


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=10_000)
    ap.add_argument("--answers", type=int, default=2_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp}/s.db")  # type: ignore[call-arg]
        core = await build_core(settings, rng=random.Random(1))
        users = [Where("bench", "team", "c1", f"u{i}", f"user {i}") for i in range(args.sessions)]
        # warm up one of each path, then measure the idle process
        await core.interviews.start(Where("bench", "team", "c1", "warm", "warm"), "python", None, 1)
        await core.interviews.answer(Where("bench", "team", "c1", "warm", "warm"), "warm up")
        gc.collect()
        idle = rss_mb()
        t = time.perf_counter()
        sem = asyncio.Semaphore(200)

        async def start(w: Where) -> None:
            async with sem:
                await core.interviews.start(w, None, None, 5)

        await asyncio.gather(*(start(w) for w in users))
        started_s = time.perf_counter() - t
        gc.collect()
        live = rss_mb()
        rng = random.Random(2)
        lat: list[float] = []
        answer = (
            "It is about trade-offs: explain the idea, give an example from a real "
            "project, and name what can go wrong and how you would test it."
        )
        for w in rng.sample(users, min(args.answers, len(users))):
            t = time.perf_counter()
            await core.interviews.answer(w, answer)
            lat.append((time.perf_counter() - t) * 1000)
        lat.sort()
        p99 = lat[int(0.99 * (len(lat) - 1))]
        active = await core.store.active_session("bench", "team", users[-1].user)
        assert active is not None
        await core.close()
    over = live - idle
    print(f"{args.sessions:,} live sessions started in {started_s:.1f} s")
    print(
        f"memory: idle {idle:.1f} MB, with sessions {live:.1f} MB, over idle {over:.1f} MB "
        "(target <= 100)"
    )
    print(
        f"answer latency with them live: p50 {statistics.median(lat):.2f} ms, "
        f"p99 {p99:.2f} ms over {len(lat):,} answers"
    )
    print(
        json.dumps(
            {
                "sessions": args.sessions,
                "mb_over_idle": round(over, 1),
                "p99_answer_ms": round(p99, 2),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
