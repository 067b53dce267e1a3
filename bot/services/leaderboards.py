"""Leaderboards per team, channel and topic, per period; streaks; a person's stats.

Everything here reads running totals (kept with each answer), never a scan of all answers.
"""

from __future__ import annotations

from bot.clock import Clock
from bot.domain.keys import Scope
from bot.domain.periods import period_key, period_title, resolve_period, yesterday
from bot.domain.records import Streak, TotalRow
from bot.domain.text import display_name
from bot.domain.values import Card, UserError, Visibility, Where
from bot.services.abilities import level_line
from bot.services.banks import Banks
from bot.services.team_settings import TeamSettings
from bot.store.protocol import Store

SCOPES = ("team", "channel", "topic")
MAX_TOP = 25


class Leaderboards:
    """The leaderboard and stats cards, read from the store's running totals and streaks."""

    def __init__(self, store: Store, banks: Banks, settings: TeamSettings, clock: Clock) -> None:
        self.store = store
        self.banks = banks
        self.settings = settings
        self.clock = clock

    async def board(
        self,
        where: Where,
        period: str | None = None,
        scope: str | None = None,
        topic: str | None = None,
        top: int = 10,
    ) -> Card:
        p = resolve_period(period)
        sc = (scope or ("topic" if topic else "team")).strip().lower()
        if sc not in SCOPES:
            raise UserError(f"Unknown scope '{sc[:20]}'. Scopes: {', '.join(SCOPES)}.")
        eff = await self.settings.get(where.platform, where.team)
        if sc == "topic":
            bank = await self.banks.for_team(where.platform, where.team)
            t = bank.resolve_topic(topic)
            if t is None:
                raise UserError(f"Which topic? Topics: {', '.join(bank.topics)}.")
            key, label = str(Scope.topic(t)), f"topic {t}"
        elif sc == "channel":
            key, label = str(Scope.channel(where.channel)), "this channel"
        else:
            key, label = str(Scope.team()), "the team"
        pkey = period_key(p, self.clock.now(), eff.timezone)
        n = max(1, min(top, MAX_TOP))
        rows = await self.store.top(where.platform, where.team, key, pkey, n)
        title = f"Leaderboard · {label} · {period_title(p)}"
        if not rows:
            return Card(title=title, text="No points yet. Start a round with /quiz.")
        shown = list(rows)
        if all(r.user_id != where.user for r in rows):
            me = await self.store.rank_of(where.platform, where.team, key, pkey, where.user)
            if me is not None:
                shown.append(me)
        # one query for the page's streaks, not one per row
        streaks = await self.store.streaks(where.platform, where.team, [r.user_id for r in shown])
        lines = [
            self._line(r, alive(streaks.get(r.user_id), self.clock, eff.timezone)) for r in shown
        ]
        if len(shown) > len(rows):
            lines.insert(len(rows), "…")
        size = await self.store.board_size(where.platform, where.team, key, pkey)
        return Card(title=title, text="\n".join(lines), footer=f"{size} player(s)")

    def _line(self, r: TotalRow, streak: int) -> str:
        medal = {1: "🥇", 2: "🥈", 3: "🥉"}.get(r.rank, f"{r.rank}.")
        fire = f" · 🔥{streak}" if streak > 1 else ""
        return f"{medal} {r.display_name} — {r.points} pts ({r.correct}/{r.answers} right){fire}"

    async def stats(
        self, where: Where, user_id: str | None = None, name: str | None = None
    ) -> Card:
        """A person's answers, accuracy per topic and streaks (their own by default)."""
        uid = user_id or where.user
        eff = await self.settings.get(where.platform, where.team)
        topics = await self.store.topic_stats(where.platform, where.team, uid)
        s = await self.store.streak(where.platform, where.team, uid)
        who = (display_name(name) if name else "") or (
            where.name if uid == where.user else (s.display_name if s else uid)
        )
        if not topics:
            return Card(
                title=f"Stats · {who}", text="No answers yet.", visibility=Visibility.EPHEMERAL
            )
        total = sum(t.answers for t in topics)
        right = sum(t.correct for t in topics)
        fields = tuple(
            (t.topic, f"{t.correct}/{t.answers} right ({round(100 * t.score_sum / t.answers)}%)")
            for t in topics
        )
        me = await self.store.rank_of(where.platform, where.team, "team", "all", uid)
        rank = f" · rank {me.rank} all time with {me.points} pts" if me else ""
        streak = (
            f"streak {alive(s, self.clock, eff.timezone)} day(s), best {s.best}"
            if s
            else "no streak yet"
        )
        return Card(
            title=f"Stats · {who}",
            text=f"{total} answers, {right} right ({round(100 * right / total)}%){rank}.\n"
            f"{streak.capitalize()}."
            + _levels(level_line(await self._ratings(where.platform, where.team, uid))),
            fields=fields,
            visibility=Visibility.EPHEMERAL,
        )

    async def _ratings(self, platform: str, team: str, uid: str) -> dict[str, float]:
        """Practice that remembers: the ability estimate per topic (bot.services.abilities)."""
        return {t: r for t, (r, _) in (await self.store.abilities(platform, team, uid)).items()}


def _levels(line: str) -> str:
    return f"\n{line}" if line else ""


def alive(s: Streak | None, clock: Clock, tz: str) -> int:
    """The current streak, or 0 once a whole local day has passed with no right answer."""
    if s is None:
        return 0
    return s.current if s.last_day >= yesterday(clock.now(), tz) else 0
