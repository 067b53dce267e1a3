"""`/export …` in the terminal: the file is written to the current folder (never over an
existing file) and its path shown."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.domain.values import Card, Color, UserError, Visibility, Where
from bot.services.container import Core


async def write_export(core: Core, where: Where, text: str, folder: Path | None = None) -> Card:
    what, _, arg = text.strip().partition(" ")
    f = await core.exports.export(where, what, arg)
    path = await asyncio.to_thread(_write_new, (folder or Path.cwd()) / f.name, f.data)
    return Card(
        title=f"Export: {f.name}",
        text=f"{f.summary}. Written to {path}",
        visibility=Visibility.EPHEMERAL,
        color=Color.GOOD,
    )


def _write_new(path: Path, data: bytes) -> Path:
    """Write `path`, or `name-2.ext`, `name-3.ext`, … when it exists."""
    candidate, n = path, 1
    while True:
        try:
            with candidate.open("xb") as out:
                out.write(data)
            return candidate.resolve()
        except FileExistsError:
            n += 1
            candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        except OSError as e:
            raise UserError(f"Cannot write {candidate}: {e}") from None
