"""The Store contract, run on every backend: SQLite always, PostgreSQL with TEST_DATABASE_URL.

Each test gets a connected empty store (a fresh SQLite file, or a fresh PostgreSQL schema).
Numbers are asserted as literals, so both backends give the same ones for the same rows.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.domain.records import (
    Advance,
    AnswerRow,
    Appeal,
    QuestionStatus,
    Recorded,
    Rescore,
    Streak,
    TeamPack,
    TopicStats,
    TotalRow,
)
from bot.store import Store, open_store
from bot.store.errors import LoadError, NotEmpty, RoundOpen, SessionActive
from bot.store.migrations import load_migrations
from bot.store.protocol import ALL_TEAMS, MIN_PLAYER_ANSWERS
from bot.store.rows import TABLES
from tests.support.builders import P, T
from tests.support.builders import answer_row as ans
from tests.support.builders import round_ as rnd
from tests.support.builders import schedule as sched
from tests.support.builders import session as sess
from tests.support.season import boards, season


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    s = open_store(store_url)
    await s.connect()
    yield s
    await s.close()


@pytest.fixture
async def other(store_url: str, store: Store) -> AsyncIterator[Store]:
    """A second store on the same database: another pool / connection, as another process."""
    s = open_store(store_url)
    await s.connect()
    yield s
    await s.close()


def backend(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgres"


# --- migrations ---------------------------------------------------------------------------


async def test_migrations_apply_once_and_survive_a_restart(store_url: str, store: Store) -> None:
    latest = max(v for v, _, _ in load_migrations(backend(store_url)))
    assert latest == max(v for v, _, _ in load_migrations("sqlite"))  # same numbering
    assert await store.schema_version() == latest
    await store.set_setting(P, T, "", "timezone", "Europe/Berlin")
    again = open_store(store_url)
    await again.connect()  # a restart applies nothing twice and keeps the data
    try:
        assert await again.schema_version() == latest
        assert await again.get_settings(P, T, "c1") == {"timezone": "Europe/Berlin"}
    finally:
        await again.close()


def test_both_backends_have_the_same_migrations() -> None:
    assert [(v, n) for v, n, _ in load_migrations("sqlite")] == [
        (v, n) for v, n, _ in load_migrations("postgres")
    ]


# --- settings -----------------------------------------------------------------------------


async def test_settings_overlay_channel_on_team(store: Store) -> None:
    await store.set_setting(P, T, "", "quiz_seconds", "30")
    await store.set_setting(P, T, "", "timezone", "UTC")
    await store.set_setting(P, T, "c1", "quiz_seconds", "10")
    assert await store.get_settings(P, T, "c1") == {"quiz_seconds": "10", "timezone": "UTC"}
    assert await store.get_settings(P, T, "c2") == {"quiz_seconds": "30", "timezone": "UTC"}
    await store.set_setting(P, T, "", "timezone", "Europe/Berlin")  # an update, not a second row
    assert (await store.get_settings(P, T, "c2"))["timezone"] == "Europe/Berlin"
    await store.set_setting(P, T, "c1", "quiz_seconds", None)
    assert (await store.get_settings(P, T, "c1"))["quiz_seconds"] == "30"
    await store.set_setting(P, T, "c9", "never", None)  # deleting what is not there is fine
    assert await store.get_settings(P, "other", "c1") == {}
    assert await store.get_settings("other", T, "c1") == {}


# --- rounds -------------------------------------------------------------------------------


async def test_one_open_round_per_channel_and_kind(store: Store) -> None:
    await store.open_round(rnd("r1"))
    with pytest.raises(RoundOpen):
        await store.open_round(rnd("r2"))
    await store.open_round(rnd("r3", kind="daily"))  # another kind
    await store.open_round(rnd("r4", channel="c2"))  # another channel
    await store.open_round(rnd("r5", team="t2"))  # another team
    assert (await store.open_round_in(P, T, "c1", "quiz")) == rnd("r1")
    assert (await store.open_round_in(P, T, "c1", "daily")) == rnd("r3", kind="daily")
    assert await store.open_round_in(P, T, "c3", "quiz") is None
    assert await store.close_round(P, T, "r1", 500)
    assert await store.open_round_in(P, T, "c1", "quiz") is None
    await store.open_round(rnd("r6"))  # the channel is free again
    assert await store.get_round(P, T, "r1") == replace(rnd("r1"), closed_ms=500)
    assert await store.get_round(P, "t2", "r1") is None  # teams never mix
    assert await store.get_round(P, T, "nope") is None


async def test_concurrent_opens_leave_one_round(store: Store, other: Store) -> None:
    await warm(store, other)
    results = await asyncio.gather(
        *(s.open_round(rnd(f"r{i}")) for i, s in enumerate([store, other] * 5)),
        return_exceptions=True,
    )
    assert sum(r is None for r in results) == 1
    assert all(isinstance(r, RoundOpen) for r in results if r is not None)


async def test_a_round_closes_exactly_once(store: Store, other: Store) -> None:
    await warm(store, other)
    await store.open_round(rnd("r1"))
    closed = await asyncio.gather(
        *(s.close_round(P, T, "r1", 1_000 + i) for i, s in enumerate([store, other] * 8))
    )
    assert closed.count(True) == 1
    assert not await store.close_round(P, T, "r1", 9_999)
    assert not await store.close_round(P, "t2", "r1", 9_999)
    got = await store.get_round(P, T, "r1")
    assert got is not None and got.closed_ms in range(1_000, 1_016)


async def test_due_rounds(store: Store) -> None:
    assert await store.due_rounds(10**12) == []
    await store.open_round(rnd("late", channel="c1", closes=30_000))
    await store.open_round(rnd("early", channel="c2", closes=20_000, team="t2"))
    await store.open_round(rnd("later", channel="c3", closes=90_000))
    await store.open_round(rnd("gone", channel="c4", closes=10_000))
    await store.close_round(P, T, "gone", 5_000)
    assert [r.id for r in await store.due_rounds(19_999)] == []
    assert [r.id for r in await store.due_rounds(30_000)] == ["early", "late"]  # every team
    assert [r.id for r in await store.due_rounds_in(P, T, "c1", 30_000)] == ["late"]
    assert await store.due_rounds_in(P, T, "c2", 30_000) == []  # t2's c2, not t1's
    assert await store.due_rounds_in(P, T, "c1", 29_999) == []
    await store.set_round_message(P, T, "late", "msg-7")
    assert (await store.get_round(P, T, "late")).message_ref == "msg-7"  # type: ignore[union-attr]
    await store.set_round_message(P, "t2", "late", "other-team")  # touches nothing
    assert (await store.get_round(P, T, "late")).message_ref == "msg-7"  # type: ignore[union-attr]


async def test_rounds_between(store: Store) -> None:
    for i, opened in enumerate([100, 200, 300, 400]):
        await store.open_round(rnd(f"d{i}", kind="daily", opened=opened, closes=opened + 50))
        await store.close_round(P, T, f"d{i}", opened + 50)
    await store.open_round(rnd("q", kind="quiz", opened=250))
    got = await store.rounds_between(P, T, "c1", "daily", 200, 400)
    assert [r.id for r in got] == ["d1", "d2"]
    assert await store.rounds_between(P, "t2", "c1", "daily", 0, 1_000) == []


# --- answers ------------------------------------------------------------------------------


async def test_an_answer_is_written_once_and_reads_back_whole(store: Store) -> None:
    await store.open_round(rnd("r1"))
    row = ans("u1", score=0.75, name="Zoë ✓")
    first = await store.record_answer(row)
    assert first.inserted and first.first_correct
    again = await store.record_answer(replace(row, answer="changed", points=99))
    assert not again.inserted and not again.first_correct
    got = await store.get_answer(P, T, "u1", "quiz:r1", "q1")
    assert got == replace(row, first_correct=True)
    assert await store.get_answer(P, "t2", "u1", "quiz:r1", "q1") is None
    top = await store.top(P, T, "team", "all", 10)
    assert top == [TotalRow("u1", "Zoë ✓", 10, 1, 1, rank=1)]  # the repeat counted nothing


async def test_context_answers_in_time_order(store: Store) -> None:
    await store.record_answer(ans("b", ms=3_000))
    await store.record_answer(ans("a", ms=3_000, correct=False, points=0))
    await store.record_answer(ans("c", ms=1_000))
    await store.record_answer(ans("x", context="quiz:r2", ms=500))
    await store.record_answer(ans("y", team="t2", ms=500))
    rows = await store.context_answers(P, T, "quiz:r1")
    assert [(r.user_id, r.first_correct) for r in rows] == [("c", False), ("a", False), ("b", True)]
    assert [r.user_id for r in await store.context_answers(P, "t2", "quiz:r1")] == ["y"]


async def test_no_answer_once_the_round_is_closed(store: Store) -> None:
    await store.open_round(rnd("r1"))
    assert (await store.record_answer(ans("u1"))).inserted
    await store.close_round(P, T, "r1", 2_000)
    late = await store.record_answer(ans("u2"))
    assert late == Recorded(inserted=False, first_correct=False)
    assert [a.user_id for a in await store.context_answers(P, T, "quiz:r1")] == ["u1"]
    assert await store.board_size(P, T, "team", "all") == 1
    # interviews have no round: the guard does not apply
    assert (await store.record_answer(ans("u2", context="interview:s1", ranked=False))).inserted


async def warm(*stores: Store) -> None:
    """Open every connection a pool may use, so the racers below really run side by side."""
    await asyncio.gather(*(s.seen(P, T, "warm") for s in stores for _ in range(20)))


async def test_the_reveal_after_a_close_sees_every_accepted_answer(
    store: Store, other: Store
) -> None:
    """Answers racing the close: each one is either refused or in the closer's reveal."""
    await warm(store, other)
    stores = [store, other]
    for k in range(5):
        await store.open_round(rnd(f"r{k}", channel=f"c{k}"))

        async def close_and_reveal(k: int = k) -> list[str]:
            assert await other.close_round(P, T, f"r{k}", 5_000)
            return [a.user_id for a in await other.context_answers(P, T, f"quiz:r{k}")]

        rows = [ans(f"u{i:02d}", f"quiz:r{k}", ms=1_000 + i) for i in range(40)]
        calls = [stores[i % 2].record_answer(r) for i, r in enumerate(rows)]
        calls.insert(20, close_and_reveal())
        got = await asyncio.gather(*calls)
        revealed = got.pop(20)
        accepted = [r.user_id for r, g in zip(rows, got, strict=True) if g.inserted]
        assert sorted(revealed) == sorted(accepted)
        assert sorted(a.user_id for a in await store.context_answers(P, T, f"quiz:r{k}")) == sorted(
            accepted
        )


