"""Cards as Block Kit: what a Slack user sees, within Slack's limits, whatever the content."""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.slack import ids
from adapters.slack.render import (
    TEXT_CHARS,
    answer_modal,
    card_message,
    chunks,
    cut,
    escape,
    mrkdwn,
    notice,
)
from bot.domain.actions import Action
from bot.domain.values import Button, Card, UserError


def texts(message: dict[str, Any]) -> list[str]:
    """Every mrkdwn text in a message's attachment blocks."""
    out = []
    for block in message["attachments"][0]["blocks"]:
        if "text" in block and isinstance(block["text"], dict):
            out.append(block["text"]["text"])
        out.extend(f["text"] for f in block.get("fields") or [])
        out.extend(e["text"] for e in block.get("elements") or [] if e.get("type") == "mrkdwn")
    return out


def test_user_text_is_escaped_and_markdown_becomes_mrkdwn() -> None:
    assert escape("<!channel> <@U1> & <#C1>") == "&lt;!channel&gt; &lt;@U1&gt; &amp; &lt;#C1&gt;"
    assert mrkdwn("**bold** and `code`") == "*bold* and `code`"
    assert mrkdwn("```python\nx = 2**3**2\n```") == "```\nx = 2**3**2\n```"


def test_a_question_card_has_a_title_line_a_color_bar_and_buttons() -> None:
    card = Card(
        title="Quiz · web ★☆☆",
        text="Which code?\n\n**A)** 404",
        buttons=(Button("A", "A"), Button("B", "B")),
        action="quiz:r1",
        footer="60 s to answer",
        color="good",
    )
    msg = card_message(card)
    assert msg["text"] == "*Quiz · web ★☆☆*"
    [att] = msg["attachments"]
    assert att["color"] == "#2EB67D" and att["fallback"].startswith("Quiz · web")
    section, actions, footer = att["blocks"]
    assert section["text"] == {
        "type": "mrkdwn",
        "text": "Which code?\n\n*A)* 404",
        "verbatim": True,
    }
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [
        ("ib:quiz:r1:A", "A"),
        ("ib:quiz:r1:B", "B"),
    ]
    assert footer["type"] == "context"


def test_choice_ids_round_trip() -> None:
    assert ids.parse_choice(ids.choice("quiz:r1", "B"), "B") == ("quiz:r1", "B")
    assert ids.parse_choice("ib:interview:s1:0:C", None) == ("interview:s1:0", "C")
    assert ids.action(ids.SKIP, "ibs:interview:s1:0") == Action.interview("s1", 0)
    with pytest.raises(UserError, match="no longer in use"):
        ids.action(ids.FORM, "ibf:poll:r1")


def test_huge_cards_are_cut_to_slack_limits_without_crashing() -> None:
    card = Card(
        title="T" * 400,
        text=("word " * 40 + "\n") * 400,
        fields=tuple((f"name {i}" * 30, "v" * (i * 40)) for i in range(80)),
        buttons=tuple(Button("label " * 30, chr(65 + i)) for i in range(10)),
        action="quiz:r1",
        footer="f" * 5000,
    )
    msg = card_message(card)  # the slack_sdk models validate every limit while serialising
    blocks = msg["attachments"][0]["blocks"]
    assert len(blocks) <= 50
    assert len(msg["text"]) <= 152
    assert all(len(t) <= TEXT_CHARS for t in texts(msg))
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert len(buttons) == 10 and all(len(b["text"]["text"]) <= 75 for b in buttons)
    assert "more" in json.dumps(blocks[-3:])  # the fields that did not fit are counted


def test_a_button_whose_id_would_be_too_long_is_left_out() -> None:
    card = Card(title="Q", buttons=(Button("A", "x" * 300), Button("B", "B")), action="quiz:r")
    actions = [b for b in card_message(card)["attachments"][0]["blocks"] if b["type"] == "actions"]
    assert [e["value"] for e in actions[0]["elements"]] == ["B"]


def test_code_fences_survive_being_split() -> None:
    text = "intro\n```\n" + "line of code\n" * 600 + "```\nafter"
    pieces = chunks(text, 3000, 4)
    assert len(pieces) > 1 and all(len(p) <= 3000 for p in pieces)
    assert all(p.count("```") % 2 == 0 for p in pieces)
    assert cut("&amp;" * 1000, 100).endswith("…")
    assert not cut("a" * 94 + "&amp;" * 10, 100).rstrip("…").endswith("&am")


def test_answer_forms_and_interview_buttons() -> None:
    card = Card(
        title="Question 1/2",
        text="Write a function",
        action="interview:s1:0",
        answer_form=True,
        code_answer=True,
        interview_controls=True,
    )
    [actions] = [
        b for b in card_message(card)["attachments"][0]["blocks"] if b["type"] == "actions"
    ]
    assert [e["action_id"] for e in actions["elements"]] == [
        "ibc:interview:s1:0",
        "ibs:interview:s1:0",
        "ibe:interview:s1:0",
    ]
    assert actions["elements"][2]["confirm"]  # ending asks first

    modal = answer_modal(
        "interview:s1:0",
        code=True,
        multiline=True,
        prompt="Write it",
        meta={"c": "C1", "r": "https://hooks.slack.com/x"},
    )
    assert modal["callback_id"] == "ibm:interview:s1:0"
    assert json.loads(modal["private_metadata"]) == {"c": "C1", "r": "https://hooks.slack.com/x"}
    element = modal["blocks"][-1]["element"]
    assert element["multiline"] is True and element["max_length"] == 3000


def test_console_command_hints_read_as_slack_commands() -> None:
    assert notice("Unknown command '/dance'. Try /help.")["text"].endswith("Try /quiz help.")
    intro = card_message(Card(title="Mock interview", text="/skip to pass, /end to stop."))
    assert "/interview skip to pass, /interview end to stop." in json.dumps(intro)
    question = card_message(
        Card(title="Q", text="What does GET /help return?", action="quiz:r", answer_form=True)
    )
    assert "GET /help return" in json.dumps(question)  # a question is shown as written


def test_the_manifest_declares_every_command_and_setting() -> None:
    from pathlib import Path

    import yaml

    from adapters.slack.handlers import COMMANDS

    manifest = yaml.safe_load(
        (Path(__file__).parents[2] / "adapters" / "slack" / "manifest.yaml").read_text("utf-8")
    )
    commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert commands == {f"/{name}" for name in COMMANDS}
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == [
        "app_home_opened",
        "app_uninstalled",
        "tokens_revoked",
        "message.im",  # the DM only: the bot never reads channel messages
    ]
    from adapters.slack.oauth import BOT_SCOPES

    assert set(manifest["oauth_config"]["scopes"]["bot"]) == set(BOT_SCOPES)  # OAuth asks the same
    assert {"commands", "chat:write", "im:write", "users:read", "files:read"} <= set(BOT_SCOPES)


def test_the_manifest_says_each_thing_once() -> None:
    """A key written twice in YAML silently keeps the last (the /appeals entry once showed
    /questions' description that way)."""
    from collections import Counter
    from pathlib import Path

    import yaml

    class Strict(yaml.SafeLoader):
        pass

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> object:
        keys = Counter(loader.construct_object(k) for k, _ in node.value)
        twice = sorted(str(k) for k, n in keys.items() if n > 1)
        assert not twice, f"line {node.start_mark.line + 1}: {twice} written twice"
        return loader.construct_mapping(node)

    Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    path = Path(__file__).parents[2] / "adapters" / "slack" / "manifest.yaml"
    manifest = yaml.load(path.read_text("utf-8"), Strict)
    names = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert len(names) == len(set(names))
