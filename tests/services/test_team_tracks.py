"""A team's own interview tracks: an admin imports one like a pack, the team lists and starts
it beside the shipped ones, another team never sees it, a broken one stores nothing; on SQLite
and PostgreSQL."""

from __future__ import annotations

import pytest

from bot.commands.dispatch import dispatch
from bot.domain.values import Reply, UserError
from bot.questions.tracks import parse_track
from bot.services.container import Core
from tests.support.builders import where

ADMIN = where("boss", admin=True)
MEMBER = where("ann")
OTHER_TEAM = where("olga", team="t2", admin=True)

TRACK = """\
# our own plan
id: py-web
title: Python and the web
level: junior
questions: 2
minutes: 10
mix:
  - topic: python
    kinds: [open]
  - topic: web
    kinds: [open]
"""

ACME_PACK = """\
id: acme
title: Acme pack
topic: acme
version: 1
questions:
  - id: deploy
    kind: open
    difficulty: 1
    prompt: "How do we roll back a release at Acme?"
    reference: "Redeploy the previous tag with the release script, then check the health page."
    key_points:
      - {point: "previous tag", terms: ["previous tag", "last tag"]}
      - {point: "health page", terms: ["health"]}
    explanation: "The release script keeps every tag."
"""


def text_of(reply: Reply) -> str:
    return "\n".join(f"{c.title}\n{c.text}\n{c.footer}" for c in reply.cards)


async def import_track(core: Core, text: str, name: str = "py-web.yaml", who=ADMIN):  # type: ignore[no-untyped-def]
    return await core.banks.import_file(who, text.encode(), name)


async def test_an_admin_imports_a_track_the_team_lists_and_plays_it(core: Core) -> None:
    card = await import_track(core, TRACK)
    assert card.title == "Track 'py-web' imported"
    assert "2 questions, 10 min" in card.text and "track=py-web" in card.text

    listed = text_of(await dispatch(core, MEMBER, "/interview tracks"))
    assert "**py-web** · Python and the web: 2 questions, 10 min, python, web · this team's" in (
        listed
    )
    assert "**backend-junior**" in listed  # the shipped ones are still there
    assert "/questions remove track:ID" in listed

    start = await dispatch(core, MEMBER, "/interview start track=py-web")
    intro, q1 = start.cards
    assert intro.title == "Mock interview · Python and the web"
    assert q1.title.startswith("Question 1/2 · python")
    r1 = await core.interviews.skip(MEMBER)
    assert r1.cards[-1].title.startswith("Question 2/2 · web")  # the track's second slot
    r2 = await core.interviews.skip(MEMBER)
    assert r2.cards[-1].title == "Interview report · track py-web"


async def test_the_same_id_again_replaces_the_teams_track(core: Core) -> None:
    await import_track(core, TRACK)
    card = await import_track(core, TRACK.replace("questions: 2", "questions: 4"))
    assert card.title == "Track 'py-web' replaced"
    listed = text_of(await dispatch(core, MEMBER, "/interview tracks"))
    assert "Python and the web: 4 questions" in listed
    assert len(await core.store.team_tracks(ADMIN.platform, ADMIN.team)) == 1


async def test_a_broken_track_names_file_line_and_field_and_stores_nothing(core: Core) -> None:
    broken = TRACK.replace("level: junior", "level: expert").replace("minutes: 10\n", "")
    with pytest.raises(UserError) as e:
        await import_track(core, broken, "team.yaml")
    msg = str(e.value)
    assert msg.startswith("The track was not imported:")
    assert "team.yaml:4: level: Input should be 'junior', 'mid' or 'senior'" in msg
    assert "team.yaml:2: minutes: Field required" in msg
    assert await core.store.team_tracks(ADMIN.platform, ADMIN.team) == []
    assert "py-web" not in text_of(await dispatch(core, MEMBER, "/interview tracks"))


async def test_an_unknown_topic_lists_the_teams_topics_and_stores_nothing(core: Core) -> None:
    with pytest.raises(UserError) as e:
        await import_track(core, TRACK.replace("topic: web", "topic: cobol"), "team.yaml")
    msg = str(e.value)
    assert "team.yaml:10: mix[1].topic: no topic 'cobol' in this team's bank" in msg
    assert "team.yaml: the bank's topics: python, web" in msg
    assert await core.store.team_tracks(ADMIN.platform, ADMIN.team) == []