async def test_exactly_one_first_correct_under_concurrency(store: Store, other: Store) -> None:
    await warm(store, other)
    stores = [store, other]
    for k in range(5):
        await store.open_round(rnd(f"r{k}", channel=f"c{k}"))
        rows = [
            ans(
                f"u{i:02d}",
                f"quiz:r{k}",
                correct=i % 3 != 0,
                points=10 if i % 3 else 0,
                ms=1_000 + i,
            )
            for i in range(60)
        ]
        rows += rows[:20]  # repeated deliveries of the same answers
        got = await asyncio.gather(*(stores[i % 2].record_answer(r) for i, r in enumerate(rows)))
        assert sum(g.inserted for g in got) == 60
        assert sum(g.first_correct for g in got) == 1
        stored = await store.context_answers(P, T, f"quiz:r{k}")
        assert len(stored) == 60
        firsts = [a for a in stored if a.first_correct]
        assert len(firsts) == 1 and firsts[0].correct
    assert await store.board_size(P, T, "team", "all") == 60
    top = await store.top(P, T, "team", "all", 100)
    assert sum(r.answers for r in top) == 300
    assert sum(r.correct for r in top) == 200
    assert sum(r.points for r in top) == 2000
    # another context or question has its own first
    assert (await store.record_answer(ans("u01", question="q2"))).first_correct
    assert (await store.record_answer(ans("u01", context="quiz:r9"))).first_correct
    assert (await store.record_answer(ans("u01", team="t2"))).first_correct


async def test_a_wrong_answer_is_never_first(store: Store) -> None:
    assert not (await store.record_answer(ans("u1", correct=False, points=0))).first_correct
    assert (await store.record_answer(ans("u2"))).first_correct
    assert not (await store.record_answer(ans("u3"))).first_correct


