"""The store's interview methods (migration 008) on both backends: the state document, the
question list adaptive difficulty rewrites, a person's history, and their active sessions
across teams (what a DM, which names no team, answers)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.store import Store, open_store
from tests.support.builders import P, T
from tests.support.builders import session as sess


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    s = open_store(store_url)
    await s.connect()
    yield s
    await s.close()


async def test_the_state_document_is_saved_replaced_and_scoped(store: Store) -> None:
    await store.create_session(sess("s1"))
    assert await store.interview_state(P, T, "s1") is None
    await store.save_interview_state(P, T, "s1", "u1", '{"steps": {}}', 1_000)
    await store.save_interview_state(P, T, "s1", "u1", '{"steps": {"0": 1}}', 2_000)
    assert await store.interview_state(P, T, "s1") == '{"steps": {"0": 1}}'
    assert await store.interview_state(P, "other-team", "s1") is None


async def test_the_question_list_is_rewritten(store: Store) -> None:
    await store.create_session(sess("s1"))
    await store.set_session_questions(P, T, "s1", ("q1", "q9", "q3"))
    got = await store.get_session(P, T, "s1")
    assert got is not None and got.question_ids == ("q1", "q9", "q3")


async def test_history_is_newest_first_and_per_team(store: Store) -> None:
    for i, sid in enumerate(("a", "b", "c")):
        s = replace(sess(sid), started_ms=1_000 * (i + 1), status="finished")
        await store.create_session(s)
    await store.create_session(replace(sess("x", team="t2"), started_ms=9_000))
    got = await store.user_sessions(P, T, "u1", 2)
    assert [s.id for s in got] == ["c", "b"]
    assert [s.id for s in await store.user_sessions(P, "t2", "u1", 10)] == ["x"]


async def test_a_persons_active_sessions_across_teams_and_only_theirs(store: Store) -> None:
    await store.create_session(replace(sess("old"), question_started_ms=1_000))
    await store.create_session(replace(sess("new", team="t2"), question_started_ms=5_000))
    await store.create_session(replace(sess("done", team="t3"), status="finished"))
    await store.create_session(sess("theirs", user="u2"))
    got = await store.active_sessions_of_user(P, "u1")
    assert [s.id for s in got] == ["new", "old"]
    assert await store.active_sessions_of_user("other-platform", "u1") == []
