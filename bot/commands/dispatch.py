"""Typed commands (`/quiz python 2`), parsed forgivingly and routed to the services.

The console and Slack both speak this; Discord has typed options and calls the services itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import metrics
from bot.clock import to_ms
from bot.commands.actions import answer_action
from bot.commands.help import help_text
from bot.commands.interview_commands import interview_command
from bot.commands.review import review_command
from bot.domain.actions import Action
from bot.domain.periods import PERIODS, resolve_period
from bot.domain.records import RoundKind
from bot.domain.text import clean, clip
from bot.domain.values import Card, Reply, UserError, Visibility, Where
from bot.questions.bank import DIFFICULTY_NAMES
from bot.services.container import Core
from bot.services.daily import parse_set_args

MAX_COMMAND_CHARS = 8000


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    args: tuple[str, ...]
    rest: str  # everything after the command name, as typed


# Metrics count commands by name; anything else typed is counted as "unknown" (a label per
# typed word would let anyone grow the metrics without bound).
COMMAND_NAMES = frozenset(
    {
        "help",
        "start",
        "quiz",
        "answer",
        "interview",
        "skip",
        "end",
        "leaderboard",
        "stats",
        "questions",
        "daily",
        "settings",
        "appeal",
        "flag",
        "appeals",
        "review",
        "forget-me",
        "my-data",
        "export",
    }
)

_ALIASES = {
    "q": "quiz",
    "a": "answer",
    "lb": "leaderboard",
    "top": "leaderboard",
    "board": "leaderboard",
    "i": "interview",
    "qstats": "stats",
    "h": "help",
    "?": "help",
    "settings": "settings",
    "question": "questions",
}


def parse(text: str) -> Command:
    """`/name args...`; text without a leading slash is an answer."""
    if len(text) > MAX_COMMAND_CHARS:
        raise UserError(f"That is {len(text):,} characters; the limit is {MAX_COMMAND_CHARS:,}.")
    t = clean(text).strip()
    if not t.startswith("/"):
        return Command("answer", tuple(t.split()), t)
    head, _, rest = t[1:].partition(" ")
    name = head.strip().lower()
    name = _ALIASES.get(name, name)
    rest = rest.strip()
    return Command(name, tuple(rest.split()), rest)


def help_card(platform: str, text: str | None = None) -> Card:
    """The command list, as a card only the asker sees."""
    return Card(
        title="interview-bot commands",
        text=text or help_text(platform),
        visibility=Visibility.EPHEMERAL,
    )


def split_options(
    args: tuple[str, ...],
    *,
    count_first: bool = False,
) -> tuple[str | None, str | None, int | None, bool]:
    """Forgiving [topic] [difficulty] [count] [dm]: words, easy/medium/hard, numbers, k=v.

    Two numbers are difficulty then count. One number is a count when `count_first` (an
    interview: `/interview start django 3` asks three questions) or above 3, else a
    difficulty (`/quiz python 2`). Named options (`difficulty=2`, `questions=3`) and the
    words easy/medium/hard are never ambiguous.
    """
    topic: str | None = None
    diff: str | None = None
    count: int | None = None
    direct = False
    numbers: list[int] = []
    for raw in args:
        a = raw.strip().lower()
        if not a:
            continue
        key, eq, val = a.partition("=")
        if eq:
            if key in ("difficulty", "diff", "d", "level"):
                diff = val
            elif key in ("questions", "count", "n", "q"):
                count = _int(val, "questions")
            elif key in ("topic", "t"):
                topic = val
            else:
                raise UserError(f"Unknown option '{clip(key, 20)}'.")
        elif a in ("dm", "direct", "private"):
            direct = True
        elif a in DIFFICULTY_NAMES and not a.isdigit():
            diff = a
        elif re.fullmatch(r"\d{1,3}", a):
            numbers.append(int(a))
        elif topic is None:
            topic = a
        else:
            raise UserError(f"I did not understand '{clip(raw, 30)}'. Try /help.")
    if len(numbers) == 1 and diff is None and count is None and (count_first or numbers[0] > 3):
        count = numbers[0]
    else:
        for n in numbers:
            if diff is None:
                diff = str(n)
            elif count is None:
                count = n
            else:
                raise UserError("Too many numbers: give [difficulty] [questions].")
    return topic, diff, count, direct


def _int(val: str, what: str) -> int:
    if not val.isdigit():
        raise UserError(f"{what} is a whole number.")
    return int(val)


def metric_name(text: str) -> str:
    """The `command` label of the metrics for a typed line or a turn's name: a known
    command's name, "action" for a click or form (no slash), else "unknown"."""
    if not text.lstrip().startswith("/"):
        return "action"
    try:
        name = parse(text[:200]).name
    except UserError:
        return "unknown"
    return name if name in COMMAND_NAMES else "unknown"


