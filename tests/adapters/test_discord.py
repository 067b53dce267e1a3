"""The Discord adapter end to end: the real discord.py client against a fake Discord.

Every interaction arrives as a real INTERACTION_CREATE over the gateway; the assertions read
what the bot sent back over REST (callback types, flags, embeds, components).
"""

from __future__ import annotations

import logging
from typing import Any

import discord
import pytest

from adapters.discord.platform import DiscordPlatform
from bot.clock import FakeClock
from bot.domain.values import Card, Target
from bot.ports import ChannelUnavailable, PlatformUnavailable
from bot.questions.bank import QuestionBank
from bot.services.container import Core, build_core
from bot.services.outbox import Outbox
from bot.services.ticker import tick
from interview_bot.config import Settings
from interview_bot.platforms import discord_config
from tests.support import discord_rig as rig
from tests.support.builders import broken_question_answers
from tests.support.fakes.discord_server import (
    APP_ID,
    CHANNEL_ID,
    EPHEMERAL,
    GUILD_ID,
    TOKEN,
    FakeDiscord,
    FakeUser,
)
from tests.support.metrics import errors_counted

# the Discord rig (the fake Discord, a connected bot) and what it reads, from tests/support
ALICE, BOB, ADMIN, GRADING = rig.ALICE, rig.BOB, rig.ADMIN, rig.GRADING
NO_MENTIONS = rig.NO_MENTIONS
CALLBACK_MESSAGE, CALLBACK_DEFERRED = rig.CALLBACK_MESSAGE, rig.CALLBACK_DEFERRED
CALLBACK_AUTOCOMPLETE, CALLBACK_MODAL = rig.CALLBACK_AUTOCOMPLETE, rig.CALLBACK_MODAL
Connect, discord_settings = rig.Connect, rig.discord_settings
embed, button_for, custom_ids, is_ephemeral = (
    rig.embed,
    rig.button_for,
    rig.custom_ids,
    rig.is_ephemeral,
)
fake, connect, bot = rig.fake, rig.connect, rig.bot
_no_silent_library_errors = rig._no_silent_library_errors


# --- start, sync, invite ----------------------------------------------------------------------


async def test_command_sync_sends_the_whole_tree_to_the_guild(
    fake: FakeDiscord, bot: DiscordPlatform
) -> None:
    [put] = fake.find("PUT", rf"/applications/\d+/guilds/{GUILD_ID}/commands")
    tree = {c["name"]: c for c in put.body}
    assert set(tree) == {
        "quiz",
        "interview",
        "leaderboard",
        "stats",
        "questions",
        "settings",
        "daily",
        "appeal",
        "flag",
        "appeals",
        "review",
        "export",
        "my-data",
        "forget-me",
    }
    subs = {c["name"]: {o["name"]: o for o in c.get("options", [])} for c in put.body}
    assert set(subs["interview"]) == {"start", "skip", "end", "hint", "tracks", "history", "report"}
    assert set(subs["questions"]) == {
        "list",
        "import",
        "remove",
        "regrade",
        "report",
        "keep",
        "retire",
    }
    assert set(subs["appeals"]) == {"list", "accept", "reject"}
    assert int(tree["appeals"]["default_member_permissions"]) == 1 << 5
    assert set(subs["daily"]) == {"set", "off", "status", "now"}
    # typed options: topic autocompletes, difficulty and period are choices
    assert subs["quiz"]["topic"]["autocomplete"] is True
    assert [c["value"] for c in subs["quiz"]["difficulty"]["choices"]] == ["easy", "medium", "hard"]
    start = {o["name"]: o for o in subs["interview"]["start"]["options"]}
    assert start["questions"]["min_value"] == 1 and start["questions"]["max_value"] == 30
    assert start["dm"]["type"] == 5
    assert [c["value"] for c in subs["leaderboard"]["period"]["choices"]] == [
        "today",
        "week",
        "month",
        "all",
    ]
    assert subs["questions"]["import"]["options"][0]["type"] == 11  # an attachment
    # admin commands: Manage Server by default; every command only in servers
    assert int(tree["settings"]["default_member_permissions"]) == 1 << 5
    assert all(c.get("contexts") == [0] for c in put.body)
    assert not fake.find("PUT", r"/applications/\d+/commands")  # not global as well
    assert fake.identified == 1


