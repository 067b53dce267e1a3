"""A misconception of the rubric stated in other words is held down (semantic grading), while
answers that refute it, or say the right thing with the same words in the other order, are not.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.domain.questions import Question
from bot.grading import LEXICAL, grade, grade_many
from bot.questions.bank import QuestionBank

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "grading"))

from hard import load_hard  # noqa: E402

BANK = QuestionBank.from_dir(ROOT / "questions")
DEV = load_hard(BANK, ROOT / "bench" / "grading" / "dev_answers.yaml")


def bank(qid: str) -> Question:
    q = BANK.get(qid)
    assert q is not None
    return q


async def test_a_misconception_in_other_words_is_held_down_and_explained() -> None:
    q = bank("docker-config-open")
    answer = (
        "Pass the API key as a build ARG; ARG values disappear when the build finishes, so "
        "secrets baked that way are safe, and a separate image per environment is the "
        "standard practice."
    )
    g = await grade(q, answer)
    assert g.score <= 0.2 and g.verdict == "wrong"
    assert "common misconception" in g.feedback
    assert "recorded in the image's history" in g.feedback  # the rubric's why
    lexical = await grade(q, answer, options=LEXICAL)
    assert "common misconception" not in lexical.feedback  # the words alone do not say it


async def test_of_claims_in_like_words_the_one_stated_is_named() -> None:
    """A rubric with many claims on one subject: the feedback names the claim the answer makes,
    not a neighbour in the same words."""
    q = bank("async-event-loop-open")
    answer = (
        "Every coroutine is given a separate operating-system thread by the event loop, so a "
        "thousand coroutines run in parallel on all the cores."
    )
    g = await grade(q, answer)
    assert g.score <= 0.2 and "common misconception" in g.feedback
    assert "share one thread" in g.feedback and "preempts" not in g.feedback


async def test_saying_it_is_a_myth_is_not_stating_it() -> None:
    q = bank("dj-workers-open")
    g = await grade(
        q,
        "It is not true that only twenty people can use the site. The extra "
        "connection sits in the listen backlog or the proxy until a worker is "
        "free; requests are short, so the 21st visitor usually gets the page a "
        "moment later, unless the backlog fills or a timeout expires.",
    )
    assert g.score >= 0.65 and "misconception" not in g.feedback


async def test_the_same_words_about_the_other_thing_are_not_the_claim() -> None:
    q = bank("py-str-vs-repr-open")  # claim: only __str__ defined -> repr() falls back to it
    g = await grade(
        q,
        "__repr__ is for developers: unambiguous, ideally the expression that "
        "rebuilds the object; the REPL and containers show it. __str__ is the "
        "readable text print() and str() use. If a class defines only "
        "__repr__, str() falls back to it.",
    )
    assert g.score >= 0.65 and "misconception" not in g.feedback


async def test_dev_set_meets_its_targets_and_grades_repeat() -> None:
    items = [(q, a) for _, q, a in DEV]
    grades = await grade_many(items)
    kinds = [k for k, _, _ in DEV]
    wrong = [g.score for k, g in zip(kinds, grades, strict=True) if k == "misconception"]
    right = [g.score for k, g in zip(kinds, grades, strict=True) if k == "paraphrase"]
    assert sum(s <= 0.3 for s in wrong) >= 0.6 * len(wrong)
    # hard.py's goal for paraphrases; these answers are in the cross-encoder's training data and
    # the shipped model still misses one (async-event-loop-open, 0.40; 0.59 with the one before)
    assert sum(s >= 0.65 for s in right) >= 0.9 * len(right)
    assert [await grade(q, a) for q, a in items[::5]] == grades[::5]


async def test_the_banks_added_claims_hold_a_wrong_fact_and_spare_the_right_one() -> None:
    q = bank("git-stash-open")
    wrong = await grade(
        q,
        "git stash makes a commit on your current branch with the uncommitted "
        "work, so you can switch branches.",
    )
    right = await grade(
        q,
        "git stash saves your uncommitted changes, staged and unstaged, on a "
        "stack and resets the working tree; git stash pop brings them back "
        "later.",
    )
    assert wrong.score <= 0.3 and "misconception" in wrong.feedback
    # terse, two points unsaid: 0.56 "partial" with the shipped model (0.645 with the one before)
    assert right.score >= 0.5
    assert "misconception" not in right.feedback
    swapped = await grade(
        bank("web-status-methods-open"),
        "Status codes: 4xx means something broke on the server side and 5xx "
        "means the client sent a bad request. GET, POST, PUT, PATCH, DELETE.",
    )
    assert swapped.score <= 0.3
