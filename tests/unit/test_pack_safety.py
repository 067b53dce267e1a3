"""Issue 12: a team pack cannot hurt the bot (security review H2, L3), and names cannot spoof
anyone (L1). Every attack of the review is here, refused, with what a user would notice: the
message they get and what is (not) stored."""

from __future__ import annotations

import json
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.clock import FakeClock
from bot.domain.questions import Kind, Question
from bot.domain.records import TeamPack
from bot.domain.text import display_name
from bot.domain.values import UserError, Where
from bot.questions.bank import QuestionBank
from bot.questions.files import QUESTIONS_DIR, load_packs
from bot.questions.parse import pack_from_json, parse_pack, parse_pack_stored
from bot.questions.schema import (
    MAX_CHOICES,
    MAX_KEY_POINTS,
    MAX_LIST_ITEMS,
    MAX_PACK_BYTES,
    MAX_QUESTIONS,
    MAX_TERMS,
    MAX_TEXT_CHARS,
    MAX_TOTAL_TERMS,
    MAX_YAML_NODES,
    PackError,
)
from bot.services import banks as packs
from bot.services.banks import Banks
from bot.services.container import Core
from tests.support.builders import letter, where
from tests.support.packs import GOOD

ADMIN = where("boss", admin=True)
ALIAS_REFUSED = "aliases and anchors (&name, *name) are not allowed in packs"


def mkbomb(nq: int, nk: int, nt: int) -> str:
    """security-repro/mkbomb.py: 600 600 600 is 5.5 KB that pydantic used to expand into
    216 million terms (27.5 s with the event loop blocked, 3.6 GB)."""
    terms = "&t [" + ",".join(["w"] * nt) + "]"
    kps = "[&kp {point: p, terms: " + terms + "}" + ",*kp" * (nk - 1) + "]"
    q = (
        "&q {id: a, kind: open, difficulty: 1, prompt: p, explanation: e, reference: r, "
        "key_points: " + kps + "}"
    )
    head = "id: bomb\ntitle: Bomb\ntopic: bomb\nversion: 1\nquestions: ["
    return head + q + ",*q" * (nq - 1) + "]\n"


def mkstored(nq: int, nk: int, nt: int) -> str:
    """security-repro/mkstored.py: 60 1000 1000 is 12 KB with unique ids, which used to be
    accepted and stored, then blocked every bank refresh 4.8 s and every answer 46 s."""
    terms = "&t [" + ",".join(["w"] * nt) + "]"
    kps = "&K [&kp {point: p, terms: " + terms + "}" + ",*kp" * (nk - 1) + "]"
    out = ["id: slow\ntitle: Slow\ntopic: slow\nversion: 1\nquestions:"]
    for i in range(nq):
        kp = kps if i == 0 else "*K"
        out.append(
            f"  - {{id: slow-{i}, kind: open, difficulty: 1, prompt: p{i}, "
            f"explanation: e, reference: r, key_points: {kp}}}"
        )
    return "\n".join(out) + "\n"


def open_question(i: int, **extra: Any) -> dict[str, Any]:
    q: dict[str, Any] = {
        "id": f"q-{i}",
        "kind": "open",
        "difficulty": 1,
        "prompt": f"Why {i}?",
        "explanation": "Because.",
        "reference": "It is so.",
        "key_points": [{"point": "so", "terms": ["so"]}],
    }
    q.update(extra)
    return q


def pack_text(questions: list[dict[str, Any]], pack_id: str = "team") -> str:
    data = {
        "id": pack_id,
        "title": "Team pack",
        "topic": "internal",
        "version": 1,
        "questions": questions,
    }
    # through JSON first: PyYAML writes a list used twice as an anchor and an alias
    return yaml.safe_dump(json.loads(json.dumps(data)), sort_keys=False, width=10**9)


CHOICE = {
    "id": "team-deploy",
    "kind": "choice",
    "difficulty": 1,
    "prompt": "Where do we deploy?",
    "explanation": "We run our own cluster.",
    "choices": [{"text": "Heroku"}, {"text": "Our cluster", "correct": True}, {"text": "A laptop"}],
}


