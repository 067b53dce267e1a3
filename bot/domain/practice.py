"""The records of practice that remembers (issue #15): review items and review reminders."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """A question a person missed, scheduled for review (`card`: an fsrs.Card as JSON)."""

    platform: str
    team: str
    user_id: str
    question_id: str
    topic: str
    source: str  # quiz | daily | interview
    card: str
    due_ms: int
    reviews: int
    last_score: float
    asked_ms: int | None
    created_ms: int
    updated_ms: int


@dataclass(frozen=True, slots=True)
class ReviewReminder:
    """A person's daily reminder: at `remind_time` (HH:MM) in `timezone`, a DM to `channel`."""

    platform: str
    team: str
    user_id: str
    remind_time: str
    timezone: str
    channel: str
    updated_ms: int
