"""Confidently wrong, paraphrased and adversarial answers to the bank's open questions.

The answers are bench/grading/hard_answers.yaml, written before the grader was changed for them.
These tests hold what the grader reaches today, so it cannot slip back: every adversarial answer
stays low, paraphrases that avoid the reference's words keep their credit, swapped roles and
rubric misconceptions are held down with feedback that says so, and grades are reproducible.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

from bot.domain.questions import KeyPoint, Kind, Misconception, Question
from bot.grading import LEXICAL, GradingOptions, grade, grade_many
from bot.questions.bank import QuestionBank
from bot.questions.parse import parse_pack

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "grading"))

from hard import load_hard  # noqa: E402

BANK = QuestionBank.from_dir(ROOT / "questions")
HARD = load_hard(BANK)


def of(kind: str) -> list[tuple[Question, str]]:
    return [(q, a) for k, q, a in HARD if k == kind]


def test_the_set_is_as_the_issue_asks() -> None:
    assert len(of("misconception")) >= 60
    assert len(of("paraphrase")) >= 20 and len(of("adversarial")) >= 15


@pytest.mark.parametrize("options", [LEXICAL, GradingOptions()], ids=["lexical", "semantic"])
async def test_adversarial_answers_stay_low(options: GradingOptions) -> None:
    grades = await grade_many(of("adversarial"), options=options)
    high = [
        (q.id, a, g.score)
        for (q, a), g in zip(of("adversarial"), grades, strict=True)
        if g.score > 0.3
    ]
    assert not high


@pytest.mark.parametrize("options", [LEXICAL, GradingOptions()], ids=["lexical", "semantic"])
async def test_paraphrases_without_the_reference_words_keep_their_credit(
    options: GradingOptions,
) -> None:
    grades = await grade_many(of("paraphrase"), options=options)
    low = [
        (q.id, g.score)
        for (q, _), g in zip(of("paraphrase"), grades, strict=True)
        if g.score < 0.65
    ]
    assert not low


async def test_more_misconceptions_are_held_down_than_before() -> None:
    """Before issue 14 (and before the bank had misconceptions), 4 of 69 (semantic) and 9 of
    69 (lexical) scored <= 0.3."""
    grades = await grade_many(of("misconception"))
    assert sum(g.score <= 0.3 for g in grades) >= 15


async def test_the_same_answer_gets_the_same_grade_alone_and_in_a_batch() -> None:
    items = [(q, a) for _, q, a in HARD]
    batch = await grade_many(items)
    alone = [await grade(q, a) for q, a in items[::7]]
    assert alone == batch[::7]
    assert await grade_many(items) == batch


async def test_swapped_roles_are_held_down_and_named() -> None:
    listed = BANK.get("py-is-vs-eq-open")
    assert listed is not None
    # the bank's claims now catch this answer as a misconception too; the swap check is tested
    # on its own, without them
    q = replace(listed, misconceptions=())
    caught = await grade(
        listed,
        "`is` compares the values of two objects, while `==` compares "
        "identity, that is whether both names point at the same object "
        "in memory.",
    )
    assert caught.score <= 0.3
    # the swap check alone (the cross-encoder scores this terse right answer low: 0.37)
    static = GradingOptions(cross=False)
    g = await grade(
        q,
        "`is` compares the values of two objects, while `==` compares identity, "
        "that is whether both names point at the same object in memory.",
        options=static,
    )
    right = await grade(
        q,
        "`is` compares identity, whether both names point at the same "
        "object in memory, while `==` compares the values of two objects.",
        options=static,
    )
    assert g.score <= 0.3 and "swapped" in g.feedback
    assert right.score > g.score + 0.2 and "swapped" not in right.feedback


async def test_swapped_roles_in_plain_words() -> None:
    q = BANK.get("web-tcp-udp-open")
    assert q is not None
    g = await grade(
        q,
        "UDP is the reliable one: it sets up a connection with a handshake and "
        "resends lost packets, while TCP just fires datagrams, so TCP is used "
        "for video calls and games.",
    )
    assert g.score <= 0.3 and g.verdict == "wrong"


IS = Question(
    id="t-is",
    kind=Kind.OPEN,
    topic="python",
    difficulty=2,
    explanation="",
    prompt="What does the GIL guarantee?",
    reference="Only one thread runs Python bytecode at a time; it does not make your code "
    "thread-safe, so shared data still needs locks.",
    key_points=(
        KeyPoint("one thread at a time", ("one thread at a time", "only one thread")),
        KeyPoint("shared data still needs locks", ("locks", "lock")),
    ),
    misconceptions=(
        Misconception(
            "the GIL makes all Python code thread-safe",
            "it only protects the interpreter; x += 1 can still race",
        ),
    ),
)


async def test_a_rubric_misconception_is_held_down_and_explained() -> None:
    wrong = await grade(
        IS,
        "Only one thread at a time runs bytecode, so the GIL makes all "
        "Python code thread-safe and you never need locks.",
    )
    assert wrong.score <= 0.2 and wrong.verdict == "wrong"
    assert "common misconception" in wrong.feedback and "x += 1" in wrong.feedback


async def test_denying_the_misconception_is_not_stating_it() -> None:
    g = await grade(
        IS,
        "Only one thread at a time runs bytecode, but the GIL does not make "
        "Python code thread-safe: shared data still needs locks.",
    )
    assert g.score >= 0.75 and "misconception" not in g.feedback


def test_packs_may_carry_misconceptions() -> None:
    pack = parse_pack(
        """
