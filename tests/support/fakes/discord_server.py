"""A small fake of Discord's REST API and gateway on 127.0.0.1, for the real discord.py client.

It records every request, keeps the messages the bot creates (so a test can click a button on
one of them), and pushes INTERACTION_CREATE events built like Discord's. It behaves as Discord
does where the bot could get it wrong: a follow-up to a deferred response fills that response
in, ephemeral flags stick, responses carry `Content-Type: application/json` exactly.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yarl
from aiohttp import BodyPartReader, WSMsgType, web

from tests.support.fakes.server import LocalServer

APP_ID = 1_100_000_000_000_000_001
GUILD_ID = 1_200_000_000_000_000_002
CHANNEL_ID = 1_300_000_000_000_000_003
TOKEN = "fake-bot-token"
EPHEMERAL = 64
LOADING = 128
ADMIN_PERMISSIONS = (1 << 5) | (1 << 10) | (1 << 11)  # manage guild, view, send
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11)
TIMESTAMP = "2026-01-05T09:00:00.000000+00:00"


@dataclass(frozen=True)
class FakeUser:
    id: int
    name: str
    admin: bool = False
    dms_closed: bool = False

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.name,
            "discriminator": "0",
            "avatar": None,
            "bot": False,
        }

    def member(self) -> dict[str, Any]:
        return {
            "user": self.payload(),
            "nick": None,
            "roles": [],
            "joined_at": TIMESTAMP,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "avatar": None,
            "permissions": str(ADMIN_PERMISSIONS if self.admin else MEMBER_PERMISSIONS),
        }


@dataclass(frozen=True)
class Upload:
    """A file sent with a request (multipart/form-data `files[n]`)."""

    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class Call:
    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    body: Any  # JSON; with files, the `payload_json` part
    authorization: str | None
    files: list[Upload] = field(default_factory=list)


@dataclass
class Failure:
    """An error the fake answers instead of the usual (see `FakeDiscord.fail`)."""

    method: str
    pattern: str
    status: int
    retry_after: float = 0.0
    applied: bool = False


@dataclass
class Exchange:
    """One interaction sent to the bot, and what the bot answered to it."""

    fake: FakeDiscord
    id: int
    token: str
    payload: dict[str, Any]
    message_ids: list[int] = field(default_factory=list)

    async def callback(self, within: float = 5.0) -> dict[str, Any]:
        """The body of the interaction callback (its `type`, `data`)."""
        call = await self.fake.wait_for(
            lambda c: (
                c.method == "POST" and c.path == f"/interactions/{self.id}/{self.token}/callback"
            ),
            within,
        )
        return dict(call.body)

    async def messages(self, n: int, within: float = 5.0) -> list[dict[str, Any]]:
        """The first `n` messages this interaction produced, once none is still loading."""

        def done() -> bool:
            msgs = [self.fake.messages[i] for i in self.message_ids[:n]]
            return len(msgs) == n and not any(m["flags"] & LOADING for m in msgs)

        await self.fake.until(done, within)
        return [self.fake.messages[i] for i in self.message_ids[:n]]


class FakeDiscord(LocalServer):
    """Discord's REST API, gateway and CDN on 127.0.0.1, with one guild, recording calls."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.messages: dict[int, dict[str, Any]] = {}
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.files: dict[str, bytes] = {}
        self.downloads: list[str] = []
        self.uploads: list[tuple[str, str, bytes]] = []  # (path, file name, data) sent by the bot
        self.users: dict[int, FakeUser] = {}
        self.forbidden_channels: set[int] = set()
        self.no_attach_files: set[int] = set()  # channels where the bot lacks Attach Files
        self.failures: list[Failure] = []
        self._nonces: dict[str, int] = {}  # a message's nonce -> its id (enforce_nonce)
        self.identified = 0
        self._ids = itertools.count(1_500_000_000_000_000_000)
        self._seq = itertools.count(1)
        self._changed = asyncio.Condition()
        self._exchanges: dict[str, Exchange] = {}
        self._dm_channels: dict[int, int] = {}  # channel id -> user id
        self._sockets: list[web.WebSocketResponse] = []
        self._uploads: list[Upload] = []  # the files of the request being answered

    # --- life cycle ---------------------------------------------------------------------

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        app.router.add_get("/cdn/{name}", self._cdn)

    async def closing(self) -> None:
        for ws in list(self._sockets):
            await ws.close()

    @property
    def api_base(self) -> str:
        return f"{self.url}/api/v10"

    @property
    def gateway_url(self) -> yarl.URL:
        return yarl.URL(f"ws://127.0.0.1:{self.port}/gateway")

    # --- waiting on what the bot did ---------------------------------------------------------

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def until(self, predicate: Callable[[], bool], within: float = 5.0) -> None:
        """Wait until `predicate` holds; `within` seconds is only a safety net."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), within)

    async def wait_for(
        self, match: Callable[[Call], bool], within: float = 5.0, after: int = 0
    ) -> Call:
        """The first recorded request (from index `after`) that matches."""
        found: list[Call] = []

        def seen() -> bool:
            found[:] = [c for c in self.calls[after:] if match(c)]
            return bool(found)

        await self.until(seen, within)
        return found[0]

    def fail(
        self,
        method: str,
        pattern: str,
        status: int,
        *,
        times: int = 1,
        retry_after: float = 0.0,
        applied: bool = False,
    ) -> None:
        """Answer the next `times` requests matching with `status`: 429 as Discord sends it
        (JSON `retry_after`, `Retry-After`, `Via`), 5xx as a server error. `applied`: the
        request takes effect first (the message is created), then the error is answered."""
        self.failures.extend(
            Failure(method, pattern, status, retry_after, applied) for _ in range(times)
        )

    def find(self, method: str, pattern: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and re.fullmatch(pattern, c.path)]

    def channel_messages(self, channel_id: int) -> list[dict[str, Any]]:
        return [m for m in self.messages.values() if m["channel_id"] == str(channel_id)]

    # --- interactions pushed to the bot ------------------------------------------------------

    async def slash(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        user: FakeUser,
        sub: str | None = None,
        resolved: dict[str, Any] | None = None,
        types: dict[str, int] | None = None,
    ) -> Exchange:
        """A chat-input command as Discord sends it (`sub` for a subcommand)."""
        opts = [_option(k, v, (types or {}).get(k)) for k, v in (options or {}).items()]
        if sub:
            opts = [{"type": 1, "name": sub, "options": opts}]
        data: dict[str, Any] = {
            "id": str(self._command_id(name)),
            "name": name,
            "type": 1,
            "options": opts,
            "guild_id": str(GUILD_ID),
        }
        if resolved:
            data["resolved"] = resolved
        return await self.interact(2, data, user)

    async def autocomplete(
        self, name: str, option: str, current: str, *, user: FakeUser, sub: str | None = None
    ) -> Exchange:
        opts: list[dict[str, Any]] = [
            {"type": 3, "name": option, "value": current, "focused": True}
        ]
        if sub:
            opts = [{"type": 1, "name": sub, "options": opts}]
        data = {
            "id": str(self._command_id(name)),
            "name": name,
            "type": 1,
            "options": opts,
            "guild_id": str(GUILD_ID),
        }
        return await self.interact(4, data, user)

    async def click(self, message_id: int, custom_id: str, *, user: FakeUser) -> Exchange:
        """A button on a message the bot sent (in whatever channel it is)."""
        msg = self.messages[message_id]
        return await self.interact(
            3,
            {"custom_id": custom_id, "component_type": 2},
            user,
            message=msg,
            channel_id=int(msg["channel_id"]),
        )

    async def submit(
        self, custom_id: str, value: str, *, user: FakeUser, channel_id: int | None = None
    ) -> Exchange:
        """A modal submitted with one text input, as the 2025+ Label layout sends it."""
        data = {
            "custom_id": custom_id,
            "components": [
                {
                    "type": 18,
                    "id": 1,
                    "component": {"type": 4, "id": 2, "custom_id": "answer", "value": value},
                }
            ],
        }
        return await self.interact(5, data, user, channel_id=channel_id)

    async def interact(
        self,
        type_: int,
        data: dict[str, Any],
        user: FakeUser,
        *,
        message: dict[str, Any] | None = None,
        channel_id: int | None = None,
    ) -> Exchange:
        self.users[user.id] = user
        iid = next(self._ids)
        token = f"itoken{iid}"
        channel_id = channel_id or CHANNEL_ID
        in_dm = channel_id in self._dm_channels
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(APP_ID),
            "type": type_,
            "data": data,
            "token": token,
            "version": 1,
            "attachment_size_limit": 8 << 20,
            "locale": "en-US",
            "entitlements": [],
            "channel_id": str(channel_id),
            "app_permissions": str(MEMBER_PERMISSIONS | (1 << 14)),
        }
        if in_dm:
            payload.update(
                context=1,
                user=user.payload(),
                channel={"id": str(channel_id), "type": 1, "recipients": [user.payload()]},
                authorizing_integration_owners={"0": str(GUILD_ID)},
            )
        else:
            payload.update(
                context=0,
                guild_id=str(GUILD_ID),
                member=user.member(),
                guild={"id": str(GUILD_ID), "locale": "en-US", "features": []},
                guild_locale="en-US",
                channel=_text_channel(channel_id),
                authorizing_integration_owners={"0": str(GUILD_ID)},
            )
        if message is not None:
            payload["message"] = message
        ex = Exchange(self, iid, token, payload)
        self._exchanges[token] = ex
        await self.dispatch("INTERACTION_CREATE", payload)
        return ex

    def _command_id(self, name: str) -> int:
        for cmds in self.commands.values():
            for c in cmds:
                if c["name"] == name:
                    return int(c["id"])
        return next(self._ids)

    # --- the gateway ---------------------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        await self.until(lambda: bool(self._sockets), 5.0)
        await self._sockets[-1].send_str(
            json.dumps({"op": 0, "t": event, "s": next(self._seq), "d": data})
        )

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(
            json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        )
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)
            if frame["op"] == 1:
                await ws.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
            elif frame["op"] == 2:
                await self._identify(ws)
        if ws in self._sockets:
            self._sockets.remove(ws)
        return ws

    async def _identify(self, ws: web.WebSocketResponse) -> None:
        ready = {
            "v": 10,
            "user": _bot_user(),
            "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
            "session_id": "fake-session",
            "resume_gateway_url": str(self.gateway_url),
            "application": {"id": str(APP_ID), "flags": 0},
            "private_channels": [],
            "relationships": [],
        }
        await ws.send_str(json.dumps({"op": 0, "t": "READY", "s": next(self._seq), "d": ready}))
        await ws.send_str(
            json.dumps({"op": 0, "t": "GUILD_CREATE", "s": next(self._seq), "d": _guild()})
        )
        self._sockets.append(ws)
        self.identified += 1
        await self._notify()

    # --- REST -------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body: Any = None
        files: list[Upload] = []
        if request.content_type == "multipart/form-data":  # a message with attachments
            body, files = await _multipart(request)
            for f in files:
                self.uploads.append((path, f.filename, f.data))
            if isinstance(body, dict):  # each file as (file name, bytes), beside the JSON
                body["_files"] = [(f.filename, f.data) for f in files]
        elif raw := await request.read():
            body = (
                json.loads(raw)
                if request.content_type == "application/json"
                else raw.decode("utf-8", "replace")
            )
        call = Call(
            request.method,
            path,
            dict(request.query),
            body,
            request.headers.get("Authorization"),
            files,
        )
        self.calls.append(call)
        self._uploads = files
        try:
            failure = next(
                (
                    f
                    for f in self.failures
                    if f.method == call.method and re.fullmatch(f.pattern, call.path)
                ),
                None,
            )
            if failure is None:
                return self._route(call)
            self.failures.remove(failure)
            return self._failure(call, failure)
        finally:
            self._uploads = []
            await self._notify()

    def _failure(self, call: Call, f: Failure) -> web.Response:
        if f.applied:
            self._route(call)
        if f.status == 429:
            return web.Response(
                body=json.dumps(
                    {
                        "message": "You are being rate limited.",
                        "retry_after": f.retry_after,
                        "global": False,
                    }
                ).encode(),
                status=429,
                headers={
                    "Content-Type": "application/json",
                    "Retry-After": str(int(f.retry_after)),
                    "Via": "1.1 google",
                    "X-RateLimit-Scope": "user",
                },
            )
        return _json({"message": f"{f.status}: Internal Server Error", "code": 0}, f.status)

    def _route(self, c: Call) -> web.Response:
        m, p = c.method, c.path
        needs_bot = p.startswith(("/users", "/oauth2", "/applications", "/channels"))
        if needs_bot and c.authorization != f"Bot {TOKEN}":
            return _json({"message": "401: Unauthorized", "code": 0}, 401)
        if m == "GET" and p == "/users/@me":
            return _json(_bot_user())
        if m == "GET" and p == "/oauth2/applications/@me":
            return _json(
                {
                    "id": str(APP_ID),
                    "name": "interview-bot",
                    "description": "",
                    "icon": None,
                    "bot_public": True,
                    "bot_require_code_grant": False,
                    "owner": _bot_user(),
                    "verify_key": "0" * 64,
                    "flags": 0,
                    "team": None,
                    "summary": "",
                }
            )
        if r := re.fullmatch(r"/applications/(\d+)(?:/guilds/(\d+))?/commands", p):
            guild = int(r[2]) if r[2] else None
            if m == "PUT":
                self.commands[guild] = [
                    {
                        **cmd,
                        "id": str(next(self._ids)),
                        "application_id": str(APP_ID),
                        "version": "1",
                        **({"guild_id": str(guild)} if guild else {}),
                    }
                    for cmd in c.body
                ]
            return _json(self.commands.get(guild, []))
        if r := re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", p):
            return self._callback(int(r[1]), r[2], c.body)
        if r := re.fullmatch(r"/webhooks/\d+/([^/]+)", p):
            return self._followup(r[1], c.body)
        if r := re.fullmatch(r"/webhooks/\d+/([^/]+)/messages/(@original|\d+)", p):
            return self._webhook_message(m, r[1], r[2], c.body)
        if m == "POST" and p == "/users/@me/channels":
            return self._open_dm(int(c.body["recipient_id"]))
        if r := re.fullmatch(r"/channels/(\d+)/messages", p):
            return self._channel_post(int(r[1]), c.body)
        if r := re.fullmatch(r"/channels/(\d+)/messages/(\d+)", p):
            return self._channel_edit(int(r[1]), int(r[2]), c.body)
        return _json({"message": f"fake discord: no route {m} {p}", "code": 0}, 404)

    def _new_message(self, channel_id: int, body: dict[str, Any], flags: int = 0) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "id": str(next(self._ids)),
            "channel_id": str(channel_id),
            "type": 0,
            "author": _bot_user(),
            "content": body.get("content") or "",
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "flags": flags | (body.get("flags") or 0),
            "timestamp": TIMESTAMP,
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": self._attachments(body),
            "pinned": False,
            "allowed_mentions": body.get("allowed_mentions"),
        }
        if channel_id not in self._dm_channels:
            msg["guild_id"] = str(GUILD_ID)
        self.messages[int(msg["id"])] = msg
        return msg

    def _edit(self, msg: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        for key in ("content", "embeds", "components", "allowed_mentions"):
            if key in body:
                msg[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
        if "attachments" in body:
            msg["attachments"] = self._attachments(body)
        msg["flags"] &= ~LOADING
        msg["edited_timestamp"] = TIMESTAMP
        return msg

    def _attachments(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """The message's attachments: the request's files, described as Discord does (the
        `attachments` entries of the payload give each file's description, its alt text)."""
        described = {str(a.get("id")): a for a in body.get("attachments") or []}
        out = []
        for i, up in enumerate(self._uploads):
            name = f"{next(self._ids)}-{up.filename}"
            self.files[name] = up.data
            out.append(
                {
                    "id": name.split("-")[0],
                    "filename": up.filename,
                    "description": described.get(str(i), {}).get("description"),
                    "size": len(up.data),
                    "url": f"{self.url}/cdn/{name}",
                    "proxy_url": f"{self.url}/cdn/{name}",
                    "content_type": up.content_type,
                }
            )
        return out

    def _callback(self, iid: int, token: str, body: dict[str, Any]) -> web.Response:
        ex = self._exchanges.get(token)
        if ex is None or ex.id != iid:
            return _json({"message": "Unknown interaction", "code": 10062}, 404)
        if len([c for c in self.calls if c.path.endswith(f"/{token}/callback")]) > 1:
            return _json(
                {"message": "Interaction has already been acknowledged.", "code": 40060}, 400
            )
        kind = body["type"]
        data = body.get("data") or {}
        channel = int(ex.payload["channel_id"])
        msg: dict[str, Any] | None = None
        if kind == 4:
            msg = self._new_message(channel, data)
        elif kind == 5:
            msg = self._new_message(channel, {}, LOADING | (data.get("flags") or 0))
        elif kind == 7 and "message" in ex.payload:
            msg = self._edit(self.messages[int(ex.payload["message"]["id"])], data)
        if msg is not None and kind in (4, 5):
            ex.message_ids.append(int(msg["id"]))
        interaction = {
            "id": str(iid),
            "type": ex.payload["type"],
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool((data.get("flags") or 0) & EPHEMERAL),
        }
        if msg is not None:
            interaction["response_message_id"] = msg["id"]
        out: dict[str, Any] = {"interaction": interaction}
        if msg is not None:
            out["resource"] = {"type": kind, "message": msg}
        return _json(out)

    def _followup(self, token: str, body: dict[str, Any]) -> web.Response:
        ex = self._exchanges[token]
        if ex.message_ids:
            original = self.messages[ex.message_ids[0]]
            if original["flags"] & LOADING:  # Discord: the first follow-up fills the deferral,
                return _json(self._edit(original, body))  # whose visibility (flags) stays
        msg = self._new_message(int(ex.payload["channel_id"]), body)
        ex.message_ids.append(int(msg["id"]))
        return _json(msg)

    def _webhook_message(
        self, method: str, token: str, which: str, body: dict[str, Any]
    ) -> web.Response:
        ex = self._exchanges[token]
        mid = ex.message_ids[0] if which == "@original" else int(which)
        msg = self.messages.get(mid)
        if msg is None:
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        if method == "PATCH":
            return _json(self._edit(msg, body))
        return _json(msg)

    def _open_dm(self, user_id: int) -> web.Response:
        channel_id = next((c for c, u in self._dm_channels.items() if u == user_id), None)
        if channel_id is None:
            channel_id = next(self._ids)
            self._dm_channels[channel_id] = user_id
        user = self.users.get(user_id, FakeUser(user_id, f"user{user_id}"))
        return _json(
            {
                "id": str(channel_id),
                "type": 1,
                "last_message_id": None,
                "recipients": [user.payload()],
            }
        )

    def dm_channel_of(self, user: FakeUser) -> int | None:
        return next((c for c, u in self._dm_channels.items() if u == user.id), None)

    def open_dm(self, user: FakeUser) -> int:
        """The user's DM channel with the bot, made as Discord would when they write first."""
        self.users.setdefault(user.id, user)
        found = self.dm_channel_of(user)
        if found is None:
            found = next(self._ids)
            self._dm_channels[found] = user.id
        return found

    def _channel_post(self, channel_id: int, body: dict[str, Any]) -> web.Response:
        if channel_id in self._dm_channels:
            if self.users[self._dm_channels[channel_id]].dms_closed:
                return _json({"message": "Cannot send messages to this user", "code": 50007}, 403)
        elif channel_id in self.forbidden_channels:
            return _json({"message": "Missing Access", "code": 50001}, 403)
        elif channel_id != CHANNEL_ID:
            return _json({"message": "Unknown Channel", "code": 10003}, 404)
        elif channel_id in self.no_attach_files and self._uploads:
            return _json({"message": "Missing Permissions", "code": 50013}, 403)
        nonce = body.get("nonce") if body.get("enforce_nonce") else None
        if nonce is not None and str(nonce) in self._nonces:
            # Discord: the same author's message with this nonce is returned, none created
            return _json(self.messages[self._nonces[str(nonce)]])
        msg = self._new_message(channel_id, body)
        if nonce is not None:
            self._nonces[str(nonce)] = int(msg["id"])
        return _json(msg)

    def _channel_edit(self, channel_id: int, message_id: int, body: dict[str, Any]) -> web.Response:
        msg = self.messages.get(message_id)
        if msg is None or msg["channel_id"] != str(channel_id):
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        return _json(self._edit(msg, body))

    async def _cdn(self, request: web.Request) -> web.Response:
        self.downloads.append(request.match_info["name"])
        data = self.files.get(request.match_info["name"])
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, content_type="application/octet-stream")

    def attachment(self, name: str, data: bytes) -> dict[str, Any]:
        """Serve a file as an uploaded attachment; returns its `resolved` entry."""
        self.files[name] = data
        return {
            "id": str(next(self._ids)),
            "filename": name,
            "size": len(data),
            "url": f"{self.url}/cdn/{name}",
            "proxy_url": f"{self.url}/cdn/{name}",
            "content_type": "application/x-yaml",
        }


