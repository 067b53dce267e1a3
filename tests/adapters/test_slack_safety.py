"""Issue 12 on Slack (security review L1): a name with zero-width or bidi characters cannot
pass for someone else in a public card (the core cleans every name it is given)."""

from __future__ import annotations

from tests.support import slack_rig as rig
from tests.support.fakes.slack_api import FakeSlack
from tests.support.slack_rig import Slack, flat, start_quiz

# the Slack fixtures (the fake Slack API, the real bolt app in front of the core), by name
fake, slack_settings, platform, slack = rig.fake, rig.slack_settings, rig.platform, rig.slack


async def test_a_spoofing_slack_name_is_cleaned_on_the_public_board(
    slack: Slack, fake: FakeSlack
) -> None:
    fake.users["U1"] = {"profile": {"display_name": "\u202eAli\u200bce\u2066\x00"}}
    _, ids = await start_quiz(slack, fake)
    await slack.reply(await slack.click(ids[0], "A"))
    await slack.command("leaderboard", "all")
    board = flat((await fake.wait_for("chat.postMessage", 2))[1].args)
    assert "Alice — " in board
    assert not any(ch in board for ch in "\u202e\u200b\u2066\x00")
