"""Score -> verdict, shared by every grader."""

from __future__ import annotations

from bot.domain.questions import Verdict

CORRECT_AT = 0.75  # an open answer scoring this much is "correct"
PARTIAL_AT = 0.25  # below this it is "wrong"


def clamp(x: float, lo: float = 0.0, hi: float = 1.0) -> float:
    return lo if x < lo else hi if x > hi else x


def verdict_for(score: float) -> Verdict:
    """Correct, partial or wrong for a score in 0..1."""
    if score >= CORRECT_AT:
        return Verdict.CORRECT
    if score >= PARTIAL_AT:
        return Verdict.PARTIAL
    return Verdict.WRONG
