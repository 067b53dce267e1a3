"""The interview tracks on offer: the shipped ones (questions/tracks/), read once; a broken
track is logged (`interview-bot questions validate` names each problem), never raised in a
request."""

from __future__ import annotations

import logging

from bot.domain.text import clip
from bot.domain.values import Card, UserError, Visibility
from bot.questions.schema import PackError
from bot.questions.tracks import Track, load_tracks

log = logging.getLogger(__name__)


class TrackBook:
    def __init__(self, tracks: dict[str, Track] | None = None) -> None:
        self._tracks = tracks

    @property
    def all(self) -> dict[str, Track]:
        if self._tracks is None:
            try:
                self._tracks = load_tracks()
            except PackError as e:
                log.error("interview tracks refused: %s", "; ".join(e.errors[:5]))
                self._tracks = {}
        return self._tracks

    def use(self, tracks: dict[str, Track]) -> None:
        """Offer these tracks instead of the shipped ones (tests, a team's own)."""
        self._tracks = dict(tracks)

    def get(self, name: str) -> Track:
        """The track by id; a UserError listing them for a name that is none."""
        t = self.all.get(name.strip().lower())
        if t is None:
            have = ", ".join(self.all) or "none"
            raise UserError(f"Unknown track '{clip(name, 40)}'. Tracks: {have}.")
        return t

    def card(self) -> Card:
        lines = [
            f"**{t.id}** · {t.title}: {t.questions} questions, {t.minutes} min, "
            + ", ".join(m.topic for m in t.mix)
            for t in self.all.values()
        ]
        return Card(
            title="Interview tracks",
            text="\n".join(lines) or "No tracks are installed.",
            footer="Start one with /interview start track=NAME",
            visibility=Visibility.EPHEMERAL,
        )
