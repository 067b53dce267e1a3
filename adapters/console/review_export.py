"""/review export at the terminal: the Anki import file is written to disk, its path shown."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.domain.values import Card, UserError, Visibility, Where
from bot.services.container import Core


async def export_to_file(core: Core, where: Where, typed_path: str) -> Card:
    """Write the person's export to `typed_path` (a file or a folder; '' is the current
    folder) and say where it went."""
    f = await core.reviews.export(where)
    try:
        written = await asyncio.to_thread(_write, typed_path, f.name, f.text)
    except OSError as e:
        raise UserError(f"Cannot write the export: {e.strerror or e}.") from None
    count = f.text.count("\n") - 3
    return Card(
        title="Review export",
        text=f"{count} missed question(s) written to {written}\n"
        "Import it in Anki with File → Import.",
        visibility=Visibility.EPHEMERAL,
    )


def _write(typed_path: str, name: str, text: str) -> Path:
    target = Path(typed_path).expanduser() if typed_path else Path.cwd()
    if target.is_dir():
        target = target / name
    target.write_text(text, "utf-8")
    return target.resolve()
