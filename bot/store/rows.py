"""What the store backends share that is not SQL: column lists, the rank order, row mappers,
the session-update columns, the streak rule and the running-total keys.

Each backend keeps its own SQL in its own file; the mappers here read a row of either driver
(a `sqlite3.Row` or an `asyncpg.Record`: both are read by column name), so SQLite's 0/1 and
JSON text and PostgreSQL's booleans and JSONB lists come out as the same records.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import fields
from datetime import date, timedelta
from typing import Any

from bot.domain.actions import AnswerContext
from bot.domain.keys import PeriodKey, Scope
from bot.domain.practice import ReviewItem, ReviewReminder
from bot.domain.records import (
    AnswerRow,
    Appeal,
    InterviewTopicScore,
    Round,
    Schedule,
    Session,
    Streak,
)

ANSWER_COLS = [f.name for f in fields(AnswerRow)]
ROUND_COLS = [f.name for f in fields(Round)]
SESSION_COLS = [f.name for f in fields(Session)]
SCHEDULE_COLS = [f.name for f in fields(Schedule)]
APPEAL_COLS = [f.name for f in fields(Appeal)]
STREAK_COLS = "user_id, display_name, current, best, last_day"

# Tie-break, everywhere: more points, then whoever reached them first, then user id (bytewise:
# PostgreSQL's text columns are COLLATE "C", as SQLite compares).
RANK_ORDER = "points DESC, reached_ms ASC, user_id ASC"

# Every table, in the order `db copy` loads them; the derived ones (kept by the answer
# triggers) last, so what the triggers derived while the answers loaded can be replaced.
TABLES = (
    "settings",
    "rounds",
    "sessions",
    "interview_state",
    "answers",
    "seen",
    "team_packs",
    "daily_schedules",
    "daily_claims",
    "question_status",
    "appeals",
    # practice that remembers (migration 009)
    "abilities",
    "ability_events",
    "review_items",
    "review_reminders",
    "review_reminder_claims",
    # your data, your choice (migration 010)
    "team_removals",
    "installations",
    "oauth_states",
    # a team's own interview tracks (migration 013)
    "team_tracks",
    "totals",
    "streaks",
)
DERIVED = ("totals", "streaks")

# --- your data, your choice (issue 17): what /forget-me and the team purge delete -----------
#
# Every table that holds a team's rows is listed here with what in it is a person's: rules of
# (column, action, value) where value is the column's content for that person ("{}" is the
# user id). DELETE removes the row; BLANK sets the column to '' and keeps the row (a round
# someone started belongs to everyone who answered it). `forget_person` and `person_rows` of
# both stores, and `purge_team`, follow this table; tests/store/test_every_table.py fails
# naming any table of the database that is in neither PERSONAL nor NOT_TEAM_DATA.
# A new table is one line here.
DELETE, BLANK = "delete", "blank"
Rule = tuple[str, str, str]
PERSONAL: dict[str, tuple[Rule, ...]] = {
    "settings": (),
    "rounds": (("started_by", BLANK, "{}"),),
    "sessions": (("user_id", DELETE, "{}"),),
    "answers": (("user_id", DELETE, "{}"),),
    "seen": (("scope", DELETE, "user:{}"),),
    "team_packs": (("added_by", BLANK, "{}"),),
    "daily_schedules": (),
    "daily_claims": (),
    "question_status": (("by_user", BLANK, "{}"),),
    "appeals": (("user_id", DELETE, "{}"), ("resolved_by", BLANK, "{}")),
    "interview_state": (("user_id", DELETE, "{}"),),
    "abilities": (("user_id", DELETE, "{}"),),
    "ability_events": (("user_id", DELETE, "{}"),),
    "review_items": (("user_id", DELETE, "{}"),),
    "review_reminders": (("user_id", DELETE, "{}"),),
    "review_reminder_claims": (("user_id", DELETE, "{}"),),
    "team_removals": (),
    "installations": (("installer", BLANK, "{}"),),
    "team_tracks": (("added_by", BLANK, "{}"),),
    "totals": (("user_id", DELETE, "{}"),),
    "streaks": (("user_id", DELETE, "{}"),),
}
# A team's purge deletes this many rows per transaction, so answers of other teams never wait
# long for it (one transaction for a big team held SQLite's write lock for 39 s).
PURGE_BATCH = 2000

# Columns never shown in /my-data (they are not the person's: the workspace's tokens).
HIDDEN: dict[str, tuple[str, ...]] = {"installations": ("secret",)}
# Tables with no row of any team or person, and why.
NOT_TEAM_DATA: dict[str, str] = {
    "schema_version": "the migrations applied",
    "oauth_states": "one-time OAuth state values, before any workspace is known",
}


def person_rules(user_id: str) -> list[tuple[str, str, str, str]]:
    """(table, column, action, value) for every rule of PERSONAL, for one person."""
    return [
        (table, column, action, value.format(user_id))
        for table, rules in PERSONAL.items()
        for column, action, value in rules
    ]


_ANSWER_LISTS = ("right_points", "missing_points")
_ANSWER_BOOLS = ("correct", "ranked", "first_correct")


def round_of(context: str) -> str:
    """The round id of a quiz or daily answer's context ('' for an interview's)."""
    ctx = AnswerContext.parse(context)
    return (ctx.round_id if ctx is not None else None) or ""


def _list(v: Any) -> tuple[Any, ...]:
    return tuple(json.loads(v) if isinstance(v, str) else v)


def answer_of(r: Any) -> AnswerRow:
    """An answers row of either backend."""
    d = {c: r[c] for c in ANSWER_COLS}
    for c in _ANSWER_LISTS:
        d[c] = _list(d[c])
    for c in _ANSWER_BOOLS:
        d[c] = bool(d[c])
    return AnswerRow(**d)


def round_row(r: Any) -> Round:
    return Round(**{c: r[c] for c in ROUND_COLS})


def session_of(r: Any) -> Session:
    d = {c: r[c] for c in SESSION_COLS}
    d["question_ids"] = _list(d["question_ids"])
    return Session(**d)


def schedule_of(r: Any) -> Schedule:
    return Schedule(**{c: r[c] for c in SCHEDULE_COLS})


def appeal_of(r: Any) -> Appeal:
    return Appeal(**{c: r[c] for c in APPEAL_COLS})


def streak_row(r: Any) -> Streak:
    """A row selected as STREAK_COLS."""
    return Streak(r[0], r[1], int(r[2]), int(r[3]), r[4])


def session_changes(
    *,
    position: int | None,
    status: str | None,
    question_started_ms: int | None,
    finished_ms: int | None,
) -> list[tuple[str, Any]]:
    """The (column, value) pairs an `update_session` call sets: the arguments given."""
    return [
        (c, v)
        for c, v in (
            ("position", position),
            ("status", status),
            ("question_started_ms", question_started_ms),
            ("finished_ms", finished_ms),
        )
        if v is not None
    ]


def streak_of(days: list[str]) -> tuple[int, int, str] | None:
    """(current, best, last_day) from the sorted distinct days with a right answer: the run
    that ends on the last day, and the longest run (as the answer triggers keep them)."""
    if not days:
        return None
    best = run = 1
    for prev, day in itertools.pairwise(days):
        if date.fromisoformat(day) - date.fromisoformat(prev) == timedelta(days=1):
            run += 1
        else:
            run = 1
        best = max(best, run)
    return run, best, days[-1]


def total_keys(row: AnswerRow) -> list[tuple[str, str]]:
    """The (scope, period) running totals one ranked answer counts in (the answer triggers
    write the same twelve)."""
    scopes = (Scope.team(), Scope.channel(row.channel), Scope.topic(row.topic))
    periods = (
        PeriodKey.all(),
        PeriodKey.day(row.day),
        PeriodKey.week(row.week),
        PeriodKey.month(row.month),
    )
    return [(str(s), str(p)) for s in scopes for p in periods]


# --- practice that remembers (issue #15): review items and reminders ----------------------

REVIEW_COLS = [f.name for f in fields(ReviewItem)]
REMINDER_COLS = [f.name for f in fields(ReviewReminder)]


def review_item_of(r: Any) -> ReviewItem:
    d = {c: r[c] for c in REVIEW_COLS}
    d["last_score"] = float(d["last_score"])
    return ReviewItem(**d)


def reminder_of(r: Any) -> ReviewReminder:
    return ReviewReminder(**{c: r[c] for c in REMINDER_COLS})


# --- charts (bot/charts) -------------------------------------------------------------------


def interview_topic_score(r: Any) -> InterviewTopicScore:
    """A row of (context, topic, score sum, answers, first answer ms) as a record."""
    ctx = AnswerContext.parse(str(r[0]))
    return InterviewTopicScore(
        ctx.id if ctx else str(r[0]), str(r[1]), float(r[2]), int(r[3]), int(r[4])
    )
