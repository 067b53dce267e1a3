"""A spy around the real store: which store methods a request calls, and how often."""

from __future__ import annotations

from collections import Counter
from typing import Any

from bot.services.container import Core


class StoreSpy:
    """The real store, counting the calls made through it."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if not callable(attr):
            return attr

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return attr(*args, **kwargs)

        return counted


def spy_on(core: Core) -> StoreSpy:
    spy = StoreSpy(core.store)
    for holder in (core, core.quizzes, core.rounds, core.leaderboards, core.daily):
        holder.store = spy  # type: ignore[attr-defined]
    return spy
