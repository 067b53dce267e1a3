"""Issue 12 on Discord (security review L1, L2): names in public cards are text, never links
or formatting, and a direct message answers only the user's own interview."""

from __future__ import annotations

import re

from adapters.discord.platform import DiscordPlatform
from adapters.discord.render import safe_name
from bot.clock import FakeClock
from bot.services.container import Core
from bot.services.outbox import Outbox
from bot.services.ticker import tick
from tests.support import discord_rig as rig
from tests.support.discord_rig import BOB, GRADING, button_for, custom_ids, embed
from tests.support.fakes.discord_server import CHANNEL_ID, GUILD_ID, FakeDiscord, FakeUser

# the Discord fixtures (the fake Discord, a connected bot, their checks), used by name
fake, connect, bot = rig.fake, rig.connect, rig.bot
_no_silent_library_errors = rig._no_silent_library_errors

PRIZE = "[Claim your prize](https://evil.example/x)"
# what Discord shows for markdown: a backslash makes the next punctuation mark plain text
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def as_shown(markdown: str) -> str:
    return _UNESCAPE.sub(r"\1", markdown)


def no_link_or_format(markdown: str) -> bool:
    """No masked link, no bare URL Discord would link, no unescaped markdown mark."""
    unescaped = re.sub(r"\\.", "", markdown)
    return (
        "](" not in unescaped
        and "://" not in unescaped
        and not re.search(r"[*_~|`\[\]<>#]", unescaped)
    )


def test_a_name_is_shown_as_typed_and_never_as_markdown() -> None:
    for name in (
        PRIZE,
        "**bold** __under__ ||spoiler||",
        "# Heading",
        "<@123> @everyone",
        "`code` ~~gone~~ > quote",
        "https://evil.example",
        "a\\*b",
    ):
        shown = safe_name(name)
        assert as_shown(shown) == name and no_link_or_format(shown), name
    assert safe_name("Ali\u200bce\u202e") == "Alice"


async def test_a_masked_link_name_is_plain_text_in_the_public_reveal(
    fake: FakeDiscord, bot: DiscordPlatform, core: Core, clock: FakeClock
) -> None:
    prize = FakeUser(2_000_000_000_000_000_011, PRIZE)
    spoof = FakeUser(2_000_000_000_000_000_012, "Ali\u200bce\u202e")
    ex = await fake.slash("quiz", {"topic": "web", "difficulty": "easy"}, user=prize)
    [question] = await ex.messages(1)
    right = button_for(question, "404")  # "Which status code means Not Found?" (shuffled)
    for who in (prize, spoof):
        cb = await (await fake.click(int(question["id"]), right, user=who)).callback()
        assert embed(cb["data"])["title"] == "Right!"

    clock.advance(61)
    outbox = Outbox()
    outbox.register("discord", bot.poster)
    before = len(fake.calls)
    await tick(core, outbox)
    reveal = await fake.wait_for(
        lambda c: c.method == "POST" and c.path == f"/channels/{CHANNEL_ID}/messages", after=before
    )
    fields = {f["name"]: f["value"] for f in embed(reveal.body)["fields"]}
    [got] = [v for k, v in fields.items() if k.startswith("Got it")]
    assert no_link_or_format(got) and no_link_or_format(fields["Fastest"])
    assert as_shown(got) == f"{PRIZE} (+15), Alice (+15)"  # as typed, spoof characters gone
    assert as_shown(fields["Fastest"]).startswith(f"{PRIZE} in ")

    board = await (await fake.slash("leaderboard", {"period": "all"}, user=prize)).callback()
    text = embed(board["data"])["description"]
    assert no_link_or_format(text.replace("**", "")) and PRIZE in as_shown(text)


async def test_in_a_dm_only_the_users_own_interview_is_answered(
    fake: FakeDiscord, bot: DiscordPlatform, core: Core
) -> None:
    ex = await fake.slash("interview", {"topic": "web", "dm": True}, sub="start", user=BOB)
    await ex.messages(1)
    dm = fake.dm_channel_of(BOB)
    assert dm is not None
    _, question = fake.channel_messages(dm)
    form_id, _hint = custom_ids(question)
    action = form_id.removeprefix(f"ib:f:{GUILD_ID}:")  # interview:<session>:0

    alice = FakeUser(2_000_000_000_000_000_013, "alice2")
    quiz = await fake.slash("quiz", {"topic": "web"}, user=alice)
    [posted] = await quiz.messages(1)
    round_action = custom_ids(posted)[0].removeprefix(f"ib:b:{GUILD_ID}:").rsplit(":", 1)[0]

    refusal = "In direct messages I only take answers to your own interview."
    forged = [
        (f"ib:m:{GUILD_ID}:{round_action}", "A"),  # a server's quiz round, answered in a DM
        (f"ib:m:999:{action}", "TCP retransmits"),  # another team named in the custom id
        (f"ib:m:{GUILD_ID}:interview:not-a-session:0", "TCP"),
    ]
    for custom_id, text in forged:
        sent = await fake.submit(custom_id, text, user=BOB, channel_id=dm)
        cb = await sent.callback()
        assert cb["data"]["content"] == refusal, custom_id
    # Bob's session is not Alice's: the same form from her (in her DM) is refused too
    started = await fake.slash(
        "interview", {"topic": "python", "dm": True}, sub="start", user=alice
    )
    await started.messages(1)
    her_dm = fake.dm_channel_of(alice)
    assert her_dm is not None
    cb = await (
        await fake.submit(f"ib:m:{GUILD_ID}:{action}", "TCP", user=alice, channel_id=her_dm)
    ).callback()
    assert cb["data"]["content"] == refusal

    assert (
        await core.store.context_answers(
            "discord", str(GUILD_ID), f"quiz:{round_action.split(':', 1)[1]}"
        )
        == []
    )
    # and Bob's own interview still works from the DM
    ok = await fake.submit(
        f"ib:m:{GUILD_ID}:{action}", "TCP: it retransmits and orders", user=BOB, channel_id=dm
    )
    feedback, _ = await ok.messages(2, within=GRADING)
    assert embed(feedback)["title"].endswith("%")
