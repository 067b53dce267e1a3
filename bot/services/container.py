"""The core services, built once from Settings and shared by every adapter."""

from __future__ import annotations

import random
from dataclasses import dataclass

from bot.clock import Clock, SystemClock
from bot.grading import GradingOptions
from bot.questions.bank import QuestionBank
from bot.services.analytics import Analytics
from bot.services.appeals import Appeals
from bot.services.banks import Banks
from bot.services.daily import Daily
from bot.services.interviews import Interviews
from bot.services.leaderboards import Leaderboards
from bot.services.outbox import Outbox
from bot.services.quizzes import Quizzes
from bot.services.rounds import Rounds
from bot.services.team_settings import TeamSettings
from bot.store import Store, open_store
from interview_bot.config import Settings, grading_options


@dataclass
class Core:
    settings_env: Settings
    store: Store
    clock: Clock
    banks: Banks
    settings: TeamSettings
    rounds: Rounds
    quizzes: Quizzes
    interviews: Interviews
    leaderboards: Leaderboards
    daily: Daily
    outbox: Outbox
    grading: GradingOptions
    appeals: Appeals
    analytics: Analytics

    async def close(self) -> None:
        await self.store.close()


async def build_core(settings: Settings, *, clock: Clock | None = None,
                     store: Store | None = None, bank: QuestionBank | None = None,
                     rng: random.Random | None = None) -> Core:
    """Connect the store (applying migrations) and wire the services."""
    clock = clock or SystemClock()
    store = store or open_store(settings.database_url)
    await store.connect()
    bank = bank or QuestionBank.from_dir(settings.questions_dir)
    grading = grading_options(settings)
    banks = Banks(bank, store, clock, grading.sandbox)
    team = TeamSettings(store, settings)
    outbox = Outbox()
    rounds = Rounds(store, banks, team, clock, outbox, grading)
    quizzes = Quizzes(rounds, store, banks, team, clock, rng)
    analytics = Analytics(store, banks, clock)
    rounds.after_close = analytics.maybe_refresh  # rest broken questions as evidence comes
    return Core(
        settings_env=settings, store=store, clock=clock, banks=banks, settings=team,
        rounds=rounds, quizzes=quizzes,
        interviews=Interviews(store, banks, team, clock, rng, grading),
        leaderboards=Leaderboards(store, banks, team, clock),
        daily=Daily(store, banks, team, clock, rounds, outbox, rng),
        outbox=outbox,
        grading=grading,
        appeals=Appeals(store, banks, clock, grading),
        analytics=analytics,
    )
