"""The service tests, again on PostgreSQL: the same behaviour from the other backend.

Every `test_*` of the service modules below is collected here too, with `settings` pointing
at a fresh PostgreSQL schema (the `pg_url` fixture), so `core` and everything built on it
run against the server. Skipped without TEST_DATABASE_URL.
"""

from __future__ import annotations

import inspect

import pytest

from interview_bot.config import Settings
from tests.conftest import TEST_PACKS
from tests.services import test_daily, test_interviews, test_leaderboard, test_quizzes

# a test that opens SQLite on purpose
_SQLITE_ONLY = {"test_totals_equal_the_sum_of_stored_points_and_ranks_are_a_permutation"}
# the fixtures that lead to the store; tests without one of them need no second run
_USES_STORE = {"core", "settings", "boot"}

for _mod in (test_quizzes, test_interviews, test_leaderboard, test_daily):
    for _name, _obj in vars(_mod).items():
        if (_name.startswith("test_") and callable(_obj) and _name not in _SQLITE_ONLY
                and _USES_STORE & set(inspect.signature(_obj).parameters)):
            globals()[f"{_name}__{_mod.__name__.rsplit('_', 1)[-1]}"] = _obj
        elif hasattr(_obj, "_fixture_function_marker") and _name != "settings":
            globals()[_name] = _obj  # the module's own fixtures (e.g. test_daily's `boot`)


@pytest.fixture
def settings(pg_url: str) -> Settings:
    return Settings(_env_file=None, database_url=pg_url,  # type: ignore[call-arg]
                    questions_dir=TEST_PACKS)
