"""Your data, your choice: /forget-me, /my-data, and a removed team's data purged after the
retention period (issue 17).

Which rows are a person's is one table, `bot.store.rows.PERSONAL`; the store deletes or reads
them in one transaction. Leaderboard totals and streaks are each person's own rows, so
deleting the person's rows leaves every other total as the answer triggers kept it.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from bot.clock import Clock, to_ms
from bot.domain.values import Attachment, Card, Color, UserError, Visibility, Where
from bot.store import Store

log = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 30
CONFIRM = "confirm"
# What a person's rows are called in the confirmation and the export's summary.
_WHAT = (
    ("answers", "answer", "answers"),
    ("sessions", "interview", "interviews"),
    ("appeals", "appeal or flag", "appeals and flags"),
    ("review_items", "question to review", "questions to review"),
)
PURGE_EVERY = timedelta(minutes=1)  # how often the ticker looks for teams to purge


class Privacy:
    """A person's data in one team, and a team's data after the bot was removed."""

    def __init__(
        self, store: Store, clock: Clock, retention_days: int = DEFAULT_RETENTION_DAYS
    ) -> None:
        self.store = store
        self.clock = clock
        self.retention = timedelta(days=retention_days)
        self._looked: int | None = None  # when the ticker last looked for teams to purge

    # --- one person -----------------------------------------------------------------------

    async def forget_me(self, where: Where, confirm: str = "") -> Card:
        """Without `confirm`: what would go, and how to confirm. With it: all of it goes."""
        word = confirm.strip().lower()
        if word and word != CONFIRM:
            raise UserError("Use /forget-me to see what it deletes, then /forget-me confirm.")
        if not word:
            rows = await self.store.person_rows(where.platform, where.team, where.user)
            return Card(
                title="Delete your data here?",
                text=(
                    f"This deletes {_summary(rows)}, your points on every leaderboard, "
                    "your streak, your level estimates and your review reminder in this team, "
                    "for good. Nothing of anyone else changes.\n"
                    "Type /forget-me confirm to do it. /my-data gives you a copy first."
                ),
                visibility=Visibility.EPHEMERAL,
                color=Color.WARN,
            )
        touched = await self.store.forget_person(where.platform, where.team, where.user)
        log.info(
            "privacy: forgot a person in %s/%s (%d rows)",
            where.platform,
            where.team,
            sum(touched.values()),
        )
        return Card(
            title="Your data here is deleted",
            text=(
                "Your answers, interviews, appeals, points, streak, levels and reviews in this "
                "team are gone; the leaderboards no longer list you. Playing again starts "
                "afresh."
            ),
            visibility=Visibility.EPHEMERAL,
            color=Color.GOOD,
        )

    async def my_data(self, where: Where) -> Card:
        """Everything stored about the person in this team, as a JSON file."""
        rows = await self.store.person_rows(where.platform, where.team, where.user)
        doc = {
            "platform": where.platform,
            "team": where.team,
            "user": where.user,
            "exported_at": self.clock.now().isoformat(),
            "retention": "kept until you run /forget-me, or until the bot is removed from "
            f"this team and {self.retention.days} days have passed",
            "tables": rows,
        }
        data = json.dumps(doc, ensure_ascii=False, indent=2, default=str).encode("utf-8")
        return Card(
            title="Your data",
            text=f"Everything stored about you in this team: {_summary(rows)}.",
            visibility=Visibility.DIRECT,
            file=Attachment("interview-bot-my-data.json", data),
        )

    # --- a whole team ---------------------------------------------------------------------

    async def team_removed(self, platform: str, team: str) -> None:
        """The bot was removed: the team's data goes after the retention period (at once
        when it is 0), unless the team installs the bot again before."""
        now = to_ms(self.clock.now())
        purge = now + int(self.retention.total_seconds() * 1000)
        await self.store.mark_team_removed(platform, team, now, purge)
        log.info(
            "privacy: %s/%s removed the bot; data purged in %s", platform, team, self.retention
        )
        if purge <= now:
            await self.purge_due()

    async def team_returned(self, platform: str, team: str) -> None:
        """The bot was added again: nothing of the team is purged."""
        if await self.store.cancel_team_removal(platform, team):
            log.info("privacy: %s/%s installed the bot again; its data stays", platform, team)

    async def maybe_purge(self) -> None:
        """The ticker's call, every second: look for due purges once a minute."""
        now = to_ms(self.clock.now())
        if self._looked is not None and now - self._looked < PURGE_EVERY.total_seconds() * 1000:
            return
        self._looked = now
        await self.purge_due()

    async def purge_due(self) -> int:
        """Purge every team whose retention ran out (the ticker calls this); teams purged.
        Safe with several processes: each team is purged by one of them."""
        now = to_ms(self.clock.now())
        purged = 0
        for platform, team in await self.store.due_team_purges(now):
            deleted = await self.store.purge_team(platform, team, now)
            if deleted is not None:
                purged += 1
                log.info("privacy: purged %s/%s (%d rows)", platform, team, sum(deleted.values()))
        return purged


def _summary(rows: dict[str, list[dict[str, object]]]) -> str:
    parts = []
    for table, one, many in _WHAT:
        n = len(rows.get(table, ()))
        parts.append(f"{n} {one if n == 1 else many}")
    return ", ".join(parts)
