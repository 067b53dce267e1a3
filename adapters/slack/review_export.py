"""/review export on Slack: the Anki import file uploaded to the person's DM with the bot
(files_upload_v2), and a private note where they asked."""

from __future__ import annotations

from adapters.slack.replies import Turn
from bot.domain.values import Card, Reply, Visibility
from bot.services.container import Core


async def send_export(core: Core, turn: Turn) -> Reply:
    f = await core.reviews.export(turn.where)
    count = f.text.count("\n") - 3
    opened = await turn.client.conversations_open(users=turn.where.user)
    await turn.client.files_upload_v2(
        channel=str(opened["channel"]["id"]),
        filename=f.name,
        title="interview-bot review (Anki text import)",
        content=f.text,
        initial_comment=f"Your {count} missed question(s): import this file in Anki "
        "with File → Import.",
        request_file_info=False,
    )
    note = Card(
        title="Review export",
        text=f"Sent {count} question(s) as {f.name} to our direct messages.",
        visibility=Visibility.EPHEMERAL,
    )
    return Reply(cards=(note,))
