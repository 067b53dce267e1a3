"""The daily question: configure per channel, post once per channel-day, reveal, weekly recap.

Posting is claimed in the store first, (channel, local date) in one atomic step, and only
the claimant posts: restarts, late misfires and several instances never post twice.
"""

from __future__ import annotations

import logging
import random
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.clock import Clock, from_ms, to_ms
from bot.domain.actions import Action, AnswerContext
from bot.domain.keys import PeriodKey, Scope
from bot.domain.periods import check_timezone, local_keys, yesterday
from bot.domain.records import Round, RoundKind, Schedule, ScheduleStatus
from bot.domain.text import clip
from bot.domain.values import Card, Color, Outgoing, Reply, Target, UserError, Visibility, Where
from bot.ports import ChannelUnavailable
from bot.questions.bank import parse_difficulty
from bot.services import rotation
from bot.services.access import require_admin
from bot.services.banks import Banks
from bot.services.cards import question_card
from bot.services.charts import movers_text, recap_image, week_movers
from bot.services.leaderboards import alive
from bot.services.outbox import Outbox
from bot.services.quizzes import QUIZ_KINDS
from bot.services.rounds import Rounds
from bot.services.team_settings import TeamSettings
from bot.store.errors import RoundOpen
from bot.store.protocol import Store

log = logging.getLogger(__name__)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_WORDS = {
    "daily": WEEKDAYS,
    "everyday": WEEKDAYS,
    "every-day": WEEKDAYS,
    "all": WEEKDAYS,
    "weekdays": WEEKDAYS[:5],
    "workdays": WEEKDAYS[:5],
    "weekends": WEEKDAYS[5:],
    "weekend": WEEKDAYS[5:],
}
MAX_OPEN = timedelta(hours=24)
CLAIM_LEASE_MS = 5 * 60 * 1000
OnChange = Callable[[str, str, str], Awaitable[None]]


class PostOutcome(StrEnum):
    """What one attempt at the day's post came to; the values are said to admins."""

    POSTED = "posted"
    TAKEN = "taken"  # another attempt has the day
    NO_QUESTION = "no question matches the channel's filters"
    STILL_OPEN = "a daily question is still open here"
    QUESTION_GONE = "the question is gone from the bank"
    CHANNEL_GONE = "the bot cannot post in this channel"
    FAILED = "the platform did not take the post; try again in a few minutes"


@dataclass(frozen=True, slots=True)
class DailyOptions:
    """What `/daily set` may change; None keeps the current value (or the default)."""

    time: str | None = None
    timezone: str | None = None
    weekdays: str | None = None
    topic: str | None = None
    difficulty: int | None = None
    open_minutes: int | None = None
    open_until_next: bool = False
    recap: tuple[str, str] | None = None
    recap_off: bool = False


def parse_time(text: str) -> str:
    m = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?", text.strip().lower())
    if not m:
        raise UserError(f"'{clip(text, 20)}' is not a time of day; use HH:MM, e.g. 09:30.")
    h, mnt, ampm = int(m.group(1)), int(m.group(2) or 0), m.group(3)
    if ampm:
        if not 1 <= h <= 12:
            raise UserError(f"'{clip(text, 20)}' is not a time of day.")
        h = h % 12 + (12 if ampm == "pm" else 0)
    if h > 23 or mnt > 59:
        raise UserError(f"'{clip(text, 20)}' is not a time of day; use HH:MM from 00:00 to 23:59.")
    return f"{h:02d}:{mnt:02d}"


def parse_weekdays(text: str) -> str:
    t = text.strip().lower()
    if t in _DAY_WORDS:
        return ",".join(_DAY_WORDS[t])
    days: list[str] = []
    for part in t.split(","):
        a, sep, b = part.partition("-")
        a, b = a[:3], b[:3]
        if a not in WEEKDAYS or (sep and b not in WEEKDAYS):
            raise UserError(
                f"'{clip(text, 30)}' is not a set of weekdays; use e.g. mon-fri, "
                "mon,wed,fri, weekdays or daily."
            )
        i, j = WEEKDAYS.index(a), WEEKDAYS.index(b) if sep else WEEKDAYS.index(a)
        span = WEEKDAYS[i : j + 1] if i <= j else WEEKDAYS[i:] + WEEKDAYS[: j + 1]
        days.extend(d for d in span if d not in days)
    return ",".join(d for d in WEEKDAYS if d in days)


