"""Plain values the core speaks in. No platform types ever appear here."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.text import clean
from bot.text import display_name as shown_name


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
        which SQLite cannot store: they become U+FFFD here, once for every service. The
        display name, shown to others, also loses zero-width, bidi and control characters
        (`bot.text.display_name`), on every platform and the console."""
        for f in ("platform", "team", "channel", "user"):
            value = getattr(self, f)
            if isinstance(value, str) and value != (fixed := clean(value)):
                object.__setattr__(self, f, fixed)
        if isinstance(self.display_name, str):
            object.__setattr__(self, "display_name", shown_name(self.display_name))

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


NO_VALUE: Any = object()


@dataclass(frozen=True, slots=True)
class CodeCase:
    """One check of a code answer. `run` (Python, in the sandbox) observes something; the bot
    compares the observation with `expect` (plain data), `raises` (an exception type name) and
    `prints` here, so what counts as right never reaches the answer's process."""

    name: str
    run: str
    expect: Any = NO_VALUE
    raises: str = ""
    prints: str | None = None

    @property
    def has_expect(self) -> bool:
        return self.expect is not NO_VALUE


@dataclass(frozen=True, slots=True)
class Misconception:
    """A wrong answer people commonly give, and why it is wrong."""

    claim: str
    why: str


@dataclass(frozen=True, slots=True)
class CodeSpec:
    signature: str
    solution: str
    cases: tuple[CodeCase, ...]
    setup: str = ""  # run after the answer, before each case (imports, helpers)
    wrong: tuple[str, ...] = ()  # plausible wrong solutions the cases must reject


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