# --- leaderboards -------------------------------------------------------------------------


async def _league(store: Store) -> None:
    """A small season: ties on points, on time, user ids that sort differently by locale."""
    rows = [
        ans("alice", "quiz:r1", ms=1_000, points=12, day="2026-01-05"),
        ans("Bob", "quiz:r1", ms=1_500, points=12, day="2026-01-05"),
        ans("bob", "quiz:r1", ms=1_500, points=12, day="2026-01-05"),
        ans("carol", "quiz:r1", ms=2_000, correct=False, points=0, day="2026-01-05"),
        ans(
            "carol",
            "quiz:r2",
            "q2",
            ms=90_000,
            points=15,
            day="2026-01-06",
            channel="c2",
            topic="web",
        ),
        ans(
            "alice",
            "quiz:r2",
            "q2",
            ms=91_000,
            correct=False,
            points=0,
            day="2026-01-06",
            channel="c2",
            topic="web",
        ),
        ans(
            "dave",
            "quiz:r2",
            "q2",
            ms=92_000,
            points=3,
            score=0.4,
            correct=False,
            day="2026-01-06",
            channel="c2",
            topic="web",
        ),
        ans("alice", "interview:s1", "q3", ms=95_000, points=0, ranked=False, day="2026-01-06"),
        ans(
            "Bob",
            "daily:d1",
            "q4",
            ms=3_000_000_000,
            points=11,
            day="2026-02-02",
            channel="c1",
            name="Bobby",
        ),
    ]
    for r in rows:
        await store.record_answer(r)


async def test_totals_and_ranks_with_ties(store: Store) -> None:
    await _league(store)
    assert await store.top(P, T, "team", "all", 10) == [
        TotalRow("Bob", "Bobby", 23, 2, 2, rank=1),
        TotalRow("carol", "CAROL", 15, 2, 1, rank=2),
        TotalRow("alice", "ALICE", 12, 2, 1, rank=3),  # reached 12 first
        TotalRow("bob", "BOB", 12, 1, 1, rank=4),  # same points and time: user id, bytewise
        TotalRow("dave", "DAVE", 3, 1, 0, rank=5),
    ]
    assert await store.top(P, T, "channel:c1", "day:2026-01-05", 10) == [
        TotalRow("alice", "ALICE", 12, 1, 1, rank=1),
        TotalRow("Bob", "BOB", 12, 1, 1, rank=2),  # "B" < "b"
        TotalRow("bob", "BOB", 12, 1, 1, rank=3),
        TotalRow("carol", "CAROL", 0, 1, 0, rank=4),
    ]
    assert [
        (r.user_id, r.points) for r in await store.top(P, T, "topic:web", "week:2026-W02", 10)
    ] == [("carol", 15), ("dave", 3), ("alice", 0)]
    assert [(r.user_id, r.points) for r in await store.top(P, T, "team", "month:2026-02", 10)] == [
        ("Bob", 11)
    ]
    assert await store.top(P, T, "team", "all", 2) == (await store.top(P, T, "team", "all", 10))[:2]
    for scope, period in [
        ("team", "all"),
        ("channel:c1", "day:2026-01-05"),
        ("topic:web", "week:2026-W02"),
        ("channel:c2", "month:2026-01"),
    ]:
        board = await store.top(P, T, scope, period, 100)
        assert await store.board_size(P, T, scope, period) == len(board)
        for row in board:
            assert await store.rank_of(P, T, scope, period, row.user_id) == row
    assert await store.rank_of(P, T, "team", "all", "nobody") is None
    assert await store.board_size(P, T, "team", "day:2026-03-01") == 0
    assert await store.top(P, "t2", "team", "all", 10) == []  # teams never mix


async def test_interview_answers_count_in_stats_not_boards(store: Store) -> None:
    await _league(store)
    assert await store.topic_stats(P, T, "alice") == [
        TopicStats("python", 2, 2, 2.0),
        TopicStats("web", 1, 0, 0.0),
    ]
    assert await store.topic_stats(P, T, "dave") == [TopicStats("web", 1, 0, 0.4)]
    assert await store.topic_stats(P, T, "nobody") == []
    assert await store.topic_stats(P, "t2", "alice") == []
    alice = await store.rank_of(P, T, "team", "all", "alice")
    assert alice is not None and alice.answers == 2  # the interview answer is not ranked


async def test_streaks(store: Store) -> None:
    days = [
        "2026-01-05",
        "2026-01-06",
        "2026-01-06",
        "2026-01-07",
        "2026-01-04",
        "2026-01-09",
        "2026-01-10",
    ]
    for i, day in enumerate(days):
        await store.record_answer(ans("u1", f"quiz:r{i}", day=day, ms=i))
    await store.record_answer(ans("u1", "quiz:wrong", day="2026-01-11", correct=False, ms=99))
    assert await store.streak(P, T, "u1") == Streak("u1", "U1", 2, 3, "2026-01-10")
    for i, day in enumerate(["2025-12-31", "2026-01-01"]):  # across a year end
        await store.record_answer(ans("u2", f"quiz:y{i}", day=day, ms=i))
    assert await store.streak(P, T, "u2") == Streak("u2", "U2", 2, 2, "2026-01-01")
    await store.record_answer(ans("u3", "interview:s1", day="2026-01-10", ranked=False))
    assert await store.streak(P, T, "u3") == Streak("u3", "U3", 1, 1, "2026-01-10")
    assert await store.streak(P, T, "nobody") is None
    assert await store.streak(P, "t2", "u1") is None
    assert [s.user_id for s in await store.top_streaks(P, T, "2026-01-09", 10)] == ["u1", "u3"]
    assert [s.user_id for s in await store.top_streaks(P, T, "2025-01-01", 10)] == [
        "u1",
        "u2",
        "u3",
    ]
    assert [s.user_id for s in await store.top_streaks(P, T, "2025-01-01", 1)] == ["u1"]


async def test_a_display_name_change_shows_on_the_board(store: Store) -> None:
    await store.record_answer(ans("u1", "quiz:r1", name="Old"))
    await store.record_answer(ans("u1", "quiz:r2", name="New"))
    assert (await store.top(P, T, "team", "all", 1))[0].display_name == "New"
    assert (await store.streak(P, T, "u1")).display_name == "New"  # type: ignore[union-attr]


