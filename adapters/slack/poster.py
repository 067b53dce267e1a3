"""The posting port on Slack's Web API: chat.postMessage, and chat.update for edits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.images import share
from adapters.slack.render import card_message
from bot.domain.values import Card, Target
from bot.ports import ChannelUnavailable

# Errors that will not go away by trying again: the daily schedule is paused instead.
PERMANENT = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "restricted_action",
        "restricted_action_read_only_channel",
        "team_access_not_granted",
        "ekm_access_denied",
    }
)


def message_ref(channel: str, ts: str) -> str:
    """A message's reference: chat.update needs both the channel and the timestamp."""
    return f"{channel}:{ts}"


def split_ref(ref: str, default_channel: str) -> tuple[str, str]:
    channel, sep, ts = ref.partition(":")
    return (channel, ts) if sep else (default_channel, ref)


Tokens = Callable[[str], Awaitable[str | None]]


class SlackPoster:
    """Posts cards nobody asked for (reveals, daily questions) to a channel.

    With one bot token, `client` serves its one workspace. With many (OAuth), `tokens` gives
    each workspace's bot token (None: it uninstalled the app) and the post uses that.
    """

    def __init__(self, client: AsyncWebClient, tokens: Tokens | None = None) -> None:
        self.client = client
        self.tokens = tokens

    async def _client(self, team: str) -> AsyncWebClient:
        if self.tokens is None:
            return self.client
        token = await self.tokens(team)
        if token is None:
            raise ChannelUnavailable("the workspace uninstalled the app")
        c = self.client
        return AsyncWebClient(
            token=token,
            base_url=c.base_url,
            session=c.session,
            timeout=c.timeout,
            retry_handlers=c.retry_handlers,
        )

    async def post(self, target: Target, card: Card) -> str | None:
        client = await self._client(target.team)
        try:
            resp = await client.chat_postMessage(channel=target.channel, **card_message(card))
        except SlackApiError as e:
            raise _unavailable(e) from None
        channel = str(resp.get("channel") or target.channel)
        if card.image is not None:  # the weekly recap's picture, beside the post
            await share(client, channel, card.image, title=card.title)  # the team's token
        return message_ref(channel, str(resp["ts"]))

    async def edit(self, target: Target, ref: str, card: Card) -> None:
        channel, ts = split_ref(ref, target.channel)
        client = await self._client(target.team)
        try:
            await client.chat_update(channel=channel, ts=ts, **card_message(card))
        except SlackApiError as e:
            raise _unavailable(e) from None


def _unavailable(e: SlackApiError) -> Exception:
    error = str(e.response.get("error") or "")
    if error in PERMANENT:
        return ChannelUnavailable(f"Slack says {error}; invite the bot to the channel")
    return e
