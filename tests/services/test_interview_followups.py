"""Follow-ups, hints, adaptive estimates and resuming, through the interview service on both
backends, with the interview test pack (tests/data/interview_pack)."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.domain.values import Card, UserError, Where
from bot.questions.bank import QuestionBank
from bot.services.container import Core, build_core
from interview_bot.config import Settings
from tests.support.builders import where

PACK = Path(__file__).resolve().parents[1] / "data" / "interview_pack"
GIL_WRONG = "The GIL means Python programs can only ever have one thread, so threads are useless."


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        _env_file=None,
        database_url=database_url,  # type: ignore[call-arg]
        questions_dir=PACK,
        semantic_grading=False,
    )


def only(*ids: str) -> QuestionBank:
    return QuestionBank(q for q in QuestionBank.from_dir(PACK) if q.id in ids)


@pytest.fixture
async def core(settings: Settings, clock: FakeClock) -> AsyncIterator[Core]:
    c = await build_core(
        settings, clock=clock, bank=only("iv-generator", "iv-gil"), rng=random.Random(2)
    )
    yield c
    await c.close()


async def start_on(core: Core, who: Where, qid: str) -> Card:
    topic_hard = {"iv-generator": "medium", "iv-gil": "hard"}[qid]
    reply = await core.interviews.start(who, "python", topic_hard, 1)
    return reply.cards[1]


async def test_a_missed_point_gets_the_packs_follow_up_and_its_credit_is_merged(
    core: Core,
) -> None:
    await start_on(core, where("ann"), "iv-generator")
    r = await core.interviews.answer(where("ann"), "It uses yield and gives values lazily.")
    noted, fu = r.cards
    assert "So far you covered" in noted.text and "Missing" not in noted.text  # not told yet
    assert fu.title == "Follow-up 1 · question 1/1 · python"
    assert fu.text == "Where does the function carry on from when the next value is asked for?"
    r = await core.interviews.answer(where("ann"), "It resumes where it was paused, state kept.")
    feedback, report = r.cards
    assert feedback.title.startswith("Right · ") and feedback.title.endswith("after a follow-up")
    assert "After a follow-up: you covered keeps its state between values." in feedback.text
    lines = dict(report.fields)["1. What does a generator function do?"]
    assert "after a follow-up" in lines
    assert "✓ keeps its state between values (after a follow-up): “It resumes" in lines


async def test_a_stated_misconception_gets_a_follow_up(core: Core) -> None:
    await start_on(core, where("ann"), "iv-gil")
    r = await core.interviews.answer(where("ann"), GIL_WRONG)
    noted, fu = r.cards
    assert "needs a second look" in noted.text
    assert fu.text.startswith("You said something close to “The GIL means")
    assert fu.title.startswith("Follow-up 1")
    feedback, report = (await core.interviews.skip(where("ann"))).cards
    assert "common misconception" in feedback.text
    lines = "\n".join(v for _, v in report.fields)
    assert "✗ a misconception: “The GIL means Python programs can only ever have one" in lines


async def test_the_follow_up_limit_is_a_team_setting(core: Core) -> None:
    admin = Where("test", "t1", "c1", "ann", "Ann", is_admin=True)
    await core.settings.set(admin, "interview_follow_ups", "0")
    await start_on(core, admin, "iv-generator")
    r = await core.interviews.answer(admin, "It uses yield and gives values lazily.")
    feedback, report = r.cards
    assert feedback.title.startswith("Partly right") and report.title.startswith("Interview")


async def test_a_restart_resumes_the_pending_follow_up(
    settings: Settings, clock: FakeClock
) -> None:
    one = await build_core(settings, clock=clock, bank=only("iv-generator"))
    await start_on(one, where("ann"), "iv-generator")
    [_, asked] = (await one.interviews.answer(where("ann"), "yield, lazily")).cards
    await one.close()
    two = await build_core(settings, clock=clock, bank=only("iv-generator"))
    try:
        note, again = (await two.interviews.start(where("ann"))).cards
        assert "a follow-up to question 1 of 1" in note.text
        assert again.title == asked.title and again.text == asked.text
        r = await two.interviews.answer(where("ann"), "It keeps its state between values.")
        assert r.cards[0].title.endswith("after a follow-up")
    finally:
        await two.close()


async def test_a_late_follow_up_reply_is_not_graded_and_the_interview_moves_on(
    core: Core, clock: FakeClock
) -> None:
    await start_on(core, where("ann"), "iv-generator")
    await core.interviews.answer(where("ann"), "yield, lazily")
    clock.advance(601)
    r = await core.interviews.answer(where("ann"), "It keeps its state between values.")
    feedback, report = r.cards
    assert feedback.text.startswith("Time's up for the follow-up.")
    assert feedback.title.startswith("Partly right")  # the first answer's credit stays
    assert report.title.startswith("Interview report")


async def test_ending_during_a_follow_up_keeps_the_answer(core: Core) -> None:
    await start_on(core, where("ann"), "iv-generator")
    await core.interviews.answer(where("ann"), "yield, lazily")
    cards = (await core.interviews.end(where("ann"))).cards
    assert cards[0].title.startswith("Partly right")
    assert "of 1 (" in cards[-1].text and "ended early" in cards[-1].text
    with pytest.raises(UserError, match="no interview in progress"):
        await core.interviews.answer(where("ann"), "more")


async def test_hints_one_per_question_not_during_a_follow_up(core: Core) -> None:
    await start_on(core, where("ann"), "iv-generator")
    await core.interviews.answer(where("ann"), "yield, lazily")
    with pytest.raises(UserError, match="Hints are for the question itself"):
        await core.interviews.hint(where("ann"))


async def test_each_graded_question_moves_the_estimate_once(core: Core) -> None:
    before = await core.abilities.rating(where("ann"), "python")
    await start_on(core, where("ann"), "iv-generator")
    await core.interviews.answer(where("ann"), "yield, lazily")  # a follow-up: not yet
    assert await core.abilities.rating(where("ann"), "python") == before
    await core.interviews.answer(where("ann"), "It keeps its state between values.")
    after = await core.abilities.rating(where("ann"), "python")
    assert after != before
    await start_on(core, where("ann"), "iv-gil")
    await core.interviews.skip(where("ann"))  # skipped: nothing graded, nothing moves
    assert await core.abilities.rating(where("ann"), "python") == after


async def test_over_long_answers_are_refused_with_the_limit_and_nothing_lost(
    core: Core,
) -> None:
    await start_on(core, where("ann"), "iv-generator")
    with pytest.raises(UserError, match=r"the limit is .*Nothing was recorded"):
        await core.interviews.answer(where("ann"), "yield " * 10_000)
    s = await core.interviews.current(where("ann"))
    assert s is not None and s.position == 0
