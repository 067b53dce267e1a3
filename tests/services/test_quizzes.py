from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from bot.clock import FakeClock
from bot.domain.questions import Question
from bot.domain.values import UserError, Visibility
from bot.services.cards import as_shown
from bot.services.container import Core, build_core
from interview_bot.config import Settings
from tests.support.builders import letter, where
from tests.support.poster import RecordingPoster


@pytest.fixture
def poster(core: Core) -> RecordingPoster:
    """The channel the core posts reveals to."""
    p = RecordingPoster()
    core.outbox.register("test", p)
    return p


def round_id(reply) -> str:  # type: ignore[no-untyped-def]
    [card] = reply.cards
    kind, rid = card.action.split(":")
    assert kind == "quiz"
    return rid


async def test_start_posts_a_public_question_with_buttons(core: Core) -> None:
    reply = await core.quizzes.start(where("alice"), "web")
    [card] = reply.cards
    assert card.visibility is Visibility.PUBLIC
    assert "Not Found" in card.text
    assert [b.label for b in card.buttons] == ["A", "B", "C"]
    assert "60 s" in card.footer


async def test_one_open_round_per_channel(core: Core) -> None:
    reply = await core.quizzes.start(where("alice"), "web")
    with pytest.raises(UserError, match="already open"):
        await core.quizzes.start(where("bob"), "web")
    other = await core.quizzes.start(where("bob", channel="c2"), "web")
    [card] = other.cards  # another channel opens its own round
    assert card.visibility is Visibility.PUBLIC and "Not Found" in card.text
    assert card.action != reply.cards[0].action


async def test_right_answer_scores_points_with_speed_bonus(core: Core, clock: FakeClock) -> None:
    start = await core.quizzes.start(where("alice"), "web")
    rid = round_id(start)
    fast = await core.quizzes.answer(where("bob"), rid, letter(start.cards[0], "404"))
    assert fast.cards[0].title == "Right!"
    assert "+15 points" in fast.cards[0].text
    clock.advance(45)
    slow = await core.quizzes.answer(where("carol"), rid, "404")
    assert "+11 points" in slow.cards[0].text  # 10 + round(5 * 15/60)
    wrong = await core.quizzes.answer(where("dave"), rid, letter(start.cards[0], "500"))
    assert wrong.cards[0].title == "Not this time"
    board = await core.leaderboards.board(where("dave"), "all")
    assert board.text.splitlines()[0].startswith("🥇 BOB — 15 pts")
    assert "CAROL — 11 pts" in board.text
    assert "DAVE — 0 pts (0/1 right)" in board.text


async def test_each_person_answers_once(core: Core) -> None:
    rid = round_id(await core.quizzes.start(where("alice"), "web"))
    await core.quizzes.answer(where("bob"), rid, "500")
    with pytest.raises(UserError, match="already answered"):
        await core.quizzes.answer(where("bob"), rid, "404")
    board = await core.leaderboards.board(where("bob"), "all")
    assert "BOB — 0 pts (0/1 right)" in board.text


async def test_closed_and_unknown_rounds_say_so(core: Core, clock: FakeClock) -> None:
    rid = round_id(await core.quizzes.start(where("alice"), "web"))
    with pytest.raises(UserError, match="does not exist"):
        await core.quizzes.answer(where("bob"), "nope", "A")
    with pytest.raises(UserError, match="does not exist"):
        await core.quizzes.answer(where("bob", team="other-team"), rid, "A")
    clock.advance(60)
    with pytest.raises(UserError, match="closed"):
        await core.quizzes.answer(where("bob"), rid, "A")


