"""Copy a whole database from one store to another (SQLite and PostgreSQL either way).

Both databases are migrated to the latest schema first. The source is read in one consistent
snapshot, in batches (`Store.dump`), and written to the target in one transaction
(`Store.load`): all of it or nothing. Rows are copied as they are, running totals and streaks
included, so every leaderboard reads the same after the copy.
"""

from __future__ import annotations

import asyncio
from contextlib import aclosing
from pathlib import Path

from bot.store import open_store, sqlite_path
from bot.store.errors import LoadError, NotEmpty

BATCH = 1000


class CopyError(Exception):
    """The copy cannot start or was refused (bad URL, missing source, target not empty...)."""


async def copy(
    src_url: str, dst_url: str, *, force: bool = False, batch: int = BATCH
) -> dict[str, int]:
    """Copy every table from `src_url` to `dst_url`; rows copied per table. `force`: replace
    what the target has."""
    if src_url == dst_url:
        raise CopyError("--from and --to are the same database")
    try:
        src, dst = open_store(src_url), open_store(dst_url)
    except ValueError as e:
        raise CopyError(str(e)) from None
    path = sqlite_path(src_url)
    if path is not None and path != ":memory:" and not await asyncio.to_thread(Path(path).is_file):
        raise CopyError(f"no SQLite database at {path}")
    await src.connect()
    try:
        await dst.connect()
        try:
            sv, dv = await src.schema_version(), await dst.schema_version()
            if sv != dv:
                raise CopyError(f"schema versions differ: source {sv}, target {dv}")
            async with aclosing(src.dump(batch)) as rows:
                try:
                    return await dst.load(rows, replace=force)
                except NotEmpty as e:
                    raise CopyError(f"{e}; use --force to replace it") from None
                except LoadError as e:
                    raise CopyError(str(e)) from None
        finally:
            await dst.close()
    finally:
        await src.close()
