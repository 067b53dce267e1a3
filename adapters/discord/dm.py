"""Plain messages in a DM with the bot answer the person's interview, as in a conversation.

Discord delivers DM messages, content included, with the `dm_messages` intent alone (no
privileged message-content intent); messages in servers are never read. A DM names no
server, so the person's own active interview (the latest, if several servers have one)
says which team the answer belongs to."""

from __future__ import annotations

import logging

import discord
from discord.utils import MISSING

from adapters.discord.render import embed_for, file_for, safe_name, view_for
from adapters.discord.replies import NO_MENTIONS, PLATFORM, Services
from bot import metrics
from bot.domain.values import UserError, Where

log = logging.getLogger(__name__)

NOTHING_TO_ANSWER = (
    "I read messages here only as answers to your mock interview. Start one in a server "
    "with /interview start (set dm to hold it here)."
)
SORRY = "Something went wrong on my side; it has been logged. Please try again."


class DirectMessages:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def on_message(self, message: discord.Message) -> None:
        """A person's message in a DM: the answer to their current question or follow-up."""
        if message.guild is not None or message.author.bot or not message.content:
            return
        core = self.services.core
        channel = message.channel
        try:
            mine = await core.store.active_sessions_of_user(PLATFORM, str(message.author.id))
            if not mine:
                raise UserError(NOTHING_TO_ANSWER)
            s = mine[0]
            where = Where(
                PLATFORM,
                s.team,
                str(channel.id),
                str(message.author.id),
                safe_name(message.author.display_name),
            )
            reply = await core.interviews.answer(where, message.content)
            for card in reply.cards:
                view = view_for(card, s.team)
                await channel.send(
                    embed=embed_for(card),
                    file=file_for(card) or MISSING,  # the report's picture the embed shows
                    view=view or MISSING,
                    allowed_mentions=NO_MENTIONS,
                )
        except UserError as e:
            await channel.send(str(e), allowed_mentions=NO_MENTIONS)
        except Exception:
            log.exception("discord dm answer failed (user=%s)", message.author.id)
            metrics.COMMAND_ERRORS.labels(PLATFORM, "action").inc()
            await channel.send(SORRY, allowed_mentions=NO_MENTIONS)
