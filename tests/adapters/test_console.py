"""The real process: `interview-bot console` as a user would type it, on a real file.

Conversations in depth go through the in-process harness (test_console_harness.py); these
check what only the process shows: start-up, the file on disk, its mode, the exit."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.console import run_console


def test_console_from_a_question_to_the_leaderboard(tmp_path: Path) -> None:
    db = tmp_path / "console.db"
    script = (
        "\n".join(
            [
                "/quiz web",
                "/answer 404",  # choices are shuffled per round: answered by their text
                "/answer 404",
                "/user bob",
                "/answer 301",
                "/quiz stop",
                "/answer 404",
                "/leaderboard all",
                "/dance",
            ]
        )
        + "\n"
    )
    res = run_console(db, script)
    out = res.stdout
    assert res.returncode == 0, res.stderr
    assert "Which status code means Not Found?" in out
    assert "Right!" in out and "+15 points" in out
    assert "You already answered this round" in out
    assert "Not this time" in out
    assert "Round over" in out and re.search(r"[ABC]\) 404", out)
    assert "Nothing to answer here" in out
    assert "🥇 alice — 15 pts (1/1 right)" in out
    assert "🥈 bob — 0 pts (0/1 right)" in out
    assert "Unknown command '/dance'" in out

    # the file keeps it all: a new process sees the same leaderboard
    again = run_console(db, "/leaderboard all\n/stats\n", user="alice")
    assert "🥇 alice — 15 pts" in again.stdout
    assert "1 answers, 1 right (100%)" in again.stdout


def test_the_bots_files_are_readable_by_its_user_only(tmp_path: Path) -> None:
    """Review C1: a world-readable database let any local user (and the old sandbox) read
    every team's answers. Files the bot creates now get mode 0600."""
    db = tmp_path / "console.db"
    res = run_console(db, "/help\n")
    assert res.returncode == 0, res.stderr
    made = [p for p in tmp_path.iterdir() if p.name.startswith("console.db")]
    assert made and all(p.stat().st_mode & 0o077 == 0 for p in made), [
        (p.name, oct(p.stat().st_mode)) for p in made
    ]
