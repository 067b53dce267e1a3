"""Slash commands, button clicks, modal submissions and App Home, turned into core calls.

Every listener acknowledges first (Slack's 3-second deadline), then does the work and
answers through the response_url, chat.postMessage or a DM. Each turn catches its own
errors: a UserError is shown as it is, anything else is logged with context and the person
gets a short apology.

The work after the ack runs a few turns at a time. All of it shares one event loop with the
acks, so when a thousand people click at once, a thousand turns grading, storing and posting
at the same time would hold up the acks of the clicks still arriving (bench/burst.py: p99 ack
latency 2.2x a bare bolt app's, unbounded; about 1x with 8 at a time, and the last answer is
stored no later). Free-text and code answers and pack imports have a lane of their own, so
seconds of grading never hold up clicks; a turn that must call Slack within seconds of the
click (views.open: the trigger id expires after 3 s) skips the line.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.kwargs_injection.async_args import AsyncArgs
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from adapters.slack import home, ids, imports
from adapters.slack.admins import People
from adapters.slack.dm import direct_message, dm_answer
from adapters.slack.exports import send_export
from adapters.slack.render import answer_modal, import_modal
from adapters.slack.replies import Replies, Turn
from adapters.slack.review_export import send_export as send_review_export
from bot import metrics
from bot.commands.actions import answer_action
from bot.commands.dispatch import dispatch, help_card, metric_name
from bot.commands.help import SLACK, help_text
from bot.domain.actions import Action, ActionKind
from bot.domain.values import Reply, UserError, Where
from bot.services.access import require_admin
from bot.services.banks import MANAGE_PACKS
from bot.services.container import Core

log = logging.getLogger(__name__)

PLATFORM = "slack"
# Slack command -> the typed command the core parses (`/stats` is taken by many apps).
COMMANDS = {
    "quiz": "quiz",
    "interview": "interview",
    "leaderboard": "leaderboard",
    "qstats": "stats",
    "questions": "questions",
    "settings": "settings",
    "daily": "daily",
    "appeal": "appeal",
    "flag": "flag",
    "appeals": "appeals",
    "review": "review",
    "export": "export",
    "my-data": "my-data",  # your data, your choice (bot/services/privacy.py)
    "forget-me": "forget-me",
}

_SLACK_NAMES = {"/stats": "/qstats", "/questions import FILE": "/questions import [file name]"}
HELP = (
    help_text(SLACK, code=True, rename=_SLACK_NAMES)
    + "\nThe bot's Home tab shows the leaderboard and your stats."
)

SORRY = "Something went wrong; it has been logged."
UNREADABLE = "I could not read that request; please try again."
TURNS = 8  # clicks and commands at work after their ack at once (the others wait their turn)
SLOW_TURNS = 8  # free-text and code answers, pack imports: grading may take seconds
# /qstats @someone: Slack sends the mention escaped (`<@U123|name>`); the core wants the id.
_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
Work = Callable[[Turn], Awaitable[Reply | None]]


class Handlers:
    def __init__(
        self,
        core: Core,
        people: People,
        replies: Replies,
        *,
        turns: int = TURNS,
        slow_turns: int = SLOW_TURNS,
    ) -> None:
        self.core = core
        self.people = people
        self.replies = replies
        self._quick = asyncio.Semaphore(turns)
        self._slow = asyncio.Semaphore(slow_turns)
        self._busy = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def drain(self, seconds: float = 10.0) -> None:
        """Wait for turns still at work after their ack (grading, posting) before closing."""
        try:
            await asyncio.wait_for(self._idle.wait(), seconds)
        except TimeoutError:
            log.warning("slack: %d turn(s) still running at shutdown", self._busy)

    def register(self, app: AsyncApp) -> None:
        app.middleware(skip_timeout_retries)
        guard = self._guarded
        for name in COMMANDS:
            app.command(f"/{name}")(guard(self.on_command))
        app.action(re.compile("^" + re.escape(ids.CHOICE)))(guard(self.on_choice))
        app.action(re.compile(f"^({re.escape(ids.FORM)}|{re.escape(ids.CODE_FORM)})"))(
            guard(self.on_form)
        )
        app.action(re.compile("^" + re.escape(ids.SKIP)))(guard(self.on_skip))
        app.action(re.compile("^" + re.escape(ids.END)))(guard(self.on_end))
        app.action(re.compile("^" + re.escape(ids.HINT)))(guard(self.on_hint))
        app.event("message")(guard(self.on_message))  # message.im: answers in the DM
        app.action(re.compile("^" + re.escape(ids.HOME)))(guard(self.on_home_period))
        app.view(re.compile("^" + re.escape(ids.MODAL)))(guard(self.on_answer))
        app.view(ids.IMPORT)(guard(self.on_import))
        app.event("app_home_opened")(guard(self.on_home))

    def _guarded(
        self, listener: Callable[[AsyncArgs], Awaitable[None]]
    ) -> Callable[[AsyncArgs], Awaitable[None]]:
        """A payload no Slack would send (a field of the wrong shape) must not escape into
        bolt's logs as a failed listener: it is acknowledged, logged once, and the person, if
        the payload says where, is told."""

        async def guarded(args: AsyncArgs) -> None:
            try:
                await listener(args)
            except Exception:
                log.warning(
                    "slack: could not read a %s payload (%s)",
                    listener.__name__,
                    _shape(args.body),
                    exc_info=True,
                )
                if args.ack.response is None:
                    await args.ack()
                actor = _actor(args.body)
                if actor["response_url"]:
                    team = str(args.context.team_id or args.context.enterprise_id or "")
                    turn = Turn(
                        Where(PLATFORM, team, actor["channel"], actor["user"]),
                        args.client,
                        actor["response_url"],
                    )
                    await self.replies.notice(turn, UNREADABLE)

        guarded.__name__ = listener.__name__
        return guarded

    # --- one turn -------------------------------------------------------------------------

    async def _handle(
        self,
        what: str,
        args: AsyncArgs,
        *,
        channel: str,
        user: str,
        name: str,
        response_url: str | None,
        work: Work,
        lookup: bool = True,
        lane: str = "quick",
    ) -> None:
        """Run one turn: who is acting (name, admin), the work, the answer; errors answered.

        `lane`: "quick" (clicks, commands), "slow" (grading that may take seconds) or
        "urgent" (a modal to open before its trigger id expires: it skips the line)."""
        team = str(args.context.team_id or args.context.enterprise_id or "")
        turn = Turn(Where(PLATFORM, team, channel, user, name), args.client, response_url)
        self._busy += 1
        self._idle.clear()
        try:
            if lane == "urgent":
                await self._turn(what, turn, work, lookup)
            else:
                async with self._slow if lane == "slow" else self._quick:
                    await self._turn(what, turn, work, lookup)
        finally:
            self._busy -= 1
            if not self._busy:
                self._idle.set()

    async def _turn(self, what: str, turn: Turn, work: Work, lookup: bool) -> None:
        w = turn.where
        try:
            if lookup:
                person = await self.people.get(turn.client, w.team, w.user, w.display_name)
                turn = replace(
                    turn, where=replace(w, display_name=person.name, is_admin=person.is_admin)
                )
            reply = await work(turn)
            if reply is not None:
                await self.replies.send(turn, reply)
        except UserError as e:
            await self.replies.notice(turn, str(e))
        except Exception:
            log.exception(
                "slack %s failed (team %s, channel %s, user %s)", what, w.team, w.channel, w.user
            )
            metrics.COMMAND_ERRORS.labels(PLATFORM, metric_name(what)).inc()
            await self.replies.notice(turn, SORRY)

    # --- slash commands -------------------------------------------------------------------

    async def on_command(self, args: AsyncArgs) -> None:
        await args.ack()
        body = args.body
        name = str(body.get("command", "")).lstrip("/").lower()
        text = str(body.get("text") or "").strip()
        first, _, rest = text.partition(" ")

        async def work(turn: Turn) -> Reply | None:
            if first.lower() in ("help", "?"):
                return Reply(cards=(help_card(PLATFORM, HELP),))
            if name == "questions" and first.lower() == "import":
                return await self._import_command(
                    turn, rest.strip(), str(body.get("trigger_id", ""))
                )
            if name == "review" and first.lower() == "export":  # a file, in the DM
                return await send_review_export(self.core, turn)
            if name == "export":
                return Reply(cards=(await send_export(self.core, turn.client, turn.where, text),))
            typed = _MENTION.sub(r"\1", text) if name == "qstats" else text
            return await dispatch(self.core, turn.where, f"/{COMMANDS[name]} {typed}")

        await self._handle(
            f"/{name} {text[:100]!r}",
            args,
            channel=str(body.get("channel_id", "")),
            user=str(body.get("user_id", "")),
            name=str(body.get("user_name", "")),
            response_url=body.get("response_url"),
            work=work,
            lane="urgent" if name == "questions" and first.lower() == "import" else "quick",
        )

    async def _import_command(self, turn: Turn, file_name: str, trigger_id: str) -> Reply | None:
        require_admin(turn.where, MANAGE_PACKS)
        if file_name:
            found = await imports.find_shared(turn.client, turn.where.channel, file_name)
            return await self._import_file(turn, found)
        meta = {"c": turn.where.channel, "r": turn.response_url or ""}
        await turn.client.views_open(trigger_id=trigger_id, view=import_modal(meta))
        return None

    async def _import_file(self, turn: Turn, file: dict[str, Any]) -> Reply:
        info = await imports.file_info(turn.client, file)
        data = await imports.download(turn.client, info)
        card = await self.core.banks.import_file(turn.where, data, str(info.get("name")))
        return Reply(cards=(card,))

    # --- buttons --------------------------------------------------------------------------

    async def on_choice(self, args: AsyncArgs) -> None:
        await args.ack()
        act = args.body["actions"][0]
        value = act.get("value")
        action, value = ids.parse_choice(
            str(act["action_id"]), None if value is None else str(value)
        )
        await self._handle(
            "button",
            args,
            **_actor(args.body),
            work=lambda t: answer_action(self.core, t.where, Action.parse(action), value),
        )

    async def on_form(self, args: AsyncArgs) -> None:
        """Open the answer modal at once: the trigger id expires 3 s after the click."""
        await args.ack()
        body = args.body
        action_id = str(body["actions"][0]["action_id"])
        code = action_id.startswith(ids.CODE_FORM)

        async def work(turn: Turn) -> None:
            action = ids.action(ids.CODE_FORM if code else ids.FORM, action_id)
            meta = {"c": turn.where.channel, "r": turn.response_url or ""}
            view = answer_modal(
                str(action),
                code=code,
                multiline=action.kind is not ActionKind.QUIZ,
                prompt=_question_text(body),
                meta=meta,
            )
            await turn.client.views_open(trigger_id=str(body["trigger_id"]), view=view)

        await self._handle(
            "answer form", args, **_actor(body), work=work, lookup=False, lane="urgent"
        )

    async def on_skip(self, args: AsyncArgs) -> None:
        await args.ack()
        action_id = str(args.body["actions"][0]["action_id"])
        await self._handle(
            "interview skip",
            args,
            **_actor(args.body),
            work=lambda t: self.core.interviews.skip(t.where, ids.action(ids.SKIP, action_id)),
        )

    async def on_end(self, args: AsyncArgs) -> None:
        await args.ack()
        action_id = str(args.body["actions"][0]["action_id"])
        await self._handle(
            "interview end",
            args,
            **_actor(args.body),
            work=lambda t: self.core.interviews.end(t.where, ids.action(ids.END, action_id)),
        )

    async def on_hint(self, args: AsyncArgs) -> None:
        await args.ack()
        action_id = str(args.body["actions"][0]["action_id"])
        await self._handle(
            "interview hint",
            args,
            **_actor(args.body),
            work=lambda t: self.core.interviews.hint(t.where, ids.action(ids.HINT, action_id)),
        )

    async def on_message(self, args: AsyncArgs) -> None:
        """A message in the bot's DM (App Home, Messages tab) answers the interview."""
        said = direct_message(args.event or {})
        if said is None:
            return
        user, channel, text = said
        await self._handle(
            "interview dm answer",
            args,
            channel=channel,
            user=user,
            name="",
            response_url=None,
            lane="slow",
            work=lambda t: dm_answer(self.core, t.where, text),
        )

    # --- modals ---------------------------------------------------------------------------

    async def on_answer(self, args: AsyncArgs) -> None:
        """Close the modal at once, then grade (open and code answers may take seconds)."""
        await args.ack()
        view = args.body["view"]
        callback_id = str(view["callback_id"])
        text = _text(_input(view, "answer", "text").get("value"))
        await self._handle(
            "modal answer",
            args,
            **_modal_actor(args.body),
            lane="slow",
            work=lambda t: answer_action(
                self.core, t.where, ids.action(ids.MODAL, callback_id), text
            ),
        )

    async def on_import(self, args: AsyncArgs) -> None:
        view = args.body["view"]
        files = _input(view, "file", "file").get("files") or []
        files = files if isinstance(files, list) else [files]
        pasted = _text(_input(view, "paste", "text").get("value"))
        if not files and not pasted.strip():
            await args.ack(
                response_action="errors",
                errors={"paste": "Upload a file, or paste a pack or questions here."},
            )
            return
        await args.ack()

        async def work(turn: Turn) -> Reply:
            if files:
                return await self._import_file(turn, _dict(files[0]))
            card = await self.core.banks.import_file(
                turn.where, pasted.encode("utf-8", "replace"), "pasted.yaml"
            )
            return Reply(cards=(card,))

        await self._handle("pack import", args, **_modal_actor(args.body), work=work, lane="slow")

    # --- App Home -------------------------------------------------------------------------

    async def on_home(self, args: AsyncArgs) -> None:
        event = args.event or {}
        if event.get("tab") != "home":
            return
        await self._show_home(args, str(event.get("user", "")), str(event.get("channel", "")), None)

    async def on_home_period(self, args: AsyncArgs) -> None:
        await args.ack()
        period = ids.after(ids.HOME, str(args.body["actions"][0]["action_id"]))
        actor = _actor(args.body)
        await self._show_home(args, actor["user"], actor["channel"] or "", period)

    async def _show_home(
        self, args: AsyncArgs, user: str, channel: str, period: str | None
    ) -> None:
        async def work(turn: Turn) -> None:
            await home.publish(self.core, turn.client, turn.where, period)

        await self._handle(
            "app home", args, channel=channel, user=user, name="", response_url=None, work=work
        )


