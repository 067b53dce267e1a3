"""Logging set-up: plain text or JSON lines (LOG_FORMAT=json)."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def configure(level: str = "INFO", fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # APScheduler logs every job it adds and runs; that is noise unless debugging
    logging.getLogger("apscheduler").setLevel(
        logging.DEBUG if level.upper() == "DEBUG" else logging.WARNING
    )
    # Never below INFO, even with LOG_LEVEL=DEBUG: at DEBUG these libraries log request and
    # response bodies, among them each workspace's bot token from oauth.v2.access and the
    # Discord gateway's IDENTIFY with the bot token.
    for name in SECRET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.INFO, root.level))
    # the access log would write /slack/oauth_redirect?code=...&state=... for every install
    logging.getLogger("aiohttp.access").setLevel(max(logging.WARNING, root.level))


SECRET_LOGGERS = ("slack_sdk", "slack_bolt", "discord.http", "discord.gateway")
