"""The app command tree: typed options, calling the core's services directly.

Everything is team-scoped, so every command is guild-only. Admin commands carry
`default_permissions(manage_guild)` where Discord allows it (top-level commands) and are
checked again here (`has_permissions`) and in the core (`Where.is_admin`).
Errors from any command land in the tree's error handler (see client.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from adapters.discord import interview_ui
from adapters.discord.render import safe_name
from adapters.discord.replies import PLATFORM, Services, defer, send_reply, services, where_for
from bot.commands.help import describe
from bot.domain.values import Card, Reply, UserError, Where
from bot.questions.imports import IMPORTABLE
from bot.questions.schema import MAX_PACK_BYTES
from bot.services.daily import parse_set_args
from bot.services.interviews import HISTORY, MAX_QUESTIONS
from bot.services.team_settings import KNOBS

Difficulty = Literal["easy", "medium", "hard"]
Period = Literal["today", "week", "month", "all"]
Scope = Literal["team", "channel", "topic"]
_MAX_CHOICES = 25
_ADMINS = "(Manage Server)"  # who may use an admin command, in Discord's words
_IN_SERVERS = app_commands.AppCommandContext(guild=True)


async def topic_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Topics of this server's bank (shipped and its own packs) that match what is typed."""
    if interaction.guild_id is None:
        return []
    bank = await services(interaction).core.banks.for_team(PLATFORM, str(interaction.guild_id))
    typed = current.strip().lower()
    return [app_commands.Choice(name=t, value=t) for t in bank.topics if typed in t.lower()][
        :_MAX_CHOICES
    ]


async def pack_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    packs = await services(interaction).core.banks.pack_ids(PLATFORM, str(interaction.guild_id))
    typed = current.strip().lower()
    return [app_commands.Choice(name=p[:100], value=p[:100]) for p in packs if typed in p.lower()][
        :_MAX_CHOICES
    ]


async def _reply(interaction: discord.Interaction, reply: Reply) -> None:
    await send_reply(interaction, reply, where_for(interaction))


