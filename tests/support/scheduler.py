"""Drive the real APScheduler with the test's FakeClock, and record what the bot posts."""

from __future__ import annotations

import asyncio
from datetime import datetime, tzinfo

import pytest

from bot.clock import FakeClock
from bot.domain.values import Card, Target
from bot.ports import ChannelUnavailable
from bot.services.scheduler import DailyScheduler


def use_clock_in_apscheduler(monkeypatch: pytest.MonkeyPatch, clock: FakeClock) -> None:
    """APScheduler reads `datetime.now` in its scheduler and executor; let it read ours."""

    class ClockDatetime(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
            now = clock.now()
            return now.astimezone(tz) if tz is not None else now

    import apscheduler.executors.base as executors_base
    import apscheduler.schedulers.base as schedulers_base

    monkeypatch.setattr(schedulers_base, "datetime", ClockDatetime)
    monkeypatch.setattr(executors_base, "datetime", ClockDatetime)


async def run_due(ds: DailyScheduler) -> None:
    """What APScheduler's wake-up does: run every job that is due now, and wait for them."""
    ds.scheduler._process_jobs()
    executor = ds.scheduler._lookup_executor("default")
    while executor._pending_futures:
        await asyncio.gather(*list(executor._pending_futures), return_exceptions=True)
    await ds.settle()


class RecordingPoster:
    """A platform that remembers every post and edit; channels in `gone` refuse posts."""

    def __init__(self) -> None:
        self.posts: list[tuple[Target, Card]] = []
        self.edits: list[tuple[Target, str, Card]] = []
        self.gone: set[str] = set()

    async def post(self, target: Target, card: Card) -> str:
        if target.channel in self.gone:
            raise ChannelUnavailable("missing access")
        self.posts.append((target, card))
        return f"m{len(self.posts)}"

    async def edit(self, target: Target, ref: str, card: Card) -> None:
        self.edits.append((target, ref, card))

    def titled(self, prefix: str, channel: str | None = None) -> list[Card]:
        return [c for t, c in self.posts
                if c.title.startswith(prefix) and (channel is None or t.channel == channel)]
