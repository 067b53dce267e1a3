"""A team admin imports another tool's file and exports the team's packs, leaderboard and
answers; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from bot.domain.values import Attachment, UserError, Visibility
from bot.questions.imports import convert
from bot.services.container import Core
from tests.support.builders import answer_row, where

DATA = Path(__file__).parents[1] / "data" / "imports"
ADMIN = where("boss", admin=True)


async def exported(core: Core, what: str, arg: str = "") -> tuple[Attachment, str]:
    """The file of an export and what its card says (the admin alone sees it)."""
    card = await core.exports.export(ADMIN, what, arg)
    assert card.file is not None and card.visibility is Visibility.EPHEMERAL
    return card.file, card.text


def rows_of(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


async def test_an_admin_imports_a_red_list_and_the_team_plays_it(core: Core) -> None:
    data = (DATA / "red_programming.yaml").read_bytes()
    card = await core.banks.import_file(ADMIN, data, "red_programming.yaml")
    assert card.title == "Pack 'red_programming' imported"
    assert card.text.startswith("Read as Red-DiscordBot trivia list (YAML). 15 question(s)")
    # a check's warning names the line of the file the admin wrote, not of the converted YAML
    assert "red_programming.yaml:8: accepted[0]: accepted answer 'C' is only 1 letter" in (
        card.text
    )
    bank = await core.banks.for_team(ADMIN.platform, ADMIN.team)
    q = bank.get("red_programming/q1")
    assert q is not None and q.accepted == ("Guido van Rossum",)
    other = await core.banks.for_team(ADMIN.platform, "someone-else")
    assert other.get("red_programming/q1") is None


@pytest.mark.parametrize(
    "name", ["opentdb_response.json", "moodle_examples.gift.txt", "kahoot_quiz.xlsx"]
)
async def test_each_format_imports_as_a_team_pack(core: Core, name: str) -> None:
    card = await core.banks.import_file(ADMIN, (DATA / name).read_bytes(), name)
    pack = convert((DATA / name).read_bytes(), name).pack
    assert card.title == f"Pack '{pack.id}' imported"
    assert [p.pack_id for p in await core.store.team_packs(ADMIN.platform, ADMIN.team)] == [pack.id]


async def test_a_broken_file_names_line_and_field_and_stores_nothing(core: Core) -> None:
    with pytest.raises(UserError) as e:
        await core.banks.import_file(
            ADMIN, (DATA / "moodle_aiken_errors.txt").read_bytes(), "errors.txt"
        )
    assert str(e.value).startswith(
        "The pack was not imported:\n"
        "errors.txt:1: options: a question needs at least 2 options (found 1)\n"
    )
    assert await core.store.team_packs(ADMIN.platform, ADMIN.team) == []


async def test_only_an_admin_imports_or_exports(core: Core) -> None:
    member = where("pat")
    data = (DATA / "moodle_questions.aiken.txt").read_bytes()
    with pytest.raises(UserError, match="Only an admin of this team can change its question"):
        await core.banks.import_file(member, data, "a.txt")
    for what in ("packs", "leaderboard", "answers"):
        with pytest.raises(UserError, match="Only an admin of this team can export its data"):
            await core.exports.export(member, what)
    assert await core.store.team_packs(member.platform, member.team) == []


async def test_packs_export_as_the_yaml_that_imports_again(core: Core) -> None:
    with pytest.raises(UserError, match="no packs of its own"):
        await core.exports.export(ADMIN, "packs")
    await core.banks.import_file(ADMIN, (DATA / "opentdb_response.json").read_bytes(), "t.json")
    one, _ = await exported(core, "packs")
    assert one.name == "t.yaml"
    again = convert(one.data, one.name)
    assert (
        again.pack.questions
        == convert((DATA / "opentdb_response.json").read_bytes(), "t.json").pack.questions
    )
    assert b"CC BY-SA 4.0" in one.data  # the attribution travels with the pack
    await core.banks.import_file(ADMIN, (DATA / "kahoot_quiz.xlsx").read_bytes(), "k.xlsx")
    both, said = await exported(core, "packs")
    assert both.name == "packs.zip" and said == "2 packs, one YAML file each."
    with zipfile.ZipFile(io.BytesIO(both.data)) as z:
        assert sorted(z.namelist()) == ["k.yaml", "t.yaml"]
        assert convert(z.read("k.yaml"), "k.yaml").pack.id == "k"
    just, _ = await exported(core, "packs", "k")
    assert just.name == "k.yaml"
    with pytest.raises(UserError, match="no pack 'nope'"):
        await core.exports.export(ADMIN, "packs", "nope")


async def test_leaderboard_csv_ranks_everyone_and_neutralises_formulas(core: Core) -> None:
    for i, (user, name, points) in enumerate(
        [
            ("u1", '=HYPERLINK("http://evil","x")', 30),
            ("u2", "Zoë", 20),
            ("u3", "+1-555", 10),
            ("u4", "@SUM(A1)", 5),
        ]
    ):
        await core.store.record_answer(
            answer_row(user, f"quiz:r{i}", points=points, ms=1_000 + i, name=name)
        )
    await core.store.record_answer(answer_row("x9", "quiz:r9", points=99, team="other-team"))
    f, said = await exported(core, "leaderboard", "all")
    assert f.name == "leaderboard-all.csv"
    rows = rows_of(f.data)
    assert rows[0] == ["rank", "user_id", "display_name", "points", "answers", "correct"]
    assert rows[1:] == [
        ["1", "u1", '\'=HYPERLINK("http://evil","x")', "30", "1", "1"],
        ["2", "u2", "Zoë", "20", "1", "1"],
        ["3", "u3", "'+1-555", "10", "1", "1"],
        ["4", "u4", "'@SUM(A1)", "5", "1", "1"],
    ]
    assert said == "Leaderboard · all time: 4 player(s)."


async def test_answers_csv_has_every_answer_of_the_team_and_nothing_runs(core: Core) -> None:
    await core.store.record_answer(answer_row("u1", "quiz:r1", "t-q", ms=86_400_000, name="Ann"))
    wrong = answer_row("u2", "quiz:r1", "t-q", ms=86_401_500, correct=False, name="-Bob")
    from dataclasses import replace

    await core.store.record_answer(replace(wrong, answer="=1+1"))
    await core.store.record_answer(answer_row("x9", "quiz:r9", team="other-team"))
    f, said = await exported(core, "answers")
    rows = rows_of(f.data)
    assert rows[0][:6] == [
        "answered_at_utc",
        "day",
        "user_id",
        "display_name",
        "channel",
        "question_id",
    ]
    body = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert [(r["user_id"], r["display_name"], r["answer"], r["correct"]) for r in body] == [
        ("u1", "Ann", "answer of u1", "yes"),
        ("u2", "'-Bob", "'=1+1", "no"),
    ]
    assert body[0]["answered_at_utc"] == "1970-01-02T00:00:00Z"
    assert body[1]["seconds"] == "1.5"
    assert said == "2 answer(s)."
    with pytest.raises(UserError, match="Export what"):
        await core.exports.export(ADMIN, "everything")