class InterviewCommands(commands.Cog):
    """/quiz, /interview, /leaderboard, /stats, /questions, /settings, /daily."""

    interview = app_commands.Group(
        name="interview", description="A one-to-one mock interview", allowed_contexts=_IN_SERVERS
    )
    questions = app_commands.Group(
        name="questions", description="The question bank", allowed_contexts=_IN_SERVERS
    )

    def __init__(self, svc: Services) -> None:
        self.core = svc.core

    # --- quizzes --------------------------------------------------------------------------

    @app_commands.command(name="quiz", description=describe("quiz"))
    @app_commands.describe(topic="What the question is about", difficulty="How hard")
    @app_commands.autocomplete(topic=topic_choices)
    @app_commands.guild_only()
    async def quiz(
        self,
        interaction: discord.Interaction,
        topic: str | None = None,
        difficulty: Difficulty | None = None,
    ) -> None:
        where = where_for(interaction)
        await send_reply(
            interaction, await self.core.quizzes.start(where, topic, difficulty), where
        )

    # --- interviews -----------------------------------------------------------------------

    @interview.command(name="start", description=describe("interview start"))
    @app_commands.describe(
        topic="What the questions are about",
        difficulty="How hard",
        questions="How many questions",
        dm="Hold it in direct messages (answer there in plain messages)",
        track="A named plan of topics (see /interview tracks)",
    )
    @app_commands.autocomplete(topic=topic_choices, track=interview_ui.track_choices)
    async def interview_start(
        self,
        interaction: discord.Interaction,
        topic: str | None = None,
        difficulty: Difficulty | None = None,
        questions: app_commands.Range[int, 1, MAX_QUESTIONS] | None = None,
        dm: bool = False,
        track: str | None = None,
    ) -> None:
        where = where_for(interaction)
        reply = await self.core.interviews.start(
            where, topic, difficulty, questions, dm, track=track
        )
        await send_reply(interaction, reply, where)

    @interview.command(name="hint", description=describe("interview hint"))
    async def interview_hint(self, interaction: discord.Interaction) -> None:
        await _reply(interaction, await self.core.interviews.hint(where_for(interaction)))

    @interview.command(name="tracks", description=describe("interview tracks"))
    async def interview_tracks(self, interaction: discord.Interaction) -> None:
        where = where_for(interaction)
        await _reply(interaction, Reply(cards=(await self.core.interviews.tracks_card(where),)))

    @interview.command(name="history", description=describe("interview history"))
    async def interview_history(self, interaction: discord.Interaction) -> None:
        await _reply(interaction, await self.core.interviews.history(where_for(interaction)))

    @interview.command(name="report", description=describe("interview report"))
    @app_commands.describe(number="As /interview history numbers them (1: the latest)")
    async def interview_report(
        self,
        interaction: discord.Interaction,
        number: app_commands.Range[int, 1, HISTORY] | None = None,
    ) -> None:
        where = where_for(interaction)
        await _reply(interaction, await self.core.interviews.past_report(where, number))

    @interview.command(name="skip", description=describe("interview skip"))
    async def interview_skip(self, interaction: discord.Interaction) -> None:
        await _reply(interaction, await self.core.interviews.skip(where_for(interaction)))

    @interview.command(name="end", description=describe("interview end"))
    async def interview_end(self, interaction: discord.Interaction) -> None:
        await _reply(interaction, await self.core.interviews.end(where_for(interaction)))

    # --- leaderboards and stats -----------------------------------------------------------

    @app_commands.command(name="leaderboard", description=describe("leaderboard"))
    @app_commands.describe(
        period="Default: this week",
        scope="Default: the whole server",
        topic="For scope topic",
        chart="Add the top 10 as a picture",
    )
    @app_commands.autocomplete(topic=topic_choices)
    @app_commands.guild_only()
    async def leaderboard(
        self,
        interaction: discord.Interaction,
        period: Period | None = None,
        scope: Scope | None = None,
        topic: str | None = None,
        chart: bool = False,
    ) -> None:
        where = where_for(interaction)
        card = await self.core.leaderboards.board(where, period, scope, topic, chart=chart)
        await send_reply(interaction, Reply(cards=(card,)), where)

    @app_commands.command(name="stats", description=describe("stats"))
    @app_commands.describe(member="Whose stats (default: yours)")
    @app_commands.guild_only()
    async def stats(
        self, interaction: discord.Interaction, member: discord.Member | None = None
    ) -> None:
        where = where_for(interaction)
        if member is None:
            card = await self.core.leaderboards.stats(where)
        else:
            card = await self.core.leaderboards.stats(
                where, str(member.id), safe_name(member.display_name)
            )
        await send_reply(interaction, Reply(cards=(card,)), where)

    # --- the question bank ----------------------------------------------------------------

    @questions.command(name="list", description=describe("questions list"))
    async def questions_list(self, interaction: discord.Interaction) -> None:
        where = where_for(interaction)
        await send_reply(
            interaction, Reply(cards=(await self.core.banks.list_topics(where),)), where
        )

    @questions.command(name="import", description=describe("questions import", _ADMINS))
    @app_commands.describe(
        file="A pack (.yaml), an interview track (.yaml), or Red, OpenTDB, GIFT, Aiken, Kahoot, CSV"
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def questions_import(
        self, interaction: discord.Interaction, file: discord.Attachment
    ) -> None:
        where = where_for(interaction)
        if not file.filename.lower().endswith(IMPORTABLE):
            raise UserError(f"Attach a question file: {', '.join(IMPORTABLE)}.")
        if file.size > MAX_PACK_BYTES:
            raise UserError(
                f"That file is {file.size:,} bytes; a pack may have at most {MAX_PACK_BYTES:,}."
            )
        await defer(interaction)  # downloading and validating may take a while
        card = await self.core.banks.import_file(where, await file.read(), file.filename)
        await send_reply(interaction, Reply(cards=(card,)), where)

    @app_commands.command(name="export", description=describe("export", _ADMINS))
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(detail="packs: one pack's id; leaderboard: today, week, month or all")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def export(
        self,
        interaction: discord.Interaction,
        what: Literal["packs", "leaderboard", "answers"],
        detail: str = "",
    ) -> None:
        where = where_for(interaction)
        await defer(interaction)  # a large team's answers take a moment to read
        card = await self.core.exports.export(where, what, detail)
        await send_reply(interaction, Reply(cards=(card,)), where)

    @questions.command(name="remove", description=describe("questions remove", _ADMINS))
    @app_commands.describe(pack="The pack's id, or track:ID for an interview track")
    @app_commands.autocomplete(pack=pack_choices)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def questions_remove(self, interaction: discord.Interaction, pack: str) -> None:
        where = where_for(interaction)
        card = await self.core.banks.remove_pack(where, pack)
        await send_reply(interaction, Reply(cards=(card,)), where)

    @questions.command(
        name="regrade", description="(Manage Server) Grade past answers to a question again"
    )
    @app_commands.describe(
        question="The question's id", confirm="Apply it (without: only show what would change)"
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def questions_regrade(
        self, interaction: discord.Interaction, question: str, confirm: bool = False
    ) -> None:
        where = where_for(interaction)
        await defer(interaction)  # grading every answer again may take a while
        card = await self.core.appeals.regrade(where, question, confirm)
        await send_reply(interaction, Reply(cards=(card,)), where)

    # --- appeals and flags ----------------------------------------------------------------

    @app_commands.command(name="appeal", description="Appeal the grade of your latest answer")
    @app_commands.describe(
        reason="Why the grade is wrong", question="The question's id (default: your latest answer)"
    )
    @app_commands.guild_only()
    async def appeal(
        self, interaction: discord.Interaction, reason: str, question: str | None = None
    ) -> None:
        where = where_for(interaction)
        text = f"{question} {reason}" if question else reason
        await send_reply(
            interaction, Reply(cards=(await self.core.appeals.appeal(where, text),)), where
        )

    @app_commands.command(name="flag", description=describe("flag"))
    @app_commands.describe(question="The question's id", reason="What is wrong with it")
    @app_commands.guild_only()
    async def flag(self, interaction: discord.Interaction, question: str, reason: str) -> None:
        where = where_for(interaction)
        card = await self.core.appeals.flag(where, f"{question} {reason}")
        await send_reply(interaction, Reply(cards=(card,)), where)

    appeals = app_commands.Group(
        name="appeals",
        description="(Manage Server) Appeals and flags",
        allowed_contexts=_IN_SERVERS,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    @appeals.command(name="list", description="The open appeals and flags")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def appeals_list(self, interaction: discord.Interaction) -> None:
        where = where_for(interaction)
        await send_reply(interaction, Reply(cards=(await self.core.appeals.queue(where),)), where)

    @appeals.command(name="accept", description="Accept: re-score the answer")
    @app_commands.describe(
        id="The number from /appeals list",
        score="New score, 0-1 or a percentage (default: full marks)",
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def appeals_accept(
        self,
        interaction: discord.Interaction,
        id: app_commands.Range[int, 1],
        score: str | None = None,
    ) -> None:
        where = where_for(interaction)
        await _reply(interaction, await self.core.appeals.accept(where, str(id), score))

    @appeals.command(name="reject", description="Reject: its author is told why")
    @app_commands.describe(id="The number from /appeals list", reason="Why")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def appeals_reject(
        self, interaction: discord.Interaction, id: app_commands.Range[int, 1], reason: str
    ) -> None:
        where = where_for(interaction)
        await _reply(interaction, await self.core.appeals.reject(where, str(id), reason))

    @questions.command(name="report", description=describe("questions report", _ADMINS))
    @app_commands.describe(topic="Only this topic")
    @app_commands.autocomplete(topic=topic_choices)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def questions_report(
        self, interaction: discord.Interaction, topic: str | None = None
    ) -> None:
        where = where_for(interaction)
        await defer(interaction)  # one pass over the server's answers
        card = await self.core.analytics.report(where, topic)
        await send_reply(interaction, Reply(cards=(card,)), where)

    @questions.command(
        name="keep", description="(Manage Server) Keep a rested question in rotation"
    )
    @app_commands.describe(question="The question's id, as in /questions report")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def questions_keep(self, interaction: discord.Interaction, question: str) -> None:
        await self._decide(interaction, self.core.analytics.keep, question)

    @questions.command(
        name="retire", description="(Manage Server) Never ask this question here again"
    )
    @app_commands.describe(question="The question's id, as in /questions report")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def questions_retire(self, interaction: discord.Interaction, question: str) -> None:
        await self._decide(interaction, self.core.analytics.retire, question)

    async def _decide(
        self,
        interaction: discord.Interaction,
        decide: Callable[[Where, str], Awaitable[Card]],
        question: str,
    ) -> None:
        """`/questions keep` and `retire`: the same call but for the decision."""
        where = where_for(interaction)
        await send_reply(interaction, Reply(cards=(await decide(where, question),)), where)

    # --- settings -------------------------------------------------------------------------

    @app_commands.command(name="settings", description=describe("settings"))
    @app_commands.describe(name="The setting to change", value="Its new value")
    @app_commands.choices(name=[app_commands.Choice(name=k, value=k) for k in KNOBS])
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def settings(
        self,
        interaction: discord.Interaction,
        name: app_commands.Choice[str] | None = None,
        value: str | None = None,
    ) -> None:
        where = where_for(interaction)
        if name is None and value is None:
            card = await self.core.settings.show(where)
        elif name is None or value is None:
            raise UserError("Give both a setting and a value, e.g. /settings quiz_seconds 30.")
        else:
            card = await self.core.settings.set(where, name.value, value)
        await send_reply(interaction, Reply(cards=(card,)), where)

    # --- daily questions ------------------------------------------------------------------
    # The group stays visible (everyone may ask for /daily status); set, off and now are
    # checked here (Manage Server) and again in the core.

    daily = app_commands.Group(
        name="daily", description="This channel's daily question", allowed_contexts=_IN_SERVERS
    )

    @daily.command(name="status", description=describe("daily status"))
    async def daily_status(self, interaction: discord.Interaction) -> None:
        where = where_for(interaction)
        await send_reply(interaction, Reply(cards=(await self.core.daily.status(where),)), where)

    @daily.command(name="set", description=describe("daily set", _ADMINS))
    @app_commands.describe(
        time="Local time of day, HH:MM",
        timezone="IANA name, e.g. Europe/Berlin",
        weekdays="e.g. mon-fri, daily, mon,wed,fri",
        topic="Only this topic",
        difficulty="Only this difficulty",
        open_for="How long answers stay open, e.g. 8h (default: until the next post, at most 24 h)",
        recap="Weekly recap, e.g. fri@17:00 or off",
    )
    @app_commands.autocomplete(topic=topic_choices)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def daily_set(
        self,
        interaction: discord.Interaction,
        time: str,
        timezone: str | None = None,
        weekdays: str | None = None,
        topic: str | None = None,
        difficulty: Difficulty | None = None,
        open_for: str | None = None,
        recap: str | None = None,
    ) -> None:
        where = where_for(interaction)
        args = [time]
        for key, value in (
            ("tz", timezone),
            ("days", weekdays),
            ("topic", topic),
            ("difficulty", difficulty),
            ("open", open_for),
            ("recap", recap),
        ):
            if value:
                args.append(f"{key}={value}")
        card = await self.core.daily.configure(where, parse_set_args(tuple(args)))
        await send_reply(interaction, Reply(cards=(card,)), where)

    @daily.command(name="off", description="(Manage Server) Stop the daily question here")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def daily_off(self, interaction: discord.Interaction) -> None:
        where = where_for(interaction)
        await send_reply(interaction, Reply(cards=(await self.core.daily.off(where),)), where)

    @daily.command(name="now", description="(Manage Server) Post today's question now")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def daily_now(self, interaction: discord.Interaction) -> None:
        where = where_for(interaction)
        await defer(interaction)
        await send_reply(interaction, await self.core.daily.post_now(where), where)
