"""Appeals, flags and re-grading through the services, as players and admins see them."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator

import pytest

from bot.clock import FakeClock
from bot.commands.dispatch import dispatch
from bot.domain.values import Reply, UserError
from bot.questions.bank import QuestionBank
from bot.services.container import Core, build_core
from interview_bot.config import Settings
from tests.support.builders import where
from tests.support.packs import TEST_PACKS

ADMIN = where("alice", admin=True)

PACK = """\
id: acme
title: Acme pack
topic: ops
version: 1
questions:
  - id: sky
    kind: short
    difficulty: 1
    prompt: "Which colour is a clear sky at noon?"
    accepted: [{accepted}]
    explanation: "Rayleigh scattering."
"""


@pytest.fixture
async def both(store_url: str, clock: FakeClock, bank: QuestionBank) -> AsyncIterator[Core]:
    """A core on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""
    settings = Settings(
        _env_file=None,
        database_url=store_url,  # type: ignore[call-arg]
        questions_dir=TEST_PACKS,
        semantic_grading=False,
    )
    c = await build_core(settings, clock=clock, bank=bank, rng=random.Random(7))
    yield c
    await c.close()


def text_of(reply: Reply) -> str:
    return "\n".join(f"{c.title}\n{c.text}\n{c.footer}" for c in reply.cards)


async def say(core: Core, who: object, line: str) -> str:
    return text_of(await dispatch(core, who, line))  # type: ignore[arg-type]


async def quiz_round(core: Core, topic: str = "web") -> str:
    reply = await core.quizzes.start(ADMIN, topic)
    return reply.cards[0].action.split(":")[1]


async def test_an_accepted_appeal_moves_the_board_once(both: Core) -> None:
    rid = await quiz_round(both)
    await both.quizzes.answer(where("bob"), rid, "500")  # wrong: 0 points
    await both.quizzes.answer(where("carol"), rid, "404")  # right: 15
    board = await say(both, where("bob"), "/leaderboard all")
    assert "🥇 CAROL — 15 pts" in board and "BOB — 0 pts (0/1 right)" in board

    filed = await say(both, where("bob"), "/appeal 500 is also Not Found in our API")
    assert "Appeal #" in filed and "t-http" in filed
    queue = await say(both, ADMIN, "/appeals")
    assert "Which status code means Not Found?" in queue  # the question
    assert "answer: '500' — wrong, score 0.00, 0 pts" in queue  # the answer and its grade
    assert "why: 500 is also Not Found in our API" in queue
    appeal_id = filed.split("#")[1].split()[0]

    accepted = await dispatch(both, ADMIN, f"/appeals accept {appeal_id}")
    assert "BOB's answer to t-http: 0 → 15 points (correct)" in text_of(accepted)
    [told] = accepted.outgoing
    assert told.target.channel == "c1" and "accepted" in told.card.title
    board = await say(both, where("bob"), "/leaderboard all")
    assert "🥇 BOB — 15 pts (1/1 right)" in board  # earlier: wins the tie
    stats = await say(both, where("bob"), "/stats")
    assert "Streak 1 day(s), best 1." in stats

    with pytest.raises(UserError, match="already accepted; nothing changed"):
        await dispatch(both, ADMIN, f"/appeals accept {appeal_id}")
    assert await say(both, where("bob"), "/leaderboard all") == board
    assert "Nothing waiting" in await say(both, ADMIN, "/appeals")


async def test_a_rejected_appeal_tells_its_author_why(core: Core) -> None:
    rid = await quiz_round(core)
    feedback = await core.quizzes.answer(where("bob"), rid, "301")
    assert feedback.cards[0].footer == "Think the grade is wrong? /appeal t-http REASON"
    filed = await say(core, where("bob"), "/appeal t-http 301 redirects to the page")
    appeal_id = filed.split("#")[1].split()[0]
    rejected = await dispatch(
        core, ADMIN, f"/appeals reject {appeal_id} 301 is Moved, not Not Found"
    )
    [told] = rejected.outgoing
    assert told.target.channel == "c1"
    assert "not accepted" in told.card.title
    assert "BOB, on t-http: 301 is Moved, not Not Found" in told.card.text
    assert "BOB — 0 pts (0/1 right)" in await say(core, ADMIN, "/leaderboard all")
    with pytest.raises(UserError, match="already rejected"):
        await dispatch(core, ADMIN, f"/appeals accept {appeal_id}")
    with pytest.raises(UserError, match="already appealed"):
        await dispatch(core, where("bob"), "/appeal again please")
    with pytest.raises(UserError, match="Say why"):
        await dispatch(core, ADMIN, f"/appeals reject {appeal_id}")


