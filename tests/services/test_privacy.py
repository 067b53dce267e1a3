"""/forget-me, /my-data and the purge of a removed team, checked against EVERY table of the
database as it is at run time: a table another branch adds, and that the deletion code
(bot.store.rows.PERSONAL) does not know, fails here by name."""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.commands.dispatch import dispatch
from bot.domain.values import Reply, UserError, Visibility
from bot.questions.bank import QuestionBank
from bot.services.container import Core, build_core
from bot.services.ticker import tick
from bot.store.rows import streak_of
from interview_bot.config import Settings
from tests.support.builders import P, T, where
from tests.support.packs import TEST_PACKS
from tests.support.tables import (
    Rows,
    all_rows,
    rows_naming,
    table_columns,
    team_rows,
    unknown_tables,
)

OTHER = "t2"  # another team: nothing of it may change
ADMIN = where("alice", admin=True)
BOB = where("bob", admin=True)  # an admin too, so his id is also in rows that are everyone's
BOB_IDS = {"bob", "user:bob", "BOB"}  # his id, his seen-scope, his display name
# Tables the play below fills with a row of bob's; a test checks it did, so the checks
# after /forget-me are never vacuous.
FILLED = {"answers", "sessions", "appeals", "totals", "streaks", "seen", "rounds"}
FILLED |= {"question_status", "team_packs", "installations", "interview_state", "team_tracks"}
FILLED |= {"abilities", "ability_events", "review_items", "review_reminders"}
FILLED |= {"review_reminder_claims"}

PACK = """\
id: acme
title: Acme pack
topic: ops
version: 1
questions:
  - id: sky
    kind: short
    difficulty: 1
    prompt: "Which colour is a clear sky at noon?"
    accepted: [blue]
    explanation: "Rayleigh scattering."
"""
TRACK = """\
id: ops-check
title: Ops check
level: junior
questions: 1
minutes: 5
mix:
  - topic: ops
"""


@pytest.fixture
async def url(database_url: str) -> str:
    return database_url


def text_of(reply: Reply) -> str:
    return "\n".join(f"{c.title}\n{c.text}" for c in reply.cards)


async def play(core: Core, team: str = T) -> None:
    """bob and carol play in `team`: a quiz round bob started, an interview, appeals, a
    flag, an admin's decisions by bob (a pack, a retired question, a rejected appeal)."""
    bob, carol = where("bob", team=team, admin=True), where("carol", team=team)
    start = await core.quizzes.start(bob, "web")
    rid = start.cards[0].action.split(":")[1]
    await core.quizzes.answer(bob, rid, "404")  # right: points and a streak
    await core.quizzes.answer(carol, rid, "500")  # wrong
    core.clock.advance(120)  # type: ignore[attr-defined]
    await tick(core)
    await core.interviews.start(bob, "python", None, 1)
    await core.interviews.answer(bob, "A generator yields values lazily, one at a time.")
    await dispatch(core, bob, "/flag t-tcp the wording is unclear")
    filed = text_of(await dispatch(core, carol, "/appeal t-http 500 is fine too"))
    appeal_id = filed.split("#")[1].split()[0]
    await dispatch(core, bob, f"/appeals reject {appeal_id} 500 is a server error")
    await dispatch(core, bob, "/questions retire t-gen")
    await core.banks.import_pack(bob, PACK, "acme.yaml")
    await core.banks.import_file(bob, TRACK.encode(), "ops.yaml")  # a team's own track
    await core.store.save_installation(P, team, "", "bob", "sealed", 1)
    # practice that remembers: a missed question to review, a daily reminder and its claim
    missed = (await core.banks.for_team(P, team)).get("t-tcp")
    assert missed is not None
    await core.reviews.add(bob, missed, 0.5, 5, "quiz")
    await dispatch(core, bob, "/review remind 18:00")
    await core.store.claim_review_reminder(P, team, "bob", "2026-01-05", 16, 1000)


@pytest.fixture
async def played(core: Core, url: str) -> Rows:
    await play(core, T)
    await play(core, OTHER)
    return await all_rows(url)


async def test_every_table_is_known_to_the_deletion_code(core: Core, url: str) -> None:
    assert unknown_tables(await table_columns(url)) == []


