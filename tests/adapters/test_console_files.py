"""Files the console hands out (/export, /review export, /my-data) all go the one way:
written into its files folder, readable by the owner only, never over an existing file."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from adapters.console.harness import ConsoleHarness
from bot.domain.values import Card
from bot.services.container import Core

DATA = Path(__file__).parents[1] / "data" / "imports"


def saved(shown: list[Card]) -> Path:
    [line] = [c.text for c in shown if c.text.startswith("Saved ")]
    return Path(line.removeprefix("Saved "))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_my_data_twice_keeps_the_first_file(core: Core, tmp_path: Path) -> None:
    console = ConsoleHarness(core, user="bob")
    console.session.files_dir = tmp_path
    await console.push("/quiz web")
    await console.push("/answer 404")
    first = saved(await console.ask("/my-data"))
    before = first.read_bytes()
    await console.push("/forget-me confirm")
    second = saved(await console.ask("/my-data"))
    assert first == tmp_path / "interview-bot-my-data.json"
    assert second == tmp_path / "interview-bot-my-data-2.json"
    assert first.read_bytes() == before  # not written over
    assert json.loads(second.read_text("utf-8"))["tables"]["answers"] == []
    assert mode(first) == mode(second) == 0o600


async def test_export_is_written_into_the_files_folder_for_its_owner_only(
    core: Core, tmp_path: Path
) -> None:
    console = ConsoleHarness(core, user="me")
    console.session.files_dir = tmp_path / "files"
    await console.push(f"/questions import {DATA / 'red_programming.yaml'}")
    shown = await console.ask("/export leaderboard week")
    path = saved(shown)
    assert shown[0].title == "Export: leaderboard-week.csv"
    assert path == tmp_path / "files" / "leaderboard-week.csv" and mode(path) == 0o600
    assert path.read_bytes().startswith(b"\xef\xbb\xbfrank,user_id")


async def test_review_export_to_a_named_file_that_exists_writes_beside_it(
    core: Core, tmp_path: Path
) -> None:
    console = ConsoleHarness(core, user="alice")
    mine = tmp_path / "anki.txt"
    mine.write_text("my own notes", "utf-8")
    [question] = await console.ask("/quiz web")
    wrong = next(ln for ln in question.text.splitlines() if ln.replace("**", "").endswith("500"))
    await console.push(f"/answer {wrong.replace('**', '')[0]}")
    path = saved(await console.ask(f"/review export {mine}"))
    assert path == tmp_path / "anki-2.txt" and mode(path) == 0o600
    assert mine.read_text("utf-8") == "my own notes"
    assert path.read_text("utf-8").startswith("#separator:tab\n")


async def test_a_files_folder_that_cannot_be_made_is_said_and_nothing_breaks(
    core: Core, tmp_path: Path
) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the folder should be", "utf-8")
    console = ConsoleHarness(core, user="bob")
    console.session.files_dir = blocker / "out"
    [said] = await console.ask("/my-data")
    assert said.text.startswith(f"Cannot write {blocker / 'out'}") and said.color == "warn"
    assert [c.title for c in await console.ask("/stats")] != [""]  # still answering
