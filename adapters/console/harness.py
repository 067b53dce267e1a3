"""The console in process, for full-stack tests: push a command, pop the cards.

Like Errbot's test backend: a test types what a user would (`await h.push("/quiz web")`)
and reads what the bot showed (`h.pop()`), through the same parser, services, outbox and
ticker as `interview-bot console`, with no subprocess and no real time: the clock is a
FakeClock that the test moves (`await h.advance(60)` runs the ticker, as a second would).
Refusals and errors come out as cards too, with an empty title and colour "warn" or "bad".
"""

from __future__ import annotations

from collections import deque
from pathlib import Path

from adapters.console.platform import PLATFORM, ConsolePoster, ConsoleSession
from bot.clock import FakeClock
from bot.domain.values import Card, Color, Visibility
from bot.services.container import Core
from bot.services.ticker import tick

_STYLES = {"yellow": Color.WARN, "red": Color.BAD}


class RecordingScreen:
    """A Screen that keeps what it is shown, in order."""

    def __init__(self) -> None:
        self.cards: deque[Card] = deque()

    def card(self, card: Card) -> None:
        self.cards.append(card)

    def line(self, text: str, style: str) -> None:
        self.cards.append(
            Card(
                title="",
                text=text,
                color=_STYLES.get(style, Color.INFO),
                visibility=Visibility.EPHEMERAL,
            )
        )


class ConsoleHarness:
    """One console player on a core built with a FakeClock; `user` may change (/user)."""

    def __init__(self, core: Core, user: str = "alice", charts_dir: Path | None = None) -> None:
        if not isinstance(core.clock, FakeClock):
            raise TypeError("the harness needs a core built with a FakeClock")
        self.core = core
        self.clock: FakeClock = core.clock
        self.screen = RecordingScreen()
        self.session = ConsoleSession(core, self.screen, user, charts_dir)
        core.outbox.register(PLATFORM, ConsolePoster(self.screen, charts_dir))

    async def push(self, text: str) -> None:
        """Type one line, as at the prompt."""
        await self.session.handle(text)

    def pop(self) -> Card:
        """The oldest card not yet popped; AssertionError if there is none."""
        assert self.screen.cards, "the bot showed nothing more"
        return self.screen.cards.popleft()

    def pop_all(self) -> list[Card]:
        out = list(self.screen.cards)
        self.screen.cards.clear()
        return out

    async def ask(self, text: str) -> list[Card]:
        """Push a line and pop everything it showed."""
        self.pop_all()
        await self.push(text)
        return self.pop_all()

    async def advance(self, seconds: float) -> None:
        """Let time pass, then run the ticker once (rounds close, reveals are shown)."""
        self.clock.advance(seconds)
        await tick(self.core)
