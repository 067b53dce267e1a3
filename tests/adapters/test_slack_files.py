"""Another tool's questions uploaded on Slack, and /export, through the real slack-bolt
against the local fake Slack (tests/support/slack_rig.py); the console's /export (the
console harness)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

from adapters.console.harness import ConsoleHarness
from bot.domain.records import AnswerRow
from bot.services.container import Core
from tests.support import slack_rig as rig
from tests.support.builders import answer_row
from tests.support.fakes.slack_api import TEAM, FakeSlack

DATA = Path(__file__).parents[1] / "data" / "imports"

Slack, flat = rig.Slack, rig.flat
fake, slack_settings, platform, slack = rig.fake, rig.slack_settings, rig.platform, rig.slack


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


# --- Slack ------------------------------------------------------------------------------


async def test_slack_a_gift_file_shared_in_the_channel_is_imported(
    slack: Slack, fake: FakeSlack
) -> None:
    fake.files["moodle.txt"] = (DATA / "moodle_examples.gift.txt").read_bytes()
    fake.users["U9"] = {"is_admin": True}
    done = await slack.reply(await slack.command("questions", "import moodle.txt", user="U9"))
    assert "Pack 'moodle' imported" in done and "Read as Moodle GIFT (text)" in done
    assert "moodle" in await slack.reply(await slack.command("questions", user="U9"))


async def test_slack_a_broken_kahoot_upload_names_the_row_and_imports_nothing(
    slack: Slack, fake: FakeSlack, core: Core
) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(DATA / "kahoot_quiz.xlsx")
    wb.worksheets[0]["H10"] = "2,3"  # two right answers in the second question
    buf = io.BytesIO()
    wb.save(buf)
    fake.files["quiz.xlsx"] = buf.getvalue()
    fake.users["U9"] = {"is_admin": True}
    said = await slack.reply(await slack.command("questions", "import quiz.xlsx", user="U9"))
    assert "quiz.xlsx: sheet 'Sheet1' row 10: Correct answer(s): several right answers" in said
    assert await core.store.team_packs("slack", TEAM) == []


async def test_slack_pasted_aiken_text_in_the_modal_is_imported(
    slack: Slack, fake: FakeSlack
) -> None:
    fake.users["U9"] = {"is_admin": True}
    key = await slack.command("questions", "import", user="U9")
    [opened] = await fake.wait_for("views.open")
    [upload] = [b for b in opened.args["view"]["blocks"] if b.get("block_id") == "file"]
    assert {"yaml", "txt", "json", "xlsx", "csv"} <= set(upload["element"]["filetypes"])
    pasted = (DATA / "moodle_questions.aiken.txt").read_text("utf-8")
    await slack.submit(
        "ib-import",
        {"paste": {"text": {"value": pasted}}},
        user="U9",
        private_metadata=opened.args["view"]["private_metadata"],
    )
    assert "Read as Moodle Aiken (text)" in await slack.reply(key)


async def test_slack_export_sends_the_admin_a_csv_in_a_dm(
    slack: Slack, fake: FakeSlack, core: Core
) -> None:
    await core.store.record_answer(_slack_row("U1", "=cmd|' /C calc'!A0", 12))
    refused = await slack.reply(await slack.command("export", "leaderboard"))
    assert "Only an admin of this team can export its data" in refused
    assert fake.of("files.getUploadURLExternal") == []

    fake.users["U9"] = {"is_admin": True}
    said = await slack.reply(await slack.command("export", "leaderboard all", user="U9"))
    assert "Leaderboard · all time: 1 player(s)" in said and "direct messages" in said
    [upload] = fake.uploads.values()
    assert upload["name"] == "leaderboard-all.csv" and upload["channel"] == "D9"
    rows = csv_rows(upload["data"])
    assert rows[1][1:4] == ["U1", "'=cmd|' /C calc'!A0", "12"]


def _slack_row(user: str, name: str, points: int) -> AnswerRow:
    return replace(
        answer_row(user, "quiz:r1", ms=5, name=name, points=points), platform="slack", team=TEAM
    )


async def test_slack_export_without_files_write_says_which_permission(
    slack: Slack, fake: FakeSlack, core: Core
) -> None:
    await core.store.record_answer(_slack_row("U1", "Ann", 3))
    fake.users["U9"] = {"is_admin": True}
    fake.queue("files.getUploadURLExternal", {"ok": False, "error": "missing_scope"})
    said = await slack.reply(await slack.command("export", "answers", user="U9"))
    assert "I need the files:write permission" in said


async def test_slack_my_data_without_files_write_says_which_permission(
    slack: Slack, fake: FakeSlack
) -> None:
    fake.queue("files.getUploadURLExternal", {"ok": False, "error": "missing_scope"})
    said = await slack.reply(await slack.command("my-data", user="U2"))
    assert "I need the files:write permission" in said
    [card] = fake.of("chat.postMessage")
    assert card.args["channel"] == "D2" and "Your data" in flat(card.args)  # the DM only
    assert fake.of("files.completeUploadExternal") == []


# --- console ----------------------------------------------------------------------------


async def test_console_export_writes_the_file_and_shows_its_path(
    core: Core, tmp_path: Path
) -> None:
    console = ConsoleHarness(core, user="me")
    console.session.files_dir = tmp_path
    await console.push(f"/questions import {DATA / 'red_programming.yaml'}")
    first = await console.ask("/export packs")
    second = await console.ask("/export packs")
    assert first[0].title == "Export: red_programming.yaml"
    assert first[-1].text.endswith(str(tmp_path / "red_programming.yaml"))
    assert second[-1].text.endswith(str(tmp_path / "red_programming-2.yaml"))  # never over one
    assert (tmp_path / "red_programming.yaml").read_bytes() == (
        tmp_path / "red_programming-2.yaml"
    ).read_bytes()
    assert "Guido van Rossum" in (tmp_path / "red_programming.yaml").read_text("utf-8")
