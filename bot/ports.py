"""The ports the core talks through: posting cards to channels, and a platform's life cycle.

Adapters implement them; the core and the application import them from here, so neither
has to import the other to share an exception.
"""

from __future__ import annotations

from typing import Protocol

from bot.domain.values import Card, Target


class ChannelUnavailable(Exception):
    """The bot can no longer post to the channel (removed, archived, no permission).

    Adapters raise it for permanent failures only; the daily schedule is then paused
    instead of retried forever.
    """


class Poster(Protocol):
    """The one port a platform implements for work that starts on a timer."""

    async def post(self, target: Target, card: Card) -> str | None:
        """Post a card to a channel; return a reference to edit it later."""
        ...

    async def edit(self, target: Target, ref: str, card: Card) -> None: ...


class Platform(Protocol):
    """What an adapter gives the app: its name, a poster for timed work, and a life cycle.

    The app registers `poster` with the core's outbox under `name`, runs the ticker, and
    serves /healthz from `is_connected`; the adapter does none of that itself.
    """

    name: str
    poster: Poster

    async def run(self) -> None:
        """Connect and serve until cancelled (or, for the console, until input ends);
        raise PlatformUnavailable on a bad token."""
        ...

    def is_connected(self) -> bool:
        """For /healthz: whether the platform is up."""
        ...

    async def close(self) -> None: ...


class PlatformUnavailable(Exception):
    """A platform's token is set but its adapter cannot start; the message says why."""
