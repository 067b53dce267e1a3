"""Pure helpers the store backends share: the streak rule and the running-total keys."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from bot.domain.keys import PeriodKey, Scope
from bot.domain.records import AnswerRow


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
    scopes = (Scope.team(), Scope.channel(row.channel), Scope.topic(row.topic))
    periods = (PeriodKey.all(), PeriodKey.day(row.day), PeriodKey.week(row.week),
               PeriodKey.month(row.month))
    return [(str(s), str(p)) for s in scopes for p in periods]
