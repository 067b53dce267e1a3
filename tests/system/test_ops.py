"""Operations: /healthz and /metrics, and a clean stop on SIGTERM."""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from bot.services.container import Core
from interview_bot.health import make_app
from tests.support.builders import where
from tests.support.console import BotProcess


async def test_healthz_reports_database_and_platforms(core: Core) -> None:
    up = {"discord": True}
    app = make_app(core.store, {"discord": lambda: up["discord"]})
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        ok = await client.get("/healthz")
        body = await ok.json()
        assert ok.status == 200 and body["status"] == "ok"
        assert body["database"].startswith("ok") and body["platforms"] == {"discord": "connected"}
        up["discord"] = False
        down = await client.get("/healthz")
        assert down.status == 503
        assert (await down.json())["platforms"] == {"discord": "disconnected"}


async def test_healthz_says_when_the_database_is_gone(core: Core) -> None:
    app = make_app(core.store, {})
    await core.store.close()
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        resp = await client.get("/healthz")
        assert resp.status == 503
        assert (await resp.json())["database"].startswith("unreachable")


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Each sample of a /metrics page by name and labels."""
    return {
        (x.name, frozenset(x.labels.items())): x.value
        for family in text_string_to_metric_families(text)
        for x in family.samples
    }


async def test_metrics_count_commands_answers_and_grading(core: Core) -> None:
    """The counters are process-wide: what this test's commands add is the difference."""
    from bot.commands.dispatch import dispatch

    quiz = ("interview_bot_commands_total", frozenset({("command", "quiz"), ("platform", "test")}))
    right = (
        "interview_bot_answers_total",
        frozenset({("platform", "test"), ("source", "quiz"), ("verdict", "correct")}),
    )
    wrong = (
        "interview_bot_answers_total",
        frozenset({("platform", "test"), ("source", "quiz"), ("verdict", "wrong")}),
    )
    graded = ("interview_bot_grading_seconds_count", frozenset({("kind", "choice")}))
    app = make_app(core.store, {})
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        before = samples(await (await client.get("/metrics")).text())
        await dispatch(core, where("ann"), "/quiz web")
        await dispatch(core, where("bob"), "/answer 404")  # choices are shuffled per round
        await dispatch(core, where("cy"), "/answer 301")
        resp = await client.get("/metrics")
        after = samples(await resp.text())
    assert resp.status == 200
    added = {k: after.get(k, 0.0) - before.get(k, 0.0) for k in (quiz, right, wrong, graded)}
    assert added == {quiz: 1, right: 1, wrong: 1, graded: 2}


def test_sigterm_stops_cleanly_and_keeps_every_answer(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    bot = BotProcess(db, "ann", COLUMNS="120")
    bot.send("/quiz web")
    bot.send("/answer A")
    bot.say("/interview start python 2 1", "Question 1/1")  # it has answered all typed so far
    assert bot.stop(signal.SIGTERM) == 0  # stdin stays open: the bot must not wait for it
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 1
    assert con.execute("SELECT status FROM sessions").fetchone()[0] == "active"  # resumable
