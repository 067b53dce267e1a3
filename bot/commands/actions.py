"""Answers that come from a card's button or form, routed by the card's `Action`."""

from __future__ import annotations

from bot.domain.actions import Action, ActionKind
from bot.domain.text import clean
from bot.domain.values import Reply, Where
from bot.services.container import Core


async def answer_action(core: Core, where: Where, action: Action | str, text: str) -> Reply:
    """Answer what `action` names (a quiz or daily round, an interview question), so a click
    reaches the right round after a restart. A text action is parsed first (BadAction, a
    UserError, for one that is not ours)."""
    if isinstance(action, str):
        action = Action.parse(clean(action))
    text = clean(text)
    if action.kind is ActionKind.QUIZ:
        return await core.quizzes.answer(where, action.id, text)
    if action.kind is ActionKind.DAILY:
        return await core.daily.answer(where, action.id, text)
    return await core.interviews.answer(where, text, action)
