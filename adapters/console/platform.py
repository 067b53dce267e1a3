"""The terminal as a platform: the same commands as in chat, typed or piped on stdin."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from bot.commands import dispatch as commands
from bot.domain.values import Card, Reply, Target, UserError, Visibility, Where
from bot.services.container import Core
from bot.services.ticker import tick as tick_once

log = logging.getLogger(__name__)

PLATFORM = "console"
TEAM = "local"
CHANNEL = "terminal"
_COLORS = {"info": "cyan", "good": "green", "bad": "red", "warn": "yellow"}
CONSOLE_HELP = """\
/user NAME                     play as someone else (to try the leaderboard with friends)
/quit                          leave (Ctrl-D works too)"""


class ConsolePoster:
    """The posting port for the terminal: print what the bot posts to the channel."""

    def __init__(self, render: Callable[[Card], None]) -> None:
        self._render = render
        self._n = 0

    async def post(self, target: Target, card: Card) -> str:
        self._render(card)
        self._n += 1
        return f"console-{self._n}"

    async def edit(self, target: Target, ref: str, card: Card) -> None:
        """A terminal cannot change what it printed; the reveal that follows says it all."""


class ConsoleAdapter:
    def __init__(self, core: Core, *, user: str = "you", stdin: TextIO | None = None,
                 console: Console | None = None, tick_seconds: float = 0.5) -> None:
        self.core = core
        self.user = user
        self.stdin = stdin or sys.stdin
        self.console = console or Console(soft_wrap=False, highlight=False)
        self.tick_seconds = tick_seconds
        self.poster = ConsolePoster(self.render)
        self.outbox = core.outbox
        self.outbox.register(PLATFORM, self.poster)

    def where(self) -> Where:
        return Where(PLATFORM, TEAM, CHANNEL, self.user, self.user, is_admin=True)

    # --- rendering ----------------------------------------------------------------------

    def render(self, card: Card) -> None:
        body: list[Text] = []
        if card.text:
            body.append(Text(card.text.replace("**", "")))
        for name, value in card.fields:
            body.append(Text.assemble((f"{name}\n", "bold"), value.replace("**", "")))
        if card.buttons:
            body.append(Text("  ".join(f"[{b.label}]" for b in card.buttons)
                             + "   → /answer " + card.buttons[0].value + " …", style="bold"))
        elif card.answer_form:
            body.append(Text("→ /answer your answer" + (" (code: write it on one line with "
                                                         "\\n for newlines)" if card.code_answer
                                                         else ""), style="bold"))
        if card.footer:
            body.append(Text(card.footer, style="dim"))
        who = " (only you)" if card.visibility is not Visibility.PUBLIC else ""
        self.console.print(Panel(Group(*body) if body else Text(""),
                                 title=Text(card.title + who),
                                 title_align="left", border_style=_COLORS.get(card.color, "cyan")))

    async def show(self, reply: Reply) -> None:
        for card in reply.cards:
            self.render(card)
        await self.outbox.deliver(reply.outgoing)

    # --- the loop -----------------------------------------------------------------------

    async def handle(self, line: str) -> bool:
        """Run one typed line; False means quit."""
        text = line.strip()
        if not text:
            return True
        low = text.lower()
        if low in ("/quit", "/exit", "/q!"):
            return False
        try:
            if low.startswith("/user"):
                name = text[5:].strip()
                if not name or len(name) > 40:
                    raise UserError("Use /user NAME (up to 40 characters).")
                self.user = name
                self.console.print(Text(f"You are now {name}.", style="dim"))
                return True
            if low.startswith("/questions import"):
                parts = text.split(None, 2)
                path = Path(parts[2] if len(parts) == 3 else "")
                source = await asyncio.to_thread(_read_text, path)
                card = await self.core.banks.import_pack(self.where(), source, str(path))
                self.render(card)
                return True
            text = text.replace("\\n", "\n") if low.startswith("/answer") else text
            reply = await commands.dispatch(self.core, self.where(), text)
            if low.startswith("/help") or low.startswith("/start"):
                reply = Reply(cards=(*reply.cards, Card(title="In the terminal",
                                                        text=CONSOLE_HELP)))
            await self.show(reply)
        except UserError as e:
            self.console.print(Text(str(e), style="yellow"))
        except Exception:
            log.exception("console command failed: %r", text[:200])
            self.console.print(Text("Something went wrong; it has been logged.", style="red"))
        return True

    async def tick(self) -> None:
        """Close quiz rounds whose time is up and show their reveals."""
        await tick_once(self.core, self.outbox)

    async def run(self) -> None:
        interactive = self.stdin.isatty()
        if interactive:
            self.console.print(Text(f"interview-bot console · you are {self.user} · "
                                    "type /help", style="bold"))
        lines = _lines_of(self.stdin)

        async def ticker() -> None:
            while True:
                await asyncio.sleep(self.tick_seconds)
                await self.tick()

        ticking = asyncio.create_task(ticker())
        try:
            while True:
                if interactive:
                    self.console.print(Text(f"{self.user}> ", style="bold"), end="")
                line = await lines.get()
                if line is None:
                    break
                if not await self.handle(line):
                    break
        finally:
            ticking.cancel()
            await self.tick()


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


def _read_text(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise UserError(f"Cannot read {path}: {e}. "
                        "Use /questions import PATH/TO/pack.yaml") from None