async def dispatch(core: Core, where: Where, text: str) -> Reply:
    """Run one typed command. UserError carries the message to show."""
    cmd = parse(text)
    metrics.COMMANDS.labels(
        where.platform, cmd.name if cmd.name in COMMAND_NAMES else "unknown"
    ).inc()
    match cmd.name:
        case "help" | "start":
            return _cards(help_card(where.platform))
        case "quiz":
            sub = cmd.args[0].lower() if cmd.args else ""
            if sub in ("stop", "end", "reveal"):
                return await core.quizzes.stop(where)
            if sub == "help":
                return await dispatch(core, where, "/help")
            topic, diff, _, _ = split_options(cmd.args)
            return await core.quizzes.start(where, topic, diff)
        case "answer":
            return await answer(core, where, cmd.rest)
        case "interview":
            return await interview_command(core, where, cmd.args, cmd.rest)
        case "skip":
            return await core.interviews.skip(where)
        case "end":
            return await core.interviews.end(where)
        case "leaderboard":
            args = tuple(a for a in cmd.args if a.lower() != "chart")  # bot/charts
            period, scope, topic = leaderboard_options(args)
            chart = len(args) < len(cmd.args)
            return _cards(await core.leaderboards.board(where, period, scope, topic, chart=chart))
        case "stats":
            user = cmd.args[0] if cmd.args else None
            return _cards(await core.leaderboards.stats(where, user))
        case "questions":
            sub = cmd.args[0].lower() if cmd.args else "list"
            if sub in ("list", "topics"):
                return _cards(await core.banks.list_topics(where))
            if sub == "remove" and len(cmd.args) == 2:
                return _cards(await core.banks.remove_pack(where, cmd.args[1]))
            if sub == "regrade" and len(cmd.args) in (2, 3):
                confirm = len(cmd.args) == 3 and cmd.args[2].lower() == "confirm"
                if len(cmd.args) == 3 and not confirm:
                    raise UserError(
                        "Use /questions regrade ID, then /questions regrade ID confirm."
                    )
                return _cards(await core.appeals.regrade(where, cmd.args[1], confirm))
            if sub in ("report", "broken") and len(cmd.args) <= 2:
                topic = cmd.args[1] if len(cmd.args) == 2 else None
                return _cards(await core.analytics.report(where, topic))
            if sub == "keep" and len(cmd.args) == 2:
                return _cards(await core.analytics.keep(where, cmd.args[1]))
            if sub == "retire" and len(cmd.args) == 2:
                return _cards(await core.analytics.retire(where, cmd.args[1]))
            raise UserError(
                "Use /questions, /questions import FILE, /questions remove PACK (or track:ID), "
                "/questions regrade ID, /questions report [topic], /questions keep "
                "ID or /questions retire ID."
            )
        case "appeal":
            return _cards(await core.appeals.appeal(where, cmd.rest))
        case "flag":
            return _cards(await core.appeals.flag(where, cmd.rest))
        case "appeals":
            sub = cmd.args[0].lower() if cmd.args else "list"
            if sub in ("list", "queue"):
                return _cards(await core.appeals.queue(where))
            if sub == "accept" and len(cmd.args) in (2, 3):
                return await core.appeals.accept(
                    where, cmd.args[1], cmd.args[2] if len(cmd.args) == 3 else None
                )
            if sub == "reject" and len(cmd.args) >= 2:
                reason = cmd.rest.split(None, 2)[2] if len(cmd.args) > 2 else ""
                return await core.appeals.reject(where, cmd.args[1], reason)
            raise UserError(
                "Use /appeals, /appeals accept ID [score] or /appeals reject ID reason."
            )
        case "forget-me":  # your data, your choice (bot/services/privacy.py)
            return _cards(await core.privacy.forget_me(where, cmd.rest))
        case "my-data":
            return _cards(await core.privacy.my_data(where))
        case "export":  # a team's data as a file, for its admins (bot/services/exports.py)
            what, _, arg = cmd.rest.strip().partition(" ")
            return _cards(await core.exports.export(where, what, arg))
        case "daily":
            sub = cmd.args[0].lower() if cmd.args else "status"
            if sub == "set":
                return _cards(await core.daily.configure(where, parse_set_args(cmd.args[1:])))
            if sub in ("off", "stop"):
                return _cards(await core.daily.off(where))
            if sub in ("now", "post"):
                return await core.daily.post_now(where)
            if sub == "status":
                return _cards(await core.daily.status(where))
            raise UserError("Use /daily status, /daily set …, /daily off or /daily now.")
        case "review":
            return await review_command(core, where, cmd.args, cmd.rest)
        case "settings":
            if not cmd.args:
                return _cards(await core.settings.show(where))
            if len(cmd.args) != 2:
                raise UserError("Use /settings NAME VALUE, e.g. /settings quiz_seconds 30.")
            return _cards(await core.settings.set(where, cmd.args[0], cmd.args[1]))
    raise UserError(f"Unknown command '/{clip(cmd.name, 20)}'. Try /help.")


async def answer(core: Core, where: Where, text: str) -> Reply:
    """A typed answer goes to your interview if one runs, else the channel's quiz round,
    else the channel's daily question."""
    if not text.strip():
        raise UserError("Write your answer after /answer, e.g. /answer B.")
    if await core.interviews.current(where) is not None:
        return await core.interviews.answer(where, text)
    for kind in RoundKind:
        rnd = await core.store.open_round_in(where.platform, where.team, where.channel, kind)
        if rnd is not None and rnd.closes_ms > to_ms(core.clock.now()):
            return await answer_action(core, where, Action.of_round(kind, rnd.id), text)
    raise UserError(
        "Nothing to answer here: start a quiz with /quiz or an interview with /interview start."
    )


def leaderboard_options(args: tuple[str, ...]) -> tuple[str | None, str | None, str | None]:
    period = scope = topic = None
    for raw in args:
        a = raw.strip().lower()
        if a in ("team", "channel", "topic"):
            scope = a
            continue
        try:
            p = resolve_period(a)
        except UserError:
            p = None
        if p in PERIODS and period is None:
            period = p
        elif topic is None:
            topic = a
        else:
            raise UserError(f"I did not understand '{clip(raw, 30)}'. Try /help.")
    return period, scope, topic


def _cards(*cards: Card) -> Reply:
    return Reply(cards=cards)
