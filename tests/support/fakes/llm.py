"""A local OpenAI-compatible chat completions endpoint on 127.0.0.1 for judge tests.

`reply` decides what each request gets: a message content string (wrapped in a normal
completion), a (status, body) pair sent as is, or `HANG` to never answer (until `stop()`).
Every request is recorded with its headers and JSON body.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.support.fakes.server import LocalServer

HANG = object()
Reply = str | tuple[int, Any] | object


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class FakeLLM(LocalServer):
    """An OpenAI-compatible chat completions endpoint answering `reply`."""

    reply: Reply | Callable[[dict[str, Any]], Reply] = '{"score": 4, "feedback": "Fine."}'
    requests: list[Request] = field(default_factory=list)
    _release: asyncio.Event = field(default_factory=asyncio.Event)

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/chat/completions", self._chat)

    async def closing(self) -> None:
        self._release.set()  # requests told to HANG give up

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await request.json()
        except ValueError:
            body = {}
        self.requests.append(Request(request.path, dict(request.headers), body))
        reply = self.reply(body) if callable(self.reply) else self.reply
        if reply is HANG:
            await self._release.wait()
            return web.Response(status=503)
        if isinstance(reply, tuple):
            status, payload = reply
            text = payload if isinstance(payload, str) else json.dumps(payload)
            return web.Response(status=status, text=text, content_type="application/json")
        return web.json_response(
            {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "model": body.get("model"),
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": str(reply)},
                    }
                ],
            }
        )
