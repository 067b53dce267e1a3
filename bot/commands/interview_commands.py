"""`/interview …` typed (console and Slack): start (a topic or track=NAME), answer, hint,
skip, end, tracks, history, report [N]."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.domain.text import clip
from bot.domain.values import Reply, UserError, Where

if TYPE_CHECKING:
    from bot.services.container import Core

USAGE = (
    "Use /interview start [topic] [easy|medium|hard] [questions] (or track=NAME), "
    "/interview hint, /interview skip, /interview end, /interview tracks, "
    "/interview history or /interview report [N]."
)


def pop_track(args: tuple[str, ...]) -> tuple[str | None, tuple[str, ...]]:
    """`track=NAME` (or `track NAME`) out of the options; the rest as they were."""
    track: str | None = None
    rest: list[str] = []
    it = iter(args)
    for a in it:
        key, eq, val = a.partition("=")
        if key.lower() == "track" and eq:
            track = val
        elif a.lower() == "track":
            track = next(it, "")
        else:
            rest.append(a)
    if track is not None and not track.strip():
        raise UserError("Name the track: /interview start track=NAME (see /interview tracks).")
    return track, tuple(rest)


async def interview_command(
    core: Core, where: Where, args: tuple[str, ...], typed: str = ""
) -> Reply:
    """`typed` is everything after `/interview` as typed (an answer keeps its lines)."""
    from bot.commands.dispatch import split_options  # the shared option parser

    sub = args[0].lower() if args else "start"
    rest = args[1:]
    iv = core.interviews
    if sub in ("skip", "pass"):
        return await iv.skip(where)
    if sub in ("end", "stop", "finish"):
        return await iv.end(where)
    if sub == "answer":
        parts = typed.split(None, 1)
        return await iv.answer(where, parts[1] if len(parts) == 2 else " ".join(rest))
    if sub == "hint":
        return await iv.hint(where)
    if sub == "tracks":
        return Reply(cards=(await iv.tracks_card(where),))
    if sub == "history":
        return await iv.history(where)
    if sub == "report":
        if len(rest) > 1 or (rest and not rest[0].isdigit()):
            raise UserError("Use /interview report [N], N as /interview history numbers them.")
        return await iv.past_report(where, int(rest[0]) if rest else None)
    if sub != "start":
        rest = args  # `/interview django 3`
    track, rest = pop_track(rest)
    try:
        topic, diff, count, direct = split_options(rest, count_first=True)
    except UserError as e:
        if len(args) == 1 and sub not in ("start",) and not sub.isdigit():
            raise UserError(f"Unknown /interview '{clip(sub, 20)}'. {USAGE}") from e
        raise
    return await iv.start(where, topic, diff, count, direct, track=track)
