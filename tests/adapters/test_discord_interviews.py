"""Interviews on Discord through the real discord.py: the Hint button, the new /interview
commands, and plain messages in a DM answering the interview (server messages never read)."""

from __future__ import annotations

from itertools import count
from typing import Any

from adapters.discord.platform import DiscordPlatform
from tests.support import discord_rig as rig
from tests.support.fakes.discord_server import (
    CHANNEL_ID,
    EPHEMERAL,
    GUILD_ID,
    FakeDiscord,
    FakeUser,
)

BOB, GRADING = rig.BOB, rig.GRADING
embed, custom_ids, is_ephemeral = rig.embed, rig.custom_ids, rig.is_ephemeral
fake, connect, bot = rig.fake, rig.connect, rig.bot
_ids = count(7_000_000_000_000_000_001)
ANSWER = "TCP guarantees ordered, reliable delivery.\nIt retransmits lost packets; UDP does not."


def message(user: FakeUser, channel: int, content: str, **extra: Any) -> dict[str, Any]:
    """A MESSAGE_CREATE payload as Discord sends it."""
    return {
        "id": str(next(_ids)),
        "channel_id": str(channel),
        "author": user.payload(),
        "content": content,
        "timestamp": "2026-01-05T10:00:00+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "type": 0,
        **extra,
    }


async def test_no_privileged_intent_and_server_messages_are_not_asked_for(
    bot: DiscordPlatform,
) -> None:
    intents = bot.bot.intents
    assert intents.dm_messages and intents.guilds
    assert not intents.message_content and not intents.guild_messages and not intents.members


async def test_a_plain_dm_message_answers_the_interview(
    fake: FakeDiscord, bot: DiscordPlatform
) -> None:
    ex = await fake.slash("interview", {"topic": "web", "dm": True}, sub="start", user=BOB)
    await ex.messages(1)
    dm = fake.dm_channel_of(BOB)
    assert dm is not None and len(fake.channel_messages(dm)) == 2  # intro, question
    # a server message is never taken as an answer, even from someone in an interview
    in_server = len(fake.channel_messages(CHANNEL_ID))
    await fake.dispatch(
        "MESSAGE_CREATE",
        message(BOB, CHANNEL_ID, "TCP keeps the order.", guild_id=str(GUILD_ID)),
    )
    await fake.dispatch(
        "MESSAGE_CREATE",
        message(
            BOB,
            dm,
            ANSWER,
        ),
    )
    await fake.until(lambda: len(fake.channel_messages(dm)) >= 4, GRADING)
    feedback, report = fake.channel_messages(dm)[2:4]
    assert embed(feedback)["title"].startswith(("Right", "Partly right"))
    assert embed(report)["title"] == "Interview report · web"
    # the report's picture is attached where its embed points
    [png] = report["attachments"]
    assert embed(report)["image"]["url"] == f"attachment://{png['filename']}"
    assert len(fake.channel_messages(CHANNEL_ID)) == in_server  # nothing said there
    store = bot.bot.services.core.store
    [s] = await store.user_sessions("discord", str(GUILD_ID), str(BOB.id), 1)
    rows = await store.context_answers("discord", str(GUILD_ID), f"interview:{s.id}")
    assert [r.answer for r in rows] == [ANSWER]  # its lines kept


async def test_a_dm_with_no_interview_says_how_to_start(
    fake: FakeDiscord, bot: DiscordPlatform
) -> None:
    shy_dm = fake.open_dm(BOB)
    await fake.dispatch("MESSAGE_CREATE", message(BOB, shy_dm, "hello?"))
    await fake.until(lambda: len(fake.channel_messages(shy_dm)) >= 1, GRADING)
    [said] = fake.channel_messages(shy_dm)
    assert "/interview start" in said["content"]


async def test_hint_button_tracks_history_and_report(
    fake: FakeDiscord, bot: DiscordPlatform
) -> None:
    ex = await fake.slash("interview", {"topic": "web"}, sub="start", user=BOB)
    _, question = await ex.messages(2)
    _, hint_id = custom_ids(question)
    assert hint_id.startswith(f"ib:h:{GUILD_ID}:interview:")
    clicked = await fake.click(int(question["id"]), hint_id, user=BOB)
    [hint] = await clicked.messages(1)
    assert embed(hint)["title"].startswith("Hint") and "75 %" in embed(hint)["footer"]["text"]
    assert hint["flags"] & EPHEMERAL

    tracks = await fake.slash("interview", sub="tracks", user=BOB)
    [listed] = await tracks.messages(1)
    assert "django-mid" in embed(listed)["description"]
    ended = await fake.slash("interview", sub="end", user=BOB)
    await ended.messages(1)
    history = await fake.slash("interview", sub="history", user=BOB)
    [past] = await history.messages(1)
    assert embed(past)["description"].startswith("1. ")
    again = await fake.slash("interview", {"number": 1}, sub="report", user=BOB)
    [report] = await again.messages(1)
    assert embed(report)["title"] == "Interview report · web"
