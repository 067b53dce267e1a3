"""Pictures on Discord, through the real discord.py against the fake Discord: the PNG goes as a
multipart attachment, the embed shows it (`attachment://name.png`), its alt text is the
attachment's description, and nothing in it can ping anyone."""

from __future__ import annotations

import io
import logging

import pytest
from PIL import Image as Pil

from adapters.discord import limits
from adapters.discord.platform import DiscordPlatform
from bot.charts.leaderboard import FILENAME as BOARD_FILE
from bot.domain.values import Card, Image, Target
from bot.ports import ChannelUnavailable
from tests.support import discord_rig as rig
from tests.support.fakes.discord_server import CHANNEL_ID, GUILD_ID, Call, FakeDiscord

ALICE, BOB = rig.ALICE, rig.BOB
embed, button_for, is_ephemeral = rig.embed, rig.button_for, rig.is_ephemeral
fake, connect, bot = rig.fake, rig.connect, rig.bot


def upload_of(fake: FakeDiscord, path_end: str) -> Call:
    [call] = [c for c in fake.calls if c.files and c.path.endswith(path_end)]
    return call


async def _answer_right(fake: FakeDiscord, user: rig.FakeUser) -> None:
    ex = await fake.slash("quiz", {"topic": "web"}, user=user)
    [question] = await ex.messages(1)
    await (await fake.click(int(question["id"]), button_for(question, "404"), user=user)).callback()


async def test_stats_come_with_their_card_attached_to_the_embed(
    fake: FakeDiscord, bot: DiscordPlatform
) -> None:
    await _answer_right(fake, ALICE)
    ex = await fake.slash("stats", user=ALICE)
    cb = await ex.callback()
    assert is_ephemeral(cb["data"])
    e = embed(cb["data"])
    assert e["title"] == "Stats · alice" and "1 answers" in e["description"]  # text complete
    assert e["image"]["url"] == "attachment://stats.png"
    call = upload_of(fake, f"/{ex.token}/callback")
    [png] = call.files
    assert png.filename == "stats.png" and png.field == "files[0]"
    [described] = cb["data"]["attachments"]
    assert described["filename"] == "stats.png"
    assert "Stats card for alice" in described["description"]
    assert "web 100%" in described["description"]
    picture = Pil.open(io.BytesIO(png.data))
    assert picture.format == "PNG" and picture.width == 800
    assert len(png.data) < limits.UPLOAD_BYTES
    assert cb["data"]["allowed_mentions"] == rig.NO_MENTIONS


async def test_a_new_member_gets_text_and_no_broken_picture(
    fake: FakeDiscord, bot: DiscordPlatform
) -> None:
    cb = await (await fake.slash("stats", user=BOB)).callback()
    assert embed(cb["data"])["description"] == "No answers yet."
    assert "image" not in embed(cb["data"])
    assert not [c for c in fake.calls if c.files]


async def test_leaderboard_chart_adds_the_top_10_and_keeps_the_text(
    fake: FakeDiscord, bot: DiscordPlatform
) -> None:
    await _answer_right(fake, ALICE)
    plain = await (await fake.slash("leaderboard", {"period": "all"}, user=ALICE)).callback()
    assert "image" not in embed(plain["data"])
    ex = await fake.slash("leaderboard", {"period": "all", "chart": True}, user=ALICE)
    cb = await ex.callback()
    assert not is_ephemeral(cb["data"])
    assert embed(cb["data"])["description"] == embed(plain["data"])["description"]
    assert embed(cb["data"])["image"]["url"] == f"attachment://{BOARD_FILE}"
    [png] = upload_of(fake, f"/{ex.token}/callback").files
    assert png.filename == BOARD_FILE and Pil.open(io.BytesIO(png.data)).format == "PNG"


async def test_the_interview_report_follows_up_with_its_chart(
    fake: FakeDiscord, bot: DiscordPlatform
) -> None:
    """The report comes as a follow-up to a deferred skip: the file rides on the webhook."""
    start = await fake.slash(
        "interview", {"topic": "python", "questions": 1}, sub="start", user=ALICE
    )
    await start.messages(2)
    skipped = await fake.slash("interview", sub="skip", user=ALICE)
    _, report = await skipped.messages(2)
    assert embed(report)["title"] == "Interview report · python"
    assert embed(report)["image"]["url"] == "attachment://interview-report.png"
    [att] = report["attachments"]
    assert att["filename"] == "interview-report.png" and report["flags"] & rig.EPHEMERAL
    assert "Interview report · python for alice" in att["description"]
    [call] = [c for c in fake.calls if c.files and c.path.startswith("/webhooks/")]
    assert Pil.open(io.BytesIO(call.files[0].data)).format == "PNG"


async def test_the_poster_attaches_a_picture_on_every_try(
    fake: FakeDiscord, bot: DiscordPlatform
) -> None:
    """The weekly recap goes out through the poster; a retried post sends the file again."""
    fake.fail("POST", rf"/channels/{CHANNEL_ID}/messages", 503)
    bot.poster.retry_seconds = (0.0,)
    png = _png()
    card = Card(title="Weekly recap", text="x", image=Image(png, "<@1> @everyone", "recap.png"))
    ref = await bot.poster.post(Target("discord", str(GUILD_ID), str(CHANNEL_ID)), card)
    tries = [c for c in fake.calls if c.path == f"/channels/{CHANNEL_ID}/messages"]
    assert len(tries) == 2 and all(c.files and c.files[0].data == png for c in tries)
    msg = fake.messages[int(ref)]
    assert msg["embeds"][0]["image"]["url"] == "attachment://recap.png"
    [att] = msg["attachments"]
    assert att["filename"] == "recap.png" and att["size"] == len(png)
    assert att["description"] == "<@1> @everyone"  # the adapter passes the core's alt as is


async def test_without_attach_files_the_post_goes_without_its_picture(
    fake: FakeDiscord, bot: DiscordPlatform, caplog: pytest.LogCaptureFixture
) -> None:
    """A server that invited the bot before the pictures: the recap's text still posts."""
    fake.no_attach_files.add(CHANNEL_ID)
    card = Card(title="Weekly recap", text="the week", image=Image(_png(), "alt", "recap.png"))
    with caplog.at_level(logging.WARNING):
        ref = await bot.poster.post(Target("discord", str(GUILD_ID), str(CHANNEL_ID)), card)
    msg = fake.messages[int(ref)]
    assert msg["embeds"][0]["description"] == "the week" and "image" not in msg["embeds"][0]
    assert msg["attachments"] == []
    [line] = [r.getMessage() for r in caplog.records if "Attach Files" in r.getMessage()]
    assert "recap.png" in line
    with pytest.raises(ChannelUnavailable):  # a channel refused outright still says so
        fake.forbidden_channels.add(CHANNEL_ID)
        await bot.poster.post(Target("discord", str(GUILD_ID), str(CHANNEL_ID)), card)


def _png() -> bytes:
    buf = io.BytesIO()
    Pil.new("RGB", (4, 4)).save(buf, "PNG")
    return buf.getvalue()
