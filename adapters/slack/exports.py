"""`/export packs|leaderboard|answers` on Slack: the file goes to the admin's direct message
with the bot (files_upload_v2; needs the files:write scope), never into the channel."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.values import Card, Color, UserError, Visibility, Where
from bot.services.container import Core


async def send_export(core: Core, client: AsyncWebClient, where: Where, text: str) -> Card:
    what, _, arg = text.strip().partition(" ")
    f = await core.exports.export(where, what, arg)
    try:
        dm = await client.conversations_open(users=where.user)
        channel = str((dm.get("channel") or {}).get("id") or "")
        await client.files_upload_v2(
            channel=channel,
            content=f.data,
            filename=f.name,
            title=f.name,
            initial_comment=f"{f.summary}.",
        )
    except SlackApiError as e:
        if e.response.get("error") == "missing_scope":
            raise UserError(
                "I need the files:write permission to send you the file: add it under "
                "OAuth & Permissions and reinstall the app."
            ) from None
        raise
    return Card(
        title=f"Export: {f.name}",
        text=f"{f.summary}. I sent the file to our direct messages.",
        visibility=Visibility.EPHEMERAL,
        color=Color.GOOD,
    )
