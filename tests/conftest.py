"""Fixtures every layer shares: a clean environment, the clock, settings, the core, the
backends and the fakes. Builders and fakes live in tests/support; no test module imports
another."""

from __future__ import annotations

import asyncio
import os
import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.questions.bank import QuestionBank
from bot.sandbox import Sandbox
from bot.services.container import Core, build_core
from interview_bot.config import Settings
from tests.support.env import BOT_VARS
from tests.support.fakes.llm import FakeLLM
from tests.support.fakes.slack_api import FakeSlack
from tests.support.packs import TEST_PACKS
from tests.support.postgres import BACKENDS, fresh_pg_schema
from tests.support.sandbox import fresh_sandbox


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: a service test about SQLite itself (not run on PostgreSQL)"
    )


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees a developer's tokens or settings."""
    for k in list(os.environ):
        if k.startswith(BOT_VARS):
            monkeypatch.delenv(k, raising=False)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "bot.db"


@pytest.fixture
def backend() -> str:
    """The store the `core` fixture runs on; tests/services/conftest.py makes it both."""
    return "sqlite"


@pytest.fixture
async def database_url(backend: str, db_path: Path) -> AsyncIterator[str]:
    """An empty database on `backend` (PostgreSQL: a fresh schema, skipped without a server)."""
    if backend == "sqlite":
        yield f"sqlite:///{db_path}"
        return
    async with fresh_pg_schema() as url:
        yield url


@pytest.fixture
def settings(database_url: str) -> Settings:
    # lexical grading: what these tests check is the services, not the semantic model
    # (tests/unit/test_grading_semantic.py covers that)
    return Settings(
        _env_file=None,
        database_url=database_url,  # type: ignore[call-arg]
        questions_dir=TEST_PACKS,
        semantic_grading=False,
    )


@pytest.fixture
def bank() -> QuestionBank:
    return QuestionBank.from_dir(TEST_PACKS)


@pytest.fixture
async def core(settings: Settings, clock: FakeClock, bank: QuestionBank) -> AsyncIterator[Core]:
    c = await build_core(settings, clock=clock, bank=bank, rng=random.Random(7))
    yield c
    await c.close()


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """A URL to a fresh empty schema on the test PostgreSQL (skipped without one)."""
    async with fresh_pg_schema() as url:
        yield url


@pytest.fixture(params=BACKENDS)
async def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A DATABASE_URL to an empty database, once per backend (the store contract)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    async with fresh_pg_schema() as url:
        yield url


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """The Slack Web API on 127.0.0.1, recording every call."""
    async with FakeSlack() as api:
        yield api


@pytest.fixture
async def llm() -> AsyncIterator[FakeLLM]:
    """An OpenAI-compatible judge on 127.0.0.1."""
    async with FakeLLM() as fake:
        yield fake


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    """A real bubblewrap sandbox with short limits; CI must have one, so none is a failure."""
    box = fresh_sandbox()
    if not asyncio.run(box.probe()):
        pytest.fail(f"no sandbox on this machine: {box.reason} (.ci/run installs bubblewrap)")
    return box


@pytest.fixture
def no_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    """slack_sdk waits Retry-After plus up to a second of jitter: with Retry-After 0, none."""
    import slack_sdk.http_retry.builtin_async_handlers as handlers

    class NoJitter:
        @staticmethod
        def random() -> float:
            return 0.0

    monkeypatch.setattr(handlers, "random", NoJitter)


# --- hypothesis profiles (issue 9): a few hundred examples per property in `make test`, and
# a long run with HYPOTHESIS_PROFILE=long. Tests that set their own max_examples keep it.

from hypothesis import HealthCheck  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

hypothesis_settings.register_profile(
    "default",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.register_profile(
    "long",
    max_examples=10_000,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