def parse_open(text: str) -> int | None:
    """`8h`, `90m`, `2h30m` -> minutes; `next` -> None (until the next post, at most 24 h)."""
    t = text.strip().lower()
    if t in ("next", "auto", "default"):
        return None
    m = re.fullmatch(r"(?:(\d{1,2})h)?(?:(\d{1,4})m?)?", t)
    if not m or not (m.group(1) or m.group(2)):
        raise UserError("open= takes a duration like 8h, 90m or 2h30m, or 'next'.")
    minutes = int(m.group(1) or 0) * 60 + int(m.group(2) or 0)
    if not 5 <= minutes <= 24 * 60:
        raise UserError("Answers stay open from 5 minutes to 24 hours.")
    return minutes


def parse_recap(text: str) -> tuple[str, str] | None:
    """`fri@17:00` (or `fri`, 17:00 by default); `off` -> None."""
    t = text.strip().lower()
    if t in ("off", "no", "none"):
        return None
    day, _, at = t.partition("@")
    if day[:3] not in WEEKDAYS:
        raise UserError("recap= takes a weekday and time like fri@17:00, or off.")
    return day[:3], parse_time(at) if at else "17:00"


def parse_set_args(args: tuple[str, ...]) -> DailyOptions:
    """Forgiving `/daily set 09:00 Europe/Berlin mon-fri topic=python open=8h recap=fri@17:00`."""
    opts = DailyOptions()
    for raw in args:
        a = raw.strip()
        low = a.lower()
        key, eq, val = low.partition("=")
        if eq:
            if key in ("time", "at"):
                opts = replace(opts, time=parse_time(val))
            elif key in ("tz", "timezone"):
                opts = replace(opts, timezone=check_timezone(a.partition("=")[2]))
            elif key in ("days", "weekdays", "on"):
                opts = replace(opts, weekdays=parse_weekdays(val))
            elif key in ("topic", "t"):
                opts = replace(opts, topic=None if val in ("any", "all", "") else val)
            elif key in ("difficulty", "diff", "d", "level"):
                opts = replace(
                    opts, difficulty=None if val in ("any", "all") else parse_difficulty(val)
                )
            elif key in ("open", "for", "close"):
                minutes = parse_open(val)
                opts = replace(opts, open_minutes=minutes, open_until_next=minutes is None)
            elif key == "recap":
                r = parse_recap(val)
                opts = replace(opts, recap=r, recap_off=r is None)
            else:
                raise UserError(
                    f"Unknown option '{clip(key, 20)}'. Options: time, tz, days, "
                    "topic, difficulty, open, recap."
                )
        elif re.fullmatch(r"\d{1,2}(:\d{2})?\s*(am|pm)?", low):
            opts = replace(opts, time=parse_time(low))
        elif "/" in a or a.upper() in ("UTC", "GMT"):
            opts = replace(opts, timezone=check_timezone("UTC" if a.upper() == "GMT" else a))
        else:
            try:
                opts = replace(opts, weekdays=parse_weekdays(low))
            except UserError:
                raise UserError(
                    f"I did not understand '{clip(raw, 30)}'. Example: /daily set "
                    "09:00 Europe/Berlin mon-fri topic=python open=8h "
                    "recap=fri@17:00"
                ) from None
    return opts


def post_trigger(s: Schedule) -> CronTrigger:
    h, m = s.post_time.split(":")
    return CronTrigger(
        day_of_week=s.weekdays, hour=int(h), minute=int(m), timezone=ZoneInfo(s.timezone)
    )


