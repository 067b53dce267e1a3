"""The services attach the pictures, drawn from what the store holds: /stats, /leaderboard
chart, the interview report and the weekly recap; empty cases give text, never an error."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from PIL import Image as Pil

from bot.clock import FakeClock
from bot.commands.dispatch import dispatch
from bot.domain.values import Image, Visibility
from bot.services.charts import stats_data
from bot.services.container import Core
from tests.support.builders import answer_at as row
from tests.support.builders import answer_row, where
from tests.support.builders import schedule as sched


def png_of(image: Image | None) -> Pil.Image:
    assert image is not None
    picture = Pil.open(io.BytesIO(image.png))
    picture.load()
    return picture


async def test_stats_card_has_its_picture_and_the_text_stays_whole(
    core: Core, clock: FakeClock
) -> None:
    now = clock.now()
    for days_ago in (0, 1, 1, 3, 100):  # the last is before the calendar's 12 weeks
        await core.store.record_answer(row("ann", 5, now - timedelta(days=days_ago)))
    await core.store.record_answer(row("ann", 0, now, topic="web", correct=False))
    card = await core.leaderboards.stats(where("ann"))
    assert card.visibility is Visibility.EPHEMERAL and "6 answers, 5 right" in card.text
    assert card.image is not None and card.image.filename == "stats.png"
    assert png_of(card.image).width == 800
    alt = card.image.alt
    assert "Stats card for ANN" in alt and "python 100% level 2" in alt and "web 0%" in alt
    assert "Active on 3 day(s) of the last 12 weeks" in alt
    await core.store.record_answer(row("ann", 5, now - timedelta(days=2)))
    again = await core.leaderboards.stats(where("ann"))
    assert again.image is not None and again.image.png != card.image.png
    assert "Active on 4 day(s)" in again.image.alt
    plain = await core.leaderboards.stats(where("ann"), chart=False)  # Slack's Home tab
    assert plain.image is None and plain.text == again.text


async def test_stats_data_takes_levels_named_by_another_service(
    core: Core, clock: FakeClock
) -> None:
    await core.store.record_answer(row("ann", 5, clock.now()))
    topics = await core.store.topic_stats("test", "t1", "ann")
    args = (core.store, "test", "t1", "ann", "ANN", topics, (1, 1), clock.now(), "UTC")
    [own] = (await stats_data(*args)).topics
    [named] = (await stats_data(*args, levels={"python": "mid"})).topics
    assert own.level == "Lv 1" and named.level == "mid"


async def test_the_calendar_counts_days_in_the_teams_timezone(core: Core, clock: FakeClock) -> None:
    """An answer at 23:30 UTC on Sunday is Monday in Tokyo: the calendar follows the team."""
    await dispatch(core, where("boss", admin=True), "/settings timezone Asia/Tokyo")
    late = datetime(2026, 1, 4, 23, 30, tzinfo=UTC)
    await core.store.record_answer(row("ann", 5, late, tz="Asia/Tokyo"))
    assert await core.store.active_days("test", "t1", "ann", "2026-01-01") == {"2026-01-05": 1}
    card = await core.leaderboards.stats(where("ann"))
    assert card.image is not None and "Active on 1 day(s)" in card.image.alt


async def test_a_new_user_gets_friendly_text_and_no_picture(core: Core) -> None:
    card = await core.leaderboards.stats(where("newbie"))
    assert card.text == "No answers yet." and card.image is None


async def test_leaderboard_chart_only_when_asked_with_the_same_text(
    core: Core, clock: FakeClock
) -> None:
    for i in range(12):
        await core.store.record_answer(row(f"u{i:02d}", 100 - i, clock.now()))
    plain = await core.leaderboards.board(where("u11"), "all", top=5)
    assert plain.image is None
    chart = await core.leaderboards.board(where("u11"), "all", top=5, chart=True)
    assert chart.text == plain.text and chart.footer == plain.footer
    assert chart.image is not None and chart.image.filename == "leaderboard.png"
    assert "10. U09 91 points" in chart.image.alt and "U10" not in chart.image.alt
    typed = await dispatch(core, where("u11"), "/leaderboard all chart")
    [card] = typed.cards
    week = await core.leaderboards.board(where("u11"), "all")
    assert card.image is not None and card.text == week.text
    nobody = await dispatch(core, where("x", team="empty"), "/leaderboard chart")
    assert nobody.cards[0].text.startswith("No points yet") and nobody.cards[0].image is None


async def test_interview_report_charts_the_trend_and_key_points(core: Core) -> None:
    """An earlier interview on the topic scored 25%: the report's picture sets this one
    against it, and shows each question's share of key points."""
    await core.store.record_answer(
        answer_row("ann", "interview:old", "q-old", topic="python", score=0.25, ms=1, ranked=False)
    )
    reply = await core.interviews.start(where("ann"), "python", count=1)
    report = None
    for card in (await core.interviews.answer(where("ann"), "yield, lazily, keeps state")).cards:
        if card.title.startswith("Interview report"):
            report = card
    assert report is not None and report.image is not None
    assert reply.cards[1].image is None  # questions carry no picture
    alt = report.image.alt
    assert "Interview report · python for ANN" in alt
    assert "against 25% before" in alt and "key points" in alt
    assert png_of(report.image).width == 800


async def test_the_weekly_recap_has_its_picture_and_movers(core: Core, clock: FakeClock) -> None:
    friday = datetime(2026, 1, 9, 16, 0, tzinfo=UTC)  # 17:00 in Berlin, the recap's time
    last_week = friday - timedelta(days=7)
    await core.store.record_answer(row("ann", 50, last_week, tz="Europe/Berlin"))
    await core.store.record_answer(row("ann", 60, friday - timedelta(hours=2), tz="Europe/Berlin"))
    await core.store.record_answer(row("bob", 30, friday - timedelta(hours=3), tz="Europe/Berlin"))
    clock.set(friday)
    card = await core.daily.recap_card(sched("c1"), friday)
    fields = dict(card.fields)
    assert fields["Leaderboard"].startswith("1. ANN — 60 pts")
    assert fields["Biggest movers (points over last week)"].splitlines() == [
        "+30 pts BOB",
        "+10 pts ANN",
    ]
    assert card.image is not None and card.image.filename == "weekly-recap.png"
    assert "Biggest movers: BOB +30; ANN +10" in card.image.alt
    quiet = await core.daily.recap_card(sched("c9"), friday)
    assert dict(quiet.fields)["Leaderboard"] == "Nobody scored this week."
    assert quiet.image is not None and "Nobody scored this week" in quiet.image.alt
