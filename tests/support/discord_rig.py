"""The Discord rig: the real discord.py client against the fake Discord on 127.0.0.1, and
helpers that read what the bot sent (embeds, buttons, flags)."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import discord
import pytest
from pydantic import SecretStr

from adapters.discord.platform import DiscordPlatform
from bot.services.container import Core
from interview_bot.config import Settings
from interview_bot.platforms import discord_config
from tests.support.fakes.discord_server import EPHEMERAL, GUILD_ID, TOKEN, FakeDiscord, FakeUser

ALICE = FakeUser(2_000_000_000_000_000_001, "alice")
BOB = FakeUser(2_000_000_000_000_000_002, "bob")
ADMIN = FakeUser(2_000_000_000_000_000_003, "ada", admin=True)
NO_MENTIONS: dict[str, list[str]] = {"parse": []}
GRADING = 20.0  # a safety net for waits on graded answers, never a sleep
CALLBACK_MESSAGE, CALLBACK_DEFERRED, CALLBACK_AUTOCOMPLETE, CALLBACK_MODAL = 4, 5, 8, 9


@pytest.fixture(autouse=True)
def _no_silent_library_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """discord.py logs and swallows what a handler lets escape: that must never happen."""
    yield
    swallowed = [
        r.getMessage()
        for r in caplog.get_records("call")
        if r.name.split(".")[0] == "discord" and r.levelno >= logging.ERROR
    ]
    assert not swallowed


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    monkeypatch.setattr(discord.http.Route, "BASE", server.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", server.gateway_url)
    yield server
    await server.stop()


def discord_settings(
    settings: Settings, token: str = TOKEN, guild: int | None = GUILD_ID
) -> Settings:
    return settings.model_copy(
        update={"discord_token": SecretStr(token), "discord_guild_id": guild}
    )


Connect = Callable[..., Awaitable[DiscordPlatform]]


@pytest.fixture
async def connect(fake: FakeDiscord, settings: Settings, core: Core) -> AsyncIterator[Connect]:
    """Start platforms (a restart is a second one); all are closed at the end, before the
    core (which this fixture therefore depends on) closes its database."""
    running: list[tuple[DiscordPlatform, asyncio.Task[None]]] = []

    async def start(core: Core, guild: int | None = GUILD_ID) -> DiscordPlatform:
        platform = DiscordPlatform(
            core, discord_config(discord_settings(settings, guild=guild)), guild_ready_timeout=0.01
        )
        core.outbox.register("discord", platform.poster)  # as interview_bot.main.run does
        task = asyncio.create_task(platform.run())
        running.append((platform, task))
        ready = asyncio.create_task(platform.bot.wait_until_ready())
        await asyncio.wait([ready, task], timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            ready.cancel()
            task.result()  # raises what stopped it
        assert ready.done(), "the bot did not get ready"
        return platform

    yield start
    for platform, task in running:
        await platform.close()
        await asyncio.wait_for(task, 5)


@pytest.fixture
async def bot(connect: Connect, core: Core) -> DiscordPlatform:
    return await connect(core)


def embed(message_or_data: dict[str, Any]) -> dict[str, Any]:
    [e] = message_or_data["embeds"]
    return e


def button_for(message: dict[str, Any], choice: str) -> str:
    """The custom id of the button a quiz message shows for `choice` (choices are shuffled
    per round)."""
    m = re.search(rf"\*\*([A-J])\)\*\* {re.escape(choice)}", embed(message)["description"])
    assert m, embed(message)["description"]
    [cid] = [i for i in custom_ids(message) if i.endswith(f":{m.group(1)}")]
    return cid


def custom_ids(message: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in message["components"] for c in row["components"]]


def is_ephemeral(data: dict[str, Any]) -> bool:
    return bool((data.get("flags") or 0) & EPHEMERAL)
