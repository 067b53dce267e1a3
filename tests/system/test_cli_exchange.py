"""`interview-bot questions convert`, `questions import --format` and `export` as a team's
admin runs them."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.questions.imports import convert
from interview_bot.cli import app

DATA = Path(__file__).parents[1] / "data" / "imports"
runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bot.db'}")
    return tmp_path


def test_convert_writes_our_yaml_which_imports_as_the_same_questions(tmp_path: Path) -> None:
    out = tmp_path / "red.yaml"
    res = runner.invoke(
        app,
        [
            "questions",
            "convert",
            str(DATA / "red_programming.yaml"),
            "--to",
            "yaml",
            "-o",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "15 question(s) read as red" in res.output
    again = convert(out.read_bytes(), str(out))
    assert again.format == "pack"
    original = convert((DATA / "red_programming.yaml").read_bytes(), "red_programming.yaml")
    assert again.pack.questions == original.pack.questions
    to_stdout = runner.invoke(app, ["questions", "convert", str(DATA / "kahoot_quiz.xlsx")])
    assert to_stdout.exit_code == 0 and "id: kahoot_quiz" in to_stdout.stdout


def test_convert_a_broken_file_lists_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "x.yaml"
    res = runner.invoke(
        app,
        [
            "questions",
            "convert",
            str(DATA / "moodle_aiken_errors.txt"),
            "-f",
            "aiken",
            "-o",
            str(out),
        ],
    )
    assert res.exit_code == 1
    assert f"{DATA / 'moodle_aiken_errors.txt'}:5: options: an option before any question" in (
        res.output
    )
    assert "5 problem(s); nothing was converted." in res.output
    assert not out.exists()
    wrong = runner.invoke(
        app, ["questions", "convert", str(DATA / "kahoot_quiz.xlsx"), "--to", "gift"]
    )
    assert wrong.exit_code == 2 and "Only --to yaml" in wrong.output


def test_import_with_a_format_then_export_packs_leaderboard_and_answers(db: Path) -> None:
    team = ["--platform", "slack", "--team", "T1"]
    res = runner.invoke(
        app,
        ["questions", "import", str(DATA / "moodle_examples.gift.txt"), *team, "--format", "gift"],
    )
    assert res.exit_code == 0, res.output
    assert "Pack 'moodle_examples' imported" in res.output
    res = runner.invoke(app, ["questions", "import", str(DATA / "opentdb_response.json"), *team])
    assert res.exit_code == 0, res.output

    packs = db / "packs.zip"
    res = runner.invoke(app, ["export", "packs", *team, "-o", str(packs)])
    assert res.exit_code == 0, res.output
    assert f"2 packs, one YAML file each: written to {packs}" in res.output
    with zipfile.ZipFile(packs) as z:
        assert sorted(z.namelist()) == ["moodle_examples.yaml", "opentdb_response.yaml"]

    board = db / "board.csv"
    res = runner.invoke(app, ["export", "leaderboard", *team, "--period", "week", "-o", str(board)])
    assert res.exit_code == 0, res.output
    rows = list(csv.reader(io.StringIO(board.read_bytes().decode("utf-8-sig"))))
    assert rows == [["rank", "user_id", "display_name", "points", "answers", "correct"]]

    res = runner.invoke(app, ["export", "answers", *team, "-o", str(db / "a.csv")])
    assert res.exit_code == 0 and "0 answer(s)" in res.output
    res = runner.invoke(app, ["export", "everything", *team])
    assert res.exit_code == 1 and "Export what? One of: packs, leaderboard, answers." in res.output
