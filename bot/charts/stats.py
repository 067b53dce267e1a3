"""The /stats card: accuracy and level per topic, streaks, and 12 weeks of active days."""

from __future__ import annotations

from datetime import date, timedelta

from bot.charts.data import StatsData, TopicBar
from bot.charts.draw import (
    BODY,
    FG,
    HEAT,
    MUTED,
    ORANGE,
    PAD,
    PANEL,
    SKY,
    SMALL,
    WIDTH,
    Canvas,
    alt_text,
)
from bot.domain.values import Image

FILENAME = "stats.png"
MAX_TOPICS = 8
WEEKS = 12
LEVEL_STEPS = (5, 15, 35, 75)  # right answers in a topic to reach levels 2, 3, 4 and 5
MIN_ANSWERS = 5  # a topic tried twice is neither strong nor weak yet
_ROW = 46
_CELL, _GAP = 24, 5


def topic_level(correct: int) -> str:
    """A topic's level, "Lv 1" to "Lv 5", by the right answers given in it (what the card
    shows when the services give no level of their own)."""
    return f"Lv {1 + sum(correct >= step for step in LEVEL_STEPS)}"


def strongest_weakest(topics: tuple[TopicBar, ...]) -> tuple[TopicBar | None, TopicBar | None]:
    """The best and the worst topic by accuracy (more answers break a tie), among topics with
    MIN_ANSWERS answers when two have that many; none with fewer than two topics, or when
    all are alike."""
    settled = [t for t in topics if t.answers >= MIN_ANSWERS]
    pool = settled if len(settled) >= 2 else list(topics)
    if len(pool) < 2:
        return None, None
    ranked = sorted(pool, key=lambda t: (t.accuracy, t.answers))
    if ranked[0].accuracy == ranked[-1].accuracy:
        return None, None
    return ranked[-1], ranked[0]


def shown_topics(
    topics: tuple[TopicBar, ...], best: TopicBar | None, worst: TopicBar | None
) -> tuple[TopicBar, ...]:
    """The MAX_TOPICS topics with the most answers, the strongest and weakest always among
    them, most answers first."""
    ranked = sorted(topics, key=lambda t: (-t.answers, t.topic))
    keep = [t for t in (best, worst) if t is not None]
    rest = [t for t in ranked if t not in keep][: MAX_TOPICS - len(keep)]
    return tuple(sorted([*keep, *rest], key=lambda t: (-t.answers, t.topic)))


def calendar_start(today: date) -> date:
    """The Monday of the first of the calendar's 12 weeks (the last holds `today`)."""
    return today - timedelta(days=today.weekday() + 7 * (WEEKS - 1))


def _heat(count: int) -> tuple[int, int, int]:
    return HEAT[
        0 if count <= 0 else 1 if count <= 2 else 2 if count <= 5 else 3 if count < 10 else 4
    ]