async def test_a_table_nobody_told_the_deletion_code_about_fails_by_name(
    core: Core, url: str
) -> None:
    tables = await table_columns(url)
    tables["reviews"] = ["platform", "team", "user_id", "card"]  # as another branch may add
    tables["answers"] = [c for c in tables["answers"] if c != "user_id"]
    problems = unknown_tables(tables)
    assert any(p.startswith("table reviews: add it to bot.store.rows.PERSONAL") for p in problems)
    assert "table answers: PERSONAL names a column user_id it lacks" in problems


async def test_forget_me_asks_first_and_changes_nothing_until_confirmed(
    core: Core, played: Rows, url: str
) -> None:
    asked = await dispatch(core, BOB, "/forget-me")
    [card] = asked.cards
    assert card.visibility is Visibility.EPHEMERAL
    assert "2 answers, 1 interview, 1 appeal or flag" in card.text
    assert "/forget-me confirm" in card.text
    with pytest.raises(UserError, match="/forget-me confirm"):
        await dispatch(core, BOB, "/forget-me yes please")
    assert await all_rows(url) == played


async def test_forget_me_leaves_no_row_of_that_person_in_any_table(
    core: Core, played: Rows, url: str
) -> None:
    before = rows_naming(played, P, T, BOB_IDS)
    assert {name.split(".")[0] for name in before} >= FILLED  # the check below means something
    board = text_of(await dispatch(core, ADMIN, "/leaderboard all"))
    assert "BOB" in board

    done = await dispatch(core, BOB, "/forget-me confirm")
    assert "deleted" in done.cards[0].title

    after = await all_rows(url)
    assert rows_naming(after, P, T, BOB_IDS) == []
    # nothing of the other team changed, bob's rows there included
    assert team_rows(after, P, OTHER) == team_rows(played, P, OTHER)
    # carol's rows are as they were, but for bob's id where he decided (resolved her appeal)
    for table, rows in team_rows(played, P, T).items():
        carols = [
            {k: "" if v in BOB_IDS else v for k, v in r.items()}
            for r in rows
            if r.get("user_id") == "carol"
        ]
        assert [r for r in after[table] if r.get("user_id") == "carol" and r["team"] == T] == (
            carols
        ), table
    # the round bob started is still there (carol answered it), without his name
    assert [r["started_by"] for r in after["rounds"] if r["team"] == T] == [""]

    board = text_of(await dispatch(core, ADMIN, "/leaderboard all"))
    assert "BOB" not in board and "🥇 CAROL — 0 pts" in board
    stats = text_of(await dispatch(core, BOB, "/stats"))
    assert "No answers yet" in stats or "0 answers" in stats or "answered" not in stats


async def test_totals_and_streaks_stay_what_the_remaining_answers_say(
    core: Core, played: Rows, url: str
) -> None:
    await dispatch(core, where("dave"), "/quiz web")  # one more player, in a new round
    await dispatch(core, BOB, "/forget-me confirm")
    rows = await all_rows(url)
    answers = [r for r in rows["answers"] if r["team"] == T and r["ranked"]]
    for t in (r for r in rows["totals"] if r["team"] == T and r["scope"] == "team"):
        mine = [a for a in answers if a["user_id"] == t["user_id"]]
        if t["period"] == "all":
            assert t["points"] == sum(a["points"] for a in mine)
            assert t["answers"] == len(mine)
    for s in (r for r in rows["streaks"] if r["team"] == T):
        days = sorted(
            {
                a["day"]
                for a in rows["answers"]
                if a["team"] == T and a["user_id"] == s["user_id"] and a["correct"]
            }
        )
        assert (s["current"], s["best"], s["last_day"]) == streak_of(days)


async def test_my_data_is_everything_of_that_person_as_a_json_file(
    core: Core, played: Rows
) -> None:
    [card] = (await dispatch(core, BOB, "/my-data")).cards
    assert card.visibility is Visibility.DIRECT and card.file is not None
    doc = json.loads(card.file.data)
    assert (doc["platform"], doc["team"], doc["user"]) == (P, T, "bob")
    tables: dict[str, list[dict[str, Any]]] = doc["tables"]
    assert [a["answer"] for a in tables["answers"]] == [
        "404",
        "A generator yields values lazily, one at a time.",
    ]
    assert {a["kind"] for a in tables["appeals"]} == {"flag"}
    assert all(r["team"] == T for rows in tables.values() for r in rows)
    flat = json.dumps(tables)
    assert "carol" not in flat and "CAROL" not in flat  # nobody else's rows
    assert "sealed" not in flat  # the workspace's (encrypted) tokens are not the person's