# --- rotation -----------------------------------------------------------------------------


async def test_seen_marks_and_refreshes(store: Store) -> None:
    assert await store.seen(P, T, "channel:c1") == {}
    await store.mark_seen(P, T, "channel:c1", ["q1", "q2", "q1"], 100)
    await store.mark_seen(P, T, "channel:c1", [], 150)
    await store.mark_seen(P, T, "channel:c1", ["q2", "q3"], 200)
    await store.mark_seen(P, T, "user:u1", ["q1"], 300)
    await store.mark_seen(P, "t2", "channel:c1", ["q9"], 400)
    assert await store.seen(P, T, "channel:c1") == {"q1": 100, "q2": 200, "q3": 200}
    assert await store.seen(P, T, "user:u1") == {"q1": 300}
    assert await store.seen(P, "t2", "channel:c1") == {"q9": 400}


# --- sessions -----------------------------------------------------------------------------


async def test_sessions_one_active_per_user(store: Store) -> None:
    await store.create_session(sess("s1"))
    assert await store.get_session(P, T, "s1") == sess("s1")
    assert await store.active_session(P, T, "u1") == sess("s1")
    with pytest.raises(SessionActive):
        await store.create_session(sess("s2"))
    await store.create_session(sess("s3", team="t2"))  # the same user in another team
    await store.update_session(P, T, "s1", status="ended", finished_ms=9)
    await store.update_session(P, T, "s1")  # nothing to change
    assert await store.active_session(P, T, "u1") is None
    got = await store.get_session(P, T, "s1")
    assert got == replace(sess("s1"), status="ended", finished_ms=9)
    await store.create_session(sess("s2"))
    await store.update_session(P, T, "s2", position=2, question_started_ms=77)
    assert await store.get_session(P, T, "s2") == replace(
        sess("s2"), position=2, question_started_ms=77
    )
    await store.update_session(P, "t2", "s2", position=0)  # another team's id: untouched
    assert (await store.get_session(P, T, "s2")).position == 2  # type: ignore[union-attr]
    assert await store.get_session(P, "t2", "s1") is None


async def test_an_answer_advances_its_session_in_the_same_transaction(
    store: Store, other: Store
) -> None:
    await warm(store, other)
    await store.create_session(sess("s1"))
    row = ans("u1", "interview:s1", "q1", ranked=False, points=0)
    got = await asyncio.gather(
        *(s.record_answer(row, Advance("s1", 0, 5_000)) for s in [store, other] * 4)
    )
    assert sum(g.inserted for g in got) == 1
    s = await store.get_session(P, T, "s1")
    assert s is not None and (s.position, s.question_started_ms, s.status) == (1, 5_000, "active")
    # a stale position stores the answer but moves nothing
    assert (
        await store.record_answer(
            ans("u1", "interview:s1", "q2", ranked=False), Advance("s1", 0, 6_000)
        )
    ).inserted
    assert (await store.get_session(P, T, "s1")).position == 1  # type: ignore[union-attr]
    await store.record_answer(
        ans("u1", "interview:s1", "q3", ranked=False), Advance("s1", 1, 7_000, finish=True)
    )
    s = await store.get_session(P, T, "s1")
    assert s is not None
    assert (s.position, s.status, s.finished_ms) == (2, "finished", 7_000)
    assert await store.active_session(P, T, "u1") is None


# --- team packs ---------------------------------------------------------------------------


async def test_team_packs(store: Store) -> None:
    await store.add_team_pack(P, T, TeamPack("zeta", "id: zeta", "u1", 1))
    await store.add_team_pack(P, T, TeamPack("alpha", "id: alpha", "u1", 2))
    await store.add_team_pack(P, T, TeamPack("zeta", "id: zeta\nv: 2", "u2", 3))  # replaces
    await store.add_team_pack(P, "t2", TeamPack("mine", "id: mine", "u9", 4))
    assert await store.team_packs(P, T) == [
        TeamPack("alpha", "id: alpha", "u1", 2),
        TeamPack("zeta", "id: zeta\nv: 2", "u2", 3),
    ]
    assert not await store.remove_team_pack(P, T, "mine")  # another team's pack
    assert await store.remove_team_pack(P, T, "alpha")
    assert not await store.remove_team_pack(P, T, "alpha")
    assert [p.pack_id for p in await store.team_packs(P, T)] == ["zeta"]
    assert [p.pack_id for p in await store.team_packs(P, "t2")] == ["mine"]


async def test_a_team_pack_keeps_its_parsed_json(store: Store) -> None:
    """Issue 12: the validated pack is stored beside its YAML, and replaced with it."""
    await store.add_team_pack(P, T, TeamPack("p", "id: p", "u1", 1, '{"id": "p"}'))
    assert (await store.team_packs(P, T))[0].parsed == '{"id": "p"}'
    await store.add_team_pack(P, T, TeamPack("p", "id: p\nv: 2", "u1", 2, '{"id": "p", "v": 2}'))
    [again] = await store.team_packs(P, T)
    assert (again.source, again.parsed) == ("id: p\nv: 2", '{"id": "p", "v": 2}')
    await store.add_team_pack(P, T, TeamPack("old", "id: old", "u1", 3))  # none: parse the YAML
    assert [p.parsed for p in await store.team_packs(P, T)] == ["", '{"id": "p", "v": 2}']


# --- daily questions ----------------------------------------------------------------------


async def test_schedules(store: Store) -> None:
    assert await store.get_schedule(P, T, "c1") is None
    await store.upsert_schedule(sched("c2"))
    await store.upsert_schedule(sched("c1"))
    await store.upsert_schedule(sched("c0", team="t0"))
    await store.upsert_schedule(sched("c3", status="off"))
    assert await store.get_schedule(P, T, "c1") == sched("c1")
    changed = replace(
        sched("c1"),
        post_time="08:00",
        topic=None,
        difficulty=3,
        open_minutes=None,
        recap_day=None,
        recap_time=None,
        updated_ms=9,
    )
    await store.upsert_schedule(changed)
    assert await store.get_schedule(P, T, "c1") == changed
    await store.set_schedule_status(P, T, "c2", "paused", "missing access", 10)
    assert await store.get_schedule(P, T, "c2") == replace(
        sched("c2"), status="paused", reason="missing access", updated_ms=10
    )
    assert [(s.team, s.channel) for s in await store.active_schedules()] == [
        ("t0", "c0"),
        (T, "c1"),
    ]
    assert [(s.team, s.channel) for s in await store.team_schedules(P, T)] == [(T, "c1")]
    assert await store.team_schedules(P, "t9") == []
    assert await store.get_schedule(P, "t2", "c1") is None


