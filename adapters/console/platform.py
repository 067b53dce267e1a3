"""The terminal as a platform: the same commands as in chat, typed or piped on stdin.

ConsolePlatform is a Platform like Discord's and Slack's: the app registers its poster,
runs the ticker and the health server, and stops it the same way. `ConsoleSession` runs
one typed line at a time and shows what comes back on a Screen; the terminal's screen
prints rich panels, the test harness's (harness.py) records the cards.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from pathlib import Path
from typing import Protocol, TextIO

from rich.console import Console
from rich.text import Text

from adapters.console.config import ConsoleConfig
from adapters.console.images import saved_line
from adapters.console.render import panel
from bot import metrics
from bot.commands import dispatch as commands
from bot.domain.values import Attachment, Card, Reply, Target, UserError, Where
from bot.services.container import Core

log = logging.getLogger(__name__)

PLATFORM = "console"
TEAM = "local"
CHANNEL = "terminal"
SORRY = "Something went wrong; it has been logged."
_QUIT = ("/quit", "/exit", "/q!")


class Screen(Protocol):
    """Where the console shows things: cards, and short lines (refusals, errors, notes)."""

    def card(self, card: Card) -> None: ...

    def line(self, text: str, style: str) -> None: ...


class RichScreen:
    """The terminal: cards as panels, lines in a colour by what they are."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(soft_wrap=False, highlight=False)

    def card(self, card: Card) -> None:
        self.console.print(panel(card))

    def line(self, text: str, style: str) -> None:
        self.console.print(Text(text, style=style))


class ConsolePoster:
    """The posting port for the terminal: show what the bot posts to the channel."""

    def __init__(self, screen: Screen, charts_dir: Path | None = None) -> None:
        self._screen = screen
        self._n = 0
        self.charts_dir = charts_dir

    async def post(self, target: Target, card: Card) -> str:
        await show_card(self._screen, card, self.charts_dir)
        self._n += 1
        return f"console-{self._n}"

    async def edit(self, target: Target, ref: str, card: Card) -> None:
        """A terminal cannot change what it printed; the reveal that follows says it all."""


class ConsoleSession:
    """One player at the terminal (an admin of the local team): runs typed lines."""

    def __init__(
        self,
        core: Core,
        screen: Screen,
        user: str = "you",
        charts_dir: Path | None = None,
        files_dir: Path = Path("data"),
    ) -> None:
        self.core = core
        self.screen = screen
        self.user = user
        self.charts_dir = charts_dir
        self.files_dir = files_dir

    def where(self) -> Where:
        return Where(PLATFORM, TEAM, CHANNEL, self.user, self.user, is_admin=True)

    async def handle(self, line: str) -> bool:
        """Run one typed line; False means quit."""
        text = line.strip()
        if not text:
            return True
        low = text.lower()
        if low in _QUIT:
            return False
        try:
            await self._run(text, low)
        except UserError as e:
            self.screen.line(str(e), "yellow")
        except Exception:
            log.exception("console command failed: %r", text[:200])
            metrics.COMMAND_ERRORS.labels(
                PLATFORM, commands.metric_name(text if low.startswith("/") else "/answer")
            ).inc()
            self.screen.line(SORRY, "red")
        return True

    async def _run(self, text: str, low: str) -> None:
        if low.startswith("/user"):
            name = text[5:].strip()
            if not name or len(name) > 40:
                raise UserError("Use /user NAME (up to 40 characters).")
            self.user = name
            self.screen.line(f"You are now {name}.", "dim")
            return
        if low.startswith("/questions import"):
            parts = text.split(None, 2)
            path = Path(parts[2] if len(parts) == 3 else "")
            data = await asyncio.to_thread(_read_bytes, path)
            self.screen.card(await self.core.banks.import_file(self.where(), data, str(path)))
            return
        if low.split()[:2] == ["/review", "export"]:  # here it may name where the file goes
            typed = text.split(None, 2)[2].strip() if len(text.split()) > 2 else ""
            reply = await commands.dispatch(self.core, self.where(), "/review export")
            await self.show(reply, Path(typed) if typed else None)
            return
        text = text.replace("\\n", "\n") if low.startswith("/answer") else text
        await self.show(await commands.dispatch(self.core, self.where(), text))

    async def show(self, reply: Reply, save_as: Path | None = None) -> None:
        """The cards; a card's file (`Card.file`) is written first (`save_file`: into the
        files folder, or `save_as`), its path shown under the card."""
        for card in reply.cards:
            saved = None
            if card.file is not None:  # a file in chat is a file on disk here
                saved = await asyncio.to_thread(save_file, self.files_dir, card.file, save_as)
            await show_card(self.screen, card, self.charts_dir)
            if saved is not None:
                self.screen.line(f"Saved {saved}", "green")
        await self.core.outbox.deliver(reply.outgoing)


