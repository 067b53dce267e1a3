"""A team's own interview track through the console: imported from a file with
`/questions import`, listed, played by a simulated candidate, removed."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.console.harness import ConsoleHarness
from bot.clock import FakeClock
from bot.questions.bank import QuestionBank
from bot.services.container import build_core
from interview_bot.config import Settings
from tests.support.candidates import Candidate, play

PACK = Path(__file__).resolve().parents[1] / "data" / "interview_pack"
TRACK = """\
id: py-web
title: Python and the web
level: junior
questions: 3
minutes: 6
mix:
  - topic: python
    weight: 2
  - topic: web
"""


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


async def test_a_track_file_is_imported_listed_played_and_removed(
    h: ConsoleHarness, tmp_path: Path
) -> None:
    path = tmp_path / "py-web.yaml"
    path.write_text(TRACK, "utf-8")
    [card] = await h.ask(f"/questions import {path}")
    assert card.title == "Track 'py-web' imported"
    [listed] = await h.ask("/interview tracks")
    assert "**py-web** · Python and the web: 3 questions, 6 min, python, web · this team's" in (
        listed.text
    )
    p = await play(h, Candidate("perfect"), "/interview start track=py-web")
    assert [q.topic for q in p.questions] == ["python", "web", "python"]
    assert p.report.title == "Interview report · track py-web"
    [removed] = await h.ask("/questions remove track:py-web")
    assert removed.title == "Track 'py-web' removed"
    [bad] = await h.ask("/interview start track=py-web")
    assert bad.text.startswith("Unknown track 'py-web'. Tracks: ")


async def test_a_broken_track_file_is_refused_with_its_line(
    h: ConsoleHarness, tmp_path: Path
) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(TRACK.replace("topic: web", "topic: cobol"), "utf-8")
    [card] = await h.ask(f"/questions import {path}")
    assert f"{path}:9: mix[1].topic: no topic 'cobol' in this team's bank" in card.text
    assert "the bank's topics: python, web" in card.text
    [listed] = await h.ask("/interview tracks")
    assert "py-web" not in listed.text
