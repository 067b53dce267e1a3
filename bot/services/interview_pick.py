"""Which question an interview asks next: within its slot's topic and kinds, unseen first,
and, when difficulty adapts, the one the person should get right about 70 % of the time.

The estimate is the practice service's (`bot.services.abilities`): `rating(where, topic)` and
`chance(rating, question)`. A pinned difficulty (`/interview start python hard`) never adapts.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.domain.keys import Scope
from bot.domain.questions import Kind, Question
from bot.domain.records import Session
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


class AbilityModel(Protocol):
    """The practice service's estimates (`bot.services.abilities.Abilities`)."""

    async def rating(self, where: Where, topic: str) -> float: ...

    async def ratings(self, where: Where) -> dict[str, float]: ...

    async def record(self, where: Where, question: Question, score: float, at_ms: int) -> None: ...


class Estimates(Protocol):
    """The module functions that go with it: predicted chance, and a level in words."""

    def chance(self, rating: float, question: Question) -> float: ...

    def level(self, rating: float) -> str: ...


def rating_for(estimates: Estimates, difficulty: int) -> float:
    """The rating at which a question of `difficulty` is answered right about TARGET of the
    time (bisection on the model's own `chance`)."""
    probe = Question("", Kind.OPEN, "", difficulty, "", "")
    lo, hi = -4.0, 4.0
    for _ in range(30):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if estimates.chance(mid, probe) < TARGET else (lo, mid)
    return (lo + hi) / 2


@dataclass
class Picker:
    """Chooses each question of an interview, from the person's estimates when adaptive."""

    store: Store
    rng: random.Random
    abilities: AbilityModel | None = None
    estimates: Estimates | None = None

    @property
    def can_adapt(self) -> bool:
        return self.abilities is not None and self.estimates is not None

    async def pick(
        self,
        where: Where,
        bank: QuestionBank,
        topic: str | None,
        kinds: tuple[Kind, ...],
        diff: int | None,
        exclude: set[str],
        adaptive: bool,
        prefer: int | None,
    ) -> Question | None:
        """A question for one slot; None when a track's topic is missing from this bank."""
        try:
            pool = slot_pool(bank, topic, kinds, diff, exclude)
        except UserError:
            if topic is None:
                raise
            return None  # a track's topic this team's bank lacks: its other topics go on
        chance = self._chance_of(prefer) if adaptive else None
        return await choose(self.store, where, pool, self.rng, chance, prefer)

    def _chance_of(self, prior: int | None = None) -> ChanceOf:
        """Predicted chance per question, the ratings read once. In a topic with no estimate
        yet, a track's level (`prior`, 1-3) stands in: as if that level were right 70 %."""
        known: dict[str, float] | None = None
        abilities, estimates = self.abilities, self.estimates
        assert abilities is not None and estimates is not None

        async def chance(where: Where, q: Question) -> float:
            nonlocal known
            if known is None:
                known = await abilities.ratings(where)
            if q.topic not in known:
                known[q.topic] = (
                    await abilities.rating(where, q.topic)
                    if prior is None
                    else rating_for(estimates, prior)
                )
            return estimates.chance(known[q.topic], q)

        return chance

    async def next_question(
        self,
        where: Where,
        s: Session,
        slots: list[list[Any]],
        adaptive: bool,
        prior: int | None,
        bank: QuestionBank,
        now_ms: int,
    ) -> Question | None:
        """The question at `s.position`: re-chosen for the updated estimate when adaptive
        (the session's list is rewritten), and marked asked."""
        planned = bank.get(s.question_ids[s.position])
        if adaptive and s.position < len(slots):
            topic, kinds = slots[s.position]
            asked = set(s.question_ids[: s.position])
            kinds_ = tuple(Kind(str(k)) for k in kinds)
            q = await self.pick(where, bank, topic, kinds_, None, asked, True, prior)
            if q is not None and q.id != s.question_ids[s.position]:
                ids = list(s.question_ids)
                later = ids.index(q.id) if q.id in ids[s.position + 1 :] else -1
                if later > 0:  # it was planned later: swap, so no question comes twice
                    ids[later] = ids[s.position]
                ids[s.position] = q.id
                await self.store.set_session_questions(s.platform, s.team, s.id, tuple(ids))
                planned = q
        if planned is not None:
            await mark_asked(self.store, where, planned, now_ms)
        return planned
