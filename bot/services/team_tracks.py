"""A team's own interview tracks: imported by an admin like a pack (chat upload, console
`/questions import`, CLI `questions import`), validated like the shipped ones and against the
team's bank (shipped topics and its own packs), stored per team, seen only by that team.

A team track never shadows a shipped one: an import under a shipped id is refused, and should a
later release ship an id a team already uses, the shipped track wins (the team's is listed as
hidden until it is imported under another id)."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from bot.clock import Clock, to_ms
from bot.domain.records import TeamTrack
from bot.domain.text import clip
from bot.domain.values import Card, Color, UserError, Visibility, Where
from bot.questions.imports.draft import decode
from bot.questions.schema import PackError
from bot.questions.tracks import Track, looks_like_track, parse_team_track, parse_track
from bot.services.access import require_admin
from bot.store.protocol import Store

if TYPE_CHECKING:
    from bot.services.banks import Banks

log = logging.getLogger(__name__)

MAX_TEAM_TRACKS = 50
MANAGE_TRACKS = "change its interview tracks"  # what only an admin may do
TRACK_PREFIX = "track:"  # `/questions remove track:ID`: a pack id cannot hold a ':'


def is_track_file(data: bytes, fmt: str | None) -> bool:
    """`--format track`, or (no format named) YAML with a top-level `mix:` and an integer
    `questions:`."""
    if fmt is not None:
        return fmt.strip().lower() == "track"
    return looks_like_track(data[:200_000].decode("utf-8-sig", "replace"))


class TeamTracks:
    """The tracks each team added, read from the store (parsed once per stored version)."""

    def __init__(self, store: Store, banks: Banks, clock: Clock) -> None:
        self.store = store
        self.banks = banks
        self.clock = clock
        # (platform, team, track id) -> (digest of the stored YAML, its track or None: broken)
        self._parsed: dict[tuple[str, str, str], tuple[str, Track | None]] = {}

    async def of_team(self, platform: str, team: str) -> dict[str, Track]:
        """The team's own tracks by id (one that a later schema refuses is skipped, logged)."""
        out: dict[str, Track] = {}
        for row in await self.store.team_tracks(platform, team):
            key = (platform, team, row.track_id)
            digest = hashlib.sha256(row.source.encode("utf-8", "surrogatepass")).hexdigest()
            hit = self._parsed.get(key)
            if hit is None or hit[0] != digest:
                try:
                    track: Track | None = parse_track(row.source, row.track_id)
                except PackError as e:
                    log.warning(
                        "team track %r of %s/%s is skipped: %s",
                        row.track_id,
                        platform,
                        team,
                        e.errors[:3],
                    )
                    track = None
                hit = (digest, track)
                self._parsed[key] = hit
            if hit[1] is not None:
                out[row.track_id] = hit[1]
        return out

    async def import_file(
        self, where: Where, data: bytes, filename: str, shipped: Mapping[str, Track]
    ) -> Card:
        """Validate and store a team's track; on any error nothing is stored."""
        require_admin(where, MANAGE_TRACKS)
        bank = await self.banks.for_team(where.platform, where.team)
        try:
            text = decode(data, filename)
            track = await asyncio.to_thread(parse_team_track, text, filename, bank.topics)
        except PackError as e:
            shown = e.errors[:10]
            more = f"\n…and {len(e.errors) - 10} more" if len(e.errors) > 10 else ""
            raise UserError("The track was not imported:\n" + "\n".join(shown) + more) from None
        if track.id in shipped:
            raise UserError(
                f"The track was not imported: '{track.id}' is a shipped track's id, and a "
                "team's track cannot replace it. Give yours another id."
            )
        existing = await self.store.team_tracks(where.platform, where.team)
        if len([t for t in existing if t.track_id != track.id]) >= MAX_TEAM_TRACKS:
            raise UserError(
                f"A team can have at most {MAX_TEAM_TRACKS} tracks; remove one first "
                f"(/questions remove {TRACK_PREFIX}ID)."
            )
        replaced = any(t.track_id == track.id for t in existing)
        row = TeamTrack(track.id, text, where.user, to_ms(self.clock.now()))
        await self.store.add_team_track(where.platform, where.team, row)
        return Card(
            title=f"Track '{track.id}' {'replaced' if replaced else 'imported'}",
            text=f"{clip(track.title, 80)}: {track.questions} questions, {track.minutes} min, "
            + ", ".join(m.topic for m in track.mix)
            + f". Only this team sees it: /interview start track={track.id}.",
            visibility=Visibility.EPHEMERAL,
            color=Color.GOOD,
        )

    async def remove(self, where: Where, track_id: str) -> Card:
        require_admin(where, MANAGE_TRACKS)
        tid = track_id.strip().lower()
        if not await self.store.remove_team_track(where.platform, where.team, tid):
            raise UserError(
                f"This team has no track '{clip(track_id, 40)}' of its own "
                "(shipped tracks cannot be removed)."
            )
        self._parsed.pop((where.platform, where.team, tid), None)
        return Card(title=f"Track '{tid}' removed", visibility=Visibility.EPHEMERAL)
