"""The core stays a library: no HTTP server in `bot/` (import-linter checks the rest, see
pyproject.toml; it cannot name a subpackage of an external package such as aiohttp.web)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[2] / "bot"


def server_imports(source: str) -> list[str]:
    """The aiohttp server modules a source file imports, however it spells the import."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("aiohttp.web")]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("aiohttp.web"):
                found.append(node.module)
            elif node.module == "aiohttp":
                found += [f"aiohttp.{a.name}" for a in node.names if a.name.startswith("web")]
    return found


@pytest.mark.parametrize(
    "source",
    [
        "from aiohttp import web",
        "import aiohttp.web",
        "from aiohttp.web import Application",
        "def f():\n    from aiohttp import web_runner",
    ],
)
def test_the_check_sees_every_spelling(source: str) -> None:
    assert server_imports(source)


def test_the_core_runs_no_http_server() -> None:
    offenders = {
        str(f.relative_to(BOT.parent)): imports
        for f in sorted(BOT.rglob("*.py"))
        if (imports := server_imports(f.read_text("utf-8")))
    }
    assert offenders == {}
