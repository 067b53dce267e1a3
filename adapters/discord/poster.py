"""The posting port on Discord: cards nobody asked for (reveals, daily posts) to a channel.

Rate limits are discord.py's own (per-route buckets, 429 retries); nothing is added here.
"""

from __future__ import annotations

import asyncio
import logging

import discord
from discord.utils import MISSING

from adapters.discord.render import embed_for, view_for
from adapters.discord.turns import NO_MENTIONS
from bot.domain import Card, Target
from bot.outbox import ChannelUnavailable

log = logging.getLogger(__name__)

LOGIN_WAIT_SECONDS = 60.0
_UNKNOWN_MESSAGE = 10008


class DiscordPoster:
    def __init__(self, client: discord.Client, logged_in: asyncio.Event) -> None:
        self.client = client
        self.logged_in = logged_in  # reveals due at start-up wait for the login, not fail

    async def _channel(self, target: Target) -> discord.PartialMessageable:
        if not target.channel.isdigit():
            raise ChannelUnavailable(f"'{target.channel}' is not a Discord channel id")
        await asyncio.wait_for(self.logged_in.wait(), LOGIN_WAIT_SECONDS)
        guild_id = int(target.team) if target.team.isdigit() else None
        return self.client.get_partial_messageable(int(target.channel), guild_id=guild_id)

    async def post(self, target: Target, card: Card) -> str:
        channel = await self._channel(target)
        try:
            msg = await channel.send(embed=embed_for(card),
                                     view=view_for(card, target.team) or MISSING,
                                     allowed_mentions=NO_MENTIONS)
        except (discord.Forbidden, discord.NotFound) as e:
            raise ChannelUnavailable(f"Discord refused channel {target.channel}: {e.status} "
                                     f"{e.text or ''}".strip()) from e
        return str(msg.id)

    async def edit(self, target: Target, ref: str, card: Card) -> None:
        channel = await self._channel(target)
        try:
            await channel.get_partial_message(int(ref)).edit(
                embed=embed_for(card), view=view_for(card, target.team),
                allowed_mentions=NO_MENTIONS)
        except discord.NotFound as e:
            if e.code != _UNKNOWN_MESSAGE:
                raise ChannelUnavailable(f"Discord channel {target.channel} is gone") from e
            log.info("message %s in %s was deleted; not edited", ref, target.channel)
        except discord.Forbidden as e:
            raise ChannelUnavailable(f"Discord refused channel {target.channel}: {e.status} "
                                     f"{e.text or ''}".strip()) from e
