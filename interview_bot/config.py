"""Settings from the environment and `.env`. Secrets are SecretStr: never printed or logged."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.domain.periods import check_timezone
from bot.domain.values import UserError
from bot.grading import GradingOptions, JudgeConfig
from bot.questions.files import QUESTIONS_DIR
from bot.sandbox import Sandbox
from bot.services.container import CoreConfig
from bot.services.team_settings import Defaults
from bot.store import backend_of


class ConfigError(Exception):
    """A setting is wrong; the message names the environment variable."""


class Settings(BaseSettings):
    """Everything configurable, from the environment. The core and the adapters are given
    only their part of it: `core_config()` and the per-platform values in platforms.py."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    database_url: str = "sqlite:///data/interview-bot.db"
    questions_dir: Path = QUESTIONS_DIR
    default_timezone: str = "UTC"
    quiz_seconds: int = Field(60, ge=5, le=3600)
    interview_question_seconds: int = Field(600, ge=30, le=86_400)
    interview_default_questions: int = Field(5, ge=1, le=30)
    interview_follow_ups: int = Field(2, ge=0, le=5)
    health_port: int = Field(8080, ge=0, le=65535)  # 0: no /healthz and /metrics
    health_host: str = "127.0.0.1"
    shutdown_seconds: float = Field(8.0, gt=0, le=60)
    log_level: str = "INFO"
    log_format: str = Field("text", pattern="^(text|json)$")
    charts_dir: Path = Path("data/charts")  # the console writes its pictures (PNG) here
    data_retention_days: int = Field(30, ge=0, le=3650)  # a removed team's data; 0: at once

    discord_token: SecretStr | None = None
    discord_guild_id: int | None = None
    discord_shard_count: int | None = Field(None, ge=1)
    discord_shard_ids: str | None = Field(None, pattern=r"^\d+(,\d+)*$")  # e.g. 0,1
    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_port: int = 3000
    slack_admin_users: str = ""  # comma-separated user ids who may change settings
    # many Slack workspaces (OAuth v2): the app's credentials, and the key tokens are sealed with
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    token_encryption_key: SecretStr | None = None

    semantic_grading: bool = True  # blend in the semantic model (the shipped static one)
    semantic_model: Literal["static", "minilm-torch"] = "static"
    grading_cross: bool = True  # the cross-encoder; off for slow cores (10-25 ms an answer)
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str | None = None
    llm_timeout: float = Field(15.0, gt=0, le=120)

    sandbox_enabled: bool = True  # false: code questions are never asked or run
    sandbox_bwrap: str | None = None  # bubblewrap binary (default: bwrap on PATH)
    sandbox_python: str | None = None  # the Python run inside (default: one under /usr)
    sandbox_slots: int | None = Field(None, ge=1, le=64)  # runs at once (default: CPU count)

    @field_validator("default_timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            return check_timezone(v)
        except UserError as e:
            raise ValueError(str(e)) from None

    @field_validator("database_url")
    @classmethod
    def _db(cls, v: str) -> str:
        backend_of(v)  # ValueError for a scheme no store serves
        return v

    @field_validator("token_encryption_key")
    @classmethod
    def _key(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and v.get_secret_value():
            from adapters.slack.tokens import check_key

            check_key(v.get_secret_value())  # its message never repeats the key
        return v

    @model_validator(mode="after")
    def _oauth(self) -> Settings:
        has_id, has_secret = bool(self.slack_client_id), bool(self.slack_client_secret)
        if has_id != has_secret:
            raise ValueError(
                "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET go together (Slack OAuth, many "
                "workspaces): set both, or neither to use SLACK_BOT_TOKEN"
            )
        key = self.token_encryption_key
        if has_id and not (key and key.get_secret_value()):
            from adapters.slack.tokens import KEY_HELP

            raise ValueError(
                "TOKEN_ENCRYPTION_KEY is required with SLACK_CLIENT_ID: each workspace's "
                f"tokens are stored encrypted with it; {KEY_HELP}"
            )
        return self

    @property
    def shard_ids(self) -> list[int] | None:
        if not self.discord_shard_ids:
            return None
        return [int(x) for x in self.discord_shard_ids.split(",")]

    @property
    def platforms(self) -> list[str]:
        """The chat platforms whose tokens are set (none: the console)."""
        from interview_bot.platforms import configured

        return configured(self)

    def defaults(self) -> Defaults:
        """What a team gets until an admin changes it."""
        return Defaults(
            timezone=self.default_timezone,
            quiz_seconds=self.quiz_seconds,
            interview_question_seconds=self.interview_question_seconds,
            interview_questions=self.interview_default_questions,
            interview_follow_ups=self.interview_follow_ups,
        )

    def core_config(self) -> CoreConfig:
        """The core's part of the settings: no token is in it."""
        return CoreConfig(
            database_url=self.database_url,
            questions_dir=self.questions_dir,
            defaults=self.defaults(),
            grading=grading_options(self),
            retention_days=self.data_retention_days,
        )


def grading_options(settings: Settings) -> GradingOptions:
    """How open and code answers are graded, from the settings."""
    judge = None
    if settings.llm_base_url:
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else ""
        judge = JudgeConfig(
            settings.llm_base_url, settings.llm_model or "gpt-4o-mini", key, settings.llm_timeout
        )
    sandbox = Sandbox(
        enabled=settings.sandbox_enabled,
        bwrap=settings.sandbox_bwrap,
        python=settings.sandbox_python,
        slots=settings.sandbox_slots,
    )
    return GradingOptions(
        semantic=None if settings.semantic_grading else False,
        judge=judge,
        sandbox=sandbox,
        model=None if settings.semantic_model == "static" else "minilm-torch",
        cross=None if settings.grading_cross else False,
    )


def load_settings(**overrides: object) -> Settings:
    """Settings, or a ConfigError naming each bad variable and why."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as e:
        lines = []
        for err in e.errors():
            name = "_".join(str(p) for p in err["loc"]).upper() or "settings"
            msg = err["msg"].removeprefix("Value error, ")
            lines.append(f"{name}: {msg}")
        raise ConfigError("Bad configuration:\n  " + "\n  ".join(lines)) from None
