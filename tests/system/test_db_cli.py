"""`interview-bot db migrate` and `db copy`: everything arrives, leaderboards read the same."""

from __future__ import annotations

import asyncio
import json
from contextlib import aclosing
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from bot.domain.practice import ReviewItem, ReviewReminder
from bot.domain.records import Appeal, QuestionStatus, Schedule, Session, TeamPack, TeamTrack
from bot.store import Store, open_store
from bot.store.migrations import load_migrations
from bot.store.rows import TABLES
from bot.store.sqlite import SQLiteStore
from interview_bot.cli import db as db_cli
from tests.support.builders import P, T
from tests.support.builders import answer_row as ans
from tests.support.builders import round_ as rnd
from tests.support.season import boards, season

LATEST = max(v for v, _, _ in load_migrations("sqlite"))


async def populate(url: str) -> None:
    """A database with rows in every table, two teams, and a season of answers."""
    store = open_store(url)
    await store.connect()
    try:
        for row in season(n=150):
            await store.record_answer(row)
        await store.record_answer(ans("u1", "quiz:other", team="t2", name="Other team"))
        await store.set_setting(P, T, "", "timezone", "Europe/Berlin")
        await store.set_setting(P, T, "c1", "quiz_seconds", "30")
        await store.open_round(rnd("open1"))
        await store.open_round(rnd("done1", channel="c2"))
        await store.close_round(P, T, "done1", 99)
        await store.set_round_message(P, T, "open1", "msg-1")
        await store.create_session(
            Session(
                "s1", P, T, "c1", "u1", "U1", None, None, ("q1", "q2"), 1, "active", "direct", 1, 2
            )
        )
        await store.create_session(
            Session(
                "s2", P, T, "c1", "u2", "U2", "web", 2, ("q3",), 1, "finished", "ephemeral", 1, 2, 3
            )
        )
        await store.save_interview_state(P, T, "s1", "u1", '{"steps": {}, "track": ""}', 4)
        await store.mark_seen(P, T, "channel:c1", ["q1", "q2"], 5)
        await store.add_team_pack(P, T, TeamPack("mine", "id: mine\n", "u1", 6))
        await store.upsert_schedule(
            Schedule(
                P,
                T,
                "c1",
                "09:00",
                "UTC",
                "mon,tue",
                None,
                2,
                None,
                "fri",
                "17:00",
                "active",
                "",
                7,
            )
        )
        await store.claim_daily(P, T, "c1", "post", "2026-01-05", 8, 1000)
        await store.mark_daily_posted(P, T, "c1", "post", "2026-01-05", "done1")
        await store.claim_daily(P, T, "c1", "post", "2026-01-06", 9, 1000)
        await store.set_question_status(
            P, T, QuestionStatus("q2", "retired", "retired by U1", "u1", 3, 10)
        )
        await store.add_appeal(
            Appeal(0, P, T, "appeal", "u1", "U1", "c1", "q1", "quiz:r1", "it was right", "open", 11)
        )
        await store.add_appeal(
            Appeal(0, P, T, "flag", "u2", "U2", "c1", "q2", "", "typo", "open", 12)
        )
        # practice that remembers (migration 009)
        await store.apply_ability(P, T, "u1", "web", "q1@13", 13, lambda r, n: 0.5)
        await store.add_review_item(
            ReviewItem(P, T, "u1", "q1", "web", "quiz", '{"state": 1}', 14, 0, 0.0, None, 14, 14)
        )
        await store.set_review_reminder(
            P, T, "u1", ReviewReminder(P, T, "u1", "18:00", "UTC", "u1", 15)
        )
        await store.claim_review_reminder(P, T, "u1", "2026-01-05", 16, 1000)
        await store.mark_team_removed(P, "t2", 13, 14)  # issue 17: removals, installations
        await store.save_installation(P, T, "", "u1", "sealed", 15)
        await store.add_oauth_state("state-1", 16)
        await store.add_team_track(P, T, TeamTrack("ours", "id: ours\n", "u1", 17))  # 013
    finally:
        await store.close()


def _plain(v: Any) -> Any:
    """A value as SQLite keeps it, so dumps of both backends compare."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, list):
        return json.dumps(v)
    return v


async def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a backend-neutral, sorted form."""
    store = open_store(url)
    await store.connect()
    try:
        out: dict[str, list[tuple[Any, ...]]] = {}
        async for table, rows in store.dump(500):
            out.setdefault(table, []).extend(tuple(_plain(r[c]) for c in sorted(r)) for r in rows)
        return {t: sorted(rows, key=repr) for t, rows in out.items()}
    finally:
        await store.close()


async def views(url: str) -> dict[str, object]:
    store: Store = open_store(url)
    await store.connect()
    try:
        return {
            **await boards(store),
            "t2": await store.top(P, "t2", "team", "all", 10),
            "session": await store.active_session(P, T, "u1"),
            "schedules": await store.active_schedules(),
            "settings": await store.get_settings(P, T, "c1"),
            "packs": await store.team_packs(P, T),
            "appeals": await store.appeals(P, T),
            "due": await store.due_rounds(10**12),
            "claimed": await store.claim_daily(P, T, "c1", "post", "2026-01-05", 10**12, 1),
        }
    finally:
        await store.close()


