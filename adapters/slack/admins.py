"""Who someone is: their display name, and whether they may change settings.

Admins are the workspace's admins and owners (users.info), plus anyone listed in
SLACK_ADMIN_USERS (comma-separated user ids, `Settings.slack_admin_users`). Answers are
cached for a minute, so a promotion shows within one.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

ADMIN_USERS_VAR = "SLACK_ADMIN_USERS"


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    is_admin: bool


def parse_admin_ids(raw: str) -> frozenset[str]:
    return frozenset(p.strip() for p in raw.replace(" ", ",").split(",") if p.strip())


# After a failed lookup the fallback (no admin rights unless listed) is kept this long, not
# the full ttl: an admin is not demoted for a minute by one error page.
FAILED_TTL = 5.0


class People:
    def __init__(self, admin_ids: frozenset[str] = frozenset(), ttl: float = 60.0) -> None:
        self.admin_ids = admin_ids
        self.ttl = ttl
        self._cache: dict[tuple[str, str], tuple[float, Person]] = {}

    async def get(self, client: AsyncWebClient, team: str, user: str, fallback: str) -> Person:
        key = (team, user)
        hit = self._cache.get(key)
        if hit and time.monotonic() - hit[0] < self.ttl:
            return hit[1]
        listed = user in self.admin_ids
        try:
            person = await self._look_up(client, user, fallback, listed)
        except Exception as e:  # a lookup never fails the turn: an error page, an outage
            log.warning(
                "users.info failed for %s/%s: %s (admins from %s only)",
                team,
                user,
                _why(e),
                ADMIN_USERS_VAR,
            )
            person = Person(fallback or user, listed)
            stamp = time.monotonic() - self.ttl + FAILED_TTL  # kept briefly: try again soon
        else:
            stamp = time.monotonic()
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[key] = (stamp, person)
        return person

    async def _look_up(
        self, client: AsyncWebClient, user: str, fallback: str, listed: bool
    ) -> Person:
        resp = await client.users_info(user=user)
        info = _dict(resp.get("user"))
        profile = _dict(info.get("profile"))
        name = (
            profile.get("display_name")
            or profile.get("real_name")
            or info.get("real_name")
            or info.get("name")
            or fallback
            or user
        )
        admin = listed or any(
            bool(info.get(k)) for k in ("is_admin", "is_owner", "is_primary_owner")
        )
        return Person(str(name), admin)


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _why(e: Exception) -> str:
    """Slack's error code when there is one; else the kind of failure (a body that is not
    JSON comes with an aiohttp response, not a Slack one)."""
    try:
        code = e.response.get("error") if isinstance(e, SlackApiError) else None
    except (AttributeError, TypeError):
        code = None
    return str(code) if code else type(e).__name__
