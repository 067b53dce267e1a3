"""/review on Slack, end to end: signed requests into the real bolt app, the fake Web API
recording what the bot sends (the rig in tests/support/slack_rig.py)."""

from __future__ import annotations

from bot.clock import FakeClock
from bot.services.container import Core
from tests.support import slack_rig as rig
from tests.support.fakes.slack_api import TEAM, FakeSlack

Slack, button, start_quiz = rig.Slack, rig.button, rig.start_quiz
fake, slack_settings, platform, slack = rig.fake, rig.slack_settings, rig.platform, rig.slack


async def test_review_after_a_miss_privately_then_stats_words(
    slack: Slack, fake: FakeSlack, clock: FakeClock
) -> None:
    post, _ = await start_quiz(slack, fake)
    wrong = await slack.reply(await slack.click(*button(post, "301"), user="U2"))
    assert "Not this time" in wrong
    status = await slack.reply(await slack.command("review", "status", user="U2"))
    assert "0 of 1 item(s) due now" in status
    clock.advance(hours=25)
    asked = await slack.reply(await slack.command("review", user="U2"))
    assert "Review · web" in asked and "Not Found" in asked  # ephemeral (reply checks it)
    graded = await slack.reply(await slack.command("review", "answer 404", user="U2"))
    assert "Right" in graded and "Next time for this one" in graded
    again = await slack.reply(await slack.command("review", "answer 404", user="U2"))
    assert "Nothing to answer" in again
    stats = await slack.reply(await slack.command("qstats", user="U2"))
    assert "web: junior" in stats
    # only the person who missed it has something to review
    other = await slack.reply(await slack.command("review", "status", user="U3"))
    assert "Nothing to review yet" in other


async def test_export_is_uploaded_to_the_dm_and_the_reminder_is_set(
    slack: Slack, fake: FakeSlack, core: Core
) -> None:
    post, _ = await start_quiz(slack, fake)
    await slack.reply(await slack.click(*button(post, "301"), user="U2"))
    note = await slack.reply(await slack.command("review", "export", user="U2"))
    assert "interview-bot-review.txt" in note and "direct messages" in note
    [done] = fake.of("files.completeUploadExternal")
    assert done.args["channel_id"] == "D2"  # the person's DM with the bot, not the channel
    [data] = [v["data"] for v in fake.uploads.values() if v["data"]]
    text = data.decode("utf-8")
    assert text.startswith("#separator:tab\n#html:false\n") and "Not Found" in text
    reminder = await slack.reply(await slack.command("review", "remind 18:00", user="U2"))
    assert "18:00 (UTC)" in reminder
    stored = await core.store.review_reminder("slack", TEAM, "U2")
    assert stored is not None and stored.channel == "U2"  # chat.postMessage to a user: a DM
    bad = await slack.reply(await slack.command("review", "remind soon", user="U2"))
    assert "not a time of day" in bad
