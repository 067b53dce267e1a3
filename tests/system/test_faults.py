"""Faults: a bot process killed with SIGKILL mid-game, a platform API answering 429 and 5xx
to posts, the optional LLM judge timing out or answering garbage, and grading so slow it
could hold up everybody else's clicks."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

import discord
import pytest
from pydantic import SecretStr
from rich.console import Console
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.interval_calculator import RetryIntervalCalculator

from adapters.discord.platform import DiscordPlatform
from adapters.slack.handlers import SLOW_TURNS
from adapters.slack.platform import SlackPlatform, make_client
from adapters.slack.poster import SlackPoster
from bot.clock import FakeClock, from_ms
from bot.domain.questions import Kind, Question
from bot.domain.values import Button, Card, Outgoing, Reply, Target, Visibility, Where
from bot.grading import LEXICAL, GradingOptions, JudgeConfig, grade_many
from bot.questions.bank import QuestionBank
from bot.services.container import Core, build_core
from bot.services.outbox import Outbox
from interview_bot.config import Settings
from interview_bot.platforms import discord_config, slack_config
from tests.support.builders import letter
from tests.support.console import WAIT, BotProcess
from tests.support.fakes.discord_server import CHANNEL_ID, GUILD_ID, TOKEN, FakeDiscord
from tests.support.fakes.llm import HANG, FakeLLM
from tests.support.fakes.slack_api import TEAM, FakeSlack
from tests.support.fakes.slack_requests import (
    SECRET,
    block_action,
    interactive_body,
    signed,
    view_submission,
)
from tests.support.packs import TEST_PACKS
from tests.support.poster import RecordingPoster

ACK = re.compile(
    r"Right!|Not this time|Partly right|(Right|Partly right|Not quite) · \d+%"
    r"|Skipped"
)


# --- kill -9 in the middle of interviews and a quiz round --------------------------------------


def answers_in(db: Path) -> list[tuple[str, str, str]]:
    con = sqlite3.connect(db)
    try:
        return con.execute(
            "SELECT user_id, context, verdict FROM answers ORDER BY answered_ms"
        ).fetchall()
    finally:
        con.close()


def sessions_in(db: Path) -> dict[str, tuple[str, int, str]]:
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT user_id, id, position, status FROM sessions").fetchall()
    finally:
        con.close()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


@pytest.fixture
def bot_process() -> Iterator[list[BotProcess]]:
    started: list[BotProcess] = []
    yield started
    for p in started:
        if p.proc.poll() is None:
            p.proc.kill()
            p.proc.wait(WAIT)


def test_kill_9_mid_game_loses_no_acknowledged_answer(
    tmp_path: Path, bot_process: list[BotProcess]
) -> None:
    """Everything the bot acknowledged before SIGKILL is in the database; interviews resume
    where they were; the quiz round that was open closes and reveals exactly once."""
    db = tmp_path / "bot.db"
    # follow-ups off: each answer here is recorded at once (test_interview_restart.py kills
    # a process in the middle of a follow-up)
    bot = BotProcess(db, "alice", INTERVIEW_FOLLOW_UPS="0")
    bot_process.append(bot)
    # two interviews, one quiz round, five people; every answer waits for its acknowledgement
    bot.say("/interview start python n=2", r"Question 1/2")
    bot.say(
        "/answer A generator is a function that yields values lazily, one at a time.",
        r"(Right|Partly right|Not quite) · \d+%",
    )
    bot.say("/user bob", "You are now bob")
    bot.say("/interview start python n=2", r"Question 1/2")
    bot.say("/interview skip", r"Skipped")
    bot.say("/user carol", "You are now carol")
    bot.say("/quiz web", r"Which status code means Not Found\?")
    bot.say("/answer 404", "Right!")  # choices are shuffled per round: answered by their text
    for user, choice in (("dave", "301"), ("erin", "404")):
        bot.say(f"/user {user}", f"You are now {user}")
        bot.say(f"/answer {choice}", ACK)
    bot.say("/user bob", "You are now bob")
    bot.send("/answer The MRO is the order in which classes are searched, by C3.")  # no wait
    bot.kill()

    # every acknowledged answer is there, once; nothing is half-written
    rows = answers_in(db)
    quiz = [(u, v) for u, c, v in rows if c.startswith("quiz:")]
    assert sorted(u for u, _ in quiz) == ["carol", "dave", "erin"]
    assert dict(quiz) == {"carol": "correct", "dave": "wrong", "erin": "correct"}
    interview = [(u, c) for u, c, _ in rows if c.startswith("interview:")]
    assert [u for u, _ in interview].count("alice") == 1
    assert 1 <= [u for u, _ in interview].count("bob") <= 2  # his last answer: maybe
    sessions = sessions_in(db)
    for user, (sid, position, _status) in sessions.items():
        # an answer and its session's move to the next question: both or neither
        assert position == interview.count((user, f"interview:{sid}"))

    # a new process: the interviews resume at the right question, the round still takes answers
    again = BotProcess(db, "alice", INTERVIEW_FOLLOW_UPS="0")
    bot_process.append(again)
    out = again.say("/interview start", r"Question 2/2")
    assert "Interview in progress" in out and "You are on question 2 of 2" in out
    again.say("/user frank", "You are now frank")
    again.say("/answer 404", "Right!")
    again.say("/user carol", "You are now carol")
    again.say("/answer 500", "You already answered this round")
    again.quit()

    # the round's time runs out (a clock, not a sleep): it closes and reveals exactly once,
    # even with two processes on the file trying at the same moment
    async def close_twice() -> list[Any]:
        settings = Settings(
            _env_file=None,
            database_url=f"sqlite:///{db}",  # type: ignore[call-arg]
            questions_dir=TEST_PACKS,
        )
        bank = QuestionBank.from_dir(TEST_PACKS)
        later = FakeClock()  # moved to the round's deadline, read from the file
        one = await build_core(settings, clock=later, bank=bank)
        two = await build_core(settings, clock=later, bank=bank)
        poster = RecordingPoster()
        for core in (one, two):
            core.outbox.register("console", poster)
        with closing(sqlite3.connect(db)) as con:  # the open round's deadline, from the file
            [(deadline,)] = con.execute(
                "SELECT MIN(closes_ms) FROM rounds WHERE closed_ms IS NULL"
            ).fetchall()
        assert deadline is not None
        later.set(from_ms(deadline) + timedelta(milliseconds=1))
        try:
            await asyncio.gather(one.rounds.close_due(), two.rounds.close_due())
            await one.rounds.close_due()
            return poster.titled("Round over")
        finally:
            await one.close()
            await two.close()

    reveals = asyncio.run(close_twice())
    assert len(reveals) == 1
    fields = dict(reveals[0].fields)
    assert re.fullmatch(r"[ABC]\) 404", fields["Answer"])  # the letter it was shown under
    assert fields["Got it (3/4)"].count("(+") == 3


# --- the platform API answering 429 and 5xx to posts -----------------------------------------


class Intervals(RetryIntervalCalculator):
    """Records the back-off slack_sdk asks for, and waits for none of it."""

    def __init__(self) -> None:
        self.attempts: list[int] = []

    def calculate_sleep_duration(self, current_attempt: int) -> float:
        self.attempts.append(current_attempt)
        return 0.0


RATE_LIMITED = {"ok": False, "error": "ratelimited"}
UNAVAILABLE = {"ok": False, "error": "service_unavailable"}
INTERNAL = {"ok": False, "error": "internal_error"}


async def test_slack_post_is_retried_after_429_and_503_and_appears_once(
    fake_slack: FakeSlack, no_jitter: None
) -> None:
    backoff = Intervals()
    poster = SlackPoster(make_client("xoxb-test", fake_slack.api_url, backoff=backoff))
    fake_slack.queue("chat.postMessage", RATE_LIMITED, 429, {"Retry-After": "0"})
    fake_slack.queue("chat.postMessage", UNAVAILABLE, 503)
    fake_slack.queue("chat.postMessage", UNAVAILABLE, 503)
    ref = await poster.post(Target("slack", TEAM, "C1"), Card(title="Round over"))
    assert len(fake_slack.of("chat.postMessage")) == 4  # three refused, then taken
    [posted] = fake_slack.posted
    assert ref == f"C1:{posted['ts']}"
    assert backoff.attempts == [1, 2]  # exponential back-off between the 503 retries


async def test_slack_post_answered_500_is_not_retried_so_never_doubled(
    fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    """Slack's 500 may come after the message was posted, and chat.postMessage has no
    idempotency key: retrying could post it twice, so the post fails instead (logged)."""
    poster = SlackPoster(make_client("xoxb-test", fake_slack.api_url, backoff=Intervals()))
    fake_slack.queue("chat.postMessage", INTERNAL, 500, applied=True)
    outbox = Outbox()
    outbox.register("slack", poster)
    refs = await outbox.deliver([Outgoing(Target("slack", TEAM, "C1"), Card(title="Reveal"))])
    assert refs == [None] and "posting 'Reveal' to slack" in caplog.text
    assert len(fake_slack.of("chat.postMessage")) == 1 and len(fake_slack.posted) == 1
    fake_slack.queue("chat.postMessage", INTERNAL, 500)
    with pytest.raises(SlackApiError):
        await poster.post(Target("slack", TEAM, "C1"), Card(title="Reveal"))
    assert len(fake_slack.of("chat.postMessage")) == 2


async def test_slack_edit_is_retried_on_500_it_cannot_double(fake_slack: FakeSlack) -> None:
    backoff = Intervals()
    poster = SlackPoster(make_client("xoxb-test", fake_slack.api_url, backoff=backoff))
    fake_slack.queue("chat.update", INTERNAL, 500)
    fake_slack.queue("chat.update", {"ok": False, "error": "bad gateway"}, 502)
    await poster.edit(
        Target("slack", TEAM, "C1"), "C1:1700000000.000001", Card(title="Quiz (closed)")
    )
    assert len(fake_slack.of("chat.update")) == 3 and backoff.attempts == [0, 1]
    for _ in range(4):  # and gives up after three retries
        fake_slack.queue("chat.update", INTERNAL, 500)
    with pytest.raises(SlackApiError):
        await poster.edit(Target("slack", TEAM, "C1"), "C1:1", Card(title="x"))
    assert len(fake_slack.of("chat.update")) == 3 + 4


class _NoWait:
    """discord.http's `asyncio`, with sleeps that do not wait (its 5xx back-off is 1 s, 3 s...)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def sleep(delay: float, result: Any = None) -> Any:
        return await asyncio.sleep(0, result)