class ConsolePlatform:
    """The console as a Platform: reads lines until input ends or /quit."""

    name = PLATFORM

    def __init__(
        self, core: Core, config: ConsoleConfig | None = None, *, screen: Screen | None = None
    ) -> None:
        self.config = config or ConsoleConfig()
        self.screen = screen or RichScreen()
        charts = self.config.charts_dir
        self.session = ConsoleSession(
            core, self.screen, self.config.user, charts, files_dir=self.config.files_dir
        )
        self.poster = ConsolePoster(self.screen, charts)

    async def run(self) -> None:
        """Serve typed lines; returns when the input ends (Ctrl-D, end of a pipe) or /quit."""
        stdin = self.config.stdin
        interactive = stdin.isatty()
        if interactive:
            self.screen.line(
                f"interview-bot console · you are {self.session.user} · type /help", "bold"
            )
        lines = _lines_of(stdin)
        while True:
            if interactive and isinstance(self.screen, RichScreen):
                self.screen.console.print(Text(f"{self.session.user}> ", style="bold"), end="")
            line = await lines.get()
            if line is None or not await self.session.handle(line):
                return

    def is_connected(self) -> bool:
        """A terminal is always there."""
        return True

    async def close(self) -> None:
        """Nothing to disconnect: the stdin reader is a daemon thread."""


async def show_card(screen: Screen, card: Card, charts_dir: Path | None) -> None:
    """The card, then where its picture was written (adapters/console/images.py)."""
    screen.card(card)
    if card.image is not None and (line := await saved_line(card.image, charts_dir)):
        screen.line(*line)


def _lines_of(stream: TextIO) -> asyncio.Queue[str | None]:
    """Lines of a blocking stream, read on a daemon thread (it never holds up exit)."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def pump() -> None:
        try:
            for line in iter(stream.readline, ""):
                loop.call_soon_threadsafe(queue.put_nowait, line)
        except (OSError, ValueError):
            pass
        finally:
            with contextlib.suppress(RuntimeError):  # the loop may be closed already
                loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=pump, name="console-stdin", daemon=True).start()
    return queue


def save_file(folder: Path, file: Attachment, save_as: Path | None = None) -> Path:
    """Write a file the bot hands out (/export, /review export, /my-data) into `folder`, or
    as `save_as` (a folder: into it), readable by this user only (0600) and never over an
    existing file: `name-2.ext`, `name-3.ext`, … instead. Its path; UserError when the disk
    says no."""
    save_as = save_as.expanduser() if save_as is not None else None
    if save_as is not None and not save_as.is_dir():
        path = save_as
    else:
        path = (save_as or folder) / Path(file.name).name  # the name never leaves the folder
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return _write_new(path, file.data)
    except OSError as e:
        raise UserError(f"Cannot write {path}: {e.strerror or e}.") from None


def _write_new(path: Path, data: bytes) -> Path:
    candidate, n = path, 1
    while True:
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            n += 1
            candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
            continue
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        return candidate.resolve()


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as e:
        raise UserError(f"Cannot read {path}: {e}. Use /questions import PATH/TO/FILE") from None
