"""What the console adapter needs: who is playing, and where the lines come from."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO


@dataclass(frozen=True)
class ConsoleConfig:
    """The player's name, the input stream (stdin unless a test gives another), the folder
    pictures are written to (None: not written; the app passes CHARTS_DIR) and the folder
    files the bot hands out (/export, /review export, /my-data) are written into."""

    user: str = "you"
    stdin: TextIO = field(default_factory=lambda: sys.stdin)
    charts_dir: Path | None = None
    files_dir: Path = Path("data")
