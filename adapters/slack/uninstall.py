"""A workspace uninstalling the app (`app_uninstalled`) or revoking its bot token
(`tokens_revoked`): its tokens are deleted at once, its data after the retention period
(bot.services.privacy), unless it installs the app again before."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.kwargs_injection.async_args import AsyncArgs

from adapters.slack.installations import PLATFORM, StoreInstallations
from bot.services.container import Core

log = logging.getLogger(__name__)


class Uninstalls:
    def __init__(self, core: Core, installations: StoreInstallations | None) -> None:
        self.core = core
        self.installations = installations  # None: one workspace on SLACK_BOT_TOKEN

    def register(self, app: AsyncApp) -> None:
        app.event("app_uninstalled")(self.on_uninstalled)
        app.event("tokens_revoked")(self.on_tokens_revoked)

    async def on_uninstalled(self, args: AsyncArgs) -> None:
        await self._removed(args.body)

    async def on_tokens_revoked(self, args: AsyncArgs) -> None:
        tokens = _dict(_dict(args.event).get("tokens"))
        if tokens.get("bot"):  # the bot's token is gone: as good as uninstalled
            await self._removed(args.body)

    async def _removed(self, body: dict[str, Any]) -> None:
        enterprise = str(body.get("enterprise_id") or "") or None
        team = str(body.get("team_id") or "") or None
        key = team or enterprise or ""
        if not key:
            return
        if self.installations is not None:
            await self.installations.async_delete_all(enterprise_id=enterprise, team_id=team)
        else:
            log.warning(
                "slack: workspace %s uninstalled the app; remove SLACK_BOT_TOKEN from the "
                "environment (it no longer works)",
                key,
            )
        await self.core.privacy.team_removed(PLATFORM, key)


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
