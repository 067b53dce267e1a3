"""Request paths read one team's rows, in one query where a page needs many.

A spy around the store records which store methods a request calls: a `/quiz` start looks
for due rounds in its own channel only (the ticker closes everyone else's), and a leaderboard
page reads all its streaks in one query, not one per row.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.clock import FakeClock, to_ms
from bot.domain.periods import local_keys
from bot.domain.records import AnswerRow, Round
from bot.services.container import Core
from tests.support.builders import where
from tests.support.spy import spy_on


async def test_a_quiz_start_closes_only_its_own_channels_due_rounds(
    core: Core, clock: FakeClock
) -> None:
    now = to_ms(clock.now())
    elsewhere = Round(
        "r-other", "test", "t2", "c1", "quiz", "q", "python", "u9", now - 9_000, now - 1_000
    )
    await core.store.open_round(elsewhere)
    spy = spy_on(core)
    await core.quizzes.start(where("u1"))
    assert spy.calls["due_rounds"] == 0  # no scan of every team's rounds
    got = await core.store.get_round("test", "t2", "r-other")
    assert got is not None and got.closed_ms is None  # left to the ticker
    await core.rounds.close_due()  # the ticker's sweep over every team
    got = await core.store.get_round("test", "t2", "r-other")
    assert got is not None and got.closed_ms is not None


def right(user: str, when: Any, n: int) -> AnswerRow:
    day, week, month = local_keys(when, "UTC")
    return AnswerRow(
        platform="test",
        team="t1",
        user_id=user,
        context=f"quiz:s{user}{n}",
        question_id="q",
        source="quiz",
        channel="c1",
        topic="python",
        display_name=user.upper(),
        answer="A",
        score=1.0,
        verdict="correct",
        correct=True,
        points=10 - n % 3,
        ranked=True,
        elapsed_ms=1000,
        answered_ms=to_ms(when),
        day=day,
        week=week,
        month=month,
    )


async def test_a_leaderboard_page_reads_its_streaks_in_one_query(
    core: Core, clock: FakeClock
) -> None:
    now = clock.now()
    users = [f"p{i:02d}" for i in range(12)]
    for i, u in enumerate(users):
        for d in reversed(range(1 + i % 3)):  # streaks of 1, 2 and 3 days
            await core.store.record_answer(right(u, now - timedelta(days=d), d))
    spy = spy_on(core)
    card = await core.leaderboards.board(where("p07"), "all", top=6)
    lines = card.text.splitlines()
    assert len(lines) == 8 and lines[6] == "…" and "P07" in lines[7]
    assert [line.endswith(" · 🔥3") for line in lines[:4]] == [True] * 4
    assert lines[7].endswith(" · 🔥2")
    assert spy.calls["streak"] == 0 and spy.calls["streaks"] == 1
