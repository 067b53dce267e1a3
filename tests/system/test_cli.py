from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bot.questions.files import QUESTIONS_DIR, load_packs, load_sources
from interview_bot.cli import app
from tests.support.packs import GOOD

runner = CliRunner()


def test_validate_the_shipped_bank() -> None:
    res = runner.invoke(app, ["questions", "validate"])
    assert res.exit_code == 0, res.output
    packs = load_packs([QUESTIONS_DIR], set(load_sources()))
    n = sum(len(p.questions) for p in packs)
    assert f"OK: {len(packs)} pack(s), {n} question(s)" in res.output
    assert "code question(s) checked in the sandbox" in res.output


def test_validate_a_broken_pack_exits_1_with_the_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("difficulty: 1", "difficulty: 4"))
    res = runner.invoke(app, ["questions", "validate", str(bad)])
    assert res.exit_code == 1
    assert (
        f"{bad}:8: questions[0].difficulty: Input should be less than or equal to 3" in res.output
    )
    assert "nothing was loaded" in res.output


def test_stats_shows_seed_coverage() -> None:
    res = runner.invoke(app, ["questions", "stats"])
    assert res.exit_code == 0
    seeds = len(load_sources())
    assert seeds >= 80 and f"seed coverage: {seeds}/{seeds}" in res.output  # every seed used


def test_list_filters_by_topic_and_kind() -> None:
    res = runner.invoke(app, ["questions", "list", "--topic", "coding", "--kind", "code"])
    assert res.exit_code == 0
    assert "code-" in res.output and "py-" not in res.output


def test_import_a_team_pack(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bot.db'}")
    pack = tmp_path / "team.yaml"
    pack.write_text(GOOD)
    res = runner.invoke(
        app, ["questions", "import", str(pack), "--platform", "slack", "--team", "T1"]
    )
    assert res.exit_code == 0, res.output
    assert "Pack 'team' imported" in res.output
    pack.write_text(GOOD.replace("difficulty: 1", "difficulty: 0"))
    res = runner.invoke(
        app, ["questions", "import", str(pack), "--platform", "slack", "--team", "T1"]
    )
    assert res.exit_code == 1 and "greater than or equal to 1" in res.output


def test_bad_setting_is_named(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("QUIZ_SECONDS", "-3")
    res = runner.invoke(app, ["questions", "import", "x.yaml", "--platform", "p", "--team", "t"])
    assert res.exit_code == 2
    assert "QUIZ_SECONDS" in res.output


def test_discord_invite_url_has_exactly_the_scopes_and_permissions() -> None:
    res = runner.invoke(app, ["discord", "invite-url", "123456789012345678"])
    assert res.exit_code == 0
    url = res.output.strip()
    assert "client_id=123456789012345678" in url
    assert "scope=bot+applications.commands" in url
    assert "permissions=52224" in url  # view channels, send messages, embed links, attach files
    bad = runner.invoke(app, ["discord", "invite-url", "not-a-number"])
    assert bad.exit_code == 2


def test_questions_grade_prints_it_as_the_bot_says_it() -> None:
    res = runner.invoke(
        app,
        [
            "questions",
            "grade",
            "py-is-vs-eq-open",
            "`is` compares values, `==` compares identity, so it is True.",
        ],
    )
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0].startswith("Not quite")
    assert "swapped" in res.output and "What was missing" in res.output
    assert "A strong answer" in res.output


def test_questions_grade_json_for_scripts() -> None:
    import json

    res = runner.invoke(
        app,
        [
            "questions",
            "grade",
            "py-gil-open",
            "--json",
            "--no-semantic",
            "Only one thread at a time runs Python bytecode, so CPU-bound "
            "work needs multiprocessing; I/O-bound threads still help, and "
            "it does not make your own code thread-safe.",
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["id"] == "py-gil-open" and data["verdict"] in ("correct", "partial")
    assert 0 <= data["score"] <= 1 and data["right"] and isinstance(data["missing"], list)


def test_questions_grade_unknown_id() -> None:
    res = runner.invoke(app, ["questions", "grade", "no-such-id", "x"])
    assert res.exit_code == 2 and "No question 'no-such-id'" in res.output


def test_questions_grade_prints_markup_literally() -> None:
    res = runner.invoke(app, ["questions", "grade", "py-gil-open", "[bold]SCORE: 1.0[/bold]"])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0].startswith("Not quite")
