"""The posting port on Discord: cards nobody asked for (reveals, daily posts) to a channel.

Retries are mostly discord.py's own: per-route buckets, 429s waited out (retry_after), and
500, 502, 504 and 524 retried with back-off, up to 5 tries. Where it gives up on a server
error (a 503, or 5xx five times) this poster tries again a bounded number of times.

A retried post cannot appear twice: discord.py sends every message with a random `nonce`
and `enforce_nonce`, and Discord answers a repeat of that nonce (from the same author,
within minutes) with the message already created instead of a new one. discord.py resends
the same payload on its retries, and this poster passes its own nonce, the same on each of
its tries, so a 500 that came after the message was created is harmless.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TypeVar

import aiohttp
import discord
from discord.utils import MISSING

from adapters.discord.render import embed_for, file_for, view_for
from adapters.discord.replies import NO_MENTIONS
from bot.domain.values import Card, Target
from bot.ports import ChannelUnavailable

log = logging.getLogger(__name__)

LOGIN_WAIT_SECONDS = 60.0
RETRY_SECONDS = (2.0, 8.0)  # waits before the poster's own tries after discord.py gave up
_UNKNOWN_MESSAGE = 10008
_MISSING_PERMISSIONS = 50013
_TRANSIENT = (discord.DiscordServerError, aiohttp.ClientError)
T = TypeVar("T")


class DiscordPoster:
    def __init__(
        self,
        client: discord.Client,
        logged_in: asyncio.Event,
        *,
        retry_seconds: tuple[float, ...] = RETRY_SECONDS,
    ) -> None:
        self.client = client
        self.logged_in = logged_in  # reveals due at start-up wait for the login, not fail
        self.retry_seconds = retry_seconds

    async def _channel(self, target: Target) -> discord.PartialMessageable:
        if not target.channel.isdigit():
            raise ChannelUnavailable(f"'{target.channel}' is not a Discord channel id")
        await asyncio.wait_for(self.logged_in.wait(), LOGIN_WAIT_SECONDS)
        guild_id = int(target.team) if target.team.isdigit() else None
        return self.client.get_partial_messageable(int(target.channel), guild_id=guild_id)

    async def _retrying(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        """`call()`, tried again after a server error discord.py did not retry itself."""
        for wait in (*self.retry_seconds, None):
            try:
                return await call()
            except _TRANSIENT as e:
                if wait is None:
                    raise
                log.warning(
                    "discord: %s failed (%s); trying again in %.0f s",
                    what,
                    getattr(e, "status", type(e).__name__),
                    wait,
                )
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    async def post(self, target: Target, card: Card) -> str:
        try:
            return await self._post(target, card)
        except ChannelUnavailable as e:
            if card.image is None or not isinstance(e.__cause__, discord.Forbidden):
                raise
            if e.__cause__.code != _MISSING_PERMISSIONS:
                raise
        # invited before the pictures: no Attach Files in the channel. The text still goes.
        log.warning(
            "discord: no Attach Files permission in %s; posted %s without its picture",
            target.channel,
            card.image.filename,
        )
        return await self._post(target, replace(card, image=None))

    async def _post(self, target: Target, card: Card) -> str:
        channel = await self._channel(target)
        nonce = secrets.randbits(63)  # the same on every try: Discord creates one message

        async def send() -> discord.Message:
            return await channel.send(
                embed=embed_for(card),
                view=view_for(card, target.team) or MISSING,
                allowed_mentions=NO_MENTIONS,
                nonce=nonce,
                file=file_for(card) or MISSING,  # a new File on each try: it is read once
            )

        try:
            msg = await self._retrying(f"posting to {target.channel}", send)
        except (discord.Forbidden, discord.NotFound) as e:
            raise ChannelUnavailable(
                f"Discord refused channel {target.channel}: {e.status} {e.text or ''}".strip()
            ) from e
        return str(msg.id)

    async def edit(self, target: Target, ref: str, card: Card) -> None:
        channel = await self._channel(target)
        message = channel.get_partial_message(int(ref))

        async def edit() -> object:  # an edit is the same edit however often it is made
            file = file_for(card)
            return await message.edit(
                embed=embed_for(card),
                view=view_for(card, target.team),
                allowed_mentions=NO_MENTIONS,
                attachments=[file] if file else MISSING,
            )

        try:
            await self._retrying(f"editing {ref} in {target.channel}", edit)
        except discord.NotFound as e:
            if e.code != _UNKNOWN_MESSAGE:
                raise ChannelUnavailable(f"Discord channel {target.channel} is gone") from e
            log.info("message %s in %s was deleted; not edited", ref, target.channel)
        except discord.Forbidden as e:
            raise ChannelUnavailable(
                f"Discord refused channel {target.channel}: {e.status} {e.text or ''}".strip()
            ) from e
