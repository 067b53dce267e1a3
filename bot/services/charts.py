"""The services' side of the charts: read what a picture needs from the store, turn it into
bot/charts data, and draw it off the event loop. The cards keep their text; these only add
the `Image` beside it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

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
from bot.charts.interview import EARLIER
from bot.charts.stats import calendar_start, topic_level
from bot.domain.keys import PeriodKey
from bot.domain.periods import local_keys
from bot.domain.records import AnswerRow, BoardMove, Session, Streak, TopicStats, TotalRow
from bot.domain.text import clip
from bot.domain.values import Image
from bot.questions.bank import QuestionBank
from bot.store.protocol import Store


def _row(r: TotalRow) -> BoardRow:
    return BoardRow(r.rank, r.display_name, r.points, r.correct, r.answers)


async def stats_image(d: StatsData) -> Image:
    return await render(stats_chart, d)


async def stats_data(
    store: Store,
    platform: str,
    team: str,
    user_id: str,
    name: str,
    topics: Sequence[TopicStats],
    streak: tuple[int, int],
    now: datetime,
    tz: str,
    rank: int | None = None,
    levels: Mapping[str, str] | None = None,
) -> StatsData:
    """The /stats card's data: `streak` is (current, best); the calendar ends today in
    `tz`; `levels` names a level per topic (else bot.charts.stats.topic_level)."""
    today = date.fromisoformat(local_keys(now, tz)[0])
    since = calendar_start(today).isoformat()
    days = await store.active_days(platform, team, user_id, since)
    bars = tuple(
        TopicBar(
            t.topic,
            t.answers,
            t.correct,
            t.score_sum / t.answers,
            (levels or {}).get(t.topic) or topic_level(t.correct),
        )
        for t in topics
        if t.answers
    )
    active = {date.fromisoformat(d): n for d, n in days.items()}
    return StatsData(name, bars, streak[0], streak[1], today, active, rank)


async def board_image(title: str, rows: Sequence[TotalRow], players: int) -> Image:
    return await render(leaderboard_chart, board_data(title, rows, players))


def board_data(title: str, rows: Sequence[TotalRow], players: int) -> BoardData:
    return BoardData(title, tuple(map(_row, rows)), players)


async def interview_image(
    store: Store, s: Session, bank: QuestionBank, answers: Mapping[str, AnswerRow]
) -> Image:
    return await render(interview_chart, await interview_data(store, s, bank, answers))


async def interview_data(
    store: Store, s: Session, bank: QuestionBank, answers: Mapping[str, AnswerRow]
) -> InterviewData:
    """This interview's score per topic against the person's earlier interviews in it, and
    the share of key points each answer showed (a question without key points: its score)."""
    per_topic: dict[str, list[float]] = defaultdict(list)
    shares: list[QuestionShare] = []
    for i, qid in enumerate(s.question_ids, 1):
        q, a = bank.get(qid), answers.get(qid)
        if q is None or a is None:
            continue
        per_topic[q.topic].append(a.score)
        total = len(a.right_points) + len(a.missing_points)
        share = len(a.right_points) / total if total else a.score
        shares.append(
            QuestionShare(f"{i}. {clip(q.prompt, 80)}", share, len(a.right_points), total)
        )
    earlier: dict[str, list[float]] = defaultdict(list)
    for row in await store.interview_topic_scores(s.platform, s.team, s.user_id, s.started_ms):
        if row.session_id != s.id and row.topic in per_topic and row.answers:
            earlier[row.topic].append(row.score_sum / row.answers)
    trends = tuple(
        TopicTrend(t, sum(v) / len(v), tuple(earlier[t][-EARLIER:]))
        for t, v in sorted(per_topic.items())
    )
    title = f"Interview report · {s.topic or 'all topics'}"
    return InterviewData(s.display_name, title, trends, tuple(shares))


async def week_movers(
    store: Store, platform: str, team: str, scope: str, week_start: datetime, tz: str
) -> list[BoardMove]:
    """The five whose points on the `scope` board rose most over the week before's
    (`week_start`: the week's local Monday 00:00)."""
    this_week = local_keys(week_start, tz)[1]
    last_week = local_keys(week_start - timedelta(days=1), tz)[1]
    return await store.movers(
        platform, team, scope, str(PeriodKey.week(this_week)), str(PeriodKey.week(last_week)), 5
    )


def movers_text(moves: Sequence[BoardMove]) -> str:
    return "\n".join(f"+{m.points - m.before} pts {m.display_name}" for m in moves)


async def recap_image(
    title: str,
    top: Sequence[TotalRow],
    moves: Sequence[BoardMove],
    streaks: Sequence[Streak],
    hardest: tuple[str, int, int] | None,
) -> Image:
    """The weekly recap as one picture; `hardest` is (prompt, right, answered)."""
    return await render(recap_chart, recap_data(title, top, moves, streaks, hardest))


def recap_data(
    title: str,
    top: Sequence[TotalRow],
    moves: Sequence[BoardMove],
    streaks: Sequence[Streak],
    hardest: tuple[str, int, int] | None,
) -> RecapData:
    return RecapData(
        title,
        tuple(map(_row, top)),
        tuple(Mover(m.display_name, m.points, m.before) for m in moves),
        tuple((st.display_name, st.current) for st in streaks),
        Hardest(*hardest) if hardest else None,
    )
