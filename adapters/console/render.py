"""Cards as rich panels for the terminal."""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.text import Text

from bot.domain.values import Card, Visibility

_COLORS = {"info": "cyan", "good": "green", "bad": "red", "warn": "yellow"}


def panel(card: Card) -> Panel:
    """A card as a panel: its text and fields (Markdown bold dropped), how to answer, footer."""
    body: list[Text] = []
    if card.text:
        body.append(Text(card.text.replace("**", "")))
    for name, value in card.fields:
        body.append(Text.assemble((f"{name}\n", "bold"), value.replace("**", "")))
    if card.buttons:
        body.append(
            Text(
                "  ".join(f"[{b.label}]" for b in card.buttons)
                + "   → /answer "
                + card.buttons[0].value
                + " …",
                style="bold",
            )
        )
    elif card.answer_form:
        body.append(
            Text(
                "→ /answer your answer"
                + (
                    " (code: write it on one line with \\n for newlines)"
                    if card.code_answer
                    else ""
                ),
                style="bold",
            )
        )
    if card.footer:
        body.append(Text(card.footer, style="dim"))
    who = " (only you)" if card.visibility is not Visibility.PUBLIC else ""
    return Panel(
        Group(*body) if body else Text(""),
        title=Text(card.title + who),
        title_align="left",
        border_style=_COLORS.get(card.color, "cyan"),
    )