async def test_a_removed_team_is_purged_after_the_retention_unless_it_comes_back(
    core: Core, played: Rows, url: str, clock: FakeClock
) -> None:
    await core.privacy.team_removed(P, T)
    clock.advance(days=29)
    clock.advance(hours=23)
    await tick(core)
    kept = team_rows(await all_rows(url), P, T)
    assert kept.pop("team_removals")[0]["purge_ms"] > 0  # waiting
    assert kept == team_rows(played, P, T)

    clock.advance(hours=1, seconds=61)
    await tick(core)
    after = await all_rows(url)
    assert team_rows(after, P, T) == {}
    assert team_rows(after, P, OTHER) == team_rows(played, P, OTHER)

    await core.privacy.team_removed(P, OTHER)
    clock.advance(days=10)
    await core.privacy.team_returned(P, OTHER)  # reinstalled in time
    clock.advance(days=30)
    await tick(core)
    assert team_rows(await all_rows(url), P, OTHER) == team_rows(played, P, OTHER)


@pytest.fixture
async def instant(database_url: str, clock: FakeClock, bank: QuestionBank) -> AsyncIterator[Core]:
    """A core with DATA_RETENTION_DAYS=0."""
    settings = Settings(
        _env_file=None,
        database_url=database_url,  # type: ignore[call-arg]
        questions_dir=TEST_PACKS,
        semantic_grading=False,
        data_retention_days=0,
    )
    c = await build_core(settings, clock=clock, bank=bank, rng=random.Random(7))
    yield c
    await c.close()


async def test_retention_zero_purges_at_once(instant: Core, url: str) -> None:
    await play(instant, T)
    await instant.privacy.team_removed(P, T)
    assert team_rows(await all_rows(url), P, T) == {}


async def test_two_processes_purging_at_once_purge_once(
    core: Core, played: Rows, url: str, settings: Settings, clock: FakeClock, bank: QuestionBank
) -> None:
    other = await build_core(settings, clock=clock, bank=bank)
    try:
        await core.privacy.team_removed(P, T)
        clock.advance(days=31)
        import asyncio

        got = await asyncio.gather(core.privacy.purge_due(), other.privacy.purge_due())
        assert sorted(got) == [0, 1]
        assert team_rows(await all_rows(url), P, T) == {}
    finally:
        await other.close()


async def test_answers_racing_forget_me_leave_totals_that_match_the_answers(
    core: Core, url: str
) -> None:
    import asyncio

    from tests.support.builders import answer_row

    rows = [answer_row("bob", f"quiz:r{i}", ms=1_000 + i) for i in range(30)]
    await core.store.record_answer(rows[0])
    await asyncio.gather(
        *(core.store.record_answer(r) for r in rows[1:15]),
        core.store.forget_person(P, T, "bob"),
        *(core.store.record_answer(r) for r in rows[15:]),
    )
    after = await all_rows(url)
    kept = [a for a in after["answers"] if a["user_id"] == "bob"]
    [total] = [
        t
        for t in after["totals"]
        if t["user_id"] == "bob" and (t["scope"], t["period"]) == ("team", "all")
    ] or [None]
    if kept:
        assert total is not None and total["answers"] == len(kept)
        assert total["points"] == sum(a["points"] for a in kept)
    else:
        assert total is None


async def test_a_purge_in_many_small_batches_still_leaves_nothing(
    core: Core, played: Rows, url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.store.postgres
    import bot.store.sqlite

    monkeypatch.setattr(bot.store.sqlite, "PURGE_BATCH", 2)
    monkeypatch.setattr(bot.store.postgres, "PURGE_BATCH", 2)
    assert len(played["answers"]) > 4  # several batches of answers alone
    await core.privacy.team_removed(P, T)
    clock.advance(days=31)
    assert await core.privacy.purge_due() == 1
    after = await all_rows(url)
    assert team_rows(after, P, T) == {}
    assert team_rows(after, P, OTHER) == team_rows(played, P, OTHER)
