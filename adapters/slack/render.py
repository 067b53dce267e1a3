"""Cards as Block Kit: escaped mrkdwn, Slack's size limits, a color bar per card.

Everything a card says is escaped (`&`, `<`, `>`) and sent with `verbatim` on, so a name or
an answer that reads `<!channel>` or `<@U123>` shows as text and pings nobody. The slack_sdk
block models check Slack's limits when serialised; we cut content to fit before that.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from slack_sdk.models.attachments import BlockAttachment
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.blocks.block_elements import FileInputElement
from slack_sdk.models.views import View

from adapters.slack import ids
from bot.domain.text import clip
from bot.domain.values import Card
from bot.questions.imports import IMPORTABLE

log = logging.getLogger(__name__)

COLORS = {"info": "#1D9BD1", "good": "#2EB67D", "bad": "#E01E5A", "warn": "#ECB22E"}
MAX_BLOCKS = 50  # per message; a Home tab takes 100
TEXT_CHARS = SectionBlock.text_max_length  # 3000
FIELD_CHARS = 2000  # one entry of a section's `fields`
TITLE_CHARS = HeaderBlock.text_max_length  # 150
LABEL_CHARS = ButtonElement.text_max_length  # 75
MAX_BUTTONS = ActionsBlock.elements_max_length  # 25
TEXT_SECTIONS = 4  # a card's text is cut after 4 sections (12,000 characters)
INPUT_CHARS = 3000  # the most a plain_text_input takes
SHORT_FIELD = 120  # fields this short sit side by side, two columns
FALLBACK_CHARS = 300

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
_FENCE_LANG = re.compile(r"```[\w+-]+\n")
_TRAILING_ENTITY = re.compile(r"&[a-z]{0,4}$")
# The core's hints name the console's commands; Slack has these instead.
_COMMAND_HINTS = {"help": "/quiz help", "skip": "/interview skip", "end": "/interview end"}
_HINT = re.compile(r"(?<![\w/`])/(help|skip|end)\b")


def escape(text: str) -> str:
    """Slack's three control characters; after this no `<!here>` or `<@U1>` is live."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str) -> str:
    """The core's light Markdown (`**bold**`, code fences) as escaped Slack mrkdwn."""
    parts = escape(text).split("```")
    for i in range(0, len(parts), 2):  # outside code fences only
        parts[i] = _BOLD.sub(r"*\1*", parts[i])
    return _FENCE_LANG.sub("```\n", "```".join(parts))


def slack_commands(text: str) -> str:
    """`Try /help` as `Try /quiz help`: the core's hints in Slack's command names."""
    return _HINT.sub(lambda m: _COMMAND_HINTS[m.group(1)], text)


def cut(text: str, limit: int) -> str:
    """At most `limit` characters, newlines kept; a cut never leaves a half entity or an
    open code fence."""
    if len(text) <= limit:
        return text
    out = _trim(text, limit - 4)
    return out + "\n```" if out.count("```") % 2 else out


def _trim(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return _TRAILING_ENTITY.sub("", text[: limit - 1]) + "…"


def chunks(text: str, limit: int, most: int) -> list[str]:
    """Split at line ends into at most `most` pieces of at most `limit` characters; a code
    fence split across pieces is closed at the end of one and reopened in the next."""
    room = limit - 8  # to close and reopen a fence
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= room:
            current = candidate
            continue
        if current:
            pieces.append(current)
        current = line
        while len(current) > room:
            m = _TRAILING_ENTITY.search(current[:room])
            at = m.start() if m and m.start() > 0 else room
            pieces.append(current[:at])
            current = current[at:]
    if current:
        pieces.append(current)
    if len(pieces) > most:
        pieces = [*pieces[: most - 1], _trim("\n".join(pieces[most - 1 :]), room)]
    out: list[str] = []
    fence_open = False
    for piece in pieces:
        shown = "```\n" + piece if fence_open else piece
        if piece.count("```") % 2:
            fence_open = not fence_open
        out.append(shown + "\n```" if fence_open else shown)
    return out


def md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text, verbatim=True)


def plain(text: str, limit: int) -> PlainTextObject:
    return PlainTextObject(text=clip(text, limit) or " ", emoji=True)


# --- cards ----------------------------------------------------------------------------------


def card_blocks(card: Card, *, header: bool = True, max_blocks: int = MAX_BLOCKS) -> list[Block]:
    """A card as blocks: [header] text, fields, buttons, footer, within `max_blocks`."""
    # question cards (they have an action) are shown exactly as written
    hints = (lambda t: t) if card.action else slack_commands
    head: list[Block] = [HeaderBlock(text=plain(card.title, TITLE_CHARS))] if header else []
    body = [
        SectionBlock(text=md(p))
        for p in chunks(mrkdwn(hints(card.text)), TEXT_CHARS, TEXT_SECTIONS)
        if p.strip()
    ]
    tail: list[Block] = []
    buttons = _buttons(card)
    if buttons:
        tail.append(ActionsBlock(elements=buttons))
    if card.footer:
        tail.append(ContextBlock(elements=[md(cut(mrkdwn(hints(card.footer)), FIELD_CHARS))]))
    room = max_blocks - len(head) - len(body) - len(tail)
    return [*head, *body, *_field_blocks(card.fields, room), *tail]


