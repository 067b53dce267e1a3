"""Team packs: a team's own questions, validated like the shipped ones and used only there.

A team pack is parsed once, at import, off the event loop; the validated pack is stored as
JSON beside its YAML, and kept parsed in memory per pack (by content hash), so a bank
refresh reads neither YAML nor, when nothing changed, JSON. Team question ids are
namespaced by their pack (`<pack id>/<question id>`); shipped ids cannot hold a `/`, so no
team question shadows a shipped one, whatever a later release ships.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import Counter
from dataclasses import replace

from bot.clock import Clock, to_ms
from bot.domain.questions import Question
from bot.domain.records import TeamPack
from bot.domain.values import Card, Color, UserError, Visibility, Where
from bot.questions.bank import QuestionBank
from bot.questions.checks import team_pack_warnings, warnings_text
from bot.questions.imports import FORMATS, convert
from bot.questions.parse import pack_from_json, parse_pack, parse_pack_stored
from bot.questions.schema import Pack, PackError
from bot.sandbox import Sandbox
from bot.services.access import require_admin
from bot.services.interview_tracks import TrackBook
from bot.services.team_tracks import TRACK_PREFIX, TeamTracks, is_track_file
from bot.store.protocol import Store

log = logging.getLogger(__name__)

MAX_TEAM_PACKS = 50
_CACHE_SECONDS = 30.0
MANAGE_PACKS = "change its question packs"  # what only an admin may do


def team_question_id(pack_id: str, question_id: str) -> str:
    """The id a team question is stored and served under: its pack's id, `/`, its own."""
    return f"{pack_id}/{question_id}"


def team_questions(pack: Pack) -> tuple[Question, ...]:
    return tuple(replace(q, id=team_question_id(pack.id, q.id)) for q in pack.questions)


def _digest(p: TeamPack) -> str:
    return hashlib.sha256((p.parsed or p.source).encode("utf-8", "surrogatepass")).hexdigest()


