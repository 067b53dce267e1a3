"""What the Slack adapter needs from the bot's configuration: its tokens and its port."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SlackConfig:
    """SLACK_* settings. Secrets are kept out of repr (logs, tracebacks)."""

    bot_token: str = field(default="", repr=False)
    app_token: str = field(default="", repr=False)  # set: Socket Mode; empty: HTTP
    signing_secret: str = field(default="", repr=False)
    port: int = 3000
    admin_users: frozenset[str] = frozenset()  # user ids who may change settings
