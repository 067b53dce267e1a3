"""Small text helpers shared by the services."""

from __future__ import annotations

import unicodedata


def clip(text: str, n: int) -> str:
    """One line of at most `n` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def clean(text: str) -> str:
    """Text as it may be stored and shown: a lone surrogate (JSON `"\\ud800"`, bytes decoded
    with surrogateescape) becomes U+FFFD; UTF-8 cannot encode it, so SQLite and the
    platforms would refuse the whole text."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text


_NAME_CHARS = 100  # longer than any platform's display name (Discord 32, Slack 80)


def display_name(name: str) -> str:
    """A person's name as the bot shows it to others: no format characters (zero-width
    spaces and joiners, bidi overrides and isolates, the BOM: every Unicode `Cf`), no
    control characters (NUL, escapes; line breaks become spaces), so `Ali\\u200bce` cannot
    pass for Alice and an RTL override cannot flip the rest of a line. Whitespace is
    collapsed; the result may be empty (then show the user id)."""
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in clean(name)
        if ch.isspace() or unicodedata.category(ch) not in _HIDDEN_CATEGORIES
    )
    return clip(kept, _NAME_CHARS)


_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