async def test_round_closes_on_time_and_reveals_once(
    core: Core, clock: FakeClock, poster: RecordingPoster
) -> None:
    start = await core.quizzes.start(where("alice"), "web")
    rid = round_id(start)
    right = letter(start.cards[0], "404")
    assert start.posted is not None
    await start.posted(start.cards[0], "msg-1")  # what an adapter does once it posted the card
    await core.quizzes.answer(where("bob"), rid, right)
    clock.advance(3)
    await core.quizzes.answer(where("carol"), rid, "404")
    await core.quizzes.answer(where("dave"), rid, letter(start.cards[0], "301"))
    clock.advance(30)
    await core.rounds.close_due()
    assert poster.posts == [] and poster.edits == []  # not yet
    clock.advance(30)
    await core.rounds.close_due()
    [(_, ref, closed)] = poster.edits
    assert ref == "msg-1" and closed.buttons == () and "(closed)" in closed.title
    [(target, reveal)] = poster.posts
    assert (target.team, target.channel) == ("t1", "c1")
    fields = dict(reveal.fields)
    assert fields["Answer"] == f"{right}) 404"  # the letter it was shown under
    assert "BOB (+15), CAROL" in fields["Got it (2/3)"]
    assert fields["Fastest"].startswith("BOB in 0.0 s")
    assert "404 Not Found" in reveal.text
    clock.advance(3600)
    await core.rounds.close_due()
    assert len(poster.posts) == 1 and len(poster.edits) == 1
    # a new round may start once the old one is closed
    assert (await core.quizzes.start(where("alice"), "web")).cards


async def test_per_channel_time_limit(core: Core, clock: FakeClock) -> None:
    admin = where("alice", admin=True)
    await core.settings.set(admin, "quiz_seconds", "20")
    rid = round_id(await core.quizzes.start(where("bob"), "web"))
    clock.advance(21)
    with pytest.raises(UserError, match="closed"):
        await core.quizzes.answer(where("carol"), rid, "A")
    other = await core.quizzes.start(where("bob", channel="c2"), "web")
    assert "60 s" in other.cards[0].footer


async def test_settings_need_an_admin(core: Core) -> None:
    with pytest.raises(UserError, match="admin"):
        await core.settings.set(where("bob"), "quiz_seconds", "20")
    with pytest.raises(UserError, match="5 to 3600"):
        await core.settings.set(where("bob", admin=True), "quiz_seconds", "2")


async def test_stop_by_starter_or_admin_only(core: Core, poster: RecordingPoster) -> None:
    await core.quizzes.start(where("alice"), "web")
    with pytest.raises(UserError, match="Only whoever started"):
        await core.quizzes.stop(where("bob"))
    await core.quizzes.stop(where("alice"))
    assert len(poster.titled("Round over", "c1")) == 1


async def test_unknown_topic_lists_topics(core: Core) -> None:
    with pytest.raises(UserError) as e:
        await core.quizzes.start(where("alice"), "cobol")
    assert "Unknown topic 'cobol'" in str(e.value)
    assert "python, web" in str(e.value)


async def test_filter_matching_nothing_says_what_exists(core: Core) -> None:
    with pytest.raises(UserError, match="No question matches topic web and difficulty 3"):
        await core.quizzes.start(where("alice"), "web", 3)


async def test_questions_do_not_repeat_in_a_channel_until_used_up(
    core: Core, clock: FakeClock
) -> None:
    seen = []
    for _ in range(4):
        reply = await core.quizzes.start(where("alice"), "python")
        seen.append(reply.cards[0].text.split("\n")[0])
        await core.quizzes.stop(where("alice"))
        clock.advance(1)
    assert len(set(seen[:2])) == 2  # both python quiz questions before any repeat
    assert set(seen[2:]) == set(seen[:2])


async def test_concurrent_answers_all_stored_once_one_first(core: Core) -> None:
    rid = round_id(await core.quizzes.start(where("alice"), "web"))
    users = [f"user{i}" for i in range(40)]

    async def attempt(u: str) -> str:
        try:
            r = await core.quizzes.answer(where(u), rid, "404")
            return r.cards[0].text
        except UserError as e:
            return str(e)

    # every user clicks twice at the same moment (a repeated delivery)
    results = await asyncio.gather(*(attempt(u) for u in users + users))
    assert sum("already answered" in r for r in results) == 40
    assert sum("first to get it" in r for r in results) == 1
    answers = await core.store.context_answers("test", "t1", f"quiz:{rid}")
    assert len(answers) == 40
    assert sum(a.first_correct for a in answers) == 1
    top = await core.store.top("test", "t1", "team", "all", 100)
    assert len(top) == 40 and all(r.answers == 1 for r in top)


# --- choices are shuffled per round (issue 16) ----------------------------------------------


def shown_choices(card) -> list[str]:  # type: ignore[no-untyped-def]
    return [line.split(")** ", 1)[1] for line in card.text.splitlines() if line.startswith("**")]


