from __future__ import annotations

import importlib

import pytest

from bot.ports import PlatformUnavailable
from bot.services.container import Core
from interview_bot.config import Settings, load_settings
from interview_bot.platforms import PLATFORMS, load_platform


def test_platforms_map_names_to_adapter_classes() -> None:
    assert set(PLATFORMS) == {"discord", "slack", "console"}
    for name, entry in PLATFORMS.items():
        module, _, cls = entry.target.partition(":")
        assert getattr(importlib.import_module(module), cls).name == name


async def test_unknown_platform_is_refused(core: Core, settings: Settings) -> None:
    with pytest.raises(PlatformUnavailable, match="unknown platform"):
        load_platform("irc", core, settings)


def test_each_adapter_is_given_only_its_own_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    """The core and each adapter get their own part of the settings, never the others'."""
    monkeypatch.setenv("DISCORD_TOKEN", "discord-secret")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-slack-secret")
    monkeypatch.setenv("SLACK_ADMIN_USERS", "U1, U2")
    s = load_settings(_env_file=None)
    assert s.platforms == ["discord", "slack"]
    discord, slack = PLATFORMS["discord"].config(s), PLATFORMS["slack"].config(s)
    assert "slack-secret" not in repr(vars(discord)) and "discord-secret" not in repr(slack)
    assert "secret" not in repr(discord) + repr(slack)  # tokens stay out of logs
    assert slack.admin_users == frozenset({"U1", "U2"})  # type: ignore[attr-defined]
    assert "secret" not in repr(s.core_config())
