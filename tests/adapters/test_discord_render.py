"""Cards as Discord embeds and components: Discord's limits hold for any content."""

from __future__ import annotations

import discord

from adapters.discord import limits
from adapters.discord.render import embed_for, view_for
from adapters.discord.views import (
    AnswerButton,
    FormButton,
    answer_modal,
    parse_modal_id,
    submitted_text,
)
from bot.domain.values import Button, Card

TEAM = "1200000000000000002"


def test_long_content_is_cut_to_discord_limits() -> None:
    card = Card(
        title="T" * 400,
        text="x" * 9000,
        footer="f" * 3000,
        fields=tuple((f"name {i} " + "n" * 300, "v" * 2000) for i in range(30)),
    )
    e = embed_for(card)
    assert len(e.title or "") <= limits.TITLE
    assert len(e.description or "") <= limits.DESCRIPTION
    assert len(e.footer.text or "") <= limits.FOOTER
    assert len(e.fields) <= limits.FIELDS
    assert all(len(f.name or "") <= limits.FIELD_NAME for f in e.fields)
    assert all(len(f.value or "") <= limits.FIELD_VALUE for f in e.fields)
    assert len(e) <= limits.EMBED_TOTAL
    assert (e.description or "").endswith("…")


def test_many_fields_keep_a_note_of_what_was_left_out() -> None:
    e = embed_for(Card(title="Report", fields=tuple((f"q{i}", "ok") for i in range(30))))
    assert len(e.fields) == 25
    assert (e.fields[-1].name, e.fields[-1].value) == ("…", "and 6 more")


def test_a_cut_code_block_is_closed_again() -> None:
    code = "```python\n" + "x = 1\n" * 400 + "```"
    e = embed_for(Card(title="Feedback", fields=(("A reference solution", code),)))
    value = e.fields[0].value or ""
    assert len(value) <= limits.FIELD_VALUE
    assert value.count("```") == 2 and value.endswith("```")


def test_empty_values_and_colors() -> None:
    e = embed_for(Card(title="Scores", fields=(("", ""),), color="bad"))
    assert e.fields[0].name == e.fields[0].value == "\u200b"
    assert e.colour == discord.Colour.red()
    assert embed_for(Card(title="x", color="nonsense")).colour == discord.Colour.blurple()


def test_choice_buttons_carry_team_action_and_value() -> None:
    card = Card(title="Q", action="quiz:abc123", buttons=tuple(Button(v, v) for v in "ABCD"))
    view = view_for(card, TEAM)
    assert view is not None and view.timeout is None
    ids = [item.custom_id for item in view.children]  # type: ignore[attr-defined]
    assert ids == [f"ib:b:{TEAM}:quiz:abc123:{v}" for v in "ABCD"]
    match = AnswerButton.__discord_ui_compiled_template__.fullmatch(ids[1])
    assert match and (match["team"], match["action"], match["value"]) == (TEAM, "quiz:abc123", "B")


def test_an_answer_form_becomes_a_button_and_a_modal() -> None:
    action = "interview:" + "f" * 32 + ":12"
    view = view_for(Card(title="Q", action=action, answer_form=True, code_answer=True), TEAM)
    assert view is not None
    [item] = view.children
    assert item.custom_id == f"ib:c:{TEAM}:{action}"  # type: ignore[attr-defined]
    assert len(item.custom_id) <= 100  # type: ignore[attr-defined]
    match = FormButton.__discord_ui_compiled_template__.fullmatch(item.custom_id)  # type: ignore[attr-defined]
    assert match and match["action"] == action and match["kind"] == "c"

    modal = answer_modal(TEAM, action, code=True, multiline=True, title="T" * 80, prompt="p" * 5000)
    payload = modal.to_dict()
    assert len(payload["title"]) <= limits.MODAL_TITLE
    assert parse_modal_id(payload["custom_id"]) == (TEAM, action)
    assert len(payload["components"][0]["content"]) <= 1500


def test_cards_without_an_action_or_with_unencodable_buttons_have_no_view() -> None:
    assert view_for(Card(title="Leaderboard"), TEAM) is None
    assert view_for(Card(title="Q", buttons=(Button("A", "A"),)), TEAM) is None
    assert view_for(Card(title="Q", action="quiz:1", buttons=(Button("x", "a:b"),)), TEAM) is None
    many = Card(
        title="Q", action="quiz:1", buttons=tuple(Button(str(i), str(i)) for i in range(30))
    )
    view = view_for(many, TEAM)
    assert view is not None and len(view.children) == limits.BUTTONS


def test_only_our_modals_are_taken() -> None:
    assert parse_modal_id("ib:m:dm:daily:r1") == ("dm", "daily:r1")
    assert parse_modal_id("something-else") is None
    assert parse_modal_id("ib:b:1:quiz:r:A") is None


def test_the_submitted_text_is_found_in_either_modal_layout() -> None:
    rows = {
        "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": "answer", "value": "GIL"}]}
        ]
    }
    labels = {
        "components": [
            {"type": 10},
            {"type": 18, "component": {"type": 4, "custom_id": "answer", "value": "def f(): pass"}},
        ]
    }
    assert submitted_text(rows) == "GIL"
    assert submitted_text(labels) == "def f(): pass"
    assert submitted_text({}) == ""
