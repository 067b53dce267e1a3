"""/review and its words (status, answer, remind, export), for every platform.

Typed text (console, Slack) reaches `review_command` through dispatch; Discord's /review
options are put in the same words by its slash handler."""

from __future__ import annotations

from bot.domain.values import Reply, UserError, Where
from bot.services.container import Core

USAGE = (
    "Use /review, /review answer YOUR ANSWER, /review status, /review remind HH:MM "
    "[timezone], /review remind off or /review export."
)


async def review_command(
    core: Core, where: Where, args: tuple[str, ...], rest: str, *, dm: str | None = None
) -> Reply:
    """`args`/`rest`: what follows /review. `dm`: the person's DM channel for reminders,
    when the platform needs one opened (Discord)."""
    sub = args[0].lower() if args else "next"
    if sub in ("next", "start", "go"):
        if len(args) > 1:
            raise UserError(USAGE)
        return await core.reviews.next(where)
    if sub in ("answer", "a"):
        return await core.reviews.answer(where, rest.split(None, 1)[1] if len(args) > 1 else "")
    if sub == "status":
        return Reply(cards=(await core.reviews.status(where),))
    if sub in ("remind", "reminder"):
        return Reply(cards=(await core.reminders.configure(where, args[1:], dm),))
    if sub == "export":
        return Reply(cards=(await core.reviews.export(where),))
    raise UserError(USAGE)
