"""Whole mock interviews played by simulated candidates (tests/support/candidates.py) through
the console harness, answering in plain messages, on a FakeClock."""

from __future__ import annotations

import random
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.console.harness import ConsoleHarness
from bot.clock import FakeClock
from bot.domain.questions import Question
from bot.domain.values import Card
from bot.questions.bank import QuestionBank
from bot.services.container import build_core
from bot.services.interview_followups import composed_prompt
from interview_bot.config import Settings
from tests.support.candidates import Candidate, Played, play

PACK = Path(__file__).resolve().parents[1] / "data" / "interview_pack"


@pytest.fixture
async def h(db_path: Path, clock: FakeClock) -> AsyncIterator[ConsoleHarness]:
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{db_path}",  # type: ignore[call-arg]
        questions_dir=PACK,
        semantic_grading=False,
    )
    core = await build_core(
        settings, clock=clock, bank=QuestionBank.from_dir(PACK), rng=random.Random(3)
    )
    yield ConsoleHarness(core, user="alice")
    await core.close()


def score(report: Card) -> int:
    m = re.search(r"\((\d+)%\)", report.text)
    assert m, report.text
    return int(m.group(1))


async def current_question(h: ConsoleHarness) -> Question:
    s = await h.core.interviews.current(h.session.where())
    assert s is not None
    q = (await h.core.banks.for_team("console", "local")).get(s.question_ids[s.position])
    assert q is not None
    return q


def difficulties(p: Played) -> list[int]:
    return [q.difficulty for q in p.questions]


def told_right(p: Played) -> list[str]:
    return [c.title for c in p.cards if c.title.startswith(("Right", "Partly right"))]


async def test_the_perfect_candidate_ends_strong_with_no_follow_ups(h: ConsoleHarness) -> None:
    p = await play(h, Candidate("perfect"))
    assert p.follow_ups == 0
    assert not any(t.startswith("Follow-up") for t in p.titles())
    assert p.report.text.startswith("Overall: strong.")
    assert score(p.report) >= 90
    # every strength rests on a quoted sentence of the candidate's own answer
    lines = "\n".join(v for n, v in p.report.fields if n != "Study plan")
    assert lines.count("✓") >= 8 and "“" in lines and "not mentioned" not in lines


async def test_the_partial_candidate_is_asked_about_what_it_missed(h: ConsoleHarness) -> None:
    p = await play(h, Candidate("partial"))
    assert p.follow_ups >= len(p.questions)  # at least one follow-up per question
    asked = [c.text for c in _follow_up_cards(p)]
    for q in p.questions:  # each question's first follow-up aims at the first point missed
        said = Candidate("partial").answer(q)[0].lower()
        missed = [kp for kp in q.key_points if not any(t.lower() in said for t in kp.terms)]
        assert missed and composed_prompt(q, missed[0]) in asked, q.id
    generator = next(q for q in p.questions if q.id == "iv-generator")
    assert generator.key_points[2].follow_up in asked  # the pack's own follow-up prompt
    plan = dict(p.report.fields)["Study plan"]
    assert plan.startswith("1. python")
    for q in p.questions:  # the points it never covered are named in the plan
        last = q.key_points[-1].point
        assert last in plan or f"{q.id}" in plan or last[:40] in plan
    feedback = [c for c in p.cards if "after a follow-up" in c.title]
    assert len(feedback) == len(p.questions)
    assert "after a follow-up" in "\n".join(v for _, v in p.report.fields)


def _follow_up_cards(p: Played) -> list[Card]:
    return [c for c in p.cards if c.title.startswith("Follow-up")]


@pytest.mark.parametrize("kind", ["silent", "gibberish", "echo", "injector"])
async def test_empty_or_hollow_answers_score_near_zero_and_are_never_told_right(
    h: ConsoleHarness, kind: str
) -> None:
    p = await play(h, Candidate(kind))
    assert score(p.report) <= 10
    assert told_right(p) == []
    assert "Overall: needs work." in p.report.text
    assert "✓" not in "\n".join(v for _, v in p.report.fields)


