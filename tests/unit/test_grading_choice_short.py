"""Choice and short answers, as a player would type them."""

from __future__ import annotations

import pytest

from bot.domain.questions import Choice, Kind, Question
from bot.grading import grade
from bot.grading.choice import choice_index


def choice_q(*texts: str, right: int = 1) -> Question:
    return Question(
        id="c",
        kind=Kind.CHOICE,
        topic="python",
        difficulty=1,
        prompt="Pick one",
        explanation="",
        choices=tuple(Choice(t, i == right) for i, t in enumerate(texts)),
    )


def short_q(*accepted: str) -> Question:
    return Question(
        id="s",
        kind=Kind.SHORT,
        topic="python",
        difficulty=1,
        prompt="Name it",
        explanation="",
        accepted=accepted,
    )


Q3 = choice_q("True", "False", "It raises TypeError")


@pytest.mark.parametrize(
    "answer",
    [
        "B",
        "b",
        "b)",
        "(b)",
        "B.",
        "2",
        "False",
        "false",
        " FALSE ",
        "answer: b",
        "option B",
        "B) False",
    ],
)
async def test_choice_accepts_letter_number_or_text(answer: str) -> None:
    g = await grade(Q3, answer)
    assert (g.verdict, g.score) == ("correct", 1.0), answer


@pytest.mark.parametrize("answer", ["A", "1", "True", "c", "It raises TypeError"])
async def test_choice_wrong_names_the_right_one(answer: str) -> None:
    g = await grade(Q3, answer)
    assert g.verdict == "wrong" and g.score == 0.0
    assert "B) False" in g.feedback


@pytest.mark.parametrize("answer", ["", "z", "7", "0", "maybe", "B) True"])
async def test_choice_that_is_no_choice_says_how_to_answer(answer: str) -> None:
    g = await grade(Q3, answer)
    assert g.verdict == "wrong"
    assert "letter" in g.feedback and "A-C" in g.feedback


def test_choice_text_wins_over_number_when_choices_are_numbers() -> None:
    q = choice_q("2", "3", "1", right=0)
    assert choice_index(q, "2") == 0  # the choice whose text is "2", not the second one
    assert choice_index(q, "b") == 1


@pytest.mark.parametrize(
    ("accepted", "answer"),
    [
        (("GIL", "global interpreter lock"), "gil"),
        (("GIL", "global interpreter lock"), "The Global Interpreter Lock."),
        (("GIL", "global interpreter lock"), "I think it's the GIL"),
        (("GIL", "global interpreter lock"), "global interpeter lock"),  # a typo in a long phrase
        (("3",), "3.0"),
        (("3",), "three"),
        (("1000",), "1,000"),
        (("O(n log n)",), "o(n log n)"),
        (("don't repeat yourself",), "Don’t Repeat Yourself"),  # unicode apostrophe
        (("None",), "None"),
        (("None",), "it returns None"),
    ],
)
async def test_short_right(accepted: tuple[str, ...], answer: str) -> None:
    g = await grade(short_q(*accepted), answer)
    assert (g.verdict, g.score) == ("correct", 1.0), answer


@pytest.mark.parametrize(
    ("accepted", "answer"),
    [
        (("air",), "chair"),  # a word is not found inside another word
        (("chair",), "air"),
        (("GIL",), "gill"),  # short words forgive no typo
        (("3",), "3.5"),
        (("3",), "4"),
        (("404 not found",), "403 not found"),  # numbers must match, however close the rest
        (("Python 3.10",), "Python 3.1"),
        (("GIL",), "not the GIL"),
        (("GIL",), "GIL or a mutex"),  # hedging between answers
        (("GIL",), "the GIL is a thing that I read about once in a blog about CPython internals"),
        (("GIL",), ""),
    ],
)
async def test_short_wrong(accepted: tuple[str, ...], answer: str) -> None:
    g = await grade(short_q(*accepted), answer)
    assert (g.verdict, g.score) == ("wrong", 0.0), answer


async def test_short_typo_is_forgiven_and_said() -> None:
    g = await grade(short_q("polymorphism"), "polymorphsim")
    assert g.correct and "spelled" in g.feedback


async def test_short_near_miss_says_close() -> None:
    g = await grade(short_q("decorator"), "decoration")
    assert not g.correct and g.feedback.startswith("Close")


@pytest.mark.parametrize(
    ("accepted", "answer"),
    [
        (("decorator",), "decorators"),  # plural
        (("cache",), "caching"),  # gerund
        (("proxy",), "proxies"),
        (("index",), "indexes"),
        (("database",), "a db"),  # common abbreviation
        (("dictionary",), "dict"),
        (("regular expression",), "regex"),
        (("GIL",), "Python's GIL"),
    ],
)
async def test_short_inflections_and_abbreviations_count(
    accepted: tuple[str, ...], answer: str
) -> None:
    g = await grade(short_q(*accepted), answer)
    assert g.verdict == "correct", answer


@pytest.mark.parametrize(
    ("accepted", "answer"),
    [
        (("select_related",), "select_relatd"),  # identifiers get no typo allowance
        (("prefetch_related",), "prefetch_relate"),
        (("HTTPS",), "HTTSP"),  # nor acronyms
        (("__init__",), "__inti__"),
        (("list",), "a list comprehension"),  # the accepted form inside another term
        (("GIL",), "GIL-free"),
        (("blocking",), "non-blocking"),
        (("decorator",), "decoration"),  # a different word, not an inflection
    ],
)
async def test_short_identifiers_exact_and_other_terms_wrong(
    accepted: tuple[str, ...], answer: str
) -> None:
    g = await grade(short_q(*accepted), answer)
    assert g.verdict == "wrong", answer
