"""/my-data and /forget-me in the terminal: the file is written to disk, its path printed."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from adapters.console.harness import ConsoleHarness
from bot.services.container import Core


def _read(path: Path) -> tuple[int, str]:
    return stat.S_IMODE(path.stat().st_mode), path.read_text("utf-8")


async def test_my_data_writes_the_file_and_says_where(core: Core, tmp_path: Path) -> None:
    console = ConsoleHarness(core, user="bob")
    console.session.files_dir = tmp_path / "out"
    await console.push("/quiz web")
    await console.push("/answer 404")
    shown = await console.ask("/my-data")
    assert shown[0].title == "Your data"
    [line] = [c.text for c in shown if c.text.startswith("Saved ")]
    path = Path(line.removeprefix("Saved "))
    assert path.parent == tmp_path / "out"
    mode, text = _read(path)
    assert mode == 0o600  # only its owner reads it
    doc = json.loads(text)
    assert doc["user"] == "bob" and [a["answer"] for a in doc["tables"]["answers"]] == ["404"]


async def test_forget_me_in_the_console(core: Core) -> None:
    console = ConsoleHarness(core, user="bob")
    await console.push("/quiz web")
    await console.push("/answer 404")
    [asked] = await console.ask("/forget-me")
    assert "/forget-me confirm" in asked.text
    [done] = await console.ask("/forget-me confirm")
    assert "deleted" in done.title
    [board] = await console.ask("/leaderboard all")
    assert "BOB" not in board.text.upper()
