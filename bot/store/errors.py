"""The store's own errors, which services catch without knowing the backend."""

from __future__ import annotations

from bot.domain.values import UserError


class StoreBusy(UserError):
    """The database stayed locked or unreachable after retrying; nothing was written."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "The database is busy right now, so nothing was saved. Please try again in a moment."
        )
        self.detail = detail


class RoundOpen(Exception):
    """A round of that kind is already open in the channel."""


class SessionActive(Exception):
    """The user already has an active interview session in the team."""


class LoadError(Exception):
    """A `load` was refused (nothing written): a table's columns do not match, or (NotEmpty)
    the database already has data."""


class NotEmpty(LoadError):
    """A `load` without `replace` into a database that already has data."""
