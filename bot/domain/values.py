"""Plain values the core speaks in. No platform types ever appear here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain.text import clean
from bot.domain.text import display_name as shown_name


class Visibility(StrEnum):
    PUBLIC = "public"  # everyone in the channel sees it
    EPHEMERAL = "ephemeral"  # only the user who acted sees it
    DIRECT = "direct"  # a direct message to the user


class Color(StrEnum):
    """The accent of a card: neutral, or how an answer went."""

    INFO = "info"
    GOOD = "good"
    BAD = "bad"
    WARN = "warn"


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
        (`bot.domain.text.display_name`), on every platform and the console."""
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
class Button:
    """A button on a card; `value` comes back to the core when it is pressed."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Image:
    """A picture on a card: PNG bytes, the text that stands in for it, and its file name.

    `alt` is plain text (no mentions, no links): screen readers and a client that cannot show
    the picture get it; the card's own text holds everything the picture shows."""

    png: bytes
    alt: str
    filename: str  # a plain name ending in .png, the same for every card of its kind

    def __repr__(self) -> str:  # a card in a log line must not dump kilobytes of PNG
        return f"Image({self.filename!r}, {len(self.png)} bytes)"


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file that goes with a card (`/export`, `/review export`, `/my-data`): each adapter
    delivers it in one place: Slack uploads it to the person's DM with the bot, Discord
    attaches it to the (private or direct) reply, the console writes it into its files
    folder. Unlike an `Image` it is never shown in a channel."""

    name: str
    data: bytes = field(repr=False)
    mime: str = "application/json"


@dataclass(frozen=True, slots=True)
class Card:
    """A platform-neutral reply. Adapters render it; they never add game logic.

    `action` names what buttons and answer forms on the card feed: the text of a
    `bot.domain.actions.Action` (``quiz:<round id>``...), which adapters carry in their ids
    as is and parse back with `Action.parse`, so a click still lands after a restart.
    `interview_controls`: the card is an interview question, which offers Skip and End
    (and Hint, when `hint`).
    """

    title: str
    text: str = ""
    fields: tuple[tuple[str, str], ...] = ()
    buttons: tuple[Button, ...] = ()
    action: str = ""
    answer_form: bool = False  # the card wants a free-text (or code) answer
    code_answer: bool = False
    interview_controls: bool = False
    hint: bool = False  # an interview question: also offers a Hint button
    visibility: Visibility = Visibility.PUBLIC
    footer: str = ""
    color: Color = Color.INFO
    image: Image | None = None  # a chart beside the text (bot/charts); the text stands alone
    file: Attachment | None = None


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


Posted = Callable[[Card, str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Reply:
    """What a command returns: cards for the caller, plus any for channels.

    `posted`, when set, is the core's own record keeping: the adapter calls it with each
    public card it posted and the message's ref (a quiz round edits its post on close), and
    needs to know nothing of what the card is."""

    cards: tuple[Card, ...] = ()
    outgoing: tuple[Outgoing, ...] = field(default=())
    posted: Posted | None = None


class UserError(Exception):
    """Something the user asked that cannot be done; the message is shown as is."""
