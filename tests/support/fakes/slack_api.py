"""A local Slack on 127.0.0.1: the Web API methods the bot calls, response_urls, private file
downloads and a Socket Mode WebSocket. It records every call so tests can wait on them."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

from tests.support.fakes.server import LocalServer

TEAM = "T1"
BOT_USER = "UBOT"


@dataclass
class Call:
    method: str  # a Web API method, "response" for a response_url, "socket" for a WS frame
    args: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def headers_token(headers: dict[str, str]) -> str:
    """The token of a Web API call made with `Authorization: Bearer ...`."""
    auth = headers.get("Authorization") or headers.get("authorization") or ""
    return auth.removeprefix("Bearer ").strip()


class FakeSlack(LocalServer):
    """The Slack Web API, response_urls, file downloads and Socket Mode, recording calls."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.files: dict[str, bytes] = {}  # name -> content, listed in files.list
        self.uploads: dict[str, dict[str, Any]] = {}  # file id -> name, data (files_upload_v2)
        self.queued: dict[str, list[tuple[int, dict[str, Any], dict[str, str], bool]]] = {}
        self.posted: list[dict[str, Any]] = []  # every message chat.postMessage created
        self._changed = asyncio.Condition()
        self._ts = 0
        self._ws: web.WebSocketResponse | None = None
        # OAuth: workspaces by bot token and the codes that install them
        self.workspaces: dict[str, dict[str, str]] = {}
        self.codes: dict[str, str] = {}

    # --- life cycle -----------------------------------------------------------------------

    def routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{key}", self._respond)
        app.router.add_get("/files/{name}", self._file)
        app.router.add_post("/upload/{id}", self._upload)
        app.router.add_get("/link", self._link)

    async def closing(self) -> None:
        if self._ws is not None:
            await self._ws.close()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, key: str) -> str:
        return f"http://127.0.0.1:{self.port}/respond/{key}"

    # --- test controls --------------------------------------------------------------------

    def queue(
        self,
        method: str,
        body: dict[str, Any],
        status: int = 200,
        headers: dict[str, str] | None = None,
        *,
        applied: bool = False,
    ) -> None:
        """Answer the next call of `method` with this instead of the usual.

        `applied`: the call takes effect as usual (a message is created) and only the answer
        is this one, as when Slack fails after doing the work (a 500 after the post).
        """
        self.queued.setdefault(method, []).append((status, body, headers or {}, applied))

    def workspace(self, team_id: str, name: str) -> tuple[str, str]:
        """A workspace that can install the app: (the OAuth code Slack would hand the
        browser, the bot token oauth.v2.access then gives)."""
        token = f"xoxb-{team_id.lower()}"
        self.workspaces[token] = {"team_id": team_id, "team": name, "user_id": f"UBOT{team_id}"}
        code = f"code-{team_id}"
        self.codes[code] = token
        return code, token

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        where: Callable[[Call], bool] | None = None,
        seconds: float = 5.0,
    ) -> list[Call]:
        """Wait until `count` calls of `method` (matching `where`) have arrived."""

        def found() -> list[Call]:
            return [c for c in self.of(method) if where is None or where(c)]

        try:
            async with self._changed:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: len(found()) >= count), seconds
                )
        except TimeoutError:
            seen = "\n".join(f"  {c.method} {json.dumps(c.args)[:300]}" for c in self.calls)
            raise AssertionError(f"waited for {count} {method} call(s); got:\n{seen}") from None
        return found()

    async def send_envelope(self, envelope: dict[str, Any]) -> None:
        """Push a Socket Mode envelope to the connected client."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self._ws is not None), 5.0)
        assert self._ws is not None
        await self._ws.send_str(json.dumps(envelope))

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    # --- handlers -------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.body_exists:
            raw = await request.text()
            if request.content_type == "application/json":
                args.update(json.loads(raw or "{}"))
            else:
                args.update(parse_qsl(raw))
        await self._record(Call(method, args, dict(request.headers)))
        if self.queued.get(method):
            status, body, headers, applied = self.queued[method].pop(0)
            if applied:
                self._answer(method, args, dict(request.headers))
            return web.json_response(body, status=status, headers=headers)
        return web.json_response(self._answer(method, args, dict(request.headers)))

    def _answer(
        self, method: str, args: dict[str, Any], headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        ok: dict[str, Any] = {"ok": True}
        token = str(args.get("token") or "") or headers_token(headers or {})
        if method == "oauth.v2.access":
            tok = self.codes.pop(str(args.get("code")), None)
            if tok is None:
                return {"ok": False, "error": "invalid_code"}
            ws = self.workspaces[tok]
            return {
                **ok,
                "app_id": "A1",
                "access_token": tok,
                "token_type": "bot",
                "scope": "commands,chat:write",
                "bot_user_id": ws["user_id"],
                "team": {"id": ws["team_id"], "name": ws["team"]},
                "enterprise": None,
                "is_enterprise_install": False,
                "authed_user": {"id": f"UADMIN{ws['team_id']}"},
            }
        if method == "auth.test" and self.workspaces:
            ws = self.workspaces.get(token)
            if ws is None:
                return {"ok": False, "error": "invalid_auth"}
            return {
                **ok,
                "url": f"https://{ws['team'].lower()}.slack.com/",
                "team": ws["team"],
                "user": "bot",
                "team_id": ws["team_id"],
                "user_id": ws["user_id"],
                "bot_id": f"B{ws['team_id']}",
            }
        if method == "auth.test":
            return {
                **ok,
                "url": "https://test.slack.com/",
                "team": "Test",
                "user": "bot",
                "team_id": TEAM,
                "user_id": BOT_USER,
                "bot_id": "B1",
            }
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            self._ts += 1
            ts = args.get("ts") or f"1700000000.{self._ts:06d}"
            if method == "chat.postMessage":
                self.posted.append({**args, "ts": ts})
            return {**ok, "channel": args.get("channel"), "ts": ts, "message_ts": ts}
        if method == "conversations.open":
            return {**ok, "channel": {"id": "D" + str(args.get("users", "")).lstrip("U")}}
        if method == "users.info":
            uid = str(args.get("user"))
            user = {
                "id": uid,
                "name": uid.lower(),
                "is_admin": False,
                "is_owner": False,
                "profile": {"display_name": f"name-{uid}", "real_name": uid},
            }
            user.update(self.users.get(uid, {}))
            return {**ok, "user": user}
        if method == "files.list":
            files = [
                {
                    "id": f"F{i}",
                    "name": name,
                    "size": len(data),
                    "url_private_download": f"http://127.0.0.1:{self.port}/files/{name}",
                }
                for i, (name, data) in enumerate(reversed(self.files.items()))
            ]
            return {**ok, "files": files}
        if method == "files.info":
            if not self.files:
                return {"ok": False, "error": "file_not_found"}
            name = next(iter(self.files))
            return {
                **ok,
                "file": {
                    "id": args.get("file"),
                    "name": name,
                    "size": len(self.files[name]),
                    "url_private_download": f"http://127.0.0.1:{self.port}/files/{name}",
                },
            }
        if method == "files.getUploadURLExternal":  # files_upload_v2: a URL per file, …
            fid = f"FUP{len(self.uploads) + 1}"
            self.uploads[fid] = {"name": args.get("filename"), "data": b""}
            return {
                **ok,
                "file_id": fid,
                "upload_url": f"http://127.0.0.1:{self.port}/upload/{fid}",
            }
        if method == "files.completeUploadExternal":  # … then shared where it is asked to be
            done = json.loads(str(args.get("files") or "[]"))
            for f in done:
                self.uploads.get(f.get("id"), {}).update(
                    channel=args.get("channel_id"), comment=args.get("initial_comment")
                )
            return {**ok, "files": [{"id": f.get("id"), "title": f.get("title")} for f in done]}
        if method == "apps.connections.open":
            return {**ok, "url": f"ws://127.0.0.1:{self.port}/link"}
        return ok

    async def _respond(self, request: web.Request) -> web.Response:
        body = await request.json()
        await self._record(Call("response", {"key": request.match_info["key"], **body}))
        return web.Response(text="ok")

    async def _file(self, request: web.Request) -> web.Response:
        await self._record(
            Call("file", {"name": request.match_info["name"]}, dict(request.headers))
        )
        data = self.files.get(request.match_info["name"])
        if data is None or request.headers.get("Authorization") != "Bearer xoxb-test":
            return web.Response(status=404)
        return web.Response(body=data)

    async def _upload(self, request: web.Request) -> web.Response:
        fid = request.match_info["id"]
        data = await request.read()
        await self._record(Call("upload", {"file_id": fid, "length": len(data)}))
        if fid not in self.uploads:
            return web.Response(status=404)
        self.uploads[fid]["data"] = data
        return web.Response(text="OK - uploaded")

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(
            json.dumps({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}})
        )
        async with self._changed:
            self._ws = ws
            self._changed.notify_all()
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                await self._record(Call("socket", json.loads(msg.data)))
        return ws
