"""What Slack sends an app: slash commands, block actions, view submissions and events,
as raw bodies with correctly signed headers."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

from tests.support.fakes.slack_api import TEAM

SECRET = "test-signing-secret"


def signed(
    body: str, secret: str = SECRET, timestamp: int | None = None, **extra: str
) -> dict[str, str]:
    """Headers Slack sends: `v0=` HMAC-SHA256 of `v0:{timestamp}:{body}`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    content_type = (
        "application/json" if body.startswith("{") else "application/x-www-form-urlencoded"
    )
    return {
        "content-type": content_type,
        "x-slack-request-timestamp": ts,
        "x-slack-signature": f"v0={digest}",
        **extra,
    }


def command(
    name: str,
    text: str = "",
    *,
    user: str = "U1",
    channel: str = "C1",
    response_url: str = "",
    trigger_id: str = "trig-1",
    team: str = TEAM,
) -> dict[str, str]:
    return {
        "token": "legacy",
        "team_id": team,
        "team_domain": "test",
        "channel_id": channel,
        "channel_name": "general",
        "user_id": user,
        "user_name": user.lower(),
        "command": f"/{name}",
        "text": text,
        "api_app_id": "A1",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def command_body(name: str, text: str = "", **kw: Any) -> str:
    return urlencode(command(name, text, **kw))


def block_action(
    action_id: str,
    value: str | None = None,
    *,
    user: str = "U1",
    channel: str = "C1",
    response_url: str = "",
    message: dict[str, Any] | None = None,
) -> dict[str, Any]:
    action: dict[str, Any] = {
        "type": "button",
        "action_id": action_id,
        "block_id": "b1",
        "text": {"type": "plain_text", "text": "x"},
        "action_ts": "1700000000.1",
    }
    if value is not None:
        action["value"] = value
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "test"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A1",
        "token": "legacy",
        "trigger_id": "trig-2",
        "container": {
            "type": "message_attachment",
            "channel_id": channel,
            "message_ts": "1700000000.000001",
            "is_ephemeral": message is None,
        },
        "channel": {"id": channel, "name": "general"},
        "response_url": response_url,
        "actions": [action],
    }
    if message is not None:
        payload["message"] = message
    return payload


def view_submission(
    callback_id: str, values: dict[str, Any], *, user: str = "U1", private_metadata: str = ""
) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "test"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A1",
        "token": "legacy",
        "trigger_id": "trig-3",
        "view": {
            "id": "V1",
            "team_id": TEAM,
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "state": {"values": values},
            "hash": "h",
            "app_id": "A1",
            "bot_id": "B1",
        },
        "response_urls": [],
    }


def interactive_body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def event_body(event: dict[str, Any], team: str = TEAM) -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": team,
            "api_app_id": "A1",
            "event": event,
            "type": "event_callback",
            "event_id": "Ev1",
            "event_time": 1700000000,
            "authorizations": [{"team_id": team, "user_id": "UBOT", "is_bot": True}],
        }
    )
