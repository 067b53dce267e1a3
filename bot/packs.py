"""Team packs: a team's own questions, validated like the shipped ones and used only there."""

from __future__ import annotations

import time
from collections import Counter

from bot.clock import Clock, to_ms
from bot.domain import Card, UserError, Visibility, Where
from bot.pack_checks import team_pack_warnings, warnings_text
from bot.questions import PackError, QuestionBank, cross_pack_errors, parse_pack
from bot.sandbox import Sandbox
from bot.store.base import Store, TeamPack

MAX_TEAM_PACKS = 50
_CACHE_SECONDS = 30.0


class Banks:
    """The shipped bank, plus each team's packs on top (cached briefly per team)."""

    def __init__(self, base: QuestionBank, store: Store, clock: Clock,
                 sandbox: Sandbox | None = None) -> None:
        self.base = base
        self.sandbox = sandbox  # code questions' checks; None: the process-wide one
        self.store = store
        self.clock = clock
        self._cache: dict[tuple[str, str], tuple[float, QuestionBank]] = {}

    async def for_team(self, platform: str, team: str) -> QuestionBank:
        key = (platform, team)
        hit = self._cache.get(key)
        if hit and time.monotonic() - hit[0] < _CACHE_SECONDS:
            return hit[1]
        packs = await self.store.team_packs(platform, team)
        bank = self.base
        if packs:
            extra = []
            for p in packs:
                try:
                    extra.extend(parse_pack(p.source, p.pack_id).questions)
                except PackError:  # validated on import; a later schema change skips it
                    continue
            bank = self.base.with_extra(extra)
        self._cache[key] = (time.monotonic(), bank)
        return bank

    def forget(self, platform: str, team: str) -> None:
        self._cache.pop((platform, team), None)

    async def import_pack(self, where: Where, text: str, filename: str) -> Card:
        """Validate and store a team pack; on any error nothing is stored."""
        _require_admin(where)
        try:
            pack = parse_pack(text, filename)
        except PackError as e:
            shown = e.errors[:10]
            more = f"\n…and {len(e.errors) - 10} more" if len(e.errors) > 10 else ""
            raise UserError("The pack was not imported:\n" + "\n".join(shown) + more) from None
        existing = await self.store.team_packs(where.platform, where.team)
        others = [p for p in existing if p.pack_id != pack.id]
        if len(others) >= MAX_TEAM_PACKS:
            raise UserError(f"A team can have at most {MAX_TEAM_PACKS} packs; remove one first.")
        taken = {q.id for q in self.base}
        for p in others:
            try:
                taken |= {q.id for q in parse_pack(p.source, p.pack_id).questions}
            except PackError:
                continue
        clashes = cross_pack_errors([pack], taken)
        if clashes:
            raise UserError("The pack was not imported:\n" + "\n".join(clashes[:10]))
        warnings = await team_pack_warnings(pack, text, self.base, self.sandbox)
        await self.store.add_team_pack(where.platform, where.team, TeamPack(
            pack.id, text, where.user, to_ms(self.clock.now())))
        self.forget(where.platform, where.team)
        kinds = Counter(q.kind.value for q in pack.questions)
        return Card(
            title=f"Pack '{pack.id}' imported",
            text=f"{len(pack.questions)} question(s) on {pack.topic}: "
                 + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
                 + ". Only this team sees them." + warnings_text(warnings),
            visibility=Visibility.EPHEMERAL, color="warn" if warnings else "good")

    async def remove_pack(self, where: Where, pack_id: str) -> Card:
        _require_admin(where)
        if not await self.store.remove_team_pack(where.platform, where.team, pack_id):
            raise UserError(f"This team has no pack '{pack_id[:40]}'.")
        self.forget(where.platform, where.team)
        return Card(title=f"Pack '{pack_id}' removed", visibility=Visibility.EPHEMERAL)

    async def list_topics(self, where: Where) -> Card:
        bank = await self.for_team(where.platform, where.team)
        counts = Counter(q.topic for q in bank)
        team = await self.store.team_packs(where.platform, where.team)
        fields = tuple((t, f"{n} questions") for t, n in sorted(counts.items()))
        footer = ("Team packs: " + ", ".join(p.pack_id for p in team)) if team else ""
        return Card(title=f"Question bank: {len(bank)} questions", fields=fields,
                    footer=footer, visibility=Visibility.EPHEMERAL)


def _require_admin(where: Where) -> None:
    if not where.is_admin:
        raise UserError("Only an admin of this team can change its question packs.")
