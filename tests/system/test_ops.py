"""Operations: /healthz and /metrics, and a clean stop on SIGTERM."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from bot.services.container import Core
from interview_bot.health import make_app
from tests.support.builders import where
from tests.support.env import bot_env


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


async def test_metrics_count_commands_answers_and_grading(core: Core) -> None:
    from bot.commands.dispatch import dispatch

    await dispatch(core, where("ann"), "/quiz web")
    await dispatch(core, where("bob"), "/answer 404")  # choices are shuffled per round
    app = make_app(core.store, {})
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        resp = await client.get("/metrics")
        text = await resp.text()
    assert resp.status == 200
    assert 'interview_bot_commands_total{command="quiz",platform="test"}' in text
    assert 'interview_bot_answers_total{platform="test",source="quiz",verdict="correct"}' in text
    assert 'interview_bot_grading_seconds_count{kind="choice"}' in text


def test_sigterm_stops_cleanly_and_keeps_every_answer(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    env = bot_env(db, COLUMNS="120")
    proc = subprocess.Popen([sys.executable, "-m", "interview_bot", "console", "--user", "ann"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("/quiz web\n/answer A\n/interview start python 2 1\n")
    proc.stdin.flush()
    seen = ""
    while "Question 1/1" not in seen:  # the bot has answered everything typed so far
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else ""
        seen += line
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)  # stdin stays open: the bot must not wait for it
    assert proc.wait(timeout=10) == 0
    assert time.monotonic() - started < 10
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 1
    assert con.execute("SELECT status FROM sessions").fetchone()[0] == "active"  # resumable
