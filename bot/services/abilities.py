"""Ability estimates per person and topic: a Rasch (one-parameter logistic) model kept up
to date Elo-style, one graded answer at a time.

A person's rating r and a question's difficulty b are on one logit scale; the chance of a
right answer is 1 / (1 + e^-(r - b)), with b = difficulty - 2 (1 easy → -1, 3 hard → +1).
After an answer scored s (0..1) the rating moves by K·(s - chance), K shrinking with the
answers the estimate already rests on, so early answers move it fast and later ones fine-tune.
Every graded answer of a quiz, a daily question or an interview counts, once: the store keeps
each (question, answer time) that moved an estimate, so a redelivered update does nothing.
"""

from __future__ import annotations

import math

from bot.domain.questions import Grade, Question, Verdict
from bot.domain.values import Where
from bot.store.protocol import Store

START_RATING = 0.0  # a person's first estimate in a topic: easy questions ~73 % right
K_START = 0.8  # the step of the first answers...
K_MIN = 0.15  # ...shrinking to this once the estimate rests on many
RATING_LIMIT = 4.0  # |rating| is kept within this (the scale's useful range)

# A person at level L gets level-L questions right about 70 % of the time: the centres are
# b_L + ln(0.7/0.3) ≈ b_L + 0.85, and the words change half-way between centres.
_LEVELS = ((0.35, "junior"), (1.35, "mid"))
SENIOR = "senior"


def item_difficulty(question: Question) -> float:
    """The question's difficulty (1-3) on the rating scale."""
    return float(min(3, max(1, question.difficulty)) - 2)


def chance(rating: float, question: Question) -> float:
    """The predicted chance that a person of `rating` answers `question` right."""
    return 1.0 / (1.0 + math.exp(item_difficulty(question) - rating))


def level(rating: float) -> str:
    """The rating in words: "junior", "mid" or "senior"."""
    for upper, word in _LEVELS:
        if rating < upper:
            return word
    return SENIOR


def k_factor(answers: int) -> float:
    """The step size after `answers` earlier graded answers in the topic."""
    return max(K_MIN, K_START / math.sqrt(1.0 + answers / 3.0))


def updated(rating: float, answers: int, question: Question, score: float) -> float:
    """The rating after one more answer scored `score` (0..1)."""
    s = min(1.0, max(0.0, score))
    new = rating + k_factor(answers) * (s - chance(rating, question))
    return min(RATING_LIMIT, max(-RATING_LIMIT, new))


def level_line(ratings: dict[str, float]) -> str:
    """ "Level: django mid · python junior" for /stats ('' with no estimate yet)."""
    if not ratings:
        return ""
    return "Level: " + " · ".join(f"{t}: {level(r)}" for t, r in sorted(ratings.items()))


class Abilities:
    """The estimates, read and updated through the store (both backends)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def rating(self, where: Where, topic: str) -> float:
        """The person's current estimate in a topic (START_RATING before any answer)."""
        got = (await self.store.abilities(where.platform, where.team, where.user)).get(topic)
        return got[0] if got is not None else START_RATING

    async def ratings(self, where: Where) -> dict[str, float]:
        """Every topic the person has an estimate in, by topic."""
        rows = await self.store.abilities(where.platform, where.team, where.user)
        return {t: r for t, (r, _) in rows.items()}

    async def record(self, where: Where, question: Question, score: float, at_ms: int) -> None:
        """Move the person's estimate in the question's topic by one answer scored `score`
        (0..1) given at `at_ms`; the same (question, at_ms) again changes nothing."""

        def step(rating: float | None, answers: int) -> float:
            return updated(START_RATING if rating is None else rating, answers, question, score)

        await self.store.apply_ability(
            where.platform,
            where.team,
            where.user,
            question.topic,
            f"{question.id}@{at_ms}",
            at_ms,
            step,
        )

    async def after_answer(
        self, where: Where, question: Question, grade: Grade, at_ms: int, source: str
    ) -> None:
        """The hook of rounds and interviews: a newly stored graded answer (skips and late
        ones do not count)."""
        if grade.verdict not in (Verdict.SKIPPED, Verdict.LATE):
            await self.record(where, question, grade.score, at_ms)
