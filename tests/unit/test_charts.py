"""The four pictures as pure functions: they decode, have the stated size, change with the
data, stay far within the platforms' upload limits, never fail on empty data, draw with the
shipped font, and their alt text can ping nobody."""

from __future__ import annotations

import asyncio
import io
from dataclasses import replace
from datetime import date, timedelta

import pytest
from PIL import Image as Pil

from bot.charts import interview_chart, leaderboard_chart, recap_chart, render, stats_chart
from bot.charts.data import (
    BoardData,
    BoardRow,
    Hardest,
    InterviewData,
    Mover,
    QuestionShare,
    RecapData,
    StatsData,
    TopicBar,
    TopicTrend,
)
from bot.charts.draw import WIDTH, alt_text, fit, font
from bot.charts.stats import calendar_start, shown_topics, strongest_weakest, topic_level
from bot.domain.values import Image

DISCORD_BYTES = 8 * 1024 * 1024  # a server without boosts
SLACK_BYTES = 1024 * 1024 * 1024
TODAY = date(2026, 12, 2)


def rows(n: int) -> tuple[BoardRow, ...]:
    return tuple(BoardRow(i + 1, f"player {i}", 1000 - 7 * i, 50 - i % 50, 60) for i in range(n))


def stats(**kw: object) -> StatsData:
    base = StatsData(
        "Ada",
        (
            TopicBar("python", 40, 30, 0.75, topic_level(30)),
            TopicBar("sql", 10, 3, 0.3, topic_level(3)),
        ),
        streak=3,
        best=9,
        today=TODAY,
        active={TODAY: 4, TODAY - timedelta(days=1): 1},
        rank=2,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def interview(**kw: object) -> InterviewData:
    base = InterviewData(
        "Ada",
        "Interview report · python",
        (TopicTrend("python", 0.8, (0.5, 0.6)),),
        (QuestionShare("1. What is a dict?", 2 / 3, 2, 3),),
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def recap(**kw: object) -> RecapData:
    base = RecapData(
        "Weekly recap · week 48",
        rows(5),
        (Mover("player 3", 90, 10),),
        (("player 1", 12),),
        Hardest("Which HTTP status means Not Found?", 2, 9),
    )
    return replace(base, **kw)  # type: ignore[arg-type]


CASES = {
    "stats": (stats_chart, stats()),
    "stats, no answers": (stats_chart, stats(topics=(), active={}, streak=0, best=0)),
    "stats, one topic": (stats_chart, stats(topics=(TopicBar("web", 1, 1, 1.0, "Lv 1"),))),
    "stats, 30 topics": (
        stats_chart,
        stats(topics=tuple(TopicBar(f"t{i}", 5 + i, i, i / 40, "senior") for i in range(30))),
    ),
    "board": (leaderboard_chart, BoardData("Leaderboard", rows(10), 100_000)),
    "board, one player": (leaderboard_chart, BoardData("Leaderboard", rows(1), 1)),
    "board, nobody": (leaderboard_chart, BoardData("Leaderboard", ())),
    "interview": (interview_chart, interview()),
    "interview, nothing answered": (interview_chart, interview(topics=(), questions=())),
    "recap": (recap_chart, recap()),
    "recap, a quiet week": (recap_chart, RecapData("Weekly recap · week 1", ())),
}


def decoded(img: Image) -> Pil.Image:
    picture = Pil.open(io.BytesIO(img.png))
    picture.load()  # the whole file decodes, not only its header
    return picture


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_every_picture_decodes_at_its_size_within_upload_limits(case: str) -> None:
    chart, data = CASES[case]
    img = chart(data)  # type: ignore[operator]
    picture = decoded(img)
    assert picture.format == "PNG" and picture.mode in ("P", "RGB")
    assert picture.width == WIDTH and 200 <= picture.height <= 1600
    assert len(img.png) < 500_000 < DISCORD_BYTES < SLACK_BYTES
    assert img.filename.endswith(".png") and "/" not in img.filename
    assert img.alt and len(img.alt) <= 1000


@pytest.mark.parametrize(
    ("chart", "before", "after"),
    [
        (stats_chart, stats(), stats(streak=4)),
        (stats_chart, stats(), stats(active={TODAY: 1})),
        (stats_chart, stats(), stats(topics=stats().topics[:1])),
        (leaderboard_chart, BoardData("b", rows(3)), BoardData("b", rows(4))),
        (interview_chart, interview(), interview(topics=(TopicTrend("python", 0.8, (0.1,)),))),
        (recap_chart, recap(), recap(hardest=None)),
    ],
)
def test_pictures_change_when_the_data_changes(
    chart: object, before: object, after: object
) -> None:
    a, b = chart(before), chart(after)  # type: ignore[operator]
    assert decoded(a).tobytes() != decoded(b).tobytes()


def test_the_board_is_800_wide_and_one_row_taller_per_player() -> None:
    sizes = [decoded(leaderboard_chart(BoardData("b", rows(n), n))).size for n in (1, 2, 10, 25)]
    assert sizes == [(800, 210), (800, 260), (800, 660), (800, 660)]  # the top 10 at most


def test_a_picture_is_the_same_for_the_same_data() -> None:
    assert stats_chart(stats()).png == stats_chart(stats()).png


async def test_charts_drawn_at_once_on_worker_threads_come_out_whole() -> None:
    """bot.charts.render draws on worker threads: eight at once give the same bytes."""
    one = stats_chart(stats()).png
    got = await asyncio.gather(*(render(stats_chart, stats()) for _ in range(8)))
    assert all(img.png == one for img in got)


def test_the_calendar_ends_today_and_holds_12_weeks_in_the_teams_days() -> None:
    start = calendar_start(TODAY)
    assert start.weekday() == 0 and (TODAY - start).days == 11 * 7 + TODAY.weekday()
    inside = stats_chart(stats(active={start: 12}))
    outside = stats_chart(stats(active={start - timedelta(days=1): 12}))
    empty = stats_chart(stats(active={}))
    assert decoded(outside).tobytes() == decoded(empty).tobytes()  # before the 12 weeks
    assert decoded(inside).tobytes() != decoded(empty).tobytes()
    assert "Active on 1 day(s)" in inside.alt and "Active on 0 day(s)" in outside.alt


def test_strongest_and_weakest_need_two_settled_topics() -> None:
    py, sql = stats().topics
    assert strongest_weakest((py, sql)) == (py, sql)
    assert strongest_weakest((py,)) == (None, None)
    tried = TopicBar("git", 1, 1, 1.0, "Lv 1")  # one lucky answer is not a strength
    assert strongest_weakest((py, sql, tried)) == (py, sql)
    assert "Strongest python, weakest sql" in stats_chart(stats()).alt
    levels = [topic_level(n) for n in (0, 4, 5, 15, 35, 75, 500)]
    assert levels == ["Lv 1", "Lv 1", "Lv 2", "Lv 3", "Lv 4", "Lv 5", "Lv 5"]


def test_many_topics_show_eight_with_the_strongest_and_weakest_among_them() -> None:
    many = tuple(TopicBar(f"t{i:02d}", 50 - i, 10, 0.5, "mid") for i in range(30))
    weak, strong = (
        TopicBar("rare-weak", 5, 0, 0.0, "Lv 1"),
        TopicBar("rare-strong", 6, 6, 1.0, "Lv 2"),
    )
    shown = shown_topics((*many, weak, strong), strong, weak)
    assert len(shown) == 8 and strong in shown and weak in shown
    assert [t.topic for t in shown][:6] == ["t00", "t01", "t02", "t03", "t04", "t05"]


def test_alt_text_says_what_the_picture_shows() -> None:
    assert "python 75% level 3" in stats_chart(stats()).alt
    board = leaderboard_chart(BoardData("Leaderboard", rows(12), 12)).alt
    assert "1. player 0 1000 points" in board and "10. player 9" in board
    assert "11. player 10" not in board  # the picture shows the top 10
    assert "python 80% against 55% before" in interview_chart(interview()).alt
    assert "2 of 3 key points" in interview_chart(interview()).alt
    assert "player 3 +80" in recap_chart(recap()).alt
    assert "no answers yet" in stats_chart(stats(topics=())).alt


def test_nothing_in_the_alt_text_can_ping() -> None:
    loud = "@everyone <@123> <!here> <#C1>"
    for img in (
        stats_chart(stats(name=loud)),
        leaderboard_chart(BoardData("b", (BoardRow(1, loud, 5, 1, 1),), 1)),
        recap_chart(recap(top=(BoardRow(1, loud, 5, 1, 1),))),
        interview_chart(interview(name=loud)),
    ):
        assert "@" not in img.alt and "<" not in img.alt and ">" not in img.alt
        assert "＠everyone" in img.alt  # the name is still there, as text
    assert alt_text("a\nb " + "x" * 2000).startswith("a b x") and len(alt_text("x" * 2000)) == 1000


def test_the_font_is_the_shipped_one_and_long_text_is_cut_to_fit() -> None:
    f = font(24)
    assert "bot/charts/fonts/DejaVuSans.ttf" in str(f.path)
    assert font(24, bold=True).getname() == ("DejaVu Sans", "Bold")
    cut = fit("a very long topic name that goes on and on", f, 120)
    assert cut.endswith("…") and f.getlength(cut) <= 120
    assert fit("short", f, 120) == "short"
