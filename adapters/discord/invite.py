"""The invite link: exactly the scopes and permissions the bot uses."""

from __future__ import annotations

import discord

SCOPES = ("bot", "applications.commands")
# See channels, post cards, and have them render as embeds. Nothing else: commands,
# buttons and modals need no permission, and answers never come from message content.
PERMISSIONS = discord.Permissions(view_channel=True, send_messages=True, embed_links=True)


def invite_url(application_id: str | int) -> str:
    return discord.utils.oauth_url(application_id, permissions=PERMISSIONS, scopes=SCOPES)
