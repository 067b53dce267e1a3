"""The weekly recap picture: top players, biggest movers, longest streaks, hardest question."""

from __future__ import annotations

from bot.charts.data import RecapData
from bot.charts.draw import (
    BODY,
    GREEN,
    MUTED,
    ORANGE,
    PAD,
    PANEL,
    PURPLE,
    SMALL,
    WIDTH,
    Canvas,
    alt_text,
    font,
    wrap,
)
from bot.charts.leaderboard import board_rows
from bot.domain.values import Image

FILENAME = "weekly-recap.png"
TOP = 5
_ROW = 50


def recap_chart(d: RecapData) -> Image:
    top, movers, streaks = d.top[:TOP], d.movers[:TOP], d.streaks[:TOP]
    side = max(len(movers), len(streaks), 1)
    height = 110 + 50 + max(1, len(top)) * _ROW + 40 + 50 + side * _ROW + 10
    height += 200 if d.hardest else 0
    c = Canvas(height)
    y = c.heading(PAD - 8, d.title, "The week at a glance")
    c.text(PAD, y, "TOP PLAYERS", SMALL, bold=True, fill=MUTED)
    y += 40
    if not top:
        c.text(PAD, y + 6, "Nobody scored this week.", fill=MUTED)
        y += _ROW
    y = board_rows(c, y, top, PAD, WIDTH - PAD) + 24
    half = (WIDTH - 3 * PAD) / 2
    left, right = PAD, 2 * PAD + half
    c.text(left, y, "BIGGEST MOVERS", SMALL, bold=True, fill=MUTED)
    c.text(right, y, "LONGEST STREAKS", SMALL, bold=True, fill=MUTED)
    y += 40
    if not movers:
        c.text(left, y + 6, "Nobody moved up.", fill=MUTED)
    for i, m in enumerate(movers):
        row = y + i * _ROW
        c.text(left, row + 6, m.name, BODY, width=half - 120)
        c.text(
            left + half,
            row + 6,
            f"+{m.points - m.before}",
            BODY,
            bold=True,
            fill=GREEN,
            anchor="ra",
        )
    if not streaks:
        c.text(right, y + 6, "No streaks alive.", fill=MUTED)
    most = max((n for _, n in streaks), default=1) or 1
    for i, (name, days) in enumerate(streaks):
        row = y + i * _ROW
        c.text(right, row + 6, name, BODY, width=half * 0.56)
        c.bar(right + half * 0.6, row + 10, half * 0.4 - 80, 22, days / most, ORANGE)
        c.text(right + half, row + 6, f"{days} d", BODY, bold=True, anchor="ra")
    y += side * _ROW + 24
    if d.hardest:
        h = d.hardest
        c.box(PAD, y, WIDTH - 2 * PAD, 180, PANEL, 10)
        c.text(PAD + 20, y + 16, "HARDEST QUESTION", SMALL, bold=True, fill=MUTED)
        for i, line in enumerate(wrap(h.prompt, font(BODY), WIDTH - 2 * PAD - 40, 2)):
            c.text(PAD + 20, y + 50 + i * 32, line, BODY)
        share = h.right / h.answered if h.answered else 0
        c.bar(PAD + 20, y + 130, WIDTH - 2 * PAD - 300, 24, share, PURPLE)
        c.text(
            WIDTH - PAD - 20,
            y + 128,
            f"{h.right} of {h.answered} got it",
            BODY,
            bold=True,
            anchor="ra",
        )
    return Image(c.png(), alt_text(recap_alt(d)), FILENAME)


def recap_alt(d: RecapData) -> str:
    parts = [f"{d.title}."]
    parts.append(
        "Top players: " + "; ".join(f"{r.rank}. {r.name} {r.points} points" for r in d.top[:TOP])
        if d.top
        else "Nobody scored this week."
    )
    if d.movers:
        parts.append(
            "Biggest movers: "
            + "; ".join(f"{m.name} +{m.points - m.before}" for m in d.movers[:TOP])
        )
    if d.streaks:
        parts.append(
            "Longest streaks: " + "; ".join(f"{n} {days} days" for n, days in d.streaks[:TOP])
        )
    if d.hardest:
        parts.append(
            f"Hardest question: {d.hardest.prompt[:200]} ({d.hardest.right} of "
            f"{d.hardest.answered} got it)"
        )
    return " ".join(p if p.endswith(".") else p + "." for p in parts)
