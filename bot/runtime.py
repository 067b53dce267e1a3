"""Delivering cards nobody asked for (reveals, daily posts) and the ticker that makes them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Protocol

from bot.core import Core
from bot.domain import Card, Outgoing, Target

log = logging.getLogger(__name__)


class Poster(Protocol):
    """The one port a platform implements for work that starts on a timer."""

    async def post(self, target: Target, card: Card) -> str | None:
        """Post a card to a channel; return a reference to edit it later."""
        ...

    async def edit(self, target: Target, ref: str, card: Card) -> None: ...


class Outbox:
    """Routes outgoing cards to the poster of their platform."""

    def __init__(self) -> None:
        self.posters: dict[str, Poster] = {}

    def register(self, platform: str, poster: Poster) -> None:
        self.posters[platform] = poster

    async def deliver(self, outgoing: Iterable[Outgoing]) -> list[str | None]:
        """Post or edit each card; a failure is logged and does not stop the others."""
        refs: list[str | None] = []
        for o in outgoing:
            poster = self.posters.get(o.target.platform)
            if poster is None:
                log.warning("no poster for platform %s; dropped %r", o.target.platform,
                            o.card.title)
                refs.append(None)
                continue
            try:
                if o.edit_ref:
                    await poster.edit(o.target, o.edit_ref, o.card)
                    refs.append(o.edit_ref)
                else:
                    refs.append(await poster.post(o.target, o.card))
            except Exception:
                log.exception("posting to %s/%s/%s failed", o.target.platform, o.target.team,
                              o.target.channel)
                refs.append(None)
        return refs


async def tick(core: Core, outbox: Outbox) -> None:
    """One pass: close quiz rounds whose time is up and deliver their reveals."""
    try:
        await outbox.deliver(await core.quizzes.close_due())
    except Exception:
        log.exception("closing due rounds failed")


async def tick_forever(core: Core, outbox: Outbox, interval: float = 1.0) -> None:
    while True:
        await tick(core, outbox)
        await asyncio.sleep(interval)
