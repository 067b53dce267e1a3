"""Builders for the records and values tests make: rows, rounds, sessions, schedules, places.

Defaults describe one team ("test"/"t1") in channel c1; each test names only what it checks.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from datetime import date, datetime

from bot.clock import to_ms
from bot.domain.periods import local_keys
from bot.domain.records import AnswerRow, Round, Schedule, Session
from bot.domain.values import Card, Where
from bot.services.container import Core

P, T = "test", "t1"

_contexts = itertools.count()


def answer_row(
    user: str,
    context: str = "quiz:r1",
    question: str = "q1",
    *,
    correct: bool = True,
    points: int = 10,
    ms: int = 1_000,
    day: str = "2026-01-05",
    channel: str = "c1",
    topic: str = "python",
    ranked: bool = True,
    team: str = T,
    score: float | None = None,
    name: str | None = None,
) -> AnswerRow:
    """An answer as the store records it, on `day` at `ms` (day/week/month keys in UTC)."""
    d = date.fromisoformat(day)
    iso = d.isocalendar()
    return AnswerRow(
        platform=P,
        team=team,
        user_id=user,
        context=context,
        question_id=question,
        source=context.split(":")[0],
        channel=channel,
        topic=topic,
        display_name=name or user.upper(),
        answer=f"answer of {user}",
        score=(1.0 if correct else 0.0) if score is None else score,
        verdict="right" if correct else "wrong",
        correct=correct,
        points=points,
        ranked=ranked,
        elapsed_ms=ms % 60_000,
        answered_ms=ms,
        day=day,
        week=f"{iso.year}-W{iso.week:02d}",
        month=day[:7],
        feedback="fb",
        right_points=("a", "b") if correct else (),
        missing_points=() if correct else ("c",),
    )


def answer_at(
    user: str,
    points: int,
    when: datetime,
    *,
    channel: str = "c1",
    topic: str = "python",
    tz: str = "UTC",
    correct: bool = True,
    team: str = T,
) -> AnswerRow:
    """An answer given at `when`, in a round of its own, with period keys local to `tz`."""
    day, week, month = local_keys(when, tz)
    return AnswerRow(
        platform=P,
        team=team,
        user_id=user,
        context=f"quiz:r{next(_contexts)}",
        question_id="q",
        source="quiz",
        channel=channel,
        topic=topic,
        display_name=user.upper(),
        answer="A",
        score=1.0 if correct else 0.0,
        verdict="correct" if correct else "wrong",
        correct=correct,
        points=points,
        ranked=True,
        elapsed_ms=1000,
        answered_ms=to_ms(when),
        day=day,
        week=week,
        month=month,
    )


def round_(
    rid: str = "r1",
    *,
    channel: str = "c1",
    kind: str = "quiz",
    opened: int = 0,
    closes: int = 60_000,
    team: str = T,
) -> Round:
    """An open round of question q1."""
    return Round(
        id=rid,
        platform=P,
        team=team,
        channel=channel,
        kind=kind,
        question_id="q1",
        topic="python",
        started_by="u1",
        opened_ms=opened,
        closes_ms=closes,
    )


def session(sid: str = "s1", user: str = "u1", *, team: str = T) -> Session:
    """An active three-question interview at its first question."""
    return Session(
        id=sid,
        platform=P,
        team=team,
        channel="c1",
        user_id=user,
        display_name=user.upper(),
        topic="python",
        difficulty=2,
        question_ids=("q1", "q2", "q3"),
        position=0,
        status="active",
        visibility="ephemeral",
        started_ms=1_000,
        question_started_ms=1_000,
    )


def schedule(channel: str = "c1", *, team: str = T, status: str = "active") -> Schedule:
    """A weekday 09:30 Berlin schedule with a Friday recap."""
    return Schedule(
        platform=P,
        team=team,
        channel=channel,
        post_time="09:30",
        timezone="Europe/Berlin",
        weekdays="mon,tue,wed,thu,fri",
        topic="python",
        difficulty=None,
        open_minutes=480,
        recap_day="fri",
        recap_time="17:00",
        status=status,
        reason="",
        updated_ms=5,
    )


def where(
    user: str = "u1",
    *,
    channel: str = "c1",
    team: str = T,
    admin: bool = False,
    platform: str = P,
    name: str | None = None,
) -> Where:
    """Where a command comes from: `user` (display name in capitals) in a channel."""
    return Where(platform, team, channel, user, name or user.upper(), is_admin=admin)


def letter(card: Card, choice: str) -> str:
    """The letter a question card shows for `choice` (choices are shuffled per round)."""
    for line in card.text.splitlines():
        m = re.match(r"\*\*([A-J])\)\*\* (.*)", line)
        if m and m.group(2) == choice:
            return m.group(1)
    raise AssertionError(f"no choice {choice!r} in {card.text!r}")


async def broken_question_answers(core: Core, platform: str, team: str, n: int = 25) -> None:
    """n people answered t-is (a choice question) and nobody got it right."""
    for i in range(n):
        row = replace(
            answer_row(f"u{i}", f"quiz:r{i}", "t-is", correct=False),
            platform=platform,
            team=team,
            answer="B",
        )
        await core.store.record_answer(row)
