"""The Slack rig: signed requests into the real bolt app, whose Web API client talks to the
fake Slack on 127.0.0.1, and helpers that read what the bot sent."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import SecretStr
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from adapters.slack.platform import SlackPlatform, make_client
from bot.services.container import Core
from interview_bot.config import Settings
from interview_bot.platforms import slack_config
from tests.support.fakes.slack_api import Call, FakeSlack
from tests.support.fakes.slack_requests import (
    SECRET,
    block_action,
    command_body,
    interactive_body,
    signed,
    view_submission,
)

_KEYS = itertools.count(1)


def flat(value: Any) -> str:
    """Everything a payload says, as one string to search."""
    return json.dumps(value, ensure_ascii=False)


def button(post: Call, choice: str) -> tuple[str, str]:
    """The action id and value of the button a quiz post shows for `choice` (choices are
    shuffled per round)."""
    m = re.search(rf"\*([A-J])\)\* {re.escape(choice)}", flat(post.args))
    assert m, flat(post.args)
    [action_id] = [i for i in action_ids(post.args) if i.endswith(f":{m.group(1)}")]
    return action_id, m.group(1)


def action_ids(message: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for att in message.get("attachments") or []:
        for block in att.get("blocks") or []:
            out.extend(e["action_id"] for e in block.get("elements") or [] if "action_id" in e)
    return out


class Slack:
    """Sends what Slack would send, signed, into the real bolt app."""

    def __init__(self, platform: SlackPlatform, fake: FakeSlack) -> None:
        self.platform = platform
        self.fake = fake

    def key(self) -> str:
        """A fresh response_url for each interaction."""
        return f"r{next(_KEYS)}"

    async def send(self, body: str, **headers: str) -> BoltResponse:
        return await self.platform.app.async_dispatch(
            AsyncBoltRequest(body=body, headers=signed(body, **headers))
        )

    async def command(
        self, name: str, text: str = "", *, user: str = "U1", channel: str = "C1"
    ) -> str:
        key = self.key()
        resp = await self.send(
            command_body(
                name, text, user=user, channel=channel, response_url=self.fake.response_url(key)
            )
        )
        assert resp.status == 200, resp.body
        return key

    async def click(
        self,
        action_id: str,
        value: str | None = None,
        *,
        user: str = "U1",
        channel: str = "C1",
        key: str | None = None,
        message: dict[str, Any] | None = None,
        **headers: str,
    ) -> str:
        key = key or self.key()
        payload = block_action(
            action_id,
            value,
            user=user,
            channel=channel,
            response_url=self.fake.response_url(key),
            message=message,
        )
        resp = await self.send(interactive_body(payload), **headers)
        assert resp.status == 200, resp.body
        return key

    async def submit(
        self,
        callback_id: str,
        values: dict[str, Any],
        *,
        user: str = "U1",
        private_metadata: str = "",
    ) -> BoltResponse:
        payload = view_submission(callback_id, values, user=user, private_metadata=private_metadata)
        return await self.send(interactive_body(payload))

    async def replies(self, key: str, count: int = 1) -> list[dict[str, Any]]:
        calls = await self.fake.wait_for("response", count, lambda c: c.args["key"] == key)
        return [c.args for c in calls]

    async def reply(self, key: str) -> str:
        [r] = await self.replies(key)
        assert r["response_type"] == "ephemeral"
        return flat(r)


@pytest.fixture
def fake(fake_slack: FakeSlack) -> FakeSlack:
    return fake_slack


@pytest.fixture
def slack_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "slack_bot_token": SecretStr("xoxb-test"),
            "slack_signing_secret": SecretStr(SECRET),
            "slack_port": 0,
        }
    )


def new_platform(
    core: Core, settings: Settings, fake: FakeSlack, admins: frozenset[str] | None = frozenset()
) -> SlackPlatform:
    platform = SlackPlatform(
        core,
        slack_config(settings),
        client=make_client("xoxb-test", fake.api_url),
        host="127.0.0.1",
        admin_ids=admins,
    )
    core.outbox.register("slack", platform.poster)  # as interview_bot.main.run does
    return platform


@pytest.fixture
async def platform(
    core: Core, slack_settings: Settings, fake: FakeSlack
) -> AsyncIterator[SlackPlatform]:
    p = new_platform(core, slack_settings, fake)
    yield p
    await p.close()


@pytest.fixture
def slack(platform: SlackPlatform, fake: FakeSlack) -> Slack:
    return Slack(platform, fake)


async def start_quiz(slack: Slack, fake: FakeSlack, text: str = "web") -> tuple[Call, list[str]]:
    before = len(fake.of("chat.postMessage"))
    await slack.command("quiz", text)
    posts = await fake.wait_for("chat.postMessage", before + 1)
    await slack.platform.handlers.drain()
    post = posts[before]
    return post, action_ids(post.args)
