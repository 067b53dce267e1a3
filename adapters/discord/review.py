"""/review on Discord: one command whose options say what to do (the core's words are
`bot.commands.review`); everything it shows is private to the person."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from adapters.discord.replies import Services, defer, send_reply, where_for
from bot.commands.help import describe
from bot.commands.review import review_command
from bot.domain.values import UserError

Do = Literal["next", "status", "remind", "export"]


class ReviewCommands(commands.Cog):
    """/review [answer] [do] [time]."""

    def __init__(self, svc: Services) -> None:
        self.core = svc.core

    @app_commands.command(name="review", description=describe("review"))
    @app_commands.describe(
        answer="Your answer to the review question shown",
        do="next (the default), status, remind or export",
        time="For remind: HH:MM [timezone], or off",
    )
    @app_commands.guild_only()
    async def review(
        self,
        interaction: discord.Interaction,
        answer: str | None = None,
        do: Do | None = None,
        time: str | None = None,
    ) -> None:
        where = where_for(interaction)
        if answer is not None and do not in (None, "next"):
            raise UserError("Give either an answer or what to do, not both.")
        if answer is not None:
            await defer(interaction)  # grading an open answer may take a moment
            reply = await review_command(
                self.core, where, ("answer", *answer.split()), f"answer {answer}"
            )
        elif do == "remind":
            args = tuple((time or "").split())
            dm = await interaction.user.create_dm() if args and args[0] != "off" else None
            reply = await review_command(
                self.core, where, ("remind", *args), "", dm=str(dm.id) if dm else None
            )
        else:
            reply = await review_command(self.core, where, (do or "next",), do or "next")
        await send_reply(interaction, reply, where)