async def _multipart(request: web.Request) -> tuple[Any, list[Upload]]:
    """discord.py's multipart body: `payload_json` (the JSON) and `files[n]` parts."""
    body: Any = None
    files: list[Upload] = []
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        assert isinstance(part, BodyPartReader)
        data = await part.read()
        if part.name == "payload_json":
            body = json.loads(data)
        else:
            ctype = part.headers.get("Content-Type", "application/octet-stream")
            files.append(Upload(part.name or "", part.filename or "", ctype, bytes(data)))
    return body, files


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py compares the header exactly: no "; charset=utf-8"
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


def _option(name: str, value: Any, type_: int | None) -> dict[str, Any]:
    if type_ is None:
        type_ = 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 3
    return {"type": type_, "name": name, "value": value}


def _bot_user() -> dict[str, Any]:
    return {
        "id": str(APP_ID),
        "username": "interview-bot",
        "global_name": None,
        "discriminator": "0",
        "avatar": None,
        "bot": True,
        "flags": 0,
    }


def _text_channel(channel_id: int) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(GUILD_ID),
        "name": "general",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
    }


def _guild() -> dict[str, Any]:
    return {
        "id": str(GUILD_ID),
        "name": "Test server",
        "icon": None,
        "owner_id": "1",
        "unavailable": False,
        "member_count": 3,
        "large": False,
        "features": [],
        "roles": [
            {
                "id": str(GUILD_ID),
                "name": "@everyone",
                "permissions": str(MEMBER_PERMISSIONS),
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }
        ],
        "channels": [_text_channel(CHANNEL_ID)],
        "threads": [],
        "members": [],
        "emojis": [],
        "stickers": [],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "premium_tier": 0,
        "nsfw_level": 0,
        "preferred_locale": "en-US",
        "system_channel_flags": 0,
        "joined_at": TIMESTAMP,
    }
