"""`interview-bot questions import` of a team's interview track: detected from the content,
or named with `--format track`; a broken one exits 1 with its line and stores nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.store import open_store
from interview_bot.cli import app

runner = CliRunner()
TEAM = ["--platform", "slack", "--team", "T1"]
TRACK = """\
id: our-backend
title: Our backend interview
level: mid
questions: 5
minutes: 30
mix:
  - topic: python
    kinds: [open, code]
    weight: 2
  - topic: databases
"""


def stored(url: str) -> list[str]:
    async def go() -> list[str]:
        store = open_store(url)
        await store.connect()
        try:
            return [t.track_id for t in await store.team_tracks("slack", "T1")]
        finally:
            await store.close()

    return asyncio.run(go())


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def test_a_track_file_is_imported_for_the_team(tmp_path: Path, url: str) -> None:
    path = tmp_path / "our-backend.yaml"
    path.write_text(TRACK)
    res = runner.invoke(app, ["questions", "import", str(path), *TEAM])
    assert res.exit_code == 0, res.output
    assert "Track 'our-backend' imported" in res.output
    assert stored(url) == ["our-backend"]


def test_format_track_names_it_and_a_broken_one_stores_nothing(tmp_path: Path, url: str) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(TRACK.replace("questions: 5", "questions: 99").replace("databases", "cobol"))
    res = runner.invoke(app, ["questions", "import", str(path), *TEAM, "--format", "track"])
    assert res.exit_code == 1
    assert f"{path}:4: questions: Input should be less than or equal to 30" in res.output
    path.write_text(TRACK.replace("topic: databases", "topic: cobol"))
    res = runner.invoke(app, ["questions", "import", str(path), *TEAM, "-f", "track"])
    assert res.exit_code == 1
    assert f"{path}:10: mix[1].topic: no topic 'cobol' in this team's bank" in res.output
    assert stored(url) == []
