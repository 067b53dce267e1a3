"""A card's picture in the terminal: written as a PNG into the charts folder (CHARTS_DIR,
default data/charts/), its path printed under the card. One file per kind of picture
(stats.png, leaderboard.png...), replaced by the next: the folder does not grow."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from bot.domain.values import Image

log = logging.getLogger(__name__)


def save(image: Image, folder: Path) -> Path:
    """Write the PNG (whole or not at all: a viewer never opens half a file); its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / Path(image.filename).name  # never outside the folder
    part = path.with_name(path.name + ".part")
    part.write_bytes(image.png)
    part.replace(path)
    return path


async def saved_line(image: Image, folder: Path | None) -> tuple[str, str] | None:
    """The line the console prints under a card with a picture, and its style."""
    if folder is None:
        return None
    try:
        path = await asyncio.to_thread(save, image, folder)
    except OSError as e:
        log.warning("console: could not write %s into %s: %s", image.filename, folder, e)
        return f"The picture could not be saved in {folder}: {e.strerror or e}.", "yellow"
    return f"Picture: {path}", "dim"
