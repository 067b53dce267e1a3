"""Normalisation the graders share: what counts as the same words."""

from __future__ import annotations

import pytest

from bot.grading.text import canonical_number, is_negated, normalise, stem, tokens


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("The “Global”  Interpreter-Lock!", "global interpreter lock"),
        ("  An   APPLE  ", "apple"),
        ("it’s", "it"),
        ("isn't", "is not"),
        ("can't", "can not"),
        ("Ｆｕｌｌｗｉｄｔｈ", "fullwidth"),
        ("3.0 seconds", "3 seconds"),
        ("1,000 users", "1000 users"),
        ("five", "5"),
        ("__init__", "__init__"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3", "3"),
        ("3.0", "3"),
        ("03", "3"),
        ("1e3", "1000"),
        ("0.50", "0.5"),
        ("-2.0", "-2"),
        ("1,000", "1000"),
        ("0.0", "0"),
        ("abc", None),
        ("", None),
        ("3.10", None),  # a version, not 3.1
        ("1.2.3", None),
    ],
)
def test_numbers_compare_as_numbers(raw: str, expected: str | None) -> None:
    assert canonical_number(raw) == expected


def test_versions_are_not_rounded() -> None:
    assert normalise("Python 3.10") != normalise("Python 3.1")


def test_stems_join_word_forms() -> None:
    assert stem("threads") == stem("thread")
    assert stem("caching") == stem("cached")
    assert stem("air") != stem("chair")


def test_negation_is_scoped_to_its_clause() -> None:
    toks = tokens("It is not thread-safe, but it is fast")
    words = [t.word for t in toks]
    assert is_negated(toks, words.index("thread"))
    assert not is_negated(toks, words.index("fast"))


def test_not_only_does_not_negate() -> None:
    toks = tokens("it is not only fast")
    assert not is_negated(toks, [t.word for t in toks].index("fast"))


def test_all_or_nothing_is_not_a_denial() -> None:
    """Audit: 'all or nothing' read as a negation told right answers they said the opposite."""
    from bot.grading.text import is_negated, tokens

    toks = tokens("a transaction is all or nothing atomic")
    assert not is_negated(toks, [t.word for t in toks].index("atomic"))
    toks = tokens("it is nothing atomic")
    assert is_negated(toks, [t.word for t in toks].index("atomic"))


@pytest.mark.parametrize(
    ("text", "denied"),
    [
        ("get returns None when the key is missing", False),  # Python's None, a value
        ("get returns `None` when the key is missing", False),
        ("d.get(k, None) is used when the key is missing", False),
        ("None of the keys is missing", True),  # English, opening a sentence
        ("it returns none when the key is missing", True),  # English, lower case
    ],
)
def test_pythons_none_is_a_value_not_a_denial(text: str, denied: bool) -> None:
    toks = tokens(text)
    assert is_negated(toks, [t.word for t in toks].index("missing")) is denied


async def test_an_answer_naming_none_gets_credit_for_what_it_says() -> None:
    """Before, "returns None when the key is missing" was read as denying "missing"."""
    from bot.domain.questions import KeyPoint, Kind, Question
    from bot.grading import LEXICAL, grade

    q = Question(
        id="q-get",
        kind=Kind.OPEN,
        topic="python",
        difficulty=1,
        prompt="What does dict.get do?",
        explanation="",
        reference="It returns the value for a key, or a default when the key is missing.",
        key_points=(
            KeyPoint("a default for a missing key", ("missing", "absent")),
            KeyPoint("returns the value", ("value",)),
        ),
    )
    g = await grade(
        q, "It gives back the value; it returns None when the key is missing.", options=LEXICAL
    )
    assert "a default for a missing key" in g.right and "opposite" not in g.feedback


def test_the_c_stemmer_gives_the_pure_python_stems() -> None:
    """snowballstemmer uses PyStemmer (C) when it is installed: grades must not depend on which
    one a machine has, so both stem every word of the bank (and pairs of words) alike."""
    c_stemmer = pytest.importorskip("Stemmer")
    from itertools import pairwise
    from pathlib import Path

    from snowballstemmer.english_stemmer import EnglishStemmer

    from bot.questions.bank import QuestionBank

    bank = QuestionBank.from_dir(Path(__file__).resolve().parents[2] / "questions")
    words: set[str] = set()
    for q in bank:
        for text in (q.prompt, q.reference or "", *(m.claim for m in q.misconceptions)):
            ws = [t.word for t in tokens(text)]
            words.update(ws)
            words.update(a + b for a, b in pairwise(ws))
    assert len(words) > 5000
    fast, pure = c_stemmer.Stemmer("english"), EnglishStemmer()
    assert [w for w in sorted(words) if fast.stemWord(w) != pure.stemWord(w)] == []
