"""Builds everything from Settings and runs the adapters that are configured."""

from __future__ import annotations

import logging
from typing import TextIO

from bot.config import Settings
from bot.core import build_core

log = logging.getLogger(__name__)


class PlatformUnavailable(Exception):
    """A platform's token is set but its adapter cannot start."""


async def run(settings: Settings) -> None:
    """Every platform whose token is set; the console when none is."""
    platforms = settings.platforms
    if not platforms:
        await run_console(settings)
        return
    raise PlatformUnavailable(
        f"{', '.join(platforms)}: this build has no adapter for it yet. Unset the token to play "
        "in the console.")


async def run_console(settings: Settings, *, user: str = "you",
                      stdin: TextIO | None = None) -> None:
    from adapters.console.adapter import ConsoleAdapter

    core = await build_core(settings)
    try:
        await ConsoleAdapter(core, user=user, stdin=stdin).run()
    finally:
        await core.close()
