"""/my-data, /forget-me and the server removing the bot, through the real discord.py client
against the fake Discord."""

from __future__ import annotations

import asyncio
import json

from adapters.discord.platform import DiscordPlatform
from bot.clock import FakeClock
from bot.services.container import Core
from bot.services.ticker import tick
from tests.support import discord_rig as rig
from tests.support.fakes.discord_server import (
    EPHEMERAL,
    GUILD_ID,
    FakeDiscord,
    FakeUser,
    _guild,
)

BOB = rig.BOB
embed = rig.embed
fake, connect, bot = rig.fake, rig.connect, rig.bot
_no_silent_library_errors = rig._no_silent_library_errors


async def answer_a_quiz(fake: FakeDiscord, user: FakeUser) -> None:
    ex = await fake.slash("quiz", {"topic": "web"}, user=user)
    [question] = await ex.messages(1)
    await (
        await fake.click(int(question["id"]), rig.button_for(question, "404"), user=user)
    ).callback()


async def test_my_data_comes_as_a_json_file_by_dm(fake: FakeDiscord, bot: DiscordPlatform) -> None:
    await answer_a_quiz(fake, BOB)
    ex = await fake.slash("my-data", user=BOB)
    [note] = await ex.messages(1)
    assert note["flags"] & EPHEMERAL and "direct messages" in note["content"]
    dm = fake.dm_channel_of(BOB)
    [sent] = [c for c in fake.calls if c.method == "POST" and c.path == f"/channels/{dm}/messages"]
    [(name, data)] = sent.body["_files"]
    assert name == "interview-bot-my-data.json"
    doc = json.loads(data)
    assert doc["team"] == str(GUILD_ID) and doc["user"] == str(BOB.id)
    assert [a["answer"] for a in doc["tables"]["answers"]] == ["404"]
    assert [m["attachments"][0]["filename"] for m in fake.channel_messages(dm)] == [name]


async def test_my_data_with_closed_dms_is_a_private_file_here(
    fake: FakeDiscord, bot: DiscordPlatform
) -> None:
    shy = FakeUser(2_000_000_000_000_000_009, "shy", dms_closed=True)
    ex = await fake.slash("my-data", user=shy)
    [msg] = await ex.messages(1)
    assert msg["flags"] & EPHEMERAL
    assert [a["filename"] for a in msg["attachments"]] == ["interview-bot-my-data.json"]


async def test_forget_me_asks_then_deletes(
    fake: FakeDiscord, bot: DiscordPlatform, core: Core
) -> None:
    await answer_a_quiz(fake, BOB)
    asked = await (await fake.slash("forget-me", user=BOB)).callback()
    assert asked["data"]["flags"] & EPHEMERAL
    assert "/forget-me confirm" in embed(asked["data"])["description"]
    assert await core.store.streak("discord", str(GUILD_ID), str(BOB.id)) is not None

    done = await (await fake.slash("forget-me", {"confirm": "confirm"}, user=BOB)).callback()
    assert "deleted" in embed(done["data"])["title"]
    assert await core.store.streak("discord", str(GUILD_ID), str(BOB.id)) is None
    assert await core.store.top("discord", str(GUILD_ID), "team", "all", 10) == []


async def test_a_server_that_removes_the_bot_is_purged_after_30_days_unless_it_comes_back(
    fake: FakeDiscord, bot: DiscordPlatform, core: Core, clock: FakeClock
) -> None:
    team = str(GUILD_ID)
    await answer_a_quiz(fake, BOB)
    seen = {"removed": asyncio.Event(), "joined": asyncio.Event()}
    removed, joined = core.privacy.team_removed, core.privacy.team_returned

    async def on_removed(platform: str, t: str) -> None:
        await removed(platform, t)
        seen["removed"].set()

    async def on_joined(platform: str, t: str) -> None:
        await joined(platform, t)
        seen["joined"].set()

    core.privacy.team_removed = on_removed  # type: ignore[method-assign]
    core.privacy.team_returned = on_joined  # type: ignore[method-assign]

    async def due_in(days: int) -> list[tuple[str, str]]:
        return await core.store.due_team_purges(
            int((clock.now().timestamp() + days * 86400) * 1000)
        )

    await fake.dispatch("GUILD_DELETE", {"id": team})
    await asyncio.wait_for(seen["removed"].wait(), 5)
    assert await due_in(29) == [] and await due_in(31) == [("discord", team)]

    invited = {k: v for k, v in _guild().items() if k != "unavailable"}  # a new guild: joined
    await fake.dispatch("GUILD_CREATE", invited)  # invited again before the purge
    await asyncio.wait_for(seen["joined"].wait(), 5)
    assert await due_in(31) == []

    seen["removed"].clear()
    await fake.dispatch("GUILD_DELETE", {"id": team})
    await asyncio.wait_for(seen["removed"].wait(), 5)
    clock.advance(days=29)
    await tick(core)
    assert await core.store.top("discord", team, "team", "all", 10) != []
    clock.advance(days=2)
    await tick(core)
    assert await core.store.top("discord", team, "team", "all", 10) == []


async def test_a_server_seen_again_after_the_bot_was_away_keeps_its_data(
    fake: FakeDiscord, bot: DiscordPlatform, core: Core, clock: FakeClock
) -> None:
    """Removed, then added back while the bot was down: Discord sends no guild_join then,
    only the server itself when the bot connects."""
    team = str(GUILD_ID)
    await core.privacy.team_removed("discord", team)  # what the bot saw before it went away
    back, returned = asyncio.Event(), core.privacy.team_returned

    async def on_back(platform: str, t: str) -> None:
        await returned(platform, t)
        back.set()

    core.privacy.team_returned = on_back  # type: ignore[method-assign]
    later = int((clock.now().timestamp() + 31 * 86400) * 1000)
    assert await core.store.due_team_purges(later) == [("discord", team)]
    await fake.dispatch("GUILD_DELETE", {"id": team, "unavailable": True})  # an outage ...
    await fake.dispatch("GUILD_CREATE", _guild())  # ... and the server is there again
    await asyncio.wait_for(back.wait(), 5)
    assert await core.store.due_team_purges(later) == []