async def test_without_a_guild_id_commands_sync_globally(
    fake: FakeDiscord, connect: Connect, core: Core
) -> None:
    await connect(core, guild=None)
    [put] = fake.find("PUT", r"/applications/\d+/commands")
    assert {c["name"] for c in put.body} >= {"quiz", "interview", "settings"}
    assert not fake.find("PUT", r"/applications/\d+/guilds/\d+/commands")


async def test_a_bad_token_stops_with_a_clear_message(
    fake: FakeDiscord, core: Core, settings: Settings
) -> None:
    platform = DiscordPlatform(
        core, discord_config(discord_settings(settings, token="not-the-token"))
    )
    with pytest.raises(PlatformUnavailable, match="refused DISCORD_TOKEN") as e:
        await platform.run()
    assert "not-the-token" not in str(e.value)
    await platform.close()
    assert fake.identified == 0


def test_invite_url_asks_for_exactly_what_the_bot_uses() -> None:
    from adapters.discord.invite import invite_url

    url = invite_url(APP_ID)
    assert url.startswith("https://discord.com/oauth2/authorize?")
    assert f"client_id={APP_ID}" in url
    assert "scope=bot+applications.commands" in url
    perms = discord.Permissions(int(url.split("permissions=")[1].split("&")[0]))
    assert perms == discord.Permissions(  # attach files: the weekly recap's picture
        view_channel=True, send_messages=True, embed_links=True, attach_files=True
    )


# --- quizzes ------------------------------------------------------------------------------------


async def test_a_quiz_round_public_question_private_feedback_then_reveal(
    fake: FakeDiscord, bot: DiscordPlatform, core: Core, clock: FakeClock
) -> None:
    ex = await fake.slash("quiz", {"topic": "web", "difficulty": "easy"}, user=ALICE)
    cb = await ex.callback()
    assert cb["type"] == CALLBACK_MESSAGE and not is_ephemeral(cb["data"])
    assert cb["data"]["allowed_mentions"] == NO_MENTIONS
    card = embed(cb["data"])
    assert card["title"].startswith("Quiz · web")
    assert "Which status code means Not Found?" in card["description"]
    [question] = await ex.messages(1)
    ids = custom_ids(question)
    assert [i.rsplit(":", 1)[1] for i in ids] == ["A", "B", "C"]
    assert all(i.startswith(f"ib:b:{GUILD_ID}:quiz:") for i in ids)

    right_id = button_for(question, "404")
    right = await fake.click(int(question["id"]), right_id, user=ALICE)
    cb = await right.callback()
    assert cb["type"] == CALLBACK_MESSAGE and is_ephemeral(cb["data"])
    assert embed(cb["data"])["title"] == "Right!"

    again = await fake.click(int(question["id"]), button_for(question, "500"), user=ALICE)
    cb = await again.callback()
    assert is_ephemeral(cb["data"])
    assert cb["data"]["content"] == "You already answered this round: one answer each."

    wrong = await fake.click(int(question["id"]), button_for(question, "500"), user=BOB)
    assert embed((await wrong.callback())["data"])["title"] == "Not this time"

    # time is up: the ticker edits the question (buttons gone) and posts the reveal
    clock.advance(61)
    outbox = Outbox()
    outbox.register("discord", bot.poster)
    before = len(fake.calls)
    await tick(core, outbox)
    edit = await fake.wait_for(lambda c: c.method == "PATCH", after=before)
    assert edit.path == f"/channels/{CHANNEL_ID}/messages/{question['id']}"
    assert edit.body["components"] == [] and "(closed)" in embed(edit.body)["title"]
    reveal = await fake.wait_for(
        lambda c: c.method == "POST" and c.path.startswith("/channels"), after=before
    )
    assert reveal.path == f"/channels/{CHANNEL_ID}/messages"
    assert reveal.body["allowed_mentions"] == NO_MENTIONS
    shown = embed(reveal.body)
    assert shown["title"] == "Round over · web"
    right_letter = right_id.rsplit(":", 1)[1]
    assert {f["name"]: f["value"] for f in shown["fields"]}["Answer"] == f"{right_letter}) 404"


