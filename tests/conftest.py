from __future__ import annotations

import os
import random
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.domain.values import Card, Where
from bot.questions.bank import QuestionBank
from bot.services.container import Core, build_core
from interview_bot.config import Settings

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
    # lexical grading: what these tests check is the services, not the semantic model
    # (tests/unit/test_grading_semantic.py covers that)
    return Settings(_env_file=None, database_url=f"sqlite:///{db_path}",  # type: ignore[call-arg]
                    questions_dir=TEST_PACKS, semantic_grading=False)


@pytest.fixture
def bank() -> QuestionBank:
    return QuestionBank.from_dir(TEST_PACKS)


@pytest.fixture
async def core(settings: Settings, clock: FakeClock, bank: QuestionBank) -> AsyncIterator[Core]:
    c = await build_core(settings, clock=clock, bank=bank, rng=random.Random(7))
    yield c
    await c.close()


def letter(card: Card, choice: str) -> str:
    """The letter a question card shows for `choice` (choices are shuffled per round)."""
    for line in card.text.splitlines():
        m = re.match(r"\*\*([A-J])\)\*\* (.*)", line)
        if m and m.group(2) == choice:
            return m.group(1)
    raise AssertionError(f"no choice {choice!r} in {card.text!r}")


def where(user: str = "u1", *, channel: str = "c1", team: str = "t1", admin: bool = False,
          platform: str = "test", name: str | None = None) -> Where:
    return Where(platform, team, channel, user, name or user.upper(), is_admin=admin)


# --- both backends (issue 8): the same tests on SQLite and, when a server is given, PostgreSQL

PG_SKIP_REASON = "set TEST_DATABASE_URL to run the PostgreSQL tests"


def pg_test_url() -> str | None:
    """The test server's URL (`.ci/postgres.sh start` prints it), or None."""
    return os.environ.get("TEST_DATABASE_URL") or None


async def create_pg_schema(base_url: str) -> tuple[str, str]:
    """A new, uniquely named, empty schema; returns (schema, URL whose connections use it).

    asyncpg passes unknown URL query parameters as server settings, so `?search_path=` makes
    every connection of any pool opened from that URL (in any process) work in the schema.
    """
    import uuid

    import asyncpg

    schema = f"t_{uuid.uuid4().hex[:16]}"
    con = await asyncpg.connect(base_url)
    try:
        await con.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await con.close()
    sep = "&" if "?" in base_url else "?"
    return schema, f"{base_url}{sep}search_path={schema}"


async def drop_pg_schema(base_url: str, schema: str) -> None:
    import asyncpg

    con = await asyncpg.connect(base_url)
    try:
        await con.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await con.close()


@asynccontextmanager
async def fresh_pg_schema() -> AsyncIterator[str]:
    """A URL to a fresh empty schema on the test PostgreSQL, dropped after (skip without one)."""
    base = pg_test_url()
    if base is None:
        pytest.skip(PG_SKIP_REASON)
    schema, url = await create_pg_schema(base)
    try:
        yield url
    finally:
        await drop_pg_schema(base, schema)


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """A URL to a fresh empty schema on the test PostgreSQL (skipped without one)."""
    async with fresh_pg_schema() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
async def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A DATABASE_URL to an empty database, once per backend.

    A service test runs on both backends by building its Settings from this instead of
    `db_path`: `Settings(_env_file=None, database_url=store_url, questions_dir=TEST_PACKS)`.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    async with fresh_pg_schema() as url:
        yield url


# --- hypothesis profiles (issue 9): a few hundred examples per property in `make test`, and
# a long run with HYPOTHESIS_PROFILE=long. Tests that set their own max_examples keep it.

from hypothesis import HealthCheck  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

hypothesis_settings.register_profile(
    "default", max_examples=200, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
hypothesis_settings.register_profile(
    "long", max_examples=10_000, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large])
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
