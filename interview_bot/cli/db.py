"""`interview-bot db`: apply migrations; copy a whole database from one backend to another.

`db copy` migrates both databases to the latest schema, reads every table of the source in
one consistent snapshot, in batches, and writes them to the target in one transaction: all of
it or nothing. Rows are copied as they are, running totals and streaks included (what
SQLite's triggers derive while the answers load is replaced by the source's own rows), so
every leaderboard reads the same after the copy.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import typer

from bot.store import open_store
from bot.store.protocol import Store

# Loaded in this order; totals and streaks last, replacing what SQLite's triggers derived.
TABLES = ("settings", "rounds", "sessions", "answers", "seen", "team_packs",
          "daily_schedules", "daily_claims", "question_status", "totals", "streaks")
DERIVED = ("totals", "streaks")
BATCH = 1000


class CopyError(Exception):
    """The copy cannot start (bad URL, missing source, target not empty...)."""


def safe_url(url: str) -> str:
    """The URL without its password, for printing."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ""
    return urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment))


# --- the two sides, one small adapter per backend -------------------------------------------

class _SQLite:
    def __init__(self, store: Any) -> None:
        self.db = store.db  # the SQLiteStore's aiosqlite connection

    async def columns(self, table: str) -> dict[str, str]:
        rows = await self.db.execute_fetchall(f"PRAGMA table_info({_ident(table)})")
        return {r[1]: str(r[2]).upper() for r in rows}

    async def count(self, table: str) -> int:
        rows = await self.db.execute_fetchall(f"SELECT COUNT(*) FROM {_ident(table)}")
        return int(next(iter(rows))[0])

    async def snapshot(self) -> None:
        await self.db.execute("BEGIN")  # a read transaction: one consistent view of every table

    async def end(self) -> None:
        await self.db.execute("COMMIT")

    async def read(self, table: str, cols: list[str],
                   batch: int) -> AsyncIterator[list[tuple[Any, ...]]]:
        sql = f"SELECT {', '.join(map(_ident, cols))} FROM {_ident(table)} ORDER BY rowid"
        async with self.db.execute(sql) as cur:
            while rows := await cur.fetchmany(batch):
                yield [tuple(r) for r in rows]

    async def begin_write(self) -> None:
        await self.db.execute("BEGIN IMMEDIATE")

    async def commit(self) -> None:
        await self.db.execute("COMMIT")

    async def rollback(self) -> None:
        await self.db.execute("ROLLBACK")

    async def clear(self, table: str) -> None:
        await self.db.execute(f"DELETE FROM {_ident(table)}")

    async def write(self, table: str, cols: list[str], rows: list[tuple[Any, ...]]) -> None:
        await self.db.executemany(
            f"INSERT INTO {_ident(table)} ({', '.join(map(_ident, cols))}) "
            f"VALUES ({', '.join('?' for _ in cols)})", rows)


class _Postgres:
    def __init__(self, store: Any) -> None:
        self.pool = store.pool  # the PostgresStore's asyncpg pool
        self.con: Any = None
        self._tx: Any = None

    async def columns(self, table: str) -> dict[str, str]:
        rows = await self.pool.fetch(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = $1 "
            "ORDER BY ordinal_position", table)
        return {r[0]: r[1].upper() for r in rows}

    async def count(self, table: str) -> int:
        if self.con is not None:
            return int(await self.con.fetchval(f"SELECT COUNT(*) FROM {_ident(table)}"))
        return int(await self.pool.fetchval(f"SELECT COUNT(*) FROM {_ident(table)}"))

    async def _begin(self, **kw: Any) -> None:
        self.con = await self.pool.acquire()
        self._tx = self.con.transaction(**kw)
        await self._tx.start()

    async def _end(self, commit: bool) -> None:
        try:
            if commit:
                await self._tx.commit()
            else:
                await self._tx.rollback()
        finally:
            await self.pool.release(self.con)
            self.con = self._tx = None

    async def snapshot(self) -> None:
        await self._begin(isolation="repeatable_read", readonly=True)

    async def end(self) -> None:
        await self._end(commit=True)

    async def read(self, table: str, cols: list[str],
                   batch: int) -> AsyncIterator[list[tuple[Any, ...]]]:
        sql = f"SELECT {', '.join(map(_ident, cols))} FROM {_ident(table)}"
        cur = await self.con.cursor(sql)
        while rows := await cur.fetch(batch):
            yield [tuple(r) for r in rows]

    async def begin_write(self) -> None:
        await self._begin()

    async def commit(self) -> None:
        await self._end(commit=True)

    async def rollback(self) -> None:
        await self._end(commit=False)

    async def clear(self, table: str) -> None:
        await self.con.execute(f"DELETE FROM {_ident(table)}")

    async def write(self, table: str, cols: list[str], rows: list[tuple[Any, ...]]) -> None:
        await self.con.copy_records_to_table(table, records=rows, columns=cols)


def _side(url: str, store: Store) -> Any:
    return _SQLite(store) if url.startswith("sqlite:///") else _Postgres(store)


def _ident(name: str) -> str:
    """A table or column name from our own schema, checked before it goes into SQL."""
    if not name.replace("_", "").isalnum() or not name.isascii():
        raise CopyError(f"unexpected name {name!r}")
    return name