def stats_chart(d: StatsData) -> Image:
    best, worst = strongest_weakest(d.topics)
    topics = shown_topics(d.topics, best, worst)
    extra = len(d.topics) - len(topics)
    answers = sum(t.answers for t in d.topics)
    right = sum(t.correct for t in d.topics)
    rows = max(1, len(topics))
    notes_h = 34 * ((1 if best else 0) + (1 if extra else 0)) + (6 if best or extra else 0)
    height = 128 + rows * _ROW + notes_h + 60 + 7 * (_CELL + _GAP) + 90
    c = Canvas(height)
    pct = round(100 * sum(t.accuracy * t.answers for t in d.topics) / answers) if answers else 0
    rank = f" · rank {d.rank}" if d.rank else ""
    sub = f"{answers} answers · {right} right · {pct}% score{rank}" if answers else "No answers yet"
    y = c.heading(PAD - 8, f"Stats · {d.name}", sub)
    c.text(PAD, y, "ACCURACY AND LEVEL PER TOPIC", SMALL, bold=True, fill=MUTED)
    y += SMALL + 14
    if not topics:
        c.text(PAD, y + 8, "Answer a question (/quiz) and your topics appear here.", fill=MUTED)
    bar_x, bar_w = 250, 360
    for t in topics:
        mark = " ▲" if t is best else " ▼" if t is worst else ""
        c.text(PAD, y + 4, t.topic, BODY, width=bar_x - PAD - 16 - (30 if mark else 0))
        if mark:
            c.text(bar_x - 34, y + 4, mark.strip(), BODY, fill=SKY if t is best else ORANGE)
        c.bar(bar_x, y + 6, bar_w, 24, t.accuracy, SKY)
        c.text(bar_x + bar_w + 14, y + 4, f"{round(100 * t.accuracy)}%", BODY, bold=True)
        c.text(WIDTH - PAD, y + 7, t.level, SMALL, fill=MUTED, anchor="ra", width=70)
        y += _ROW
    if not topics:
        y += _ROW
    notes = []
    if best and worst:
        notes.append(
            f"▲ Strongest: {best.topic} ({round(100 * best.accuracy)}%)   "
            f"▼ Weakest: {worst.topic} ({round(100 * worst.accuracy)}%)"
        )
    if extra:
        notes.append(f"{extra} more topic(s)")
    for note in notes:
        c.text(PAD, y, note, SMALL, fill=MUTED, width=WIDTH - 2 * PAD)
        y += 34
    y += 16
    start = calendar_start(d.today)
    days = sum(1 for k, v in d.active.items() if v > 0 and start <= k <= d.today)
    c.text(PAD, y, f"LAST {WEEKS} WEEKS · {days} ACTIVE DAY(S)", SMALL, bold=True, fill=MUTED)
    y += SMALL + 16
    _calendar(c, PAD, y + 22, d, start)
    _streaks(c, 480, y + 22, d)
    return Image(c.png(), alt_text(stats_alt(d)), FILENAME)


def _calendar(c: Canvas, x0: float, y0: float, d: StatsData, start: date) -> None:
    left = x0 + 52
    for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri"), (6, "Sun")):
        c.text(x0, y0 + row * (_CELL + _GAP) + 2, name, SMALL, fill=MUTED)
    month = None
    for week in range(WEEKS):
        monday = start + timedelta(days=7 * week)
        x = left + week * (_CELL + _GAP)
        if monday.month != month:
            if month is not None or monday.day <= 7:
                c.text(x, y0 - 26, monday.strftime("%b"), SMALL, fill=MUTED)
            month = monday.month
        for dow in range(7):
            day = monday + timedelta(days=dow)
            if day > d.today:
                break
            c.box(x, y0 + dow * (_CELL + _GAP), _CELL, _CELL, _heat(d.active.get(day, 0)), 4)
    ly = y0 + 7 * (_CELL + _GAP) + 8
    w = c.text(left, ly, "less", SMALL, fill=MUTED)
    x = left + w + 10
    for colour in HEAT:
        c.box(x, ly + 2, 18, 18, colour, 3)
        x += 23
    c.text(x + 6, ly, "more", SMALL, fill=MUTED)


def _streaks(c: Canvas, x: float, y: float, d: StatsData) -> None:
    w = WIDTH - PAD - x
    for label, value, colour in (
        ("current streak", d.streak, SKY),
        ("best streak", d.best, ORANGE),
    ):
        c.box(x, y, w, 92, PANEL, 10)
        c.text(x + 20, y + 12, str(value), 44, bold=True, fill=colour)
        c.text(x + 20, y + 62, f"day(s) · {label}", SMALL, fill=FG)
        y += 108


def stats_alt(d: StatsData) -> str:
    if not d.topics:
        return f"Stats card for {d.name}: no answers yet."
    best, worst = strongest_weakest(d.topics)
    per = ", ".join(
        f"{t.topic} {round(100 * t.accuracy)}% level {t.level.removeprefix('Lv ')}"
        for t in sorted(d.topics, key=lambda t: (-t.answers, t.topic))
    )
    bw = f" Strongest {best.topic}, weakest {worst.topic}." if best and worst else ""
    start = calendar_start(d.today)
    days = sum(1 for k, v in d.active.items() if v > 0 and start <= k <= d.today)
    return (
        f"Stats card for {d.name}. Accuracy per topic: {per}.{bw} "
        f"Streak {d.streak} day(s), best {d.best}. Active on {days} day(s) of the last "
        f"{WEEKS} weeks."
    )
