"""The `interview-bot` command."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from bot.domain.questions import Kind
from bot.questions.files import QUESTIONS_DIR, load_packs, load_sources
from bot.questions.schema import PackError
from interview_bot.cli import db as db_cli
from interview_bot.cli import exchange, grade_file
from interview_bot.config import ConfigError, load_settings
from interview_bot.logs import configure as configure_logging

app = typer.Typer(
    help="interview-bot: quizzes, mock interviews and daily questions in chat.",
    no_args_is_help=True,
    add_completion=False,
)
questions_app = typer.Typer(help="Check and browse the question bank.", no_args_is_help=True)
app.add_typer(questions_app, name="questions")
discord_app = typer.Typer(help="Discord helpers.", no_args_is_help=True)
app.add_typer(discord_app, name="discord")
db_cli.register(app)
grade_file.register(app)
exchange.register(app, questions_app)

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _settings():  # type: ignore[no-untyped-def]
    try:
        settings = load_settings()
    except ConfigError as e:
        err.print(str(e), markup=False, highlight=False)
        raise typer.Exit(2) from None
    configure_logging(settings.log_level, settings.log_format)
    return settings


@app.command()
def run() -> None:
    """Start every platform whose token is set, or the console when none is."""
    import asyncio

    from bot.ports import PlatformUnavailable
    from interview_bot.main import run as run_app

    settings = _settings()
    try:
        asyncio.run(run_app(settings))
    except PlatformUnavailable as e:
        err.print(str(e), markup=False, highlight=False)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        pass


@app.command()
def console(
    user: str = typer.Option(None, "--user", "-u", help="Your name in the game (default: $USER)."),
) -> None:
    """Play in the terminal: type /help. Also reads commands piped on stdin."""
    import asyncio
    import getpass

    from adapters.console.config import ConsoleConfig
    from interview_bot.main import run

    settings = _settings()
    name = user or getpass.getuser() or "you"
    try:
        asyncio.run(
            run(
                settings,
                only=["console"],
                configs={"console": ConsoleConfig(user=name, charts_dir=settings.charts_dir)},
            )
        )
    except KeyboardInterrupt:
        pass


def _packs(paths: list[Path] | None):  # type: ignore[no-untyped-def]
    seeds = set(load_sources()) or None
    return load_packs(paths or [QUESTIONS_DIR], seeds)


@questions_app.command("validate")
def questions_validate(
    paths: list[Path] = typer.Argument(
        None, help="Pack files or folders (default: the shipped bank)."
    ),
    no_code: bool = typer.Option(False, "--no-code", help="Do not run code questions' cases."),
) -> None:
    """Validate packs; exit 1 listing every error (file:line: field: message). Code questions
    run in the sandbox: the reference solution must pass every case, and a do-nothing stub and
    each listed wrong solution must fail one."""
    try:
        packs = _packs(paths)
    except PackError as e:
        for line in e.errors:
            err.print(line, markup=False, highlight=False)
        err.print(f"{len(e.errors)} error(s); nothing was loaded.", style="red")
        raise typer.Exit(1) from None
    import asyncio

    from bot.questions.checks import PackText, check_packs, code_problems

    shipped = all(Path(p.source).resolve().is_relative_to(QUESTIONS_DIR) for p in packs)
    docs = [PackText.of(p) for p in packs]
    found = check_packs(docs)
    if not paths:  # the shipped bank: its interview tracks too (questions/tracks/)
        from bot.questions.tracks import track_problems

        found += track_problems(
            {q.topic for p in packs for q in p.questions}, QUESTIONS_DIR / "tracks"
        )
    code = [q for p in packs for q in p.questions if q.code]
    skipped = ""
    if code and not no_code:
        from bot.sandbox import Sandbox

        bad, skipped = asyncio.run(code_problems(docs, Sandbox()))
        found += bad
    for line in found:
        err.print(line, markup=False, highlight=False)
    if skipped:
        err.print(f"warning: {skipped}", markup=False, highlight=False)
    if found and shipped:
        err.print(f"{len(found)} problem(s) in the shipped bank.", style="red")
        raise typer.Exit(1)
    n = sum(len(p.questions) for p in packs)
    checked = code and not no_code and not skipped
    out.print(
        f"OK: {len(packs)} pack(s), {n} question(s)"
        + (f"; {len(code)} code question(s) checked in the sandbox" if checked else "")
        + (
            f"; {len(found)} warning(s): a team pack can still be imported, but players "
            "will notice these"
            if found
            else ""
        )
        + "."
    )


@questions_app.command("list")
def questions_list(
    topic: str = typer.Option(None, "--topic", "-t"),
    kind: Kind = typer.Option(None, "--kind", "-k"),
    paths: list[Path] = typer.Argument(None),
) -> None:
    """List questions, optionally by topic and kind."""
    table = Table("id", "kind", "topic", "diff", "prompt")
    for p in _packs(paths):
        for q in p.questions:
            if (topic and q.topic != topic) or (kind and q.kind != kind):
                continue
            table.add_row(q.id, q.kind.value, q.topic, str(q.difficulty), q.prompt[:70])
    out.print(table)


@questions_app.command("stats")
def questions_stats(paths: list[Path] = typer.Argument(None)) -> None:
    """Counts by topic, kind and difficulty, and seed coverage."""
    packs = _packs(paths)
    qs = [q for p in packs for q in p.questions]
    sources = load_sources()
    for title, counter in (
        ("topic", Counter(q.topic for q in qs)),
        ("kind", Counter(q.kind.value for q in qs)),
        ("difficulty", Counter(str(q.difficulty) for q in qs)),
    ):
        table = Table(title, "questions")
        for k, v in sorted(counter.items()):
            table.add_row(k, str(v))
        out.print(table)
    covered = {s for q in qs for s in q.seeds} & set(sources)
    out.print(f"questions: {len(qs)}")
    out.print(f"seed coverage: {len(covered)}/{len(sources)}")
    missing = sorted(set(sources) - covered)
    if missing:
        out.print("not covered: " + ", ".join(missing))


@questions_app.command("grade")
def questions_grade(
    question_id: str = typer.Argument(..., help="A question id of the bank (questions list)."),
    answer: str = typer.Argument(..., help="The answer to grade, in quotes."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object, for scripts."),
    semantic: bool = typer.Option(
        True, "--semantic/--no-semantic", help="Blend in the semantic model (default: on)."
    ),
    paths: list[Path] = typer.Option(
        None, "--packs", help="Packs to look in (default: the shipped bank)."
    ),
) -> None:
    """Grade one answer to a bank question and print it as the bot would say it."""
    import asyncio
    import json

    from bot.domain.values import Visibility
    from bot.grading import LEXICAL, GradingOptions, grade
    from bot.services.interviews import feedback_card

    try:
        packs = _packs(paths)
    except PackError as e:
        for line in e.errors:
            err.print(line, markup=False, highlight=False)
        raise typer.Exit(2) from None
    q = next((q for p in packs for q in p.questions if q.id == question_id), None)
    if q is None:
        err.print(
            f"No question '{question_id}' in the bank; `interview-bot questions list` "
            "shows the ids.",
            markup=False,
            highlight=False,
        )
        raise typer.Exit(2)
    g = asyncio.run(grade(q, answer, options=GradingOptions() if semantic else LEXICAL))
    if as_json:
        out.print_json(
            json.dumps(
                {
                    "id": q.id,
                    "kind": q.kind.value,
                    "score": g.score,
                    "verdict": g.verdict,
                    "feedback": g.feedback,
                    "right": list(g.right),
                    "missing": list(g.missing),
                }
            )
        )
        return
    card = feedback_card(q, g, Visibility.EPHEMERAL)
    out.print(card.title, style="bold", markup=False, highlight=False)
    if card.text:
        out.print(card.text, markup=False, highlight=False)
    for name, value in card.fields:
        out.print(f"\n{name}", style="bold", markup=False, highlight=False)
        out.print(value, markup=False, highlight=False)


@questions_app.command("import")
def questions_import(
    path: Path = typer.Argument(..., help="The file: a pack, or another tool's questions."),
    platform: str = typer.Option(..., "--platform", help="console, discord or slack"),
    team: str = typer.Option(..., "--team", help="The Discord server id or Slack team id."),
    fmt: str = typer.Option(
        None,
        "--format",
        "-f",
        help="pack, red, opentdb, gift, aiken, kahoot, csv, or track: an interview track "
        "(default: told from the content).",
    ),
) -> None:
    """Add a team's own pack (validated; used only by that team), from our YAML or from a
    Red trivia list, an Open Trivia DB response, Moodle GIFT or Aiken, a Kahoot spreadsheet
    or our CSV (README: Bring your questions); or a team's own interview track (README: Mock
    interviews)."""
    import asyncio

    from bot.domain.values import UserError, Where
    from bot.services.container import build_core

    settings = _settings()

    async def go(data: bytes) -> str:
        core = await build_core(settings)
        try:
            who = Where(platform, team, "", "cli", "cli", is_admin=True)
            card = await core.banks.import_file(who, data, str(path), fmt)
            return f"{card.title}: {card.text}"
        finally:
            await core.close()

    try:
        out.print(asyncio.run(go(path.read_bytes())), markup=False, highlight=False)
    except UserError as e:
        err.print(str(e), markup=False, highlight=False)
        raise typer.Exit(1) from None
    except OSError as e:
        err.print(f"Cannot read {path}: {e}", markup=False, highlight=False)
        raise typer.Exit(1) from None


@questions_app.command("report")
def questions_report(
    as_csv: bool = typer.Option(
        False,
        "--csv",
        help="Every answered question's numbers as "
        "CSV (spreadsheet-safe), instead of the flagged ones.",
    ),
    team: str = typer.Option(
        None,
        "--team",
        help="Only this team (default: every team, and the shipped questions pooled across teams).",
    ),
    platform: str = typer.Option(None, "--platform", help="Only this platform."),
    output: Path = typer.Option(None, "--output", "-o", help="Write to this file, not stdout."),
) -> None:
    """Item analytics: per question and team, how many answered, share right, median time,
    discrimination, the answers given, and the flags of questions that look broken."""
    import asyncio

    from bot.services.analytics import to_csv
    from bot.services.container import build_core

    settings = _settings()

    async def go():  # type: ignore[no-untyped-def]
        core = await build_core(settings)
        try:
            items = await core.analytics.every_team(platform, team)
            if team is None:
                items += await core.analytics.pooled(platform)
            return items
        finally:
            await core.close()

    items = asyncio.run(go())
    if as_csv:
        text = to_csv(items)
        if output is not None:
            output.write_text(text, "utf-8")
            err.print(f"{len(items)} row(s) written to {output}", markup=False, highlight=False)
        else:
            out.file.write(text)
        return
    flagged = [i for i in items if i.flags]
    table = Table("platform", "team", "question", "answers", "right", "flags", "status")
    for i in flagged:
        table.add_row(
            i.platform,
            i.team,
            i.question_id,
            str(i.answers),
            f"{i.share_right:.0%}",
            "; ".join(f.why for f in i.flags),
            i.status,
        )
    con = Console(file=output.open("w", encoding="utf-8")) if output is not None else out
    con.print(table)
    con.print(f"{len(flagged)} of {len(items)} row(s) flagged.", markup=False, highlight=False)


@discord_app.command("invite-url")
def discord_invite_url(
    application_id: str = typer.Argument(
        ..., help="The Application ID (developer portal, General Information)."
    ),
) -> None:
    """Print the link that adds the bot to a server, with exactly the access it needs."""
    if not application_id.isdigit():
        err.print("The Application ID is a number, e.g. 123456789012345678.")
        raise typer.Exit(2)
    from adapters.discord.invite import invite_url  # imports discord.py only here

    out.print(invite_url(application_id), markup=False, highlight=False)
