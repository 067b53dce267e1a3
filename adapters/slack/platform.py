"""The Slack platform: a bolt AsyncApp on one bot token, served over Socket Mode when
SLACK_APP_TOKEN is set (no public URL needed), else over HTTP at /slack/events; or, with
SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, many workspaces installed through OAuth (HTTP mode,
adapters/slack/oauth.py), each event answered with its own workspace's token."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from aiohttp import web
from aiohttp.typedefs import Handler
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.interval_calculator import RetryIntervalCalculator
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.admins import People
from adapters.slack.config import SlackConfig
from adapters.slack.handlers import PLATFORM, Handlers
from adapters.slack.installations import StoreInstallations
from adapters.slack.oauth import INSTALL_PATH, oauth_settings
from adapters.slack.poster import SlackPoster
from adapters.slack.replies import Replies
from adapters.slack.retries import retry_handlers
from adapters.slack.uninstall import Uninstalls
from bot.ports import PlatformUnavailable
from bot.services.container import Core

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
# Connections the kernel queues before we accept them: a burst of clicks (a thousand people
# answering one quiz) must not overflow it, or each refused connection waits a second for
# the client's retransmission (the kernel caps it at net.core.somaxconn).
LISTEN_BACKLOG = 2048


def make_client(
    token: str,
    base_url: str = AsyncWebClient.BASE_URL,
    *,
    backoff: RetryIntervalCalculator | None = None,
) -> AsyncWebClient:
    """A Web API client that waits out 429s (Retry-After) and retries server errors with
    back-off where a retry cannot post twice (see adapters/slack/retries.py)."""
    return AsyncWebClient(token=token, base_url=base_url, retry_handlers=retry_handlers(backoff))


UNREADABLE_ERRORS = (ValueError, TypeError, KeyError, AttributeError, IndexError)


@web.middleware
async def refuse_unreadable(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A body bolt cannot parse (a `payload` that is not a JSON object, JSON that is not
    JSON) gets a 400 and one log line instead of a 500 and a traceback: bolt parses the body
    before it checks the signature, so anyone could send one."""
    try:
        return await handler(request)
    except UNREADABLE_ERRORS as e:
        log.warning("slack: refused a request that could not be read (%s)", type(e).__name__)
        return web.json_response({"error": "unreadable request"}, status=400)


class SlackPlatform:
    """The Slack app as a Platform: Socket Mode with an app token, else HTTP."""

    name = PLATFORM

    def __init__(
        self,
        core: Core,
        config: SlackConfig,
        *,
        client: AsyncWebClient | None = None,
        host: str = "0.0.0.0",
        admin_ids: frozenset[str] | None = None,
    ) -> None:
        if not config.bot_token and not config.oauth:
            raise PlatformUnavailable("slack: SLACK_BOT_TOKEN is not set.")
        self.core = core
        self.config = config
        self.host = host
        self.client = client or make_client(config.bot_token)
        self.installations: StoreInstallations | None = None
        if config.oauth:  # many workspaces: bolt finds each event's token in our store
            if config.app_token:
                raise PlatformUnavailable(
                    "slack: OAuth (SLACK_CLIENT_ID) serves /slack/install over HTTP: unset "
                    "SLACK_APP_TOKEN and set SLACK_SIGNING_SECRET."
                )
            settings, self.installations = oauth_settings(core, config)
            self.app = AsyncApp(
                client=self.client,
                name="interview-bot",
                signing_secret=config.signing_secret,
                oauth_settings=settings,
            )
        else:
            self.app = AsyncApp(
                client=self.client, name="interview-bot", signing_secret=config.signing_secret
            )
        tokens = self.installations.bot_token if self.installations is not None else None
        self.poster = SlackPoster(self.client, tokens)
        people = People(admin_ids if admin_ids is not None else config.admin_users)
        self.handlers = Handlers(core, people, Replies(core))
        self.handlers.register(self.app)
        Uninstalls(core, self.installations).register(self.app)
        self.port: int | None = None  # the HTTP port once listening (useful with port 0)
        self.started = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None

    async def run(self) -> None:
        """Check the token, then serve until cancelled."""
        self._share_connections()
        if not self.config.oauth:
            await self._check_bot_token()
        if self.config.app_token:
            await self._serve_socket_mode(self.config.app_token)
        else:
            await self._serve_http()

    def _share_connections(self) -> None:
        """One connection pool for every Web API call and response_url answer. Without it
        slack_sdk opens a new session (and TCP and TLS connection) per call."""
        if self.client.session is None or self.client.session.closed:
            self.client.session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.client.timeout)
            )
        self.handlers.replies.session = self.client.session

    async def _check_bot_token(self) -> None:
        try:
            auth = await self.client.auth_test()
        except SlackApiError as e:
            raise PlatformUnavailable(
                f"slack: Slack refused SLACK_BOT_TOKEN ({e.response.get('error')}). Use the "
                "Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page."
            ) from None
        except (aiohttp.ClientError, TimeoutError) as e:
            raise PlatformUnavailable(f"slack: cannot reach Slack ({type(e).__name__}).") from None
        log.info("slack: connected to workspace %s as %s", auth.get("team"), auth.get("user"))
        if auth.get("team_id"):  # the token works: the app is installed there (again)
            await self.core.privacy.team_returned("slack", str(auth["team_id"]))

    async def _serve_http(self) -> None:
        if not self.config.signing_secret:
            raise PlatformUnavailable(
                "slack: HTTP mode needs SLACK_SIGNING_SECRET (your app's Basic Information page);"
                " or set SLACK_APP_TOKEN to use Socket Mode, which needs no public URL."
            )
        port = self.config.port
        web_app = self.app.web_app(path=EVENTS_PATH, port=port)
        web_app.middlewares.append(refuse_unreadable)
        runner = web.AppRunner(web_app)
        await runner.setup()
        self._runner = runner
        try:
            await web.TCPSite(runner, self.host, port, backlog=LISTEN_BACKLOG).start()
        except OSError as e:
            raise PlatformUnavailable(
                f"slack: cannot listen on {self.host}:{port} "
                f"({e.strerror}); set SLACK_PORT to a free port."
            ) from None
        self.port = int(runner.addresses[0][1])
        log.info("slack: HTTP mode, listening on %s:%s%s", self.host, self.port, EVENTS_PATH)
        if self.config.oauth:
            log.info("slack: OAuth mode: workspaces install the app at %s", INSTALL_PATH)
        self.started.set()
        await asyncio.Event().wait()

    async def _serve_socket_mode(self, app_token: str) -> None:
        handler = AsyncSocketModeHandler(self.app, app_token)
        self._socket = handler
        # The client would retry a bad app token forever; ask once ourselves to fail clearly.
        try:
            opened = await self.client.apps_connections_open(app_token=app_token)
        except SlackApiError as e:
            raise PlatformUnavailable(
                f"slack: Slack refused SLACK_APP_TOKEN ({e.response.get('error')}). Use an "
                "app-level token (xapp-…) with the connections:write scope."
            ) from None
        handler.client.wss_uri = str(opened["url"])
        await handler.connect_async()
        log.info("slack: Socket Mode connected")
        self.started.set()
        await asyncio.Event().wait()

    def is_connected(self) -> bool:
        """For /healthz: serving (HTTP listening, or the Socket Mode connection open)."""
        return self.started.is_set()

    async def close(self) -> None:
        """Stop taking requests, then let turns already acknowledged finish."""
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self.handlers.drain()
        session = self.client.session
        if session is not None and not session.closed:
            await session.close()