@pytest.fixture
async def discord_bot(
    monkeypatch: pytest.MonkeyPatch, core: Core, settings: Settings
) -> AsyncIterator[tuple[FakeDiscord, DiscordPlatform]]:
    server = FakeDiscord()
    await server.start()
    monkeypatch.setattr(discord.http.Route, "BASE", server.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", server.gateway_url)
    monkeypatch.setattr(discord.http, "asyncio", _NoWait())
    platform = DiscordPlatform(
        core,
        discord_config(
            settings.model_copy(
                update={"discord_token": SecretStr(TOKEN), "discord_guild_id": GUILD_ID}
            )
        ),
        guild_ready_timeout=0.01,
    )
    platform.poster.retry_seconds = (0.0, 0.0)
    task = asyncio.create_task(platform.run())
    ready = asyncio.create_task(platform.bot.wait_until_ready())
    await asyncio.wait([ready, task], timeout=10, return_when=asyncio.FIRST_COMPLETED)
    assert ready.done(), "the bot did not get ready"
    try:
        yield server, platform
    finally:
        await platform.close()
        await asyncio.wait_for(task, 5)
        await server.stop()


POSTS = rf"/channels/{CHANNEL_ID}/messages"
TARGET = Target("discord", str(GUILD_ID), str(CHANNEL_ID))


def channel_posts(fake: FakeDiscord) -> list[dict[str, Any]]:
    return fake.channel_messages(CHANNEL_ID)


async def test_discord_post_is_retried_after_429_and_500_and_appears_once(
    discord_bot: tuple[FakeDiscord, DiscordPlatform],
) -> None:
    fake, bot = discord_bot
    fake.fail("POST", POSTS, 429, times=2, retry_after=0.0)
    fake.fail("POST", POSTS, 500, times=2)
    card = Card(title="Daily question", action="daily:r1", buttons=(Button("A", "A"),))
    ref = await bot.poster.post(TARGET, card)
    assert len(fake.find("POST", POSTS)) == 5  # discord.py's own retries
    [posted] = channel_posts(fake)
    assert posted["id"] == ref and posted["embeds"][0]["title"] == "Daily question"


async def test_discord_500_after_the_post_was_made_does_not_double_it(
    discord_bot: tuple[FakeDiscord, DiscordPlatform],
) -> None:
    """The message is created, then Discord answers 500: discord.py retries with the same
    nonce (enforce_nonce), and Discord hands back the message it already made."""
    fake, bot = discord_bot
    fake.fail("POST", POSTS, 500, applied=True)
    ref = await bot.poster.post(TARGET, Card(title="Round over"))
    calls = fake.find("POST", POSTS)
    assert len(calls) == 2 and calls[0].body["nonce"] == calls[1].body["nonce"]
    assert calls[0].body["enforce_nonce"] is True
    [posted] = channel_posts(fake)
    assert posted["id"] == ref


async def test_discord_503_is_retried_by_the_poster_a_bounded_number_of_times(
    discord_bot: tuple[FakeDiscord, DiscordPlatform],
) -> None:
    """discord.py does not retry a 503; the poster does, twice, with the same nonce."""
    fake, bot = discord_bot
    fake.fail("POST", POSTS, 503, applied=True)
    fake.fail("POST", POSTS, 503)
    ref = await bot.poster.post(TARGET, Card(title="Round over"))
    calls = fake.find("POST", POSTS)
    assert len(calls) == 3 and len({c.body["nonce"] for c in calls}) == 1
    [posted] = channel_posts(fake)
    assert posted["id"] == ref

    fake.fail("POST", POSTS, 503, times=10)
    with pytest.raises(discord.DiscordServerError):
        await bot.poster.post(TARGET, Card(title="Round over"))
    assert len(fake.find("POST", POSTS)) == 3 + 3 and len(channel_posts(fake)) == 1
    fake.failures.clear()


async def test_discord_edit_is_retried_on_server_errors(
    discord_bot: tuple[FakeDiscord, DiscordPlatform],
) -> None:
    fake, bot = discord_bot
    ref = await bot.poster.post(TARGET, Card(title="Quiz"))
    fake.fail("PATCH", rf"{POSTS}/{ref}", 500, times=2)
    fake.fail("PATCH", rf"{POSTS}/{ref}", 503)
    await bot.poster.edit(TARGET, ref, Card(title="Quiz (closed)"))
    assert len(fake.find("PATCH", rf"{POSTS}/{ref}")) == 4
    assert fake.messages[int(ref)]["embeds"][0]["title"] == "Quiz (closed)"


# --- the optional judge timing out or answering garbage: the local grade stands ----------------
# tests/unit/test_grading_judge.py covers one answer against each kind of failure; these cover a
# batch where the failures are mixed, and `grade-file --judge` with a judge that fails.

OPEN = Question(
    id="f-gen",
    kind=Kind.OPEN,
    topic="python",
    difficulty=2,
    prompt="What is a generator?",
    explanation="Generators produce items on demand.",
    reference="A function that yields values lazily, one at a time.",
    key_points=(),
)
ANSWERS = [
    "A generator is a function that uses yield to produce values lazily, one at a time.",
    "It yields values one at a time.",
    "A function that keeps its state and yields lazily.",
    "Values on demand, with yield.",
]


def judged(llm: FakeLLM, timeout: float = 5.0) -> GradingOptions:
    return GradingOptions(
        semantic=False, judge=JudgeConfig(llm.base_url, "m", "sk-test", timeout=timeout)
    )


async def test_in_a_batch_each_answer_the_judge_fails_on_keeps_its_local_grade(
    llm: FakeLLM,
) -> None:
    """One batch, four answers: the judge hangs on one, sends garbage for one, fails with a
    500 for one and grades one. Only that one is blended; the batch is not held up."""

    def reply(body: dict[str, Any]) -> Any:
        asked = body["messages"][1]["content"]
        if ANSWERS[0] in asked:
            return HANG
        if ANSWERS[1] in asked:
            return "a four, I would say"
        if ANSWERS[2] in asked:
            return (500, {"error": "overloaded"})
        return '{"score": 0, "feedback": "Too thin."}'

    llm.reply = reply
    items = [(OPEN, a) for a in ANSWERS]
    local = await grade_many(items, options=LEXICAL)
    t0 = time.perf_counter()
    got = await grade_many(items, options=judged(llm, timeout=0.3))
    assert time.perf_counter() - t0 < 3.0  # the hang costs its timeout, once
    assert len(llm.requests) == 4
    assert got[:3] == local[:3]
    assert got[3].score < local[3].score and "Too thin." in got[3].feedback


def test_grade_file_with_a_failing_judge_grades_every_row_locally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`interview-bot grade-file --judge` against a judge that answers garbage or not at all:
    every row is graded (locally), none is lost or marked an error."""
    from interview_bot.cli import grade_file

    rows = [
        {"question": OPEN.prompt, "reference_answer": OPEN.reference, "answer": a} for a in ANSWERS
    ]
    infile, out = tmp_path / "in.csv", tmp_path / "out.csv"
    with infile.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)

    async def with_llm(reply: Any) -> list[dict[str, str]]:
        fake = await FakeLLM(reply=reply).start()
        try:
            cfg = JudgeConfig(fake.base_url, "m", timeout=0.3)
            opts = GradingOptions(semantic=False, judge=cfg)
            # grade_file.run owns its event loop: run it beside this one
            code = await asyncio.to_thread(
                grade_file.run, infile, out, opts, Console(file=io.StringIO())
            )
            assert code == 0 and len(fake.requests) == len(rows)
        finally:
            await fake.stop()
        with out.open(newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))

    local_code = grade_file.run(infile, out, LEXICAL, Console(file=io.StringIO()))
    assert local_code == 0
    with out.open(newline="", encoding="utf-8") as f:
        local = [(r["score"], r["verdict"]) for r in csv.DictReader(f)]
    for reply in ("no JSON here", (200, "<html>"), HANG):
        graded = asyncio.run(with_llm(reply))
        assert [(r["score"], r["verdict"]) for r in graded] == local


# --- slow grading: answers that take seconds never hold up the clicks of others ---------------


async def test_slow_grading_never_holds_up_clicks(
    core: Core, settings: Settings, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = settings.model_copy(
        update={
            "slack_bot_token": SecretStr("xoxb-test"),
            "slack_signing_secret": SecretStr(SECRET),
        }
    )
    platform = SlackPlatform(
        core,
        slack_config(s),
        client=make_client("xoxb-test", fake_slack.api_url),
        admin_ids=frozenset(),
    )
    core.outbox.register("slack", platform.poster)  # as interview_bot.main.run does
    graded = asyncio.Event()

    async def grading_for_ever(*args: object, **kw: object) -> Reply:
        await graded.wait()
        return Reply(cards=(Card(title="Graded", visibility=Visibility.EPHEMERAL),))

    monkeypatch.setattr(core.interviews, "answer", grading_for_ever)

    async def send(payload: dict[str, Any]) -> None:
        body = interactive_body(payload)
        resp = await platform.app.async_dispatch(AsyncBoltRequest(body=body, headers=signed(body)))
        assert resp.status == 200

    try:
        for i in range(SLOW_TURNS + 4):  # more slow answers than their lane takes at once
            meta = json.dumps({"c": "C1", "r": fake_slack.response_url(f"slow{i}")})
            await send(
                view_submission(
                    "ibm:interview:s1:0",
                    {"answer": {"text": {"value": "a long answer"}}},
                    user=f"U{i}",
                    private_metadata=meta,
                )
            )
        quiz = await core.quizzes.start(Where("slack", TEAM, "C1", "UHOST"), "web")
        right = letter(quiz.cards[0], "404")
        await send(
            block_action(
                f"ib:{quiz.cards[0].action}:{right}",
                right,
                user="UQ",
                response_url=fake_slack.response_url("click"),
            )
        )
        [reply] = await fake_slack.wait_for("response", where=lambda c: c.args["key"] == "click")
        assert "Right!" in str(reply.args)
        assert not [c for c in fake_slack.of("response") if c.args["key"].startswith("slow")]
        graded.set()
        await fake_slack.wait_for("response", SLOW_TURNS + 5)  # every slow answer, then
    finally:
        graded.set()
        await platform.close()
