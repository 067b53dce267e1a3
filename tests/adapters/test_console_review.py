"""/review at the terminal, through the console harness: a missed quiz question comes back,
is graded, the level shows in /stats, and the export is a file on disk."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.console.harness import ConsoleHarness
from bot.domain.values import Card
from bot.services.container import Core


@pytest.fixture
async def console(core: Core) -> AsyncIterator[ConsoleHarness]:
    yield ConsoleHarness(core, user="alice")


def pick(card: Card, text: str) -> str:
    for line in card.text.splitlines():
        if line.replace("**", "").endswith(f") {text}"):
            return line.replace("**", "")[0]
    raise AssertionError(f"no choice {text!r} in {card.text!r}")


async def test_a_missed_question_is_reviewed_the_next_day(console: ConsoleHarness) -> None:
    [question] = await console.ask("/quiz web")
    [wrong] = await console.ask(f"/answer {pick(question, '500')}")
    assert wrong.title == "Not this time"
    await console.advance(61)  # the round closes
    [status] = await console.ask("/review status")
    assert "0 of 1 item(s) due now" in status.text
    await console.advance(24 * 3600)
    [asked] = await console.ask("/review")
    assert asked.title.startswith("Review · web") and "Not Found" in asked.text
    [graded] = await console.ask(f"/review answer {pick(asked, '404')}")
    assert graded.title.startswith("Right") and "Next time" in graded.footer
    [again] = await console.ask("/review answer A")
    assert "Nothing to answer" in again.text and again.color == "warn"
    [stats] = await console.ask("/stats")
    assert "Level: web: junior" in stats.text


async def test_export_writes_an_anki_file(console: ConsoleHarness, tmp_path: Path) -> None:
    [nothing] = await console.ask(f"/review export {tmp_path}")
    assert "Nothing to export" in nothing.text
    [question] = await console.ask("/quiz web")
    await console.ask(f"/answer {pick(question, '500')}")
    [done, saved] = await console.ask(f"/review export {tmp_path}")
    path = tmp_path / "interview-bot-review.txt"
    assert "Anki" in done.text and saved.text == f"Saved {path}"
    text = path.read_text("utf-8")
    assert text.startswith("#separator:tab\n#html:false\n") and "Not Found" in text


async def test_reminder_set_and_off_at_the_terminal(console: ConsoleHarness) -> None:
    [on] = await console.ask("/review remind 7pm")
    assert "19:00 (UTC)" in on.text
    [shown] = await console.ask("/review remind")
    assert "19:00" in shown.text
    [off] = await console.ask("/review remind off")
    assert "off" in off.text
    [bad] = await console.ask("/review remind 99:99")
    assert "not a time of day" in bad.text
