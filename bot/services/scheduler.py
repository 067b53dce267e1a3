"""APScheduler wiring for daily posts and weekly recaps. The store is the source of truth:
jobs are rebuilt from it at start and whenever a channel's schedule changes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import Clock
from bot.domain.records import Schedule, ScheduleStatus
from bot.services.daily import Daily, due_fire_time, post_trigger, recap_trigger

log = logging.getLogger(__name__)
DEFAULT_GRACE = timedelta(hours=6)


class DailyScheduler:
    """One cron job per channel (and one per weekly recap), in the channel's timezone.

    Job times are computed from `clock`. With `autorun=False` APScheduler keeps the jobs and
    their next run times but runs nothing on its own: `run_due()` runs what is due. That is
    how tests drive the real triggers with a FakeClock.
    """

    def __init__(
        self, daily: Daily, clock: Clock, grace: timedelta = DEFAULT_GRACE, *, autorun: bool = True
    ) -> None:
        self.daily = daily
        self.clock = clock
        self.grace = grace
        self.autorun = autorun
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.running: set[asyncio.Task[None]] = set()
        daily.on_change = self.reschedule
        # other jobs on this scheduler, started after the daily ones (review reminders)
        self.also_start: list[Callable[[], Awaitable[None]]] = []

    async def start(self) -> None:
        """Start, rebuild every job from the store, and make posts missed within the grace."""
        self.scheduler.start(paused=not self.autorun)
        await self.rebuild()
        await self.catch_up()
        for start in self.also_start:
            await start()

    async def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await self.settle()

    async def run_due(self) -> int:
        """Run every job whose time has come by the clock's now, as APScheduler's wake-up does.

        One run per job however many fire times passed (the jobs coalesce), none when the
        latest passed more than the grace ago; each job then waits for its next fire time.
        Returns the number of runs.
        """
        now = self.clock.now()
        ran = 0
        for job in self.scheduler.get_jobs():
            last = job.next_run_time
            if last is None or last > now:
                continue
            following = job.trigger.get_next_fire_time(last, now)
            while following is not None and following <= now:
                last, following = following, job.trigger.get_next_fire_time(following, now)
            if following is None:
                job.remove()
            else:
                job.modify(next_run_time=following)
            grace = job.misfire_grace_time
            if grace is None or now - last <= timedelta(seconds=grace):
                await job.func(*job.args)
                ran += 1
        await self.settle()
        return ran

    async def settle(self) -> None:
        """Wait for jobs that are running (tests; shutdown)."""
        while self.running:
            await asyncio.gather(*list(self.running), return_exceptions=True)

    async def rebuild(self) -> None:
        for job in self.scheduler.get_jobs():
            if job.id.startswith("daily-"):
                job.remove()
        for s in await self.daily.store.active_schedules():
            self._add(s)

    async def reschedule(self, platform: str, team: str, channel: str) -> None:
        for kind in ("post", "recap"):
            job = self.scheduler.get_job(_job_id(kind, platform, team, channel))
            if job is not None:
                job.remove()
        s = await self.daily.store.get_schedule(platform, team, channel)
        if s is not None and s.status == ScheduleStatus.ACTIVE:
            self._add(s)

    def _add(self, s: Schedule) -> None:
        key = (s.platform, s.team, s.channel)
        now = self.clock.now()
        for kind, trigger in (("post", post_trigger(s)), ("recap", recap_trigger(s))):
            first = trigger.get_next_fire_time(None, now) if trigger is not None else None
            if first is None:
                continue
            self.scheduler.add_job(
                self._fire,
                trigger,
                args=(kind, *key),
                id=_job_id(kind, *key),
                replace_existing=True,
                next_run_time=first,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=int(self.grace.total_seconds()),
            )

    def next_post(self, platform: str, team: str, channel: str):  # type: ignore[no-untyped-def]
        job = self.scheduler.get_job(_job_id("post", platform, team, channel))
        return job.next_run_time if job is not None else None

    async def _fire(self, kind: str, platform: str, team: str, channel: str) -> None:
        task = asyncio.current_task()
        if task is not None:
            self.running.add(task)
        try:
            s = await self.daily.store.get_schedule(platform, team, channel)
            if s is None or s.status != ScheduleStatus.ACTIVE:
                return
            await self._run(kind, s)
        except Exception:
            log.exception("daily %s for %s/%s/%s failed", kind, platform, team, channel)
        finally:
            if task is not None:
                self.running.discard(task)

    async def _run(self, kind: str, s: Schedule) -> bool:
        trigger = post_trigger(s) if kind == "post" else recap_trigger(s)
        if trigger is None:
            return False
        # the scheduled time this run stands for (it may run late, within the grace)
        when = due_fire_time(trigger, self.clock.now(), self.grace)
        if when is None:
            return False
        if kind == "post":
            return await self.daily.run_post(s, when)
        return await self.daily.run_recap(s, when)

    async def catch_up(self, concurrency: int = 100) -> int:
        """Posts (and recaps) whose time passed while the bot was down, within the grace."""
        gate = asyncio.Semaphore(concurrency)

        async def one(kind: str, s: Schedule) -> bool:
            async with gate:
                try:
                    return await self._run(kind, s)
                except Exception:
                    log.exception(
                        "catching up the daily %s of %s/%s/%s failed",
                        kind,
                        s.platform,
                        s.team,
                        s.channel,
                    )
                    return False

        schedules = await self.daily.store.active_schedules()
        done = await asyncio.gather(*(one(k, s) for s in schedules for k in ("post", "recap")))
        return sum(done)


def _job_id(kind: str, platform: str, team: str, channel: str) -> str:
    return f"daily-{kind}:{platform}:{team}:{channel}"
