"""App Home: the team leaderboard, the person's stats and streak, the channel schedules."""

from __future__ import annotations

import re
from dataclasses import replace

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    SectionBlock,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import ids
from adapters.slack.render import card_blocks, home_view, md, mrkdwn, plain
from bot.domain.periods import PERIODS, resolve_period
from bot.domain.values import Where
from bot.services.container import Core

MAX_SCHEDULES = 8  # a Home tab holds 100 blocks
_CHANNEL_ID = re.compile(r"[A-Z][A-Z0-9]{1,30}")  # Slack's ids; anything else is not mentioned

_INTRO = (
    "Quizzes, mock interviews and daily questions for your team. In any channel: "
    "`/quiz` for a round, `/interview start` for a one-to-one mock interview, "
    "`/quiz help` for every command. In the Messages tab, a plain message answers your "
    "interview question."
)


async def home_blocks(core: Core, where: Where, period: str | None = None) -> list[Block]:
    p = resolve_period(period)
    board = await core.leaderboards.board(where, p, "team")
    stats = await core.leaderboards.stats(where, chart=False)  # a Home tab shows no files
    periods = [
        ButtonElement(
            text=name.capitalize() if name != "all" else "All time",
            action_id=ids.HOME + name,
            value=name,
            style="primary" if name == p else None,
        )
        for name in PERIODS
    ]
    return [
        HeaderBlock(text=plain("interview-bot", 150)),
        SectionBlock(text=md(_INTRO)),
        ActionsBlock(elements=periods),
        *card_blocks(board, max_blocks=30),
        DividerBlock(),
        *card_blocks(stats, max_blocks=30),
        DividerBlock(),
        *await schedule_blocks(core, where),
    ]


async def schedule_blocks(core: Core, where: Where) -> list[Block]:
    """Each channel's daily-question schedule, in the core's own words (`daily.status`)."""
    mine = await core.daily.channels(where)
    blocks: list[Block] = [HeaderBlock(text=plain("Daily questions", 150))]
    if not mine:
        blocks.append(
            ContextBlock(
                elements=[
                    md(
                        "No channel has a daily question yet. An admin starts one in a "
                        "channel with `/daily set 09:00`."
                    )
                ]
            )
        )
    for channel in mine[:MAX_SCHEDULES]:
        card = await core.daily.status(replace(where, channel=channel))
        name = f"<#{channel}>" if _CHANNEL_ID.fullmatch(channel) else "a channel"
        blocks.append(SectionBlock(text=md(f"*{name}*  {mrkdwn(card.text)}")))
        blocks.extend(card_blocks(replace(card, text=""), header=False, max_blocks=4))
    if len(mine) > MAX_SCHEDULES:
        blocks.append(ContextBlock(elements=[md(f"…and {len(mine) - MAX_SCHEDULES} more")]))
    return blocks


async def publish(
    core: Core, client: AsyncWebClient, where: Where, period: str | None = None
) -> None:
    blocks = await home_blocks(core, where, period)
    await client.views_publish(user_id=where.user, view=home_view(blocks))
