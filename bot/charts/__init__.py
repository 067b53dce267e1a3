"""Charts as PNG pictures: pure functions from plain data (bot/charts/data.py) to an `Image`
(PNG bytes, alt text, file name). No platform, no store, no event loop here: the services
gather the data and call `render` (drawn on a worker thread), the adapters deliver the
picture. See draw.py for the library, fonts and palette."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from bot.charts.interview import interview_chart
from bot.charts.leaderboard import leaderboard_chart
from bot.charts.recap import recap_chart
from bot.charts.stats import stats_chart
from bot.domain.values import Image

__all__ = ["interview_chart", "leaderboard_chart", "recap_chart", "render", "stats_chart"]

D = TypeVar("D")


async def render(chart: Callable[[D], Image], data: D) -> Image:
    """Draw off the event loop: a chart takes tens of milliseconds of CPU, which would hold up
    every other click if drawn on the loop."""
    return await asyncio.to_thread(chart, data)
