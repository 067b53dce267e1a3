"""DiscordPlatform: what interview_bot.main runs when DISCORD_TOKEN is set."""

from __future__ import annotations

import aiohttp
import discord

from adapters.discord.client import InterviewBot
from adapters.discord.config import DiscordConfig
from adapters.discord.poster import DiscordPoster
from adapters.discord.replies import PLATFORM
from bot.ports import PlatformUnavailable
from bot.services.container import Core


class DiscordPlatform:
    """The Discord bot as a Platform: one gateway connection (one shard) per process."""

    name = PLATFORM

    def __init__(
        self, core: Core, config: DiscordConfig, *, guild_ready_timeout: float = 2.0
    ) -> None:
        self.config = config
        ids = config.shard_ids
        if len(ids) > 1:
            raise PlatformUnavailable(
                "discord: run one shard per process (DISCORD_SHARD_IDS="
                "one id); start another process for each other shard."
            )
        count = config.shard_count
        if ids and (count is None or ids[0] >= count):
            raise PlatformUnavailable(
                "discord: DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT greater than the shard id."
            )
        self.bot = InterviewBot(
            core,
            sync_guild_id=config.guild_id,
            guild_ready_timeout=guild_ready_timeout,
            shard_id=ids[0] if ids else None,
            shard_count=count if ids else None,
        )
        self.poster: DiscordPoster = self.bot.poster

    async def run(self) -> None:
        """Log in, sync the commands and serve until cancelled or closed."""
        token = self.config.token.strip()
        if not token:
            raise PlatformUnavailable("discord: DISCORD_TOKEN is not set.")
        try:
            await self.bot.start(token)
        except discord.LoginFailure:
            raise PlatformUnavailable(
                "discord: Discord refused DISCORD_TOKEN (401 Unauthorized). Copy the bot "
                "token again from the Developer Portal: your application → Bot → Reset "
                "Token."
            ) from None
        except aiohttp.ClientConnectorError as e:
            raise PlatformUnavailable(f"discord: cannot reach Discord ({e.os_error}).") from None

    def is_connected(self) -> bool:
        """For /healthz: logged in and the gateway is up."""
        return self.bot.is_ready() and not self.bot.is_closed()

    async def close(self) -> None:
        await self.bot.close()
