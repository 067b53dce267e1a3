"""Exports for a team's admins: its own packs as our YAML (what it imported, as stored), its
leaderboard and its answers as CSV for spreadsheets.

CSV files are UTF-8 with a byte order mark (Excel reads them as UTF-8 only with one) and
Windows line ends; every text cell that a spreadsheet would run as a formula (`=`, `+`, `-`,
`@`, tab, CR first) starts with a `'` instead (analytics' `csv_safe`)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from bot.clock import Clock
from bot.domain.keys import Scope
from bot.domain.periods import period_key, period_title, resolve_period
from bot.domain.values import Attachment, Card, Color, UserError, Visibility, Where
from bot.services.access import require_admin
from bot.services.analytics import csv_safe
from bot.services.team_settings import TeamSettings
from bot.store.protocol import Store

MAX_ROWS = 100_000  # rows in one CSV export (a larger team: use `interview-bot db copy`)
EXPORT = "export its data"  # what only an admin may do
WHAT = ("packs", "leaderboard", "answers")
BOM = "\ufeff"
CSV, YAML = "text/csv", "application/yaml"

LEADERBOARD_COLUMNS = ("rank", "user_id", "display_name", "points", "answers", "correct")
ANSWER_COLUMNS = (
    "answered_at_utc",
    "day",
    "user_id",
    "display_name",
    "channel",
    "question_id",
    "topic",
    "source",
    "answer",
    "verdict",
    "score",
    "points",
    "correct",
    "seconds",
)


def export_card(name: str, data: bytes, mime: str, summary: str) -> Card:
    """The admin's private card with the file (`Card.file`): each adapter delivers it in one
    place (Slack: the DM; Discord: attached; console: written to its files folder)."""
    return Card(
        title=f"Export: {name}",
        text=f"{summary}.",
        visibility=Visibility.EPHEMERAL,
        color=Color.GOOD,
        file=Attachment(name, data, mime),
    )


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """CSV as Excel opens it: BOM, CRLF, formula-starting cells neutralised."""
    buf = io.StringIO()
    w = csv.writer(buf)  # \r\n line ends
    w.writerow(header)
    for row in rows:
        w.writerow([csv_safe(v) for v in row])
    return (BOM + buf.getvalue()).encode("utf-8")


class Exports:
    def __init__(self, store: Store, settings: TeamSettings, clock: Clock) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock

    async def export(self, where: Where, what: str, arg: str = "") -> Card:
        """`packs [PACK]`, `leaderboard [PERIOD]` or `answers`, for admins only."""
        require_admin(where, EXPORT)
        w = what.strip().lower()
        if w == "packs":
            return await self.packs(where.platform, where.team, arg.strip() or None)
        if w == "leaderboard":
            return await self.leaderboard(where.platform, where.team, arg.strip() or "all")
        if w == "answers":
            return await self.answers(where.platform, where.team)
        raise UserError(f"Export what? One of: {', '.join(WHAT)}.")

    async def packs(self, platform: str, team: str, pack_id: str | None = None) -> Card:
        """One pack's YAML, or every pack of the team's in a .zip (one YAML each)."""
        packs = await self.store.team_packs(platform, team)
        if pack_id is not None:
            packs = [p for p in packs if p.pack_id == pack_id]
            if not packs:
                raise UserError(f"This team has no pack '{pack_id[:40]}'.")
        if not packs:
            raise UserError("This team has no packs of its own to export.")
        if len(packs) == 1:
            p = packs[0]
            data = p.source.encode("utf-8")
            return export_card(f"{p.pack_id}.yaml", data, YAML, f"Pack '{p.pack_id}'")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for p in packs:
                z.writestr(f"{p.pack_id}.yaml", p.source)
        summary = f"{len(packs)} packs, one YAML file each"
        return export_card("packs.zip", buf.getvalue(), "application/zip", summary)

    async def leaderboard(self, platform: str, team: str, period: str = "all") -> Card:
        """The team-wide board of a period (today, week, month, all), every player ranked."""
        p = resolve_period(period)
        eff = await self.settings.get(platform, team)
        key, pkey = str(Scope.team()), period_key(p, self.clock.now(), eff.timezone)
        size = await self.store.board_size(platform, team, key, pkey)
        rows = await self.store.top(platform, team, key, pkey, min(max(size, 1), MAX_ROWS))
        data = csv_bytes(
            LEADERBOARD_COLUMNS,
            ((r.rank, r.user_id, r.display_name, r.points, r.answers, r.correct) for r in rows),
        )
        return export_card(
            f"leaderboard-{p}.csv",
            data,
            CSV,
            f"Leaderboard · {period_title(p)}: {len(rows)} player(s)",
        )

    async def answers(self, platform: str, team: str) -> Card:
        """Every answer of the team's (oldest first, at most MAX_ROWS)."""
        rows = await self.store.team_answers(platform, team, MAX_ROWS + 1)
        cut = len(rows) > MAX_ROWS
        rows = rows[:MAX_ROWS]
        data = csv_bytes(
            ANSWER_COLUMNS,
            (
                (
                    _iso(a.answered_ms),
                    a.day,
                    a.user_id,
                    a.display_name,
                    a.channel,
                    a.question_id,
                    a.topic,
                    a.source,
                    a.answer,
                    a.verdict,
                    f"{a.score:.3f}",
                    a.points,
                    "yes" if a.correct else "no",
                    f"{a.elapsed_ms / 1000:.1f}",
                )
                for a in rows
            ),
        )
        more = f" (the first {MAX_ROWS:,}; use `interview-bot db copy` for all)" if cut else ""
        return export_card("answers.csv", data, CSV, f"{len(rows):,} answer(s){more}")


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
