"""What the Slack adapter needs from the bot's configuration: its tokens and its port, and for
many workspaces (OAuth) the app's client id and secret and the key tokens are sealed with."""

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
    client_id: str = ""  # with client_secret: many workspaces, installed through OAuth
    client_secret: str = field(default="", repr=False)
    token_key: str = field(default="", repr=False)  # Fernet key: installations at rest

    @property
    def oauth(self) -> bool:
        """Many workspaces (Slack OAuth v2 at /slack/install), not one SLACK_BOT_TOKEN."""
        return bool(self.client_id and self.client_secret)
