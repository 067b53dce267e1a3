from __future__ import annotations

import os
import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.config import Settings
from bot.core import Core, build_core
from bot.domain import Where
from bot.questions import QuestionBank

TEST_PACKS = Path(__file__).parent / "data" / "packs"

_PLATFORM_VARS = ("DISCORD_", "SLACK_", "LLM_", "DATABASE_URL", "QUESTIONS_DIR",
                  "DEFAULT_TIMEZONE", "QUIZ_SECONDS", "INTERVIEW_", "LOG_")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees a developer's tokens or settings."""
    for k in list(os.environ):
        if k.startswith(_PLATFORM_VARS):
            monkeypatch.delenv(k, raising=False)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "bot.db"


@pytest.fixture
def settings(db_path: Path) -> Settings:
    return Settings(_env_file=None, database_url=f"sqlite:///{db_path}",  # type: ignore[call-arg]
                    questions_dir=TEST_PACKS)


@pytest.fixture
def bank() -> QuestionBank:
    return QuestionBank.from_dir(TEST_PACKS)


@pytest.fixture
async def core(settings: Settings, clock: FakeClock, bank: QuestionBank) -> AsyncIterator[Core]:
    c = await build_core(settings, clock=clock, bank=bank, rng=random.Random(7))
    yield c
    await c.close()


def where(user: str = "u1", *, channel: str = "c1", team: str = "t1", admin: bool = False,
          platform: str = "test", name: str | None = None) -> Where:
    return Where(platform, team, channel, user, name or user.upper(), is_admin=admin)
