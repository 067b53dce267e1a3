"""Plain values the core speaks in. No platform types ever appear here."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.text import clean


class Kind(StrEnum):
    CHOICE = "choice"
    SHORT = "short"
    OPEN = "open"
    CODE = "code"


class Visibility(StrEnum):
    PUBLIC = "public"  # everyone in the channel sees it
    EPHEMERAL = "ephemeral"  # only the user who acted sees it
    DIRECT = "direct"  # a direct message to the user


@dataclass(frozen=True, slots=True)
class Where:
    """Who acted, and where: every core call is scoped by platform and team."""

    platform: str
    team: str
    channel: str
    user: str
    display_name: str = ""
    is_admin: bool = False

    def __post_init__(self) -> None:
        """Ids and names from a platform may hold lone surrogates (JSON allows `\\ud800`),
        which SQLite cannot store: they become U+FFFD here, once for every service."""
        for f in ("platform", "team", "channel", "user", "display_name"):
            value = getattr(self, f)
            if isinstance(value, str) and value != (fixed := clean(value)):
                object.__setattr__(self, f, fixed)

    @property
    def name(self) -> str:
        return self.display_name or self.user


@dataclass(frozen=True, slots=True)
class Choice:
    text: str
    correct: bool = False


@dataclass(frozen=True, slots=True)
class KeyPoint:
    """One thing a good answer says, and the words (any of them) that show it."""

    point: str
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Misconception:
    """A usual wrong answer, as a candidate would say it, and why it is wrong."""

    claim: str
    why: str = ""


@dataclass(frozen=True, slots=True)
class CodeSpec:
    signature: str
    solution: str
    tests: str


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    kind: Kind
    topic: str
    difficulty: int
    prompt: str
    explanation: str
    seeds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()
    accepted: tuple[str, ...] = ()
    reference: str = ""
    key_points: tuple[KeyPoint, ...] = ()
    code: CodeSpec | None = None
    pack: str = ""
    misconceptions: tuple[Misconception, ...] = ()

    @property
    def right_choice(self) -> int | None:
        for i, c in enumerate(self.choices):
            if c.correct:
                return i
        return None

    @property
    def answer_text(self) -> str:
        """The right answer in a line or a paragraph, for reveals and reports."""
        if self.kind is Kind.CHOICE and (i := self.right_choice) is not None:
            return f"{choice_letter(i)}) {self.choices[i].text}"
        if self.kind is Kind.SHORT and self.accepted:
            return self.accepted[0]
        if self.kind is Kind.CODE and self.code:
            return self.code.solution
        return self.reference


def choice_letter(index: int) -> str:
    return "ABCDEFGHIJ"[index]


@dataclass(frozen=True, slots=True)
class Grade:
    """The result of grading one answer."""

    score: float  # 0..1
    verdict: str  # correct | partial | wrong | skipped | late
    feedback: str
    right: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    @property
    def correct(self) -> bool:
        return self.verdict == "correct"


@dataclass(frozen=True, slots=True)
class Button:
    """A button on a card; `value` comes back to the core when it is pressed."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Card:
    """A platform-neutral reply. Adapters render it; they never add game logic.

    `action` names what buttons and answer forms on the card feed
    (for example ``quiz:<round id>``), so a click still lands after a restart.
    """

    title: str
    text: str = ""
    fields: tuple[tuple[str, str], ...] = ()
    buttons: tuple[Button, ...] = ()
    action: str = ""
    answer_form: bool = False  # the card wants a free-text (or code) answer
    code_answer: bool = False
    visibility: Visibility = Visibility.PUBLIC
    footer: str = ""
    color: str = "info"  # info | good | bad | warn


@dataclass(frozen=True, slots=True)
class Target:
    """Where a card that nobody asked for (a reveal, a daily post) goes."""

    platform: str
    team: str
    channel: str


@dataclass(frozen=True, slots=True)
class Outgoing:
    target: Target
    card: Card
    edit_ref: str | None = None  # edit this earlier message instead of posting


@dataclass(frozen=True, slots=True)
class Reply:
    """What a command returns: cards for the caller, plus any for channels."""

    cards: tuple[Card, ...] = ()
    outgoing: tuple[Outgoing, ...] = field(default=())


class UserError(Exception):
    """Something the user asked that cannot be done; the message is shown as is."""
