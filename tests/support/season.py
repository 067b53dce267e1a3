"""A season of answers and every number a user could read from it, to compare backends."""

from __future__ import annotations

import random
from datetime import date

from bot.domain.records import AnswerRow
from bot.store.protocol import Store
from tests.support.builders import P, T, answer_row


def season(seed: int = 8, n: int = 400) -> list[AnswerRow]:
    """Many answers over six weeks, with ties, repeats and a few unranked ones."""
    rng = random.Random(seed)
    users = ["ann", "Ann", "bo", "cy", "Dee", "eve", "fay", "gus", "hal", "ida"]
    out = []
    for _ in range(n):
        day = date.fromordinal(date(2026, 1, 1).toordinal() + rng.randrange(42)).isoformat()
        correct = rng.random() < 0.6
        out.append(
            answer_row(
                rng.choice(users),
                f"quiz:r{rng.randrange(60)}",
                f"q{rng.randrange(3)}",
                correct=correct,
                points=rng.choice([10, 12, 15]) if correct else rng.choice([0, 0, 3]),
                ms=1_000 * rng.randrange(200),
                day=day,
                channel=rng.choice(["c1", "c2"]),
                topic=rng.choice(["python", "web"]),
                ranked=rng.random() < 0.9,
            )
        )
    return out


async def boards(store: Store) -> dict[str, object]:
    """Every leaderboard, rank, streak and stat a user could see for `season()`."""
    out: dict[str, object] = {}
    periods = (
        ["all"]
        + [f"month:2026-0{m}" for m in (1, 2)]
        + [f"week:2026-W{w:02d}" for w in range(1, 8)]
        + [
            f"day:{date.fromordinal(date(2026, 1, 1).toordinal() + d).isoformat()}"
            for d in range(42)
        ]
    )
    users = ["ann", "Ann", "bo", "cy", "Dee", "eve", "fay", "gus", "hal", "ida"]
    for scope in ["team", "channel:c1", "channel:c2", "topic:python", "topic:web"]:
        for period in periods:
            out[f"top {scope} {period}"] = await store.top(P, T, scope, period, 100)
            out[f"size {scope} {period}"] = await store.board_size(P, T, scope, period)
        for u in users:
            out[f"rank {scope} {u}"] = await store.rank_of(P, T, scope, "all", u)
    for u in users:
        out[f"streak {u}"] = await store.streak(P, T, u)
        out[f"stats {u}"] = await store.topic_stats(P, T, u)
    out["streaks"] = await store.top_streaks(P, T, "2026-01-01", 100)
    return out
