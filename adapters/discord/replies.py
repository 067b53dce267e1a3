"""One interaction turn: who acted and where, delivering the core's Reply, reporting errors."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, replace
from typing import cast

import discord
from discord import app_commands
from discord.utils import MISSING  # "not given" (None would mean "remove")

from adapters.discord.render import embed_for, file_for, safe_name, view_for
from bot import metrics
from bot.commands.dispatch import metric_name
from bot.domain.actions import Action, ActionKind
from bot.domain.text import clip
from bot.domain.values import Card, Reply, UserError, Visibility, Where
from bot.services.container import Core
from bot.services.outbox import Outbox

log = logging.getLogger(__name__)

PLATFORM = "discord"
DM_TEAM = "dm"  # the team of an interaction in a DM that names no server
NO_MENTIONS = discord.AllowedMentions.none()
_FILLED = "ib_original_filled"  # interaction.extras: the deferred response was filled in
_DEFERRED_EPHEMERAL = "ib_deferred_ephemeral"


@dataclass
class Services:
    core: Core
    outbox: Outbox  # delivers Reply.outgoing (reveals) through the Discord poster


def services(interaction: discord.Interaction) -> Services:
    return cast(Services, interaction.client.services)  # type: ignore[attr-defined]


def where_for(interaction: discord.Interaction, team: str | None = None) -> Where:
    """The core's Where. `team` comes from a custom id; in a server the guild decides."""
    gid = interaction.guild_id
    if gid is not None:
        if team is not None and team != str(gid):
            raise UserError("That button belongs to another server.")
        team = str(gid)
    user = interaction.user
    return Where(
        PLATFORM,
        team or DM_TEAM,
        str(interaction.channel_id or DM_TEAM),
        str(user.id),
        safe_name(user.display_name),
        is_admin=gid is not None and interaction.permissions.manage_guild,
    )


async def check_dm_action(interaction: discord.Interaction, team: str, action: Action) -> None:
    """In a DM nothing vouches for the team a custom id names, so only the user's own
    interview is answered there: an interview action whose session, in that team, is this
    user's. In a server the guild decides (`where_for`)."""
    if interaction.guild_id is not None:
        return
    session = (
        await services(interaction).core.store.get_session(PLATFORM, team, action.id)
        if action.kind is ActionKind.INTERVIEW
        else None
    )
    if session is None or session.user_id != str(interaction.user.id):
        raise UserError("In direct messages I only take answers to your own interview.")


async def defer(interaction: discord.Interaction) -> None:
    """Acknowledge now (the user sees "thinking…"), answer when the work is done."""
    ephemeral = interaction.guild_id is not None
    await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    interaction.extras[_DEFERRED_EPHEMERAL] = ephemeral


def _original_pending(interaction: discord.Interaction) -> bool:
    return (
        interaction.response.type is discord.InteractionResponseType.deferred_channel_message
        and not interaction.extras.get(_FILLED)
    )


def files_for(card: Card) -> list[discord.File]:
    """What goes with a card answering someone: its picture (`file_for`) and its file
    (`Card.file`: /export, /review export, /my-data), attached to the private or direct
    reply, the one place Discord delivers a card's file. New Files each time: one is read
    once."""
    files = [picture] if (picture := file_for(card)) else []
    if card.file is not None:
        files.append(discord.File(io.BytesIO(card.file.data), filename=card.file.name))
    return files


