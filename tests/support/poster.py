"""A platform port that records what the bot posts, for service tests."""

from __future__ import annotations

from bot.domain.values import Card, Target
from bot.ports import ChannelUnavailable


class RecordingPoster:
    """A platform that remembers every post and edit; channels in `gone` refuse posts."""

    def __init__(self) -> None:
        self.posts: list[tuple[Target, Card]] = []
        self.edits: list[tuple[Target, str, Card]] = []
        self.gone: set[str] = set()

    async def post(self, target: Target, card: Card) -> str:
        if target.channel in self.gone:
            raise ChannelUnavailable("missing access")
        self.posts.append((target, card))
        return f"m{len(self.posts)}"

    async def edit(self, target: Target, ref: str, card: Card) -> None:
        self.edits.append((target, ref, card))

    def titled(self, prefix: str, channel: str | None = None) -> list[Card]:
        return [
            c
            for t, c in self.posts
            if c.title.startswith(prefix) and (channel is None or t.channel == channel)
        ]
