"""Storage: a Store protocol and its backends, picked by the database URL."""

from __future__ import annotations

from bot.store.protocol import Store

SQLITE = "sqlite:///"
POSTGRES = ("postgresql://", "postgres://")
URL_HELP = "use sqlite:///path/to/file.db or postgresql://user@host/db"


def backend_of(url: str) -> str:
    """'sqlite' or 'postgres' for a DATABASE_URL; ValueError for any other scheme. The one
    place that knows the URL schemes."""
    if url.startswith(SQLITE):
        return "sqlite"
    if url.startswith(POSTGRES):
        return "postgres"
    raise ValueError(f"unsupported URL scheme {url.split(':', 1)[0]!r}: {URL_HELP}")


def sqlite_path(url: str) -> str | None:
    """The file of a SQLite URL; None for another backend."""
    return url.removeprefix(SQLITE) if backend_of(url) == "sqlite" else None


def open_store(url: str) -> Store:
    """The store for a DATABASE_URL (not yet connected)."""
    if backend_of(url) == "sqlite":
        from bot.store.sqlite import SQLiteStore

        return SQLiteStore.from_url(url)
    from bot.store.postgres import PostgresStore

    return PostgresStore.from_url(url)


__all__ = ["Store", "backend_of", "open_store", "sqlite_path"]
