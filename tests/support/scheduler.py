"""Drive the real APScheduler jobs and triggers with the test's FakeClock.

The scheduler is built with `autorun=False`, so APScheduler runs nothing on its own (its
wake-ups use real time); `run_due` asks it to run what is due at the FakeClock's now.
"""

from __future__ import annotations

from bot.services.scheduler import DailyScheduler


async def run_due(ds: DailyScheduler) -> int:
    """Run every job that is due at the scheduler clock's now, and wait for them."""
    return await ds.run_due()
