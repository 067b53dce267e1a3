"""Leaderboard periods in a team's timezone: today, this ISO week, this month, all time."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.keys import PeriodKey
from bot.domain.text import clip
from bot.domain.values import UserError

PERIODS = ("today", "week", "month", "all")
_ALIASES = {
    "day": "today",
    "daily": "today",
    "d": "today",
    "w": "week",
    "weekly": "week",
    "m": "month",
    "monthly": "month",
    "alltime": "all",
    "all-time": "all",
    "ever": "all",
    "total": "all",
}


# IANA names only: ZoneInfo recurses on paths with very many parts
TZ_NAME = re.compile(r"[A-Za-z0-9_+\-/]{1,64}")


def check_timezone(name: str) -> str:
    """An IANA timezone name, or a UserError that says what one looks like."""
    try:
        if not TZ_NAME.fullmatch(name):
            raise ValueError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(
            f"'{clip(name, 40)}' is not a timezone name; use one like "
            "Europe/Berlin or America/New_York."
        ) from None
    return name


def local_keys(when: datetime, tz: str) -> tuple[str, str, str]:
    """(day, week, month) keys of a moment in the timezone: 2026-11-21, 2026-W47, 2026-11."""
    local = when.astimezone(ZoneInfo(tz))
    iso = local.isocalendar()
    return local.strftime("%Y-%m-%d"), f"{iso.year}-W{iso.week:02d}", local.strftime("%Y-%m")


def resolve_period(name: str | None) -> str:
    if not name:
        return "week"
    n = name.strip().lower()
    n = _ALIASES.get(n, n)
    if n not in PERIODS:
        raise UserError(f"Unknown period '{name[:20]}'. Periods: {', '.join(PERIODS)}.")
    return n


def period_key(period: str, now: datetime, tz: str) -> str:
    day, week, month = local_keys(now, tz)
    return str(
        {
            "today": PeriodKey.day(day),
            "week": PeriodKey.week(week),
            "month": PeriodKey.month(month),
            "all": PeriodKey.all(),
        }[period]
    )


def yesterday(now: datetime, tz: str) -> str:
    local = now.astimezone(ZoneInfo(tz)).date()
    return (local - timedelta(days=1)).isoformat()


def period_title(period: str) -> str:
    return {"today": "today", "week": "this week", "month": "this month", "all": "all time"}[period]
