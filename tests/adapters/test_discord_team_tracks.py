"""A server's own interview track on Discord, through the real discord.py against the local
fake Discord: attached to /questions import, listed, suggested, started, removed."""

from __future__ import annotations

from adapters.discord.platform import DiscordPlatform
from tests.support import discord_rig as rig
from tests.support.fakes.discord_server import FakeDiscord

fake, connect, bot = rig.fake, rig.connect, rig.bot
_no_silent_library_errors = rig._no_silent_library_errors
embed = rig.embed

TRACK = b"""\
id: py-web
title: Python and the web
level: junior
questions: 2
minutes: 10
mix:
  - topic: python
  - topic: web
"""


async def test_a_servers_track_is_imported_listed_suggested_started_and_removed(
    fake: FakeDiscord, bot: DiscordPlatform
) -> None:
    entry = fake.attachment("py-web.yaml", TRACK)
    ex = await fake.slash(
        "questions",
        {"file": entry["id"]},
        sub="import",
        types={"file": 11},
        resolved={"attachments": {entry["id"]: entry}},
        user=rig.ADMIN,
    )
    [done] = await ex.messages(1)
    assert embed(done)["title"] == "Track 'py-web' imported"

    listed = await fake.slash("interview", sub="tracks", user=rig.ALICE)
    [card] = await listed.messages(1)
    text = embed(card)["description"]
    assert "**py-web** · Python and the web: 2 questions, 10 min, python, web · this team's" in (
        text
    )
    assert "django-mid" in text

    ex = await fake.autocomplete("interview", "track", "py", sub="start", user=rig.ALICE)
    choices = (await ex.callback())["data"]["choices"]
    assert {"name": "py-web · Python and the web", "value": "py-web"} in choices

    started = await fake.slash("interview", {"track": "py-web"}, sub="start", user=rig.ALICE)
    intro, question = await started.messages(2)
    assert embed(intro)["title"] == "Mock interview · Python and the web"
    assert embed(question)["title"].startswith("Question 1/2 · python")

    removed = await fake.slash("questions", {"pack": "track:py-web"}, sub="remove", user=rig.ADMIN)
    assert embed((await removed.callback())["data"])["title"] == "Track 'py-web' removed"
    listed = await fake.slash("interview", sub="tracks", user=rig.ALICE)
    [card] = await listed.messages(1)
    assert "py-web" not in embed(card)["description"]
