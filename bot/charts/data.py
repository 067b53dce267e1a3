"""What the charts are drawn from: plain values the services fill in from the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class TopicBar:
    """One topic of a person's stats: accuracy is the mean score (0..1); level is shown as
    given ("Lv 3", or a word such as "mid")."""

    topic: str
    answers: int
    correct: int
    accuracy: float
    level: str


@dataclass(frozen=True, slots=True)
class StatsData:
    name: str
    topics: tuple[TopicBar, ...]
    streak: int
    best: int
    today: date  # in the team's timezone: the calendar's last cell
    active: dict[date, int] = field(default_factory=dict)  # answers per local day
    rank: int | None = None


@dataclass(frozen=True, slots=True)
class TopicTrend:
    """One topic of an interview: this interview's score (0..1) and earlier ones, oldest
    first."""

    topic: str
    score: float
    previous: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class QuestionShare:
    """One question of an interview: the share (0..1) of its key points the answer showed."""

    label: str
    share: float
    shown: int  # key points shown; with `total` 0 the share is the score (a choice question)
    total: int


@dataclass(frozen=True, slots=True)
class InterviewData:
    name: str
    title: str
    topics: tuple[TopicTrend, ...]
    questions: tuple[QuestionShare, ...]


@dataclass(frozen=True, slots=True)
class BoardRow:
    rank: int
    name: str
    points: int
    correct: int
    answers: int


@dataclass(frozen=True, slots=True)
class Mover:
    """A player whose points this week rose most over last week's."""

    name: str
    points: int
    before: int


@dataclass(frozen=True, slots=True)
class Hardest:
    prompt: str
    right: int
    answered: int


@dataclass(frozen=True, slots=True)
class RecapData:
    title: str
    top: tuple[BoardRow, ...]
    movers: tuple[Mover, ...] = ()
    streaks: tuple[tuple[str, int], ...] = ()  # (name, days)
    hardest: Hardest | None = None


@dataclass(frozen=True, slots=True)
class BoardData:
    title: str
    rows: tuple[BoardRow, ...]
    players: int = 0
