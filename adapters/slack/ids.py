"""Action and callback ids. They carry the card's `action`, so a click still lands after a restart.

ib:<action>:<value>   a choice button          (ib:quiz:<round id>:B)
ibf:<action>          open the answer modal    (ibc: for code, a larger editor)
ibs:<action>          skip this interview question
ibe:<action>          end the interview
ibn:<action>          a hint for this interview question
ibm:<action>          the answer modal's callback id
ibh:<period>          App Home: show another period
"""

from __future__ import annotations

from bot.domain.actions import Action

CHOICE = "ib:"
FORM = "ibf:"
CODE_FORM = "ibc:"
SKIP = "ibs:"
END = "ibe:"
HINT = "ibn:"
MODAL = "ibm:"
HOME = "ibh:"
IMPORT = "ib-import"
MAX_ID = 255  # Slack's limit for action_id and callback_id


def choice(action: str, value: str) -> str:
    return f"{CHOICE}{action}:{value}"


def parse_choice(action_id: str, value: str | None) -> tuple[str, str]:
    """(card action text, button value) from a choice button; the value field wins when
    present. The action text is parsed by `Action.parse` in the turn, where a bad one is
    answered."""
    body = action_id.removeprefix(CHOICE)
    if value and body.endswith(":" + value):
        return body[: -len(value) - 1], value
    action, _, tail = body.rpartition(":")
    return action, value or tail


def action(prefix: str, some_id: str) -> Action:
    """The card action an id with `prefix` (FORM, SKIP, MODAL...) carries."""
    return Action.parse(some_id.removeprefix(prefix))


def after(prefix: str, some_id: str) -> str:
    return some_id.removeprefix(prefix)
