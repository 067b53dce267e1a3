"""Ability estimates: moved by every graded quiz and daily answer, once, and shown in words."""

from __future__ import annotations

import asyncio

from bot.clock import FakeClock, to_ms
from bot.commands.dispatch import dispatch
from bot.services.abilities import START_RATING
from bot.services.container import Core
from tests.support.builders import letter, where


async def _quiz_answer(core: Core, user: str, right: bool) -> str:
    start = await core.quizzes.start(where("host", channel=f"c-{user}"), "web")
    [card] = start.cards
    rid = card.action.split(":")[1]
    choice = letter(card, "404") if right else letter(card, "500")
    reply = await core.quizzes.answer(where(user, channel=f"c-{user}"), rid, choice)
    await core.quizzes.stop(where("host", channel=f"c-{user}"))
    return reply.cards[0].title


async def test_right_answers_raise_and_wrong_ones_lower_the_estimate(core: Core) -> None:
    assert await core.abilities.rating(where("ann"), "web") == START_RATING
    assert await _quiz_answer(core, "ann", True) == "Right!"
    assert await _quiz_answer(core, "bob", False) == "Not this time"
    ann = await core.abilities.rating(where("ann"), "web")
    bob = await core.abilities.rating(where("bob"), "web")
    assert ann > START_RATING > bob
    assert await core.abilities.ratings(where("ann")) == {"web": ann}
    assert await core.abilities.ratings(where("carol")) == {}


async def test_a_repeated_answer_moves_the_estimate_once(core: Core) -> None:
    start = await core.quizzes.start(where("host"), "web")
    [card] = start.cards
    rid = card.action.split(":")[1]
    await core.quizzes.answer(where("ann"), rid, letter(card, "404"))
    once = await core.abilities.rating(where("ann"), "web")
    try:
        await core.quizzes.answer(where("ann"), rid, letter(card, "404"))
    except Exception:
        pass  # "already answered"
    assert await core.abilities.rating(where("ann"), "web") == once


async def test_record_is_idempotent_per_answer_and_counts_racing_ones(
    core: Core, clock: FakeClock
) -> None:
    bank = await core.banks.for_team("test", "t1")
    q = bank.get("t-gil")
    assert q is not None
    at = to_ms(clock.now())
    await core.abilities.record(where("ann"), q, 1.0, at)
    first = await core.abilities.rating(where("ann"), q.topic)
    await core.abilities.record(where("ann"), q, 1.0, at)  # redelivered: the same answer
    assert await core.abilities.rating(where("ann"), q.topic) == first
    # ten different answers at once, on a fresh person: all ten count
    await asyncio.gather(*(core.abilities.record(where("bob"), q, 1.0, at + i) for i in range(10)))
    rows = await core.store.abilities("test", "t1", "bob")
    assert rows[q.topic][1] == 10
    assert rows[q.topic][0] > first


async def test_estimates_are_per_team(core: Core) -> None:
    await _quiz_answer(core, "ann", True)
    other = where("ann", team="t2")
    assert await core.abilities.ratings(other) == {}


async def test_stats_shows_the_estimate_in_words(core: Core) -> None:
    for _ in range(3):
        await _quiz_answer(core, "ann", False)
    reply = await dispatch(core, where("ann"), "/stats")
    [card] = reply.cards
    assert "web: junior" in card.text
