"""Pictures on Slack, through the real slack-bolt and slack_sdk against the fake Slack: the
three calls of files_upload_v2 with their arguments, the picture beside the text post (or in
the DM for a private card), and a text post that stands alone when the upload is refused."""

from __future__ import annotations

import io
import json
import logging

import pytest
from PIL import Image as Pil

from adapters.slack.images import IN_DM, UPLOAD_BYTES
from adapters.slack.platform import SlackPlatform
from bot.domain.values import Card, Image, Target
from tests.support import slack_rig as rig
from tests.support.fakes.slack_api import TEAM, FakeSlack

Slack, flat, button, start_quiz = rig.Slack, rig.flat, rig.button, rig.start_quiz
fake, slack_settings, platform, slack = rig.fake, rig.slack_settings, rig.platform, rig.slack


async def _answer_right(slack: rig.Slack, fake: FakeSlack) -> None:
    post, _ = await start_quiz(slack, fake)
    await slack.reply(await slack.click(*button(post, "404")))


async def test_stats_text_privately_and_the_picture_in_the_dm(
    slack: rig.Slack, fake: FakeSlack
) -> None:
    await _answer_right(slack, fake)
    text = await slack.reply(await slack.command("qstats"))
    assert "Stats · name-U1" in text and "1 answers" in text and IN_DM in text
    [url] = await fake.wait_for("files.getUploadURLExternal")
    assert url.args["filename"] == "stats.png"
    assert "Stats card for name-U1" in url.args["alt_txt"]
    [upload] = await fake.wait_for("upload")
    assert int(url.args["length"]) == upload.args["length"] == len(fake.uploads["FUP1"]["data"])
    [done] = await fake.wait_for("files.completeUploadExternal")
    assert done.args["channel_id"] == "D1"  # the person's DM: Slack has no private file
    [shared] = json.loads(done.args["files"])
    assert shared["id"] == "FUP1" and shared["title"] == "Stats · name-U1"
    picture = Pil.open(io.BytesIO(fake.uploads["FUP1"]["data"]))
    assert picture.format == "PNG" and picture.width == 800
    assert len(fake.uploads["FUP1"]["data"]) < UPLOAD_BYTES


async def test_leaderboard_chart_goes_beside_the_post_in_the_channel(
    slack: rig.Slack, fake: FakeSlack
) -> None:
    await _answer_right(slack, fake)
    await slack.command("leaderboard", "all chart")
    posts = await fake.wait_for("chat.postMessage", 2)
    assert "name-U1 — 15 pts" in flat(posts[1].args)  # the text as without `chart`
    [url] = await fake.wait_for("files.getUploadURLExternal")
    assert url.args["filename"] == "leaderboard.png"
    [done] = await fake.wait_for("files.completeUploadExternal")
    assert done.args["channel_id"] == "C1"
    await slack.command("leaderboard", "all")
    await fake.wait_for("chat.postMessage", 3)
    await slack.platform.handlers.drain()
    assert len(fake.of("files.getUploadURLExternal")) == 1  # no picture without `chart`


async def test_missing_files_write_costs_the_picture_only_with_one_log_line(
    platform: SlackPlatform, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    fake.queue("files.getUploadURLExternal", {"ok": False, "error": "missing_scope"})
    card = Card(title="Weekly recap", text="the week", image=Image(b"\x89PNG", "alt", "r.png"))
    with caplog.at_level(logging.WARNING):
        ref = await platform.poster.post(Target("slack", TEAM, "C1"), card)
    assert ref and ref.startswith("C1:")
    [post] = fake.of("chat.postMessage")
    assert "the week" in flat(post.args)
    assert not fake.of("files.completeUploadExternal")
    lines = [r.getMessage() for r in caplog.records if "not uploaded" in r.getMessage()]
    assert len(lines) == 1 and "files:write" in lines[0]


async def test_the_recap_picture_is_uploaded_beside_the_post(
    platform: SlackPlatform, fake: FakeSlack
) -> None:
    card = Card(title="Weekly recap", text="x", image=Image(b"\x89PNG-bytes", "alt", "r.png"))
    await platform.poster.post(Target("slack", TEAM, "C7"), card)
    [url] = fake.of("files.getUploadURLExternal")
    assert url.args["alt_txt"] == "alt" and int(url.args["length"]) == len(b"\x89PNG-bytes")
    assert fake.uploads["FUP1"]["data"] == b"\x89PNG-bytes"
    [done] = fake.of("files.completeUploadExternal")
    assert done.args["channel_id"] == "C7"
    assert json.loads(done.args["files"])[0]["title"] == "Weekly recap"
