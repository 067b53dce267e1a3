"""`interview-bot questions convert` (another tool's questions as our pack YAML, to review
before importing) and `interview-bot export` (a team's packs, leaderboard or answers)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console

err = Console(stderr=True, soft_wrap=True)


def register(app: typer.Typer, questions_app: typer.Typer) -> None:
    questions_app.command("convert")(convert)
    app.command("export")(export)


def convert(
    path: Path = typer.Argument(..., help="The file to convert."),
    to: str = typer.Option("yaml", "--to", help="The output format: yaml (our pack)."),
    fmt: str = typer.Option(
        None,
        "--format",
        "-f",
        help="pack, red, opentdb, gift, aiken, kahoot or csv (default: told from the content).",
    ),
    pack_id: str = typer.Option(None, "--id", help="The pack's id (default: the file's name)."),
    output: Path = typer.Option(None, "--output", "-o", help="Write here, not to stdout."),
) -> None:
    """Write another tool's questions as our pack YAML, to review (and edit) before
    `questions import`; exit 1 listing every problem (file:line: field: message)."""
    from bot.questions.imports import convert as convert_file
    from bot.questions.schema import PackError

    if to.strip().lower() != "yaml":
        err.print("Only --to yaml is supported.", markup=False, highlight=False)
        raise typer.Exit(2)
    try:
        converted = convert_file(path.read_bytes(), str(path), fmt, pack_id=pack_id)
    except OSError as e:
        err.print(f"Cannot read {path}: {e}", markup=False, highlight=False)
        raise typer.Exit(1) from None
    except PackError as e:
        for line in e.errors:
            err.print(line, markup=False, highlight=False)
        err.print(f"{len(e.errors)} problem(s); nothing was converted.", style="red")
        raise typer.Exit(1) from None
    n = len(converted.pack.questions)
    if output is None:
        sys.stdout.write(converted.yaml)
    else:
        output.write_text(converted.yaml, "utf-8")
    err.print(
        f"{n} question(s) read as {converted.format}"
        + (f", written to {output}" if output is not None else ""),
        markup=False,
        highlight=False,
    )


def export(
    what: str = typer.Argument(..., help="packs, leaderboard or answers"),
    platform: str = typer.Option(..., "--platform", help="console, discord or slack"),
    team: str = typer.Option(..., "--team", help="The Discord server id or Slack team id."),
    period: str = typer.Option("all", "--period", help="leaderboard: today, week, month, all"),
    pack: str = typer.Option(None, "--pack", help="packs: only this pack"),
    output: Path = typer.Option(
        None, "--output", "-o", help="The file to write (default: the export's own name)."
    ),
) -> None:
    """Export a team's packs (our YAML; several: a .zip), leaderboard or answers (CSV, UTF-8
    with a byte order mark, formula-like cells neutralised)."""
    import asyncio

    from bot.domain.values import UserError, Where
    from bot.services.container import build_core
    from interview_bot.cli import _settings

    settings = _settings()
    arg = pack if what.strip().lower() == "packs" else period

    async def go():  # type: ignore[no-untyped-def]
        core = await build_core(settings)
        try:
            who = Where(platform, team, "", "cli", "cli", is_admin=True)
            return await core.exports.export(who, what, arg or "")
        finally:
            await core.close()

    try:
        card = asyncio.run(go())
    except UserError as e:
        err.print(str(e), markup=False, highlight=False)
        raise typer.Exit(1) from None
    assert card.file is not None  # every export is a card with its file
    target = output or Path(card.file.name)
    target.write_bytes(card.file.data)
    summary = card.text.removesuffix(".")
    err.print(f"{summary}: written to {target}", markup=False, highlight=False)
