from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import FakeClock
from bot.domain.values import UserError
from bot.services.container import Core
from bot.store.protocol import Store
from bot.store.sqlite import SQLiteStore
from tests.support.builders import answer_at as row
from tests.support.builders import where


async def test_periods_follow_the_clock(core: Core, clock: FakeClock) -> None:
    start = clock.now()  # Monday 2026-01-05 09:00 UTC
    await core.store.record_answer(row("ann", 10, start - timedelta(days=7)))  # last week
    await core.store.record_answer(row("bob", 5, start - timedelta(days=1)))  # Sunday: last week
    await core.store.record_answer(row("ann", 3, start))
    w = where("ann")
    assert (await core.leaderboards.board(w, "today")).text.splitlines() == [
        "🥇 ANN — 3 pts (1/1 right)"
    ]
    week = (await core.leaderboards.board(w, "week")).text
    assert "BOB" not in week and "ANN — 3 pts" in week
    month = (await core.leaderboards.board(w, "month")).text  # Jan: Dec 29 is last month
    assert "ANN — 3 pts" in month and "BOB — 5 pts" in month
    alltime = (await core.leaderboards.board(w, "all")).text.splitlines()
    assert alltime[0].startswith("🥇 ANN — 13 pts") and alltime[1].startswith("🥈 BOB — 5 pts")
    with pytest.raises(UserError, match="Periods: today, week, month, all"):
        await core.leaderboards.board(w, "fortnight")


async def test_scopes_channel_and_topic(core: Core, clock: FakeClock) -> None:
    now = clock.now()
    await core.store.record_answer(row("ann", 10, now, channel="c1", topic="python"))
    await core.store.record_answer(row("bob", 7, now, channel="c2", topic="web"))
    c1 = await core.leaderboards.board(where("x", channel="c1"), "all", "channel")
    assert "ANN" in c1.text and "BOB" not in c1.text
    web = await core.leaderboards.board(where("x"), "all", "topic", "web")
    assert "BOB" in web.text and "ANN" not in web.text
    with pytest.raises(UserError, match="Which topic"):
        await core.leaderboards.board(where("x"), "all", "topic")
    with pytest.raises(UserError, match="Scopes: team, channel, topic"):
        await core.leaderboards.board(where("x"), "all", "galaxy")


async def test_top_n_plus_own_rank(core: Core, clock: FakeClock) -> None:
    now = clock.now()
    for i in range(12):
        await core.store.record_answer(row(f"u{i:02d}", 100 - i, now))
    card = await core.leaderboards.board(where("u11"), "all", top=10)
    lines = card.text.splitlines()
    assert len(lines) == 12 and lines[10] == "…"
    assert lines[11].startswith("12. U11 — 89 pts")
    assert card.footer == "12 player(s)"
    inside = await core.leaderboards.board(where("u03"), "all", top=10)
    assert "…" not in inside.text


async def test_ties_break_by_who_got_there_first_then_id(core: Core, clock: FakeClock) -> None:
    now = clock.now()
    await core.store.record_answer(row("zed", 10, now))
    await core.store.record_answer(row("amy", 10, now + timedelta(seconds=5)))
    await core.store.record_answer(row("bob", 10, now + timedelta(seconds=5)))
    lines = (await core.leaderboards.board(where("x"), "all")).text.splitlines()
    assert [ln.split()[1] for ln in lines] == ["ZED", "AMY", "BOB"]
    me = await core.store.rank_of("test", "t1", "team", "all", "bob")
    assert me is not None and me.rank == 3


async def test_streaks_count_local_days_across_midnight(core: Core, clock: FakeClock) -> None:
    await core.settings.set(where("admin", admin=True), "timezone", "America/New_York")
    tz = "America/New_York"
    day1_late = datetime(2026, 3, 2, 4, 30, tzinfo=UTC)  # 23:30 on Mar 1 in New York
    day2_early = datetime(2026, 3, 2, 5, 30, tzinfo=UTC)  # 00:30 on Mar 2 in New York
    await core.store.record_answer(row("ann", 10, day1_late, tz=tz))
    await core.store.record_answer(row("ann", 10, day2_early, tz=tz))
    clock.set(day2_early)
    stats = await core.leaderboards.stats(where("ann"))
    assert "Streak 2 day(s), best 2" in stats.text
    board = await core.leaderboards.board(where("ann"), "all")
    assert "🔥2" in board.text
    # a whole local day without a right answer breaks the current streak, not the best
    clock.set(datetime(2026, 3, 4, 6, 0, tzinfo=UTC))  # Mar 4, 01:00 New York
    stats = await core.leaderboards.stats(where("ann"))
    assert "Streak 0 day(s), best 2" in stats.text


async def test_wrong_answers_do_not_extend_streaks(core: Core, clock: FakeClock) -> None:
    now = clock.now()
    await core.store.record_answer(row("ann", 10, now - timedelta(days=1)))
    await core.store.record_answer(row("ann", 0, now, correct=False))
    s = await core.store.streak("test", "t1", "ann")
    assert s is not None and s.current == 1


async def test_teams_never_mix(core: Core, clock: FakeClock) -> None:
    await core.store.record_answer(row("ann", 10, clock.now(), team="t1"))
    await core.store.record_answer(row("eve", 99, clock.now(), team="t2"))
    card = await core.leaderboards.board(where("ann", team="t1"), "all")
    assert "EVE" not in card.text
    stats = await core.leaderboards.stats(where("ann", team="t2"), "ann")
    assert stats.text == "No answers yet."


async def _rows(store: Store, table: str) -> list[dict[str, Any]]:
    """Every row of a table, read through the store's public dump."""
    return [r async for t, batch in store.dump() if t == table for r in batch]


async def _naive_totals(store: Store) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in await _rows(store, "answers"):
        if (r["platform"], r["team"]) == ("test", "t1") and r["ranked"]:
            out[r["user_id"]] = out.get(r["user_id"], 0) + r["points"]
    return out


answers_strategy = st.lists(
    st.tuples(
        st.sampled_from(["ann", "bob", "cat", "dan", "eve"]),
        st.integers(min_value=0, max_value=15),
        st.integers(min_value=0, max_value=60 * 24 * 40),
    ),  # minutes after start
    min_size=1,
    max_size=40,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(answers=answers_strategy)
async def test_totals_equal_the_sum_of_stored_points_and_ranks_are_a_permutation(
    tmp_path_factory: pytest.TempPathFactory, answers: list[tuple[str, int, int]]
) -> None:
    store = SQLiteStore(tmp_path_factory.mktemp("h") / "h.db")
    await store.connect()
    try:
        start = datetime(2026, 1, 1, tzinfo=UTC)
        for user, pts, minutes in answers:
            await store.record_answer(row(user, pts, start + timedelta(minutes=minutes)))
        expected = await _naive_totals(store)
        top = await store.top("test", "t1", "team", "all", 100)
        assert {r.user_id: r.points for r in top} == expected
        assert sorted(r.rank for r in top) == list(range(1, len(expected) + 1))
        assert [r.points for r in top] == sorted((r.points for r in top), reverse=True)
        for r in top:
            mine = await store.rank_of("test", "t1", "team", "all", r.user_id)
            assert mine is not None and mine.rank == r.rank
        # per-period boards partition the all-time totals
        months: dict[str, int] = {}
        for t in await _rows(store, "totals"):
            if t["scope"] == "team" and t["period"].startswith("month:"):
                months[t["user_id"]] = months.get(t["user_id"], 0) + t["points"]
        assert months == expected
    finally:
        await store.close()
