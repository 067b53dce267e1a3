"""The ticker: closes quiz and daily rounds whose time is up and delivers what they post."""

from __future__ import annotations

import asyncio
import logging

from bot.services.container import Core
from bot.services.outbox import Outbox

log = logging.getLogger(__name__)


async def tick(core: Core, outbox: Outbox | None = None) -> None:
    """One pass: close rounds whose time is up, post the reveals owed (a failed one again),
    refresh the daily posts' answer counts, purge removed teams whose retention ran out."""
    box = outbox or core.outbox
    try:
        await core.rounds.close_due()
        await box.deliver(await core.daily.refresh_counts())
        await core.privacy.maybe_purge()
    except Exception:
        log.exception("the ticker failed; it will try again")


async def tick_forever(core: Core, outbox: Outbox | None = None, interval: float = 1.0) -> None:
    while True:
        await tick(core, outbox)
        await asyncio.sleep(interval)
