"""The posting port: how work that starts on a timer (reveals, daily posts) reaches a platform."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot import metrics
from bot.domain.values import Card, Outgoing, Target
from bot.ports import ChannelUnavailable, Poster

log = logging.getLogger(__name__)


class Outbox:
    """Routes outgoing cards to the poster of their platform."""

    def __init__(self) -> None:
        self.posters: dict[str, Poster] = {}

    def register(self, platform: str, poster: Poster) -> None:
        self.posters[platform] = poster

    def serves(self, platform: str) -> bool:
        """Whether this process can post to `platform` (its adapter runs here)."""
        return platform in self.posters

    def _poster(self, target: Target) -> Poster:
        poster = self.posters.get(target.platform)
        if poster is None:
            raise ChannelUnavailable(f"no poster for platform {target.platform}")
        return poster

    async def post(self, target: Target, card: Card) -> str | None:
        """Post one card; errors propagate (ChannelUnavailable for permanent ones)."""
        try:
            ref = await self._poster(target).post(target, card)
        except Exception:
            metrics.POST_ERRORS.labels(target.platform).inc()
            raise
        metrics.POSTS.labels(target.platform).inc()
        return ref

    async def edit(self, target: Target, ref: str, card: Card) -> None:
        try:
            await self._poster(target).edit(target, ref, card)
        except Exception:
            metrics.POST_ERRORS.labels(target.platform).inc()
            raise
        metrics.POSTS.labels(target.platform).inc()

    async def deliver(self, outgoing: Iterable[Outgoing]) -> list[str | None]:
        """Post or edit each card; a failure is logged and does not stop the others."""
        refs: list[str | None] = []
        for o in outgoing:
            try:
                if o.edit_ref:
                    await self.edit(o.target, o.edit_ref, o.card)
                    refs.append(o.edit_ref)
                else:
                    refs.append(await self.post(o.target, o.card))
            except Exception:
                log.exception(
                    "posting %r to %s/%s/%s failed",
                    o.card.title,
                    o.target.platform,
                    o.target.team,
                    o.target.channel,
                )
                refs.append(None)
        return refs
