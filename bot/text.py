"""Small text helpers shared by the services."""

from __future__ import annotations


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
