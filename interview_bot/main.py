"""Builds everything from Settings and runs the adapters that are configured."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import signal
from collections.abc import Awaitable

from bot.grading import warm_up
from bot.ports import Platform
from bot.services.container import Core, build_core
from bot.services.review_reminders import ReminderJobs
from bot.services.scheduler import DailyScheduler
from bot.services.ticker import tick, tick_forever
from interview_bot.config import Settings
from interview_bot.health import OpsServer
from interview_bot.platforms import FALLBACK, PLATFORMS, load_platform

log = logging.getLogger(__name__)

__all__ = ["PLATFORMS", "load_platform", "run"]


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


async def run(
    settings: Settings, *, only: list[str] | None = None, configs: dict[str, object] | None = None
) -> None:
    """Every platform whose token is set; the console when none is. Each one gets the same
    start-up: its poster registered once, the ticker, the scheduler, /healthz, a clean stop.

    `only` names the platforms to run instead (`interview-bot console`); `configs`
    replaces a platform's config value (the console's player and input)."""
    names = only or settings.platforms or [FALLBACK]
    private_files()
    core = await build_core(settings)
    scheduler = DailyScheduler(core.daily, core.clock)
    scheduler.also_start.append(ReminderJobs(core.reminders, scheduler).start)  # /review remind
    platforms: dict[str, Platform] = {}
    ops: OpsServer | None = None
    warming: asyncio.Future[bool] | None = None
    try:
        for name in names:
            p = load_platform(name, core, settings, (configs or {}).get(name))
            core.outbox.register(p.name, p.poster)
            platforms[name] = p
        if _health_port(settings, names):
            ops = OpsServer(
                core.store,
                {n: functools.partial(_connected, p) for n, p in platforms.items()},
                settings.health_host,
                _health_port(settings, names),
            )
            try:
                await ops.start()
            except OSError as e:
                if names != [FALLBACK]:
                    raise
                # a terminal session beside a running bot (HEALTH_PORT from .env): play on
                log.warning("no /healthz for the console: %s", e)
                ops = None
        log.info("starting %s", ", ".join(names))
        # load the semantic model now, off the event loop, not on the first open answer
        warming = asyncio.ensure_future(warm_up(core.grading))
        probing = asyncio.ensure_future(_probe_sandbox(core))
        await scheduler.start()
        await _until_stopped(_serve(core, list(platforms.values())), settings.shutdown_seconds)
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


async def _serve(core: Core, platforms: list[Platform]) -> None:
    """The platforms and the ticker, until every platform's run ends (the console's ends
    with its input; the chat platforms' when they are cancelled)."""
    ticking = asyncio.ensure_future(tick_forever(core))
    try:
        await asyncio.gather(*(p.run() for p in platforms))
    finally:
        ticking.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticking
    await tick(core)  # rounds that closed while the last lines were read


def _health_port(settings: Settings, names: list[str]) -> int:
    """The console serves /healthz and /metrics only when HEALTH_PORT is set: a terminal
    session must not fail because the bot already runs on the default port."""
    if names == [FALLBACK] and "health_port" not in settings.model_fields_set:
        return 0
    return settings.health_port


def _connected(p: Platform) -> bool:
    return bool(p.is_connected())


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