async def test_claims_one_winner_lease_and_posted(store: Store, other: Store) -> None:
    await warm(store, other)
    lease = 300_000
    got = await asyncio.gather(
        *(s.claim_daily(P, T, "c1", "post", "2026-01-05", 1_000, lease) for s in [store, other] * 6)
    )
    assert got.count(True) == 1
    assert not await store.claim_daily(P, T, "c1", "post", "2026-01-05", 1_000 + lease - 1, lease)
    # the claimant crashed before posting: after the lease, one other may take over
    got = await asyncio.gather(
        *(
            s.claim_daily(P, T, "c1", "post", "2026-01-05", 1_001 + lease, lease)
            for s in [store, other] * 6
        )
    )
    assert got.count(True) == 1
    await store.mark_daily_posted(P, T, "c1", "post", "2026-01-05", "round-1")
    assert not await other.claim_daily(P, T, "c1", "post", "2026-01-05", 10**12, lease)
    # each (channel, kind, day) and each team is its own claim
    assert await store.claim_daily(P, T, "c1", "post", "2026-01-06", 1_000, lease)
    assert await store.claim_daily(P, T, "c1", "recap", "2026-W02", 1_000, lease)
    assert await store.claim_daily(P, T, "c2", "post", "2026-01-05", 1_000, lease)
    assert await store.claim_daily(P, "t2", "c1", "post", "2026-01-05", 1_000, lease)


# --- teams never mix ----------------------------------------------------------------------


async def test_teams_never_mix(store: Store) -> None:
    await store.set_setting(P, T, "", "quiz_seconds", "30")
    await store.open_round(rnd("r1"))
    await store.record_answer(ans("u1"))
    await store.mark_seen(P, T, "channel:c1", ["q1"], 1)
    await store.create_session(sess("s1"))
    await store.upsert_schedule(sched("c1"))
    await store.add_team_pack(P, T, TeamPack("p", "id: p", "u1", 1))
    for platform, team in [(P, "t2"), ("other", T)]:
        assert await store.get_settings(platform, team, "c1") == {}
        assert await store.get_round(platform, team, "r1") is None
        assert await store.open_round_in(platform, team, "c1", "quiz") is None
        assert await store.context_answers(platform, team, "quiz:r1") == []
        assert await store.top(platform, team, "team", "all", 10) == []
        assert await store.streak(platform, team, "u1") is None
        assert await store.topic_stats(platform, team, "u1") == []
        assert await store.seen(platform, team, "channel:c1") == {}
        assert await store.active_session(platform, team, "u1") is None
        assert await store.get_schedule(platform, team, "c1") is None
        assert await store.team_packs(platform, team) == []
    # a round id of one team does not close another team's round
    assert not await store.close_round(P, "t2", "r1", 1)


# --- the same rows give the same boards on both backends ----------------------------------


async def test_the_same_rows_give_the_same_boards(tmp_path: Path, pg_url: str) -> None:
    """SQLite and PostgreSQL, fed the same answers, show every user the same numbers."""
    got = []
    for url in (f"sqlite:///{tmp_path / 'same.db'}", pg_url):
        store = open_store(url)
        await store.connect()
        try:
            for row in season():
                await store.record_answer(row)
            got.append(await boards(store))
        finally:
            await store.close()
    sqlite, postgres = got
    assert sqlite["top team all"]
    assert {k: v for k, v in postgres.items() if v != sqlite[k]} == {}


# --- appeals, flags and re-scoring ---------------------------------------------------------


def appeal(
    user: str = "u1",
    context: str = "quiz:r1",
    question: str = "q1",
    *,
    kind: str = "appeal",
    team: str = T,
) -> Appeal:
    return Appeal(
        id=0,
        platform=P,
        team=team,
        kind=kind,
        user_id=user,
        display_name=user.upper(),
        channel="c1",
        question_id=question,
        context=context if kind == "appeal" else "",
        reason="it is right",
        status="open",
        created_ms=5,
    )


def right(user: str, context: str = "quiz:r1", question: str = "q1", points: int = 15) -> Rescore:
    return Rescore(user, context, question, 1.0, "correct", True, points, "re-scored")


def wrong(user: str, context: str = "quiz:r1", question: str = "q1") -> Rescore:
    return Rescore(user, context, question, 0.0, "wrong", False, 0, "re-scored")


async def _boards(
    store: Store, team: str = T
) -> dict[tuple[str, str], list[tuple[str, int, int, int]]]:
    keys = [
        (s, p)
        for s in ("team", "channel:c1", "channel:c2", "topic:python", "topic:web")
        for p in (
            "all",
            "day:2026-01-05",
            "day:2026-01-06",
            "day:2026-01-07",
            "week:2026-W02",
            "month:2026-01",
        )
    ]
    return {
        k: [
            (r.user_id, r.points, r.answers, r.correct)
            for r in await store.top(P, team, k[0], k[1], 100)
        ]
        for k in keys
    }


async def test_appeals_are_filed_once_listed_and_kept_per_team(store: Store) -> None:
    await store.record_answer(ans("u1", correct=False, points=0))
    first = await store.add_appeal(appeal("u1"))
    assert first is not None
    assert await store.add_appeal(appeal("u1")) is None  # one appeal per answer
    flag = await store.add_appeal(appeal("u2", question="q9", kind="flag"))
    assert flag is not None and flag != first
    assert await store.add_appeal(appeal("u2", question="q9", kind="flag")) is None
    other_team = await store.add_appeal(appeal("u1", team="t2"))
    assert other_team is not None
    queue = await store.appeals(P, T)
    assert [(a.id, a.kind, a.user_id, a.question_id, a.context) for a in queue] == [
        (first, "appeal", "u1", "q1", "quiz:r1"),
        (flag, "flag", "u2", "q9", ""),
    ]
    assert [a.id for a in await store.appeals(P, "t2")] == [other_team]
    assert await store.get_appeal(P, T, other_team) is None  # another team's: not found
    got = await store.get_appeal(P, T, first)
    assert got is not None and got.reason == "it is right" and got.status == "open"


