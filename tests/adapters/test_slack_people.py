"""Who a Slack user is (name, admin) after a users.info error: the fallback is kept only
briefly, so one error page does not take a workspace admin's rights away for a minute."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.slack import admins
from adapters.slack.admins import FAILED_TTL, People


class FlakyClient:
    """users.info that fails `fail` times (as an outage's error page would), then answers."""

    def __init__(self, fail: int) -> None:
        self.fail = fail
        self.calls = 0

    async def users_info(self, user: str) -> dict[str, Any]:
        self.calls += 1
        if self.fail:
            self.fail -= 1
            raise ValueError("Expecting value: line 1 column 1 (char 0)")  # an HTML body
        return {"user": {"name": user, "is_admin": True, "profile": {"display_name": "Ada"}}}


async def test_an_admin_gets_their_rights_back_soon_after_a_failed_lookup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [1000.0]
    monkeypatch.setattr(admins.time, "monotonic", lambda: now[0])
    people, client = People(ttl=60.0), FlakyClient(fail=1)
    first = await people.get(client, "T1", "U1", "ada")  # type: ignore[arg-type]
    assert (first.name, first.is_admin) == ("ada", False)  # the name Slack sent, no rights
    now[0] += FAILED_TTL + 0.1
    again = await people.get(client, "T1", "U1", "ada")  # type: ignore[arg-type]
    assert (again.name, again.is_admin) == ("Ada", True) and client.calls == 2
    now[0] += 30  # a good answer is kept for the whole ttl
    assert (await people.get(client, "T1", "U1", "ada")).is_admin  # type: ignore[arg-type]
    assert client.calls == 2
