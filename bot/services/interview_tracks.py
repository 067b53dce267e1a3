"""The interview tracks on offer: the shipped ones (questions/tracks/), read once, and each
team's own (bot/services/team_tracks.py) beside them. A broken shipped track is logged
(`interview-bot questions validate` names each problem), never raised in a request."""

from __future__ import annotations

import logging

from bot.domain.text import clip
from bot.domain.values import Card, UserError, Visibility, Where
from bot.questions.schema import PackError
from bot.questions.tracks import Track, load_tracks
from bot.services.team_tracks import TRACK_PREFIX, TeamTracks

log = logging.getLogger(__name__)


class TrackBook:
    def __init__(self, tracks: dict[str, Track] | None = None, team: TeamTracks | None = None):
        self._tracks = tracks
        self.team = team  # None: shipped tracks only

    @property
    def all(self) -> dict[str, Track]:
        """The shipped tracks."""
        if self._tracks is None:
            try:
                self._tracks = load_tracks()
            except PackError as e:
                log.error("interview tracks refused: %s", "; ".join(e.errors[:5]))
                self._tracks = {}
        return self._tracks

    def use(self, tracks: dict[str, Track]) -> None:
        """Offer these tracks instead of the shipped ones (tests)."""
        self._tracks = dict(tracks)

    async def own(self, platform: str, team: str) -> dict[str, Track]:
        """The team's own tracks that a shipped one does not hide."""
        if self.team is None:
            return {}
        mine = await self.team.of_team(platform, team)
        return {k: t for k, t in mine.items() if k not in self.all}

    async def offered(self, platform: str, team: str) -> dict[str, Track]:
        """Every track the team can start: the shipped ones, then its own."""
        return {**self.all, **await self.own(platform, team)}

    async def get(self, where: Where, name: str) -> Track:
        """The track by id; a UserError listing them for a name that is none."""
        tracks = await self.offered(where.platform, where.team)
        t = tracks.get(name.strip().lower())
        if t is None:
            have = ", ".join(tracks) or "none"
            raise UserError(f"Unknown track '{clip(name, 40)}'. Tracks: {have}.")
        return t

    async def import_file(self, where: Where, data: bytes, filename: str) -> Card:
        """A team's own track (refused under a shipped id); on any error nothing is stored."""
        if self.team is None:
            raise UserError("This bot takes no tracks of a team's own.")
        return await self.team.import_file(where, data, filename, self.all)

    async def remove(self, where: Where, track_id: str) -> Card:
        if self.team is None:
            raise UserError("This bot takes no tracks of a team's own.")
        return await self.team.remove(where, track_id)

    async def card(self, where: Where) -> Card:
        theirs = await self.team.of_team(where.platform, where.team) if self.team else {}
        mine = {k: t for k, t in theirs.items() if k not in self.all}
        hidden = [k for k in theirs if k in self.all]  # a later release shipped that id
        lines = [_line(t) for t in self.all.values()]
        lines += [_line(t) + " · this team's" for t in mine.values()]
        lines += [
            f"**{k}** (this team's) is hidden by a shipped track of that id: import it under "
            "another id"
            for k in hidden
        ]
        footer = "Start one with /interview start track=NAME"
        if mine or hidden:
            footer += f" · an admin removes the team's with /questions remove {TRACK_PREFIX}ID"
        return Card(
            title="Interview tracks",
            text="\n".join(lines) or "No tracks are installed.",
            footer=footer,
            visibility=Visibility.EPHEMERAL,
        )


def _line(t: Track) -> str:
    return (
        f"**{t.id}** · {clip(t.title, 80)}: {t.questions} questions, {t.minutes} min, "
        + ", ".join(m.topic for m in t.mix)
    )
