"""Card -> embed and buttons, within Discord's limits (long content is cut, never a crash)."""

from __future__ import annotations

import io
import logging
import re
from typing import Any

import discord

from adapters.discord import limits
from adapters.discord.limits import clip_block
from adapters.discord.views import AnswerButton, FormButton, HintButton, fits
from bot.domain.text import display_name
from bot.domain.values import Card

log = logging.getLogger(__name__)

COLORS = {
    "info": discord.Colour.blurple(),
    "good": discord.Colour.green(),
    "bad": discord.Colour.red(),
    "warn": discord.Colour.gold(),
}
_BLANK = "\u200b"  # Discord refuses empty field names and values
# Every ASCII punctuation mark escaped with a backslash shows as itself in Discord markdown:
# no masked link (`[text](url)`), no autolinked `https://…`, no bold, spoiler or heading.
_MARKDOWN = re.compile(r"([!-/:-@\[-`{-~])")


def safe_name(name: str) -> str:
    """A display name as it may appear in embeds: cleaned like every name the core gets
    (no zero-width, bidi or control characters) and with markdown escaped, so a name such
    as `[Claim your prize](https://evil.example/x)` shows as that text, never as a link."""
    return _MARKDOWN.sub(r"\\\1", display_name(name))


def embed_for(card: Card) -> discord.Embed:
    embed = discord.Embed(
        title=clip_block(" ".join(card.title.split()), limits.TITLE) or None,
        description=clip_block(card.text, limits.DESCRIPTION) or None,
        colour=COLORS.get(card.color, COLORS["info"]),
    )
    fields = list(card.fields)
    if len(fields) > limits.FIELDS:
        extra = len(fields) - (limits.FIELDS - 1)
        fields = [*fields[: limits.FIELDS - 1], ("…", f"and {extra} more")]
    for name, value in fields:
        embed.add_field(
            name=clip_block(name, limits.FIELD_NAME) or _BLANK,
            value=clip_block(value, limits.FIELD_VALUE) or _BLANK,
            inline=False,
        )
    if card.footer:
        embed.set_footer(text=clip_block(card.footer, limits.FOOTER))
    if card.image is not None:  # the PNG goes with the message as a file (file_for)
        embed.set_image(url=f"attachment://{card.image.filename}")
    _fit_total(embed)
    return embed


def file_for(card: Card) -> discord.File | None:
    """The card's picture as an attachment the embed shows (`attachment://name.png`), its
    alt text as the attachment's description. A new File each time: one is read once."""
    if card.image is None:
        return None
    return discord.File(
        io.BytesIO(card.image.png),
        filename=card.image.filename,
        description=card.image.alt[: limits.ALT_TEXT],
    )


def _fit_total(embed: discord.Embed) -> None:
    """Keep the whole embed within 6,000 characters: shorten the text, then drop fields."""
    over = len(embed) - limits.EMBED_TOTAL
    if over > 0 and embed.description:
        keep = max(len(embed.description) - over, min(len(embed.description), 500))
        embed.description = clip_block(embed.description, keep)
    while len(embed) > limits.EMBED_TOTAL and embed.fields:
        embed.remove_field(-1)


def view_for(card: Card, team: str) -> discord.ui.View | None:
    """The card's buttons, or None when it has none. Ids carry the team and the action."""
    if not card.action:
        return None
    items: list[discord.ui.Item[Any]] = []
    for b in card.buttons:
        button = AnswerButton(team, card.action, b.value, b.label)
        if ":" in b.value or not fits(button.custom_id):
            log.warning(
                "button %r on %r cannot be encoded in a custom id; left out", b.value, card.action
            )
            continue
        items.append(button)
    if card.answer_form:
        form = FormButton(team, card.action, code=card.code_answer)
        if fits(form.custom_id):
            items.append(form)
        else:
            log.warning("answer form for %r cannot be encoded in a custom id", card.action)
    if card.hint and fits((hint := HintButton(team, card.action)).custom_id):
        items.append(hint)
    if not items:
        return None
    # No timeout: a timed-out view would unregister the dynamic items from the client.
    view = discord.ui.View(timeout=None)
    for item in items[: limits.BUTTONS]:
        view.add_item(item)
    return view
