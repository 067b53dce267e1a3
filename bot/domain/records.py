"""The records services and stores exchange: rounds, sessions, answers, totals, appeals."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RoundKind(StrEnum):
    """A channel round: a quiz someone started, or the scheduled daily question."""

    QUIZ = "quiz"
    DAILY = "daily"


class SessionStatus(StrEnum):
    ACTIVE = "active"
    FINISHED = "finished"  # every question answered
    ENDED = "ended"  # stopped early


class ScheduleStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"  # the bot could not post; /daily set resumes
    OFF = "off"


class AppealKind(StrEnum):
    APPEAL = "appeal"  # of one graded answer
    FLAG = "flag"  # on a question


class AppealStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class ItemStatus(StrEnum):
    """A team's decision on a question (analytics)."""

    RESTED = "rested"  # out of rotation until an admin decides
    KEPT = "kept"  # stays in rotation whatever the analytics say
    RETIRED = "retired"  # never asked again


def _coerce(obj: object, name: str, enum: type[StrEnum]) -> None:
    """Rows come back from the store as plain strings: make them the enum (same value)."""
    value = getattr(obj, name)
    if not isinstance(value, enum):
        object.__setattr__(obj, name, enum(value))


@dataclass(frozen=True, slots=True)
class Round:
    id: str
    platform: str
    team: str
    channel: str
    kind: RoundKind
    question_id: str
    topic: str
    started_by: str
    opened_ms: int
    closes_ms: int
    closed_ms: int | None = None
    message_ref: str | None = None

    def __post_init__(self) -> None:
        _coerce(self, "kind", RoundKind)


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
    status: SessionStatus
    visibility: str
    started_ms: int
    question_started_ms: int
    finished_ms: int | None = None

    def __post_init__(self) -> None:
        _coerce(self, "status", SessionStatus)


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
    parsed: str = ""  # the validated pack as JSON (questions.parse.pack_from_json); "" = not yet


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
    status: ScheduleStatus
    reason: str
    updated_ms: int

    def __post_init__(self) -> None:
        _coerce(self, "status", ScheduleStatus)


@dataclass(frozen=True, slots=True)
class Appeal:
    """An appeal of one graded answer (kind "appeal") or a flag on a question ("flag")."""

    id: int
    platform: str
    team: str
    kind: AppealKind
    user_id: str
    display_name: str
    channel: str
    question_id: str
    context: str  # the appealed answer's round or session; "" for a flag
    reason: str
    status: AppealStatus
    created_ms: int
    resolved_ms: int | None = None
    resolved_by: str = ""
    resolution: str = ""

    def __post_init__(self) -> None:
        _coerce(self, "kind", AppealKind)
        _coerce(self, "status", AppealStatus)


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
    status: ItemStatus
    reason: str
    by_user: str
    answers: int
    updated_ms: int

    def __post_init__(self) -> None:
        _coerce(self, "status", ItemStatus)


# --- charts (bot/charts) -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InterviewTopicScore:
    """One earlier interview's score in one topic: the sum of its scores and how many."""

    session_id: str
    topic: str
    score_sum: float
    answers: int
    started_ms: int  # its first answer in the topic: the order of interviews


@dataclass(frozen=True, slots=True)
class BoardMove:
    """A player's points on a board in one period and in the period before it."""

    user_id: str
    display_name: str
    points: int
    before: int


@dataclass(frozen=True, slots=True)
class TeamTrack:
    """A team's own interview track, as imported (validated before it is stored)."""

    track_id: str
    source: str  # the track's YAML
    added_by: str
    added_ms: int
