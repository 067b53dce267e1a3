"""Many Slack workspaces from one deployment: the real slack-bolt OAuth v2 flow against the
fake Slack, over HTTP (/slack/install, /slack/oauth_redirect, /slack/events), two
workspaces side by side, then one uninstalling."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from adapters.slack.platform import SlackPlatform, make_client
from bot.clock import FakeClock
from bot.services.container import Core
from bot.services.ticker import tick
from interview_bot.config import ConfigError, Settings, load_settings
from interview_bot.platforms import slack_config
from tests.support.fakes.slack_api import FakeSlack
from tests.support.fakes.slack_requests import (
    SECRET,
    command_body,
    event_body,
    signed,
)
from tests.support.slack_rig import button, flat
from tests.support.tables import all_rows, rows_naming

KEY = Fernet.generate_key().decode()
CLIENT_ID = "1111.2222"


@pytest.fixture
def oauth_env(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "slack_client_id": CLIENT_ID,
            "slack_client_secret": SecretStr("client-secret"),
            "token_encryption_key": SecretStr(KEY),
            "slack_signing_secret": SecretStr(SECRET),
            "slack_port": 0,
        }
    )


@pytest.fixture
async def app(
    core: Core, oauth_env: Settings, fake_slack: FakeSlack
) -> AsyncIterator[SlackPlatform]:
    platform = SlackPlatform(
        core,
        slack_config(oauth_env),
        client=make_client("", fake_slack.api_url),
        host="127.0.0.1",
        admin_ids=frozenset(),
    )
    core.outbox.register("slack", platform.poster)
    task = asyncio.create_task(platform.run())
    started = asyncio.create_task(platform.started.wait())
    done, _ = await asyncio.wait({task, started}, timeout=5, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        started.cancel()
        task.result()
    yield platform
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await platform.close()


def base(app: SlackPlatform) -> str:
    return f"http://127.0.0.1:{app.port}"


async def install(
    app: SlackPlatform, code: str, *, state: str | None = None
) -> aiohttp.ClientResponse:
    """A browser clicking "Add to Slack", approving, and Slack redirecting it back."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as browser:
        async with browser.get(f"{base(app)}/slack/install") as page:
            assert page.status == 200
            html = await page.text()
            # the state cookie is Secure (HTTPS in production): sent back as a browser would
            cookie = page.headers["Set-Cookie"].split(";")[0]
        m = re.search(r"https://slack\.com/oauth/v2/authorize\?[^\"']+", html)
        assert m, html
        link = m.group(0).replace("&amp;", "&")
        assert f"client_id={CLIENT_ID}" in link and "files:write" in link
        issued = re.search(r"state=([^&]+)", link)
        assert issued
        async with browser.get(
            f"{base(app)}/slack/oauth_redirect",
            params={"code": code, "state": state or issued.group(1)},
            headers={"Cookie": cookie},
        ) as back:
            await back.read()
            return back


async def post(app: SlackPlatform, body: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as s,
        s.post(f"{base(app)}/slack/events", data=body.encode(), headers=signed(body)) as resp,
    ):
        return resp.status, await resp.text()


async def board(app: SlackPlatform, fake: FakeSlack, *, team: str, user: str) -> tuple[str, str]:
    """The all-time leaderboard a person in `team` is shown (posted in the channel), and
    the token it was posted with."""
    before = len(fake.of("chat.postMessage"))
    status, _ = await post(app, command_body("leaderboard", "all", user=user, team=team))
    assert status == 200
    posts = await fake.wait_for("chat.postMessage", before + 1)
    return flat(posts[before].args), token_of(posts[before])


def token_of(call: Any) -> str:
    return str(call.headers.get("Authorization", "")).removeprefix("Bearer ")