def _converter(kind: str) -> Any:
    """A function turning a value read from either backend into one for a column of `kind`."""
    if kind == "BOOLEAN":
        return lambda v: None if v is None else bool(v)
    if kind == "JSONB":
        return lambda v: json.loads(v) if isinstance(v, str) else v
    if kind == "INTEGER":  # SQLite keeps booleans as 0/1
        return lambda v: int(v) if isinstance(v, bool) else v
    if kind == "TEXT":  # SQLite keeps lists as JSON text
        return lambda v: json.dumps(v) if isinstance(v, list | dict) else v
    return lambda v: v


# --- the commands' work ----------------------------------------------------------------------

async def migrate(url: str) -> int:
    """Apply pending migrations; the schema version now."""
    store = open_store(url)
    await store.connect()
    try:
        return await store.schema_version()
    finally:
        await store.close()


async def copy(src_url: str, dst_url: str, *, force: bool = False,
               batch: int = BATCH) -> dict[str, int]:
    """Copy every table from `src_url` to `dst_url`; rows copied per table."""
    if src_url == dst_url:
        raise CopyError("--from and --to are the same database")
    if src_url.startswith("sqlite:///"):
        path = src_url.removeprefix("sqlite:///")
        if path != ":memory:" and not await asyncio.to_thread(Path(path).is_file):
            raise CopyError(f"no SQLite database at {path}")
    for url in (src_url, dst_url):
        if not url.startswith(("sqlite:///", "postgresql://", "postgres://")):
            raise CopyError(f"unsupported URL {safe_url(url)}: use sqlite:///path or "
                            "postgresql://user@host/db")
    src_store, dst_store = open_store(src_url), open_store(dst_url)
    await src_store.connect()
    try:
        await dst_store.connect()
        try:
            return await _copy(src_store, _side(src_url, src_store),
                               dst_store, _side(dst_url, dst_store), force=force, batch=batch)
        finally:
            await dst_store.close()
    finally:
        await src_store.close()


async def _copy(src_store: Store, src: Any, dst_store: Store, dst: Any, *, force: bool,
                batch: int) -> dict[str, int]:
    sv, dv = await src_store.schema_version(), await dst_store.schema_version()
    if sv != dv:
        raise CopyError(f"schema versions differ: source {sv}, target {dv}")
    plan: dict[str, tuple[list[str], list[Any]]] = {}
    for table in TABLES:
        src_cols, dst_cols = await src.columns(table), await dst.columns(table)
        if set(src_cols) != set(dst_cols):
            raise CopyError(f"table {table}: columns differ between source and target")
        cols = list(dst_cols)
        plan[table] = (cols, [_converter(dst_cols[c]) for c in cols])
    if not force:
        filled = [t for t in TABLES if await dst.count(t)]
        if filled:
            raise CopyError(f"the target already has data ({', '.join(filled)}); "
                            "use --force to replace it")
    counts: dict[str, int] = {}
    await src.snapshot()
    try:
        await dst.begin_write()
        try:
            for table in TABLES:
                if force:
                    await dst.clear(table)
            for table in TABLES:
                if table in DERIVED:  # drop what the target derived while answers loaded
                    await dst.clear(table)
                cols, conv = plan[table]
                n = 0
                async for rows in src.read(table, cols, batch):
                    await dst.write(table, cols, [tuple(f(v) for f, v in zip(conv, r,
                                                                             strict=True))
                                                  for r in rows])
                    n += len(rows)
                counts[table] = n
            for table, n in counts.items():
                if await dst.count(table) != n:
                    raise CopyError(f"table {table}: {n} rows read but the target has "
                                    f"{await dst.count(table)}")
        except BaseException:
            await dst.rollback()
            raise
        await dst.commit()
    finally:
        await src.end()
    return counts


# --- the typer commands -------------------------------------------------------------------

def register(app: typer.Typer) -> None:
    """Add the `db` command group to the `interview-bot` app."""
    db = typer.Typer(help="The database: migrations, and copying between SQLite and "
                          "PostgreSQL.", no_args_is_help=True)

    @db.command("migrate")
    def migrate_cmd(url: str | None = typer.Option(None, "--url",
                                                   help="Default: DATABASE_URL.")) -> None:
        """Apply pending migrations and print the schema version."""
        if url is None:
            from interview_bot.config import ConfigError, load_settings

            try:
                url = load_settings().database_url
            except ConfigError as e:
                typer.echo(str(e), err=True)
                raise typer.Exit(2) from None
        try:
            version = asyncio.run(migrate(url))
        except (ValueError, OSError) as e:
            typer.echo(f"cannot open {safe_url(url)}: {e}", err=True)
            raise typer.Exit(1) from None
        typer.echo(f"{safe_url(url)}: schema version {version}")

    @db.command("copy")
    def copy_cmd(
        from_url: str = typer.Option(..., "--from", help="Source URL (sqlite:///... or "
                                     "postgresql://...)."),
        to_url: str = typer.Option(..., "--to", help="Target URL; migrated first."),
        force: bool = typer.Option(False, "--force", help="Replace what the target has."),
        batch: int = typer.Option(BATCH, "--batch", min=1, help="Rows per batch."),
    ) -> None:
        """Copy every table of one database into another (all of it, or nothing)."""
        try:
            counts = asyncio.run(copy(from_url, to_url, force=force, batch=batch))
        except CopyError as e:
            typer.echo(f"db copy: {e}", err=True)
            raise typer.Exit(1) from None
        width = max(len(t) for t in counts)
        for table, n in counts.items():
            typer.echo(f"{table:<{width}}  {n}")
        typer.echo(f"copied {sum(counts.values())} rows from {safe_url(from_url)} "
                   f"to {safe_url(to_url)}")

    app.add_typer(db, name="db")