async def refused(core: Core, text: str, filename: str = "team.yaml") -> str:
    """Import as an admin: the refusal the admin sees. Nothing may be stored."""
    with pytest.raises(UserError) as e:
        await core.banks.import_pack(ADMIN, text, filename)
    assert await core.store.team_packs("test", "t1") == []
    assert str(e.value).startswith("The pack was not imported:")
    return str(e.value)


# --- H2: aliases ---------------------------------------------------------------------------


async def test_billion_laughs_is_refused_at_once_in_little_memory(core: Core) -> None:
    bomb = mkbomb(600, 600, 600)
    assert len(bomb) < 6_000
    tracemalloc.start()
    started = time.perf_counter()
    try:
        message = await refused(core, bomb, "bomb.yaml")
        took = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert f"bomb.yaml:5: questions[0]: {ALIAS_REFUSED}" in message
    assert took < 2.0  # 27.5 s before; about 0.02 s now (a margin for slow CI machines)
    assert peak < 20 * 2**20  # 3.6 GB before; under 1 MB now
    with pytest.raises(UserError, match="Unknown topic 'bomb'"):
        await core.quizzes.start(where("ann"), "bomb")


async def test_the_stored_bomb_is_refused_and_never_reaches_the_bank(core: Core) -> None:
    message = await refused(core, mkstored(60, 1000, 1000), "slow.yaml")
    assert f"slow.yaml:6: questions[0].key_points: {ALIAS_REFUSED}" in message
    bank = await core.banks.for_team("test", "t1")
    assert "slow" not in bank.topics


@pytest.mark.parametrize(
    "snippet, line, field",
    [
        (
            "    explanation: &e We run our own cluster.\n    tags: *e\n",
            14,
            "questions[0].explanation",
        ),
        ("    explanation: e\n    tags: [a]\n    seeds: *s\n", 16, "questions[0].seeds"),
        ("    explanation: e\n    <<: *m\n", 15, "questions[0].'<<'"),  # merge keys need aliases
        ("    explanation: e\n    choices: &c\n      - {text: a}\n", 15, "questions[0].choices"),
    ],
)
def test_an_anchor_or_alias_anywhere_names_file_line_and_field(
    snippet: str, line: int, field: str
) -> None:
    text = GOOD.replace("    explanation: We run our own cluster.\n", snippet)
    with pytest.raises(PackError) as e:
        parse_pack(text, "pack.yaml")
    assert e.value.errors == [f"pack.yaml:{line}: {field}: {ALIAS_REFUSED}; write the value out"]


def test_our_own_packs_refuse_aliases_too(tmp_path: Path) -> None:
    (tmp_path / "ours.yaml").write_text(
        "id: ours\ntitle: Ours\ntopic: ours\nversion: 1\n"
        "questions:\n  - &q {id: a, kind: short, difficulty: 1, prompt: p, explanation: e,"
        " accepted: [x]}\n",
        "utf-8",
    )
    with pytest.raises(PackError) as e:
        load_packs([tmp_path])
    assert e.value.errors == [
        f"{tmp_path / 'ours.yaml'}:6: questions[0]: {ALIAS_REFUSED}; write the value out"
    ]


# --- H2: limits ------------------------------------------------------------------------------


