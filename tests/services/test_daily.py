from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.clock import FakeClock
from bot.commands.dispatch import dispatch
from bot.domain.values import UserError
from bot.questions.bank import QuestionBank
from bot.services.container import Core, build_core
from bot.services.daily import parse_set_args
from bot.services.rounds import REVEAL_LEASE_MS
from bot.services.scheduler import DailyScheduler
from bot.services.ticker import tick
from interview_bot.config import Settings
from tests.support.builders import letter, where
from tests.support.poster import RecordingPoster
from tests.support.scheduler import run_due

ADMIN = where("boss", admin=True)


class Bot:
    """One running bot process: core, scheduler and a recording platform."""

    def __init__(self, core: Core, poster: RecordingPoster, clock: FakeClock) -> None:
        self.core = core
        self.poster = poster
        self.scheduler = DailyScheduler(core.daily, clock, autorun=False)
        core.outbox.register("test", poster)

    async def stop(self) -> None:
        await self.scheduler.stop()
        await self.core.close()


@pytest.fixture
async def boot(settings: Settings, clock: FakeClock, bank: QuestionBank) -> AsyncIterator:  # type: ignore[type-arg]
    bots: list[Bot] = []
    poster = RecordingPoster()  # one platform, shared by every process

    async def start() -> Bot:
        core = await build_core(settings, clock=clock, bank=bank, rng=random.Random(len(bots)))
        b = Bot(core, poster, clock)
        await b.scheduler.start()
        bots.append(b)
        return b

    yield start
    for b in bots:
        if b.scheduler.scheduler.running:
            await b.stop()


async def configure(bot: Bot, text: str, channel: str = "c1") -> None:
    await dispatch(bot.core, where("boss", admin=True, channel=channel), f"/daily set {text}")


