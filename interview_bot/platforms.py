"""The one table of platforms: when each is configured, its config value, and its class.

Registering a platform is one entry here (plus the adapter itself). Classes are named as
"module:Class" and imported only when that platform runs, so a Slack-only bot never
imports discord.py.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.ports import Platform, PlatformUnavailable
from bot.services.container import Core

if TYPE_CHECKING:
    from adapters.console.config import ConsoleConfig
    from adapters.discord.config import DiscordConfig
    from adapters.slack.config import SlackConfig
    from interview_bot.config import Settings


def _secret(value: object) -> str:
    get = getattr(value, "get_secret_value", None)
    return str(get()).strip() if callable(get) else ""


def discord_config(settings: Settings) -> DiscordConfig:
    from adapters.discord.config import DiscordConfig

    return DiscordConfig(
        token=_secret(settings.discord_token),
        guild_id=settings.discord_guild_id,
        shard_ids=tuple(settings.shard_ids or ()),
        shard_count=settings.discord_shard_count,
    )


def slack_config(settings: Settings) -> SlackConfig:
    from adapters.slack.admins import parse_admin_ids
    from adapters.slack.config import SlackConfig

    return SlackConfig(
        bot_token=_secret(settings.slack_bot_token),
        app_token=_secret(settings.slack_app_token),
        signing_secret=_secret(settings.slack_signing_secret),
        port=settings.slack_port,
        admin_users=parse_admin_ids(settings.slack_admin_users),
        client_id=(settings.slack_client_id or "").strip(),
        client_secret=_secret(settings.slack_client_secret),
        token_key=_secret(settings.token_encryption_key),
    )


def console_config(settings: Settings) -> ConsoleConfig:
    from adapters.console.config import ConsoleConfig

    return ConsoleConfig(charts_dir=settings.charts_dir)


@dataclass(frozen=True)
class PlatformEntry:
    """A platform: whether the settings turn it on, its config value, its class."""

    target: str  # "module:Class"
    configured: Callable[[Settings], bool]
    config: Callable[[Settings], object]


PLATFORMS: dict[str, PlatformEntry] = {
    "discord": PlatformEntry(
        "adapters.discord.platform:DiscordPlatform", lambda s: bool(s.discord_token), discord_config
    ),
    "slack": PlatformEntry(
        "adapters.slack.platform:SlackPlatform",
        lambda s: bool(s.slack_bot_token or s.slack_client_id),
        slack_config,
    ),
    # the fallback when no chat platform has a token: play in the terminal
    "console": PlatformEntry(
        "adapters.console.platform:ConsolePlatform", lambda s: False, console_config
    ),
}
FALLBACK = "console"


def configured(settings: Settings) -> list[str]:
    """The chat platforms whose tokens are set, in table order."""
    return [name for name, entry in PLATFORMS.items() if entry.configured(settings)]


def load_platform(
    name: str, core: Core, settings: Settings, config: object | None = None
) -> Platform:
    """Import the platform's class and build it with its own config (never the Settings)."""
    entry = PLATFORMS.get(name)
    if entry is None:
        raise PlatformUnavailable(f"unknown platform {name!r}")
    module_name, _, cls_name = entry.target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name and (e.name == module_name or module_name.startswith(e.name + ".")):
            raise PlatformUnavailable(
                f"{name}: this build has no adapter for it yet. Unset "
                "its token to play in the console."
            ) from None
        raise
    cls = getattr(module, cls_name)
    return cls(core, config if config is not None else entry.config(settings))  # type: ignore[no-any-return]