async def test_accepting_an_appeal_rescores_totals_and_streak_exactly_once(
    store: Store, other: Store
) -> None:
    await store.record_answer(ans("u1", "quiz:r0", day="2026-01-05", ms=1))
    await store.record_answer(ans("u1", "quiz:r1", day="2026-01-06", correct=False, points=0, ms=2))
    await store.record_answer(ans("u1", "quiz:r2", day="2026-01-07", ms=3))
    await store.record_answer(ans("u2", "quiz:r1", day="2026-01-06", points=12, ms=2))
    assert await store.streak(P, T, "u1") == Streak("u1", "U1", 1, 1, "2026-01-07")
    aid = await store.add_appeal(appeal("u1"))
    assert aid is not None
    # two admins accept at once, on two connections: one wins, the points move once
    results = await asyncio.gather(
        store.resolve_appeal(P, T, aid, "accepted", "admin", "ok", 9, right("u1")),
        other.resolve_appeal(P, T, aid, "accepted", "admin2", "ok", 9, right("u1")),
    )
    assert sorted(results) == [False, True]
    assert await store.resolve_appeal(P, T, aid, "accepted", "admin", "ok", 9, right("u1")) is False
    assert [
        (r.user_id, r.points, r.answers, r.correct)
        for r in await store.top(P, T, "team", "all", 10)
    ] == [("u1", 35, 3, 3), ("u2", 12, 1, 1)]
    assert [(r.user_id, r.points) for r in await store.top(P, T, "team", "day:2026-01-06", 10)] == [
        ("u1", 15),
        ("u2", 12),
    ]
    assert [
        (r.user_id, r.points) for r in await store.top(P, T, "channel:c1", "week:2026-W02", 10)
    ] == [("u1", 35), ("u2", 12)]
    assert await store.streak(P, T, "u1") == Streak("u1", "U1", 3, 3, "2026-01-07")
    row = await store.get_answer(P, T, "u1", "quiz:r1", "q1")
    assert row is not None and (row.score, row.verdict, row.correct, row.points) == (
        1.0,
        "correct",
        True,
        15,
    )
    done = await store.get_appeal(P, T, aid)
    assert done is not None and done.status == "accepted" and done.resolved_ms == 9
    assert await store.appeals(P, T) == []


async def test_a_rejected_appeal_changes_no_points(store: Store) -> None:
    await store.record_answer(ans("u1", correct=False, points=0))
    aid = await store.add_appeal(appeal("u1"))
    assert aid is not None
    before = await _boards(store)
    assert await store.resolve_appeal(P, T, aid, "rejected", "admin", "no: B is wrong", 9)
    assert (
        await store.resolve_appeal(P, T, aid, "accepted", "admin", "", 9, right("u1")) is False
    )  # decided: stays decided
    assert await _boards(store) == before
    got = await store.get_appeal(P, T, aid)
    assert got is not None and (got.status, got.resolution) == ("rejected", "no: B is wrong")


async def test_rescoring_down_takes_the_day_out_of_the_streak(store: Store) -> None:
    for i, day in enumerate(["2026-01-05", "2026-01-06", "2026-01-07"]):
        await store.record_answer(ans("u1", f"quiz:r{i}", day=day, ms=i))
    assert await store.streak(P, T, "u1") == Streak("u1", "U1", 3, 3, "2026-01-07")
    assert await store.rescore_answers(P, T, [wrong("u1", "quiz:r1")]) == 1
    assert await store.streak(P, T, "u1") == Streak("u1", "U1", 1, 1, "2026-01-07")
    assert await store.rescore_answers(P, T, [wrong("u1", "quiz:r2")]) == 1
    assert await store.streak(P, T, "u1") == Streak("u1", "U1", 1, 1, "2026-01-05")
    assert await store.rescore_answers(P, T, [wrong("u1", "quiz:r0")]) == 1
    assert await store.streak(P, T, "u1") is None
    assert [
        (r.user_id, r.points, r.answers, r.correct)
        for r in await store.top(P, T, "team", "all", 10)
    ] == [("u1", 0, 3, 0)]


async def test_a_regrade_gives_the_boards_of_answers_graded_so_from_the_start(
    store: Store, tmp_path: Path
) -> None:
    rows = [
        ans("u1", "quiz:r0", day="2026-01-05", ms=1),
        ans("u2", "quiz:r0", day="2026-01-05", correct=False, points=0, ms=2),
        ans(
            "u3",
            "quiz:r0",
            day="2026-01-05",
            correct=False,
            points=0,
            ms=3,
            channel="c2",
            topic="web",
        ),
        ans("u2", "quiz:r1", question="q2", day="2026-01-06", ms=4),
        ans("u3", "interview:s1", day="2026-01-07", correct=False, points=0, ranked=False),
    ]
    for r in rows:
        await store.record_answer(r)
    changes = [
        right("u2", "quiz:r0", points=13),
        right("u3", "quiz:r0", points=11),
        wrong("u1", "quiz:r0"),
        right("u3", "interview:s1", points=0),
        wrong("nobody", "quiz:r0"),
    ]  # gone: skipped
    assert await store.rescore_answers(P, T, changes) == 4
    assert await store.rescore_answers(P, T, changes) == 0  # twice: nothing more moves
    fresh = open_store(f"sqlite:///{tmp_path / 'fresh.db'}")
    await fresh.connect()
    try:
        by_key = {(c.user_id, c.context): c for c in changes}
        for r in rows:
            c = by_key.get((r.user_id, r.context))
            if c is not None:
                r = replace(
                    r,
                    score=c.score,
                    verdict=c.verdict,
                    correct=c.correct,
                    points=c.points,
                    feedback=c.feedback,
                )
            await fresh.record_answer(r)
        assert await _boards(store) == await _boards(fresh)
        for u in ("u1", "u2", "u3"):
            assert await store.streak(P, T, u) == await fresh.streak(P, T, u)
    finally:
        await fresh.close()
    assert [r.user_id for r in await store.question_answers(P, T, "q1")] == [
        "u1",
        "u2",
        "u3",
        "u3",
    ]  # in answer order; the interview's came last


