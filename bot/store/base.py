"""The Store protocol and the rows it deals in. Every call is scoped by platform and team."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from bot.domain import UserError


@dataclass(frozen=True, slots=True)
class Round:
    id: str
    platform: str
    team: str
    channel: str
    kind: str  # quiz | daily
    question_id: str
    topic: str
    started_by: str
    opened_ms: int
    closes_ms: int
    closed_ms: int | None = None
    message_ref: str | None = None


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    platform: str
    team: str
    channel: str
    user_id: str
    display_name: str
    topic: str | None
    difficulty: int | None
    question_ids: tuple[str, ...]
    position: int
    status: str  # active | finished | ended
    visibility: str
    started_ms: int
    question_started_ms: int
    finished_ms: int | None = None


@dataclass(frozen=True, slots=True)
class AnswerRow:
    platform: str
    team: str
    user_id: str
    context: str
    question_id: str
    source: str
    channel: str
    topic: str
    display_name: str
    answer: str
    score: float
    verdict: str
    correct: bool
    points: int
    ranked: bool
    elapsed_ms: int
    answered_ms: int
    day: str
    week: str
    month: str
    feedback: str = ""
    right_points: tuple[str, ...] = ()
    missing_points: tuple[str, ...] = ()
    first_correct: bool = False


@dataclass(frozen=True, slots=True)
class Advance:
    """Move a session on in the same transaction as its answer."""

    session_id: str
    from_position: int
    started_ms: int
    finish: bool = False


@dataclass(frozen=True, slots=True)
class Recorded:
    inserted: bool  # False: this user already answered this question here
    first_correct: bool = False


@dataclass(frozen=True, slots=True)
class TotalRow:
    user_id: str
    display_name: str
    points: int
    answers: int
    correct: int
    rank: int = 0


@dataclass(frozen=True, slots=True)
class Streak:
    user_id: str
    display_name: str
    current: int
    best: int
    last_day: str


@dataclass(frozen=True, slots=True)
class TopicStats:
    topic: str
    answers: int
    correct: int
    score_sum: float


@dataclass(frozen=True, slots=True)
class TeamPack:
    pack_id: str
    source: str  # the YAML as imported
    added_by: str
    added_ms: int
    parsed: str = ""  # the validated pack as JSON (bot.questions.pack_from_json); "" = not yet


@dataclass(frozen=True, slots=True)
class Schedule:
    platform: str
    team: str
    channel: str
    post_time: str  # HH:MM
    timezone: str
    weekdays: str  # mon,tue,...
    topic: str | None
    difficulty: int | None
    open_minutes: int | None
    recap_day: str | None
    recap_time: str | None
    status: str  # active | paused | off
    reason: str
    updated_ms: int


@dataclass(frozen=True, slots=True)
class Appeal:
    """An appeal of one graded answer (kind "appeal") or a flag on a question ("flag")."""

    id: int
    platform: str
    team: str
    kind: str  # appeal | flag
    user_id: str
    display_name: str
    channel: str
    question_id: str
    context: str  # the appealed answer's round or session; "" for a flag
    reason: str
    status: str  # open | accepted | rejected
    created_ms: int
    resolved_ms: int | None = None
    resolved_by: str = ""
    resolution: str = ""


@dataclass(frozen=True, slots=True)
class Rescore:
    """A new grade for one stored answer. Its totals and streak follow in the same
    transaction, by the difference from what the row holds then (so applying it twice
    changes nothing the second time)."""

    user_id: str
    context: str
    question_id: str
    score: float
    verdict: str
    correct: bool
    points: int
    feedback: str


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
    """The (scope, period) running totals one ranked answer counts in."""
    return [(s, p) for s in ("team", f"channel:{row.channel}", f"topic:{row.topic}")
            for p in ("all", f"day:{row.day}", f"week:{row.week}", f"month:{row.month}")]
# Item analytics: a player counts towards discrimination (the point-biserial and the upper and
# lower 27 %) once they have answered at least this many questions in the team.
MIN_PLAYER_ANSWERS = 5
ALL_TEAMS = "*"  # platform and team of a row pooled across teams
MAX_PICKS = 50  # answer texts counted per question: the most given (a choice has at most 5)


@dataclass(frozen=True, slots=True)
class ItemStats:
    """One question's answers in one team (or pooled across teams: platform = team = '*'),
    summed by the database. `x` is "right on this question" (0/1), `y` the player's share
    right on their other questions, for players with at least MIN_PLAYER_ANSWERS answers;
    the sums give the point-biserial correlation without reading an answer in Python."""

    platform: str
    team: str
    question_id: str
    answers: int
    right: int
    median_ms: float | None
    pairs: int = 0  # answers with a y
    sum_x: float = 0.0
    sum_y: float = 0.0
    sum_yy: float = 0.0
    sum_xy: float = 0.0
    upper: int = 0  # answers by the team's top 27 % of players (by share right)
    upper_right: int = 0
    lower: int = 0  # answers by the bottom 27 %
    lower_right: int = 0


@dataclass(frozen=True, slots=True)
class PickCount:
    """How often one answer text (trimmed, lower-cased) was given to a question, and how
    often it was marked right."""

    platform: str
    team: str
    question_id: str
    picked: str
    count: int
    right: int = 0


@dataclass(frozen=True, slots=True)
class QuestionStatus:
    """A team's decision on one question: rested (out of rotation until an admin decides),
    kept (stays in rotation whatever the analytics say) or retired (never asked again)."""

    question_id: str
    status: str  # rested | kept | retired
    reason: str
    by_user: str
    answers: int
    updated_ms: int


class StoreBusy(UserError):
    """The database stayed locked or unreachable after retrying; nothing was written."""

    def __init__(self, detail: str = "") -> None:
        super().__init__("The database is busy right now, so nothing was saved. Please try "
                         "again in a moment.")
        self.detail = detail


class RoundOpen(Exception):
    """A round of that kind is already open in the channel."""


class Store(Protocol):
    async def connect(self) -> None: ...
    async def close(self) -> None: ...
    async def schema_version(self) -> int: ...

    # settings
    async def get_settings(self, platform: str, team: str, channel: str) -> dict[str, str]: ...
    async def set_setting(self, platform: str, team: str, channel: str, key: str,
                          value: str | None) -> None: ...

    # rounds
    async def open_round(self, rnd: Round) -> None: ...
    async def get_round(self, platform: str, team: str, round_id: str) -> Round | None: ...
    async def open_round_in(self, platform: str, team: str, channel: str,
                            kind: str) -> Round | None: ...
    async def close_round(self, platform: str, team: str, round_id: str,
                          closed_ms: int) -> bool: ...
    async def set_round_message(self, platform: str, team: str, round_id: str,
                                ref: str) -> None: ...
    async def due_rounds(self, now_ms: int) -> list[Round]: ...
    async def next_round_deadline(self) -> int | None: ...

    # answers
    async def record_answer(self, row: AnswerRow, advance: Advance | None = None) -> Recorded: ...
    async def context_answers(self, platform: str, team: str, context: str) -> list[AnswerRow]: ...
    async def get_answer(self, platform: str, team: str, user_id: str, context: str,
                         question_id: str) -> AnswerRow | None: ...

    # question rotation
    async def seen(self, platform: str, team: str, scope: str) -> dict[str, int]: ...
    async def mark_seen(self, platform: str, team: str, scope: str, question_ids: list[str],
                        ms: int) -> None: ...

    # interview sessions
    async def create_session(self, s: Session) -> None: ...
    async def get_session(self, platform: str, team: str, session_id: str) -> Session | None: ...
    async def active_session(self, platform: str, team: str, user_id: str) -> Session | None: ...
    async def update_session(self, platform: str, team: str, session_id: str, *,
                             position: int | None = None, status: str | None = None,
                             question_started_ms: int | None = None,
                             finished_ms: int | None = None) -> None: ...

    # leaderboards
    async def top(self, platform: str, team: str, scope: str, period: str,
                  limit: int) -> list[TotalRow]: ...
    async def rank_of(self, platform: str, team: str, scope: str, period: str,
                      user_id: str) -> TotalRow | None: ...
    async def board_size(self, platform: str, team: str, scope: str, period: str) -> int: ...
    async def streak(self, platform: str, team: str, user_id: str) -> Streak | None: ...
    async def top_streaks(self, platform: str, team: str, since_day: str,
                          limit: int) -> list[Streak]: ...
    async def topic_stats(self, platform: str, team: str, user_id: str) -> list[TopicStats]: ...

    # daily questions
    async def upsert_schedule(self, s: Schedule) -> None: ...
    async def get_schedule(self, platform: str, team: str, channel: str) -> Schedule | None: ...
    async def set_schedule_status(self, platform: str, team: str, channel: str, status: str,
                                  reason: str, ms: int) -> None: ...
    async def active_schedules(self) -> list[Schedule]: ...
    async def claim_daily(self, platform: str, team: str, channel: str, kind: str, day: str,
                          now_ms: int, lease_ms: int) -> bool: ...
    async def mark_daily_posted(self, platform: str, team: str, channel: str, kind: str,
                                day: str, round_id: str) -> None: ...
    async def rounds_between(self, platform: str, team: str, channel: str, kind: str,
                             from_ms: int, to_ms: int) -> list[Round]: ...

    # team packs
    async def add_team_pack(self, platform: str, team: str, pack: TeamPack) -> None: ...
    async def team_packs(self, platform: str, team: str) -> list[TeamPack]: ...
    async def remove_team_pack(self, platform: str, team: str, pack_id: str) -> bool: ...

    # appeals, flags and re-grading
    async def latest_answer(self, platform: str, team: str, user_id: str,
                            question_id: str | None = None) -> AnswerRow | None: ...
    async def question_answers(self, platform: str, team: str,
                               question_id: str) -> list[AnswerRow]: ...
    async def add_appeal(self, a: Appeal) -> int | None:
        """The new appeal's id; None when this one was already filed."""
        ...
    async def get_appeal(self, platform: str, team: str, appeal_id: int) -> Appeal | None: ...
    async def appeals(self, platform: str, team: str, status: str = "open",
                      limit: int = 50) -> list[Appeal]: ...
    async def resolve_appeal(self, platform: str, team: str, appeal_id: int, status: str,
                             by: str, resolution: str, ms: int,
                             rescore: Rescore | None = None) -> bool:
        """Close an open appeal and apply its re-score in one transaction; False (and
        nothing changed) when it was not open any more."""
        ...
    async def rescore_answers(self, platform: str, team: str,
                              changes: list[Rescore]) -> int:
        """Apply new grades in one transaction; how many answers changed."""
        ...
    # item analytics (platform / team None: every one; pooled: one row per question, over
    # the teams, team questions left out as their ids mean something else in each team)
    async def item_stats(self, platform: str | None, team: str | None, *,
                         pooled: bool = False) -> list[ItemStats]: ...
    async def pick_counts(self, platform: str | None, team: str | None,
                          question_ids: list[str], *, pooled: bool = False) -> list[PickCount]: ...
    async def question_statuses(self, platform: str, team: str) -> dict[str, QuestionStatus]: ...
    async def set_question_status(self, platform: str, team: str, s: QuestionStatus) -> None: ...
    async def rest_questions(self, platform: str, team: str,
                             rests: list[QuestionStatus]) -> list[str]: ...
    async def out_of_rotation(self, platform: str, team: str) -> set[str]: ...
