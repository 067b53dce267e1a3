"""Check that blocking work runs off the event loop, without timing anything."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

T = TypeVar("T")


async def run_holding(
    monkeypatch: pytest.MonkeyPatch, owner: object, name: str, start: Callable[[], Awaitable[T]]
) -> T:
    """Await `start()` while `owner.name` (the blocking function it must call in a worker
    thread) waits until the event loop has run a callback.

    Off the loop, the loop runs that callback and the work goes on. On the loop, the callback
    cannot run, so the wait gives up and the call fails: the loop was blocked.
    """
    released = threading.Event()
    real = getattr(owner, name)

    def held(*args: Any, **kwargs: Any) -> Any:
        if not released.wait(10):
            raise AssertionError(f"{name} ran on the event loop and blocked it")
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, held)
    asyncio.get_running_loop().call_soon(released.set)
    return await start()
