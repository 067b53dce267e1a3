"""DiscordPlatform: what interview_bot.main runs when DISCORD_TOKEN is set."""

from __future__ import annotations

import aiohttp
import discord

from adapters.discord.client import InterviewBot
from adapters.discord.poster import DiscordPoster
from bot.ports import PlatformUnavailable
from bot.services.container import Core
from interview_bot.config import Settings


class DiscordPlatform:
    def __init__(self, core: Core, settings: Settings, *,
                 guild_ready_timeout: float = 2.0) -> None:
        self.settings = settings
        ids = settings.shard_ids or []
        if len(ids) > 1:
            raise PlatformUnavailable("discord: run one shard per process (DISCORD_SHARD_IDS="
                                      "one id); start another process for each other shard.")
        count = settings.discord_shard_count
        if ids and (count is None or ids[0] >= count):
            raise PlatformUnavailable("discord: DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT "
                                      "greater than the shard id.")
        self.bot = InterviewBot(core, sync_guild_id=settings.discord_guild_id,
                                guild_ready_timeout=guild_ready_timeout,
                                shard_id=ids[0] if ids else None,
                                shard_count=count if ids else None)
        self.poster: DiscordPoster = self.bot.poster

    async def run(self) -> None:
        """Log in, sync the commands and serve until cancelled or closed."""
        secret = self.settings.discord_token
        token = secret.get_secret_value().strip() if secret else ""
        if not token:
            raise PlatformUnavailable("discord: DISCORD_TOKEN is not set.")
        try:
            await self.bot.start(token)
        except discord.LoginFailure:
            raise PlatformUnavailable(
                "discord: Discord refused DISCORD_TOKEN (401 Unauthorized). Copy the bot "
                "token again from the Developer Portal: your application → Bot → Reset "
                "Token.") from None
        except aiohttp.ClientConnectorError as e:
            raise PlatformUnavailable(f"discord: cannot reach Discord ({e.os_error}).") from None

    def is_connected(self) -> bool:
        """For /healthz: logged in and the gateway is up."""
        return self.bot.is_ready() and not self.bot.is_closed()

    async def close(self) -> None:
        await self.bot.close()
