"""Fan-out of one daily post to many channels through a port that allows 50 requests/s.

The floor is channels / 50 seconds; the ratio says how close the bot gets to it.
Usage: python bench/daily.py [--channels 1000] [--rate 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.domain.records import Schedule
from bot.domain.values import Card, Target
from bot.services.container import build_core
from bot.services.scheduler import DailyScheduler
from interview_bot.config import Settings


class LimitedPort:
    """A platform that takes at most `rate` requests a second (evenly spaced, like a bucket)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self.next_slot = 0.0
        self.posts: Counter[str] = Counter()

    async def _slot(self) -> None:
        now = time.monotonic()
        slot = max(now, self.next_slot)
        self.next_slot = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)

    async def post(self, target: Target, card: Card) -> str:
        await self._slot()
        self.posts[target.channel] += 1
        return f"{target.channel}-{self.posts[target.channel]}"

    async def edit(self, target: Target, ref: str, card: Card) -> None:
        await self._slot()


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--channels", type=int, default=1000)
    ap.add_argument("--rate", type=float, default=50.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp}/daily.db")  # type: ignore[call-arg]
        core = await build_core(settings)
        port = LimitedPort(args.rate)
        core.outbox.register("bench", port)
        now = datetime.now(UTC)
        post_time = now.strftime("%H:%M")  # this minute: due now
        for c in range(args.channels):
            await core.store.upsert_schedule(
                Schedule(
                    "bench",
                    "team",
                    f"c{c:04d}",
                    post_time,
                    "UTC",
                    "mon,tue,wed,thu,fri,sat,sun",
                    None,
                    None,
                    None,
                    None,
                    None,
                    "active",
                    "",
                    0,
                )
            )
        scheduler = DailyScheduler(core.daily, core.clock)
        t0 = time.perf_counter()
        await scheduler.start()  # rebuilds jobs and makes the posts that are due
        seconds = time.perf_counter() - t0
        again = await scheduler.catch_up()  # a second pass must post nothing
        await scheduler.stop()
        await core.close()
    floor = args.channels / args.rate
    missed = args.channels - len(port.posts)
    doubled = sum(1 for n in port.posts.values() if n > 1) + again
    print(
        f"{args.channels} channels posted in {seconds:.2f} s; floor {floor:.0f} s at "
        f"{args.rate:.0f} requests/s; ratio {seconds / floor:.3f} (target <= 1.1)"
    )
    print(f"missed: {missed}, posted twice: {doubled}")
    print(
        json.dumps(
            {
                "channels": args.channels,
                "seconds": round(seconds, 3),
                "floor_s": round(floor, 3),
                "ratio": round(seconds / floor, 3),
                "missed": missed,
                "doubled": doubled,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
