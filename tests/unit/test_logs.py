from __future__ import annotations

import json
import logging

import pytest

from interview_bot.logs import configure


def test_json_logs_are_one_object_per_line(capsys: pytest.CaptureFixture[str]) -> None:
    configure("INFO", "json")
    try:
        logging.getLogger("bot.test").info("posted to %s", "c1")
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("bot.test").exception("it failed")
        lines = capsys.readouterr().err.strip().splitlines()
        first, second = (json.loads(line) for line in lines)
        assert first["msg"] == "posted to c1" and first["level"] == "info"
        assert first["logger"] == "bot.test" and first["ts"].endswith("+00:00")
        assert second["level"] == "error" and "ValueError: boom" in second["exc"]
    finally:
        logging.getLogger().handlers.clear()


def test_secrets_never_reach_a_log(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from interview_bot.config import load_settings

    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    configure("DEBUG", "text")
    try:
        settings = load_settings(_env_file=None)
        logging.getLogger("bot.test").info("settings: %s", settings)
        assert "xoxb-very-secret" not in capsys.readouterr().err
    finally:
        logging.getLogger().handlers.clear()


def test_debug_logging_leaves_out_what_libraries_log_with_tokens(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """slack_sdk logs oauth.v2.access's body (each workspace's bot token) at DEBUG."""
    configure("DEBUG", "text")
    try:
        logging.getLogger("bot.test").debug("ours shows")
        logging.getLogger("slack_sdk.web.async_base_client").debug("body: xoxb-secret")
        logging.getLogger("slack_bolt.oauth").debug("installation xoxb-secret")
        logging.getLogger("aiohttp.access").info("GET /slack/oauth_redirect?code=c0de")
        logging.getLogger("slack_sdk.web.async_base_client").info("a retry")
        err = capsys.readouterr().err
        assert "ours shows" in err and "a retry" in err
        assert "xoxb-secret" not in err and "c0de" not in err
    finally:
        logging.getLogger().handlers.clear()
        for name in ("slack_sdk", "slack_bolt", "aiohttp.access", "apscheduler"):
            logging.getLogger(name).setLevel(logging.NOTSET)
