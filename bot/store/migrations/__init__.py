"""Numbered SQL migrations, one folder per backend: `NNN_name.sql`, applied in order."""

from __future__ import annotations

from importlib import resources


def load_migrations(backend: str) -> list[tuple[int, str, str]]:
    folder = resources.files(__package__).joinpath(backend)
    out = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:3].isdigit():
            out.append((int(name[:3]), name.removesuffix(".sql"), entry.read_text("utf-8")))
    return sorted(out)