class Banks:
    """The shipped bank, plus each team's packs on top (cached briefly per team)."""

    def __init__(
        self, base: QuestionBank, store: Store, clock: Clock, sandbox: Sandbox | None = None
    ) -> None:
        self.base = base
        self.sandbox = sandbox  # code questions' checks; None: the process-wide one
        self.store = store
        self.clock = clock
        self._cache: dict[tuple[str, str], tuple[float, QuestionBank]] = {}
        # (platform, team, pack id) -> (digest of what is stored, its questions)
        self._parsed: dict[tuple[str, str, str], tuple[str, tuple[Question, ...]]] = {}
        # YAML parsing is pure Python (up to about 2 s for a pack at the limits) and holds
        # the GIL: one at a time, so imports from many teams cannot take every core
        self._yaml_turn = asyncio.Lock()
        # interview tracks, shipped and each team's own: imported and removed like packs
        self.tracks = TrackBook(team=TeamTracks(store, self, clock))

    async def for_team(self, platform: str, team: str) -> QuestionBank:
        key = (platform, team)
        hit = self._cache.get(key)
        if hit and time.monotonic() - hit[0] < _CACHE_SECONDS:
            return hit[1]
        packs = await self.store.team_packs(platform, team)
        bank = self.base
        if packs:
            extra: list[Question] = []
            for p in packs:
                extra.extend(await self._questions_of(platform, team, p))
            bank = self.base.with_extra(extra)
        self._cache[key] = (time.monotonic(), bank)
        return bank

    async def _questions_of(self, platform: str, team: str, p: TeamPack) -> tuple[Question, ...]:
        """A stored pack's questions: from memory when it has not changed, else from its
        JSON (its YAML only for a pack stored before JSON was kept), in a worker thread."""
        key, digest = (platform, team, p.pack_id), _digest(p)
        hit = self._parsed.get(key)
        if hit and hit[0] == digest:
            return hit[1]
        try:
            if p.parsed:
                pack = await asyncio.to_thread(pack_from_json, p.parsed, p.pack_id)
            else:
                async with self._yaml_turn:
                    pack = await asyncio.to_thread(parse_pack, p.source, p.pack_id)
            questions = team_questions(pack)
        except PackError as e:  # validated on import; a later schema change skips it
            log.warning(
                "team pack %r of %s/%s is skipped: %s", p.pack_id, platform, team, e.errors[:3]
            )
            questions = ()
        self._parsed[key] = (digest, questions)
        return questions

    def forget(self, platform: str, team: str) -> None:
        self._cache.pop((platform, team), None)

    async def import_pack(self, where: Where, text: str, filename: str) -> Card:
        """Validate and store a team pack; on any error nothing is stored."""
        require_admin(where, MANAGE_PACKS)
        try:
            # off the event loop: a big pack takes seconds of pure-Python parsing
            async with self._yaml_turn:
                pack, parsed = await asyncio.to_thread(parse_pack_stored, text, filename)
        except PackError as e:
            shown = e.errors[:10]
            more = f"\n…and {len(e.errors) - 10} more" if len(e.errors) > 10 else ""
            raise UserError("The pack was not imported:\n" + "\n".join(shown) + more) from None
        existing = await self.store.team_packs(where.platform, where.team)
        others = [p for p in existing if p.pack_id != pack.id]
        if len(others) >= MAX_TEAM_PACKS:
            raise UserError(f"A team can have at most {MAX_TEAM_PACKS} packs; remove one first.")
        warnings = await team_pack_warnings(pack, text, self.base, self.sandbox)
        stored = TeamPack(pack.id, text, where.user, to_ms(self.clock.now()), parsed)
        await self.store.add_team_pack(where.platform, where.team, stored)
        self._parsed[(where.platform, where.team, pack.id)] = (
            _digest(stored),
            team_questions(pack),
        )
        self.forget(where.platform, where.team)
        kinds = Counter(q.kind.value for q in pack.questions)
        return Card(
            title=f"Pack '{pack.id}' imported",
            text=f"{len(pack.questions)} question(s) on {pack.topic}: "
            + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
            + ". Only this team sees them."
            + warnings_text(warnings),
            visibility=Visibility.EPHEMERAL,
            color=Color.WARN if warnings else Color.GOOD,
        )

    # --- imports from other formats (issue #17) -----------------------------------------

    async def import_file(
        self, where: Where, data: bytes, filename: str, fmt: str | None = None
    ) -> Card:
        """A file in any format `bot.questions.imports` reads (detected from the content
        unless `fmt` names it), converted to our pack and imported; on any error nothing
        is stored. A track file (`fmt` "track", or detected) becomes a team's track."""
        if is_track_file(data, fmt):
            return await self.tracks.import_file(where, data, filename)
        require_admin(where, MANAGE_PACKS)
        try:
            async with self._yaml_turn:  # conversion parses YAML or a spreadsheet: seconds
                converted = await asyncio.to_thread(convert, data, filename, fmt)
        except PackError as e:
            shown = e.errors[:10]
            more = f"\n…and {len(e.errors) - 10} more" if len(e.errors) > 10 else ""
            raise UserError("The pack was not imported:\n" + "\n".join(shown) + more) from None
        card = await self.import_pack(where, converted.yaml, filename)
        if converted.format == "pack":
            return card
        text = converted.relabel(card.text, filename)
        return replace(card, text=f"Read as {FORMATS[converted.format]}. {text}")

    async def remove_pack(self, where: Where, pack_id: str) -> Card:
        """A pack, or with `track:ID` a team's own interview track."""
        if pack_id.lower().startswith(TRACK_PREFIX):
            return await self.tracks.remove(where, pack_id[len(TRACK_PREFIX) :])
        require_admin(where, MANAGE_PACKS)
        if not await self.store.remove_team_pack(where.platform, where.team, pack_id):
            raise UserError(f"This team has no pack '{pack_id[:40]}'.")
        self._parsed.pop((where.platform, where.team, pack_id), None)
        self.forget(where.platform, where.team)
        return Card(title=f"Pack '{pack_id}' removed", visibility=Visibility.EPHEMERAL)

    async def pack_ids(self, platform: str, team: str) -> list[str]:
        """The ids of the packs the team added (for choosing one to remove)."""
        return [p.pack_id for p in await self.store.team_packs(platform, team)]

    async def list_topics(self, where: Where) -> Card:
        bank = await self.for_team(where.platform, where.team)
        counts = Counter(q.topic for q in bank)
        team = await self.store.team_packs(where.platform, where.team)
        fields = tuple((t, f"{n} questions") for t, n in sorted(counts.items()))
        footer = ("Team packs: " + ", ".join(p.pack_id for p in team)) if team else ""
        return Card(
            title=f"Question bank: {len(bank)} questions",
            fields=fields,
            footer=footer,
            visibility=Visibility.EPHEMERAL,
        )