async def send_card(
    interaction: discord.Interaction, card: Card, team: str, *, ephemeral: bool
) -> str | None:
    """Answer the interaction with a card (or follow up); returns the message id."""
    embed, view, files = embed_for(card), view_for(card, team), files_for(card)
    if not interaction.response.is_done():
        resp = await interaction.response.send_message(
            embed=embed,
            ephemeral=ephemeral,
            allowed_mentions=NO_MENTIONS,
            view=view or MISSING,
            files=files or MISSING,
        )
        return str(resp.message_id) if resp.message_id else None
    if _original_pending(interaction):
        interaction.extras[_FILLED] = True
        if interaction.extras.get(_DEFERRED_EPHEMERAL) == ephemeral:
            msg = await interaction.edit_original_response(
                embed=embed,
                view=view,
                allowed_mentions=NO_MENTIONS,
                attachments=files or MISSING,
            )
            return str(msg.id)
        # The "thinking" message keeps the visibility it was deferred with: settle it first.
        await interaction.edit_original_response(content="Done.", allowed_mentions=NO_MENTIONS)
    sent = await interaction.followup.send(
        embed=embed,
        ephemeral=ephemeral,
        wait=True,
        allowed_mentions=NO_MENTIONS,
        view=view or MISSING,
        files=files or MISSING,
    )
    return str(sent.id)


async def say(interaction: discord.Interaction, text: str) -> None:
    """A short private line to the user, wherever the interaction stands."""
    if not interaction.response.is_done():
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    elif _original_pending(interaction):
        interaction.extras[_FILLED] = True
        await interaction.edit_original_response(content=text, allowed_mentions=NO_MENTIONS)
    else:
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


async def send_reply(interaction: discord.Interaction, reply: Reply, where: Where) -> None:
    """Cards to the user (public, ephemeral, or by DM), then any cards for channels."""
    svc = services(interaction)
    in_dm = interaction.guild_id is None
    dm_sent = False
    for card in reply.cards:
        if card.visibility is Visibility.DIRECT and not in_dm:
            if await _send_dm(interaction, card, where.team):
                dm_sent = True
                continue
            card = replace(
                card,
                visibility=Visibility.EPHEMERAL,
                footer="I could not DM you (are your DMs closed?), so it is here. " + card.footer,
            )
        ephemeral = card.visibility is not Visibility.PUBLIC and not in_dm
        ref = await send_card(interaction, card, where.team, ephemeral=ephemeral)
        if ref and card.visibility is Visibility.PUBLIC and reply.posted is not None:
            await reply.posted(card, ref)  # the core keeps what it needs (a quiz's post)
    if dm_sent:
        await say(interaction, "✉️ Sent to your direct messages.")
    elif not interaction.response.is_done() or _original_pending(interaction):
        await say(interaction, "Done.")  # every interaction gets an answer
    if reply.outgoing:
        await svc.outbox.deliver(reply.outgoing)


async def _send_dm(interaction: discord.Interaction, card: Card, team: str) -> bool:
    view = view_for(card, team)
    try:
        await interaction.user.send(
            embed=embed_for(card),
            allowed_mentions=NO_MENTIONS,
            view=view or MISSING,
            files=files_for(card) or MISSING,
        )
    except discord.Forbidden:
        return False
    return True


def _refusal(error: Exception) -> str | None:
    """The message for an error the user caused, or None for a fault of ours."""
    if isinstance(error, UserError):
        return str(error)
    if isinstance(error, app_commands.MissingPermissions):
        return "Only members with the Manage Server permission can do that."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "That works in a server, not in direct messages."
    if isinstance(error, app_commands.TransformerError):
        return f"I could not use '{clip(str(error.value), 40)}' for that option."
    if isinstance(error, app_commands.CheckFailure):
        return "You cannot use that here."
    return None


async def report_error(interaction: discord.Interaction, error: Exception, what: str) -> None:
    """Tell the user briefly; log faults with context (never tokens). Never raises."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    text = _refusal(error)
    context = (
        f"{what} (guild={interaction.guild_id} channel={interaction.channel_id} "
        f"user={interaction.user.id} interaction={interaction.id})"
    )
    if text is None:
        log.error("discord %s failed", context, exc_info=error)
        metrics.COMMAND_ERRORS.labels(PLATFORM, metric_name(what)).inc()
        text = "Something went wrong on my side; it has been logged. Please try again."
    else:
        log.info("discord %s refused: %s", context, clip(text, 200))
    try:
        await say(interaction, text)
    except Exception:
        log.warning("could not tell the user about an error in %s", context, exc_info=True)
