"""The invite link: exactly the scopes and permissions the bot uses."""

from __future__ import annotations

import discord

SCOPES = ("bot", "applications.commands")
# See channels, post cards, have them render as embeds, and attach the weekly recap's
# picture to its post (bot/charts). Nothing else: commands, buttons and modals need no
# permission, and answers never come from message content.
PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, embed_links=True, attach_files=True
)


def invite_url(application_id: str | int) -> str:
    return discord.utils.oauth_url(application_id, permissions=PERMISSIONS, scopes=SCOPES)
