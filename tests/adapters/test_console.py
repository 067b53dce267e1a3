"""The whole stack through `interview-bot console`, as a user would type it, on a real file."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.console import run_console


def test_console_from_a_question_to_the_leaderboard(tmp_path: Path) -> None:
    db = tmp_path / "console.db"
    script = "\n".join([
        "/quiz web",
        "/answer 404",  # choices are shuffled per round: answered by their text
        "/answer 404",
        "/user bob",
        "/answer 301",
        "/quiz stop",
        "/answer 404",
        "/leaderboard all",
        "/dance",
    ]) + "\n"
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
        (p.name, oct(p.stat().st_mode)) for p in made]


def test_console_appeal_accept_and_the_board_follows(tmp_path: Path) -> None:
    """The console user is the team's admin: they appeal their own wrong answer, see it in
    the queue, accept it, and the leaderboard shows the new points once."""
    db = tmp_path / "console.db"
    script = "\n".join([
        "/quiz web",
        "/answer 500",
        "/quiz stop",
        "/appeal our API answers 500 for missing pages",
        "/flag t-http two answers fit",
        "/appeals",
        "/appeals accept 1",
        "/appeals accept 1",
        "/appeals reject 2 only 404 means Not Found",
        "/leaderboard all",
    ]) + "\n"
    res = run_console(db, script)
    out = res.stdout
    assert res.returncode == 0, res.stderr
    assert "Appeal #1 filed" in out and "Flag #2 filed" in out
    assert "#1 appeal by alice on t-http: Which status code means Not Found?" in out
    assert "answer: '500' — wrong, score 0.00, 0 pts" in out
    assert "alice's answer to t-http: 0 → 15 points (correct)" in out  # at once: speed bonus
    assert "#1 was already accepted; nothing changed." in out
    assert "Your appeal #1 was accepted" in out  # posted to the channel
    assert "alice, on t-http: only 404 means Not Found" in out
    assert "🥇 alice — 15 pts (1/1 right)" in out
def test_console_question_report_rests_and_keeps(tmp_path: Path) -> None:
    db = tmp_path / "console.db"
    lines = []
    for i in range(22):  # 22 players, each wrong on the web quiz question
        lines += [f"/user p{i}", "/quiz web", "/answer 500", "/quiz stop"]
    lines += ["/questions report", "/quiz web", "/questions keep t-http", "/quiz web"]
    res = run_console(db, "\n".join(lines) + "\n")
    out = res.stdout
    assert res.returncode == 0, res.stderr
    assert "Question report: 1 question(s) look broken" in out
    assert "t-http (web) · rested" in out
    assert "nobody got it right in 22 answers" in out
    assert "Every question that fits is resting or retired in this team" in out
    assert "t-http kept" in out
    assert out.count("Quiz · web") == 23  # asked again once kept