async def test_posts_at_local_time_in_two_timezones(boot, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    clock.set(datetime(2026, 1, 5, 7, 0, tzinfo=UTC))  # Monday
    bot = await boot()
    await configure(bot, "09:00 Europe/Berlin daily", "berlin")
    await configure(bot, "09:00 America/New_York daily", "newyork")
    clock.set(datetime(2026, 1, 5, 7, 59, tzinfo=UTC))
    await run_due(bot.scheduler)
    assert bot.poster.posts == []
    clock.set(datetime(2026, 1, 5, 8, 0, 5, tzinfo=UTC))  # 09:00 in Berlin
    await run_due(bot.scheduler)
    assert len(bot.poster.titled("Daily question ·", "berlin")) == 1
    assert bot.poster.titled("Daily question ·", "newyork") == []
    clock.set(datetime(2026, 1, 5, 14, 0, 5, tzinfo=UTC))  # 09:00 in New York
    await run_due(bot.scheduler)
    assert len(bot.poster.titled("Daily question ·", "newyork")) == 1
    assert len(bot.poster.posts) == 2


@pytest.mark.parametrize(
    ("before", "after", "utc_before", "utc_after"),
    [
        # spring forward in Berlin on Sunday 29 March 2026: 09:00 is 08:00 UTC, then 07:00 UTC
        (datetime(2026, 3, 28, 6, 0, tzinfo=UTC), datetime(2026, 3, 30, 6, 0, tzinfo=UTC), 8, 7),
        # fall back on Sunday 25 October 2026: 09:00 is 07:00 UTC, then 08:00 UTC
        (datetime(2026, 10, 24, 6, 0, tzinfo=UTC), datetime(2026, 10, 26, 6, 0, tzinfo=UTC), 7, 8),
    ],
)
async def test_daylight_saving_posts_at_the_same_local_time(  # type: ignore[no-untyped-def]
    boot, clock: FakeClock, before: datetime, after: datetime, utc_before: int, utc_after: int
) -> None:
    clock.set(before)
    bot = await boot()
    await configure(bot, "09:00 Europe/Berlin mon-sat")
    for day, hour in ((before, utc_before), (after, utc_after)):
        clock.set(day.replace(hour=hour - 1, minute=59))
        await run_due(bot.scheduler)
        posted = len(bot.poster.titled("Daily question ·"))
        clock.set(day.replace(hour=hour, minute=0, second=5))
        await run_due(bot.scheduler)
        assert len(bot.poster.titled("Daily question ·")) == posted + 1, (
            f"no post at {hour}:00 UTC on {day.date()}"
        )
    assert bot.poster.titled("Daily question ·")[0].footer.endswith("(Europe/Berlin)")


async def test_restart_before_post_time_posts_once(boot, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    clock.set(datetime(2026, 1, 5, 8, 0, tzinfo=UTC))
    first = await boot()
    await configure(first, "09:00 UTC daily")
    await first.stop()
    clock.set(datetime(2026, 1, 5, 8, 30, tzinfo=UTC))
    second = await boot()  # jobs rebuilt from the store
    assert second.scheduler.next_post("test", "t1", "c1") == datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    clock.set(datetime(2026, 1, 5, 9, 0, 1, tzinfo=UTC))
    await run_due(second.scheduler)
    assert len(second.poster.titled("Daily question ·")) == 1


async def test_restart_after_post_time_does_not_post_again(boot, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    clock.set(datetime(2026, 1, 5, 8, 0, tzinfo=UTC))
    first = await boot()
    await configure(first, "09:00 UTC daily")
    clock.set(datetime(2026, 1, 5, 9, 0, 1, tzinfo=UTC))
    await run_due(first.scheduler)
    await first.stop()
    clock.set(datetime(2026, 1, 5, 9, 20, tzinfo=UTC))
    await boot()  # catch-up finds the day claimed
    assert len(first.poster.titled("Daily question ·")) == 1


@pytest.mark.parametrize(("down_until", "posts"), [(12, 1), (16, 0)])
async def test_catch_up_within_the_grace_only(  # type: ignore[no-untyped-def]
    boot, clock: FakeClock, down_until: int, posts: int
) -> None:
    clock.set(datetime(2026, 1, 5, 8, 0, tzinfo=UTC))
    first = await boot()
    await configure(first, "09:00 UTC daily")
    await first.stop()  # down over 09:00
    clock.set(datetime(2026, 1, 5, down_until, 0, tzinfo=UTC))
    await boot()  # grace is 6 h: back at 12:00 makes the post, at 16:00 it is too late
    assert len(first.poster.titled("Daily question ·")) == posts


async def test_two_instances_on_one_database_post_once(boot, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    clock.set(datetime(2026, 1, 5, 8, 0, tzinfo=UTC))
    a = await boot()
    await configure(a, "09:00 UTC daily")
    b = await boot()
    clock.set(datetime(2026, 1, 5, 9, 0, 1, tzinfo=UTC))
    await run_due(a.scheduler)
    await run_due(b.scheduler)
    assert len(a.poster.titled("Daily question ·")) == 1
    clock.set(datetime(2026, 1, 6, 9, 0, 1, tzinfo=UTC))
    await run_due(b.scheduler)
    await run_due(a.scheduler)
    assert len(a.poster.titled("Daily question ·")) == 2


async def test_answer_once_privately_and_the_channel_sees_the_count(  # type: ignore[no-untyped-def]
    boot, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 1, 5, 8, 0, tzinfo=UTC))
    bot = await boot()
    await configure(bot, "09:00 UTC daily topic=web")
    clock.set(datetime(2026, 1, 5, 9, 0, 1, tzinfo=UTC))
    await run_due(bot.scheduler)
    [card] = bot.poster.titled("Daily question ·")
    assert card.buttons and card.action.startswith("daily:")
    mine = await dispatch(bot.core, where("ann"), f"/answer {letter(card, '404')}")
    assert mine.cards[0].title == "Right!" and mine.cards[0].visibility.value == "ephemeral"
    with pytest.raises(UserError, match="can't be changed"):
        await dispatch(bot.core, where("ann"), "/answer B")
    from bot.commands.dispatch import answer_action

    await answer_action(bot.core, where("bob"), card.action, "C")
    await tick(bot.core)
    ref, edited = bot.poster.edits[-1][1:]
    assert ref == "m1" and edited.footer.startswith("2 answered")


async def test_reveal_on_time_and_after_a_restart(boot, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    clock.set(datetime(2026, 1, 5, 8, 0, tzinfo=UTC))
    bot = await boot()
    await configure(bot, "09:00 UTC daily topic=web open=1h")
    clock.set(datetime(2026, 1, 5, 9, 0, 1, tzinfo=UTC))
    await run_due(bot.scheduler)
    [card] = bot.poster.titled("Daily question ·")
    rid = card.action.split(":")[1]
    right = letter(card, "404")
    clock.advance(30)
    await bot.core.daily.answer(where("ann"), rid, right)
    clock.advance(60)
    await bot.core.daily.answer(where("bob"), rid, right)
    await bot.stop()
    clock.set(datetime(2026, 1, 5, 11, 0, tzinfo=UTC))  # answers closed at 10:00 while down
    again = await boot()
    await tick(again.core)
    [reveal] = again.poster.titled("Daily question answer")
    fields = dict(reveal.fields)
    assert fields["Answer"] == f"{right}) 404"
    assert fields["Got it (2/2)"].startswith("ANN")
    assert fields["Fastest"] == "ANN in 30.0 s"
    await tick(again.core)
    assert len(again.poster.titled("Daily question answer")) == 1
    board = await again.core.leaderboards.board(where("ann"), "all")
    assert "ANN" in board.text and "BOB" in board.text


async def test_weekly_recap(boot, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    clock.set(datetime(2026, 1, 5, 8, 0, tzinfo=UTC))  # Monday
    bot = await boot()
    await configure(bot, "09:00 UTC daily open=2h recap=fri@17:00")
    for day in range(5):  # Monday to Friday
        clock.set(datetime(2026, 1, 5 + day, 9, 0, 1, tzinfo=UTC))
        await run_due(bot.scheduler)
        card = bot.poster.titled("Daily question ·")[-1]
        rid = card.action.split(":")[1]
        q = bot.core.banks.base.get((await bot.core.store.get_round("test", "t1", rid)).question_id)  # type: ignore[union-attr]
        right = q.choices[q.right_choice].text if q.choices else q.accepted[0]  # type: ignore[union-attr, index]
        clock.advance(10)
        await bot.core.daily.answer(where("ann"), rid, right)
        await bot.core.daily.answer(where("bob"), rid, "definitely wrong" if day == 2 else right)
    clock.set(datetime(2026, 1, 9, 17, 0, 1, tzinfo=UTC))
    await run_due(bot.scheduler)
    [recap] = bot.poster.titled("Weekly recap")
    fields = dict(recap.fields)
    assert fields["Leaderboard"].splitlines()[0].startswith("1. ANN")
    assert "5/5 right" in fields["Leaderboard"]
    assert "🔥5 ANN" in fields["Longest streaks"]
    assert "1 of 2 got it" in fields["Hardest question"]


async def test_a_channel_the_bot_cannot_post_to_is_paused(
    boot,
    clock: FakeClock,  # type: ignore[no-untyped-def]
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock.set(datetime(2026, 1, 5, 8, 0, tzinfo=UTC))
    bot = await boot()
    await configure(bot, "09:00 UTC daily")
    bot.poster.gone.add("c1")
    clock.set(datetime(2026, 1, 5, 9, 0, 1, tzinfo=UTC))
    await run_due(bot.scheduler)
    assert "paused" in caplog.text and "missing access" in caplog.text
    assert bot.scheduler.next_post("test", "t1", "c1") is None
    status = await bot.core.daily.status(where("ann"))
    assert status.text.startswith("Paused: cannot post there")


async def test_now_counts_as_the_days_post(boot, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    clock.set(datetime(2026, 1, 5, 8, 0, tzinfo=UTC))
    bot = await boot()
    await configure(bot, "09:00 UTC daily")
    await dispatch(bot.core, ADMIN, "/daily now")
    with pytest.raises(UserError, match="already posted"):
        await dispatch(bot.core, ADMIN, "/daily now")
    clock.set(datetime(2026, 1, 5, 9, 0, 1, tzinfo=UTC))
    await run_due(bot.scheduler)
    assert len(bot.poster.titled("Daily question ·")) == 1


async def test_status_off_and_admin_only(boot, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    clock.set(datetime(2026, 1, 7, 12, 0, tzinfo=UTC))  # Wednesday
    bot = await boot()
    with pytest.raises(UserError, match="Only an admin"):
        await dispatch(bot.core, where("ann"), "/daily set 09:00")
    await configure(bot, "9:30am Asia/Tokyo mon,fri")
    status = (await dispatch(bot.core, where("ann"), "/daily status")).cards[0]
    assert status.text == "Next post: Fri 09 Jan 2026, 09:30 (Asia/Tokyo)"
    await dispatch(bot.core, ADMIN, "/daily off")
    assert bot.scheduler.next_post("test", "t1", "c1") is None
    assert "Not set up" in (await bot.core.daily.status(where("ann"))).text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("25:00",), "not a time of day"),
        (("09:00", "Mars/Olympus"), "not a timezone"),
        (("09:00", "someday"), "did not understand"),
        (("09:00", "open=30h"), "5 minutes to 24 hours"),
        (("09:00", "recap=funday"), "recap= takes"),
    ],
)
def test_set_arguments_explain_mistakes(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_set_args(args)


def test_set_arguments_are_forgiving() -> None:
    o = parse_set_args(
        ("9am", "Europe/Berlin", "weekdays", "topic=python", "open=2h30m", "recap=fri")
    )
    assert (o.time, o.timezone, o.weekdays, o.topic, o.open_minutes, o.recap) == (
        "09:00",
        "Europe/Berlin",
        "mon,tue,wed,thu,fri",
        "python",
        150,
        ("fri", "17:00"),
    )
    assert parse_set_args(("sat-mon",)).weekdays == "mon,sat,sun"


async def test_unknown_topic_is_refused_and_nothing_changes(boot) -> None:  # type: ignore[no-untyped-def]
    bot = await boot()
    with pytest.raises(UserError, match="Unknown topic 'cobol'"):
        await configure(bot, "09:00 topic=cobol")
    assert await bot.core.store.get_schedule("test", "t1", "c1") is None


async def test_a_daily_reveal_that_fails_to_post_is_posted_later_once(  # type: ignore[no-untyped-def]
    boot, clock: FakeClock
) -> None:
    """The next day's post closes yesterday's round; its reveal failing (a platform 500) does
    not lose it: the ticker posts it once the failed attempt's claim lapsed."""
    clock.set(datetime(2026, 1, 5, 8, 0, tzinfo=UTC))
    bot = await boot()
    await configure(bot, "09:00 UTC daily topic=web")
    clock.set(datetime(2026, 1, 5, 9, 0, 1, tzinfo=UTC))
    await run_due(bot.scheduler)
    [card] = bot.poster.titled("Daily question ·")
    await bot.core.daily.answer(
        where("ann"), card.action.removeprefix("daily:"), letter(card, "404")
    )
    refused = 0
    post = bot.poster.post

    async def fails_for_reveals(target, card):  # type: ignore[no-untyped-def]
        nonlocal refused
        if card.title.startswith("Daily question answer"):
            refused += 1
            raise RuntimeError("500 internal_error")
        return await post(target, card)

    bot.poster.post = fails_for_reveals  # type: ignore[method-assign]
    clock.set(datetime(2026, 1, 6, 9, 0, 1, tzinfo=UTC))  # the next post closes the round
    await run_due(bot.scheduler)
    assert refused == 1 and len(bot.poster.titled("Daily question ·")) == 2
    bot.poster.post = post  # type: ignore[method-assign]
    clock.advance(REVEAL_LEASE_MS / 1000)
    await tick(bot.core)
    await tick(bot.core)
    [reveal] = bot.poster.titled("Daily question answer")
    assert dict(reveal.fields)["Got it (1/1)"].startswith("ANN")


async def test_a_post_that_failed_reveals_nothing(boot, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    """A daily post the platform did not take leaves no round behind whose answer would be
    revealed to a channel that never saw the question."""
    clock.set(datetime(2026, 1, 5, 8, 0, tzinfo=UTC))
    bot = await boot()
    await configure(bot, "09:00 UTC daily topic=web")
    post = bot.poster.post

    async def fails(target, card):  # type: ignore[no-untyped-def]
        raise RuntimeError("500 internal_error")

    bot.poster.post = fails  # type: ignore[method-assign]
    clock.set(datetime(2026, 1, 5, 9, 0, 1, tzinfo=UTC))
    await run_due(bot.scheduler)
    bot.poster.post = post  # type: ignore[method-assign]
    clock.advance(3600)
    await tick(bot.core)
    assert bot.poster.titled("Daily question answer") == []
