from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands.dispatch import dispatch, leaderboard_options, parse, split_options
from bot.domain.values import UserError
from bot.services.container import Core
from tests.support.builders import letter, where


def test_parse_names_aliases_and_plain_answers() -> None:
    assert parse("/quiz python 2").name == "quiz"
    assert parse("/QUIZ  python").args == ("python",)
    assert parse("/lb week").name == "leaderboard"
    plain = parse("  B ")
    assert plain.name == "answer" and plain.rest == "B"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), (None, None, None, False)),
        (("django", "5"), ("django", None, 5, False)),
        (("django", "2", "5"), ("django", "2", 5, False)),
        (("hard", "python"), ("python", "hard", None, False)),
        (("2",), (None, "2", None, False)),
        (("questions=4", "difficulty=easy", "dm"), (None, "easy", 4, True)),
    ],
)
def test_split_options_is_forgiving(args: tuple[str, ...], expected: tuple[object, ...]) -> None:
    assert split_options(args) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("django", "3"), ("django", None, 3, False)),  # the README's example: three questions
        (("django", "2", "5"), ("django", "2", 5, False)),  # the old two-number form still works
        (("django", "hard", "3"), ("django", "hard", 3, False)),
        (("django", "difficulty=3"), ("django", "3", None, False)),
        (("questions=4", "2"), (None, "2", 4, False)),  # the count is named: the number is a level
    ],
)
def test_in_an_interview_a_lone_number_is_the_question_count(
    args: tuple[str, ...], expected: tuple[object, ...]
) -> None:
    assert split_options(args, count_first=True) == expected


async def test_interview_start_with_a_number_asks_that_many(core: Core) -> None:
    reply = await dispatch(core, where("ann"), "/interview start python 2")
    assert reply.cards[-1].title.startswith("Question 1/2")


def test_split_options_explains_what_it_did_not_understand() -> None:
    with pytest.raises(UserError, match="did not understand 'extra'"):
        split_options(("python", "extra"))
    with pytest.raises(UserError, match="Too many numbers"):
        split_options(("1", "2", "3"))


def test_leaderboard_options() -> None:
    assert leaderboard_options(("week",)) == ("week", None, None)
    assert leaderboard_options(("all", "topic", "django")) == ("all", "topic", "django")
    assert leaderboard_options(("monthly", "channel")) == ("month", "channel", None)


async def test_dispatch_routes_and_explains(core: Core) -> None:
    reply = await dispatch(core, where("ann"), "/quiz web")
    assert reply.cards[0].buttons
    reply = await dispatch(core, where("bob"), f"/answer {letter(reply.cards[0], '404')}")
    assert reply.cards[0].title == "Right!"
    board = await dispatch(core, where("bob"), "/leaderboard all")
    assert "BOB — 15 pts" in board.cards[0].text
    with pytest.raises(UserError, match="Unknown command '/dance'"):
        await dispatch(core, where("bob"), "/dance")
    with pytest.raises(UserError, match="limit is 8,000"):
        await dispatch(core, where("bob"), "/answer " + "x" * 9000)


async def test_answer_goes_to_the_interview_when_one_runs(core: Core) -> None:
    await dispatch(core, where("ann"), "/quiz web")
    await dispatch(core, where("bob"), "/interview start python 2 1")
    reply = await dispatch(
        core,
        where("bob"),
        "/answer A generator uses yield to hand out "
        "values lazily, one at a time, keeping its state between calls.",
    )
    assert reply.cards[0].title.startswith("Right")
    assert any(c.title.startswith("Interview report") for c in reply.cards)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_parser_never_crashes(text: str) -> None:
    try:
        cmd = parse(text)
        split_options(cmd.args)
        leaderboard_options(cmd.args)
    except UserError as e:
        assert str(e)