def recap_trigger(s: Schedule) -> CronTrigger | None:
    if not s.recap_day or not s.recap_time:
        return None
    h, m = s.recap_time.split(":")
    return CronTrigger(
        day_of_week=s.recap_day, hour=int(h), minute=int(m), timezone=ZoneInfo(s.timezone)
    )


def due_fire_time(trigger: CronTrigger, now: datetime, grace: timedelta) -> datetime | None:
    """The earliest scheduled time in (now - grace, now]: a post that is due or was missed."""
    t = trigger.get_next_fire_time(None, now - grace)
    return t if t is not None and t <= now else None


class Daily:
    """The scheduled daily question of a channel: its settings, its post, its weekly recap.
    Answering, closing and revealing are the round's (`bot.services.rounds`)."""

    def __init__(
        self,
        store: Store,
        banks: Banks,
        settings: TeamSettings,
        clock: Clock,
        rounds: Rounds,
        outbox: Outbox,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.banks = banks
        self.settings = settings
        self.clock = clock
        self.rounds = rounds
        self.outbox = outbox
        self.rng = rng or random.Random()
        self.on_change: OnChange | None = None  # the scheduler rebuilds the channel's jobs
        self._dirty: set[tuple[str, str, str]] = set()  # rounds answered since the last tick

    # --- configuration (admins) -----------------------------------------------------------

    async def configure(self, where: Where, opts: DailyOptions) -> Card:
        _admin(where)
        current = await self.store.get_schedule(where.platform, where.team, where.channel)
        eff = await self.settings.get(where.platform, where.team)
        bank = await self.banks.for_team(where.platform, where.team)
        topic = (
            bank.resolve_topic(opts.topic)
            if opts.topic
            else (current.topic if current and opts.topic is None else None)
        )
        difficulty = (
            opts.difficulty
            if opts.difficulty is not None
            else (current.difficulty if current else None)
        )
        bank.select(topic, difficulty, kinds=QUIZ_KINDS)  # says so now if nothing matches
        if opts.open_until_next:
            open_minutes = None
        elif opts.open_minutes is not None:
            open_minutes = opts.open_minutes
        else:
            open_minutes = current.open_minutes if current else None
        recap = (
            None
            if opts.recap_off
            else opts.recap
            or ((current.recap_day, current.recap_time) if current and current.recap_day else None)
        )
        if current is None and opts.time is None:
            raise UserError("When should the question be posted? e.g. /daily set 09:00")
        s = Schedule(
            platform=where.platform,
            team=where.team,
            channel=where.channel,
            post_time=opts.time or (current.post_time if current else "09:00"),
            timezone=opts.timezone or (current.timezone if current else eff.timezone),
            weekdays=opts.weekdays or (current.weekdays if current else ",".join(WEEKDAYS[:5])),
            topic=topic,
            difficulty=difficulty,
            open_minutes=open_minutes,
            recap_day=recap[0] if recap else None,
            recap_time=recap[1] if recap else None,
            status=ScheduleStatus.ACTIVE,
            reason="",
            updated_ms=to_ms(self.clock.now()),
        )
        await self.store.upsert_schedule(s)
        await self._changed(s)
        card = await self.status(where)
        return replace(card, title="Daily question scheduled", color=Color.GOOD)

    async def off(self, where: Where) -> Card:
        _admin(where)
        s = await self.store.get_schedule(where.platform, where.team, where.channel)
        if s is None or s.status is ScheduleStatus.OFF:
            raise UserError("This channel has no daily question.")
        await self.store.set_schedule_status(
            where.platform,
            where.team,
            where.channel,
            ScheduleStatus.OFF,
            "",
            to_ms(self.clock.now()),
        )
        await self._changed(s)
        return Card(
            title="Daily question off",
            text="No more daily questions in this channel. "
            "/daily set brings them back with the same settings.",
            visibility=Visibility.EPHEMERAL,
        )

    async def channels(self, where: Where) -> list[str]:
        """The channels of the team that have an active daily question, in order."""
        return [s.channel for s in await self.store.team_schedules(where.platform, where.team)]

    async def status(self, where: Where) -> Card:
        s = await self.store.get_schedule(where.platform, where.team, where.channel)
        if s is None or s.status is ScheduleStatus.OFF:
            return Card(
                title="Daily question",
                text="Not set up in this channel. An admin can "
                "start it with /daily set 09:00 [timezone] [mon-fri] [topic=…].",
                visibility=Visibility.EPHEMERAL,
            )
        tz = ZoneInfo(s.timezone)
        nxt = post_trigger(s).get_next_fire_time(None, self.clock.now())
        level = f"difficulty {s.difficulty}" if s.difficulty else "any difficulty"
        fields = [
            ("When", f"{s.post_time} {s.timezone}, {_days_text(s.weekdays)}"),
            ("Questions", f"{s.topic or 'any topic'}, {level}"),
            (
                "Answers open",
                f"{s.open_minutes // 60}h{s.open_minutes % 60:02d}m"
                if s.open_minutes
                else "until the next post (at most 24 h)",
            ),
            ("Weekly recap", f"{s.recap_day} {s.recap_time}" if s.recap_day else "off"),
        ]
        if s.status is ScheduleStatus.PAUSED:
            text = f"Paused: {s.reason or 'the bot could not post here'}. /daily set resumes it."
        elif nxt is not None:
            text = f"Next post: {nxt.astimezone(tz).strftime('%a %d %b %Y, %H:%M')} ({s.timezone})"
        else:
            text = "No upcoming post."
        return Card(
            title="Daily question", text=text, fields=tuple(fields), visibility=Visibility.EPHEMERAL
        )

    async def post_now(self, where: Where) -> Reply:
        """Post today's question now; it counts as the day's post."""
        _admin(where)
        s = await self.store.get_schedule(where.platform, where.team, where.channel)
        if s is None or s.status is ScheduleStatus.OFF:
            tz = (await self.settings.get(where.platform, where.team)).timezone
            s = Schedule(
                platform=where.platform,
                team=where.team,
                channel=where.channel,
                post_time="09:00",
                timezone=tz,
                weekdays=",".join(WEEKDAYS),
                topic=None,
                difficulty=None,
                open_minutes=None,
                recap_day=None,
                recap_time=None,
                status=ScheduleStatus.OFF,
                reason="",
                updated_ms=to_ms(self.clock.now()),
            )
        outcome = await self._post(s, self.clock.now())
        if outcome is PostOutcome.TAKEN:
            raise UserError("Today's daily question was already posted in this channel.")
        if outcome is not PostOutcome.POSTED:
            raise UserError(f"The daily question could not be posted: {outcome}.")
        return Reply(
            cards=(
                Card(
                    title="Posted",
                    text="Today's question is up.",
                    visibility=Visibility.EPHEMERAL,
                    color=Color.GOOD,
                ),
            )
        )

    async def _changed(self, s: Schedule) -> None:
        if self.on_change is not None:
            await self.on_change(s.platform, s.team, s.channel)

    # --- posting (the scheduler calls these) -------------------------------------------

    async def run_post(self, s: Schedule, fire_time: datetime) -> bool:
        """The scheduled post for `fire_time`'s local day; False when another took it."""
        return await self._post(s, fire_time) is PostOutcome.POSTED

    async def _post(self, s: Schedule, fire_time: datetime) -> PostOutcome:
        """Claim the day, close yesterday's round, open and post today's."""
        day = local_keys(fire_time, s.timezone)[0]
        now = self.clock.now()
        now_ms = to_ms(now)
        if not await self.store.claim_daily(
            s.platform, s.team, s.channel, "post", day, now_ms, CLAIM_LEASE_MS
        ):
            return PostOutcome.TAKEN
        target = Target(s.platform, s.team, s.channel)
        previous = await self.store.open_round_in(s.platform, s.team, s.channel, RoundKind.DAILY)
        if previous is not None:
            await self.rounds.close_and_reveal(previous)
        bank = await self.banks.for_team(s.platform, s.team)
        try:
            pool = bank.select(s.topic, s.difficulty, kinds=QUIZ_KINDS)
            # every fitting question rested or retired (bot.services.analytics): the same as none
            [q] = await rotation.pick(
                self.store, s.platform, s.team, Scope.channel(s.channel), pool, 1, now_ms, self.rng
            )
        except UserError as e:
            await self._pause(s, f"no question matches its filters ({e})")
            return PostOutcome.NO_QUESTION
        closes = now + (timedelta(minutes=s.open_minutes) if s.open_minutes else MAX_OPEN)
        if not s.open_minutes and s.status is ScheduleStatus.ACTIVE:
            nxt = post_trigger(s).get_next_fire_time(None, now + timedelta(seconds=1))
            if nxt is not None:
                closes = min(closes, nxt)
        rnd = Round(
            id=uuid.uuid4().hex,
            platform=s.platform,
            team=s.team,
            channel=s.channel,
            kind=RoundKind.DAILY,
            question_id=q.id,
            topic=q.topic,
            started_by="scheduler",
            opened_ms=now_ms,
            closes_ms=to_ms(closes),
        )
        try:
            await self.rounds.open(rnd)
        except RoundOpen:
            log.warning("daily round already open in %s/%s/%s", s.platform, s.team, s.channel)
            return PostOutcome.STILL_OPEN
        card = await self.card(rnd, 0, s.timezone)
        if card is None:
            return PostOutcome.QUESTION_GONE
        try:
            ref = await self.outbox.post(target, card)
        except ChannelUnavailable as e:
            await self.rounds.withdraw(rnd)
            await self._pause(s, f"cannot post there ({e})")
            return PostOutcome.CHANNEL_GONE
        except Exception:
            # left unposted: the claim's lease lets a later attempt (a restart's catch-up) retry
            log.exception("daily post to %s/%s/%s failed", s.platform, s.team, s.channel)
            await self.rounds.withdraw(rnd)
            return PostOutcome.FAILED
        await self.rounds.posted(rnd, ref)
        await self.store.mark_daily_posted(s.platform, s.team, s.channel, "post", day, rnd.id)
        log.info("daily question %s posted to %s/%s/%s", q.id, s.platform, s.team, s.channel)
        return PostOutcome.POSTED

    async def card(self, rnd: Round, answered: int, tz: str) -> Card | None:
        """The posted question, with how many answered so far."""
        q = await self.rounds.question(rnd)
        if q is None:
            return None
        closes = from_ms(rnd.closes_ms).astimezone(ZoneInfo(tz))
        return question_card(
            q,
            Action.daily(rnd.id),
            title=f"Daily question · {q.topic}",
            footer=f"{answered} answered · one answer each · answers close "
            f"{closes.strftime('%a %H:%M')} ({tz})",
        )

    async def _pause(self, s: Schedule, reason: str) -> None:
        log.warning("daily question paused in %s/%s/%s: %s", s.platform, s.team, s.channel, reason)
        if s.status is ScheduleStatus.ACTIVE:
            await self.store.set_schedule_status(
                s.platform,
                s.team,
                s.channel,
                ScheduleStatus.PAUSED,
                clip(reason, 200),
                to_ms(self.clock.now()),
            )
            await self._changed(s)

    # --- answers --------------------------------------------------------------------------

    async def answer(self, where: Where, round_id: str, text: str) -> Reply:
        reply = await self.rounds.answer(where, Action.daily(round_id), text)
        self._dirty.add((where.platform, where.team, round_id))  # the count, at the next tick
        return reply

    async def refresh_counts(self) -> list[Outgoing]:
        """Edits that show each open daily post's answer count (batched, not per answer)."""
        out: list[Outgoing] = []
        dirty, self._dirty = self._dirty, set()
        for platform, team, round_id in dirty:
            rnd = await self.store.get_round(platform, team, round_id)
            if rnd is None or rnd.closed_ms is not None or not rnd.message_ref:
                continue
            answered = await self.rounds.answer_count(rnd)
            sched = await self.store.get_schedule(rnd.platform, rnd.team, rnd.channel)
            tz = (
                sched.timezone
                if sched
                else (await self.settings.get(rnd.platform, rnd.team)).timezone
            )
            card = await self.card(rnd, answered, tz)
            if card is not None:
                out.append(
                    Outgoing(
                        Target(rnd.platform, rnd.team, rnd.channel), card, edit_ref=rnd.message_ref
                    )
                )
        return out

    # --- weekly recap ---------------------------------------------------------------------

    async def run_recap(self, s: Schedule, fire_time: datetime) -> bool:
        week = local_keys(fire_time, s.timezone)[1]
        if not await self.store.claim_daily(
            s.platform, s.team, s.channel, "recap", week, to_ms(self.clock.now()), CLAIM_LEASE_MS
        ):
            return False
        card = await self.recap_card(s, fire_time)
        try:
            await self.outbox.post(Target(s.platform, s.team, s.channel), card)
        except ChannelUnavailable as e:
            await self._pause(s, f"cannot post there ({e})")
            return False
        await self.store.mark_daily_posted(s.platform, s.team, s.channel, "recap", week, "")
        return True

    async def recap_card(self, s: Schedule, when: datetime) -> Card:
        tz = ZoneInfo(s.timezone)
        local = when.astimezone(tz)
        week_start = (local - timedelta(days=local.weekday())).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        week = local_keys(when, s.timezone)[1]
        top = await self.store.top(
            s.platform, s.team, str(Scope.channel(s.channel)), str(PeriodKey.week(week)), 10
        )
        lines = [
            f"{r.rank}. {r.display_name} — {r.points} pts ({r.correct}/{r.answers} right)"
            for r in top
        ] or ["Nobody scored this week."]
        streaks = [
            st
            for st in await self.store.top_streaks(
                s.platform, s.team, yesterday(when, s.timezone), 5
            )
            if alive(st, self.clock, s.timezone) > 1
        ]
        fields = [("Leaderboard", "\n".join(lines))]
        scope = str(Scope.channel(s.channel))
        if moves := await week_movers(self.store, s.platform, s.team, scope, week_start, tz.key):
            fields.append(("Biggest movers (points over last week)", movers_text(moves)))
        if streaks:
            fields.append(
                (
                    "Longest streaks",
                    "\n".join(f"🔥{st.current} {st.display_name}" for st in streaks),
                )
            )
        hardest: tuple[float, Round, int, int] | None = None
        drawn_hardest: tuple[str, int, int] | None = None
        for rnd in await self.store.rounds_between(
            s.platform, s.team, s.channel, RoundKind.DAILY, to_ms(week_start), to_ms(when) + 1
        ):
            answers = await self.store.context_answers(
                s.platform, s.team, str(AnswerContext.of_round(rnd.kind, rnd.id))
            )
            if not answers:
                continue
            rate = sum(a.correct for a in answers) / len(answers)
            if hardest is None or rate < hardest[0]:
                hardest = (rate, rnd, sum(a.correct for a in answers), len(answers))
        if hardest is not None:
            q = (await self.banks.for_team(s.platform, s.team)).get(hardest[1].question_id)
            if q is not None:
                drawn_hardest = (q.prompt, hardest[2], hardest[3])
                fields.append(
                    (
                        "Hardest question",
                        f"{clip(q.prompt, 200)}\n{hardest[2]} of "
                        f"{hardest[3]} got it. Answer: {clip(q.answer_text, 200)}",
                    )
                )
        title = f"Weekly recap · week {week.split('-W')[1]}"
        # bot/charts: the same week as one picture
        image = await recap_image(title, top, moves, streaks, drawn_hardest)
        return Card(title=title, fields=tuple(fields), image=image)


def _admin(where: Where) -> None:
    require_admin(where, "change the daily question")


def _days_text(weekdays: str) -> str:
    days = weekdays.split(",")
    if days == list(WEEKDAYS):
        return "every day"
    if days == list(WEEKDAYS[:5]):
        return "Monday to Friday"
    return ", ".join(d.capitalize() for d in days)