async def test_latest_answer(store: Store) -> None:
    assert await store.latest_answer(P, T, "u1") is None
    await store.record_answer(ans("u1", "quiz:r0", ms=1))
    await store.record_answer(ans("u1", "quiz:r1", question="q2", ms=5))
    await store.record_answer(
        replace(
            ans("u1", "interview:s1", question="q3", ms=9),
            verdict="skipped",
            correct=False,
            points=0,
        )
    )
    latest = await store.latest_answer(P, T, "u1")
    assert latest is not None and latest.question_id == "q2"  # a skip is not graded
    to_q1 = await store.latest_answer(P, T, "u1", "q1")
    assert to_q1 is not None and to_q1.context == "quiz:r0"
    assert await store.latest_answer(P, T, "u1", "q9") is None
    assert await store.latest_answer(P, "t2", "u1") is None


async def test_a_migration_numbered_below_the_latest_still_runs_once(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Branches merge out of order (005 before 004): a database that got 005 first still gets
    004, once."""
    import bot.store.postgres
    import bot.store.sqlite

    real = load_migrations(backend(store_url))
    assert 4 in {v for v, _, _ in real}
    without_4 = [m for m in real if m[0] != 4]
    for module in (bot.store.sqlite, bot.store.postgres):
        monkeypatch.setattr(module, "load_migrations", lambda _b: without_4)
    first = open_store(store_url)
    await first.connect()
    await first.close()
    monkeypatch.undo()
    for _ in range(2):  # and once only
        again = open_store(store_url)
        await again.connect()
        await again.close()
    check = open_store(store_url)
    await check.connect()
    try:
        assert await check.schema_version() == max(v for v, _, _ in real)
        if backend(store_url) == "sqlite":
            db = check.db  # type: ignore[attr-defined]
            rows = await db.execute_fetchall("SELECT version FROM schema_version")
            assert sorted(r[0] for r in rows) == sorted(v for v, _, _ in real)
        else:
            pool = check.pool  # type: ignore[attr-defined]
            assert sorted(await pool.fetch("SELECT version FROM schema_version")) == sorted(
                (v,) for v, _, _ in real
            )
    finally:
        await check.close()


# --- item analytics -----------------------------------------------------------------------


def item_rows(team: str = T) -> list[AnswerRow]:
    """8 players with 6 answers each over q1..q6; q1 is right for the two weakest only."""
    out = []
    for n in range(8):
        user = f"p{n}"
        for q in range(1, 7):
            right = n < 2 if q == 1 else n >= 2 or q % 2 == 0
            row = ans(user, f"quiz:r{q}", f"q{q}", correct=right, ms=1_000 * (n + 1) * q, team=team)
            out.append(replace(row, answer=" B " if right else f"{'ACD'[n % 3]}"))
    return out


def item_oracle(
    rows: list[AnswerRow], qid: str
) -> tuple[int, int, float, int, float, float, float, float, int, int, int, int]:
    """What item_stats should sum, computed row by row (the test's own arithmetic)."""
    per_user: dict[str, list[int]] = {}
    for r in rows:
        per_user.setdefault(r.user_id, []).append(int(r.correct))
    ranked = sorted(
        (u for u, xs in per_user.items() if len(xs) >= MIN_PLAYER_ANSWERS),
        key=lambda u: (-sum(per_user[u]) / len(per_user[u]), u),
    )
    cnt = len(ranked)
    upper = {u for i, u in enumerate(ranked, 1) if i * 100 <= cnt * 27}
    lower = {u for i, u in enumerate(ranked, 1) if (cnt - i + 1) * 100 <= cnt * 27}
    mine = [r for r in rows if r.question_id == qid]
    times = sorted(r.elapsed_ms for r in mine)
    mid = (times[(len(times) - 1) // 2] + times[len(times) // 2]) / 2
    pairs = [
        (
            int(r.correct),
            (sum(per_user[r.user_id]) - int(r.correct)) / (len(per_user[r.user_id]) - 1),
        )
        for r in mine
        if r.user_id in ranked
    ]
    return (
        len(mine),
        sum(r.correct for r in mine),
        mid,
        len(pairs),
        float(sum(x for x, _ in pairs)),
        sum(y for _, y in pairs),
        sum(y * y for _, y in pairs),
        sum(x * y for x, y in pairs),
        sum(r.user_id in upper for r in mine),
        sum(r.correct and r.user_id in upper for r in mine),
        sum(r.user_id in lower for r in mine),
        sum(r.correct and r.user_id in lower for r in mine),
    )


async def test_item_stats_are_summed_by_the_database(store: Store) -> None:
    rows = item_rows()
    for r in rows:
        await store.record_answer(r)
    await store.record_answer(ans("solo", "quiz:x", "q1", correct=True, ms=7_000))  # 1 answer
    stats = {s.question_id: s for s in await store.item_stats(P, T)}
    assert sorted(stats) == ["q1", "q2", "q3", "q4", "q5", "q6"]
    q1 = stats["q1"]
    assert (q1.platform, q1.team, q1.answers, q1.right, q1.median_ms) == (P, T, 9, 3, 5_000.0)
    # 8 players of 8 with 6 answers each: the top 27 % (2 of 8) and the bottom 2
    assert (q1.pairs, q1.upper, q1.lower) == (8, 2, 2)
    assert (q1.upper_right, q1.lower_right) == (0, 2)
    every = [*rows, ans("solo", "quiz:x", "q1", correct=True, ms=7_000)]
    for qid, s in stats.items():
        want = item_oracle(every, qid)
        got = (
            s.answers,
            s.right,
            s.median_ms,
            s.pairs,
            s.sum_x,
            s.sum_y,
            s.sum_yy,
            s.sum_xy,
            s.upper,
            s.upper_right,
            s.lower,
            s.lower_right,
        )
        assert got == pytest.approx(want), qid


async def test_item_stats_stay_in_their_team_and_pool_shipped_questions(store: Store) -> None:
    for r in item_rows():
        await store.record_answer(r)
    for r in item_rows(team="t2")[:12]:
        await store.record_answer(r)
    await store.record_answer(ans("u1", "quiz:y", "pack/q1", team="t2"))
    mine = await store.item_stats(P, T)
    assert {s.question_id: s.answers for s in mine} == {f"q{i}": 8 for i in range(1, 7)}
    theirs = {s.question_id: s.answers for s in await store.item_stats(P, "t2")}
    assert theirs == {f"q{i}": 2 for i in range(1, 7)} | {"pack/q1": 1}
    assert await store.item_stats("other", T) == []
    pooled = {s.question_id: s for s in await store.item_stats(P, None, pooled=True)}
    assert "pack/q1" not in pooled  # a team's own question means nothing in another team
    assert pooled["q1"].answers == 10 and (pooled["q1"].platform, pooled["q1"].team) == (
        ALL_TEAMS,
        ALL_TEAMS,
    )
    per_team = {(s.team, s.question_id) for s in await store.item_stats(None, None)}
    assert ("t2", "pack/q1") in per_team and (T, "q6") in per_team


async def test_pick_counts(store: Store) -> None:
    for r in item_rows():
        await store.record_answer(r)
    await store.record_answer(ans("u1", "quiz:z", "q1", team="t2"))
    got = await store.pick_counts(P, T, ["q1", "q3"])  # " B " is "b": trimmed, lower case
    assert [(p.question_id, p.picked, p.count, p.right) for p in got] == [
        ("q1", "a", 2, 0),
        ("q1", "b", 2, 2),
        ("q1", "c", 2, 0),
        ("q1", "d", 2, 0),
        ("q3", "a", 1, 0),
        ("q3", "b", 6, 6),
        ("q3", "c", 1, 0),
    ]
    assert await store.pick_counts(P, T, []) == []
    pooled = await store.pick_counts(P, None, ["q1"], pooled=True)
    assert [(p.team, p.picked, p.count) for p in pooled][:2] == [
        (ALL_TEAMS, "a", 2),
        (ALL_TEAMS, "answer of u1", 1),
    ]


async def test_question_status_rest_keep_retire(store: Store) -> None:
    assert await store.out_of_rotation(P, T) == set()
    rested = await store.rest_questions(
        P,
        T,
        [
            QuestionStatus("q1", "rested", "why", "", 20, 5),
            QuestionStatus("q2", "rested", "why", "", 30, 5),
        ],
    )
    assert sorted(rested) == ["q1", "q2"]
    assert await store.out_of_rotation(P, T) == {"q1", "q2"}
    assert await store.out_of_rotation(P, "t2") == set()
    await store.set_question_status(P, T, QuestionStatus("q1", "kept", "kept by A", "a", 20, 6))
    await store.set_question_status(P, T, QuestionStatus("q3", "retired", "r", "a", 0, 7))
    assert await store.out_of_rotation(P, T) == {"q2", "q3"}
    # the analytics never override an admin's decision, nor rest a question twice
    assert (
        await store.rest_questions(
            P,
            T,
            [
                QuestionStatus("q1", "rested", "w", "", 40, 8),
                QuestionStatus("q2", "rested", "w", "", 40, 8),
                QuestionStatus("q3", "rested", "w", "", 40, 8),
            ],
        )
        == []
    )
    statuses = await store.question_statuses(P, T)
    assert statuses["q1"] == QuestionStatus("q1", "kept", "kept by A", "a", 20, 6)
    assert {k: v.status for k, v in statuses.items()} == {
        "q1": "kept",
        "q2": "rested",
        "q3": "retired",
    }
    assert await store.question_statuses("other", T) == {}


# --- team scope, batched reads, dump and load ------------------------------------------------


async def test_a_closed_round_of_another_team_does_not_refuse_an_answer(store: Store) -> None:
    """The round-closed guard is keyed by platform, team and round id, like every query."""
    await store.open_round(rnd("r1", team="t2"))
    await store.close_round(P, "t2", "r1", 5)
    assert (await store.record_answer(ans("u1", "quiz:r1", team=T))).inserted
    assert not (await store.record_answer(ans("u1", "quiz:r1", team="t2"))).inserted


async def test_streaks_of_many_users_in_one_call(store: Store) -> None:
    for day in ("2026-01-04", "2026-01-05"):
        await store.record_answer(ans("u1", f"quiz:{day}", day=day))
    await store.record_answer(ans("u2", "quiz:x", day="2026-01-05"))
    await store.record_answer(ans("u3", "quiz:y", team="t2"))
    got = await store.streaks(P, T, ["u1", "u2", "u3", "nobody", "u1"])
    assert got == {
        "u1": Streak("u1", "U1", 2, 2, "2026-01-05"),
        "u2": Streak("u2", "U2", 1, 1, "2026-01-05"),
    }
    assert await store.streaks(P, T, []) == {}


async def test_the_copy_tables_are_every_table_of_the_schema(store_url: str) -> None:
    s = open_store(store_url)
    await s.connect()
    try:
        dumped = [t async for t, _ in s.dump()]
    finally:
        await s.close()
    assert dumped == list(dict.fromkeys(dumped)) == list(TABLES)
    created = {
        w.split("(")[0].strip().lower()
        for _, _, sql in load_migrations(backend(store_url))
        for w in sql.split("CREATE TABLE ")[1:]
    }
    assert created - {"if not exists schema_version"} == set(TABLES)


async def test_load_refuses_data_unless_replacing(store: Store) -> None:
    await store.record_answer(ans("u1"))
    batches = [b async for b in store.dump(batch=1)]
    with pytest.raises(NotEmpty, match="already has data"):
        await store.load(_aiter(batches))
    counts = await store.load(_aiter(batches), replace=True)
    assert counts["answers"] == 1 and counts["totals"] == 12 and counts["streaks"] == 1
    assert await store.top(P, T, "team", "all", 10) == [TotalRow("u1", "U1", 10, 1, 1, rank=1)]
    with pytest.raises(LoadError, match="columns differ"):
        await store.load(_aiter([("seen", [{"platform": P}])]), replace=True)
    assert await store.get_answer(P, T, "u1", "quiz:r1", "q1") is not None  # rolled back


async def _aiter(items: list[Any]) -> AsyncIterator[Any]:
    for item in items:
        yield item
