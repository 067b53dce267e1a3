"""A round's reveal goes out once: a post that fails for a passing reason is tried again on a
later tick, a channel that is gone is given up on, and two bot processes on one database
never post it twice. Every test runs on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from bot.clock import FakeClock
from bot.domain.values import Card, Target
from bot.questions.bank import QuestionBank
from bot.services.container import Core, build_core
from bot.services.rounds import REVEAL_LEASE_MS
from bot.services.ticker import tick
from interview_bot.config import Settings
from tests.support.builders import letter, where
from tests.support.packs import TEST_PACKS
from tests.support.poster import RecordingPoster


class FlakyPoster(RecordingPoster):
    """A platform whose next `fail` posts fail as a 500 would (not ChannelUnavailable)."""

    def __init__(self, fail: int = 0) -> None:
        super().__init__()
        self.fail = fail
        self.failed = 0

    async def post(self, target: Target, card: Card) -> str:
        if self.fail:
            self.fail -= 1
            self.failed += 1
            raise RuntimeError("500 internal_error")
        return await super().post(target, card)


Boot = Callable[[FlakyPoster], Awaitable[Core]]


@pytest.fixture
async def boot(store_url: str, clock: FakeClock, bank: QuestionBank) -> AsyncIterator[Boot]:
    """Start a bot process on the test's database, posting through `poster`."""
    cores: list[Core] = []

    async def start(poster: FlakyPoster) -> Core:
        settings = Settings(
            _env_file=None,
            database_url=store_url,  # type: ignore[call-arg]
            questions_dir=TEST_PACKS,
            semantic_grading=False,
        )
        core = await build_core(settings, clock=clock, bank=bank, rng=random.Random(7))
        core.outbox.register("test", poster)
        cores.append(core)
        return core

    yield start
    for core in cores:
        await core.close()


async def a_round_that_ran_out(core: Core, clock: FakeClock) -> None:
    start = await core.quizzes.start(where("alice"), "web")
    rid = start.cards[0].action.removeprefix("quiz:")
    await core.quizzes.answer(where("bob"), rid, letter(start.cards[0], "404"))
    clock.advance(61)


async def test_a_reveal_that_fails_to_post_is_posted_on_a_later_tick(
    boot: Boot, clock: FakeClock
) -> None:
    poster = FlakyPoster(fail=1)
    core = await boot(poster)
    await a_round_that_ran_out(core, clock)
    await tick(core)
    assert poster.failed == 1 and poster.titled("Round over") == []
    clock.advance(5)
    await tick(core)  # not at once: the failed attempt's claim still holds
    assert poster.failed == 1 and poster.titled("Round over") == []
    clock.advance(REVEAL_LEASE_MS / 1000)
    await tick(core)
    [reveal] = poster.titled("Round over", "c1")
    assert "BOB (+" in dict(reveal.fields)["Got it (1/1)"]
    clock.advance(3600)
    await tick(core)
    assert len(poster.titled("Round over")) == 1  # never twice


async def test_a_stopped_round_whose_reveal_failed_is_revealed_later(
    boot: Boot, clock: FakeClock
) -> None:
    poster = FlakyPoster(fail=1)
    core = await boot(poster)
    await core.quizzes.start(where("alice"), "web")
    await core.quizzes.stop(where("alice"))
    assert poster.titled("Round over") == []
    clock.advance(REVEAL_LEASE_MS / 1000)
    await tick(core)
    assert len(poster.titled("Round over")) == 1


async def test_a_reveal_to_a_channel_that_is_gone_is_given_up(boot: Boot, clock: FakeClock) -> None:
    poster = FlakyPoster()
    poster.gone.add("c1")
    core = await boot(poster)
    await a_round_that_ran_out(core, clock)
    await tick(core)
    poster.gone.clear()  # even if it comes back, that round's reveal is not owed any more
    clock.advance(3600)
    await tick(core)
    assert poster.titled("Round over") == []


async def test_two_processes_post_one_reveal_and_retry_a_failed_one_once(
    boot: Boot, clock: FakeClock
) -> None:
    first, second = FlakyPoster(fail=1), FlakyPoster()
    one, two = await boot(first), await boot(second)

    def reveals() -> int:
        return len(first.titled("Round over")) + len(second.titled("Round over"))

    # both processes tick at the same moment: one reveal between them
    await a_round_that_ran_out(one, clock)
    first.fail = 0
    await asyncio.gather(tick(one), tick(two), tick(one), tick(two))
    assert reveals() == 1
    # the next round: the first process's post fails; neither posts while its claim holds,
    # then exactly one of them posts it, once
    clock.advance(1)
    await a_round_that_ran_out(one, clock)
    first.fail = 1
    await tick(one)
    assert first.failed == 1 and reveals() == 1
    await asyncio.gather(tick(one), tick(two))
    assert reveals() == 1
    clock.advance(REVEAL_LEASE_MS / 1000)
    await asyncio.gather(tick(one), tick(two), tick(one), tick(two))
    assert reveals() == 2
    clock.advance(3600)
    await asyncio.gather(tick(one), tick(two))
    assert reveals() == 2


async def test_a_process_without_the_platform_leaves_the_reveal_to_the_one_with_it(
    store_url: str, boot: Boot, clock: FakeClock, bank: QuestionBank
) -> None:
    """A console (or a Slack-only process) on the same database as the Discord one must not
    use up another platform's reveal: it stays owed until the process that runs it posts."""
    poster = FlakyPoster()
    core = await boot(poster)
    await a_round_that_ran_out(core, clock)
    settings = Settings(
        _env_file=None,
        database_url=store_url,  # type: ignore[call-arg]
        questions_dir=TEST_PACKS,
        semantic_grading=False,
    )
    elsewhere = await build_core(settings, clock=clock, bank=bank)
    try:
        await tick(elsewhere)  # closes the round, but posts nothing for "test"
        await tick(elsewhere)
    finally:
        await elsewhere.close()
    assert poster.titled("Round over") == []
    await tick(core)
    assert len(poster.titled("Round over")) == 1
