"""Clicks and submitted forms on cards: each goes to `answer_action` with the card's action."""

from __future__ import annotations

from typing import Any, cast

import discord

from adapters.discord.replies import (
    Services,
    check_dm_action,
    defer,
    report_error,
    send_reply,
    where_for,
)
from adapters.discord.views import answer_modal, parse_modal_id, submitted_text
from bot.commands.actions import answer_action
from bot.domain.actions import Action, ActionKind


class Answers:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def choose(
        self, interaction: discord.Interaction, team: str, action: str, value: str
    ) -> None:
        """A choice button: graded exactly, so answered at once (no defer needed)."""
        await self._answer(interaction, team, action, value, slow=False)

    async def open_form(
        self, interaction: discord.Interaction, team: str, action: str, code: bool
    ) -> None:
        try:
            where_for(interaction, team)  # refuse a foreign server's button before the form
            parsed = Action.parse(action)
            await check_dm_action(interaction, team, parsed)
            title, prompt = _question(interaction.message)
            await interaction.response.send_modal(
                answer_modal(
                    team,
                    action,
                    code=code,
                    multiline=code or parsed.kind is ActionKind.INTERVIEW,
                    title=title,
                    prompt=prompt,
                )
            )
        except Exception as e:
            await report_error(interaction, e, f"answer form {action}")

    async def hint(self, interaction: discord.Interaction, team: str, action: str) -> None:
        """The Hint button of an interview question."""
        try:
            where = where_for(interaction, team)
            parsed = Action.parse(action)
            await check_dm_action(interaction, team, parsed)
            reply = await self.services.core.interviews.hint(where, parsed)
            await send_reply(interaction, reply, where)
        except Exception as e:
            await report_error(interaction, e, f"hint {action}")

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Listener for every interaction; takes the submits of our answer modals."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data = cast(dict[str, Any], interaction.data or {})
        parsed = parse_modal_id(str(data.get("custom_id", "")))
        if parsed is None:
            return
        team, action = parsed
        await self._answer(interaction, team, action, submitted_text(data), slow=True)

    async def _answer(
        self, interaction: discord.Interaction, team: str, action: str, text: str, *, slow: bool
    ) -> None:
        try:
            where = where_for(interaction, team)
            parsed = Action.parse(action)
            await check_dm_action(interaction, team, parsed)
            if slow:  # free text and code may take seconds to grade: acknowledge first
                await defer(interaction)
            reply = await answer_action(self.services.core, where, parsed, text)
            await send_reply(interaction, reply, where)
        except Exception as e:
            await report_error(interaction, e, f"answer {action}")


def _question(message: discord.Message | None) -> tuple[str, str]:
    """The title and text of the card the button is on, shown again in the form."""
    if message is None or not message.embeds:
        return "Your answer", ""
    e = message.embeds[0]
    return e.title or "Your answer", e.description or ""
