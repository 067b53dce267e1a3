"""The shipped bank, the pack schema's messages, selection and team packs."""

from __future__ import annotations

import os
import random
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.domain.questions import Kind
from bot.domain.values import UserError
from bot.grading.code import problems
from bot.questions.bank import QuestionBank
from bot.questions.files import QUESTIONS_DIR, load_packs, load_sources
from bot.questions.parse import parse_pack
from bot.questions.schema import PackError
from bot.sandbox import Sandbox
from tests.support.builders import where
from tests.support.packs import GOOD

SOURCES = load_sources()
PACKS = load_packs([QUESTIONS_DIR], set(SOURCES))
ALL = [q for p in PACKS for q in p.questions]


# the seed index the shipped sources.yaml copies; CI always has ../shared beside the repo
SHARED_SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seed-questions.yaml"


def test_sources_is_the_seed_index() -> None:
    if not SHARED_SEEDS.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SHARED_SEEDS} is missing: CI checks sources.yaml against it")
        pytest.skip(f"no {SHARED_SEEDS} beside the repository to compare with")
    assert (QUESTIONS_DIR / "sources.yaml").read_text() == SHARED_SEEDS.read_text()
    assert len(SOURCES) == len(yaml.safe_load(SHARED_SEEDS.read_text()))


def test_bank_size_and_spread() -> None:
    assert len(ALL) >= 450
    assert {q.difficulty for q in ALL} == {1, 2, 3}
    by_diff = Counter(q.difficulty for q in ALL)
    assert min(by_diff.values()) >= len(ALL) // 5


def test_every_seed_topic_has_a_pack() -> None:
    topics = {s["topic"] for s in SOURCES.values()}
    pack_topics = [p.topic for p in PACKS]
    assert topics <= set(pack_topics)  # packs may also cover topics beyond the seeds
    for p in PACKS:
        assert all(q.topic == p.topic for q in p.questions), p.id


def test_ids_unique_across_packs() -> None:
    ids = Counter(q.id for q in ALL)
    assert [i for i, n in ids.items() if n > 1] == []


def test_every_seed_covered_in_open_form_and_none_unknown() -> None:
    covered = {s for q in ALL for s in q.seeds}
    assert covered - set(SOURCES) == set()
    assert set(SOURCES) - covered == set()
    open_form = {s for q in ALL if q.kind is Kind.OPEN for s in q.seeds}
    assert set(SOURCES) - open_form == set()


def test_code_items_have_code_questions() -> None:
    code = {s for q in ALL if q.kind is Kind.CODE for s in q.seeds}
    assert {"CD1", "CD2", "DJ15", "DJ16", "T1"} <= code


def test_choice_questions_have_one_right_and_distinct_choices() -> None:
    for q in ALL:
        if q.kind is Kind.CHOICE:
            assert 3 <= len(q.choices) <= 5, q.id
            assert sum(c.correct for c in q.choices) == 1, q.id
            texts = [c.text.strip().casefold() for c in q.choices]
            assert len(set(texts)) == len(texts), q.id


def test_open_questions_have_a_reference_and_key_points() -> None:
    for q in ALL:
        if q.kind is Kind.OPEN:
            assert len(q.reference) > 40, q.id
            assert 1 <= len(q.key_points) <= 6, q.id


@pytest.mark.parametrize("q", [q for q in ALL if q.kind is Kind.CODE], ids=lambda q: q.id)
async def test_code_questions_have_no_problems(q) -> None:  # type: ignore[no-untyped-def]
    """In the real sandbox: the reference solution passes every case, and a do-nothing stub and
    each listed wrong solution fail at least one."""
    assert q.code is not None and q.code.cases and q.code.wrong, q.id
    box = Sandbox()
    if not await box.probe():
        pytest.skip(f"no sandbox here: {box.reason}")
    assert await problems(q, box) == []


# --- the schema's messages -------------------------------------------------------------


def errors_of(text: str) -> list[str]:
    with pytest.raises(PackError) as e:
        parse_pack(text, "pack.yaml", set(SOURCES))
    return e.value.errors


def test_good_pack_parses() -> None:
    pack = parse_pack(GOOD, "pack.yaml", set(SOURCES))
    assert pack.questions[0].right_choice == 1


def test_bad_yaml_names_the_line() -> None:
    [err] = errors_of(GOOD.replace("prompt: Where do we deploy?", "prompt: [unclosed"))
    assert err.startswith("pack.yaml:") and "(yaml)" in err


def test_missing_field_names_file_line_and_field() -> None:
    [err] = errors_of(GOOD.replace("    explanation: We run our own cluster.\n", ""))
    assert err == "pack.yaml:6: questions[0].explanation: Field required"