id: t
title: T
topic: python
version: 1
questions:
  - id: t-open
    kind: open
    difficulty: 1
    prompt: "What does the GIL guarantee?"
    reference: "One thread at a time runs bytecode."
    misconceptions:
      - {claim: "the GIL makes code thread-safe", why: "it protects the interpreter only"}
    explanation: "."
""",
        "t.yaml",
    )
    q = pack.questions[0]
    assert q.misconceptions == (
        Misconception("the GIL makes code thread-safe", "it protects the interpreter only"),
    )


def test_only_open_questions_take_misconceptions() -> None:
    from bot.questions.schema import PackError

    with pytest.raises(PackError, match="misconceptions"):
        parse_pack(
            """
id: t
title: T
topic: python
version: 1
questions:
  - id: t-short
    kind: short
    difficulty: 1
    prompt: "Which lock?"
    accepted: ["GIL"]
    misconceptions: [{claim: "a mutex", why: "no"}]
    explanation: "."
""",
            "t.yaml",
        )


async def test_an_expanded_acronym_is_not_an_answer() -> None:
    q = BANK.get("api-rest-open")
    assert q is not None
    g = await grade(q, "REST is short for Representational State Transfer.")
    assert g.score <= 0.1 and "acronym" in g.feedback


INDEX = Question(
    id="t-index",
    kind=Kind.OPEN,
    topic="db",
    difficulty=2,
    explanation="",
    prompt="What does a database index cost?",
    reference="It takes storage and makes writes slower, because every index is updated too.",
    key_points=(
        KeyPoint("it costs storage", ("storage", "disk space")),
        KeyPoint("writes get slower", ("slower writes", "writes slower", "slows writes")),
    ),
)


async def test_a_key_point_said_the_other_way_round_is_named() -> None:
    g = await grade(
        INDEX,
        "It takes storage, but writes get faster because the rows are found sooner.",
        options=LEXICAL,
    )
    right = await grade(
        INDEX,
        "It takes storage and writes get slower since each index is maintained.",
        options=LEXICAL,
    )
    assert "opposite of: writes get slower" in g.feedback
    assert right.score > g.score


async def test_a_terse_answer_in_sentences_is_not_a_keyword_list() -> None:
    q = BANK.get("py-gil-open")
    assert q is not None
    terse = await grade(
        q,
        "Only one thread runs bytecode at a time; CPU-bound work needs "
        "multiprocessing, I/O threads still help.",
        options=LEXICAL,
    )
    stuffed = await grade(
        q, "MRO C3 linearization left to right super mutex bytecode", options=LEXICAL
    )
    assert "keywords" not in terse.feedback and terse.score > 0.5
    assert "keywords" in stuffed.feedback


def test_every_bank_claim_is_caught_and_references_do_not_trip_them() -> None:
    """The matcher against the bank's own misconceptions: each claim stated as it is written is
    caught, and a question's reference answer hardly ever reads as one of its claims."""
    from bot.grading.roles import states_claim

    qs = [q for q in BANK if q.kind is Kind.OPEN and q.misconceptions]
    claims = [(q, m.claim) for q in qs for m in q.misconceptions]
    missed = [c for q, c in claims if not states_claim(q.prompt, c, c, q.reference)]
    tripped = [c for q, c in claims if states_claim(q.prompt, c, q.reference, q.reference)]
    assert not missed
    assert len(tripped) <= 0.01 * len(claims)


def test_a_claim_in_two_sentences_and_a_negated_claim() -> None:
    from bot.grading.roles import states_claim

    claim = (
        "A transaction just makes the statements run faster as a batch; if one fails, "
        "the ones before it stay saved."
    )
    assert states_claim(
        "What is a transaction?",
        claim,
        "It makes the statements run faster as a batch. If one fails, the "
        "ones before it stay saved.",
        "All or nothing: COMMIT or ROLLBACK.",
    )
    neg = "You need Celery, because Django can't send e-mail from a view on its own."
    assert states_claim(
        "Do you need Celery?",
        neg,
        "Django cannot send e-mail from a view, so you need Celery.",
        "Django sends mail with send_mail.",
    )
    assert not states_claim(
        "Do you need Celery?",
        neg,
        "Django can send e-mail from a view itself; Celery only moves it off the request.",
        "Django sends mail with send_mail.",
    )
