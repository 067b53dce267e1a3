"""Delivering a Reply for one interaction: public cards to the channel, ephemeral ones to
the person (the interaction's response_url, else chat.postEphemeral), direct ones in a DM;
a card's file (`Card.file`) always to the person's DM (`Replies.upload`), the card saying so."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.images import IN_DM, join_footer, share, upload
from adapters.slack.poster import PERMANENT, message_ref
from adapters.slack.render import card_message, notice
from bot.domain.values import Attachment, Card, Reply, UserError, Visibility, Where
from bot.services.container import Core

log = logging.getLogger(__name__)

NEEDS_FILES_WRITE = (
    "I need the files:write permission to send you the file: add it under "
    "OAuth & Permissions and reinstall the app."
)


def sent_to_dm(file: Attachment) -> str:
    return f"I sent {file.name} to our direct messages."


def join_lines(text: str, line: str) -> str:
    return f"{text}\n{line}" if text else line


@dataclass(frozen=True, slots=True)
class Turn:
    """One interaction: who acted and where, the client to answer with, its response_url."""

    where: Where
    client: AsyncWebClient
    response_url: str | None = None


class Replies:
    def __init__(self, core: Core) -> None:
        self.core = core
        self._dms: dict[tuple[str, str], str] = {}
        self.session: aiohttp.ClientSession | None = None  # shared once the platform runs

    async def send(self, turn: Turn, reply: Reply) -> None:
        for card in reply.cards:
            await self.card(turn, card, reply)
        if reply.outgoing:
            await self.core.outbox.deliver(reply.outgoing)

    async def card(self, turn: Turn, card: Card, reply: Reply | None = None) -> None:
        if card.file is not None and card.visibility is not Visibility.DIRECT:
            await self.upload(turn, card.file, comment=card.text)  # before saying it is there
            card = replace(card, text=join_lines(card.text, sent_to_dm(card.file)))
        if card.visibility is Visibility.PUBLIC:
            ref = await self.public(turn, card)
            if reply is not None and reply.posted is not None:
                await reply.posted(card, ref)  # the core keeps what it needs (a quiz's post)
            if card.image is not None:
                await share(turn.client, ref.partition(":")[0], card.image, title=card.title)
        elif card.visibility is Visibility.DIRECT:
            await self.direct(turn, card_message(card))
            if card.image is not None:
                await share(turn.client, await self._dm(turn), card.image, title=card.title)
            if card.file is not None:  # the file follows its card in the DM
                await self.upload(turn, card.file)
        else:
            if card.image is not None:  # Slack has no private file in a channel: to the DM
                card = replace(card, footer=join_footer(card.footer, IN_DM))
            await self.ephemeral(turn, card_message(card))
            if card.image is not None:
                await share(turn.client, await self._dm(turn), card.image, title=card.title)

    async def public(self, turn: Turn, card: Card) -> str:
        try:
            resp = await turn.client.chat_postMessage(
                channel=turn.where.channel, **card_message(card)
            )
        except SlackApiError as e:
            if e.response.get("error") in PERMANENT:
                raise UserError(
                    "I cannot post in this channel. Invite me first "
                    "(/invite @interview-bot), or use a channel I am in."
                ) from None
            raise
        return message_ref(str(resp.get("channel") or turn.where.channel), str(resp["ts"]))

    async def ephemeral(self, turn: Turn, message: dict[str, Any]) -> None:
        if turn.response_url:
            hook = AsyncWebhookClient(
                turn.response_url,
                session=self.session,
                retry_handlers=[
                    AsyncConnectionErrorRetryHandler(),
                    AsyncRateLimitErrorRetryHandler(max_retry_count=2),
                ],
            )
            sent = await hook.send_dict(
                {"response_type": "ephemeral", "replace_original": False, **message}
            )
            if sent.status_code == 200:
                return
            log.warning("response_url answered %s; trying chat.postEphemeral", sent.status_code)
        w = turn.where
        if w.channel:
            await turn.client.chat_postEphemeral(channel=w.channel, user=w.user, **message)
        else:
            await self.direct(turn, message)

    async def direct(self, turn: Turn, message: dict[str, Any]) -> None:
        await turn.client.chat_postMessage(channel=await self._dm(turn), **message)

    async def _dm(self, turn: Turn) -> str:
        """The id of the person's direct-message channel with the bot (opened once)."""
        key = (turn.where.team, turn.where.user)
        channel = self._dms.get(key)
        if channel is None:
            resp = await turn.client.conversations_open(users=turn.where.user)
            channel = str(resp["channel"]["id"])
            self._dms[key] = channel
        return channel

    async def upload(self, turn: Turn, file: Attachment, comment: str = "") -> None:
        """`Card.file`, the one way a file reaches a person on Slack: into their DM with the
        bot (files_upload_v2), never a channel, since Slack has no private file there."""
        try:
            await upload(turn.client, await self._dm(turn), file.data, file.name, comment=comment)
        except SlackApiError as e:
            if e.response.get("error") == "missing_scope":
                raise UserError(NEEDS_FILES_WRITE) from None
            raise

    async def notice(self, turn: Turn, text: str) -> None:
        """A short private message (an error, a hint); a failure here is only logged."""
        try:
            await self.ephemeral(turn, notice(text))
        except Exception:
            log.exception("could not tell %s/%s: %r", turn.where.team, turn.where.user, text[:100])
