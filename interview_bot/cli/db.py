"""`interview-bot db`: apply migrations; copy a whole database from one backend to another.

The work is the store's (`bot.store.copy`); this module is the typer commands around it.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit, urlunsplit

import typer

from bot.store import open_store
from bot.store.copy import BATCH, CopyError, copy

__all__ = ["BATCH", "CopyError", "copy", "migrate", "register", "safe_url"]


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


async def migrate(url: str) -> int:
    """Apply pending migrations; the schema version now."""
    store = open_store(url)
    await store.connect()
    try:
        return await store.schema_version()
    finally:
        await store.close()


def register(app: typer.Typer) -> None:
    """Add the `db` command group to the `interview-bot` app."""
    db = typer.Typer(
        help="The database: migrations, and copying between SQLite and PostgreSQL.",
        no_args_is_help=True,
    )

    @db.command("migrate")
    def migrate_cmd(
        url: str | None = typer.Option(None, "--url", help="Default: DATABASE_URL."),
    ) -> None:
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
        from_url: str = typer.Option(
            ..., "--from", help="Source URL (sqlite:///... or postgresql://...)."
        ),
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
        typer.echo(
            f"copied {sum(counts.values())} rows from {safe_url(from_url)} to {safe_url(to_url)}"
        )

    app.add_typer(db, name="db")
