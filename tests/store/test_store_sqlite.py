from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.store.migrations import load_migrations
from bot.store.sqlite import SQLiteStore


async def test_migrations_apply_once_and_use_wal(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = SQLiteStore(path)
    await store.connect()
    latest = max(v for v, _, _ in load_migrations("sqlite"))
    assert await store.schema_version() == latest
    await store.close()
    store = SQLiteStore(path)  # a restart applies nothing twice
    await store.connect()
    assert await store.schema_version() == latest
    await store.close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("SELECT COUNT(*) FROM schema_version").fetchone()[0] == len(
        load_migrations("sqlite")
    )


async def test_creates_the_folder_of_a_new_database(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "deep" / "er" / "bot.db")
    await store.connect()
    assert (tmp_path / "deep" / "er" / "bot.db").exists()
    await store.close()


async def test_settings_overlay_channel_on_team(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    await store.connect()
    await store.set_setting("p", "t", "", "quiz_seconds", "30")
    await store.set_setting("p", "t", "c1", "quiz_seconds", "10")
    assert (await store.get_settings("p", "t", "c1"))["quiz_seconds"] == "10"
    assert (await store.get_settings("p", "t", "c2"))["quiz_seconds"] == "30"
    assert await store.get_settings("p", "other", "c1") == {}
    await store.set_setting("p", "t", "c1", "quiz_seconds", None)
    assert (await store.get_settings("p", "t", "c1"))["quiz_seconds"] == "30"
    await store.close()


async def test_processes_starting_together_on_a_new_file_migrate_once(tmp_path: Path) -> None:
    import asyncio

    stores = [SQLiteStore(tmp_path / "new.db") for _ in range(6)]
    try:
        await asyncio.gather(*(s.connect() for s in stores))
        latest = max(v for v, _, _ in load_migrations("sqlite"))
        assert [await s.schema_version() for s in stores] == [latest] * 6
    finally:
        for s in stores:
            await s.close()
