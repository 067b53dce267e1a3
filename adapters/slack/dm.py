"""Plain messages in the bot's direct-message channel (App Home's Messages tab, the
`message.im` event) answer the person's interview, as in a conversation. The bot reads no
other messages: channel messages never reach it (no `message.channels` subscription) and
are ignored here if they did."""

from __future__ import annotations

import html
from dataclasses import replace
from typing import Any

from bot.domain.values import Reply, UserError, Visibility, Where
from bot.services.container import Core

NOTHING_TO_ANSWER = (
    "I read messages here only as answers to your mock interview. Start one with "
    "/interview start (add dm to hold it here)."
)


def direct_message(event: dict[str, Any]) -> tuple[str, str, str] | None:
    """(user, channel, text) of a person's plain message in a DM with the bot; None for
    anything else (a channel, an edit, a bot's or our own message, a file share)."""
    if event.get("type") != "message" or event.get("channel_type") != "im":
        return None
    if event.get("subtype") or event.get("bot_id") or event.get("bot_profile"):
        return None
    user, channel, text = event.get("user"), event.get("channel"), event.get("text")
    if not all(isinstance(v, str) and v for v in (user, channel, text)):
        return None
    # Slack escapes &, < and > in message text; the answer is what the person typed
    return str(user), str(channel), html.unescape(str(text))


async def dm_answer(core: Core, where: Where, text: str) -> Reply:
    """Answer the current interview question (or follow-up); every card comes back here."""
    if await core.interviews.current(where) is None:
        raise UserError(NOTHING_TO_ANSWER)
    reply = await core.interviews.answer(where, text)
    cards = tuple(replace(c, visibility=Visibility.PUBLIC) for c in reply.cards)
    return replace(reply, cards=cards)
