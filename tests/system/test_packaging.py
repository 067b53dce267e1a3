"""A plain `pip install .` is a whole bot: the wheel carries every package and the shipped
question packs, found without QUESTIONS_DIR or the source tree."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_every_package_in_the_tree_is_listed_for_the_wheel() -> None:
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for top in ("bot", "adapters", "interview_bot")
        for p in (ROOT / top).rglob("__init__.py")
    }
    found.add("bot.questions.shipped")  # questions/, mapped by package-dir
    assert listed == found


def test_the_wheel_runs_the_bank_without_the_source_tree(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for name in ("bot", "adapters", "interview_bot", "questions"):
        shutil.copytree(
            ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    env = {k: v for k, v in os.environ.items() if k != "QUESTIONS_DIR"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(src),
        ],
        check=True,
        env=env,
        capture_output=True,
        timeout=300,
    )
    [wheel] = (tmp_path / "dist").glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    questions = ROOT / "questions"
    shipped = sorted(str(p.relative_to(questions)) for p in questions.rglob("*.yaml"))
    assert any(s.startswith("tracks/") for s in shipped)  # the interview tracks ship too
    assert (
        sorted(
            n.removeprefix("bot/questions/shipped/")
            for n in names
            if n.startswith("bot/questions/shipped/") and n.endswith(".yaml")
        )
        == shipped
    )
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = (
        "from bot.questions.bank import QuestionBank\n"
        "from bot.questions.files import QUESTIONS_DIR\n"
        "import interview_bot.cli, adapters.slack.platform\n"
        "print(QUESTIONS_DIR, len(QuestionBank.from_dir()))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        check=True,
        text=True,
        capture_output=True,
        timeout=120,
        env={**env, "PYTHONPATH": str(site)},
    ).stdout.split()
    assert Path(out[0]).is_relative_to(site)  # the installed copy, not the source tree
    assert int(out[1]) >= 450
