"""Item analytics through the services: answers where each question is broken in its own way,
the report naming each and why, resting from rotation, keep and retire, and the CSV."""

from __future__ import annotations

import asyncio
import csv
import io
import random
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.clock import FakeClock
from bot.commands import dispatch as commands
from bot.domain.values import UserError
from bot.questions.bank import QuestionBank
from bot.questions.parse import parse_pack
from bot.services.analytics import csv_safe, to_csv
from bot.services.container import Core, build_core
from interview_bot.config import Settings
from tests.support.builders import answer_row as ans
from tests.support.builders import where

OK = [f"ok{k}" for k in range(1, 7)]
BROKEN = ["nobody", "inverted", "strongmiss", "decoy"]
PLAYERS = 40


def _choice(qid: str, prompt: str | None = None) -> str:
    return f"""
  - id: {qid}
    kind: choice
    difficulty: 1
    prompt: "{prompt or "Question " + qid + "?"}"
    explanation: Because.
    choices:
      - text: right one
        correct: true
      - text: second
      - text: third
      - text: fourth
"""


PACK = (
    "id: items\ntitle: Items\ntopic: items\nversion: 1\nquestions:"
    + "".join(_choice(q) for q in [*OK, *BROKEN, "few"])
    + _choice("formula", '=HYPERLINK(\\"http://x\\")')
)


def right_for(qid: str, i: int) -> bool:
    """Player i (0 weakest .. 39 strongest) gets question qid right?"""
    if qid.startswith("ok"):
        return i >= 5 * int(qid[2:])  # the stronger, the more of these
    return {
        "nobody": False,
        "inverted": i < 10,
        "strongmiss": 10 <= i < 30,
        "decoy": i >= 30,
        "few": False,
        "formula": i >= 20,
    }[qid]


def picked(qid: str, i: int) -> str:
    if right_for(qid, i):
        return "A"
    if qid == "decoy":
        return "C"  # every wrong answer draws the same wrong choice
    return ["B", "c) third", "d"][i % 3]


async def play(core: Core) -> None:
    rows = []
    for i in range(PLAYERS):
        for n, qid in enumerate([*OK, *BROKEN, "formula"]):
            row = ans(
                f"p{i:02d}",
                f"quiz:{qid}",
                qid,
                correct=right_for(qid, i),
                ms=1_000 * (i % 10 + 1),
                topic="items",
            )
            rows.append(replace(row, answer=picked(qid, i), answered_ms=10_000 + n))
        if i < 8:
            rows.append(
                replace(
                    ans(f"p{i:02d}", "quiz:few", "few", correct=False, topic="items"), answer="B"
                )
            )
    await asyncio.gather(*(core.store.record_answer(r) for r in rows))


@pytest.fixture
async def icore(settings: Settings, clock: FakeClock) -> AsyncIterator[Core]:
    pack = parse_pack(PACK, "items.yaml")
    c = await build_core(
        settings, clock=clock, bank=QuestionBank(pack.questions), rng=random.Random(3)
    )
    yield c
    await c.close()


ADMIN = where("boss", admin=True)


async def test_the_report_names_each_broken_question_and_why(icore: Core) -> None:
    await play(icore)
    with pytest.raises(UserError, match="Only an admin"):
        await commands.dispatch(icore, where("p01"), "/questions report")
    [card] = (await commands.dispatch(icore, ADMIN, "/questions report")).cards
    assert card.title == "Question report: 4 question(s) look broken"
    why = {name.split(" ")[0]: value for name, value in card.fields}
    assert set(why) == set(BROKEN)  # not the healthy ones, nor `few` (8 answers)
    assert "nobody got it right in 40 answers" in why["nobody"]
    assert "negative discrimination" in why["inverted"]
    assert "the strongest players miss it: 0 of 10 right in the top 27 %" in why["strongmiss"]
    assert "wrong answer 'C) third' drew 30 against 10 for the right one" in why["decoy"]
    assert "negative discrimination" not in why["decoy"]  # the strong ones get it right
    assert "40 answers, 25% right" in why["decoy"]
    assert all(name.endswith("· rested") for name, _ in card.fields)
    # a topic filter
    [card] = (await commands.dispatch(icore, ADMIN, "/questions report items")).cards
    assert card.title.startswith("Question report on items: 4")
    with pytest.raises(UserError, match="Unknown topic"):
        await commands.dispatch(icore, ADMIN, "/questions report nosuch")


async def test_numbers_per_question(icore: Core) -> None:
    await play(icore)
    items = {i.question_id: i for i in await icore.analytics.items("test", "t1")}
    ok = items["ok2"]
    assert (ok.answers, ok.right, ok.median_s) == (40, 30, 5.5)
    assert ok.point_biserial is not None and ok.point_biserial > 0.5
    assert ok.upper_lower == 1.0 and ok.flags == ()
    assert [(o.label, o.count, o.right) for o in items["nobody"].options] == [
        ("A) right one", 0, True),
        ("B) second", 14, False),
        ("C) third", 13, False),
        ("D) fourth", 13, False),
    ]
    inv = items["inverted"]
    assert inv.point_biserial is not None and inv.point_biserial < -0.5
    assert inv.upper_lower == -1.0


