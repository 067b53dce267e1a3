"""One list of the settings a developer's environment may hold, scrubbed for every test.

In-process tests get the scrub from the autouse fixture in tests/conftest.py; tests that
start the bot as a subprocess build its environment with `bot_env()`.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.support.packs import TEST_PACKS

# every prefix interview_bot.config reads (tokens, database, packs, timings, logging)
BOT_VARS = (
    "DISCORD_",
    "SLACK_",
    "LLM_",
    "DATABASE_URL",
    "QUESTIONS_DIR",
    "DEFAULT_TIMEZONE",
    "QUIZ_",
    "INTERVIEW_",
    "LOG_",
    "SEMANTIC_",
    "OPS_",
    "SANDBOX_",
    "CHARTS_DIR",
)


def scrubbed() -> dict[str, str]:
    """This process's environment without any bot setting."""
    return {k: v for k, v in os.environ.items() if not k.startswith(BOT_VARS)}


def bot_env(db: Path, **extra: str) -> dict[str, str]:
    """The environment of a bot subprocess on the SQLite file `db` and the test packs."""
    env = scrubbed()
    env.update(DATABASE_URL=f"sqlite:///{db}", QUESTIONS_DIR=str(TEST_PACKS), NO_COLOR="1")
    env.update(CHARTS_DIR=str(db.parent / "charts"))  # the console's pictures, not in the repo
    env.update(extra)
    return env