def round_ids(monkeypatch: pytest.MonkeyPatch, *ids: str) -> None:
    """The next rounds get these ids (uuid4 otherwise)."""
    it = iter(ids)
    monkeypatch.setattr("bot.services.quizzes.uuid.uuid4", lambda: SimpleNamespace(hex=next(it)))


def ids_showing(q: Question, *right_at: int) -> list[str]:
    """Round ids whose shown order puts the right choice at each of these positions."""
    return [
        next(f"r{i}" for i in range(1000) if as_shown(q, f"r{i}").right_choice == pos)
        for pos in right_at
    ]


def test_the_order_is_fixed_by_the_round_and_differs_between_rounds(bank) -> None:  # type: ignore[no-untyped-def]
    q = bank.get("t-http")
    orders = {tuple(c.text for c in as_shown(q, f"round-{i}").choices) for i in range(30)}
    assert len(orders) > 1  # rounds differ
    assert all(sorted(o) == ["301", "404", "500"] for o in orders)
    assert as_shown(q, "round-1") == as_shown(q, "round-1")  # the same round, the same order
    assert as_shown(bank.get("t-gil"), "round-1") is bank.get("t-gil")  # not a choice question


async def test_two_rounds_of_one_question_show_different_orders_and_grade_by_shown_letter(
    core: Core,
    bank,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
    poster: RecordingPoster,
) -> None:
    first, second = ids_showing(bank.get("t-http"), 2, 0)
    round_ids(monkeypatch, first, second)
    one = await core.quizzes.start(where("alice"), "web")
    shown = shown_choices(one.cards[0])
    assert shown[2] == "404" and "**C)** 404" in one.cards[0].text
    assert [b.value for b in one.cards[0].buttons] == ["A", "B", "C"]
    # A is what the card shows first, not the pack's first choice
    wrong = await core.quizzes.answer(where("bob"), first, "A")
    assert wrong.cards[0].title == "Not this time"
    right = await core.quizzes.answer(where("carol"), first, "C")
    assert right.cards[0].title == "Right!"
    await core.quizzes.stop(where("alice"))
    [reveal] = poster.titled("Round over")
    assert dict(reveal.fields)["Answer"] == "C) 404"  # named by the letter it was shown under
    assert "CAROL" in dict(reveal.fields)["Got it (1/2)"]

    two = await core.quizzes.start(where("alice"), "web")
    assert two.cards[0].action == f"quiz:{second}"
    assert shown_choices(two.cards[0]) != shown
    assert (await core.quizzes.answer(where("bob"), second, "A")).cards[0].title == "Right!"


async def test_every_participant_and_a_restart_see_the_same_order(
    core: Core,
    bank,
    settings: Settings,
    clock: FakeClock,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    [rid] = ids_showing(bank.get("t-http"), 1)
    round_ids(monkeypatch, rid)
    start = await core.quizzes.start(where("alice"), "web")
    assert shown_choices(start.cards[0])[1] == "404" and start.posted is not None
    await start.posted(start.cards[0], "msg-1")
    again = await build_core(settings, clock=clock, bank=bank)  # a new process, same database
    poster = RecordingPoster()
    again.outbox.register("test", poster)
    try:
        assert (await again.quizzes.answer(where("bob"), rid, "B")).cards[0].title == "Right!"
        assert (await again.quizzes.answer(where("dan"), rid, "b) 404")).cards[0].title == "Right!"
        clock.advance(61)
        await again.rounds.close_due()
        [(_, _, edit)], [(_, reveal)] = poster.edits, poster.posts
        assert shown_choices(edit) == shown_choices(start.cards[0])  # the closed post
        assert dict(reveal.fields)["Answer"] == "B) 404"
    finally:
        await again.close()


async def test_a_choice_is_stored_as_the_choice_not_the_letter_it_was_shown_under(
    core: Core,
) -> None:
    """Item analytics count picks per choice and appeals re-grade stored answers: both read
    the stored answer, which must not depend on the order a round happened to show."""
    from tests.support.builders import letter

    reply = await core.quizzes.start(where("ann"), "web")
    card = reply.cards[0]
    rid = card.action.split(":")[1]
    await core.quizzes.answer(where("bob"), rid, letter(card, "500"))
    [row] = await core.store.context_answers("test", "t1", f"quiz:{rid}")
    assert row.answer == "500" and row.verdict == "wrong"
