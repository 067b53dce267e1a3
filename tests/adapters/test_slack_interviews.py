"""Interviews on Slack through the real bolt app: the Hint button, and plain messages in the
bot's DM (the `message.im` event) answering the interview; channel messages never read."""

from __future__ import annotations

from typing import Any

from bot.services.container import Core
from tests.support import slack_rig as rig
from tests.support.fakes.slack_api import TEAM, FakeSlack
from tests.support.fakes.slack_requests import event_body

Slack, flat, action_ids = rig.Slack, rig.flat, rig.action_ids
fake, slack_settings, platform, slack = rig.fake, rig.slack_settings, rig.platform, rig.slack


def message(text: str, *, channel: str = "D1", channel_type: str = "im", **extra: Any) -> str:
    event = {
        "type": "message",
        "channel": channel,
        "channel_type": channel_type,
        "user": "U1",
        "text": text,
        "ts": "1700000000.5",
        **extra,
    }
    return event_body(event)


async def test_a_plain_dm_message_answers_the_interview_keeping_its_lines(
    slack: Slack, fake: FakeSlack, core: Core
) -> None:
    await slack.command("interview", "start web dm")
    posts = await fake.wait_for("chat.postMessage", 2)
    assert "TCP or UDP" in flat(posts[1].args)
    resp = await slack.send(message("TCP &lt;&gt; UDP: TCP keeps the order\nand retransmits."))
    assert resp.status == 200
    posts = await fake.wait_for("chat.postMessage", 4)
    assert [p.args["channel"] for p in posts[2:]] == ["D1", "D1"]
    assert "What you got right" in flat(posts[2].args)
    assert "Interview report" in flat(posts[3].args)
    s = (await core.store.user_sessions("slack", TEAM, "U1", 1))[0]
    [row] = await core.store.context_answers("slack", TEAM, f"interview:{s.id}")
    assert row.answer == "TCP <> UDP: TCP keeps the order\nand retransmits."


async def test_channel_messages_edits_and_bots_are_never_read(
    slack: Slack, fake: FakeSlack, core: Core
) -> None:
    await slack.command("interview", "start web dm")
    await fake.wait_for("chat.postMessage", 2)
    for body in (
        message("TCP, from a channel.", channel="C1", channel_type="channel"),
        message("TCP, an edit.", subtype="message_changed"),
        message("TCP, from a bot.", bot_id="B1"),
        message("TCP keeps the order and retransmits."),  # the one real answer, last
    ):
        assert (await slack.send(body)).status == 200
    posts = await fake.wait_for("chat.postMessage", 4, seconds=10)
    assert "What you got right" in flat(posts[2].args)
    s = (await core.store.user_sessions("slack", TEAM, "U1", 1))[0]
    rows = await core.store.context_answers("slack", TEAM, f"interview:{s.id}")
    assert [r.answer for r in rows] == ["TCP keeps the order and retransmits."]


async def test_a_dm_with_no_interview_says_how_to_start_one(slack: Slack, fake: FakeSlack) -> None:
    await slack.send(message("hello?"))
    [said] = await fake.wait_for("chat.postEphemeral")
    assert "/interview start" in flat(said.args)


async def test_the_hint_button_gives_one_hint(slack: Slack, fake: FakeSlack) -> None:
    key = await slack.command("interview", "start web")
    _, question = await slack.replies(key, 2)
    hint = next(a for a in action_ids(question) if a.startswith("ibn:interview:"))
    first = await slack.reply(await slack.click(hint))
    assert "Hint" in first and "75 %" in first
    again = await slack.reply(await slack.click(hint))
    assert "one per question" in again
