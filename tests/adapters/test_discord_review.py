"""/review on Discord, end to end: the real discord.py client against the fake Discord (the
rig in tests/support/discord_rig.py); every answer is private to the person."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.discord.platform import DiscordPlatform
from bot.clock import FakeClock
from bot.services.container import Core
from tests.support import discord_rig as rig
from tests.support.fakes.discord_server import GUILD_ID, FakeDiscord

ALICE, BOB = rig.ALICE, rig.BOB
CALLBACK_MESSAGE = rig.CALLBACK_MESSAGE
embed, button_for, is_ephemeral = rig.embed, rig.button_for, rig.is_ephemeral
fake, connect, bot = rig.fake, rig.connect, rig.bot


async def miss_a_quiz(fake: FakeDiscord) -> None:
    ex = await fake.slash("quiz", {"topic": "web"}, user=ALICE)
    [question] = await ex.messages(1)
    wrong = await fake.click(int(question["id"]), button_for(question, "500"), user=BOB)
    assert embed((await wrong.callback())["data"])["title"] == "Not this time"


async def test_review_shows_grades_and_reschedules_privately(
    fake: FakeDiscord, bot: DiscordPlatform, clock: FakeClock
) -> None:
    await miss_a_quiz(fake)
    cb = await (await fake.slash("review", {"do": "status"}, user=BOB)).callback()
    assert cb["type"] == CALLBACK_MESSAGE and is_ephemeral(cb["data"])
    assert "0 of 1 item(s) due now" in embed(cb["data"])["description"]
    clock.advance(hours=25)
    cb = await (await fake.slash("review", user=BOB)).callback()
    shown = embed(cb["data"])
    assert is_ephemeral(cb["data"]) and shown["title"].startswith("Review · web")
    assert "Not Found" in shown["description"]
    answered = await fake.slash("review", {"answer": "404"}, user=BOB)
    [graded] = await answered.messages(1)
    assert is_ephemeral(graded) and embed(graded)["title"].startswith("Right")
    assert "Next time for this one" in embed(graded)["footer"]["text"]
    cb = await (await fake.slash("stats", user=BOB)).callback()
    assert "web: junior" in embed(cb["data"])["description"]
    cb = await (await fake.slash("review", {"do": "status"}, user=ALICE)).callback()
    assert "Nothing to review yet" in embed(cb["data"])["description"]


async def test_export_is_an_attachment_only_the_person_sees(
    fake: FakeDiscord, bot: DiscordPlatform
) -> None:
    await miss_a_quiz(fake)
    cb = await (await fake.slash("review", {"do": "export"}, user=BOB)).callback()
    assert cb["type"] == CALLBACK_MESSAGE and is_ephemeral(cb["data"])
    assert "Anki" in embed(cb["data"])["description"]
    [(name, data)] = cb["_files"]
    assert name == "interview-bot-review.txt"
    text = data.decode("utf-8")
    assert text.startswith("#separator:tab\n#html:false\n") and "Not Found" in text


async def test_the_reminder_goes_to_the_persons_dm(
    fake: FakeDiscord, bot: DiscordPlatform, core: Core, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 1, 4, 9, 0, tzinfo=UTC))
    await miss_a_quiz(fake)
    ex = await fake.slash("review", {"do": "remind", "time": "18:00 Europe/Berlin"}, user=BOB)
    cb = await ex.callback()
    assert "18:00 (Europe/Berlin)" in embed(cb["data"])["description"]
    reminder = await core.store.review_reminder("discord", str(GUILD_ID), str(BOB.id))
    assert reminder is not None
    dm = fake.dm_channel_of(BOB)
    assert dm is not None and reminder.channel == str(dm)
    clock.set(datetime(2026, 1, 5, 17, 0, 1, tzinfo=UTC))  # the item is due; 18:00 in Berlin
    before = len(fake.calls)
    assert await core.reminders.run(reminder, clock.now())
    post = await fake.wait_for(
        lambda c: c.method == "POST" and c.path == f"/channels/{dm}/messages", after=before
    )
    assert embed(post.body)["title"] == "Time to review"
    assert not await core.reminders.run(reminder, clock.now())  # once that day
    cb = await (await fake.slash("review", {"do": "remind", "time": "off"}, user=BOB)).callback()
    assert "off" in embed(cb["data"])["description"]
