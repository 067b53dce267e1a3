"""Per-team and per-channel settings, stored; defaults come from the bot's configuration."""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.domain.periods import check_timezone
from bot.domain.values import Card, Color, UserError, Visibility, Where
from bot.services.access import require_admin
from bot.store.protocol import Store


@dataclass(frozen=True, slots=True)
class Knob:
    key: str
    channel_level: bool  # False: one value for the whole team
    help: str
    low: int = 0
    high: int = 0


KNOBS = {
    k.key: k
    for k in (
        Knob("quiz_seconds", True, "seconds a quiz round stays open in this channel", 5, 3600),
        Knob("timezone", False, "the team's timezone (IANA name, e.g. Europe/Berlin)"),
        Knob(
            "interview_question_seconds",
            False,
            "time limit per interview question, seconds",
            30,
            86_400,
        ),
        Knob("interview_questions", False, "questions in an interview when none is asked", 1, 30),
        Knob("interview_follow_ups", False, "follow-up questions per interview question", 0, 5),
    )
}


@dataclass(frozen=True, slots=True)
class Defaults:
    """What a team gets until an admin changes it (from the bot's configuration)."""

    timezone: str = "UTC"
    quiz_seconds: int = 60
    interview_question_seconds: int = 600
    interview_questions: int = 5
    interview_follow_ups: int = 2


@dataclass(frozen=True, slots=True)
class Effective:
    timezone: str
    quiz_seconds: int
    interview_question_seconds: int
    interview_questions: int
    interview_follow_ups: int = 2


class TeamSettings:
    """The settings in force for a team and channel: stored overrides over the Defaults."""

    def __init__(self, store: Store, defaults: Defaults, cache_seconds: float = 5.0) -> None:
        self.store = store
        self.defaults = defaults
        self.cache_seconds = cache_seconds
        self._cache: dict[tuple[str, str, str], tuple[float, Effective]] = {}

    async def get(self, platform: str, team: str, channel: str = "") -> Effective:
        """The settings in force; cached for a few seconds (another process may change them)."""
        key = (platform, team, channel)
        hit = self._cache.get(key)
        if hit and time.monotonic() - hit[0] < self.cache_seconds:
            return hit[1]
        eff = await self._load(platform, team, channel)
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[key] = (time.monotonic(), eff)
        return eff

    async def _load(self, platform: str, team: str, channel: str) -> Effective:
        raw = await self.store.get_settings(platform, team, channel)
        d = self.defaults
        return Effective(
            timezone=raw.get("timezone", d.timezone),
            quiz_seconds=int(raw.get("quiz_seconds", d.quiz_seconds)),
            interview_question_seconds=int(
                raw.get("interview_question_seconds", d.interview_question_seconds)
            ),
            interview_questions=int(raw.get("interview_questions", d.interview_questions)),
            interview_follow_ups=int(raw.get("interview_follow_ups", d.interview_follow_ups)),
        )

    async def set(self, where: Where, key: str, value: str) -> Card:
        require_admin(where, "change settings")
        knob = KNOBS.get(key.strip().lower())
        if knob is None:
            raise UserError(f"Unknown setting '{key[:30]}'. Settings: {', '.join(KNOBS)}.")
        value = value.strip()
        if knob.key == "timezone":
            check_timezone(value)
        else:
            if not value.isdigit() or not knob.low <= int(value) <= knob.high:
                raise UserError(f"{knob.key} is a whole number from {knob.low} to {knob.high}.")
            value = str(int(value))
        channel = where.channel if knob.channel_level else ""
        await self.store.set_setting(where.platform, where.team, channel, knob.key, value)
        self._cache = {
            k: v for k, v in self._cache.items() if k[:2] != (where.platform, where.team)
        }
        scope = "this channel" if knob.channel_level else "the team"
        return Card(
            title="Setting saved",
            text=f"{knob.key} = {value} for {scope}.",
            visibility=Visibility.EPHEMERAL,
            color=Color.GOOD,
        )

    async def show(self, where: Where) -> Card:
        eff = await self.get(where.platform, where.team, where.channel)
        fields = tuple((k.key, f"{getattr(eff, k.key)} — {k.help}") for k in KNOBS.values())
        return Card(
            title="Settings",
            fields=fields,
            visibility=Visibility.EPHEMERAL,
            footer="Admins change one with: /settings <name> <value>",
        )
