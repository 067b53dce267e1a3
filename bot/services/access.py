"""Who may do what: the one admin check every service and adapter uses."""

from __future__ import annotations

from bot.domain.values import UserError, Where


def require_admin(where: Where, what: str) -> None:
    """Refuse unless the person is an admin of the team; `what` completes the sentence
    "Only an admin of this team can …" (e.g. "change its question packs")."""
    if not where.is_admin:
        raise UserError(f"Only an admin of this team can {what}.")
