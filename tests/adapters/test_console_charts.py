"""Pictures in the terminal: the PNG is written into the charts folder (CHARTS_DIR) and its
path printed under the card; a folder that cannot be written costs the picture only."""

from __future__ import annotations

from pathlib import Path

from PIL import Image as Pil

from adapters.console.harness import ConsoleHarness
from bot.domain.values import Color
from bot.services.container import Core
from tests.support.console import run_console


async def test_stats_write_the_png_and_print_its_path(core: Core, tmp_path: Path) -> None:
    console = ConsoleHarness(core, user="alice", charts_dir=tmp_path / "charts")
    await console.push("/quiz web")
    await console.push("/answer 404")
    cards = await console.ask("/stats")
    card, line = cards
    assert card.title == "Stats · alice" and card.image is not None
    path = tmp_path / "charts" / "stats.png"
    assert line.text == f"Picture: {path}"
    assert path.read_bytes() == card.image.png and Pil.open(path).size[0] == 800
    again = await console.ask("/leaderboard all chart")
    assert again[-1].text == f"Picture: {tmp_path / 'charts' / 'leaderboard.png'}"
    assert sorted(p.name for p in (tmp_path / "charts").iterdir()) == [
        "leaderboard.png",
        "stats.png",
    ]


async def test_an_unwritable_folder_costs_the_picture_only(core: Core, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    console = ConsoleHarness(core, user="alice", charts_dir=blocked / "charts")
    await console.push("/quiz web")
    await console.push("/answer 404")
    card, line = await console.ask("/stats")
    assert card.title == "Stats · alice" and "1 answers" in card.text
    assert line.color is Color.WARN and "could not be saved" in line.text


def test_the_console_process_writes_into_charts_dir(tmp_path: Path) -> None:
    res = run_console(tmp_path / "c.db", "/quiz web\n/answer 404\n/stats\n")
    assert res.returncode == 0, res.stderr
    path = tmp_path / "charts" / "stats.png"  # CHARTS_DIR, set by the test environment
    assert f"Picture: {path}" in res.stdout.replace("\n", "")
    assert Pil.open(path).format == "PNG"
