"""The daily review reminder: a direct message at the person's chosen local time saying how
many review items are due, sent exactly once per person and local day.

It runs on the daily scheduler's APScheduler (bot/services/scheduler.py), one cron job per
person, rebuilt from the store at start. As with daily posts, whoever claims (person, local
date) in the store sends; a claim never marked sent is taken over after a lease (a crash
between claim and send), so restarts and several processes on one database send it once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.clock import Clock, to_ms
from bot.domain.periods import check_timezone
from bot.domain.practice import ReviewReminder
from bot.domain.text import clip
from bot.domain.values import Card, Color, Target, UserError, Visibility, Where
from bot.services.daily import due_fire_time, parse_time
from bot.services.outbox import Outbox
from bot.services.team_settings import TeamSettings
from bot.store.protocol import Store

if TYPE_CHECKING:
    from bot.services.scheduler import DailyScheduler

log = logging.getLogger(__name__)
REMIND_LEASE_MS = 10 * 60 * 1000  # a claim not marked sent after this is taken over
REMIND_GRACE = timedelta(hours=6)  # a reminder missed while down is sent within this
Changed = Callable[[str, str, str], Awaitable[None]]


def reminder_trigger(r: ReviewReminder) -> CronTrigger:
    h, m = r.remind_time.split(":")
    return CronTrigger(hour=int(h), minute=int(m), timezone=ZoneInfo(r.timezone))


class ReviewReminders:
    """Set, clear and send the reminders (the sending is the scheduler's, `run`)."""

    def __init__(self, store: Store, settings: TeamSettings, clock: Clock, outbox: Outbox) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        self.outbox = outbox
        self.on_change: Changed | None = None  # the scheduler's: rebuild that person's job

    async def configure(self, where: Where, args: tuple[str, ...], dm: str | None = None) -> Card:
        """`18:00 [Europe/Berlin]` or `off`. `dm`: where the direct message goes (a platform
        that needs its DM channel opened passes it; otherwise the person's own id)."""
        if not args:
            r = await self.store.review_reminder(where.platform, where.team, where.user)
            text = (
                f"You are reminded daily at {r.remind_time} ({r.timezone})."
                if r
                else "No reminder set."
            )
            return _card(text + " Use /review remind HH:MM [timezone] or /review remind off.")
        if args[0].lower() in ("off", "stop", "none"):
            if len(args) != 1:
                raise UserError("Use /review remind off.")
            await self.store.set_review_reminder(where.platform, where.team, where.user, None)
            await self._changed(where)
            return _card("Daily review reminder off.")
        if len(args) > 2:
            raise UserError("Use /review remind HH:MM [timezone], e.g. /review remind 18:00.")
        at = parse_time(args[0])
        if len(args) == 2:
            tz = check_timezone(args[1])
        else:
            tz = (await self.settings.get(where.platform, where.team)).timezone
        reminder = ReviewReminder(
            platform=where.platform,
            team=where.team,
            user_id=where.user,
            remind_time=at,
            timezone=tz,
            channel=dm or where.user,
            updated_ms=to_ms(self.clock.now()),
        )
        await self.store.set_review_reminder(where.platform, where.team, where.user, reminder)
        await self._changed(where)
        return _card(
            f"I will message you daily at {at} ({clip(tz, 60)}) when reviews are due. "
            "/review remind off stops it."
        )

    async def _changed(self, where: Where) -> None:
        if self.on_change is not None:
            await self.on_change(where.platform, where.team, where.user)

    async def run(self, r: ReviewReminder, when: datetime) -> bool:
        """Send the reminder the scheduled time `when` stands for, once per local day; True
        when this caller sent it."""
        if not self.outbox.serves(r.platform):
            return False  # the process that runs that platform sends it
        day = when.astimezone(ZoneInfo(r.timezone)).date().isoformat()
        now_ms = to_ms(self.clock.now())
        if not await self.store.claim_review_reminder(
            r.platform, r.team, r.user_id, day, now_ms, REMIND_LEASE_MS
        ):
            return False
        items = await self.store.review_items(r.platform, r.team, r.user_id, now_ms)
        if items:
            topics = sorted({i.topic for i in items})
            card = Card(
                title="Time to review",
                text=f"{len(items)} question(s) you missed are due ({', '.join(topics[:5])}). "
                "Use /review to go through them.",
                visibility=Visibility.DIRECT,
                color=Color.WARN,
                footer="/review remind off stops these messages.",
            )
            await self.outbox.post(Target(r.platform, r.team, r.channel), card)
        await self.store.mark_review_reminder_sent(r.platform, r.team, r.user_id, day)
        return bool(items)


class ReminderJobs:
    """The reminders' cron jobs on the daily scheduler's APScheduler, one per person."""

    def __init__(self, reminders: ReviewReminders, ds: DailyScheduler) -> None:
        self.reminders = reminders
        self.ds = ds
        reminders.on_change = self.reschedule

    async def start(self) -> None:
        """Build every job from the store and send reminders missed within the grace."""
        for r in await self.reminders.store.review_reminders():
            self._add(r)
        await self.catch_up()

    async def reschedule(self, platform: str, team: str, user_id: str) -> None:
        job = self.ds.scheduler.get_job(_job_id(platform, team, user_id))
        if job is not None:
            job.remove()
        r = await self.reminders.store.review_reminder(platform, team, user_id)
        if r is not None:
            self._add(r)

    def _add(self, r: ReviewReminder) -> None:
        trigger = reminder_trigger(r)
        first = trigger.get_next_fire_time(None, self.ds.clock.now())
        if first is None:
            return
        self.ds.scheduler.add_job(
            self._fire,
            trigger,
            args=(r.platform, r.team, r.user_id),
            id=_job_id(r.platform, r.team, r.user_id),
            replace_existing=True,
            next_run_time=first,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=int(REMIND_GRACE.total_seconds()),
        )

    def next_run(self, platform: str, team: str, user_id: str) -> Any:
        job = self.ds.scheduler.get_job(_job_id(platform, team, user_id))
        return job.next_run_time if job is not None else None

    async def _fire(self, platform: str, team: str, user_id: str) -> None:
        task = asyncio.current_task()
        if task is not None:
            self.ds.running.add(task)
        try:
            r = await self.reminders.store.review_reminder(platform, team, user_id)
            if r is not None:
                await self._run(r)
        except Exception:
            log.exception("review reminder for %s/%s/%s failed", platform, team, user_id)
        finally:
            if task is not None:
                self.ds.running.discard(task)

    async def _run(self, r: ReviewReminder) -> bool:
        when = due_fire_time(reminder_trigger(r), self.ds.clock.now(), REMIND_GRACE)
        return when is not None and await self.reminders.run(r, when)

    async def catch_up(self) -> int:
        sent = 0
        for r in await self.reminders.store.review_reminders():
            try:
                sent += await self._run(r)
            except Exception:
                log.exception("catching up the review reminder of %s/%s", r.platform, r.team)
        return sent


def _card(text: str) -> Card:
    return Card(title="Review reminder", text=text, visibility=Visibility.EPHEMERAL)


def _job_id(platform: str, team: str, user_id: str) -> str:
    return f"review-remind:{platform}:{team}:{user_id}"
