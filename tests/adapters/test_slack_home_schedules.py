"""Slack's App Home lists the team's daily schedules from one team-scoped query."""

from __future__ import annotations

from adapters.slack.home import schedule_blocks
from bot.domain.records import Schedule
from bot.services.container import Core
from tests.support.builders import where
from tests.support.spy import spy_on


def schedule(team: str, channel: str) -> Schedule:
    return Schedule(
        "test",
        team,
        channel,
        "09:00",
        "UTC",
        "mon,tue,wed,thu,fri",
        None,
        None,
        None,
        None,
        None,
        "active",
        "",
        1,
    )


async def test_app_home_reads_only_its_teams_schedules(core: Core) -> None:
    await core.store.upsert_schedule(schedule("t1", "C1"))
    await core.store.upsert_schedule(schedule("t2", "C2"))
    spy = spy_on(core)
    blocks = await schedule_blocks(core, where("u1", team="t1"))
    text = repr(blocks)
    assert "<#C1>" in text and "<#C2>" not in text
    assert spy.calls["active_schedules"] == 0 and spy.calls["team_schedules"] == 1