async def skip_timeout_retries(
    req: AsyncBoltRequest, resp: BoltResponse, next_: Callable[[], Awaitable[None]]
) -> BoltResponse:
    """Slack re-sends an event it thinks timed out; the first delivery is being handled.

    Other retries go through: answers are stored once per person and round, so a repeated
    delivery never counts twice.
    """
    retry = req.headers.get("x-slack-retry-num")
    reason = (req.headers.get("x-slack-retry-reason") or [""])[0]
    if retry and reason == "http_timeout":
        log.info("ignoring Slack's retry %s of a delivery that timed out", retry[0])
        return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"})
    await next_()
    return resp


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _actor(body: dict[str, Any]) -> dict[str, Any]:
    """Who clicked, in which channel, and where to answer them."""
    user = _dict(body.get("user"))
    channel = (
        _dict(body.get("channel")).get("id") or _dict(body.get("container")).get("channel_id") or ""
    )
    return {
        "channel": _text(channel),
        "user": _text(user.get("id")),
        "name": _text(user.get("name") or user.get("username")),
        "response_url": _text(body.get("response_url")) or None,
    }


def _modal_actor(body: dict[str, Any]) -> dict[str, Any]:
    """A modal carries no channel: we put it (and the response_url) in private_metadata."""
    try:
        meta = _dict(json.loads(_text(_dict(body.get("view")).get("private_metadata")) or "{}"))
    except ValueError:
        meta = {}
    user = _dict(body.get("user"))
    return {
        "channel": _text(meta.get("c")),
        "user": _text(user.get("id")),
        "name": _text(user.get("name") or user.get("username")),
        "response_url": _text(meta.get("r")) or None,
    }


def _input(view: dict[str, Any], block: str, action: str) -> dict[str, Any]:
    values = _dict(_dict(view.get("state")).get("values"))
    return _dict(_dict(values.get(block)).get(action))


def _shape(body: object) -> str:
    """What kind of payload it was, for the log (never its content)."""
    b = _dict(body)
    return f"type={_text(b.get('type')) or _text(b.get('command')) or '?'}"


def _question_text(body: dict[str, Any]) -> str:
    """The question as we rendered it on the clicked message (ephemeral ones are not sent)."""
    for att in _dict(body.get("message")).get("attachments") or []:
        for block in _dict(att).get("blocks") or []:
            text = _dict(_dict(block).get("text")).get("text")
            if _dict(block).get("type") == "section" and isinstance(text, str) and text:
                return text
    return ""