async def test_a_partial_score_on_accept(core: Core) -> None:
    rid = await quiz_round(core)
    await core.quizzes.answer(where("bob"), rid, "500")
    filed = await say(core, where("bob"), "/appeal close enough")
    appeal_id = filed.split("#")[1].split()[0]
    out = await say(core, ADMIN, f"/appeals accept #{appeal_id} 50%")
    assert "0 → 5 points (partial)" in out
    assert "BOB — 5 pts (0/1 right)" in await say(core, ADMIN, "/leaderboard all")


async def test_a_flag_shows_in_the_admin_queue(core: Core) -> None:
    out = await say(core, where("dave"), "/flag t-http 404 can also mean a hidden resource")
    assert "Flag #" in out
    queue = await say(core, ADMIN, "/appeals")
    assert "flag by DAVE on t-http: Which status code means Not Found?" in queue
    assert "why: 404 can also mean a hidden resource" in queue
    with pytest.raises(UserError, match="no question 'nope'"):
        await dispatch(core, where("dave"), "/flag nope it is wrong")
    with pytest.raises(UserError, match="already flagged"):
        await dispatch(core, where("dave"), "/flag t-http still wrong")
    flag_id = out.split("#")[1].split()[0]
    with pytest.raises(UserError, match="A flag has no score"):
        await dispatch(core, ADMIN, f"/appeals accept {flag_id} 1")
    done = await dispatch(core, ADMIN, f"/appeals accept {flag_id}")
    assert "Your flag" in done.outgoing[0].card.title


async def test_only_admins_decide_and_teams_never_see_each_other(core: Core) -> None:
    rid = await quiz_round(core)
    await core.quizzes.answer(where("bob"), rid, "500")
    filed = await say(core, where("bob"), "/appeal 500 is right")
    appeal_id = filed.split("#")[1].split()[0]
    for line in (
        "/appeals",
        f"/appeals accept {appeal_id}",
        f"/appeals reject {appeal_id} no",
        "/questions regrade t-http",
    ):
        with pytest.raises(UserError, match="Only an admin"):
            await dispatch(core, where("bob"), line)
    other_admin = where("zed", team="t2", admin=True)
    assert "Nothing waiting" in await say(core, other_admin, "/appeals")
    with pytest.raises(UserError, match=f"no appeal #{appeal_id} in this team"):
        await dispatch(core, other_admin, f"/appeals accept {appeal_id}")
    assert "BOB — 0 pts" in await say(core, ADMIN, "/leaderboard all")
    with pytest.raises(UserError, match="no graded answer"):
        await dispatch(core, where("nobody"), "/appeal it was right")


async def test_regrade_previews_then_applies_in_one_go(both: Core, clock: FakeClock) -> None:
    await both.banks.import_pack(ADMIN, PACK.format(accepted='"blue"'), "acme.yaml")
    rid = await quiz_round(both, "ops")
    await both.quizzes.answer(where("bob"), rid, "azure")  # wrong under this rubric
    clock.advance(30)
    await both.quizzes.answer(where("carol"), rid, "blue")  # 10 + 2 for speed
    await both.quizzes.stop(ADMIN)
    board = await say(both, ADMIN, "/leaderboard all")
    assert "🥇 CAROL — 12 pts" in board and "BOB — 0 pts" in board

    await both.banks.import_pack(ADMIN, PACK.format(accepted='"blue", "azure"'), "acme.yaml")
    preview = await say(both, ADMIN, "/questions regrade acme/sky")
    assert "1 answers change grade; points +15 in all." in preview
    assert "BOB: +15 points, rank 2 → 1" in preview
    assert "/questions regrade acme/sky confirm" in preview
    assert await say(both, ADMIN, "/leaderboard all") == board  # nothing applied yet

    applied = await say(both, ADMIN, "/questions regrade acme/sky confirm")
    assert "1 answers re-graded" in applied
    board = await say(both, ADMIN, "/leaderboard all")
    assert "🥇 BOB — 15 pts (1/1 right)" in board and "🥈 CAROL — 12 pts" in board
    again = await say(both, ADMIN, "/questions regrade acme/sky confirm")
    assert "No answer's grade changes" in again
    assert await say(both, ADMIN, "/leaderboard all") == board
    with pytest.raises(UserError, match="no question"):
        await dispatch(both, ADMIN, "/questions regrade acme/nope")


async def test_regrade_reads_a_choice_letter_in_the_order_it_was_shown(core: Core) -> None:
    """Choices are shuffled per round: a stored letter is re-graded against the order that
    round showed, so re-grading an unchanged question changes nothing."""
    from tests.support.builders import letter

    for user in ("bob", "cy", "dee"):
        reply = await core.quizzes.start(ADMIN, "web")
        card = reply.cards[0]
        q = (await core.banks.for_team("test", "t1")).get("t-http")
        assert q is not None
        right = next(c.text for c in q.choices if c.correct)
        await core.quizzes.answer(where(user), card.action.split(":")[1], letter(card, right))
        await core.quizzes.stop(ADMIN)
    preview = await say(core, ADMIN, "/questions regrade t-http")
    assert "No answer's grade changes." in preview
