"""Your data, your choice on Discord: /my-data (a JSON file by DM, or here when DMs are
closed), /forget-me, and the server removing or re-adding the bot (bot.services.privacy)."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from adapters.discord.replies import PLATFORM, Services, defer, send_reply, where_for
from bot.commands.help import describe
from bot.domain.values import Reply

log = logging.getLogger(__name__)


class PrivacyCommands(commands.Cog):
    """/my-data, /forget-me; on_guild_remove and on_guild_join."""

    def __init__(self, svc: Services) -> None:
        self.core = svc.core

    @app_commands.command(name="my-data", description=describe("my-data"))
    @app_commands.guild_only()
    async def my_data(self, interaction: discord.Interaction) -> None:
        where = where_for(interaction)
        await defer(interaction)
        card = await self.core.privacy.my_data(where)  # direct, with its file (send_reply)
        await send_reply(interaction, Reply(cards=(card,)), where)

    @app_commands.command(name="forget-me", description=describe("forget-me"))
    @app_commands.describe(confirm="Type confirm to delete your data in this server")
    @app_commands.guild_only()
    async def forget_me(self, interaction: discord.Interaction, confirm: str = "") -> None:
        where = where_for(interaction)
        card = await self.core.privacy.forget_me(where, confirm)
        await send_reply(interaction, Reply(cards=(card,)), where)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Kicked or the server deleted: the server's data goes after the retention period."""
        await self.core.privacy.team_removed(PLATFORM, str(guild.id))

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        """Added (again): whatever was due for purging stays."""
        await self.core.privacy.team_returned(PLATFORM, str(guild.id))

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        """The bot sees a server it is in (at start, or after an outage): one that added it
        back while the bot was away gets no guild_join, and keeps its data all the same."""
        await self.core.privacy.team_returned(PLATFORM, str(guild.id))
