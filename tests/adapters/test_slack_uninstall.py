"""One workspace on SLACK_BOT_TOKEN: /forget-me, and the workspace uninstalling the app or
revoking its tokens (the data goes after the retention period; the OAuth tests cover many
workspaces)."""

from __future__ import annotations

import asyncio
import contextlib

from adapters.slack.platform import SlackPlatform
from bot.clock import to_ms
from bot.services.container import Core
from tests.support.fakes.slack_api import TEAM, FakeSlack
from tests.support.fakes.slack_requests import event_body
from tests.support.slack_rig import Slack, fake, platform, slack, slack_settings

__all__ = ["fake", "platform", "slack", "slack_settings"]  # the rig's fixtures, used here


async def due(core: Core, days: int) -> list[tuple[str, str]]:
    return await core.store.due_team_purges(to_ms(core.clock.now()) + days * 86_400_000)


async def settle(core: Core, days: int, want: bool) -> None:
    """Let bolt's listener (run after the ack) finish its write."""
    for _ in range(200):
        if bool(await due(core, days)) == want:
            return
        await asyncio.sleep(0)


async def test_app_uninstalled_schedules_the_purge(slack: Slack, core: Core) -> None:
    resp = await slack.send(event_body({"type": "app_uninstalled"}))
    assert resp.status == 200
    await settle(core, 31, True)
    assert await due(core, 29) == [] and await due(core, 31) == [("slack", TEAM)]


async def test_revoking_only_user_tokens_removes_nothing(slack: Slack, core: Core) -> None:
    event = {"type": "tokens_revoked", "tokens": {"oauth": ["U1"], "bot": []}}
    assert (await slack.send(event_body(event))).status == 200
    await settle(core, 31, True)
    assert await due(core, 31) == []
    event = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT"]}}
    assert (await slack.send(event_body(event))).status == 200
    await settle(core, 31, True)
    assert await due(core, 31) == [("slack", TEAM)]


async def test_forget_me_on_slack_asks_first(slack: Slack, fake: FakeSlack) -> None:
    key = await slack.command("forget-me")
    reply = await slack.reply(key)
    assert "/forget-me confirm" in reply and "Delete your data here?" in reply


async def test_a_working_token_at_start_keeps_a_workspace_that_installed_the_app_again(
    platform: SlackPlatform, core: Core
) -> None:
    """Uninstalled, then installed again on SLACK_BOT_TOKEN: Slack sends no event for that;
    the token working at start says the app is back, so the purge is called off."""
    await core.privacy.team_removed("slack", TEAM)
    assert await due(core, 31) == [("slack", TEAM)]
    running = asyncio.create_task(platform.run())
    try:
        for _ in range(2000):
            if not await due(core, 31) or running.done():
                break
            await asyncio.sleep(0)
        assert await due(core, 31) == []
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
