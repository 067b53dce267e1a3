"""Slack end to end: signed requests into the real bolt app, its Web API client pointed at
a local fake Slack (tests/support/fakes/slack_api.py) that records what the bot sends."""

from __future__ import annotations

import asyncio
import json
import logging
import random

import aiohttp
import pytest
from aiohttp import web
from pydantic import SecretStr
from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.slack.admins import People, Person
from adapters.slack.platform import SlackPlatform, make_client
from bot.clock import FakeClock
from bot.domain.values import Card, Reply, Target, Visibility, Where
from bot.ports import ChannelUnavailable, PlatformUnavailable
from bot.questions.bank import QuestionBank
from bot.services.container import Core, build_core
from bot.services.ticker import tick
from interview_bot.config import Settings
from interview_bot.platforms import load_platform, slack_config
from tests.support import slack_rig as rig
from tests.support.fakes.slack_api import TEAM, FakeSlack
from tests.support.fakes.slack_requests import (
    block_action,
    command,
    command_body,
    event_body,
    interactive_body,
    signed,
)
from tests.support.metrics import errors_counted

PACK = """\
id: team-extra
title: Team extra
topic: teamstuff
version: 1
questions:
  - id: tx-deploy
    kind: choice
    difficulty: 1
    prompt: "Which day do we deploy?"
    choices:
      - {text: "Tuesday", correct: true}
      - {text: "Friday"}
      - {text: "Any day"}
    explanation: "Never on a Friday."
"""


# the Slack rig (signed requests into the real bolt app, the fake Web API), from tests/support
Slack, flat, button, action_ids = rig.Slack, rig.flat, rig.button, rig.action_ids
new_platform, start_quiz = rig.new_platform, rig.start_quiz
fake, slack_settings, platform, slack = rig.fake, rig.slack_settings, rig.platform, rig.slack


# --- quizzes ------------------------------------------------------------------------------


async def test_quiz_buttons_answers_and_the_reveal_edit(
    slack: Slack, fake: FakeSlack, core: Core, clock: FakeClock, platform: SlackPlatform
) -> None:
    post, ids = await start_quiz(slack, fake)
    assert post.args["channel"] == "C1"
    assert "Which status code means Not Found?" in flat(post.args)
    rid = ids[0].split(":")[2]
    assert ids == [f"ib:quiz:{rid}:A", f"ib:quiz:{rid}:B", f"ib:quiz:{rid}:C"]
    rnd = await core.store.get_round("slack", TEAM, rid)
    assert rnd is not None and rnd.message_ref and rnd.message_ref.startswith("C1:")

    right_button = button(post, "404")
    right = await slack.reply(await slack.click(*right_button, user="U1"))
    assert "Right!" in right and "+15 points" in right
    wrong = await slack.reply(await slack.click(*button(post, "301"), user="U2"))
    assert "Not this time" in wrong

    clock.advance(seconds=61)
    await tick(core)
    [edit] = fake.of("chat.update")
    assert edit.args["channel"] == "C1" and edit.args["ts"] == rnd.message_ref.split(":")[1]
    assert "(closed)" in flat(edit.args) and not action_ids(edit.args)
    reveal = fake.of("chat.postMessage")[-1].args
    assert "Round over" in flat(reveal) and f"{right_button[1]}) 404" in flat(reveal)
    assert "name-U1 (+15)" in flat(reveal)


async def test_quiz_stop_reveals_at_once(slack: Slack, fake: FakeSlack) -> None:
    await start_quiz(slack, fake)
    await slack.command("quiz", "stop")
    await fake.wait_for("chat.postMessage", 2)
    await fake.wait_for("chat.update")
    assert "Round over" in flat(fake.of("chat.postMessage")[-1].args)


