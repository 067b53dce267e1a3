"""Reading the metrics registry in adapter tests."""

from __future__ import annotations

from bot.metrics import REGISTRY


def errors_counted(platform: str, command: str) -> float:
    """interview_bot_command_errors_total for the platform and command, as /metrics shows."""
    value = REGISTRY.get_sample_value(
        "interview_bot_command_errors_total", {"platform": platform, "command": command}
    )
    return value or 0.0
