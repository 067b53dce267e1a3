"""Many workspaces from one deployment: slack-bolt's own OAuth v2 flow ("Add to Slack" at
/slack/install, Slack's redirect to /slack/oauth_redirect with the state checked against
the browser's cookie and the state store), installations on our database, sealed."""

from __future__ import annotations

from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings

from adapters.slack.config import SlackConfig
from adapters.slack.installations import STATE_SECONDS, StoreInstallations, StoreStates
from adapters.slack.tokens import KEY_VAR, TokenBox
from bot.ports import PlatformUnavailable
from bot.services.container import Core

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# The bot scopes an install asks for: the same as adapters/slack/manifest.yaml's.
BOT_SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "im:write",
    "users:read",
    "files:read",
    "files:write",
    "im:history",
)


def oauth_settings(
    core: Core, config: SlackConfig
) -> tuple[AsyncOAuthSettings, StoreInstallations]:
    """Bolt's OAuth settings on our stores; PlatformUnavailable when the key is missing."""
    if not config.token_key:
        raise PlatformUnavailable(
            "slack: OAuth (SLACK_CLIENT_ID) stores each workspace's tokens encrypted: "
            f"set {KEY_VAR}."
        )
    installations = StoreInstallations(core, TokenBox(config.token_key))
    settings = AsyncOAuthSettings(
        client_id=config.client_id,
        client_secret=config.client_secret,
        scopes=list(BOT_SCOPES),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=installations,
        installation_store_bot_only=True,
        state_store=StoreStates(core),
        state_expiration_seconds=STATE_SECONDS,
    )
    return settings, installations
