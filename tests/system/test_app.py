from __future__ import annotations

import pytest
from pydantic import SecretStr

from adapters.discord.platform import DiscordPlatform
from adapters.slack.platform import SlackPlatform
from bot.ports import PlatformUnavailable
from bot.services.container import Core
from interview_bot.config import Settings
from interview_bot.main import PLATFORMS, load_platform


async def test_each_platform_name_loads_its_adapter(core: Core, settings: Settings) -> None:
    tokens = settings.model_copy(update={
        "discord_token": SecretStr("token"), "slack_bot_token": SecretStr("xoxb-test"),
        "slack_signing_secret": SecretStr("secret"), "slack_port": 0})
    loaded = {name: load_platform(name, core, tokens) for name in PLATFORMS}
    try:
        assert {name: type(p) for name, p in loaded.items()} == {
            "discord": DiscordPlatform, "slack": SlackPlatform}
    finally:
        for p in loaded.values():
            await p.close()


async def test_unknown_platform_is_refused(core: Core, settings: Settings) -> None:
    with pytest.raises(PlatformUnavailable, match="unknown platform"):
        load_platform("irc", core, settings)