async def test_free_text_quiz_answer_through_a_modal(slack: Slack, fake: FakeSlack) -> None:
    post, ids = await start_quiz(slack, fake, "python 2")
    [form] = ids
    assert form.startswith("ibf:quiz:")
    action = form.removeprefix("ibf:")
    key = await slack.click(form, message=post.args)
    [opened] = await fake.wait_for("views.open")
    view = opened.args["view"]
    assert opened.args["trigger_id"] == "trig-2"
    assert view["callback_id"] == f"ibm:{action}"
    assert "Which lock lets one thread" in flat(view["blocks"])  # the question, in the modal
    element = view["blocks"][-1]["element"]
    assert element["type"] == "plain_text_input" and not element["multiline"]

    resp = await slack.submit(
        view["callback_id"],
        {"answer": {"text": {"type": "plain_text_input", "value": "gil"}}},
        private_metadata=view["private_metadata"],
    )
    assert resp.status == 200 and not resp.body  # the modal closes at once
    assert "Right!" in await slack.reply(key)


async def test_a_retried_delivery_counts_once(slack: Slack, fake: FakeSlack) -> None:
    post, _ = await start_quiz(slack, fake)
    right = button(post, "404")
    key = await slack.click(*right)
    assert "Right!" in await slack.reply(key)
    timeout_retry = await slack.send(
        interactive_body(block_action(*right, response_url=fake.response_url(key))),
        **{"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"},
    )
    assert timeout_retry.status == 200
    assert timeout_retry.headers.get("x-slack-no-retry") == ["1"]
    await slack.click(
        *right, key=key, **{"x-slack-retry-num": "2", "x-slack-retry-reason": "http_error"}
    )
    replies = await slack.replies(key, 2)
    assert len(replies) == 2
    assert "You already answered this round" in flat(replies[1])
    stats = await slack.reply(await slack.command("qstats"))
    assert "1 answers, 1 right" in stats


async def test_a_button_works_after_a_restart(
    slack: Slack, fake: FakeSlack, slack_settings: Settings, clock: FakeClock, bank: QuestionBank
) -> None:
    post, _ = await start_quiz(slack, fake)
    core2 = await build_core(slack_settings, clock=clock, bank=bank, rng=random.Random(1))
    restarted = new_platform(core2, slack_settings, fake)
    try:
        again = Slack(restarted, fake)
        assert "Right!" in await again.reply(await again.click(*button(post, "404")))
    finally:
        await restarted.close()
        await core2.close()


async def test_a_bad_signature_is_refused(
    slack: Slack, fake: FakeSlack, platform: SlackPlatform
) -> None:
    body = command_body("quiz", "web", response_url=fake.response_url("x"))
    forged = await platform.app.async_dispatch(
        AsyncBoltRequest(body=body, headers=signed(body, secret="not-the-secret"))
    )
    assert forged.status == 401
    stale = await platform.app.async_dispatch(
        AsyncBoltRequest(body=body, headers=signed(body, timestamp=1_600_000_000))
    )
    assert stale.status == 401
    assert not fake.of("chat.postMessage") and not fake.of("response")


async def test_rate_limited_posts_are_retried(
    slack: Slack, fake: FakeSlack, no_jitter: None, core: Core
) -> None:
    fake.queue(
        "chat.postMessage",
        {"ok": False, "error": "ratelimited"},
        status=429,
        headers={"Retry-After": "0"},
    )
    _, ids = await start_quiz(slack, fake)
    assert len(fake.of("chat.postMessage")) == 2 and ids
    assert not fake.of("response")


async def test_a_channel_the_bot_is_not_in_is_explained(slack: Slack, fake: FakeSlack) -> None:
    fake.queue("chat.postMessage", {"ok": False, "error": "not_in_channel"})
    assert "Invite me first" in await slack.reply(await slack.command("quiz", "web"))


# --- interviews ---------------------------------------------------------------------------


async def test_interview_in_private_with_a_modal_answer(slack: Slack, fake: FakeSlack) -> None:
    key = await slack.command("interview", "start web")
    intro, question = await slack.replies(key, 2)
    assert "Mock interview" in flat(intro) and "/interview skip passes" in flat(intro)
    assert question["response_type"] == "ephemeral"
    assert "TCP or UDP" in flat(question)
    form, hint, skip, end = action_ids(question)
    assert hint.startswith("ibn:interview:")
    assert form.startswith("ibf:interview:") and skip.startswith("ibs:interview:")
    assert end.startswith("ibe:interview:")

    click = await slack.click(form)  # an ephemeral message: Slack sends no `message`
    [opened] = await fake.wait_for("views.open")
    view = opened.args["view"]
    assert view["blocks"][-1]["element"]["multiline"] is True
    await slack.submit(
        view["callback_id"],
        {
            "answer": {
                "text": {
                    "type": "plain_text_input",
                    "value": "TCP: it retransmits and keeps the order.",
                }
            }
        },
        private_metadata=view["private_metadata"],
    )
    feedback, report = await slack.replies(click, 2)
    assert "What you got right" in flat(feedback)
    assert "Interview report" in flat(report)


