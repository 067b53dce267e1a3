"""The keys running totals are kept under: a scope (who is ranked together) and a period.

Scopes: ``team``, ``channel:<id>``, ``topic:<topic>``, ``user:<id>`` (the last one is used by
question rotation only: which questions a person has seen). Periods: ``day:<YYYY-MM-DD>``,
``week:<YYYY-Www>``, ``month:<YYYY-MM>``, ``all``. The strings are what the store keeps, so
they never change; this module is the only place that builds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ScopeKind(StrEnum):
    TEAM = "team"
    CHANNEL = "channel"
    TOPIC = "topic"
    USER = "user"


@dataclass(frozen=True, slots=True)
class Scope:
    """Who is ranked (or rotated) together."""

    kind: ScopeKind
    value: str = ""

    @classmethod
    def team(cls) -> Scope:
        return cls(ScopeKind.TEAM)

    @classmethod
    def channel(cls, channel: str) -> Scope:
        return cls(ScopeKind.CHANNEL, channel)

    @classmethod
    def topic(cls, topic: str) -> Scope:
        return cls(ScopeKind.TOPIC, topic)

    @classmethod
    def user(cls, user: str) -> Scope:
        return cls(ScopeKind.USER, user)

    @classmethod
    def parse(cls, text: str) -> Scope:
        if text == ScopeKind.TEAM:
            return cls.team()
        kind, sep, value = text.partition(":")
        if sep and kind in tuple(ScopeKind) and kind != ScopeKind.TEAM:
            return cls(ScopeKind(kind), value)
        raise ValueError(f"not a scope: {text[:40]!r}")

    def __str__(self) -> str:
        return str(self.kind) if self.kind is ScopeKind.TEAM else f"{self.kind}:{self.value}"


class PeriodKind(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class PeriodKey:
    """One period of a running total: a local day, ISO week or month, or all time."""

    kind: PeriodKind
    value: str = ""

    @classmethod
    def day(cls, day: str) -> PeriodKey:
        return cls(PeriodKind.DAY, day)

    @classmethod
    def week(cls, week: str) -> PeriodKey:
        return cls(PeriodKind.WEEK, week)

    @classmethod
    def month(cls, month: str) -> PeriodKey:
        return cls(PeriodKind.MONTH, month)

    @classmethod
    def all(cls) -> PeriodKey:
        return cls(PeriodKind.ALL)

    @classmethod
    def parse(cls, text: str) -> PeriodKey:
        if text == PeriodKind.ALL:
            return cls.all()
        kind, sep, value = text.partition(":")
        if sep and value and kind in tuple(PeriodKind) and kind != PeriodKind.ALL:
            return cls(PeriodKind(kind), value)
        raise ValueError(f"not a period key: {text[:40]!r}")

    def __str__(self) -> str:
        return str(self.kind) if self.kind is PeriodKind.ALL else f"{self.kind}:{self.value}"
