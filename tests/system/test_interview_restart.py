"""kill -9 in the middle of a follow-up: the new process asks the same follow-up again, and
the reply is merged into the question's grade as if nothing had happened."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.support.console import BotProcess

PACK = Path(__file__).resolve().parents[1] / "data" / "interview_pack"
# Half of either easy question (list/tuple: "mutable"; dict: "keys"): a follow-up comes.
PARTIAL = "/answer A list is mutable. A dict has keys."


FOLLOW_UP = r"Follow-up 1 · question 1/2[\s\S]*skip moves to the next question"


def asked(out: str) -> str:
    """The follow-up's text, from the panel between its title and its footer."""
    body = out[out.index("Follow-up 1") :].split("Answer in a sentence")[0]
    return " ".join(w for w in body.split() if w.strip("│╭╮╰╯─"))


@pytest.fixture
def procs() -> Iterator[list[BotProcess]]:
    started: list[BotProcess] = []
    yield started
    for p in started:
        if p.proc.poll() is None:
            p.proc.kill()
            p.proc.wait(30)


def test_kill_9_mid_follow_up_resumes_the_follow_up(
    tmp_path: Path, procs: list[BotProcess]
) -> None:
    db = tmp_path / "bot.db"
    bot = BotProcess(db, "alice", QUESTIONS_DIR=str(PACK))
    procs.append(bot)
    bot.say("/interview start python easy 2", r"Question 1/2")
    out = bot.say(PARTIAL, FOLLOW_UP)
    prompt = asked(out)
    bot.kill()
    with closing(sqlite3.connect(db)) as con:  # nothing recorded yet: the question is open
        assert con.execute("SELECT COUNT(*) FROM answers").fetchone() == (0,)

    again = BotProcess(db, "alice", QUESTIONS_DIR=str(PACK))
    procs.append(again)
    out = again.say("/interview start", FOLLOW_UP)
    assert "You are on a follow-up to question 1 of 2" in out
    assert asked(out) == prompt  # the same follow-up
    out = again.say(
        "/answer I am not sure.",
        r"after a follow-up[\s\S]*Question 2/2|Follow-up 2[\s\S]*skip moves",
    )
    if "Follow-up 2" in out:  # the dict question misses two points: a second follow-up
        out = again.say("/interview skip", r"after a follow-up[\s\S]*Question 2/2")
    assert "Question 2/2" in out
    again.quit()
    with closing(sqlite3.connect(db)) as con:
        [(verdict, score)] = con.execute("SELECT verdict, score FROM answers").fetchall()
    assert verdict in ("partial", "wrong") and score < 1  # the resumed answer is recorded once
