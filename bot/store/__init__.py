"""Storage: a Store protocol and its backends, picked by the database URL."""

from __future__ import annotations

from bot.store.protocol import Store


def open_store(url: str) -> Store:
    """The store for a DATABASE_URL (not yet connected)."""
    if url.startswith("sqlite:///"):
        from bot.store.sqlite import SQLiteStore

        return SQLiteStore.from_url(url)
    if url.startswith(("postgresql://", "postgres://")):
        from bot.store.postgres import PostgresStore

        return PostgresStore.from_url(url)
    raise ValueError(f"unsupported DATABASE_URL scheme: {url.split(':', 1)[0]}")


__all__ = ["Store", "open_store"]