async def test_a_topic_of_the_teams_own_pack_is_one_it_can_use(core: Core) -> None:
    acme = TRACK.replace("topic: web", "topic: acme")
    with pytest.raises(UserError, match="no topic 'acme'"):
        await import_track(core, acme)
    await core.banks.import_pack(ADMIN, ACME_PACK, "acme.yaml")
    assert (await import_track(core, acme)).title == "Track 'py-web' imported"
    # another team has neither the pack nor its topic
    with pytest.raises(UserError, match="no topic 'acme'"):
        await import_track(core, acme, who=OTHER_TEAM)


async def test_a_team_track_cannot_shadow_a_shipped_one(core: Core) -> None:
    with pytest.raises(UserError, match="'backend-junior' is a shipped track's id"):
        await import_track(core, TRACK.replace("id: py-web", "id: backend-junior"))
    assert await core.store.team_tracks(ADMIN.platform, ADMIN.team) == []
    listed = text_of(await dispatch(core, MEMBER, "/interview tracks"))
    assert "**backend-junior** · Backend developer, junior" in listed


async def test_another_team_never_sees_the_track(core: Core) -> None:
    await import_track(core, TRACK)
    assert "py-web" not in text_of(await dispatch(core, OTHER_TEAM, "/interview tracks"))
    with pytest.raises(UserError, match="Unknown track 'py-web'"):
        await core.interviews.start(OTHER_TEAM, track="py-web")
    with pytest.raises(UserError, match="no track 'py-web'"):
        await core.banks.remove_pack(OTHER_TEAM, "track:py-web")
    assert len(await core.store.team_tracks(ADMIN.platform, ADMIN.team)) == 1


async def test_only_an_admin_imports_or_removes_a_track(core: Core) -> None:
    with pytest.raises(UserError, match="Only an admin of this team can change its interview"):
        await import_track(core, TRACK, who=MEMBER)
    assert await core.store.team_tracks(ADMIN.platform, ADMIN.team) == []
    await import_track(core, TRACK)
    with pytest.raises(UserError, match="Only an admin"):
        await dispatch(core, MEMBER, "/questions remove track:py-web")
    assert len(await core.store.team_tracks(ADMIN.platform, ADMIN.team)) == 1


async def test_an_admin_removes_the_teams_track(core: Core) -> None:
    await import_track(core, TRACK)
    removed = await dispatch(core, ADMIN, "/questions remove track:py-web")
    assert removed.cards[0].title == "Track 'py-web' removed"
    assert "py-web" not in text_of(await dispatch(core, MEMBER, "/interview tracks"))
    with pytest.raises(UserError, match="Unknown track 'py-web'"):
        await dispatch(core, MEMBER, "/interview start track=py-web")
    with pytest.raises(UserError, match="no track 'py-web' of its own"):
        await dispatch(core, ADMIN, "/questions remove track:py-web")
    with pytest.raises(UserError, match="shipped tracks cannot be removed"):
        await dispatch(core, ADMIN, "/questions remove track:backend-junior")


async def test_format_track_is_read_as_a_track_whatever_the_name(core: Core) -> None:
    card = await core.banks.import_file(ADMIN, TRACK.encode(), "plan.txt", "track")
    assert card.title == "Track 'py-web' imported"
    with pytest.raises(UserError, match="The track was not imported"):
        await core.banks.import_file(ADMIN, ACME_PACK.encode(), "acme.yaml", "track")
    assert [t.track_id for t in await core.store.team_tracks(ADMIN.platform, ADMIN.team)] == [
        "py-web"
    ]


async def test_a_later_shipped_track_of_the_same_id_wins_and_the_teams_is_said_hidden(
    core: Core,
) -> None:
    await import_track(core, TRACK)
    later = parse_track(TRACK.replace("Python and the web", "Shipped later"), "shipped.yaml")
    core.interviews.use_tracks({later.id: later})  # as if a new release shipped `py-web`
    listed = text_of(await dispatch(core, MEMBER, "/interview tracks"))
    assert "**py-web** · Shipped later" in listed
    assert "**py-web** (this team's) is hidden by a shipped track of that id" in listed
    start = await dispatch(core, MEMBER, "/interview start track=py-web")
    assert start.cards[0].title == "Mock interview · Shipped later"
