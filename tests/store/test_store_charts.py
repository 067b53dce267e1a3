"""The store's chart queries on every backend: active days, earlier interviews per topic,
and the week's movers (SQLite always, PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.domain.records import BoardMove, InterviewTopicScore
from bot.store import Store, open_store
from tests.support.builders import P, T
from tests.support.builders import answer_row as ans


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    s = open_store(store_url)
    await s.connect()
    yield s
    await s.close()


async def test_active_days_count_answers_per_local_day_since_a_day(store: Store) -> None:
    for i, day in enumerate(["2026-01-01", "2026-01-05", "2026-01-05", "2026-01-07"]):
        await store.record_answer(ans("u1", f"quiz:r{i}", day=day, ms=i, correct=i % 2 == 0))
    await store.record_answer(ans("u1", "interview:s1", day="2026-01-07", ms=9, ranked=False))
    await store.record_answer(ans("u2", "quiz:r0", day="2026-01-06", ms=1))
    await store.record_answer(ans("u1", "quiz:r9", day="2026-01-06", team="t2", ms=1))
    assert await store.active_days(P, T, "u1", "2026-01-05") == {  # from that day on
        "2026-01-05": 2,
        "2026-01-07": 2,
    }
    assert await store.active_days(P, T, "nobody", "2026-01-01") == {}


async def test_interview_topic_scores_per_session_and_topic_oldest_first(store: Store) -> None:
    rows = [
        ("interview:s1", "q1", "python", 1.0, 100),
        ("interview:s1", "q2", "python", 0.5, 110),
        ("interview:s1", "q3", "web", 0.25, 120),
        ("interview:s2", "q1", "python", 0.0, 200),
        ("interview:s3", "q1", "python", 1.0, 900),  # the interview the report is about
        ("quiz:r1", "q1", "python", 1.0, 150),  # not an interview
    ]
    for ctx, q, topic, score, ms in rows:
        await store.record_answer(
            ans("u1", ctx, q, topic=topic, score=score, ms=ms, ranked=ctx.startswith("quiz"))
        )
    await store.record_answer(ans("u2", "interview:s9", topic="python", ms=50, ranked=False))
    assert await store.interview_topic_scores(P, T, "u1", 900) == [
        InterviewTopicScore("s1", "python", 1.5, 2, 100),
        InterviewTopicScore("s1", "web", 0.25, 1, 120),
        InterviewTopicScore("s2", "python", 0.0, 1, 200),
    ]
    assert await store.interview_topic_scores(P, "t2", "u1", 900) == []


async def test_movers_rank_the_rise_over_the_week_before(store: Store) -> None:
    last, this = "2026-01-01", "2026-01-08"  # ISO weeks 2026-W01 and 2026-W02
    for user, points, day in [
        ("a", 50, last),
        ("a", 60, this),  # +10
        ("b", 40, this),  # +40 (absent last week)
        ("c", 90, last),
        ("c", 20, this),  # fell: not a mover
        ("d", 40, this),  # +40, after b by user id
    ]:
        await store.record_answer(ans(user, f"quiz:{user}{day}", day=day, points=points, ms=1))
    got = await store.movers(P, T, "team", "week:2026-W02", "week:2026-W01", 10)
    assert got == [
        BoardMove("b", "B", 40, 0),
        BoardMove("d", "D", 40, 0),
        BoardMove("a", "A", 60, 50),
    ]
    assert len(await store.movers(P, T, "team", "week:2026-W02", "week:2026-W01", 2)) == 2
    assert await store.movers(P, "t2", "team", "week:2026-W02", "week:2026-W01", 10) == []
