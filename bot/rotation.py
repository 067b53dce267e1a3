"""Pick questions without repeats: unseen first; once a pool is used up, the longest unseen."""

from __future__ import annotations

import random
from collections.abc import Sequence

from bot.domain import Question
from bot.store.base import Store


async def pick(store: Store, platform: str, team: str, scope: str,
               pool: Sequence[Question], n: int, now_ms: int,
               rng: random.Random | None = None) -> list[Question]:
    """`n` distinct questions from `pool` for a scope (channel:<id> or user:<id>).

    The ones picked are marked seen, so the next pick prefers others.
    """
    rng = rng or random.Random()
    seen = await store.seen(platform, team, scope)
    fresh = [q for q in pool if q.id not in seen]
    rng.shuffle(fresh)
    chosen = fresh[:n]
    if len(chosen) < n:
        stale = sorted((q for q in pool if q.id in seen), key=lambda q: (seen[q.id], rng.random()))
        chosen += stale[: n - len(chosen)]
    if chosen:
        await store.mark_seen(platform, team, scope, [q.id for q in chosen], now_ms)
    return chosen
