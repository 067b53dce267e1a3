"""`/leaderboard chart`: the board's top 10 as bars of points."""

from __future__ import annotations

from bot.charts.data import BoardData, BoardRow
from bot.charts.draw import (
    BODY,
    FG,
    MUTED,
    ORANGE,
    PAD,
    SKY,
    SMALL,
    WIDTH,
    YELLOW,
    Canvas,
    alt_text,
)
from bot.domain.values import Image

FILENAME = "leaderboard.png"
TOP = 10
_ROW = 50
_MEDALS = {1: YELLOW, 2: (200, 205, 215), 3: ORANGE}


def board_rows(c: Canvas, y: float, rows: tuple[BoardRow, ...], x0: float, x1: float) -> float:
    """Rank, name, a bar of points (against the first row's) and the points; returns y."""
    most = max((r.points for r in rows), default=0) or 1
    name_w = (x1 - x0) * 0.34
    bar_x = x0 + 56 + name_w + 12
    bar_w = x1 - bar_x - 150
    for r in rows:
        c.text(x0, y + 6, f"{r.rank}.", BODY, bold=True, fill=_MEDALS.get(r.rank, MUTED))
        c.text(x0 + 56, y + 6, r.name, BODY, width=name_w)
        c.bar(bar_x, y + 10, bar_w, 22, r.points / most, SKY)
        c.text(x1, y + 6, f"{r.points} pts", BODY, bold=True, fill=FG, anchor="ra")
        y += _ROW
    return y


def leaderboard_chart(d: BoardData) -> Image:
    rows = d.rows[:TOP]
    height = 130 + max(1, len(rows)) * _ROW + 30
    c = Canvas(height)
    sub = f"Top {len(rows)} of {d.players:,} player(s)" if rows else "No points yet"
    y = c.heading(PAD - 8, d.title, sub) + 12
    if not rows:
        c.text(PAD, y + 6, "Start a round with /quiz and the board fills up.", fill=MUTED)
    board_rows(c, y, rows, PAD, WIDTH - PAD)
    c.text(WIDTH - PAD, height - 34, "points", SMALL, fill=MUTED, anchor="ra")
    return Image(c.png(), alt_text(board_alt(d)), FILENAME)


def board_alt(d: BoardData) -> str:
    if not d.rows:
        return f"{d.title}: no points yet."
    ranked = "; ".join(
        f"{r.rank}. {r.name} {r.points} points ({r.correct} of {r.answers} right)"
        for r in d.rows[:TOP]
    )
    return f"{d.title}, top {min(TOP, len(d.rows))} as bars of points: {ranked}."