async def test_difficulty_rises_for_the_strong_and_falls_for_the_weak(h: ConsoleHarness) -> None:
    strong = await play(h, Candidate("perfect"), "/interview start python 6")
    up = difficulties(strong)
    assert up[-1] > up[0] and up == sorted(up), up
    weak = await play(h, Candidate("gibberish"), "/interview start python 4")
    down = difficulties(weak)
    assert down[0] > 1 and down[-1] < down[0], down  # starts where the strong run left it


async def test_a_pinned_difficulty_never_moves(h: ConsoleHarness) -> None:
    p = await play(h, Candidate("perfect"), "/interview start python hard 2")
    assert difficulties(p) == [3, 3]


async def test_the_below_level_candidate_does_worse_on_harder_questions(
    h: ConsoleHarness,
) -> None:
    p = await play(h, Candidate("below", level=1), "/interview start python medium 2")
    assert difficulties(p) == [2, 2]
    assert score(p.report) < 60


async def test_a_hint_caps_the_question_and_shows_in_the_report(h: ConsoleHarness) -> None:
    await h.ask("/interview start python easy 1")
    [hint] = await h.ask("/interview hint")
    assert hint.title.startswith("Hint") and "75 %" in hint.footer
    [again] = await h.ask("/interview hint")
    assert again.title.startswith("Your hint (one per question)") and again.text == hint.text
    q = await current_question(h)
    cards = await h.ask(q.reference)
    feedback, report = cards
    assert feedback.title == "Right · 75%"  # a full answer, capped by the hint
    assert "hint" in feedback.text
    assert "with a hint" in "\n".join(v for _, v in report.fields)


async def test_skip_during_a_follow_up_skips_only_the_follow_up(h: ConsoleHarness) -> None:
    await h.ask("/interview start python easy 2")
    partial = Candidate("partial")
    q = await current_question(h)
    cards = await h.ask(partial.answer(q)[0])
    assert cards[-1].title.startswith("Follow-up 1 · question 1/2")
    feedback, nxt = await h.ask("/interview skip")
    assert feedback.title.startswith("Partly right")  # the first answer's credit stays
    assert nxt.title.startswith("Question 2/2")


async def test_a_multi_line_answer_keeps_its_lines_and_reports_come_back(
    h: ConsoleHarness,
) -> None:
    await h.ask("/interview start python easy 1")
    q = await current_question(h)
    first, rest = q.reference.split(". ", 1)
    cards = await h.ask(f"/answer {first}.\\n{rest}")
    assert cards[0].title.startswith("Right")
    s = (await h.core.store.user_sessions("console", "local", "alice", 1))[0]
    [row] = await h.core.store.context_answers("console", "local", f"interview:{s.id}")
    assert row.answer == f"{first}.\n{rest}"
    [history] = await h.ask("/interview history")
    assert history.text.startswith("1. ") and "python" in history.text
    [again] = await h.ask("/interview report 1")
    assert again.title == "Interview report · python"
    assert f"“{first}.”" in "\n".join(v for _, v in again.fields)
    [bad] = await h.ask("/interview report 3")
    assert "1 interview(s)" in bad.text


async def test_tracks_are_listed_and_played(h: ConsoleHarness) -> None:
    from bot.questions.tracks import parse_track

    track = parse_track(
        "id: py-web\ntitle: Python and web\nlevel: junior\nquestions: 3\nminutes: 6\n"
        "mix:\n  - topic: python\n    weight: 2\n  - topic: web\n",
        "t.yaml",
    )
    h.core.interviews.use_tracks({track.id: track})
    [card] = await h.ask("/interview tracks")
    assert "py-web" in card.text and "3 questions, 6 min" in card.text
    p = await play(h, Candidate("perfect"), "/interview start track=py-web")
    assert [q.topic for q in p.questions] == ["python", "web", "python"]
    assert p.report.title == "Interview report · track py-web"
    assert "2 min each" in p.cards[0].text  # the track's budget, shared by its questions
    [bad] = await h.ask("/interview start track=nope")
    assert "Unknown track 'nope'. Tracks: py-web." == bad.text
