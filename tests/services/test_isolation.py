"""One team can never read another team's data through any command.

Team A fills every kind of row (settings, a team pack, quiz and daily rounds with answers, an
interview in progress, a daily schedule). Then another team with the same channel and user
ids (and, separately, the same team id on another platform) walks every read path: each
answer is its own, none mentions A's names, topic, pack, settings or schedule, and nothing A
stored changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.commands.dispatch import answer_action, dispatch
from bot.domain.actions import Action
from bot.domain.values import Card, Reply, UserError, Where
from bot.services.container import Core
from tests.support.poster import RecordingPoster

PACK = """\
id: a-secret-pack
title: Team A only
topic: secretstuff
version: 1
questions:
  - id: a-secret-q
    kind: choice
    difficulty: 1
    prompt: "What is the launch codename?"
    choices:
      - {text: "Nightjar", correct: true}
      - {text: "Sparrow"}
      - {text: "Heron"}
    explanation: "Only team A knows."
"""
# what only team A's data says: none of it may reach another team
SECRETS = (
    "alice-of-A",
    "bob-of-A",
    "carol-of-A",
    "secretstuff",
    "a-secret-pack",
    "launch codename",
    "Nightjar",
    "Pacific/Chatham",
    "1234",
    "17:45",
)


def team_a(user: str, name: str, admin: bool = False) -> Where:
    return Where("test", "tA", "c1", user, name, is_admin=admin)


@dataclass
class TeamA:
    quiz_round: str
    daily_round: str
    session: str


@pytest.fixture
async def a(core: Core) -> TeamA:
    for platform in ("test", "other"):
        core.outbox.register(platform, RecordingPoster())
    alice, bob, carol = (
        team_a("u1", "alice-of-A", admin=True),
        team_a("u2", "bob-of-A"),
        team_a("u3", "carol-of-A"),
    )
    await core.banks.import_pack(alice, PACK, "a.yaml")
    await dispatch(core, alice, "/settings quiz_seconds 1234")
    await dispatch(core, alice, "/settings timezone Pacific/Chatham")
    await dispatch(core, alice, "/settings interview_questions 2")
    quiz = await dispatch(core, alice, "/quiz secretstuff")
    quiz_round = quiz.cards[0].action.split(":")[1]
    await dispatch(core, alice, "/answer Nightjar")
    await dispatch(core, bob, "/answer Sparrow")
    await dispatch(core, alice, "/daily set 17:45 Pacific/Chatham mon-sun topic=secretstuff")
    await dispatch(core, alice, "/daily now")
    daily = await core.store.open_round_in("test", "tA", "c1", "daily")
    assert daily is not None
    await answer_action(core, carol, f"daily:{daily.id}", "A")
    started = await dispatch(core, bob, "/interview start python")
    session = started.cards[1].action.split(":")[1]
    await dispatch(core, bob, "/answer A generator yields values lazily, one at a time.")
    return TeamA(quiz_round, daily.id, session)


def text_of(reply: Reply | Card) -> str:
    cards = reply.cards if isinstance(reply, Reply) else (reply,)
    parts = []
    for c in cards:
        parts += [c.title, c.text, c.footer, *(f"{k} {v}" for k, v in c.fields)]
    return "\n".join(parts)


async def read(core: Core, who: Where, command: str) -> str:
    """What `who` is shown for a command: its cards, or the refusal."""
    try:
        return text_of(await dispatch(core, who, command))
    except UserError as e:
        return str(e)


def leaks(shown: str, typed: str = "") -> list[str]:
    """Team A's secrets in what was shown (besides the intruder's own words echoed back)."""
    return [s for s in SECRETS if s in shown and s not in typed]


@pytest.fixture(params=[("test", "tB"), ("other", "tA")], ids=["other-team", "other-platform"])
def intruder(request: pytest.FixtureRequest) -> Where:
    """Another team with the same channel and user ids as team A's admin."""
    platform, team = request.param
    return Where(platform, team, "c1", "u1", "mallory", is_admin=True)


async def test_boards_and_stats_show_only_the_own_team(
    core: Core, a: TeamA, intruder: Where
) -> None:
    for period in ("today", "week", "month", "all"):
        for scope in ("team", "channel", "topic python", "topic web", "topic secretstuff"):
            shown = await read(core, intruder, f"/leaderboard {period} {scope}")
            assert not leaks(shown, scope), (period, scope, shown)
            assert "pts" not in shown
    for who in ("", "u1", "u2", "u3", "alice-of-A"):
        shown = await read(core, intruder, f"/stats {who}")
        assert not leaks(shown, who) and "No answers yet" in shown, shown
    for uid in ("u1", "u2", "u3"):
        card = await core.leaderboards.stats(intruder, uid)
        assert not leaks(text_of(card)) and card.text == "No answers yet."
    # and team A still sees its own
    mine = await read(core, team_a("u1", "alice-of-A"), "/leaderboard all")
    assert "alice-of-A" in mine and "bob-of-A" in mine


