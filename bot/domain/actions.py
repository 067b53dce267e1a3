"""What a card's buttons and answer forms feed, and what an answer belongs to.

Two small string formats, each with one owner here:

- an `Action` is carried in a button or form id, so a click still lands after a restart:
  ``quiz:<round id>``, ``daily:<round id>``, ``interview:<session id>:<position>``;
- an `AnswerContext` is stored with every answer: ``quiz:<round id>``, ``daily:<round id>``,
  ``interview:<session id>``.

Adapters add and strip only their transport part (a custom-id prefix, the team) and hand the
parsed `Action` to the core; nothing else splits these strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.records import RoundKind
from bot.domain.values import UserError


class ActionKind(StrEnum):
    QUIZ = "quiz"
    DAILY = "daily"
    INTERVIEW = "interview"


class BadAction(UserError):
    """An action id that is not one of ours (an old button, a forged id)."""

    def __init__(self, text: str = "") -> None:
        super().__init__("That button is no longer in use.")
        self.text = text


def _plain_id(text: str) -> bool:
    return bool(text) and ":" not in text


@dataclass(frozen=True, slots=True)
class Action:
    """A round to answer (quiz or daily), or one question of an interview."""

    kind: ActionKind
    id: str  # the round id, or the interview session id
    position: int | None = None  # interviews only: which question the card showed

    def __post_init__(self) -> None:
        if not _plain_id(self.id):
            raise BadAction(self.id)
        if (self.kind is ActionKind.INTERVIEW) != (self.position is not None):
            raise BadAction(self.id)

    @classmethod
    def quiz(cls, round_id: str) -> Action:
        return cls(ActionKind.QUIZ, round_id)

    @classmethod
    def daily(cls, round_id: str) -> Action:
        return cls(ActionKind.DAILY, round_id)

    @classmethod
    def of_round(cls, kind: RoundKind, round_id: str) -> Action:
        return cls(ActionKind(kind.value), round_id)

    @classmethod
    def interview(cls, session_id: str, position: int) -> Action:
        return cls(ActionKind.INTERVIEW, session_id, position)

    @classmethod
    def parse(cls, text: str) -> Action:
        """The action `str(action)` made; BadAction (a UserError) for anything else."""
        kind, _, rest = text.partition(":")
        if kind in (ActionKind.QUIZ, ActionKind.DAILY) and _plain_id(rest):
            return cls(ActionKind(kind), rest)
        if kind == ActionKind.INTERVIEW:
            sid, _, pos = rest.partition(":")
            if _plain_id(sid) and pos.isascii() and pos.isdigit() and len(pos) <= 4:
                return cls(ActionKind.INTERVIEW, sid, int(pos))
        raise BadAction(text)

    @property
    def round_kind(self) -> RoundKind | None:
        """The kind of round this answers; None for an interview."""
        return None if self.kind is ActionKind.INTERVIEW else RoundKind(self.kind.value)

    def __str__(self) -> str:
        if self.position is not None:
            return f"{self.kind}:{self.id}:{self.position}"
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True, slots=True)
class AnswerContext:
    """What a stored answer belongs to: a quiz or daily round, or an interview session."""

    kind: ActionKind
    id: str

    @classmethod
    def of_round(cls, kind: RoundKind, round_id: str) -> AnswerContext:
        return cls(ActionKind(kind.value), round_id)

    @classmethod
    def interview(cls, session_id: str) -> AnswerContext:
        return cls(ActionKind.INTERVIEW, session_id)

    @classmethod
    def parse(cls, text: str) -> AnswerContext | None:
        """The context `str(context)` made, or None for text that is not one."""
        kind, _, rest = text.partition(":")
        if kind in tuple(ActionKind) and _plain_id(rest):
            return cls(ActionKind(kind), rest)
        return None

    @property
    def round_id(self) -> str | None:
        """The round's id for a quiz or daily answer; None for an interview's."""
        return None if self.kind is ActionKind.INTERVIEW else self.id

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"