def test_two_right_choices() -> None:
    [err] = errors_of(GOOD.replace("{text: Heroku}", "{text: Heroku, correct: true}"))
    assert err == "pack.yaml:10: questions[0].choices: exactly one choice must be right, found 2"


def test_unknown_seed_id() -> None:
    [err] = errors_of(GOOD.replace("    difficulty: 1\n", "    difficulty: 1\n    seeds: [ZZ9]\n"))
    assert err == "pack.yaml:9: questions[0].seeds[0]: unknown seed id 'ZZ9'"


def test_duplicate_id() -> None:
    doubled = GOOD + GOOD.split("questions:\n")[1]
    [err] = errors_of(doubled)
    assert err == "pack.yaml:15: questions[1].id: duplicate id 'team-deploy' (also questions[0])"


def test_all_of_the_above_is_refused() -> None:
    [err] = errors_of(GOOD.replace("{text: A laptop}", "{text: All of the above}"))
    assert "no 'all/none of the above'" in err


def test_yes_and_no_stay_text() -> None:
    text = GOOD.replace("{text: Heroku}", "{text: no}").replace("{text: A laptop}", "{text: yes}")
    q = parse_pack(text, "pack.yaml").questions[0]
    assert [c.text for c in q.choices] == ["no", "Our cluster", "yes"]


def test_broken_file_refuses_every_pack(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text(
        GOOD.replace("id: team\n", "id: other\n", 1).replace("difficulty: 1", "difficulty: 9")
    )
    with pytest.raises(PackError) as e:
        load_packs([tmp_path])
    assert any("b.yaml:8: questions[0].difficulty" in m for m in e.value.errors)


def test_same_id_in_two_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text(GOOD.replace("id: team\n", "id: other\n", 1))
    with pytest.raises(PackError, match="already used in"):
        load_packs([tmp_path])


# --- selection --------------------------------------------------------------------------


def test_select_by_topic_difficulty_tags_and_kind() -> None:
    bank = QuestionBank(ALL)
    qs = bank.select("python", 2, kinds=[Kind.CHOICE])
    assert qs and all(q.topic == "python" and q.difficulty == 2 for q in qs)
    tagged = next(q for q in ALL if q.tags)
    assert tagged in bank.select(tags=[tagged.tags[0]])
    assert bank.resolve_topic("DJ") == "django"  # case and unique prefix


def test_select_nothing_lists_what_exists() -> None:
    bank = QuestionBank(ALL)
    with pytest.raises(UserError) as e:
        bank.select("cobol")
    assert "Topics: api, coding, databases, django, docker, fastapi, git" in str(e.value)
    with pytest.raises(UserError, match="Tags there"):
        bank.select("git", tags=["no-such-tag"])


async def test_rotation_uses_up_the_pool_before_repeating(core) -> None:  # type: ignore[no-untyped-def]
    from bot.services import rotation

    pool = core.banks.base.select("python")
    seen: list[str] = []
    for i in range(len(pool)):
        [q] = await rotation.pick(
            core.store, "test", "t1", "user:ann", pool, 1, i, random.Random(i)
        )
        seen.append(q.id)
    assert sorted(seen) == sorted(q.id for q in pool)
    [again] = await rotation.pick(core.store, "test", "t1", "user:ann", pool, 1, 99)
    assert again.id == seen[0]  # the longest unseen comes back first


# --- team packs --------------------------------------------------------------------------


async def test_team_pack_is_scoped_to_its_team(core) -> None:  # type: ignore[no-untyped-def]
    admin = where("boss", admin=True)
    card = await core.banks.import_pack(admin, GOOD, "team.yaml")
    assert "1 question(s) on internal" in card.text
    reply = await core.quizzes.start(where("ann"), "internal")
    assert "Where do we deploy?" in reply.cards[0].text
    with pytest.raises(UserError, match="Unknown topic 'internal'"):
        await core.quizzes.start(where("ann", team="t2"), "internal")


async def test_team_pack_import_needs_admin_and_a_valid_pack(core) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError, match="Only an admin"):
        await core.banks.import_pack(where("ann"), GOOD, "team.yaml")
    with pytest.raises(UserError) as e:
        await core.banks.import_pack(
            where("boss", admin=True), GOOD.replace("difficulty: 1", "difficulty: 7"), "team.yaml"
        )
    assert "team.yaml:8: questions[0].difficulty" in str(e.value)
    assert await core.store.team_packs("test", "t1") == []
    # a shipped id in a team pack: see tests/unit/test_pack_safety.py (ids are namespaced)


def test_right_choices_are_spread_over_positions() -> None:
    """Nobody should learn that the answer is usually A."""
    positions = Counter(q.right_choice for q in ALL if q.kind is Kind.CHOICE)
    total = sum(positions.values())
    assert len(positions) >= 3 and max(positions.values()) <= 0.4 * total
