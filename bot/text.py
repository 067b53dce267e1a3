"""Small text helpers shared by the services."""

from __future__ import annotations


def clip(text: str, n: int) -> str:
    """One line of at most `n` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