async def test_copy_sqlite_to_sqlite(tmp_path: Path) -> None:
    src, dst = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    await populate(src)
    counts = await db_cli.copy(src, dst, batch=7)
    before = await dump(src)
    assert counts == {t: len(rows) for t, rows in before.items()}
    assert counts["answers"] == 145 and all(counts.values())
    assert await dump(dst) == before
    assert await views(dst) == await views(src)


async def test_copy_sqlite_to_postgres_and_back(tmp_path: Path, pg_url: str) -> None:
    src, back = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'back.db'}"
    await populate(src)
    before = await dump(src)
    counts = await db_cli.copy(src, pg_url, batch=7)
    assert counts == {t: len(rows) for t, rows in before.items()}
    assert await dump(pg_url) == before
    assert await views(pg_url) == await views(src)
    assert await db_cli.copy(pg_url, back, batch=50) == counts
    assert await dump(back) == before
    for url in (pg_url, back):  # the next appeal numbers on from the copied ones
        assert await next_appeal_id(url) == 3


async def next_appeal_id(url: str) -> int | None:
    store = open_store(url)
    await store.connect()
    try:
        return await store.add_appeal(
            Appeal(0, P, T, "flag", "u3", "U3", "c1", "q3", "", "new", "open", 13)
        )
    finally:
        await store.close()


async def test_copy_refuses_a_target_with_data_unless_forced(
    tmp_path: Path, store_url: str
) -> None:
    src = f"sqlite:///{tmp_path / 'a.db'}"
    await populate(src)
    first = await db_cli.copy(src, store_url)
    with pytest.raises(db_cli.CopyError, match="already has data"):
        await db_cli.copy(src, store_url)
    assert await db_cli.copy(src, store_url, force=True) == first  # replaced, not doubled
    assert await dump(store_url) == await dump(src)


async def test_a_failed_copy_leaves_the_target_empty(
    tmp_path: Path, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = f"sqlite:///{tmp_path / 'a.db'}"
    await populate(src)
    real = SQLiteStore.dump

    async def broken(self: SQLiteStore, batch: int = 1000) -> Any:
        """Fails on the totals, the last-but-one table: after the answers were written."""
        async with aclosing(real(self, batch)) as batches:
            async for table, rows in batches:
                if table == "totals":
                    raise RuntimeError("disk full")
                yield table, rows

    monkeypatch.setattr(SQLiteStore, "dump", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        await db_cli.copy(src, store_url)
    monkeypatch.undo()
    assert all(rows == [] for rows in (await dump(store_url)).values())


async def test_copy_checks_its_arguments(tmp_path: Path) -> None:
    here = f"sqlite:///{tmp_path / 'a.db'}"
    with pytest.raises(db_cli.CopyError, match="no SQLite database"):
        await db_cli.copy(f"sqlite:///{tmp_path / 'missing.db'}", here)
    await populate(here)
    with pytest.raises(db_cli.CopyError, match="same database"):
        await db_cli.copy(here, here)
    with pytest.raises(db_cli.CopyError, match="unsupported URL"):
        await db_cli.copy(here, "mysql://u:secret@h/db")


def test_safe_url_hides_the_password() -> None:
    assert (
        db_cli.safe_url("postgresql://bot:s3cret@db:5432/bot") == "postgresql://bot:***@db:5432/bot"
    )
    assert db_cli.safe_url("sqlite:///data/x.db") == "sqlite:///data/x.db"


# --- the commands, as a user types them ----------------------------------------------------


@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()
    app.command()(lambda: None)  # a group needs a second command to keep `db` as a name
    db_cli.register(app)
    return app


def test_migrate_command(cli: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'bot.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    result = CliRunner().invoke(cli, ["db", "migrate"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"{url}: schema version {LATEST}"
    result = CliRunner().invoke(cli, ["db", "migrate", "--url", url])  # again: nothing to do
    assert result.output.strip().endswith(f"schema version {LATEST}")
    monkeypatch.setenv("DATABASE_URL", "mysql://nope")
    result = CliRunner().invoke(cli, ["db", "migrate"])
    assert result.exit_code == 2 and "DATABASE_URL" in result.output


def test_copy_command(cli: typer.Typer, tmp_path: Path) -> None:
    src, dst = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    asyncio.run(populate(src))
    result = CliRunner().invoke(cli, ["db", "copy", "--from", src, "--to", dst, "--batch", "10"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines[:-1]] == list(TABLES)
    assert lines[TABLES.index("answers")].split() == ["answers", "145"]
    assert lines[-1].startswith("copied ") and f"to {dst}" in lines[-1]
    result = CliRunner().invoke(cli, ["db", "copy", "--from", src, "--to", dst])
    assert result.exit_code == 1
    assert "already has data" in result.output and "--force" in result.output
    result = CliRunner().invoke(cli, ["db", "copy", "--from", src, "--to", dst, "--force"])
    assert result.exit_code == 0, result.output
