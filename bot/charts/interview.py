"""The interview report's chart: score per topic against the person's earlier interviews on
that topic (the trend), and the share of key points shown per question."""

from __future__ import annotations

from bot.charts.data import InterviewData
from bot.charts.draw import (
    BODY,
    FG,
    MUTED,
    PAD,
    SKY,
    SMALL,
    TRACK,
    WIDTH,
    Canvas,
    alt_text,
)
from bot.domain.values import Image

FILENAME = "interview-report.png"
EARLIER = 6  # earlier interviews shown per topic
MAX_TOPICS = 6
MAX_QUESTIONS = 12
_TOPIC_ROW, _Q_ROW = 84, 46
_EARLIER_COLOUR = (128, 138, 160)


def interview_chart(d: InterviewData) -> Image:
    topics, questions = d.topics[:MAX_TOPICS], d.questions[:MAX_QUESTIONS]
    height = 130 + 40 + max(1, len(topics)) * _TOPIC_ROW + 30 + 40
    height += max(1, len(questions)) * _Q_ROW + 20
    c = Canvas(height)
    mean = sum(q.share for q in d.questions) / len(d.questions) if d.questions else 0.0
    sub = f"{d.name} · {len(d.questions)} question(s) · {round(100 * mean)}% of key points"
    y = c.heading(PAD - 8, d.title, sub if d.questions else f"{d.name} · nothing answered")
    c.text(
        PAD,
        y,
        "SCORE PER TOPIC: THIS INTERVIEW (BLUE) AND EARLIER ONES",
        SMALL,
        bold=True,
        fill=MUTED,
    )
    y += 40
    if not topics:
        c.text(PAD, y + 6, "No topic was answered in this interview.", fill=MUTED)
        y += _TOPIC_ROW
    col_x, col_w, col_gap, col_h = 250, 26, 8, 60
    for t in topics:
        c.text(PAD, y + 26, t.topic, BODY, width=col_x - PAD - 16)
        earlier = t.previous[-EARLIER:]
        x = col_x
        for i, score in enumerate((*earlier, t.score)):
            now = i == len(earlier)
            c.box(x, y + 8, col_w, col_h, TRACK, 3)
            h = max(3.0, col_h * min(1.0, max(0.0, score)))
            c.box(x, y + 8 + col_h - h, col_w, h, SKY if now else _EARLIER_COLOUR, 3)
            x += col_w + col_gap
        label_x = col_x + (EARLIER + 1) * (col_w + col_gap) + 12
        c.text(label_x, y + 10, f"now {round(100 * t.score)}%", BODY, bold=True, fill=FG)
        if earlier:
            before = sum(earlier) / len(earlier)
            trend = "▲" if t.score > before + 0.005 else "▼" if t.score < before - 0.005 else "="
            c.text(
                label_x,
                y + 42,
                f"{trend} before {round(100 * before)}% ({len(earlier)})",
                SMALL,
                fill=MUTED,
                width=WIDTH - PAD - label_x,
            )
        else:
            c.text(label_x, y + 42, "first interview here", SMALL, fill=MUTED)
        y += _TOPIC_ROW
    y += 30
    c.text(PAD, y, "KEY POINTS SHOWN PER QUESTION", SMALL, bold=True, fill=MUTED)
    y += 40
    if not questions:
        c.text(PAD, y + 6, "No question was answered.", fill=MUTED)
    for q in questions:
        c.text(PAD, y + 6, q.label, BODY, width=430)
        c.bar(480, y + 10, 180, 22, q.share, SKY)
        label = f"{q.shown} of {q.total}" if q.total else f"{round(100 * q.share)}%"
        c.text(WIDTH - PAD, y + 6, label, BODY, bold=True, anchor="ra")
        y += _Q_ROW
    return Image(c.png(), alt_text(interview_alt(d)), FILENAME)


def interview_alt(d: InterviewData) -> str:
    topics = "; ".join(
        f"{t.topic} {round(100 * t.score)}%"
        + (
            f" against {round(100 * sum(t.previous) / len(t.previous))}% before"
            if t.previous
            else " (first time)"
        )
        for t in d.topics
    )
    qs = "; ".join(
        f"{q.label} {q.shown} of {q.total} key points"
        if q.total
        else f"{q.label} {round(100 * q.share)}%"
        for q in d.questions
    )
    return (
        f"{d.title} for {d.name}. Score per topic: {topics or 'none'}. "
        f"Per question: {qs or 'none answered'}."
    )
