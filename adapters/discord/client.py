"""The discord.py client: no privileged intents, mentions off, commands synced at start."""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands
from discord.ext import commands

from adapters.discord.answers import Answers
from adapters.discord.dm import DirectMessages
from adapters.discord.invite import invite_url
from adapters.discord.poster import DiscordPoster
from adapters.discord.privacy import PrivacyCommands
from adapters.discord.replies import NO_MENTIONS, Services, report_error
from adapters.discord.review import ReviewCommands
from adapters.discord.slash import InterviewCommands
from adapters.discord.views import AnswerButton, FormButton, HintButton
from bot.ports import PlatformUnavailable
from bot.services.container import Core

log = logging.getLogger(__name__)


class InterviewBot(commands.Bot):
    def __init__(
        self,
        core: Core,
        *,
        sync_guild_id: int | None = None,
        guild_ready_timeout: float = 2.0,
        shard_id: int | None = None,
        shard_count: int | None = None,
    ) -> None:
        # Slash commands, buttons and modals need no intent; `guilds` keeps the guild cache;
        # `dm_messages` (not privileged) brings messages in DMs with the bot, content and
        # all: plain answers to an interview there (dm.py). Server messages are never read.
        # A sharded bot runs one shard per process (DISCORD_SHARD_IDS / DISCORD_SHARD_COUNT).
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents(guilds=True, dm_messages=True),
            allowed_mentions=NO_MENTIONS,
            help_command=None,
            guild_ready_timeout=guild_ready_timeout,
            shard_id=shard_id,
            shard_count=shard_count,
        )
        self.sync_guild_id = sync_guild_id
        self.logged_in = asyncio.Event()
        self.poster = DiscordPoster(self, self.logged_in)
        # reveals go through the core's outbox, where the app registers this poster
        self.services = Services(core, core.outbox)
        self.answers = Answers(self.services)
        self.dm = DirectMessages(self.services)
        self.tree.error(self._on_tree_error)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(AnswerButton, FormButton, HintButton)
        self.add_listener(self.answers.on_interaction, "on_interaction")
        self.add_listener(self.dm.on_message, "on_message")
        await self.add_cog(InterviewCommands(self.services))
        await self.add_cog(ReviewCommands(self.services))  # /review (practice that remembers)
        await self.add_cog(PrivacyCommands(self.services))  # /my-data, /forget-me, removals
        if not self.shard_id:  # one process syncs the commands: shard 0, or an unsharded bot
            await self._sync()
        self.logged_in.set()
        if self.application_id:
            log.info("discord: logged in; invite link: %s", invite_url(self.application_id))

    async def _sync(self) -> None:
        """DISCORD_GUILD_ID: one server, at once (for testing); otherwise every server."""
        guild = discord.Object(self.sync_guild_id) if self.sync_guild_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        try:
            synced = await self.tree.sync(guild=guild)
        except discord.Forbidden as e:
            where = f"server {self.sync_guild_id}" if guild else "Discord"
            raise PlatformUnavailable(
                f"discord: {where} refused the slash commands ({e.status} {e.text}). Check "
                "DISCORD_GUILD_ID and that the bot was invited with the applications.commands "
                "scope (interview-bot discord invite-url)."
            ) from None
        log.info(
            "discord: %d commands synced to %s",
            len(synced),
            f"server {self.sync_guild_id}" if guild else "all servers",
        )

    async def _on_tree_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        name = interaction.command.qualified_name if interaction.command else "command"
        await report_error(interaction, error, f"/{name}")