def _field_blocks(fields: tuple[tuple[str, str], ...], room: int) -> list[Block]:
    """Short fields two to a row (10 per section); long ones a section each."""
    out: list[Block] = []
    group: list[MarkdownTextObject] = []
    shown = 0
    for name, value in fields:
        if len(out) + (1 if group else 0) >= room - 1:
            break
        short = len(name) + len(value) <= SHORT_FIELD and value.count("\n") < 3
        text = f"*{escape(clip(name, 200))}*\n{mrkdwn(value)}"
        if short:
            group.append(md(cut(text, FIELD_CHARS)))
            if len(group) == SectionBlock.fields_max_length:
                out.append(SectionBlock(fields=group))
                group = []
        else:
            if group:
                out.append(SectionBlock(fields=group))
                group = []
            out.append(SectionBlock(text=md(cut(text, TEXT_CHARS))))
        shown += 1
    if group:
        out.append(SectionBlock(fields=group))
    if shown < len(fields):
        out.append(ContextBlock(elements=[md(f"…and {len(fields) - shown} more")]))
    return out


def _buttons(card: Card) -> list[ButtonElement]:
    if not card.action:
        return []
    out: list[ButtonElement] = []
    for b in card.buttons[: MAX_BUTTONS - 2]:
        action_id = ids.choice(card.action, b.value)
        if len(action_id) > ids.MAX_ID or len(b.value) > ButtonElement.value_max_length:
            log.warning(
                "button %r on %r does not fit Slack's limits; left out", b.label, card.action
            )
            continue
        out.append(
            ButtonElement(text=plain(b.label, LABEL_CHARS), action_id=action_id, value=b.value)
        )
    if card.answer_form and not card.buttons:
        prefix = ids.CODE_FORM if card.code_answer else ids.FORM
        label = "Write your code" if card.code_answer else "Answer"
        out.append(ButtonElement(text=label, action_id=_fit(prefix + card.action), style="primary"))
    if card.interview_controls:
        if card.hint:
            out.append(ButtonElement(text="Hint", action_id=_fit(ids.HINT + card.action)))
        out.append(ButtonElement(text="Skip", action_id=_fit(ids.SKIP + card.action)))
        out.append(
            ButtonElement(
                text="End interview",
                action_id=_fit(ids.END + card.action),
                style="danger",
                confirm=ConfirmObject(
                    title="End the interview?",
                    text="You get the report for what you answered so far.",
                    confirm="End it",
                    deny="Keep going",
                ),
            )
        )
    return out


def _fit(some_id: str) -> str:
    if len(some_id) > ids.MAX_ID:
        raise ValueError(f"id longer than {ids.MAX_ID} characters: {some_id[:40]}…")
    return some_id


def card_message(card: Card) -> dict[str, Any]:
    """Arguments for chat.postMessage / chat.update / a response_url: the title as the
    message line (notifications show it), the rest in a colored attachment."""
    title = f"*{escape(clip(card.title, TITLE_CHARS))}*"
    blocks = card_blocks(card, header=False)
    if not blocks:
        return {"text": title}
    fallback = clip(f"{card.title}: {card.text}" if card.text else card.title, FALLBACK_CHARS)
    attachment = BlockAttachment(
        blocks=blocks, color=COLORS.get(card.color, COLORS["info"]), fallback=escape(fallback)
    )
    return {"text": title, "attachments": [attachment.to_dict()]}


def notice(text: str) -> dict[str, Any]:
    """A short message (an error, a hint) as message arguments."""
    return {"text": cut(mrkdwn(slack_commands(text)), TEXT_CHARS)}


# --- modals ---------------------------------------------------------------------------------


def answer_modal(
    action: str, *, code: bool, multiline: bool, prompt: str, meta: dict[str, str]
) -> dict[str, Any]:
    """The answer form; `prompt` is mrkdwn we rendered before (the question's text)."""
    blocks: list[Block] = []
    if prompt.strip():
        blocks.append(SectionBlock(text=md(cut(prompt, TEXT_CHARS))))
    blocks.append(
        InputBlock(
            block_id="answer",
            label="Your code" if code else "Your answer",
            element=PlainTextInputElement(
                action_id="text",
                multiline=code or multiline,
                max_length=INPUT_CHARS,
                placeholder="def solution(...):" if code else "Write your answer",
            ),
        )
    )
    return View(
        type="modal",
        callback_id=_fit(ids.MODAL + action),
        title="Your answer",
        submit="Send",
        close="Cancel",
        private_metadata=_meta(meta),
        blocks=blocks,
    ).to_dict()


def import_modal(meta: dict[str, str]) -> dict[str, Any]:
    """Add a team pack: upload a file (ours or another tool's questions), or paste one."""
    blocks: list[Block] = [
        SectionBlock(
            text=md(
                "Upload a question pack, or paste one below: our YAML, or questions from "
                "Red trivia, Open Trivia DB, Moodle GIFT or Aiken, Kahoot (.xlsx) or our CSV. "
                "A file with any error is refused whole, with every error listed."
            )
        ),
        InputBlock(
            block_id="file",
            label="File",
            optional=True,
            element=FileInputElement(
                action_id="file", filetypes=[t.lstrip(".") for t in IMPORTABLE], max_files=1
            ),
        ),
        InputBlock(
            block_id="paste",
            label="…or paste the pack",
            optional=True,
            element=PlainTextInputElement(action_id="text", multiline=True, max_length=INPUT_CHARS),
        ),
    ]
    return View(
        type="modal",
        callback_id=ids.IMPORT,
        title="Import questions",
        submit="Import",
        close="Cancel",
        private_metadata=_meta(meta),
        blocks=blocks,
    ).to_dict()


def _meta(meta: dict[str, str]) -> str:
    text = json.dumps(meta, separators=(",", ":"))
    if len(text) > View.private_metadata_max_length:  # a response_url is ~100 characters
        text = json.dumps({k: v for k, v in meta.items() if k != "r"})
    return text


def home_view(blocks: list[Block]) -> dict[str, Any]:
    return View(type="home", blocks=blocks[:100]).to_dict()
