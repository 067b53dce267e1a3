from __future__ import annotations

import pytest

from interview_bot.config import ConfigError, load_settings


def test_bad_variables_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZ_SECONDS", "soon")
    monkeypatch.setenv("DEFAULT_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ConfigError) as e:
        load_settings(_env_file=None)
    msg = str(e.value)
    assert "QUIZ_SECONDS" in msg and "DEFAULT_TIMEZONE" in msg
    assert "Mars/Olympus" in msg


def test_secrets_are_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "super-secret-token")
    s = load_settings(_env_file=None)
    assert "super-secret-token" not in repr(s) and "super-secret-token" not in str(s)
    assert s.platforms == ["discord"]


def test_env_file_is_read(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    env = tmp_path / ".env"
    env.write_text("QUIZ_SECONDS=42\n")
    assert load_settings(_env_file=env).quiz_seconds == 42