async def test_a_button_clicked_after_a_restart_still_counts(
    fake: FakeDiscord,
    connect: Connect,
    core: Core,
    settings: Settings,
    clock: FakeClock,
    bank: QuestionBank,
) -> None:
    first = await connect(core)
    ex = await fake.slash("quiz", {"topic": "web"}, user=ALICE)
    [question] = await ex.messages(1)
    await first.close()

    # a new process: a new core on the same database, a new client, a new gateway session
    fresh = await build_core(settings, clock=clock, bank=bank)
    try:
        await connect(fresh)
        assert fake.identified == 2
        click = await fake.click(int(question["id"]), button_for(question, "404"), user=BOB)
        cb = await click.callback()
        assert is_ephemeral(cb["data"]) and embed(cb["data"])["title"] == "Right!"
    finally:
        await fresh.close()


async def test_a_free_text_answer_goes_through_a_modal_and_is_graded(
    fake: FakeDiscord, bot: DiscordPlatform
) -> None:
    ex = await fake.slash("quiz", {"topic": "python", "difficulty": "medium"}, user=ALICE)
    [question] = await ex.messages(1)
    assert "Which lock" in embed(question)["description"]
    [form_id] = custom_ids(question)
    assert form_id.startswith(f"ib:f:{GUILD_ID}:quiz:")

    opened = await fake.click(int(question["id"]), form_id, user=BOB)
    cb = await opened.callback()
    assert cb["type"] == CALLBACK_MODAL
    modal = cb["data"]
    assert modal["custom_id"] == form_id.replace("ib:f:", "ib:m:", 1)
    assert modal["title"].startswith("Quiz · python")
    shown = [c for c in modal["components"] if c["type"] == 10]  # the question, in sight
    assert "Which lock" in shown[0]["content"]
    [label] = [c for c in modal["components"] if c["type"] == 18]
    assert label["component"]["custom_id"] == "answer"
    assert label["component"]["style"] == 1  # one line for a short answer

    sent = await fake.submit(modal["custom_id"], "the Global Interpreter Lock", user=BOB)
    cb = await sent.callback()
    assert cb["type"] == CALLBACK_DEFERRED and is_ephemeral(cb["data"])  # acknowledged first
    [answer] = await sent.messages(1)
    assert answer["flags"] & EPHEMERAL
    assert embed(answer)["title"] == "Right!"


# --- interviews ---------------------------------------------------------------------------------


async def test_an_interview_is_private_answers_deferred_then_graded(
    fake: FakeDiscord, bot: DiscordPlatform
) -> None:
    ex = await fake.slash("interview", {"topic": "python", "questions": 2}, sub="start", user=ALICE)
    cb = await ex.callback()
    assert cb["type"] == CALLBACK_MESSAGE and is_ephemeral(cb["data"])
    intro, question = await ex.messages(2)
    assert embed(intro)["title"] == "Mock interview · python"
    assert question["flags"] & EPHEMERAL  # the follow-up is private too
    assert embed(question)["title"].startswith("Question 1/2")
    form_id, hint_id = custom_ids(question)
    assert form_id.startswith(f"ib:f:{GUILD_ID}:interview:") and form_id.endswith(":0")
    assert hint_id == form_id.replace("ib:f:", "ib:h:", 1)

    opened = await fake.click(int(question["id"]), form_id, user=ALICE)
    modal = (await opened.callback())["data"]
    [label] = [c for c in modal["components"] if c["type"] == 18]
    assert label["component"]["style"] == 2  # paragraph: interview answers are prose
    prompt = embed(question)["description"]
    answer = (
        "A generator is a function that uses yield to produce values lazily, one at a time."
        if "generator" in prompt
        else "The method resolution order: the order classes are searched, by C3."
    )
    sent = await fake.submit(modal["custom_id"], answer, user=ALICE)
    cb = await sent.callback()
    assert cb["type"] == CALLBACK_DEFERRED and is_ephemeral(cb["data"])
    feedback, second = await sent.messages(2, within=GRADING)
    assert embed(feedback)["title"].endswith("%")  # "Right · 90%", "Partly right · 60%"
    names = [f["name"] for f in embed(feedback)["fields"]]
    assert "What you got right" in names and "Why it matters" in names
    assert second["flags"] & EPHEMERAL and embed(second)["title"].startswith("Question 2/2")

    # the same form submitted twice is refused: that question was answered
    again = await fake.submit(modal["custom_id"], answer, user=ALICE)
    [refused] = await again.messages(1)
    assert refused["content"] == "That question was already answered; answer the current one."

    skipped = await fake.slash("interview", sub="skip", user=ALICE)
    skip_card, report = await skipped.messages(2)
    assert embed(skip_card)["title"] == "Skipped"
    assert embed(report)["title"] == "Interview report · python"
    assert report["flags"] & EPHEMERAL

    ended = await fake.slash("interview", sub="end", user=ALICE)
    cb = await ended.callback()
    assert is_ephemeral(cb["data"])
    assert cb["data"]["content"] == "You have no interview in progress."


