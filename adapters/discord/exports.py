"""`/export` on Discord: the file comes back as an attachment only the admin sees."""

from __future__ import annotations

import io

import discord

from adapters.discord.replies import defer, where_for
from bot.services.container import Core


async def send_export(core: Core, interaction: discord.Interaction, what: str, detail: str) -> None:
    where = where_for(interaction)
    await defer(interaction)  # a large team's answers take a moment to read
    f = await core.exports.export(where, what, detail)
    await interaction.followup.send(
        content=f"{f.summary}.",
        file=discord.File(io.BytesIO(f.data), filename=f.name),
        ephemeral=True,
        allowed_mentions=discord.AllowedMentions.none(),
    )
