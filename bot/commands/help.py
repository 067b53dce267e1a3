"""The one help table: every command once, rendered by each adapter in its own style.

`usage` is written in the typed grammar the console and Slack share; `text` is short
enough (at most 100 characters) to be a Discord command description as it stands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

CONSOLE = "console"
SLACK = "slack"
DISCORD = "discord"


@dataclass(frozen=True, slots=True)
class HelpEntry:
    """One line of help: a command's usage, what it does, and where it exists."""

    key: str  # "quiz", "interview start": the command path, as Discord names it too
    usage: str
    text: str
    admin: bool = False
    only: frozenset[str] = frozenset()  # empty: on every platform
    usage_on: tuple[tuple[str, str], ...] = ()  # (platform, usage) where it reads otherwise
    text_on: tuple[tuple[str, str], ...] = ()  # (platform, text): a platform's own words


def _on(*platforms: str) -> frozenset[str]:
    return frozenset(platforms)


HELP: tuple[HelpEntry, ...] = (
    HelpEntry(
        "quiz",
        "/quiz [topic] [easy|medium|hard]",
        "Start a quiz round in this channel",
        text_on=((SLACK, "Start a quiz round in this channel; answer with the buttons"),),
    ),
    HelpEntry(
        "quiz stop", "/quiz stop", "Close the round now and reveal (its starter or an admin)"
    ),
    HelpEntry(
        "answer",
        "/answer TEXT",
        "Answer the open quiz round, or your interview question",
        only=_on(CONSOLE),
    ),
    HelpEntry(
        "interview start",
        "/interview start [topic] [easy|medium|hard] [questions] [track=NAME] [dm]",
        "Start a one-to-one mock interview (only you see it)",
        usage_on=(
            (CONSOLE, "/interview start [topic] [easy|medium|hard] [questions] [track=NAME]"),
        ),
        text_on=(
            (DISCORD, "Start a mock interview (only you see it)"),
            (SLACK, "Start a one-to-one mock interview, private here or in a DM"),
        ),
    ),
    HelpEntry(
        "interview skip", "/interview skip", "Skip the current interview question (or follow-up)"
    ),
    HelpEntry("interview end", "/interview end", "End the interview now and get the report"),
    HelpEntry("interview hint", "/interview hint", "One hint for this question (caps its credit)"),
    HelpEntry(
        "interview tracks",
        "/interview tracks",
        "Interview tracks: named plans of topics (shipped, and the team's own)",
    ),
    HelpEntry("interview history", "/interview history", "Your past interviews, numbered"),
    HelpEntry("interview report", "/interview report [N]", "Show a past interview's report again"),
    HelpEntry(
        "leaderboard",
        "/leaderboard [today|week|month|all] [team|channel|topic] [topic] [chart]",
        "Who has the most points (chart: the top 10 as a picture too)",
    ),
    HelpEntry("stats", "/stats [user]", "Answers, accuracy per topic and streaks"),
    HelpEntry("questions list", "/questions", "Topics and how many questions each has"),
    HelpEntry(
        "questions import",
        "/questions import FILE",
        "Add a question pack (ours, Red, OpenTDB, GIFT, Aiken, Kahoot .xlsx, CSV) or a track",
        admin=True,
        text_on=(
            (
                SLACK,
                "Add a question pack (ours, Red, OpenTDB, GIFT, Aiken, Kahoot .xlsx, CSV) or an "
                "interview track: upload or paste it, or name a file shared in this channel",
            ),
        ),
    ),
    HelpEntry(
        "export",
        "/export packs|leaderboard|answers [pack|period]",
        "Download the team's packs (YAML), leaderboard or answers (CSV)",
        admin=True,
        text_on=((SLACK, "Get the team's packs (YAML), leaderboard or answers (CSV) in a DM"),),
    ),
    HelpEntry(
        "questions remove",
        "/questions remove PACK|track:ID",
        "Remove a pack, or (track:ID) an interview track, this team added",
        admin=True,
        text_on=((DISCORD, "Remove a pack, or (track:ID) an interview track, this server added"),),
    ),
    HelpEntry(
        "questions regrade",
        "/questions regrade ID [confirm]",
        "Grade past answers to a question again; a preview first",
        admin=True,
    ),
    HelpEntry(
        "questions report",
        "/questions report [topic]",
        "Questions that look broken, and why",
        admin=True,
    ),
    HelpEntry(
        "questions keep",
        "/questions keep ID · /questions retire ID",
        "Put a rested question back, or never ask it again",
        admin=True,
    ),
    HelpEntry(
        "appeal",
        "/appeal [question-id] REASON",
        "Appeal the grade of your latest answer (or your answer to that question)",
    ),
    HelpEntry("flag", "/flag QUESTION_ID REASON", "Report a question as wrong or unclear"),
    HelpEntry(
        "appeals",
        "/appeals · /appeals accept ID [score] · /appeals reject ID REASON",
        "The open appeals and flags; accept re-scores, reject tells its author why",
        admin=True,
    ),
    HelpEntry("daily status", "/daily status", "When this channel's daily question comes next"),
    HelpEntry(
        "daily set",
        "/daily set 09:00 [Europe/Berlin] [mon-fri] [topic=…] "
        "[difficulty=…] [open=8h] [recap=fri@17:00]",
        "Post a daily question here",
        admin=True,
    ),
    HelpEntry(
        "daily off",
        "/daily off · /daily now",
        "Stop the daily question, or post today's now",
        admin=True,
    ),
    # practice that remembers (bot/commands/review.py)
    HelpEntry(
        "review",
        "/review · /review answer TEXT",
        "Your due review questions, one at a time (only you see them)",
        usage_on=((DISCORD, "/review · /review answer:…"),),
    ),
    HelpEntry(
        "review status",
        "/review status",
        "How many review questions are due, and when the next one is",
        usage_on=((DISCORD, "/review do:status"),),
    ),
    HelpEntry(
        "review remind",
        "/review remind HH:MM [timezone] · /review remind off",
        "A daily direct message when reviews are due",
        usage_on=((DISCORD, "/review do:remind time:18:00 [timezone] · time:off"),),
    ),
    HelpEntry(
        "review export",
        "/review export",
        "The questions you missed, as an Anki import file",
        usage_on=((DISCORD, "/review do:export"), (CONSOLE, "/review export [PATH]")),
    ),
    HelpEntry(
        "settings",
        "/settings [name value]",
        "Show the settings, or (admins) change one",
        text_on=((DISCORD, "Show the settings, or change one"),),
    ),
    HelpEntry("my-data", "/my-data", "Download everything stored about you here (a JSON file)"),
    HelpEntry(
        "forget-me",
        "/forget-me [confirm]",
        "Delete your answers, points, streak, interviews and reviews here (after you confirm)",
    ),
    HelpEntry("help", "/help", "This text", only=_on(CONSOLE)),
    HelpEntry(
        "user",
        "/user NAME",
        "Play as someone else (to try the leaderboard with friends)",
        only=_on(CONSOLE),
    ),
    HelpEntry("quit", "/quit", "Leave (Ctrl-D works too)", only=_on(CONSOLE)),
)
_BY_KEY = {e.key: e for e in HELP}


def describe(key: str, admins: str = "(admins)", platform: str = DISCORD) -> str:
    """A command's one-line description (Discord's slash-command descriptions); `admins`
    is how the platform says who may use an admin command."""
    e = _BY_KEY[key]
    text = dict(e.text_on).get(platform, e.text)
    return f"{admins} {text}" if e.admin else text


def entries(platform: str) -> list[HelpEntry]:
    return [e for e in HELP if not e.only or platform in e.only]


def help_text(platform: str, *, code: bool = False, rename: Mapping[str, str] | None = None) -> str:
    """The help for a platform: `usage  text` lines; `code` wraps usages in backticks
    (Slack), `rename` maps a command to its name there (`/stats` is `/qstats` on Slack)."""
    lines = []
    for e in entries(platform):
        usage = dict(e.usage_on).get(platform, e.usage)
        for old, new in (rename or {}).items():
            if usage == old or usage.startswith(old + " "):
                usage = new + usage[len(old) :]
        what = describe(e.key, platform=platform)
        lines.append(f"`{usage}`  {what}" if code else f"{usage:<30} {what}")
    return "\n".join(lines)
