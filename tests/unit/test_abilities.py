"""The ability model on its own: chances, level words, step sizes."""

from __future__ import annotations

from dataclasses import replace

from bot.domain.questions import Kind, Question
from bot.services.abilities import START_RATING, chance, k_factor, level, level_line, updated

Q = Question(id="q", kind=Kind.SHORT, topic="django", difficulty=2, prompt="?", explanation="")


def test_chance_rises_with_the_rating_and_falls_with_the_difficulty() -> None:
    easy, hard = replace(Q, difficulty=1), replace(Q, difficulty=3)
    assert chance(0.0, Q) == 0.5
    assert chance(1.0, Q) > chance(0.0, Q) > chance(-1.0, Q)
    assert chance(0.0, easy) > chance(0.0, Q) > chance(0.0, hard)
    assert 0.70 < chance(0.85, Q) < 0.71  # a mid person gets mid questions right ~70 %


def test_level_words() -> None:
    assert level(START_RATING) == "junior"
    assert level(-3.0) == "junior"
    assert level(0.85) == "mid"
    assert level(1.85) == "senior"
    assert level_line({"python": 2.0, "django": 0.9}) == "Level: django: mid · python: senior"
    assert level_line({}) == ""


def test_steps_shrink_with_answers_and_move_towards_the_score() -> None:
    assert k_factor(0) > k_factor(10) > k_factor(100) >= 0.15
    assert updated(0.0, 0, Q, 1.0) > 0.0 > updated(0.0, 0, Q, 0.0)
    assert updated(0.0, 0, Q, 0.5) == 0.0  # as expected: no move
    early = updated(0.0, 0, Q, 1.0) - 0.0
    late = updated(0.0, 50, Q, 1.0) - 0.0
    assert early > 2 * late


def test_a_long_run_of_right_answers_reaches_senior_and_stays_bounded() -> None:
    r, hard = START_RATING, replace(Q, difficulty=3)
    for n in range(200):
        r = updated(r, n, hard, 1.0)
    assert level(r) == "senior" and r <= 4.0
