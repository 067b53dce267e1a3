"""A small HTTP port for operations: /healthz (database, platforms) and /metrics."""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.metrics import REGISTRY
from bot.store.protocol import Store

log = logging.getLogger(__name__)

Checks = dict[str, Callable[[], bool]]


def make_app(store: Store, platforms: Checks) -> web.Application:
    async def healthz(_: web.Request) -> web.Response:
        body: dict[str, object] = {}
        ok = True
        try:
            body["database"] = f"ok (schema {await store.schema_version()})"
        except Exception as e:
            ok = False
            body["database"] = f"unreachable: {type(e).__name__}"
        status = {}
        for name, connected in platforms.items():
            up = bool(connected())
            status[name] = "connected" if up else "disconnected"
            ok = ok and up
        body["platforms"] = status
        body["status"] = "ok" if ok else "unhealthy"
        return web.json_response(body, status=200 if ok else 503)

    async def metrics(_: web.Request) -> web.Response:
        resp = web.Response(body=generate_latest(REGISTRY))
        resp.content_type = CONTENT_TYPE_LATEST.split(";")[0]
        return resp

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    return app


class OpsServer:
    def __init__(self, store: Store, platforms: Checks, host: str, port: int) -> None:
        self.app = make_app(store, platforms)
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        log.info("health and metrics on http://%s:%d/healthz and /metrics", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
