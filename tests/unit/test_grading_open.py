"""Open answers graded like an interviewer would: key points, negation, gaming, feedback.

These use the lexical grader (`LEXICAL`), so they need no model; the semantic blend is tested
in test_grading_semantic.py.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.questions import KeyPoint, Kind, Question
from bot.grading import LEXICAL, MAX_ANSWER_CHARS, grade, warm_up
from bot.grading.keypoints import derive_points

GIL = Question(
    id="py-gil-open",
    kind=Kind.OPEN,
    topic="python",
    difficulty=2,
    prompt="What is the GIL, and what does it mean for threads in CPython?",
    explanation="",
    reference=(
        "The GIL is a lock in CPython that lets only one thread run Python bytecode at a "
        "time. I/O-bound threads still help because the lock is released while waiting; "
        "CPU-bound work needs multiprocessing."
    ),
    key_points=(
        KeyPoint(
            "only one thread runs bytecode at a time",
            ("one thread at a time", "only one thread", "single thread"),
        ),
        KeyPoint("it is a lock (mutex)", ("lock", "mutex")),
        KeyPoint("I/O-bound threads still help", ("i/o", "io bound", "released")),
        KeyPoint("CPU-bound work needs processes", ("multiprocessing", "processes")),
    ),
)


def open_q(prompt: str, reference: str, *points: tuple[str, tuple[str, ...]]) -> Question:
    return Question(
        id=f"q-{abs(hash((prompt, points)))}",
        kind=Kind.OPEN,
        topic="python",
        difficulty=2,
        prompt=prompt,
        explanation="",
        reference=reference,
        key_points=tuple(KeyPoint(p, t) for p, t in points),
    )


async def lex(q: Question, answer: str):  # type: ignore[no-untyped-def]
    return await grade(q, answer, options=LEXICAL)


async def test_a_complete_answer_is_correct_and_says_what_it_covered() -> None:
    g = await lex(
        GIL,
        "The GIL is a mutex: only one thread executes Python bytecode at a time. "
        "Threads still help for I/O because the lock is released while they wait, "
        "but for CPU-bound work you use multiprocessing.",
    )
    assert g.verdict == "correct" and g.score >= 0.9
    assert len(g.right) == 4 and g.missing == ()
    assert "You covered" in g.feedback


async def test_a_partial_answer_lists_what_is_missing() -> None:
    g = await lex(
        GIL,
        "It's a lock in the interpreter so only one thread runs at a time; threads are limited.",
    )
    assert g.verdict == "partial"
    assert "I/O-bound threads still help" in g.missing
    assert "CPU-bound work needs processes" in g.missing
    assert "Missing:" in g.feedback and "CPU-bound work needs processes" in g.feedback


async def test_synonyms_stems_and_typos_count() -> None:
    g = await lex(
        GIL,
        "A single thread at once because of a big mutex; use multiprocesing "
        "for heavy computation, and IO bound programs are fine with threads.",
    )
    assert set(g.right) == {kp.point for kp in GIL.key_points}


async def test_a_word_inside_another_word_is_not_the_word() -> None:
    q = open_q("What does a fan move?", "It moves air.", ("it moves air", ("air",)))
    assert (await lex(q, "It moves the chair across the room when it spins fast")).right == ()
    assert (await lex(q, "It moves air around the room when it spins fast")).right == (
        "it moves air",
    )


async def test_a_term_written_as_one_word_is_found_as_two_and_stemmed() -> None:
    q = open_q(
        "How would you hold a record of fields in Python?",
        "Use a dataclass.",
        ("a dataclass", ("dataclass",)),
    )
    assert (await lex(q, "I would define a small data class for it")).right == ("a dataclass",)
    assert (await lex(q, "Two data classes, one per record type")).right == ("a dataclass",)
    assert (await lex(q, "A class holding some data, like a dict")).right == ()


async def test_negation_does_not_show_the_point() -> None:
    q = open_q(
        "Is list.append thread-safe in CPython?",
        "Yes: a single append is atomic under the GIL, so it is thread-safe.",
        ("it is thread-safe", ("thread-safe", "threadsafe", "atomic")),
    )
    yes = await lex(
        q,
        "Appending to a list is thread safe in CPython because the GIL makes "
        "a single append effectively one step for other threads",
    )
    no = await lex(
        q,
        "Appending to a list is not thread-safe in CPython, so you always need "
        "a lock around it when other threads use the same list",
    )
    assert yes.right == ("it is thread-safe",)
    assert no.right == () and no.missing == ("it is thread-safe",)
    assert "opposite" in no.feedback
    assert no.score < yes.score


async def test_a_point_that_is_itself_negative_needs_the_negation() -> None:
    q = open_q(
        "Can you change a tuple after creating it?",
        "No, tuples are immutable.",
        ("tuples cannot be changed", ("immutable", "cannot be changed", "can't modify")),
    )
    assert (
        await lex(
            q, "No, a tuple can't be changed once it has been created, you build a new one instead"
        )
    ).right == ("tuples cannot be changed",)
    assert (
        await lex(q, "Yes, a tuple can be changed whenever you like by assigning to an index")
    ).right == ()


async def test_keyword_stuffing_gets_at_most_a_low_partial() -> None:
    g = await lex(
        GIL,
        "GIL lock mutex single thread one thread at a time multiprocessing "
        "processes i/o io bound released bytecode",
    )
    assert g.score <= 0.3
    assert "list of keywords" in g.feedback
    g2 = await lex(GIL, "lock, mutex, only one thread, multiprocessing, I/O, released, CPython")
    assert g2.score <= 0.3


async def test_repeating_the_question_scores_low() -> None:
    g = await lex(GIL, "What is the GIL, and what does it mean for threads in CPython?")
    assert g.score <= 0.1 and g.verdict == "wrong"
    assert "repeats the question" in g.feedback
    g2 = await lex(GIL, "The GIL in CPython is what the GIL means for threads in CPython.")
    assert g2.score <= 0.1


async def test_empty_and_off_topic_answers_are_wrong() -> None:
    for answer in ("", "   ", "?!", "I like football and pizza on the weekend."):
        g = await lex(GIL, answer)
        assert g.verdict == "wrong" and g.score <= 0.1, answer
    assert (await lex(GIL, "")).feedback == "There is no answer to grade."


async def test_a_very_short_answer_is_capped_and_told_so() -> None:
    q = open_q(
        "What does CPython's GIL do?",
        "It lets only one thread run bytecode at a time.",
        ("one thread at a time", ("one thread at a time", "one thread")),
    )
    short = await lex(q, "one thread at a time")
    assert short.right == ("one thread at a time",)
    assert short.verdict != "correct" and "very short" in short.feedback
    longer = await lex(
        q,
        "It makes sure only one thread at a time executes Python bytecode, "
        "even on a machine with many cores.",
    )
    assert longer.score > short.score and "very short" not in longer.feedback


async def test_key_points_are_derived_from_the_reference_when_missing() -> None:
    q = open_q(
        "What is git stash?",
        "git stash saves your uncommitted changes on a stack and cleans the working "
        "directory. git stash pop brings the changes back later.",
    )
    points = derive_points(q.reference)
    assert [p.point for p in points] == [
        "git stash saves your uncommitted changes on a stack and cleans the working directory",
        "git stash pop brings the changes back later",
    ]
    good = await lex(
        q,
        "It saves uncommitted changes on a stack so the working directory is "
        "clean, and pop brings them back later.",
    )
    half = await lex(q, "It saves your uncommitted changes somewhere so you can switch branch.")
    bad = await lex(q, "It deletes the repository from the server for good.")
    assert good.verdict == "correct"
    assert 0 < half.score < good.score and half.missing
    assert bad.verdict == "wrong"


async def test_numbers_in_terms_match_as_numbers() -> None:
    q = open_q("Which status code means not found?", "404 Not Found.", ("404", ("404",)))
    assert (await lex(q, "That is the 404 status code, Not Found")).right == ("404",)
    assert (await lex(q, "That is the 4040 status code, Not Found")).right == ()


async def test_long_answers_are_clipped_not_refused() -> None:
    covered = (
        "The GIL is a mutex: only one thread runs bytecode at a time. Threads help for I/O "
        "because the lock is released; CPU-bound work uses multiprocessing. "
    )
    filler = "Some more words about interpreters. "
    # the same complete answer, first within the graded characters, then just past them
    early = await lex(GIL, (covered + filler * 500)[: MAX_ANSWER_CHARS * 3])
    assert early.verdict == "correct" and early.missing == ()
    padding = filler * (MAX_ANSWER_CHARS // len(filler) + 1)
    late = await lex(GIL, padding + covered)
    assert late.verdict == "wrong" and late.right == ()
    assert len(late.missing) == len(GIL.key_points)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
async def test_any_text_grades_between_0_and_1(answer: str) -> None:
    g = await lex(GIL, answer)
    assert 0.0 <= g.score <= 1.0
    assert g.verdict in {"correct", "partial", "wrong"}


async def test_warm_up_is_a_no_op_without_semantic() -> None:
    assert await warm_up(LEXICAL) is False
