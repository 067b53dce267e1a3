"""Full-stack conversations through the console harness: push what a user types, pop what
the bot shows. Same parser, services, outbox and ticker as `interview-bot console`, in
process, on a FakeClock (adapters/console/harness.py)."""

from __future__ import annotations

import asyncio
import io
import os
import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest

from adapters.console.config import ConsoleConfig
from adapters.console.harness import ConsoleHarness
from bot.domain.values import Card
from bot.services.container import Core
from interview_bot.config import Settings
from interview_bot.main import run
from tests.support.metrics import errors_counted


@pytest.fixture
async def console(core: Core) -> AsyncIterator[ConsoleHarness]:
    yield ConsoleHarness(core, user="alice")


def said(cards: list[Card]) -> str:
    return "\n".join(
        f"{c.title}\n{c.text}\n" + "\n".join(f"{n}: {v}" for n, v in c.fields) for c in cards
    )


def choice(card: Card, text: str) -> str:
    """What to type to pick `text` on a question card (its letter: choices are shuffled)."""
    for line in card.text.splitlines():
        if line.replace("**", "").endswith(f") {text}"):
            return line.replace("**", "")[0]
    raise AssertionError(f"no choice {text!r} in {card.text!r}")


async def test_a_quiz_round_closes_on_the_ticker_and_reveals(console: ConsoleHarness) -> None:
    [question] = await console.ask("/quiz web")
    assert question.title.startswith("Quiz · web") and question.buttons
    [right] = await console.ask(f"/answer {choice(question, '404')}")
    assert right.title == "Right!" and "+15 points" in right.text  # answered at once
    [again] = await console.ask("/answer B")
    assert "You already answered this round" in again.text and again.color == "warn"

    await console.advance(59)
    assert console.pop_all() == []  # still open
    await console.advance(2)
    [reveal] = console.pop_all()
    assert reveal.title.startswith("Round over") and "404" in said([reveal])
    [late] = await console.ask("/answer 404")
    assert "Nothing to answer here" in late.text


async def test_appeal_accept_and_the_board_follows(console: ConsoleHarness) -> None:
    """The console user is the team's admin: they appeal their own wrong answer, see it in
    the queue, accept it, and the leaderboard shows the new points once."""
    await console.push("/quiz web")
    await console.push("/answer 500")
    await console.push("/quiz stop")
    console.pop_all()
    assert "Appeal #1 filed" in said(
        await console.ask("/appeal our API answers 500 for missing pages")
    )
    assert "Flag #2 filed" in said(await console.ask("/flag t-http two answers fit"))
    queue = said(await console.ask("/appeals"))
    assert "#1 appeal by alice on t-http: Which status code means Not Found?" in queue
    assert "answer: '500' — wrong, score 0.00, 0 pts" in queue
    accepted = said(await console.ask("/appeals accept 1"))
    assert "alice's answer to t-http: 0 → 15 points (correct)" in accepted
    assert "Your appeal #1 was accepted" in accepted  # posted to the channel
    assert "#1 was already accepted; nothing changed." in said(
        await console.ask("/appeals accept 1")
    )
    assert "alice, on t-http: only 404 means Not Found" in said(
        await console.ask("/appeals reject 2 only 404 means Not Found")
    )
    assert "🥇 alice — 15 pts (1/1 right)" in said(await console.ask("/leaderboard all"))


async def test_the_question_report_rests_and_keeps(console: ConsoleHarness) -> None:
    for i in range(22):  # 22 players, each wrong on the web quiz question
        for line in (f"/user p{i}", "/quiz web", "/answer 500", "/quiz stop"):
            await console.push(line)
    console.pop_all()
    report = said(await console.ask("/questions report"))
    assert "Question report: 1 question(s) look broken" in report
    assert "t-http (web) · rested" in report and "nobody got it right in 22 answers" in report
    assert "Every question that fits is resting or retired" in said(await console.ask("/quiz web"))
    assert "t-http kept" in said(await console.ask("/questions keep t-http"))
    [asked] = await console.ask("/quiz web")
    assert asked.title.startswith("Quiz · web")  # asked again once kept


async def test_interview_start_topic_and_a_number_asks_that_many_questions(
    console: ConsoleHarness,
) -> None:
    """`/interview start python 2` (the README's form) is two questions, not difficulty 2;
    a difficulty is a word or a named option."""
    _, first = await console.ask("/interview start python 2")
    assert "Question 1/2" in said([first])
    await console.push("/interview end")
    shown = await console.ask("/interview start python difficulty=2 questions=1")
    assert "Question 1/1" in said(shown)
    await console.push("/interview end")
    _, first = await console.ask("/interview start python hard")
    assert first.title.endswith("★★★")


async def test_help_is_the_one_table_with_the_terminal_lines(console: ConsoleHarness) -> None:
    [card] = await console.ask("/help")
    assert "/interview start [topic] [easy|medium|hard] [questions]" in card.text
    assert "/user NAME" in card.text and "/quit" in card.text
    assert "/qstats" not in card.text  # Slack's name for /stats


async def test_unexpected_errors_are_counted_and_answered_briefly(
    console: ConsoleHarness, core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object, **kw: object) -> Card:
        raise RuntimeError("a bug")

    monkeypatch.setattr(core.leaderboards, "board", broken)
    before = errors_counted("console", "leaderboard")
    [sorry] = await console.ask("/leaderboard")
    assert sorry.text == "Something went wrong; it has been logged." and sorry.color == "bad"
    assert errors_counted("console", "leaderboard") == before + 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_the_console_runs_on_the_apps_start_up_path(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """`interview-bot console` is main.run with the console platform: /healthz and /metrics
    when HEALTH_PORT is set, the ticker, and a clean stop when the input ends."""
    umask = os.umask(0o022)  # run() makes the process's files private; put it back after
    os.umask(umask)
    port = _free_port()
    read, write = os.pipe()
    stdin = io.TextIOWrapper(io.FileIO(read, "r"), encoding="utf-8")
    app = asyncio.create_task(
        run(
            settings.model_copy(update={"health_port": port}),
            only=["console"],
            configs={"console": ConsoleConfig("alice", stdin)},
        )
    )
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(500):  # until the server is up (start-up builds the core first)
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                        health = await resp.json()
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.01)
            else:
                raise AssertionError("no /healthz")
        assert health["platforms"] == {"console": "connected"}
        os.write(write, b"/quiz web\n")
    finally:
        os.close(write)  # end of input: the console's run returns and the app stops
    try:
        await asyncio.wait_for(app, 20)
    finally:
        os.umask(umask)
    assert "Quiz · web" in capsys.readouterr().out


async def test_the_console_plays_on_when_the_bot_already_holds_the_health_port(
    settings: Settings, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """HEALTH_PORT comes from .env (as .env.example has it) while the bot runs on it: a
    terminal session still plays, and says why it has no /healthz."""
    umask = os.umask(0o022)
    os.umask(umask)
    read, write = os.pipe()
    stdin = io.TextIOWrapper(io.FileIO(read, "r"), encoding="utf-8")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        os.write(write, b"/quiz web\n")
        os.close(write)
        try:
            await asyncio.wait_for(
                run(
                    settings.model_copy(update={"health_port": port}),
                    only=["console"],
                    configs={"console": ConsoleConfig("alice", stdin)},
                ),
                20,
            )
        finally:
            os.umask(umask)
    assert "Quiz · web" in capsys.readouterr().out
    assert any("no /healthz for the console" in r.getMessage() for r in caplog.records)