async def test_an_interview_in_direct_messages(fake: FakeDiscord, bot: DiscordPlatform) -> None:
    ex = await fake.slash("interview", {"topic": "web", "dm": True}, sub="start", user=BOB)
    [note] = await ex.messages(1)
    assert note["flags"] & EPHEMERAL and "direct messages" in note["content"]
    dm = fake.dm_channel_of(BOB)
    assert dm is not None
    intro, question = fake.channel_messages(dm)
    assert embed(intro)["title"] == "Mock interview · web"
    form_id, _hint = custom_ids(question)
    assert form_id.startswith(f"ib:f:{GUILD_ID}:interview:")  # the DM still knows the server

    opened = await fake.click(int(question["id"]), form_id, user=BOB)  # clicked in the DM
    modal = (await opened.callback())["data"]
    sent = await fake.submit(
        modal["custom_id"], "TCP: it retransmits and orders", user=BOB, channel_id=dm
    )
    cb = await sent.callback()
    assert cb["type"] == CALLBACK_DEFERRED and not is_ephemeral(cb.get("data") or {})
    feedback, report = await sent.messages(2, within=GRADING)
    assert embed(feedback)["title"].endswith("%")
    assert embed(report)["title"] == "Interview report · web"
    assert all(m["channel_id"] == str(dm) for m in (feedback, report))


async def test_closed_dms_fall_back_to_a_private_reply(
    fake: FakeDiscord, bot: DiscordPlatform
) -> None:
    shy = FakeUser(2_000_000_000_000_000_009, "shy", dms_closed=True)
    ex = await fake.slash("interview", {"topic": "web", "dm": True}, sub="start", user=shy)
    intro, question = await ex.messages(2)
    assert intro["flags"] & EPHEMERAL and question["flags"] & EPHEMERAL
    assert "could not DM you" in embed(intro)["footer"]["text"]


# --- leaderboards, stats, safety -----------------------------------------------------------------


async def test_names_with_everyone_never_ping(fake: FakeDiscord, bot: DiscordPlatform) -> None:
    loud = FakeUser(2_000_000_000_000_000_010, "@everyone")
    ex = await fake.slash("quiz", {"topic": "web"}, user=loud)
    [question] = await ex.messages(1)
    await (await fake.click(int(question["id"]), button_for(question, "404"), user=loud)).callback()

    board = await fake.slash("leaderboard", {"period": "all"}, user=ALICE)
    cb = await board.callback()
    assert cb["type"] == CALLBACK_MESSAGE and not is_ephemeral(cb["data"])  # public
    assert "@everyone — 15 pts" in embed(cb["data"])["description"]
    assert cb["data"]["allowed_mentions"] == NO_MENTIONS  # shown, but nobody is pinged
    assert not cb["data"].get("content")


async def test_stats_for_me_and_for_another_member(fake: FakeDiscord, bot: DiscordPlatform) -> None:
    ex = await fake.slash("quiz", {"topic": "web"}, user=BOB)
    [question] = await ex.messages(1)
    await (await fake.click(int(question["id"]), button_for(question, "404"), user=BOB)).callback()

    mine = await fake.slash("stats", user=ALICE)
    cb = await mine.callback()
    assert is_ephemeral(cb["data"])
    assert embed(cb["data"])["title"] == "Stats · alice"
    assert embed(cb["data"])["description"] == "No answers yet."

    member = BOB.member()
    user = member.pop("user")
    theirs = await fake.slash(
        "stats",
        {"member": str(BOB.id)},
        types={"member": 6},
        user=ALICE,
        resolved={"users": {str(BOB.id): user}, "members": {str(BOB.id): member}},
    )
    shown = embed((await theirs.callback())["data"])
    assert shown["title"] == "Stats · bob"
    assert shown["description"].startswith("1 answers, 1 right (100%)")


