"""Discord's size limits, and cutting text to fit them without breaking Markdown code blocks."""

from __future__ import annotations

TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
EMBED_TOTAL = 6000
BUTTONS = 25  # 5 rows of 5
MODAL_TITLE = 45
ALT_TEXT = 1024  # an attachment's description (alt text)
UPLOAD_BYTES = 8 * 1024 * 1024  # a message's files, for a server without boosts
_FENCE = "```"


def clip_block(text: str, n: int) -> str:
    """At most `n` characters, line breaks kept; a code block cut open is closed again."""
    if len(text) <= n:
        return text
    cut = text[: max(0, n - len(_FENCE) - 2)].rstrip()
    if cut.count(_FENCE) % 2:
        return cut + "…\n" + _FENCE
    return text[: n - 1].rstrip() + "…"
