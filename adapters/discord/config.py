"""What the Discord adapter needs from the bot's configuration: its token and sharding."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DiscordConfig:
    """DISCORD_TOKEN and friends; the token is kept out of repr (logs, tracebacks)."""

    token: str = field(default="", repr=False)
    guild_id: int | None = None  # sync the commands to this one server (testing)
    shard_ids: tuple[int, ...] = ()
    shard_count: int | None = None