async def test_two_workspaces_install_and_each_sees_only_its_own(
    app: SlackPlatform, fake_slack: FakeSlack, core: Core, clock: FakeClock, database_url: str
) -> None:
    fake = fake_slack
    code1, token1 = fake.workspace("TA", "Acme")
    code2, token2 = fake.workspace("TB", "Beta")
    for code in (code1, code2):
        done = await install(app, code)
        assert done.status == 200
    # sealed at rest: no token in the database file in clear
    stored = _read(database_url)
    assert b"TA" in stored and token1.encode() not in stored and token2.encode() not in stored
    assert await core.store.installation("slack", "TA") is not None
    # the installer is a person: in the column /forget-me blanks, not in the sealed blob
    found = await app.installations.async_find_bot(enterprise_id=None, team_id="TA")  # type: ignore[union-attr]
    assert found is not None and found.bot_token == token1
    inside = await app.installations.async_find_installation(  # type: ignore[union-attr]
        enterprise_id=None, team_id="TA"
    )
    assert inside is not None and inside.user_id == "" and inside.team_name == "Acme"
    rows = await all_rows(database_url)
    assert rows_naming(rows, "slack", "TA", {"UADMINTA"}) == ["installations.installer"]
    await core.store.forget_person("slack", "TA", "UADMINTA")
    assert rows_naming(await all_rows(database_url), "slack", "TA", {"UADMINTA"}) == []
    assert await core.store.installation("slack", "TA") is not None  # the workspace's, kept

    # a quiz in each workspace, answered there: each post is made with its own token
    before = len(fake.of("chat.postMessage"))
    await post(app, command_body("quiz", "web", user="UA1", team="TA", response_url=""))
    await post(app, command_body("quiz", "web", user="UB1", team="TB", response_url=""))
    posts = await fake.wait_for("chat.postMessage", before + 2)
    by_token = {token_of(p): p for p in posts[before:]}
    assert set(by_token) == {token1, token2}
    await app.handlers.drain()
    action, value = button(by_token[token1], "404")
    payload = _click(action, value, user="UA1", team="TA", key="ka", fake=fake)
    status, _ = await post(app, payload)
    assert status == 200
    await fake.wait_for("response", 1, lambda c: c.args["key"] == "ka")

    board_a, used = await board(app, fake, team="TA", user="UA1")
    assert used == token1 and "name-UA1 — 15 pts" in board_a
    board_b, used = await board(app, fake, team="TB", user="UB1")
    assert used == token2 and "UA1" not in board_b

    # the reveals nobody's event asked for (the ticker's) go out with each workspace's token
    before = len(fake.calls)
    clock.advance(61)
    await tick(core)
    reveals = [c for c in fake.calls[before:] if c.method in ("chat.postMessage", "chat.update")]
    assert len(reveals) >= 2 and {token_of(c) for c in reveals} == {token1, token2}

    # Acme uninstalls: its tokens go at once, its data after the retention period
    status, _ = await post(app, event_body({"type": "app_uninstalled"}, team="TA"))
    assert status == 200
    for _ in range(100):
        if await core.store.installation("slack", "TA") is None:
            break
        await asyncio.sleep(0)
    assert await core.store.installation("slack", "TA") is None
    assert await core.store.installation("slack", "TB") is not None
    assert await core.store.top("slack", "TA", "team", "all", 10) != []
    # an event from Acme now finds no installation: nothing is answered with an old token
    calls = len(fake.of("chat.postMessage"))
    status, text = await post(app, command_body("quiz", "web", user="UA1", team="TA"))
    assert "reinstall" in text.lower() or status != 200
    assert len(fake.of("chat.postMessage")) == calls

    clock.advance(days=31)
    await tick(core)
    assert await core.store.top("slack", "TA", "team", "all", 10) == []
    assert await core.store.installation("slack", "TB") is not None
    assert await board(app, fake, team="TB", user="UB1") == (board_b, token2)


async def test_a_wrong_state_installs_nothing(
    app: SlackPlatform, fake_slack: FakeSlack, core: Core
) -> None:
    code, _ = fake_slack.workspace("TC", "Gamma")
    back = await install(app, code, state="forged-state")
    assert back.status >= 400
    assert await core.store.installation("slack", "TC") is None
    assert fake_slack.of("oauth.v2.access") == []


async def test_reinstalling_before_the_purge_keeps_the_data(
    app: SlackPlatform, fake_slack: FakeSlack, core: Core, clock: FakeClock
) -> None:
    code, _ = fake_slack.workspace("TD", "Delta")
    await install(app, code)
    await core.privacy.team_removed("slack", "TD")
    assert await core.store.due_team_purges(10**15) == [("slack", "TD")]
    code, _ = fake_slack.workspace("TD", "Delta")
    assert (await install(app, code)).status == 200
    assert await core.store.due_team_purges(10**15) == []


async def test_my_data_arrives_as_a_file_in_a_dm(app: SlackPlatform, fake_slack: FakeSlack) -> None:
    code, token = fake_slack.workspace("TE", "Echo")
    await install(app, code)
    await post(app, command_body("my-data", "", user="UE1", team="TE"))
    [done] = await fake_slack.wait_for("files.completeUploadExternal")
    assert token_of(done) == token
    files = done.args["files"]
    files = json.loads(files) if isinstance(files, str) else files
    assert [f["title"] for f in files] == ["interview-bot-my-data.json"]
    [data] = [d["data"] for d in fake_slack.uploads.values() if d["data"]]
    doc = json.loads(data)
    assert (doc["platform"], doc["team"], doc["user"]) == ("slack", "TE", "UE1")
    assert done.args["channel_id"].startswith("D")  # the person's DM, nobody else's


def test_oauth_without_an_encryption_key_is_a_clear_start_up_error() -> None:
    with pytest.raises(ConfigError, match="TOKEN_ENCRYPTION_KEY is required with SLACK_CLIENT_ID"):
        load_settings(_env_file=None, slack_client_id="1.2", slack_client_secret="s")
    with pytest.raises(ConfigError, match="not a Fernet key") as bad:
        load_settings(
            _env_file=None,
            slack_client_id="1.2",
            slack_client_secret="s",
            token_encryption_key="hunter2-not-a-key",
        )
    assert "hunter2" not in str(bad.value)
    with pytest.raises(ConfigError, match="SLACK_CLIENT_ID and SLACK_CLIENT_SECRET go together"):
        load_settings(_env_file=None, slack_client_id="1.2")
    ok = load_settings(
        _env_file=None, slack_client_id="1.2", slack_client_secret="s", token_encryption_key=KEY
    )
    config = slack_config(ok)
    assert config.oauth and KEY not in repr(config) and "s'" not in repr(config)
    assert "slack" in ok.platforms


def _read(url: str) -> bytes:
    from pathlib import Path

    path = Path(url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def _click(action: str, value: str, *, user: str, team: str, key: str, fake: FakeSlack) -> str:
    from tests.support.fakes.slack_requests import block_action, interactive_body

    payload = block_action(
        action, value, user=user, channel="C1", response_url=fake.response_url(key)
    )
    payload["team"] = {"id": team, "domain": team.lower()}
    payload["user"]["team_id"] = team
    return interactive_body(payload)
