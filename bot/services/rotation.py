"""Pick questions without repeats: unseen first; once a pool is used up, the longest unseen.

Questions the team has out of rotation (rested by the item analytics, or retired by an
admin: bot.services.analytics) are never picked."""

from __future__ import annotations

import random
from collections.abc import Sequence

from bot.domain.keys import Scope
from bot.domain.questions import Question
from bot.domain.values import UserError
from bot.store.protocol import Store


async def pick(
    store: Store,
    platform: str,
    team: str,
    scope: Scope,
    pool: Sequence[Question],
    n: int,
    now_ms: int,
    rng: random.Random | None = None,
) -> list[Question]:
    """`n` distinct questions from `pool` for a scope (a channel, or a user's interviews).

    The ones picked are marked seen, so the next pick prefers others.
    """
    rng = rng or random.Random()
    out = await store.out_of_rotation(platform, team)
    if out:
        pool = [q for q in pool if q.id not in out]
        if not pool:
            raise UserError(
                "Every question that fits is resting or retired in this team: an "
                "admin can see why with /questions report, and keep or retire "
                "each."
            )
    key = str(scope)
    seen = await store.seen(platform, team, key)
    fresh = [q for q in pool if q.id not in seen]
    rng.shuffle(fresh)
    chosen = fresh[:n]
    if len(chosen) < n:
        stale = sorted((q for q in pool if q.id in seen), key=lambda q: (seen[q.id], rng.random()))
        chosen += stale[: n - len(chosen)]
    if chosen:
        await store.mark_seen(platform, team, key, [q.id for q in chosen], now_ms)
    return chosen