async def test_a_user_error_is_shown_as_is(fake: FakeDiscord, bot: DiscordPlatform) -> None:
    ex = await fake.slash("quiz", {"topic": "knitting"}, user=ALICE)
    cb = await ex.callback()
    assert cb["type"] == CALLBACK_MESSAGE and is_ephemeral(cb["data"])
    assert cb["data"]["content"].startswith("Unknown topic 'knitting'. Topics: python, web")


async def test_a_failing_handler_answers_briefly_and_logs_with_context(
    fake: FakeDiscord,
    bot: DiscordPlatform,
    core: Core,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(*args: object, **kwargs: object) -> Card:
        raise RuntimeError("the store fell over")

    monkeypatch.setattr(core.leaderboards, "board", broken)
    before = errors_counted("discord", "leaderboard")
    with caplog.at_level(logging.ERROR, logger="adapters.discord"):
        ex = await fake.slash("leaderboard", user=ALICE)
        cb = await ex.callback()
    assert errors_counted("discord", "leaderboard") == before + 1  # /metrics shows it
    assert is_ephemeral(cb["data"])
    assert cb["data"]["content"].startswith("Something went wrong on my side")
    [record] = [r for r in caplog.records if r.name.startswith("adapters.discord")]
    text = record.getMessage()
    assert "/leaderboard" in text and str(GUILD_ID) in text and str(ALICE.id) in text
    assert record.exc_info and "the store fell over" in str(record.exc_info[1])
    assert TOKEN not in caplog.text and ex.token not in caplog.text


async def test_topics_autocomplete_from_the_bank(fake: FakeDiscord, bot: DiscordPlatform) -> None:
    ex = await fake.autocomplete("quiz", "topic", "py", user=ALICE)
    cb = await ex.callback()
    assert cb["type"] == CALLBACK_AUTOCOMPLETE
    assert cb["data"]["choices"] == [{"name": "python", "value": "python"}]
    ex = await fake.autocomplete("interview", "topic", "", sub="start", user=ALICE)
    assert [c["value"] for c in (await ex.callback())["data"]["choices"]] == ["python", "web"]


# --- admin commands ---------------------------------------------------------------------------

PACK = """\
id: team-culture
title: Our team
topic: culture
version: 1
questions:
  - id: culture-standup
    kind: choice
    difficulty: 1
    prompt: "When is our stand-up?"
    choices:
      - {text: "09:30", correct: true}
      - {text: "never"}
      - {text: "at noon"}
    explanation: "Every day at half past nine."
"""


def attach(fake: FakeDiscord, name: str, data: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    entry = fake.attachment(name, data)
    return {"file": entry["id"]}, {"attachments": {entry["id"]: entry}}


async def test_an_admin_imports_lists_and_removes_a_pack(
    fake: FakeDiscord, bot: DiscordPlatform
) -> None:
    options, resolved = attach(fake, "team.yaml", PACK.encode())
    ex = await fake.slash(
        "questions", options, sub="import", types={"file": 11}, resolved=resolved, user=ADMIN
    )
    cb = await ex.callback()
    assert cb["type"] == CALLBACK_DEFERRED and is_ephemeral(cb["data"])
    [done] = await ex.messages(1)
    assert embed(done)["title"] == "Pack 'team-culture' imported"
    assert fake.downloads == ["team.yaml"]

    listed = await fake.slash("questions", sub="list", user=ALICE)  # anyone may look
    shown = embed((await listed.callback())["data"])
    assert {f["name"] for f in shown["fields"]} == {"culture", "python", "web"}
    assert shown["footer"]["text"] == "Team packs: team-culture"

    quiz = await fake.slash("quiz", {"topic": "culture"}, user=ALICE)  # scoped to this server
    assert "stand-up" in embed((await quiz.callback())["data"])["description"]

    ex = await fake.autocomplete("questions", "pack", "team", sub="remove", user=ADMIN)
    assert (await ex.callback())["data"]["choices"] == [
        {"name": "team-culture", "value": "team-culture"}
    ]
    removed = await fake.slash("questions", {"pack": "team-culture"}, sub="remove", user=ADMIN)
    assert embed((await removed.callback())["data"])["title"] == "Pack 'team-culture' removed"


async def test_a_bad_pack_is_refused_with_its_errors(
    fake: FakeDiscord, bot: DiscordPlatform
) -> None:
    broken = PACK.replace('    explanation: "Every day at half past nine."\n', "")
    options, resolved = attach(fake, "team.yaml", broken.encode())
    ex = await fake.slash(
        "questions", options, sub="import", types={"file": 11}, resolved=resolved, user=ADMIN
    )
    [refused] = await ex.messages(1)
    assert refused["flags"] & EPHEMERAL
    assert refused["content"].startswith("The pack was not imported:")
    assert "explanation" in refused["content"]

    options, resolved = attach(fake, "notes.doc", b"hello")
    ex = await fake.slash(
        "questions", options, sub="import", types={"file": 11}, resolved=resolved, user=ADMIN
    )
    cb = await ex.callback()
    assert cb["data"]["content"] == (
        "Attach a question file: .yaml, .yml, .json, .txt, .gift, .xlsx, .csv."
    )


async def test_admin_commands_from_a_non_admin_are_refused(
    fake: FakeDiscord, bot: DiscordPlatform
) -> None:
    options, resolved = attach(fake, "team.yaml", PACK.encode())
    ex = await fake.slash(
        "questions", options, sub="import", types={"file": 11}, resolved=resolved, user=ALICE
    )
    cb = await ex.callback()
    assert cb["type"] == CALLBACK_MESSAGE and is_ephemeral(cb["data"])
    assert cb["data"]["content"] == "Only members with the Manage Server permission can do that."

    ex = await fake.slash("settings", {"name": "quiz_seconds", "value": "5"}, user=ALICE)
    cb = await ex.callback()
    assert cb["data"]["content"] == "Only members with the Manage Server permission can do that."
    assert fake.downloads == []  # refused before the file was even fetched


async def test_an_admin_changes_a_setting(fake: FakeDiscord, bot: DiscordPlatform) -> None:
    ex = await fake.slash("settings", {"name": "quiz_seconds", "value": "30"}, user=ADMIN)
    cb = await ex.callback()
    assert is_ephemeral(cb["data"])
    assert embed(cb["data"])["description"] == "quiz_seconds = 30 for this channel."

    shown = embed((await (await fake.slash("settings", user=ADMIN)).callback())["data"])
    assert {f["name"]: f["value"] for f in shown["fields"]}["quiz_seconds"].startswith("30 —")

    bad = await fake.slash("settings", {"name": "quiz_seconds", "value": "2"}, user=ADMIN)
    assert (await bad.callback())["data"]["content"] == (
        "quiz_seconds is a whole number from 5 to 3600."
    )


async def test_daily_set_status_now_off(
    fake: FakeDiscord, bot: DiscordPlatform, core: Core
) -> None:
    refused = await fake.slash("daily", {"time": "09:00"}, sub="set", user=ALICE)
    assert (await refused.callback())["data"]["content"] == (
        "Only members with the Manage Server permission can do that."
    )
    ex = await fake.slash(
        "daily",
        {"time": "09:30", "timezone": "Europe/Berlin", "weekdays": "mon-fri", "recap": "fri@17:00"},
        sub="set",
        user=ADMIN,
    )
    cb = await ex.callback()
    assert is_ephemeral(cb["data"])
    card = embed(cb["data"])
    assert card["title"] == "Daily question scheduled"
    assert card["description"].startswith("Next post: ")
    assert card["description"].endswith(", 09:30 (Europe/Berlin)")
    status = await (await fake.slash("daily", sub="status", user=ALICE)).callback()
    assert embed(status["data"])["description"] == card["description"]
    now = await fake.slash("daily", sub="now", user=ADMIN)
    [confirm] = await now.messages(1)
    assert embed(confirm)["title"] == "Posted" and confirm["flags"] & EPHEMERAL
    daily = [
        m
        for m in fake.messages.values()
        if m.get("embeds") and embed(m)["title"].startswith("Daily question ·")
    ]
    assert len(daily) == 1 and custom_ids(daily[0])  # posted in the channel, with buttons
    assert daily[0]["channel_id"] == str(CHANNEL_ID)
    again = await fake.slash("daily", sub="now", user=ADMIN)
    [refused] = await again.messages(1)
    assert refused["content"] == "Today's daily question was already posted in this channel."
    off = await (await fake.slash("daily", sub="off", user=ADMIN)).callback()
    assert embed(off["data"])["title"] == "Daily question off"


# --- the posting port ---------------------------------------------------------------------------


async def test_the_poster_posts_edits_and_names_dead_channels(
    fake: FakeDiscord, bot: DiscordPlatform
) -> None:
    target = Target("discord", str(GUILD_ID), str(CHANNEL_ID))
    ref = await bot.poster.post(target, Card(title="Daily question", text="@here what is 2+2?"))
    posted = fake.messages[int(ref)]
    assert posted["allowed_mentions"] == NO_MENTIONS
    await bot.poster.edit(target, ref, Card(title="Daily question (closed)", color="good"))
    assert embed(fake.messages[int(ref)])["title"] == "Daily question (closed)"

    fake.forbidden_channels.add(CHANNEL_ID + 1)
    with pytest.raises(ChannelUnavailable):
        await bot.poster.post(
            Target("discord", str(GUILD_ID), str(CHANNEL_ID + 1)), Card(title="x")
        )
    with pytest.raises(ChannelUnavailable):
        await bot.poster.post(
            Target("discord", str(GUILD_ID), str(CHANNEL_ID + 2)), Card(title="x")
        )


async def test_buttons_on_posted_cards_route_by_their_action(
    fake: FakeDiscord, bot: DiscordPlatform, core: Core
) -> None:
    """A daily question (posted by the core through the poster) is answered like a quiz: the
    click reaches the daily round its card's `daily:<round id>` action names."""
    await (await fake.slash("daily", sub="now", user=ADMIN)).messages(1)
    [posted] = [
        m
        for m in fake.messages.values()
        if m.get("embeds") and embed(m)["title"].startswith("Daily question ·")
    ]
    buttons = custom_ids(posted)
    rid = buttons[0].split(":")[4]
    assert buttons[0].startswith(f"ib:b:{GUILD_ID}:daily:{rid}:")
    rnd = await core.store.get_round("discord", str(GUILD_ID), rid)
    assert rnd is not None and rnd.kind == "daily"
    question = (await core.banks.for_team("discord", str(GUILD_ID))).get(rnd.question_id)
    assert question is not None and question.right_choice is not None
    right = button_for(posted, question.choices[question.right_choice].text)
    cb = await (await fake.click(int(posted["id"]), right, user=ALICE)).callback()
    assert cb["type"] == CALLBACK_MESSAGE and is_ephemeral(cb["data"])
    assert embed(cb["data"])["title"] == "Right!"
    [row] = await core.store.context_answers("discord", str(GUILD_ID), f"daily:{rid}")
    assert row.user_id == str(ALICE.id) and row.correct


async def test_one_shard_per_process(fake: FakeDiscord, settings: Settings, core: Core) -> None:
    sharded = discord_settings(settings).model_copy(
        update={"discord_shard_count": 4, "discord_shard_ids": "2"}
    )
    platform = DiscordPlatform(core, discord_config(sharded))
    assert (platform.bot.shard_id, platform.bot.shard_count) == (2, 4)
    with pytest.raises(PlatformUnavailable, match="one shard per process"):
        DiscordPlatform(
            core,
            discord_config(
                discord_settings(settings).model_copy(
                    update={"discord_shard_count": 4, "discord_shard_ids": "0,1"}
                )
            ),
        )
    with pytest.raises(PlatformUnavailable, match="DISCORD_SHARD_COUNT"):
        DiscordPlatform(
            core,
            discord_config(
                discord_settings(settings).model_copy(update={"discord_shard_ids": "1"})
            ),
        )
    await platform.close()


async def test_health_follows_the_gateway(bot: DiscordPlatform) -> None:
    assert bot.is_connected()
    await bot.close()
    assert not bot.is_connected()


async def test_appeal_queue_accept_and_the_board_follows(
    fake: FakeDiscord, bot: DiscordPlatform
) -> None:
    ex = await fake.slash("quiz", {"topic": "web"}, user=ADMIN)
    [question] = await ex.messages(1)
    shown_as = button_for(question, "500")
    wrong = await fake.click(int(question["id"]), shown_as, user=BOB)
    assert embed((await wrong.callback())["data"])["title"] == "Not this time"

    filed = await fake.slash("appeal", {"reason": "500 is what our API sends"}, user=BOB)
    cb = await filed.callback()
    assert is_ephemeral(cb["data"]) and embed(cb["data"])["title"] == "Appeal #1 filed"
    flagged = await fake.slash("flag", {"question": "t-http", "reason": "ambiguous"}, user=ALICE)
    assert embed((await flagged.callback())["data"])["title"] == "Flag #2 filed"

    refused = await fake.slash("appeals", sub="list", user=ALICE)
    assert (await refused.callback())["data"]["content"] == (
        "Only members with the Manage Server permission can do that."
    )

    queue = await fake.slash("appeals", sub="list", user=ADMIN)
    cb = await queue.callback()
    shown = embed(cb["data"])
    assert is_ephemeral(cb["data"]) and shown["title"] == "Appeals and flags (2 open)"
    assert "#1 appeal by bob on t-http: Which status code means Not Found?" in shown["description"]
    assert "answer: '500' — wrong, score 0.00, 0 pts" in shown["description"]  # as chosen
    assert "#2 flag by alice on t-http" in shown["description"]

    before = len(fake.calls)
    accept = await fake.slash("appeals", {"id": 1}, sub="accept", user=ADMIN)
    cb = await accept.callback()
    assert is_ephemeral(cb["data"])
    assert embed(cb["data"])["description"] == "bob's answer to t-http: 0 → 15 points (correct)."
    told = await fake.wait_for(
        lambda c: c.method == "POST" and c.path.startswith("/channels"), after=before
    )
    assert told.path == f"/channels/{CHANNEL_ID}/messages"
    assert embed(told.body)["title"] == "Your appeal #1 was accepted"

    again = await fake.slash("appeals", {"id": 1}, sub="accept", user=ADMIN)
    assert (await again.callback())["data"]["content"] == (
        "#1 was already accepted; nothing changed."
    )
    board = await fake.slash("leaderboard", {"period": "all"}, user=BOB)
    assert embed((await board.callback())["data"])["description"].startswith(
        "🥇 bob — 15 pts (1/1 right)"
    )

    reject = await fake.slash("appeals", {"id": 2, "reason": "it is not"}, sub="reject", user=ADMIN)
    assert embed((await reject.callback())["data"])["title"] == "#2 rejected"


async def test_an_admin_sees_the_question_report_and_keeps_one(
    fake: FakeDiscord, bot: DiscordPlatform, core: Core
) -> None:
    await broken_question_answers(core, "discord", str(GUILD_ID))
    refused = await fake.slash("questions", sub="report", user=ALICE)
    assert (await refused.callback())["data"]["content"] == (
        "Only members with the Manage Server permission can do that."
    )

    ex = await fake.slash("questions", sub="report", user=ADMIN)
    cb = await ex.callback()
    assert cb["type"] == CALLBACK_DEFERRED and is_ephemeral(cb["data"])
    [done] = await ex.messages(1)
    shown = embed(done)
    assert shown["title"] == "Question report: 1 question(s) look broken"
    [field] = shown["fields"]
    assert field["name"] == "t-is (python) · rested"
    assert "nobody got it right in 25 answers" in field["value"]
    assert await core.store.out_of_rotation("discord", str(GUILD_ID)) == {"t-is"}

    kept = await fake.slash("questions", {"question": "t-is"}, sub="keep", user=ADMIN)
    assert embed((await kept.callback())["data"])["title"] == "t-is kept"
    assert await core.store.out_of_rotation("discord", str(GUILD_ID)) == set()
    retired = await fake.slash("questions", {"question": "t-http"}, sub="retire", user=ADMIN)
    assert embed((await retired.callback())["data"])["title"] == "t-http retired"
    assert await core.store.out_of_rotation("discord", str(GUILD_ID)) == {"t-http"}