async def test_interview_by_direct_message_skip_and_end(slack: Slack, fake: FakeSlack) -> None:
    await slack.command("interview", "start python dm")
    posts = await fake.wait_for("chat.postMessage", 2)
    assert [p.args["channel"] for p in posts] == ["D1", "D1"]
    assert fake.of("conversations.open")[0].args["users"] == "U1"
    _, _, skip, _ = action_ids(posts[1].args)
    await slack.click(skip, channel="D1")
    posts = await fake.wait_for("chat.postMessage", 4)
    assert "Skipped" in flat(posts[2].args) and "Question 2/2" in flat(posts[3].args)
    _, _, _, end2 = action_ids(posts[3].args)
    stale = await slack.click(skip, channel="D1")  # the first question's button, again
    assert "already answered" in await slack.reply(stale)
    await slack.click(end2, channel="D1")
    posts = await fake.wait_for("chat.postMessage", 5)
    assert "Interview report" in flat(posts[4].args)


async def test_slow_grading_is_acknowledged_first(
    slack: Slack, core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    graded = asyncio.Event()

    async def slow_answer(*args: object, **kw: object) -> Reply:
        await graded.wait()
        return Reply(cards=(Card(title="Graded", visibility=Visibility.EPHEMERAL),))

    monkeypatch.setattr(core.interviews, "answer", slow_answer)
    key = slack.key()
    meta = json.dumps({"c": "C1", "r": slack.fake.response_url(key)})
    resp = await slack.submit(
        "ibm:interview:s1:0", {"answer": {"text": {"value": "x"}}}, private_metadata=meta
    )
    assert resp.status == 200 and not graded.is_set()  # Slack has its ack; grading goes on
    graded.set()
    assert "Graded" in await slack.reply(key)


async def test_code_answers_get_a_code_editor(slack: Slack, fake: FakeSlack) -> None:
    await slack.click("ibc:interview:abc:0")
    [opened] = await fake.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == "ibm:interview:abc:0"
    assert flat(view["blocks"][-1]["label"]).count("Your code") == 1
    assert view["blocks"][-1]["element"]["multiline"] is True


# --- the other commands -------------------------------------------------------------------


async def test_leaderboard_stats_questions_and_help(slack: Slack, fake: FakeSlack) -> None:
    post, _ = await start_quiz(slack, fake)
    await slack.reply(await slack.click(*button(post, "404")))
    await slack.command("leaderboard", "all")  # a leaderboard is for the whole channel
    board = flat((await fake.wait_for("chat.postMessage", 2))[1].args)
    assert "Leaderboard" in board and "name-U1 — 15 pts" in board
    assert "Stats · name-U1" in await slack.reply(await slack.command("qstats"))
    someone = await slack.reply(await slack.command("qstats", "<@U1|u1>", user="U2"))
    assert "Stats · name-U1" in someone and "1 answers" in someone
    assert "Question bank" in await slack.reply(await slack.command("questions"))
    assert "quiz_seconds" in await slack.reply(await slack.command("settings"))
    help_text = await slack.reply(await slack.command("quiz", "help"))
    assert "/qstats" in help_text and "/interview start" in help_text
    unknown = await slack.reply(await slack.command("leaderboard", "sideways up"))
    assert "Try /quiz help" in unknown


async def test_daily_question_set_posted_answered_and_on_app_home(
    slack: Slack, fake: FakeSlack, core: Core
) -> None:
    fake.users["U9"] = {"is_admin": True}
    assert "Not set up in this channel" in await slack.reply(await slack.command("daily"))
    refused = await slack.reply(await slack.command("daily", "set 09:00"))
    assert "admin" in refused
    done = await slack.reply(
        await slack.command("daily", "set 09:00 Europe/Berlin mon-fri", user="U9")
    )
    assert "Daily question scheduled" in done and "Europe/Berlin" in done

    assert "Posted" in await slack.reply(await slack.command("daily", "now", user="U9"))
    [post] = await fake.wait_for("chat.postMessage")
    assert "Daily question" in flat(post.args)
    buttons = action_ids(post.args)
    assert buttons and all(b.startswith("ib:daily:") for b in buttons)
    rid = buttons[0].split(":")[2]
    rnd = await core.store.get_round("slack", TEAM, rid)
    assert rnd is not None and rnd.message_ref and rnd.message_ref.startswith("C1:")
    question = (await core.banks.for_team("slack", TEAM)).get(rnd.question_id)
    assert question is not None and question.right_choice is not None
    right = button(post, question.choices[question.right_choice].text)
    answer = await slack.reply(await slack.click(*right))
    assert "Right!" in answer
    [row] = await core.store.context_answers("slack", TEAM, f"daily:{rid}")
    assert row.user_id == "U1" and row.correct

    await slack.send(
        event_body(
            {
                "type": "app_home_opened",
                "user": "U1",
                "channel": "D1",
                "tab": "home",
                "event_ts": "1700000000.2",
            }
        )
    )
    [published] = await fake.wait_for("views.publish")
    home = flat(published.args["view"])
    assert "<#C1>" in home and "09:00 Europe/Berlin" in home


async def test_settings_need_a_workspace_admin_or_a_listed_user(
    slack: Slack, fake: FakeSlack, core: Core, slack_settings: Settings
) -> None:
    refused = await slack.reply(await slack.command("settings", "quiz_seconds 30"))
    assert "Only an admin of this team can change settings" in refused
    fake.users["U9"] = {"is_admin": True}
    saved = await slack.reply(await slack.command("settings", "quiz_seconds 30", user="U9"))
    assert "Setting saved" in saved
    fake.users["U8"] = {"is_owner": True}
    assert "Setting saved" in await slack.reply(
        await slack.command("settings", "quiz_seconds 40", user="U8")
    )

    listed = SlackPlatform(
        core,
        slack_config(slack_settings.model_copy(update={"slack_admin_users": "U5, U6"})),
        client=make_client("xoxb-test", fake.api_url),
    )
    try:
        other = Slack(listed, fake)
        assert "Setting saved" in await other.reply(
            await other.command("settings", "quiz_seconds 50", user="U6")
        )
    finally:
        await listed.close()


async def test_people_are_looked_up_once_a_minute(slack: Slack, fake: FakeSlack) -> None:
    await slack.reply(await slack.command("qstats"))
    await slack.reply(await slack.command("questions"))
    assert len(fake.of("users.info")) == 1


async def test_team_pack_from_a_file_shared_in_the_channel(slack: Slack, fake: FakeSlack) -> None:
    fake.files["team.yaml"] = PACK.encode()
    fake.users["U9"] = {"is_admin": True}
    done = await slack.reply(await slack.command("questions", "import team.yaml", user="U9"))
    assert "Pack 'team-extra' imported" in done
    [download] = fake.of("file")
    assert download.headers["Authorization"] == "Bearer xoxb-test"
    assert "teamstuff" in await slack.reply(await slack.command("questions", user="U9"))
    missing = await slack.reply(await slack.command("questions", "import nope.yaml", user="U9"))
    assert "No file called 'nope.yaml'" in missing


async def test_team_pack_pasted_or_uploaded_in_the_modal(slack: Slack, fake: FakeSlack) -> None:
    fake.users["U9"] = {"is_admin": True}
    refused = await slack.reply(await slack.command("questions", "import"))
    assert "Only an admin" in refused

    key = await slack.command("questions", "import", user="U9")
    [opened] = await fake.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == "ib-import"
    empty = await slack.submit(
        "ib-import", {}, user="U9", private_metadata=view["private_metadata"]
    )
    assert json.loads(empty.body)["response_action"] == "errors"

    bad = PACK.replace("kind: choice", "kind: riddle")
    await slack.submit(
        "ib-import",
        {"paste": {"text": {"value": bad}}},
        user="U9",
        private_metadata=view["private_metadata"],
    )
    assert "was not imported" in await slack.reply(key)

    fake.files["upload.yml"] = PACK.encode()
    await slack.submit(
        "ib-import",
        {"file": {"file": {"type": "file_input", "files": [{"id": "F9"}]}}},
        user="U9",
        private_metadata=view["private_metadata"],
    )
    replies = await slack.replies(key, 2)
    assert "Pack 'team-extra' imported" in flat(replies[1])
    assert fake.of("files.info")[0].args["file"] == "F9"


# --- safety -------------------------------------------------------------------------------


async def test_nothing_a_user_typed_pings_anyone(slack: Slack, fake: FakeSlack) -> None:
    fake.users["U1"] = {"profile": {"display_name": "<!channel> <@U2> & co"}}
    post, _ = await start_quiz(slack, fake)
    await slack.reply(await slack.click(*button(post, "404")))
    await slack.command("leaderboard", "all")
    board = flat((await fake.wait_for("chat.postMessage", 2))[1].args)
    assert "&lt;!channel&gt; &lt;@U2&gt; &amp; co" in board
    await slack.reply(await slack.command("quiz", "<!here> <@U3>"))
    sent = [c.args for c in fake.calls if c.method in ("response", "chat.postMessage")]
    assert sent and all("<!" not in flat(a) and "<@" not in flat(a) for a in sent)
    for a in sent:  # and every mrkdwn text object is verbatim: no auto-linked names
        for att in a.get("attachments") or []:
            for block in att["blocks"]:
                if block.get("text", {}).get("type") == "mrkdwn":
                    assert block["text"]["verbatim"] is True


async def test_an_error_is_answered_and_logged_with_context(
    slack: Slack, core: Core, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*args: object, **kw: object) -> Card:
        raise RuntimeError("the database fell over")

    monkeypatch.setattr(core.leaderboards, "board", broken)
    with caplog.at_level(logging.ERROR):
        answer = await slack.reply(await slack.command("leaderboard"))
    assert "Something went wrong; it has been logged." in answer
    [record] = [r for r in caplog.records if "failed" in r.getMessage()]
    assert "/leaderboard" in record.getMessage() and "T1" in record.getMessage()
    assert "U1" in record.getMessage() and record.exc_info
    assert "xoxb-test" not in caplog.text


# --- App Home and the posting port --------------------------------------------------------


async def test_app_home_shows_board_stats_and_schedules(slack: Slack, fake: FakeSlack) -> None:
    post, _ = await start_quiz(slack, fake)
    await slack.reply(await slack.click(*button(post, "404")))
    resp = await slack.send(
        event_body(
            {
                "type": "app_home_opened",
                "user": "U1",
                "channel": "D1",
                "tab": "home",
                "event_ts": "1700000000.2",
            }
        )
    )
    assert resp.status == 200
    [published] = await fake.wait_for("views.publish")
    assert published.args["user_id"] == "U1"
    home = flat(published.args["view"])
    assert "Leaderboard · the team" in home and "name-U1 — 15 pts" in home
    assert "Stats · name-U1" in home and "Daily questions" in home
    await slack.click("ibh:all", "all", channel="")
    second = (await fake.wait_for("views.publish", 2))[1].args["view"]
    buttons = second["blocks"][2]["elements"]
    assert [b["action_id"] for b in buttons if b.get("style") == "primary"] == ["ibh:all"]


async def test_poster_posts_and_edits(platform: SlackPlatform, fake: FakeSlack) -> None:
    target = Target("slack", TEAM, "C7")
    ref = await platform.poster.post(target, Card(title="Daily question", text="Hi"))
    assert ref is not None and ref.startswith("C7:")
    await platform.poster.edit(target, ref, Card(title="Daily question (closed)"))
    [edit] = fake.of("chat.update")
    assert edit.args["channel"] == "C7" and edit.args["ts"] == ref.split(":")[1]
    fake.queue("chat.postMessage", {"ok": False, "error": "channel_not_found"})
    with pytest.raises(ChannelUnavailable):  # the daily schedule pauses instead of retrying
        await platform.poster.post(target, Card(title="Daily question"))


# --- serving: HTTP, Socket Mode, bad tokens -----------------------------------------------


async def run_until_started(platform: SlackPlatform) -> asyncio.Task[None]:
    task = asyncio.create_task(platform.run())
    started = asyncio.create_task(platform.started.wait())
    done, _ = await asyncio.wait({task, started}, timeout=5, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        started.cancel()
        task.result()  # raises what run() raised
    assert started in done
    return task


async def stop(task: asyncio.Task[None], platform: SlackPlatform) -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await platform.close()


async def test_http_mode_over_real_http(platform: SlackPlatform, fake: FakeSlack) -> None:
    task = await run_until_started(platform)
    try:
        url = f"http://127.0.0.1:{platform.port}/slack/events"
        body = command_body("quiz", "web", response_url=fake.response_url("h"))
        async with aiohttp.ClientSession() as http:
            async with http.post(url, data=body, headers=signed(body)) as resp:
                assert resp.status == 200
            bad = signed(body, secret="wrong")
            async with http.post(url, data=body, headers=bad) as resp:
                assert resp.status == 401
        [post] = await fake.wait_for("chat.postMessage")
        assert "Not Found" in flat(post.args)
    finally:
        await stop(task, platform)


async def test_socket_mode_against_the_fake(
    core: Core, slack_settings: Settings, fake: FakeSlack
) -> None:
    settings = slack_settings.model_copy(
        update={"slack_app_token": SecretStr("xapp-test"), "slack_signing_secret": None}
    )
    platform = new_platform(core, settings, fake)
    task = await run_until_started(platform)
    try:
        [opened] = fake.of("apps.connections.open")
        assert opened.headers["Authorization"] == "Bearer xapp-test"
        payload = command("quiz", "web", response_url=fake.response_url("s"))
        await fake.send_envelope(
            {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": payload,
            }
        )
        [ack] = await fake.wait_for("socket", where=lambda c: "envelope_id" in c.args)
        assert ack.args["envelope_id"] == "env-1"
        [post] = await fake.wait_for("chat.postMessage")
        assert "Not Found" in flat(post.args)
    finally:
        await stop(task, platform)


async def test_bad_tokens_and_missing_secrets_stop_with_a_clear_message(
    core: Core, slack_settings: Settings, fake: FakeSlack
) -> None:
    platform = new_platform(core, slack_settings, fake)
    fake.queue("auth.test", {"ok": False, "error": "invalid_auth"})
    with pytest.raises(PlatformUnavailable, match=r"SLACK_BOT_TOKEN \(invalid_auth\)"):
        await platform.run()

    no_secret = new_platform(
        core, slack_settings.model_copy(update={"slack_signing_secret": None}), fake
    )
    with pytest.raises(PlatformUnavailable, match="SLACK_SIGNING_SECRET"):
        await no_secret.run()

    socket = new_platform(
        core, slack_settings.model_copy(update={"slack_app_token": SecretStr("xapp-bad")}), fake
    )
    fake.queue("apps.connections.open", {"ok": False, "error": "invalid_auth"})
    with pytest.raises(PlatformUnavailable, match="SLACK_APP_TOKEN"):
        await socket.run()
    await socket.close()

    with pytest.raises(PlatformUnavailable, match="SLACK_BOT_TOKEN is not set"):
        SlackPlatform(
            core, slack_config(slack_settings.model_copy(update={"slack_bot_token": None}))
        )


async def test_the_app_loads_the_slack_platform(core: Core, slack_settings: Settings) -> None:
    platform = load_platform("slack", core, slack_settings)
    assert isinstance(platform, SlackPlatform)
    await platform.close()


async def test_appeal_rejected_with_the_reason_posted_to_its_author(
    slack: Slack, fake: FakeSlack
) -> None:
    post, _ = await start_quiz(slack, fake)
    action_id, value = button(post, "301")
    assert "Not this time" in await slack.reply(await slack.click(action_id, value, user="U2"))
    filed = await slack.reply(await slack.command("appeal", "301 also finds the page", user="U2"))
    assert "Appeal #1 filed" in filed and "t-http" in filed
    refused = await slack.reply(await slack.command("appeals", user="U2"))
    assert "Only an admin of this team can see the appeals" in refused
    fake.users["U9"] = {"is_admin": True}
    queue = await slack.reply(await slack.command("appeals", user="U9"))
    assert "#1 appeal by name-U2 on t-http" in queue and "why: 301 also finds the page" in queue
    before = len(fake.of("chat.postMessage"))
    done = await slack.reply(
        await slack.command("appeals", "reject 1 301 is a redirect", user="U9")
    )
    assert "#1 rejected" in done
    told = flat((await fake.wait_for("chat.postMessage", before + 1))[before].args)
    assert "Your appeal #1 was not accepted" in told
    assert "name-U2, on t-http: 301 is a redirect" in told


async def test_questions_report_keep_and_retire_for_admins(
    slack: Slack, fake: FakeSlack, core: Core
) -> None:
    from tests.support.builders import broken_question_answers
    from tests.support.fakes.slack_api import TEAM

    await broken_question_answers(core, "slack", TEAM)
    refused = await slack.reply(await slack.command("questions", "report"))
    assert "Only an admin of this team can see the question report" in refused
    fake.users["U9"] = {"is_admin": True}
    shown = await slack.reply(await slack.command("questions", "report python", user="U9"))
    assert "Question report on python: 1 question(s) look broken" in shown
    assert "nobody got it right in 25 answers" in shown and "rested" in shown
    assert await core.store.out_of_rotation("slack", TEAM) == {"t-is"}
    assert "t-is retired" in await slack.reply(
        await slack.command("questions", "retire t-is", user="U9")
    )
    assert "t-is kept" in await slack.reply(
        await slack.command("questions", "keep t-is", user="U9")
    )
    assert await core.store.out_of_rotation("slack", TEAM) == set()


# --- fixes of issue 13 --------------------------------------------------------------------


async def test_an_old_end_button_does_not_end_the_current_interview(
    slack: Slack, core: Core
) -> None:
    first = await slack.command("interview", "start web")
    _, question = await slack.replies(first, 2)
    _, _, _, old_end = action_ids(question)
    assert "Interview report" in await slack.reply(await slack.command("interview", "end"))
    await slack.replies(await slack.command("interview", "start python"), 2)  # it has begun

    stale = await slack.click(old_end)
    assert "That interview is over" in await slack.reply(stale)
    where = Where("slack", TEAM, "C1", "U1")
    assert await core.interviews.current(where) is not None  # the new one goes on


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", "<html><body>502 Bad Gateway</body></html>"),  # a proxy's page
        ("text/plain", "upstream connect error or disconnect/reset before headers"),
        ("text/html", "<html><body>Service Unavailable</body></html>"),
    ],
)
async def test_a_failed_user_lookup_goes_on_with_the_name_slack_sent(
    content_type: str, body: str
) -> None:
    """users.info answering with an error page must not fail the command: the person plays
    under the name in the payload, with admin rights only if SLACK_ADMIN_USERS lists them."""

    async def users_info(_: web.Request) -> web.Response:
        return web.Response(body=body.encode(), content_type=content_type, status=200)

    app = web.Application()
    app.router.add_route("*", "/api/users.info", users_info)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    client = make_client("xoxb-test", f"http://127.0.0.1:{port}/api/")
    try:
        people = People(frozenset({"U2"}))
        assert await people.get(client, TEAM, "U1", "ann") == Person("ann", False)
        assert await people.get(client, TEAM, "U2", "") == Person("U2", True)
    finally:
        await runner.cleanup()


async def test_unexpected_errors_are_counted(
    slack: Slack, core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object, **kw: object) -> Card:
        raise RuntimeError("a bug")

    monkeypatch.setattr(core.leaderboards, "board", broken)
    before = errors_counted("slack", "leaderboard")
    assert "Something went wrong" in await slack.reply(await slack.command("leaderboard"))
    assert errors_counted("slack", "leaderboard") == before + 1
