"""Review items: missed questions come back when FSRS says, privately; graded, rescheduled
once; status, export; the daily reminder once per person and day."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.clock import FakeClock, to_ms
from bot.commands.dispatch import dispatch
from bot.domain.values import Card, UserError, Visibility
from bot.questions.bank import QuestionBank
from bot.services.container import Core, build_core
from bot.services.review_reminders import REMIND_LEASE_MS, ReminderJobs
from bot.services.scheduler import DailyScheduler
from interview_bot.config import Settings
from tests.support.builders import letter, where
from tests.support.poster import RecordingPoster
from tests.support.scheduler import run_due


async def miss_web_quiz(core: Core, user: str = "ann", *, right: bool = False) -> Card:
    """`user` answers a web quiz round (t-http: 404 is right), wrongly unless `right`."""
    host = where("host", channel=f"c-{user}")
    [card] = (await core.quizzes.start(host, "web")).cards
    rid = card.action.split(":")[1]
    await core.quizzes.answer(
        where(user, channel=f"c-{user}"), rid, letter(card, "404" if right else "500")
    )
    await core.quizzes.stop(host)
    return card


async def say(core: Core, text: str, user: str = "ann") -> Card:
    [card] = (await dispatch(core, where(user), text)).cards
    return card


async def test_a_missed_question_comes_back_a_day_later_privately(
    core: Core, clock: FakeClock
) -> None:
    await miss_web_quiz(core)
    status = await say(core, "/review status")
    assert "0 of 1 item(s) due now" in status.text and "in 24 h" in status.text
    assert (await say(core, "/review")).title == "Review"  # nothing due yet: the status
    clock.advance(hours=24)
    asked = await say(core, "/review")
    assert asked.title.startswith("Review · web")
    assert "Not Found" in asked.text and asked.visibility is Visibility.EPHEMERAL
    assert "/review answer" in asked.footer
    graded = await say(core, f"/review answer {letter(asked, '404')}")
    assert graded.title.startswith("Right") and graded.visibility is Visibility.EPHEMERAL
    assert "Next time for this one" in graded.footer
    after = await say(core, "/review status")
    assert "0 of 1 item(s) due now" in after.text


async def test_a_wrong_review_comes_back_sooner_than_a_right_one(
    core: Core, clock: FakeClock
) -> None:
    for user in ("ann", "bob"):
        await miss_web_quiz(core, user)
    clock.advance(hours=24)
    now = to_ms(clock.now())
    for user, choice in (("ann", "404"), ("bob", "500")):
        asked = await say(core, "/review", user)
        await say(core, f"/review answer {letter(asked, choice)}", user)
    [ann] = await core.store.review_items("test", "t1", "ann")
    [bob] = await core.store.review_items("test", "t1", "bob")
    assert now < bob.due_ms < ann.due_ms
    assert ann.reviews == bob.reviews == 1


async def test_right_answers_make_no_item_and_items_are_per_person(core: Core) -> None:
    await miss_web_quiz(core, "ann", right=True)
    await miss_web_quiz(core, "bob")
    assert "Nothing to review yet" in (await say(core, "/review status", "ann")).text
    assert "of 1 item" in (await say(core, "/review status", "bob")).text
    other_team = (await core.reviews.status(where("bob", team="t2"))).text
    assert "Nothing to review yet" in other_team


async def test_an_answer_counts_once_and_bad_input_changes_nothing(
    core: Core, clock: FakeClock
) -> None:
    with pytest.raises(UserError, match="Nothing to answer"):
        await say(core, "/review answer A")
    await miss_web_quiz(core)
    clock.advance(hours=25)
    asked = await say(core, "/review")
    with pytest.raises(UserError, match="letters"):
        await say(core, "/review answer Z")
    with pytest.raises(UserError, match="Write your answer"):
        await say(core, "/review answer")
    [before] = await core.store.review_items("test", "t1", "ann")
    assert before.reviews == 0
    right = letter(asked, "404")
    await say(core, f"/review answer {right}")
    with pytest.raises(UserError, match=r"Nothing to answer|already answered"):
        await say(core, f"/review answer {right}")  # a redelivered command
    [after] = await core.store.review_items("test", "t1", "ann")
    assert after.reviews == 1


async def test_a_stale_answer_reschedules_once(core: Core, clock: FakeClock) -> None:
    """Two deliveries of one answer that both read the item before either wrote."""
    await miss_web_quiz(core)
    clock.advance(hours=25)
    await say(core, "/review")
    [item] = await core.store.review_items("test", "t1", "ann")
    args = {"was_due_ms": item.due_ms, "card": item.card, "score": 1.0, "ms": 1}
    first = await core.store.reschedule_review(
        "test", "t1", "ann", item.question_id, due_ms=item.due_ms + 10, **args
    )
    second = await core.store.reschedule_review(
        "test", "t1", "ann", item.question_id, due_ms=item.due_ms + 20, **args
    )
    assert (first, second) == (True, False)


async def test_a_missed_interview_question_comes_back_for_review(core: Core) -> None:
    await dispatch(core, where("ann"), "/interview start web 1")
    for _ in range(3):  # the answer, then whatever follow-ups it gets
        if await core.interviews.current(where("ann")) is None:
            break
        await dispatch(core, where("ann"), "/interview answer no idea, bananas")
    assert await core.interviews.current(where("ann")) is None  # the interview is over
    [item] = await core.store.review_items("test", "t1", "ann")
    assert item.source == "interview"


async def test_interview_misses_become_items_through_add(core: Core, clock: FakeClock) -> None:
    bank = await core.banks.for_team("test", "t1")
    q = bank.get("t-gen")
    assert q is not None
    at = to_ms(clock.now())
    assert await core.reviews.add(where("ann"), q, 0.5, at, "interview")
    assert not await core.reviews.add(where("ann"), q, 0.2, at + 5, "interview")  # already one
    assert not await core.reviews.add(where("ann"), q, 1.0, at, "interview")  # right: none
    [item] = await core.store.review_items("test", "t1", "ann")
    assert (item.source, item.topic) == ("interview", q.topic)


async def test_export_is_an_anki_text_import(core: Core) -> None:
    with pytest.raises(UserError, match="Nothing to export"):
        await core.reviews.export(where("ann"))
    await miss_web_quiz(core)
    card = await core.reviews.export(where("ann"))
    assert card.file is not None and card.file.name == "interview-bot-review.txt"
    lines = card.file.data.decode("utf-8").splitlines()
    assert lines[:2] == ["#separator:tab", "#html:false"]
    [row] = [ln for ln in lines if not ln.startswith("#")]
    front, back, tags = row.split("\t")
    assert "Not Found" in front and "404" in back and "web" in tags
    shown = await say(core, "/review export")
    assert shown.file is not None and shown.visibility is Visibility.EPHEMERAL
    assert shown.file.data.startswith(b"#separator:tab") and "1 missed question" in shown.text


# --- the daily reminder -------------------------------------------------------------------


class Bot:
    """One bot process: its core, the daily scheduler with the reminder jobs, one platform."""

    def __init__(self, core: Core, poster: RecordingPoster, clock: FakeClock) -> None:
        self.core = core
        self.poster = poster
        self.scheduler = DailyScheduler(core.daily, clock, autorun=False)
        self.jobs = ReminderJobs(core.reminders, self.scheduler)
        self.scheduler.also_start.append(self.jobs.start)
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


def reminders(poster: RecordingPoster) -> list[str]:
    return [t.channel for t, c in poster.posts if c.title == "Time to review"]


async def test_reminder_at_the_persons_time_once_across_restart_and_two_instances(
    boot, clock: FakeClock
) -> None:  # type: ignore[no-untyped-def]
    clock.set(datetime(2026, 1, 4, 9, 0, tzinfo=UTC))
    a = await boot()
    await miss_web_quiz(a.core)  # due on the 5th at 09:00
    card = await say(a.core, "/review remind 18:00 Europe/Berlin")
    assert "18:00 (Europe/Berlin)" in card.text
    assert a.jobs.next_run("test", "t1", "ann") == datetime(2026, 1, 4, 17, 0, tzinfo=UTC)
    clock.set(datetime(2026, 1, 4, 17, 0, 1, tzinfo=UTC))
    await run_due(a.scheduler)
    assert reminders(a.poster) == []  # nothing due yet: no message
    b = await boot()  # a second instance on the same database
    clock.set(datetime(2026, 1, 5, 17, 0, 1, tzinfo=UTC))  # 18:00 in Berlin
    await run_due(a.scheduler)
    await run_due(b.scheduler)
    assert reminders(a.poster) == ["ann"]  # a direct message to the person
    [sent] = [c for _, c in a.poster.posts if c.title == "Time to review"]
    assert sent.visibility is Visibility.DIRECT and "1 question(s)" in sent.text
    await a.stop()
    clock.set(datetime(2026, 1, 5, 18, 0, tzinfo=UTC))
    c = await boot()  # a restart within the grace: the day is claimed
    await run_due(c.scheduler)
    assert reminders(c.poster) == ["ann"]
    clock.set(datetime(2026, 1, 6, 17, 0, 1, tzinfo=UTC))  # the next day, still due
    await run_due(b.scheduler)
    await run_due(c.scheduler)
    assert reminders(c.poster) == ["ann", "ann"]


async def test_a_reminder_missed_while_down_is_sent_at_start_and_off_stops_it(
    boot, clock: FakeClock
) -> None:  # type: ignore[no-untyped-def]
    clock.set(datetime(2026, 1, 4, 9, 0, tzinfo=UTC))
    a = await boot()
    await miss_web_quiz(a.core)
    await say(a.core, "/review remind 18:00")  # the team's timezone: UTC
    await a.stop()
    clock.set(datetime(2026, 1, 5, 19, 0, tzinfo=UTC))  # down over 18:00
    b = await boot()
    assert reminders(b.poster) == ["ann"]
    assert "Daily reminder at 18:00 (UTC)" in (await say(b.core, "/review status")).text
    card = await say(b.core, "/review remind off")
    assert "off" in card.text
    assert b.jobs.next_run("test", "t1", "ann") is None
    assert "Daily reminder" not in (await say(b.core, "/review status")).text
    clock.set(datetime(2026, 1, 6, 18, 0, 1, tzinfo=UTC))
    await run_due(b.scheduler)
    assert reminders(b.poster) == ["ann"]


async def test_a_crashed_send_is_taken_over_after_the_lease(core: Core, clock: FakeClock) -> None:
    now = to_ms(clock.now())
    assert await core.store.claim_review_reminder("test", "t1", "ann", "2026-01-05", now, 1000)
    assert not await core.store.claim_review_reminder(
        "test", "t1", "ann", "2026-01-05", now + 10, REMIND_LEASE_MS
    )
    later = now + REMIND_LEASE_MS + 1
    assert await core.store.claim_review_reminder(
        "test", "t1", "ann", "2026-01-05", later, REMIND_LEASE_MS
    )
    await core.store.mark_review_reminder_sent("test", "t1", "ann", "2026-01-05")
    assert not await core.store.claim_review_reminder(
        "test", "t1", "ann", "2026-01-05", later * 2, REMIND_LEASE_MS
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("/review remind 25:00", "not a time of day"),
        ("/review remind 18:00 Mars/Base", "not a timezone"),
        ("/review remind 18:00 UTC extra", "Use /review remind"),
        ("/review sideways", "Use /review"),
    ],
)
async def test_bad_review_commands_say_so_and_change_nothing(
    core: Core, typed: str, message: str
) -> None:
    with pytest.raises(UserError, match=message):
        await say(core, typed)
    assert await core.store.review_reminders() == []
