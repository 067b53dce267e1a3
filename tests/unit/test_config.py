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


async def test_grading_cross_false_grades_without_the_cross_encoder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A deployment on slow cores switches the cross-encoder off: open answers get the grades
    of the static model and the rubric; a value that is not a yes or no is named."""
    from bot.domain.questions import Kind, Question
    from bot.grading import GradingOptions, grade
    from interview_bot.config import grading_options

    q = Question(
        id="t-open",
        topic="t",
        kind=Kind.OPEN,
        difficulty=1,
        prompt="Why does the bulb light?",
        explanation="",
        reference="The bulb is in a closed path with the battery.",
    )
    answer = "The bulb and the battery are in one closed path."
    on = await grade(q, answer, options=grading_options(load_settings(_env_file=None)))
    monkeypatch.setenv("GRADING_CROSS", "false")
    opts = grading_options(load_settings(_env_file=None))
    assert opts.pick_cross() is None
    without = await grade(q, answer, options=GradingOptions(cross=False))
    assert await grade(q, answer, options=opts) == without != on  # on: the cross-encoder's say
    monkeypatch.setenv("GRADING_CROSS", "maybe")
    with pytest.raises(ConfigError) as e:
        load_settings(_env_file=None)
    assert "GRADING_CROSS" in str(e.value)
