from __future__ import annotations

import pytest

from bot.ports import PlatformUnavailable
from bot.services.container import Core
from interview_bot.config import Settings
from interview_bot.main import PLATFORMS, load_platform


def test_platforms_map_names_to_adapter_classes() -> None:
    assert set(PLATFORMS) == {"discord", "slack"}


async def test_unknown_platform_is_refused(core: Core, settings: Settings) -> None:
    with pytest.raises(PlatformUnavailable, match="unknown platform"):
        load_platform("irc", core, settings)
