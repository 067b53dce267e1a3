"""Which question an interview asks next: within its slot's topic and kinds, unseen first,
and, when difficulty adapts, the one the person should get right about 70 % of the time.

The estimate is the practice service's (`bot.services.abilities`): `rating(where, topic)` and
`chance(rating, question)`. A pinned difficulty (`/interview start python hard`) never adapts.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Sequence

from bot.domain.keys import Scope
from bot.domain.questions import Kind, Question
from bot.domain.values import UserError, Where
from bot.questions.bank import QuestionBank
from bot.store.protocol import Store

TARGET = 0.7  # the chance of a right answer an adaptive interview aims for

# (where, question) -> predicted chance of a right answer; None: no estimate (not adaptive)
ChanceOf = Callable[[Where, Question], Awaitable[float]]


def slot_pool(
    bank: QuestionBank,
    topic: str | None,
    kinds: Sequence[Kind],
    difficulty: int | None,
    exclude: set[str],
) -> list[Question]:
    """The slot's questions (the pinned difficulty only, if one), minus `exclude`."""
    try:
        pool = bank.select(topic, difficulty, kinds=kinds)
    except UserError:
        if difficulty is None:
            raise
        pool = bank.select(topic, None, kinds=kinds)  # none at that level: the nearest ones
        best = min(abs(q.difficulty - difficulty) for q in pool)
        pool = [q for q in pool if abs(q.difficulty - difficulty) == best]
    return [q for q in pool if q.id not in exclude]


async def choose(
    store: Store,
    where: Where,
    pool: Sequence[Question],
    rng: random.Random,
    chance_of: ChanceOf | None,
    prefer_difficulty: int | None = None,
) -> Question | None:
    """One question of `pool`: out-of-rotation ones never, unseen before seen; then the one
    whose predicted chance is nearest TARGET (adaptive), or nearest `prefer_difficulty`, or
    any. None when the pool is empty."""
    out = await store.out_of_rotation(where.platform, where.team)
    pool = [q for q in pool if q.id not in out]
    if not pool:
        return None
    seen = await store.seen(where.platform, where.team, str(Scope.user(where.user)))
    fresh = [q for q in pool if q.id not in seen]
    pool = fresh or pool  # all seen: the nearest fit again, the longest unseen of those first
    keyed: list[tuple[float, int, float, Question]] = []
    for q in pool:
        if chance_of is not None:
            dist = abs(await chance_of(where, q) - TARGET)
        elif prefer_difficulty is not None:
            dist = abs(q.difficulty - prefer_difficulty)
        else:
            dist = 0.0
        keyed.append((round(dist, 3), seen.get(q.id, 0), rng.random(), q))
    return min(keyed, key=lambda t: (t[0], t[1], t[2]))[3]


async def mark_asked(store: Store, where: Where, q: Question, now_ms: int) -> None:
    await store.mark_seen(where.platform, where.team, str(Scope.user(where.user)), [q.id], now_ms)
