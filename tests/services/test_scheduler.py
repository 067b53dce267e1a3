"""`DailyScheduler.run_due`: the wake-up the tests drive, over the real APScheduler triggers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.commands.dispatch import dispatch
from bot.services.container import Core
from bot.services.scheduler import DailyScheduler
from tests.support.builders import where
from tests.support.poster import RecordingPoster

MONDAY_8 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@pytest.fixture
async def scheduler(core: Core, clock: FakeClock) -> AsyncIterator[DailyScheduler]:
    clock.set(MONDAY_8)
    ds = DailyScheduler(core.daily, clock, autorun=False)
    await ds.start()
    yield ds
    await ds.stop()


@pytest.fixture
async def poster(core: Core, scheduler: DailyScheduler) -> RecordingPoster:
    p = RecordingPoster()
    core.outbox.register("test", p)
    await dispatch(core, where("boss", admin=True), "/daily set 09:00 UTC daily")
    return p


async def test_fire_times_missed_while_asleep_make_one_post(
    scheduler: DailyScheduler, poster: RecordingPoster, clock: FakeClock
) -> None:
    clock.set(MONDAY_8 + timedelta(minutes=59))
    assert await scheduler.run_due() == 0
    clock.set(datetime(2026, 1, 7, 9, 0, 5, tzinfo=UTC))  # Monday's and Tuesday's passed
    assert await scheduler.run_due() == 1
    assert len(poster.titled("Daily question ·")) == 1
    assert scheduler.next_post("test", "t1", "c1") == datetime(2026, 1, 8, 9, 0, tzinfo=UTC)


async def test_a_fire_time_past_the_grace_is_skipped(
    scheduler: DailyScheduler, poster: RecordingPoster, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 1, 5, 9, 0, tzinfo=UTC) + scheduler.grace + timedelta(seconds=1))
    assert await scheduler.run_due() == 0
    assert poster.titled("Daily question ·") == []
    assert scheduler.next_post("test", "t1", "c1") == datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
