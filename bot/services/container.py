"""The core services, built once from a CoreConfig and shared by every adapter.

The core is told what it needs (where the data is, the team defaults, how to grade); it
never sees the environment's Settings, which hold the platforms' tokens.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bot.clock import Clock, SystemClock
from bot.grading import GradingOptions
from bot.questions.bank import QuestionBank
from bot.questions.files import QUESTIONS_DIR
from bot.services import abilities as ability_model
from bot.services.abilities import Abilities
from bot.services.analytics import Analytics
from bot.services.appeals import Appeals
from bot.services.banks import Banks
from bot.services.daily import Daily
from bot.services.exports import Exports
from bot.services.interviews import Interviews
from bot.services.leaderboards import Leaderboards
from bot.services.outbox import Outbox
from bot.services.privacy import DEFAULT_RETENTION_DAYS, Privacy
from bot.services.quizzes import Quizzes
from bot.services.review_reminders import ReviewReminders
from bot.services.reviews import Reviews
from bot.services.rounds import Rounds
from bot.services.team_settings import Defaults, TeamSettings
from bot.store import Store, open_store


@dataclass(frozen=True)
class CoreConfig:
    """What the core needs from the bot's configuration, and nothing more."""

    database_url: str = "sqlite:///data/interview-bot.db"
    questions_dir: Path = QUESTIONS_DIR
    defaults: Defaults = field(default_factory=Defaults)
    grading: GradingOptions = field(default_factory=GradingOptions)
    retention_days: int = DEFAULT_RETENTION_DAYS  # a removed team's data is kept this long


class HasCoreConfig(Protocol):
    """A configuration that can say what the core needs (interview_bot's Settings can)."""

    def core_config(self) -> CoreConfig: ...


@dataclass
class Core:
    """The services, the store and the clock, wired once; adapters are given this."""

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
    abilities: Abilities
    reviews: Reviews
    reminders: ReviewReminders

    @property
    def exports(self) -> Exports:
        """Packs, leaderboard and answers as files for admins (issue #17); keeps no state."""
        return Exports(self.store, self.settings, self.clock)

    privacy: Privacy

    async def close(self) -> None:
        await self.store.close()


async def build_core(
    config: CoreConfig | HasCoreConfig,
    *,
    clock: Clock | None = None,
    store: Store | None = None,
    bank: QuestionBank | None = None,
    rng: random.Random | None = None,
) -> Core:
    """Connect the store (applying migrations) and wire the services.

    `config` may be anything with a `core_config()`: only that value is read or kept."""
    if not isinstance(config, CoreConfig):
        config = config.core_config()
    clock = clock or SystemClock()
    store = store or open_store(config.database_url)
    await store.connect()
    bank = bank or QuestionBank.from_dir(config.questions_dir)
    grading = config.grading
    banks = Banks(bank, store, clock, grading.sandbox)
    team = TeamSettings(store, config.defaults)
    outbox = Outbox()
    rounds = Rounds(store, banks, team, clock, outbox, grading)
    quizzes = Quizzes(rounds, store, banks, team, clock, rng)
    analytics = Analytics(store, banks, clock)
    rounds.after_close = analytics.maybe_refresh  # rest broken questions as evidence comes
    abilities = Abilities(store)
    rounds.after_answer.append(abilities.after_answer)  # every graded quiz and daily answer
    reviews = Reviews(store, banks, clock, grading)
    rounds.after_answer.append(reviews.after_answer)  # a missed question comes back for review
    interviews = Interviews(
        store, banks, team, clock, rng, grading, abilities=abilities, estimates=ability_model
    )
    interviews.after_answer += [abilities.after_answer, reviews.after_answer]  # the same two
    return Core(
        store=store,
        clock=clock,
        banks=banks,
        settings=team,
        rounds=rounds,
        quizzes=quizzes,
        interviews=interviews,
        leaderboards=Leaderboards(store, banks, team, clock),
        daily=Daily(store, banks, team, clock, rounds, outbox, rng),
        outbox=outbox,
        grading=grading,
        appeals=Appeals(store, banks, clock, grading),
        analytics=analytics,
        abilities=abilities,
        reviews=reviews,
        reminders=ReviewReminders(store, team, clock, outbox),
        privacy=Privacy(store, clock, config.retention_days),
    )
