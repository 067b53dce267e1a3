"""Builds everything from Settings and runs the adapters that are configured."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib
import logging
import os
import signal
from collections.abc import Awaitable
from typing import TextIO

from bot.grading import warm_up
from bot.ports import Platform, PlatformUnavailable
from bot.services.container import Core, build_core
from bot.services.scheduler import DailyScheduler
from bot.services.ticker import tick_forever
from interview_bot.config import Settings
from interview_bot.health import OpsServer

log = logging.getLogger(__name__)

# A plain map from platform name to the class that runs it ("module:Class", imported only
# when that platform is configured, so a Slack-only bot never imports discord.py).
PLATFORMS: dict[str, str] = {
    "discord": "adapters.discord.platform:DiscordPlatform",
    "slack": "adapters.slack.platform:SlackPlatform",
}






def load_platform(name: str, core: Core, settings: Settings) -> Platform:
    target = PLATFORMS.get(name)
    if target is None:
        raise PlatformUnavailable(f"unknown platform {name!r}")
    module_name, _, cls_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name and (e.name == module_name or module_name.startswith(e.name + ".")):
            raise PlatformUnavailable(f"{name}: this build has no adapter for it yet. Unset "
                                      "its token to play in the console.") from None
        raise
    cls = getattr(module, cls_name)
    return cls(core, settings)  # type: ignore[no-any-return]


def _connected(p: Platform) -> bool:
    check = getattr(p, "is_connected", None)
    return bool(check()) if callable(check) else True


async def _until_stopped(main: Awaitable[object], grace: float) -> None:
    """Run `main` until it ends or SIGTERM/SIGINT arrives; then give it `grace` s to finish."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    task = asyncio.ensure_future(main)
    waiter = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            task.result()
            return
        log.info("stopping: finishing work in flight (up to %.0f s)", grace)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, asyncio.TimeoutError):
            await asyncio.wait_for(task, grace)
    finally:
        waiter.cancel()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)


async def run(settings: Settings) -> None:
    """Every platform whose token is set; the console when none is."""
    names = settings.platforms
    if not names:
        await run_console(settings)
        return
    private_files()
    core = await build_core(settings)
    scheduler = DailyScheduler(core.daily, core.clock)
    platforms: dict[str, Platform] = {}
    ops: OpsServer | None = None
    warming: asyncio.Future[bool] | None = None
    try:
        for name in names:
            p = load_platform(name, core, settings)
            core.outbox.register(name, p.poster)
            platforms[name] = p
        if settings.health_port:
            ops = OpsServer(core.store, {n: functools.partial(_connected, p)
                                         for n, p in platforms.items()},
                            settings.health_host, settings.health_port)
            await ops.start()
        log.info("starting %s", ", ".join(names))
        # load the semantic model now, off the event loop, not on the first open answer
        warming = asyncio.ensure_future(warm_up(core.grading))
        probing = asyncio.ensure_future(_probe_sandbox(core))
        await scheduler.start()
        await _until_stopped(
            asyncio.gather(tick_forever(core), *(p.run() for p in platforms.values())),
            settings.shutdown_seconds)
    finally:
        if warming is not None:
            warming.cancel()
            await _settle(probing)
        await scheduler.stop()
        for p in platforms.values():
            try:
                await p.close()
            except Exception:
                log.exception("closing a platform failed")
        if ops is not None:
            await ops.stop()
        await core.close()  # waits for answers being written
        log.info("stopped")


def private_files() -> None:
    """Files the bot creates (the SQLite database, its journal) are readable by it alone."""
    os.umask(0o077)


async def _probe_sandbox(core: Core) -> None:
    """Find out at start whether code answers can be run here (one log line if not)."""
    if core.grading.sandbox is not None:
        await core.grading.sandbox.probe()


async def _settle(probe: asyncio.Future[None]) -> None:
    """Let the sandbox probe finish rather than cancel it: cancelling asyncio while it starts a
    process can leave the shutdown waiting forever (CPython 3.11). It takes well under 1 s."""
    with contextlib.suppress(Exception):
        await asyncio.wait_for(asyncio.shield(probe), timeout=10)


async def run_console(settings: Settings, *, user: str = "you",
                      stdin: TextIO | None = None) -> None:
    from adapters.console.platform import ConsoleAdapter

    private_files()
    core = await build_core(settings)
    scheduler = DailyScheduler(core.daily, core.clock)
    # the semantic model loads in the background while the first question is asked
    warming = asyncio.ensure_future(warm_up(core.grading))
    probing = asyncio.ensure_future(_probe_sandbox(core))
    try:
        adapter = ConsoleAdapter(core, user=user, stdin=stdin)
        await scheduler.start()
        await _until_stopped(adapter.run(), settings.shutdown_seconds)
    finally:
        warming.cancel()
        await _settle(probing)
        await scheduler.stop()
        await core.close()
