"""Another tool's questions attached on Discord, and /export as an attachment, through the
real discord.py against the local fake Discord (tests/support/rig.py)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

from adapters.discord.platform import DiscordPlatform
from bot.services.container import Core
from tests.support import discord_rig as rig
from tests.support.builders import answer_row
from tests.support.fakes.discord_server import EPHEMERAL, GUILD_ID, FakeDiscord

DATA = Path(__file__).parents[1] / "data" / "imports"

fake, connect, bot = rig.fake, rig.connect, rig.bot
_no_silent_library_errors = rig._no_silent_library_errors


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


async def test_discord_an_open_trivia_db_attachment_is_imported(
    fake: FakeDiscord, bot: DiscordPlatform
) -> None:
    entry = fake.attachment("trivia.json", (DATA / "opentdb_response.json").read_bytes())
    ex = await fake.slash(
        "questions",
        {"file": entry["id"]},
        sub="import",
        types={"file": 11},
        resolved={"attachments": {entry["id"]: entry}},
        user=rig.ADMIN,
    )
    [done] = await ex.messages(1)
    shown = rig.embed(done)
    assert shown["title"] == "Pack 'trivia' imported"
    assert shown["description"].startswith("Read as Open Trivia Database response (JSON).")


async def test_discord_export_answers_is_an_attachment_only_the_admin_sees(
    fake: FakeDiscord, bot: DiscordPlatform, core: Core
) -> None:

    row = answer_row("42", "quiz:r1", "q-1", ms=1_000, name="@everyone")
    await core.store.record_answer(
        replace(row, platform="discord", team=str(GUILD_ID), answer="+SUM(1)")
    )
    ex = await fake.slash("export", {"what": "answers"}, user=rig.ALICE)
    cb = await ex.callback()
    assert cb["data"]["content"] == "Only members with the Manage Server permission can do that."

    ex = await fake.slash("export", {"what": "answers"}, user=rig.ADMIN)
    [sent] = await ex.messages(1)
    assert sent["flags"] & EPHEMERAL
    assert rig.embed(sent)["description"] == "1 answer(s)."
    [(_, name, data)] = fake.uploads
    rows = csv_rows(data)
    assert name == "answers.csv"
    assert rows[1][3] == "'@everyone" and rows[1][8] == "'+SUM(1)"