async def test_questions_settings_and_daily_status_are_the_own_teams(
    core: Core, a: TeamA, intruder: Where
) -> None:
    for command in (
        "/questions",
        "/questions list",
        "/quiz secretstuff",
        "/interview start secretstuff",
        "/leaderboard topic secretstuff",
        "/daily set 09:00 topic=secretstuff",
        "/questions remove a-secret-pack",
        "/settings",
        "/daily status",
        "/daily",
        "/help",
    ):
        shown = await read(core, intruder, command)
        assert not leaks(shown, command), (command, shown)
    settings = await read(core, intruder, "/settings")
    assert "quiz_seconds 60 —" in settings and "timezone UTC —" in settings
    assert "interview_questions 5 —" in settings
    assert "Not set up in this channel" in await read(core, intruder, "/daily status")


async def test_rounds_and_interviews_of_another_team_cannot_be_reached(
    core: Core, a: TeamA, intruder: Where
) -> None:
    actions = (
        f"quiz:{a.quiz_round}",
        f"daily:{a.daily_round}",
        f"interview:{a.session}:1",
        f"interview:{a.session}:0",
    )
    for action in actions:
        for text in ("A", "Nightjar", "A generator yields values lazily."):
            with pytest.raises(UserError) as e:
                await answer_action(core, intruder, action, text)
            assert not leaks(str(e.value), text)
    for command in (
        "/answer A",
        "/interview skip",
        "/interview end",
        "/skip",
        "/end",
        "/quiz stop",
        "/interview answer yield",
        "/daily now",
    ):
        shown = await read(core, intruder, command)
        assert not leaks(shown), (command, shown)
    for call in (
        core.interviews.skip(intruder, Action.interview(a.session, 1)),
        core.interviews.end(intruder, Action.interview(a.session, 1)),
        core.quizzes.answer(intruder, a.quiz_round, "A"),
        core.daily.answer(intruder, a.daily_round, "A"),
        core.quizzes.stop(intruder),
    ):
        with pytest.raises(UserError) as e:
            await call
        assert not leaks(str(e.value))
    # the same user id starts an interview of its own team, not team A's in progress
    started = await dispatch(core, intruder, "/interview start python")
    assert "Interview in progress" not in text_of(started)
    assert all(a.session not in c.action for c in started.cards)
    # nothing of team A's changed: no answer landed in its rounds or its interview
    assert await _a_unchanged(core, a)
    bob_session = await core.store.get_session("test", "tA", a.session)
    assert bob_session is not None and bob_session.position == 1
    assert bob_session.status == "active"
    rnd = await core.store.get_round("test", "tA", a.quiz_round)
    assert rnd is not None and rnd.closed_ms is None


async def _a_unchanged(core: Core, a: TeamA) -> bool:
    quiz = await core.store.context_answers("test", "tA", f"quiz:{a.quiz_round}")
    daily = await core.store.context_answers("test", "tA", f"daily:{a.daily_round}")
    interview = await core.store.context_answers("test", "tA", f"interview:{a.session}")
    return (
        [r.user_id for r in quiz],
        [r.user_id for r in daily],
        [r.user_id for r in interview],
    ) == (["u1", "u2"], ["u3"], ["u2"])


async def test_a_reveal_and_a_resume_stay_in_their_team(
    core: Core, a: TeamA, intruder: Where
) -> None:
    """Team A's reveal names only team A's people; the intruder's own round reveals only
    its own; the interview resumes for team A's user, not for the same id elsewhere."""
    await dispatch(core, intruder, "/quiz web")
    await dispatch(core, Where(intruder.platform, intruder.team, "c1", "u2", "eve"), "/answer 404")
    core.clock.advance(seconds=3600)  # type: ignore[attr-defined]
    recorders = {p: RecordingPoster() for p in ("test", "other")}
    for platform, recorder in recorders.items():
        core.outbox.register(platform, recorder)
    await core.rounds.close_due()
    by_team = {}
    for target, card in [p for r in recorders.values() for p in r.posts]:
        if card.title.startswith("Round over"):
            by_team[(target.platform, target.team)] = text_of(card)
    theirs = by_team[(intruder.platform, intruder.team)]
    assert "eve" in theirs and not leaks(theirs)
    ours = by_team[("test", "tA")]
    assert "alice-of-A" in ours and "eve" not in ours
    resumed = await read(core, team_a("u2", "bob-of-A"), "/interview start")
    assert "Interview in progress" in resumed
    assert "Interview in progress" not in await read(
        core, Where(intruder.platform, intruder.team, "c1", "u2", "eve"), "/interview start python"
    )
