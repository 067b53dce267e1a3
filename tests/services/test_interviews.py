from __future__ import annotations

import asyncio
import random

import pytest

from bot.clock import FakeClock
from bot.domain.actions import Action
from bot.domain.values import UserError, Visibility
from bot.questions.bank import QuestionBank
from bot.services.container import Core, build_core
from interview_bot.config import Settings
from tests.support.builders import where
from tests.support.packs import TEST_PACKS


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Follow-ups off: these tests check the plain question-answer flow
    (tests/services/test_interview_followups.py checks follow-ups)."""
    return Settings(
        _env_file=None,
        database_url=database_url,  # type: ignore[call-arg]
        questions_dir=TEST_PACKS,
        semantic_grading=False,
        interview_follow_ups=0,
    )


GOOD = {
    "What is a generator?": (
        "A generator is a function that uses yield to produce values lazily, one at a time, "
        "on demand, and it keeps its state between calls instead of building a whole list."
    ),
    "What is the MRO?": (
        "The MRO is the method resolution order: the order in which Python searches a class "
        "and its base classes for an attribute or method. It is computed with the C3 "
        "linearization algorithm, so each class comes before its parents."
    ),
}


async def test_start_gives_intro_and_first_question_privately(core: Core) -> None:
    reply = await core.interviews.start(where("ann"), "python", count=2)
    intro, q1 = reply.cards
    assert "2 question(s)" in intro.text
    assert q1.title.startswith("Question 1/2 · python")
    assert q1.answer_form and q1.visibility is Visibility.EPHEMERAL
    assert q1.text in GOOD


async def test_direct_message_when_asked(core: Core) -> None:
    reply = await core.interviews.start(where("ann"), "python", count=1, direct=True)
    assert {c.visibility for c in reply.cards} == {Visibility.DIRECT}


async def test_full_interview_with_feedback_and_report(core: Core) -> None:
    reply = await core.interviews.start(where("ann"), "python", count=2)
    first = reply.cards[1].text
    r1 = await core.interviews.answer(where("ann"), GOOD[first])
    fb, q2 = r1.cards
    assert fb.title.startswith("Right · ")
    assert "✓" in dict(fb.fields)["What you got right"]
    assert q2.title.startswith("Question 2/2")
    r2 = await core.interviews.answer(where("ann"), "no idea, something about classes")
    fb2, report = r2.cards
    assert fb2.title.startswith("Not quite · ")  # a vague answer is not partly right
    assert "What was missing" in dict(fb2.fields)
    assert report.title == "Interview report · python"
    assert "By topic: python" in report.text
    lines = dict(report.fields)
    plan = lines.pop("Study plan")
    assert len(lines) == 2
    assert "python" in plan and "practise" in plan  # the missed points, to practise
    assert any("✗" in v for v in lines.values())  # what was missing, per question
    assert any("✓" in v for v in lines.values())
    with pytest.raises(UserError, match="no interview in progress"):
        await core.interviews.answer(where("ann"), "more")


async def test_skip_and_end_early(core: Core) -> None:
    await core.interviews.start(where("ann"), "python", count=2)
    skipped = await core.interviews.skip(where("ann"))
    assert skipped.cards[0].title == "Skipped"
    ended = await core.interviews.end(where("ann"))
    [report] = ended.cards
    assert "ended early" in report.text
    assert "Skipped (0%)" in "".join(v for _, v in report.fields)


async def test_time_limit_per_question(core: Core, clock: FakeClock) -> None:
    reply = await core.interviews.start(where("ann"), "python", count=2)
    clock.advance(601)
    late = await core.interviews.answer(where("ann"), GOOD[reply.cards[1].text])
    assert late.cards[0].title == "Time's up"
    assert late.cards[1].title.startswith("Question 2/2")  # moved on


async def test_stale_or_repeated_answer_is_refused(core: Core) -> None:
    reply = await core.interviews.start(where("ann"), "python", count=2)
    action = Action.parse(reply.cards[1].action)
    text = GOOD[reply.cards[1].text]
    results = await asyncio.gather(
        core.interviews.answer(where("ann"), text, action),
        core.interviews.answer(where("ann"), text, action),
        return_exceptions=True,
    )
    errors = [r for r in results if isinstance(r, UserError)]
    # refused while the first is being graded, or after it was stored: either way, once
    assert len(errors) == 1
    assert "already answered" in str(errors[0]) or "being graded" in str(errors[0])
    s = await core.interviews.current(where("ann"))
    assert s is not None and s.position == 1


async def test_bad_answers_change_nothing(core: Core) -> None:
    await core.interviews.start(where("ann"), "python", count=2)
    with pytest.raises(UserError, match="empty"):
        await core.interviews.answer(where("ann"), "   ")
    with pytest.raises(UserError, match="limit is 4,000"):
        await core.interviews.answer(where("ann"), "x" * 5000)
    s = await core.interviews.current(where("ann"))
    assert s is not None and s.position == 0


async def test_resumes_after_restart_with_no_answer_lost(
    settings: Settings, clock: FakeClock, bank: QuestionBank
) -> None:
    core1 = await build_core(settings, clock=clock, bank=bank, rng=random.Random(1))
    reply = await core1.interviews.start(where("ann"), "python", count=2)
    first = reply.cards[1].text
    await core1.interviews.answer(where("ann"), GOOD[first])
    await core1.close()

    core2 = await build_core(settings, clock=clock, bank=bank)
    try:
        again = await core2.interviews.start(where("ann"), "python")
        note, q = again.cards
        assert note.title == "Interview in progress"
        assert "question 2 of 2" in note.text
        second = q.text
        assert second != first
        done = await core2.interviews.answer(where("ann"), GOOD[second])
        report = done.cards[-1]
        assert "Score " in report.text and " of 2 (" in report.text
        assert "finished" in report.text
    finally:
        await core2.close()


async def test_interviews_count_in_stats_not_leaderboard(core: Core) -> None:
    reply = await core.interviews.start(where("ann"), "python", count=1)
    await core.interviews.answer(where("ann"), GOOD[reply.cards[1].text])
    stats = await core.leaderboards.stats(where("ann"))
    assert "1 answers, 1 right" in stats.text
    board = await core.leaderboards.board(where("ann"), "all")
    assert "No points yet" in board.text


async def test_sessions_are_per_team(core: Core) -> None:
    await core.interviews.start(where("ann"), "python", count=1)
    with pytest.raises(UserError, match="no interview in progress"):
        await core.interviews.answer(where("ann", team="t2"), "anything")
