"""slack-bolt's installation store and OAuth state store on the bot's own database (both
backends: `Store.save_installation`, `Store.add_oauth_state`, migration 010).

One installation per workspace (the enterprise for an org-wide install), sealed with
TOKEN_ENCRYPTION_KEY (adapters/slack/tokens.py). Saving one tells the core the team is
back, so data waiting to be purged after an uninstall stays.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from adapters.slack.tokens import TokenBox
from bot.clock import to_ms
from bot.services.container import Core

log = logging.getLogger(__name__)

PLATFORM = "slack"
STATE_SECONDS = 600  # an "Add to Slack" link works this long, once


def team_key(enterprise_id: str | None, team_id: str | None, org_wide: bool | None) -> str:
    """The team an installation is stored under: as the handlers name the team."""
    return str((enterprise_id if org_wide else team_id) or enterprise_id or "")


# Installation's fields that `to_dict` turns into datetimes; kept as the numbers it takes.
_TIMES = ("installed_at", "bot_token_expires_at", "user_token_expires_at")


class StoreInstallations(AsyncInstallationStore):
    """Installations on the core's store, sealed."""

    def __init__(self, core: Core, box: TokenBox) -> None:
        self.core = core
        self.box = box

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        data: dict[str, Any] = installation.to_dict()
        for name in _TIMES:
            data[name] = getattr(installation, name)
        # The installer is a person: kept in the `installer` column only, which /forget-me
        # blanks, never inside the sealed blob (nothing could blank it there). The bot asks
        # for no user scopes, so there is no user token to keep either.
        data.update(user_id="", user_token=None, user_scopes=None, user_refresh_token=None)
        data["user_token_expires_at"] = None
        team = team_key(
            installation.enterprise_id, installation.team_id, installation.is_enterprise_install
        )
        # the team is back first: a purge running now stops before it reaches the new row
        await self.core.privacy.team_returned(PLATFORM, team)
        await self.core.store.save_installation(
            PLATFORM,
            team,
            installation.enterprise_id or "",
            installation.user_id or "",
            self.box.seal(data),
            to_ms(self.core.clock.now()),
        )
        log.info("slack: installed in workspace %s", team)

    async def async_save_bot(self, bot: Bot) -> None:
        """Bolt saves whole installations (`async_save`); a bot alone is not stored."""

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        team = team_key(enterprise_id, team_id, is_enterprise_install)
        secret = await self.core.store.installation(PLATFORM, team) if team else None
        data = self.box.open(secret) if secret is not None else None
        if data is None:
            return None
        data.pop("custom_values", None)
        return Installation(**data)

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        found = await self.async_find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        return found.to_bot() if found is not None and found.bot_token else None

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.async_delete_installation(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        """The tokens go now (the workspace's data waits for the retention period)."""
        for team in {team_key(enterprise_id, team_id, False), team_key(enterprise_id, None, True)}:
            if team and await self.core.store.delete_installation(PLATFORM, team):
                log.info("slack: workspace %s's tokens deleted", team)

    async def bot_token(self, team: str) -> str | None:
        """The workspace's bot token, for posts nobody's event asked for (the poster)."""
        found = await self.async_find_installation(
            enterprise_id=None, team_id=team, is_enterprise_install=False
        )
        return found.bot_token if found is not None else None


class StoreStates(AsyncOAuthStateStore):
    """OAuth `state` values: random, stored until used once or expired."""

    def __init__(self, core: Core, seconds: int = STATE_SECONDS) -> None:
        self.core = core
        self.seconds = seconds

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        expires = to_ms(self.core.clock.now()) + self.seconds * 1000
        await self.core.store.add_oauth_state(state, expires)
        return state

    async def async_consume(self, state: str) -> bool:
        return await self.core.store.consume_oauth_state(state, to_ms(self.core.clock.now()))
