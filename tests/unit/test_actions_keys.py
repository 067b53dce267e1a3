"""The small string formats: each parses back what it writes, and refuses anything else."""

from __future__ import annotations

import pytest

from bot.domain.actions import Action, ActionKind, AnswerContext, BadAction
from bot.domain.keys import PeriodKey, Scope
from bot.domain.records import RoundKind
from bot.domain.values import UserError


@pytest.mark.parametrize(
    "action",
    [
        Action.quiz("r1"),
        Action.daily("abc"),
        Action.interview("s1", 0),
        Action.interview("s1", 12),
        Action.of_round(RoundKind.DAILY, "d"),
    ],
)
def test_an_action_parses_back_from_its_text(action: Action) -> None:
    assert Action.parse(str(action)) == action


def test_action_texts_are_the_stored_ones() -> None:
    assert str(Action.quiz("r1")) == "quiz:r1"
    assert str(Action.interview("s1", 2)) == "interview:s1:2"
    assert Action.parse("daily:r9").round_kind is RoundKind.DAILY
    assert Action.parse("interview:s:3").round_kind is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "quiz",
        "quiz:",
        "quiz:a:b",
        "poll:r1",
        "interview:s1",
        "interview:s1:x",
        "interview::0",
        "interview:s1:-1",
        "interview:s1:٣",
        "daily:r1:B",
    ],
)
def test_anything_else_is_a_button_no_longer_in_use(text: str) -> None:
    with pytest.raises(BadAction, match="no longer in use") as e:
        Action.parse(text)
    assert isinstance(e.value, UserError)  # shown to the person as is


def test_an_id_with_a_colon_cannot_be_built() -> None:
    with pytest.raises(BadAction):
        Action.quiz("a:b")


def test_answer_contexts() -> None:
    ctx = AnswerContext.of_round(RoundKind.QUIZ, "r1")
    assert str(ctx) == "quiz:r1" and AnswerContext.parse("quiz:r1") == ctx
    assert ctx.round_id == "r1"
    assert AnswerContext.parse("interview:s1") == AnswerContext(ActionKind.INTERVIEW, "s1")
    assert AnswerContext.parse("interview:s1").round_id is None  # type: ignore[union-attr]
    assert AnswerContext.parse("nonsense") is None


def test_scopes_and_periods() -> None:
    for scope, text in (
        (Scope.team(), "team"),
        (Scope.channel("C1"), "channel:C1"),
        (Scope.topic("python"), "topic:python"),
        (Scope.user("U1"), "user:U1"),
    ):
        assert str(scope) == text and Scope.parse(text) == scope
    for period, text in (
        (PeriodKey.day("2026-11-21"), "day:2026-11-21"),
        (PeriodKey.week("2026-W47"), "week:2026-W47"),
        (PeriodKey.month("2026-11"), "month:2026-11"),
        (PeriodKey.all(), "all"),
    ):
        assert str(period) == text and PeriodKey.parse(text) == period
    for bad in ("", "teams", "galaxy:1", "team:x"):
        with pytest.raises(ValueError):
            Scope.parse(bad)
    for bad in ("", "week:", "year:2026", "all:x"):
        with pytest.raises(ValueError):
            PeriodKey.parse(bad)