async def test_rested_questions_are_not_picked_until_kept(icore: Core, clock: FakeClock) -> None:
    await play(icore)
    await commands.dispatch(icore, ADMIN, "/questions report")  # rests the broken ones

    async def picks(n: int) -> set[str]:
        got = set()
        for _ in range(n):
            await icore.quizzes.start(ADMIN)
            rnd = await icore.store.open_round_in("test", "t1", "c1", "quiz")
            assert rnd is not None
            got.add(rnd.question_id)
            await icore.quizzes.stop(ADMIN)
        return got

    seen = await picks(24)
    assert seen == {*OK, "few", "formula"}
    [card] = (await commands.dispatch(icore, ADMIN, "/questions keep decoy")).cards
    assert card.title == "decoy kept"
    [card] = (await commands.dispatch(icore, ADMIN, "/questions retire nobody")).cards
    assert card.title == "nobody retired"
    clock.advance(3600)  # a later re-check does not rest the kept one again
    await icore.analytics.refresh("test", "t1")
    assert "decoy" in await picks(30)
    assert await icore.store.out_of_rotation("test", "t1") == {"nobody", "inverted", "strongmiss"}
    [card] = (await commands.dispatch(icore, ADMIN, "/questions report")).cards
    names = [name for name, _ in card.fields]
    assert not any(n.startswith("nobody") for n in names)  # retired: decided, not listed
    assert "decoy (items) · kept" in names
    # another team is untouched by this team's decisions
    other = where("boss", team="t2", admin=True)
    assert await icore.store.out_of_rotation("test", "t2") == set()
    await icore.quizzes.start(other)
    with pytest.raises(UserError, match="Only an admin"):
        await commands.dispatch(icore, where("p01"), "/questions retire ok1")
    with pytest.raises(UserError, match="No question 'zzz'"):
        await commands.dispatch(icore, ADMIN, "/questions keep zzz")


async def test_closing_rounds_rests_broken_questions_without_the_report(
    icore: Core, clock: FakeClock
) -> None:
    await play(icore)
    await icore.quizzes.start(ADMIN)
    await icore.quizzes.stop(ADMIN)  # the close re-checks the team's questions
    assert await icore.store.out_of_rotation("test", "t1") == set(BROKEN)


async def test_every_question_resting_says_so(icore: Core) -> None:
    for qid in [*OK, *BROKEN, "few", "formula"]:
        await commands.dispatch(icore, ADMIN, f"/questions retire {qid}")
    with pytest.raises(UserError, match="resting or retired"):
        await icore.quizzes.start(ADMIN)


async def test_csv_has_every_question_and_no_formula(icore: Core) -> None:
    await play(icore)
    items = await icore.analytics.every_team() + await icore.analytics.pooled()
    rows = list(csv.DictReader(io.StringIO(to_csv(items))))
    per_team = [r for r in rows if r["team"] == "t1"]
    pooled = [r for r in rows if r["team"] == "all teams"]
    assert len(per_team) == len(pooled) == 12
    f = next(r for r in per_team if r["question_id"] == "formula")
    assert f["prompt"] == '\'=HYPERLINK("http://x")'
    inv = next(r for r in per_team if r["question_id"] == "inverted")
    assert float(inv["point_biserial"]) < -0.5  # numbers stay numbers
    assert "negative_discrimination" in inv["flags"]
    assert inv["status"] == ""  # the export decides nothing
    decoy = next(r for r in per_team if r["question_id"] == "decoy")
    assert "C) third: 30" in decoy["options"] and "A) right one (right): 10" in decoy["options"]
    for cell in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert csv_safe(cell) == "'" + cell
    assert csv_safe("fine") == "fine"


def test_cli_report_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    from interview_bot.cli import app

    async def fill() -> None:
        c = await build_core(
            settings, clock=FakeClock(), bank=QuestionBank(parse_pack(PACK, "items.yaml").questions)
        )
        try:
            for r in [
                replace(ans("p1", "quiz:a", "t-is"), answer="=cmd|' /C calc'!A0"),
                ans("p2", "quiz:a", "t-is", correct=False, team="@evil"),
            ]:
                await c.store.record_answer(r)
        finally:
            await c.close()

    asyncio.run(fill())
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("QUESTIONS_DIR", str(settings.questions_dir))
    runner = CliRunner()
    got = runner.invoke(app, ["questions", "report", "--csv"])
    assert got.exit_code == 0, got.output
    rows = list(csv.DictReader(io.StringIO(got.stdout)))
    assert {(r["team"], r["question_id"], r["answers"]) for r in rows} == {
        ("t1", "t-is", "1"),
        ("'@evil", "t-is", "1"),
        ("all teams", "t-is", "2"),
    }
    got = runner.invoke(app, ["questions", "report", "--csv", "--team", "t1"])
    assert [r["team"] for r in csv.DictReader(io.StringIO(got.stdout))] == ["t1"]
    got = runner.invoke(app, ["questions", "report"])
    assert got.exit_code == 0 and "0 of 3 row(s) flagged." in got.stdout


async def test_many_appeals_and_flags_put_a_question_on_the_report(icore: Core) -> None:
    """People saying a question is wrong is evidence too: three appeals or flags (rejected
    ones not counted) list it, without resting it (a person decides)."""
    await play(icore)
    for user in ("p01", "p02"):
        await commands.dispatch(icore, where(user), "/flag ok1 the right choice is not right")
    [card] = (await commands.dispatch(icore, ADMIN, "/questions report")).cards
    assert not any(name.startswith("ok1 ") for name, _ in card.fields)
    await commands.dispatch(icore, where("p03"), "/flag ok1 two choices are right")
    [card] = (await commands.dispatch(icore, ADMIN, "/questions report")).cards
    why = {name.split(" ")[0]: (name, value) for name, value in card.fields}
    name, value = why["ok1"]
    assert "3 appeals and flags on it" in value and "rested" not in name
    assert card.title == "Question report: 5 question(s) look broken"