def _over_each_limit() -> list[tuple[str, str, str]]:
    """(pack text, the field named, the message with its limit), one per limit."""
    many_terms = [
        {"point": f"p{j}", "terms": [f"t{j}-{k}" for k in range(MAX_TERMS)]}
        for j in range(MAX_KEY_POINTS)
    ]
    per_question = MAX_KEY_POINTS * MAX_TERMS
    total = [
        open_question(i, key_points=many_terms) for i in range(MAX_TOTAL_TERMS // per_question + 1)
    ]
    choices = [{"text": f"c{i}", "correct": i == 0} for i in range(MAX_CHOICES + 1)]
    return [
        (
            pack_text([open_question(i) for i in range(MAX_QUESTIONS + 1)]),
            "questions",
            f"too many questions in a pack: at most {MAX_QUESTIONS} (found {MAX_QUESTIONS + 1})",
        ),
        (
            pack_text(
                [
                    open_question(
                        0,
                        key_points=[
                            {"point": f"p{j}", "terms": ["x"]} for j in range(MAX_KEY_POINTS + 1)
                        ],
                    )
                ]
            ),
            "questions[0].key_points",
            f"too many key points in a question: at most {MAX_KEY_POINTS} "
            f"(found {MAX_KEY_POINTS + 1})",
        ),
        (
            pack_text(
                [
                    open_question(
                        0,
                        key_points=[
                            {"point": "p", "terms": [f"t{k}" for k in range(MAX_TERMS + 1)]}
                        ],
                    )
                ]
            ),
            "questions[0].key_points[0].terms",
            f"too many terms in a key point: at most {MAX_TERMS} (found {MAX_TERMS + 1})",
        ),
        (
            pack_text(total),
            "questions",
            f"too many key point terms in a pack: at most {MAX_TOTAL_TERMS:,} "
            f"(found {len(total) * per_question:,})",
        ),
        (
            pack_text([{**CHOICE, "choices": choices}]),
            "questions[0].choices",
            f"too many choices: at most {MAX_CHOICES} (found {MAX_CHOICES + 1})",
        ),
        (
            pack_text(
                [
                    {
                        **CHOICE,
                        "kind": "short",
                        "choices": None,
                        "accepted": [f"a{i}" for i in range(MAX_LIST_ITEMS + 1)],
                    }
                ]
            ),
            "questions[0].accepted",
            f"too many accepted: at most {MAX_LIST_ITEMS} (found {MAX_LIST_ITEMS + 1})",
        ),
        (
            pack_text([open_question(0, prompt="x" * (MAX_TEXT_CHARS + 1))]),
            "questions[0].prompt",
            f"too long: at most {MAX_TEXT_CHARS:,} characters (found {MAX_TEXT_CHARS + 1:,})",
        ),
        (
            pack_text([open_question(0)]) + "#" * MAX_PACK_BYTES,
            "(pack)",
            f"larger than {MAX_PACK_BYTES:,} bytes",
        ),
    ]


@pytest.mark.parametrize(
    "text, field, message",
    _over_each_limit(),
    ids=["questions", "key_points", "terms", "total_terms", "choices", "accepted", "text", "bytes"],
)
async def test_a_pack_over_a_limit_is_refused_with_the_limit(
    core: Core, text: str, field: str, message: str
) -> None:
    shown = await refused(core, text)
    assert f": {field}: {message}" in shown.splitlines()[1]


MANY = (
    "id: x\ntitle: t\ntopic: x\nversion: 1\nquestions: [\n"
    + ",\n".join(["0"] * ((MAX_PACK_BYTES - 100) // 3))
    + "]\n"
)
# the line named is the one where the count went over the limit
TOO_MANY = f"many.yaml:{MAX_YAML_NODES - 5}: (pack): too many YAML values: at most 30,000"


async def test_a_file_of_many_tiny_values_is_refused_before_the_slow_parser(core: Core) -> None:
    """Without aliases, 500 KB of `[0,0,0,…]` is 250,000 values: 20 s and more of PyYAML."""
    started = time.perf_counter()
    shown = await refused(core, MANY, "many.yaml")
    assert time.perf_counter() - started < 5.0  # about 0.1 s; a wide margin for CI
    assert MAX_YAML_NODES == 30_000 and shown.splitlines()[1] == TOO_MANY


def test_without_libyaml_the_value_limit_still_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    with pytest.raises(PackError) as e:
        parse_pack(MANY, "many.yaml")
    assert e.value.errors == [TOO_MANY]  # the same refusal, from the composer (about 1 s)


def test_every_shipped_pack_fits_the_limits_with_room_to_spare() -> None:
    for f in sorted(QUESTIONS_DIR.glob("*.yaml")):
        if f.name == "sources.yaml":
            continue
        assert f.stat().st_size * 3 < MAX_PACK_BYTES, f.name  # room: a third of the limit
        fast = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        values = sum(
            isinstance(e, yaml.NodeEvent) for e in yaml.parse(f.read_text("utf-8"), Loader=fast)
        )
        assert values * 4 < MAX_YAML_NODES, f.name
    for p in load_packs([QUESTIONS_DIR]):
        assert len(p.questions) * 4 < MAX_QUESTIONS, p.id
        assert sum(len(k.terms) for q in p.questions for k in q.key_points) * 4 < MAX_TOTAL_TERMS, (
            p.id
        )
        for q in p.questions:
            assert len(q.key_points) * 2 < MAX_KEY_POINTS, q.id
            assert all(len(k.terms) * 2 < MAX_TERMS for k in q.key_points), q.id
            texts = [
                q.prompt,
                q.explanation,
                q.reference,
                *q.accepted,
                *(c.text for c in q.choices),
            ]
            if q.code:
                texts += [
                    q.code.signature,
                    q.code.solution,
                    q.code.setup,
                    *(c.run for c in q.code.cases),
                ]
            assert max(map(len, texts)) * 2 < MAX_TEXT_CHARS, q.id


# --- H2: parsed once, off the event loop, kept parsed ----------------------------------------


async def test_a_pack_is_parsed_once_off_the_loop_and_stored_parsed(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[int] = []
    real = packs.parse_pack_stored

    def spy(text: str, source: str) -> Any:
        threads.append(threading.get_ident())
        return real(text, source)

    monkeypatch.setattr(packs, "parse_pack_stored", spy)
    await core.banks.import_pack(ADMIN, pack_text([CHOICE]), "team.yaml")
    assert threads and threads[0] != threading.get_ident()  # a worker thread, not the loop

    [stored] = await core.store.team_packs("test", "t1")
    assert json.loads(stored.parsed)["questions"][0]["id"] == "team-deploy"

    def no_yaml(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("YAML parsed again")

    monkeypatch.setattr(packs, "parse_pack", no_yaml)
    monkeypatch.setattr(yaml, "compose", no_yaml)
    json_reads: list[str] = []
    real_json = packs.pack_from_json

    def counted(text: str, source: str) -> Any:
        json_reads.append(source)
        return real_json(text, source)

    monkeypatch.setattr(packs, "pack_from_json", counted)
    # a restart: a new Banks on the same database reads the JSON, once
    banks = Banks(core.banks.base, core.store, FakeClock())
    for _ in range(3):
        bank = await banks.for_team("test", "t1")
        banks.forget("test", "t1")  # as when the 30 s cache runs out
        assert bank.get("team/team-deploy") is not None
    assert json_reads == ["team"]


def test_the_stored_json_gives_back_the_same_questions() -> None:
    for f in sorted(QUESTIONS_DIR.glob("*.yaml")):
        if f.name != "sources.yaml":
            pack, parsed = parse_pack_stored(f.read_text("utf-8"), f.name)
            assert pack_from_json(parsed, f.name) == pack, f.name


async def test_a_pack_stored_before_the_json_is_parsed_once(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    await core.store.add_team_pack("test", "t1", TeamPack("team", pack_text([CHOICE]), "boss", 1))
    parses: list[str] = []
    real = packs.parse_pack

    def counted(text: str, source: str) -> Any:
        parses.append(source)
        return real(text, source)

    monkeypatch.setattr(packs, "parse_pack", counted)
    for _ in range(3):
        bank = await core.banks.for_team("test", "t1")
        core.banks.forget("test", "t1")
        assert bank.get("team/team-deploy") is not None
    assert parses == ["team"]


# --- L3: no team question shadows a shipped one ----------------------------------------------


async def test_a_team_pack_may_reuse_a_shipped_id_without_shadowing_it(core: Core) -> None:
    shipped = core.banks.base.get("t-is")
    assert shipped is not None
    mine = {**CHOICE, "id": "t-is", "prompt": "Our own question about is"}
    card = await core.banks.import_pack(ADMIN, pack_text([mine]), "team.yaml")
    assert card.title == "Pack 'team' imported"
    bank = await core.banks.for_team("test", "t1")
    assert bank.get("t-is") == shipped  # the shipped question, unchanged
    ours = bank.get("team/t-is")
    assert ours is not None and ours.prompt == "Our own question about is"
    reply = await core.quizzes.start(where("ann"), "internal")
    assert "Our own question about is" in reply.cards[0].text
    other = await core.banks.for_team("test", "t2")
    assert other.get("team/t-is") is None  # still only this team's


async def test_a_release_that_ships_a_team_id_later_keeps_both(core: Core) -> None:
    await core.banks.import_pack(
        ADMIN, pack_text([{**CHOICE, "id": "py-new-question"}]), "team.yaml"
    )
    later = Question(
        id="py-new-question",
        kind=Kind.SHORT,
        topic="python",
        difficulty=1,
        prompt="Shipped in the next release",
        explanation="e",
        accepted=("x",),
        pack="test",
    )
    banks = Banks(QuestionBank([*core.banks.base, later]), core.store, FakeClock())
    bank = await banks.for_team("test", "t1")
    assert bank.get("py-new-question") == later  # the release's question is served as shipped
    team = bank.get("team/py-new-question")
    assert team is not None and team.prompt == "Where do we deploy?"  # and the team's stays
    again = await banks.import_pack(
        ADMIN, pack_text([{**CHOICE, "id": "py-new-question"}]), "team.yaml"
    )
    assert again.title == "Pack 'team' imported"  # a re-import is not refused either


async def test_team_questions_work_in_quizzes_interviews_and_topics(core: Core) -> None:
    interview = open_question(
        1,
        prompt="Explain our deploy pipeline",
        key_points=[{"point": "it builds", "terms": ["build"]}],
    )
    await core.banks.import_pack(ADMIN, pack_text([CHOICE, interview]), "team.yaml")
    listed = await core.banks.list_topics(where("ann"))
    assert ("internal", "2 questions") in listed.fields
    quiz = await core.quizzes.start(where("ann"), "internal")
    [card] = quiz.cards
    answered = await core.quizzes.answer(
        where("ann"), card.action.split(":", 1)[1], letter(card, "Our cluster")
    )  # shuffled per round
    assert answered.cards[0].title == "Right!"
    started = await core.interviews.start(where("bob"), "internal", count=1)
    assert "Explain our deploy pipeline" in started.cards[1].text
    done = await core.interviews.answer(where("bob"), "It does a build first")
    assert done.cards[-1].title.startswith("Interview report · internal")
    [row] = await core.store.context_answers(
        "test", "t1", started.cards[1].action.rsplit(":", 1)[0]
    )
    assert row.question_id == "team/q-1"


# --- L1: names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("Ali\u200bce", "Alice"),
        ("\u202eecilA", "ecilA"),  # the right-to-left override is gone, so nothing is flipped
        ("Bob\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d", "Bob"),
        ("\ufeffEve\u200c\u200d\u200e\u200f\u2060\u00ad", "Eve"),
        ("Mal\x00lory\x1b[31m", "Mallory[31m"),
        ("two\nlines\u2028here", "two lines here"),
        ("Zoë 🦊", "Zoë 🦊"),
    ],
)
def test_display_names_lose_invisible_and_control_characters(raw: str, shown: str) -> None:
    assert display_name(raw) == shown
    assert Where("test", "t1", "c1", "u1", raw).name == shown  # where names enter the core


async def test_a_spoofing_name_is_cleaned_on_the_leaderboard(core: Core) -> None:
    spoof = Where("test", "t1", "c1", "u9", "Ali\u200bce\u202e")
    reply = await core.quizzes.start(spoof, "web")
    await core.quizzes.answer(spoof, reply.cards[0].action.split(":", 1)[1], "A")
    board = await core.leaderboards.board(where("ann"), "all")
    assert "Alice — " in board.text and "\u200b" not in board.text and "\u202e" not in board.text
