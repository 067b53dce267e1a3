"""Buttons and answer forms whose custom ids carry everything needed to handle them.

A custom id names the team (the guild, so a click in a DM still reaches the right server's
data), the card's `action` and, for a choice, the value:

    ib:b:<team>:<action>:<value>   a choice button       ib:b:123:quiz:<round id>:B
    ib:f:<team>:<action>           "Answer" (free text)  ib:f:123:interview:<session>:2
    ib:c:<team>:<action>           "Answer" (code)
    ib:h:<team>:<action>           "Hint" (an interview question)
    ib:m:<team>:<action>           the modal it opens

Buttons are `DynamicItem`s: discord.py matches the template on every click, so buttons keep
working after a restart without any per-message state. Modals have no dynamic counterpart
(discord.py keys an open modal by custom id alone, in memory), so their submissions are
routed from the `on_interaction` event by `parse_modal_id` instead.
"""

from __future__ import annotations

import re
from typing import Any, Protocol, cast

import discord

from adapters.discord.limits import MODAL_TITLE, clip_block
from bot.domain.text import clip

MAX_CUSTOM_ID = 100
ANSWER_INPUT = "answer"
_TEAM = r"(?P<team>[^:]+)"
_ACTION = r"(?P<action>[a-z_]+:.+)"
_MODAL = re.compile(rf"ib:m:{_TEAM}:{_ACTION}")


class AnswerHandler(Protocol):
    """What the bot does with a click; the bot object carries one as `answers`."""

    async def choose(
        self, interaction: discord.Interaction, team: str, action: str, value: str
    ) -> None: ...

    async def open_form(
        self, interaction: discord.Interaction, team: str, action: str, code: bool
    ) -> None: ...

    async def hint(self, interaction: discord.Interaction, team: str, action: str) -> None: ...


def _handler(interaction: discord.Interaction) -> AnswerHandler:
    return cast(AnswerHandler, interaction.client.answers)  # type: ignore[attr-defined]


def fits(custom_id: str) -> bool:
    return len(custom_id) <= MAX_CUSTOM_ID


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"ib:b:{_TEAM}:{_ACTION}:(?P<value>[^:]+)",
):
    """One choice of a question: the click answers with `value`."""

    def __init__(self, team: str, action: str, value: str, label: str | None = None) -> None:
        self.team, self.action, self.value = team, action, value
        super().__init__(
            discord.ui.Button(
                label=clip(label or value, 80),
                style=discord.ButtonStyle.primary,
                custom_id=f"ib:b:{team}:{action}:{value}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> AnswerButton:
        label = getattr(item, "label", None)
        return cls(match["team"], match["action"], match["value"], label)

    async def callback(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        await _handler(interaction).choose(interaction, self.team, self.action, self.value)


class FormButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"ib:(?P<kind>[fc]):{_TEAM}:{_ACTION}"
):
    """ "Answer": opens a modal with a text box (multi-line for code)."""

    def __init__(self, team: str, action: str, code: bool = False) -> None:
        self.team, self.action, self.code = team, action, code
        super().__init__(
            discord.ui.Button(
                label="Answer with code" if code else "Answer",
                emoji="✍️",
                style=discord.ButtonStyle.primary,
                custom_id=f"ib:{'c' if code else 'f'}:{team}:{action}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> FormButton:
        return cls(match["team"], match["action"], code=match["kind"] == "c")

    async def callback(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        await _handler(interaction).open_form(interaction, self.team, self.action, self.code)


class HintButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"ib:h:{_TEAM}:{_ACTION}"
):
    """ "Hint" on an interview question: one hint, which caps the question's credit."""

    def __init__(self, team: str, action: str) -> None:
        self.team, self.action = team, action
        super().__init__(
            discord.ui.Button(
                label="Hint",
                emoji="💡",
                style=discord.ButtonStyle.secondary,
                custom_id=f"ib:h:{team}:{action}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> HintButton:
        return cls(match["team"], match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        await _handler(interaction).hint(interaction, self.team, self.action)


def modal_id(team: str, action: str) -> str:
    return f"ib:m:{team}:{action}"


def parse_modal_id(custom_id: str) -> tuple[str, str] | None:
    """(team, action) of one of our answer modals, or None for anything else."""
    m = _MODAL.fullmatch(custom_id)
    return (m["team"], m["action"]) if m else None


def answer_modal(
    team: str, action: str, *, code: bool, multiline: bool, title: str, prompt: str
) -> discord.ui.Modal:
    """The answer form: the question (so it stays in sight) and one text box."""
    modal = discord.ui.Modal(
        title=clip(title or "Your answer", MODAL_TITLE),
        custom_id=modal_id(team, action),
        timeout=None,
    )
    if prompt:
        modal.add_item(discord.ui.TextDisplay(clip_block(prompt, 1500)))
    box: discord.ui.TextInput[Any] = discord.ui.TextInput(
        custom_id=ANSWER_INPUT,
        max_length=4000,
        required=True,
        style=discord.TextStyle.paragraph if code or multiline else discord.TextStyle.short,
        placeholder="def solution(...):" if code else "Your answer",
    )
    modal.add_item(discord.ui.Label(text="Your code" if code else "Your answer", component=box))
    # Submissions are routed by custom id from `on_interaction` (see the module docstring), so
    # discord.py must not keep this instance: a finished modal is not stored.
    modal.stop()
    return modal


def submitted_text(data: Any) -> str:
    """The answer box's value from a modal submit payload (rows or labels, any nesting);
    "" when there is none, whatever shape the payload has."""

    def children(node: Any) -> list[Any]:
        got = node.get("components") if isinstance(node, dict) else None
        return list(got) if isinstance(got, list) else []

    stack = children(data)
    seen = 0
    while stack and seen < 1000:
        seen += 1
        c = stack.pop(0)
        if not isinstance(c, dict):
            continue
        if c.get("custom_id") == ANSWER_INPUT and isinstance(c.get("value"), str):
            return c["value"]
        stack.extend(children(c))
        if isinstance(c.get("component"), dict):
            stack.append(c["component"])
    return ""
