"""Discord's pieces of the interview commands that are not registration: autocompletes."""

from __future__ import annotations

import discord
from discord import app_commands

from adapters.discord.replies import services, where_for

_MAX_CHOICES = 25


async def track_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """The interview tracks whose id or title contains what is typed."""
    typed = current.strip().lower()
    where = where_for(interaction)
    book = services(interaction).core.interviews.trackbook
    tracks = (await book.offered(where.platform, where.team)).values()
    return [
        app_commands.Choice(name=f"{t.id} · {t.title}"[:100], value=t.id)
        for t in tracks
        if typed in t.id or typed in t.title.lower()
    ][:_MAX_CHOICES]
