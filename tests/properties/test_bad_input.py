"""Anything people type, or a platform sends, gets a clear answer and changes nothing stored.

Hypothesis feeds arbitrary text (unicode, lone surrogates, huge), malformed payloads and
mutated question packs to every parser: the command parsers and `dispatch` on a real core,
the pack loader, the grader, `grade-file`, and the Slack and Discord adapters' payload
parsing. A few hundred examples each in `make test`; HYPOTHESIS_PROFILE=long runs 10,000.
"""

from __future__ import annotations

import asyncio
import copy
import csv
import io
import json
import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import discord
import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from rich.console import Console
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.discord import views
from adapters.discord.platform import DiscordPlatform
from adapters.slack.admins import People
from adapters.slack.handlers import COMMANDS, Handlers
from adapters.slack.platform import UNREADABLE_ERRORS, SlackPlatform, make_client
from adapters.slack.poster import SlackPoster
from adapters.slack.replies import Replies, Turn
from bot import metrics
from bot.clock import FakeClock
from bot.commands import dispatch as commands
from bot.commands.dispatch import (
    answer_action,
    dispatch,
    leaderboard_options,
    parse,
    split_options,
)
from bot.commands.interview_commands import pop_track
from bot.domain.questions import Grade
from bot.domain.text import clean
from bot.domain.values import Card, Reply, UserError, Where
from bot.grading import LEXICAL, grade
from bot.questions.bank import QuestionBank
from bot.questions.files import load_packs
from bot.questions.parse import parse_pack
from bot.questions.schema import MAX_PACK_BYTES, Pack, PackError
from bot.questions.tracks import parse_track
from bot.services.container import Core
from bot.services.daily import parse_set_args
from interview_bot.config import Settings
from interview_bot.platforms import discord_config, slack_config
from tests.support.fakes.discord_server import GUILD_ID, FakeDiscord, FakeUser
from tests.support.fakes.discord_server import TOKEN as DISCORD_TOKEN
from tests.support.fakes.slack_api import TEAM, FakeSlack
from tests.support.fakes.slack_requests import SECRET, block_action, interactive_body, signed
from tests.support.packs import TEST_PACKS
from tests.support.poster import RecordingPoster

# --- what people type ---------------------------------------------------------------------------

WILD = st.characters(exclude_categories=())  # every code point, lone surrogates included
MENTIONS = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U123>",
    "<@U123|bob>",
    "<#C1>",
    "<!subteam^S1>",
    "@everyone",
    "@here",
    "<@&123>",
    "<@!123>",
    "&",
    "<",
    ">",
]
TOKENS = [
    "python",
    "web",
    "django",
    "easy",
    "medium",
    "hard",
    "1",
    "2",
    "3",
    "5",
    "30",
    "999",
    "dm",
    "n=2",
    "q=50",
    "topic=web",
    "difficulty=9",
    "x=y",
    "=",
    "==",
    "stop",
    "skip",
    "end",
    "start",
    "answer",
    "today",
    "week",
    "month",
    "all",
    "team",
    "channel",
    "topic",
    "set",
    "off",
    "now",
    "status",
    "list",
    "remove",
    "import",
    "09:00",
    "25:99",
    "9pm",
    "13pm",
    "Europe/Berlin",
    "Mars/Olympus",
    "UTC",
    "GMT",
    "mon-fri",
    "sun-mon",
    "weekdays",
    "open=8h",
    "open=1m",
    "open=next",
    "recap=fri@17:00",
    "recap=xyz",
    "tz=Europe/Paris",
    "days=mon,wed",
    "quiz_seconds",
    "timezone",
    "interview_questions",
    "-1",
    "0",
    "٣",
    "１２",
    "A",
    "B",
    "z",
    "\x00",
    "\ud800",
    "\u202e",
    "\n",
    "\t",
    " ",
    *MENTIONS,
]
NAMES = [
    "quiz",
    "q",
    "answer",
    "a",
    "interview",
    "i",
    "skip",
    "end",
    "leaderboard",
    "lb",
    "stats",
    "qstats",
    "questions",
    "daily",
    "settings",
    "help",
    "start",
    "?",
    "QUIZ",
    "",
    "quiz\u200b",
    "💥",
]
TEXTS = st.one_of(
    st.text(max_size=120),
    st.text(WILD, max_size=120),
    st.builds(
        lambda name, args: f"/{name} " + " ".join(args),
        st.sampled_from(NAMES),
        st.lists(st.one_of(st.sampled_from(TOKENS), st.text(WILD, max_size=12)), max_size=6),
    ),
    st.builds(
        lambda s, n: s * n, st.text(WILD, min_size=1, max_size=8), st.integers(500, 3000)
    ),  # huge
)


def clear(e: UserError) -> str:
    """A refusal's message: said, and short (never the whole of a huge input echoed back)."""
    msg = str(e)
    assert msg.strip() and len(msg) <= 2000, msg[:300]
    return msg


@given(TEXTS)
def test_command_parsers_refuse_clearly_or_parse(text: str) -> None:
    try:
        cmd = parse(text)
    except UserError as e:
        clear(e)
        return
    for parser in (split_options, leaderboard_options, parse_set_args, pop_track):
        try:
            parser(cmd.args)
        except UserError as e:
            clear(e)


def db_counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


@pytest.fixture
def playable(core: Core) -> Core:
    core.outbox.register("test", RecordingPoster())
    return core


PEOPLE = [
    Where("test", "t1", "c1", "ann", "Ann", is_admin=True),
    Where("test", "t1", "c1", "bob", "<!channel> bob"),
    Where("test", "t1", "c2", "\ud800", "\udfff"),
    Where("test", "t1", "c1", "cy", "@everyone"),
]


@given(who=st.sampled_from(PEOPLE), text=TEXTS)
async def test_dispatch_answers_anything_and_a_refusal_changes_nothing(
    playable: Core, db_path: Path, who: Where, text: str
) -> None:
    before = db_counts(db_path)
    try:
        reply = await dispatch(playable, who, text)
    except UserError as e:
        clear(e)
        assert db_counts(db_path) == before, f"refused {text[:80]!r} but stored something"
        return
    assert isinstance(reply, Reply)
    assert all(isinstance(c, Card) and c.title for c in reply.cards)


@given(st.lists(st.text(WILD, min_size=1, max_size=20), min_size=50, max_size=50))
async def test_typed_command_names_do_not_grow_the_metrics(core: Core, names: list[str]) -> None:
    """`/anything` is counted under `unknown`: users cannot mint metric series."""
    before = len(metrics.COMMANDS._metrics)
    for name in names:
        try:
            await dispatch(core, PEOPLE[1], f"/{name}")
        except UserError:
            pass
    assert len(metrics.COMMANDS._metrics) <= before + len(commands.COMMAND_NAMES)


# --- buttons and forms: the actions custom ids and callback ids carry -----------------------------

ACTIONS = st.one_of(
    st.text(WILD, max_size=60),
    st.builds(
        lambda kind, rest: f"{kind}:{rest}",
        st.sampled_from(["quiz", "daily", "interview", "x", ""]),
        st.text(WILD, max_size=50),
    ),
    st.builds(
        lambda sid, pos: f"interview:{sid}:{pos}",
        st.text(max_size=33),
        st.one_of(st.integers(-2, 40).map(str), st.text(WILD, max_size=4)),
    ),
)


@given(who=st.sampled_from(PEOPLE), action=ACTIONS, text=TEXTS)
async def test_an_answer_to_any_action_is_refused_clearly_and_stores_nothing(
    playable: Core, db_path: Path, who: Where, action: str, text: str
) -> None:
    await _open_a_round_and_an_interview(playable)
    before = db_counts(db_path)
    try:
        await answer_action(playable, who, action, text)
    except UserError as e:
        clear(e)
        assert db_counts(db_path) == before
        return
    pytest.fail(f"{action!r} is no card's action, yet it was answered")


async def _open_a_round_and_an_interview(core: Core) -> None:
    ann = PEOPLE[0]
    if await core.store.open_round_in("test", "t1", "c1", "quiz") is None:
        await dispatch(core, ann, "/quiz web")
    if await core.interviews.current(ann) is None:
        await dispatch(core, ann, "/interview start python n=2")


# --- question packs -----------------------------------------------------------------------------

PACK_TEXT = (TEST_PACKS / "test.yaml").read_text("utf-8")
PACK_DATA = yaml.safe_load(PACK_TEXT)
ERROR_LINE = re.compile(r"^(?P<file>f\.yaml):(?P<line>\d+): (?P<field>\S.*?): (?P<msg>\S.*)", re.S)
YAMLISH = [
    "id:",
    "title:",
    "topic:",
    "version:",
    "questions:",
    "- ",
    "  ",
    "    ",
    "kind:",
    "choice",
    "short",
    "open",
    "code",
    "choices:",
    "correct: true",
    "accepted:",
    "key_points:",
    "terms:",
    "point:",
    "text:",
    "difficulty:",
    "prompt:",
    "explanation:",
    "reference:",
    "code:",
    "signature:",
    "tests:",
    "solution:",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "'",
    '"',
    "&a",
    "*a",
    "!!python/object:os.system",
    "!!binary",
    "!!int",
    "!!timestamp",
    "---",
    "...",
    "? ",
    "|",
    ">",
    "#",
    "%YAML 1.1",
    "%TAG",
    "2001-13-45",
    "9" * 5000,
    "1e999",
    ".inf",
    ".nan",
    "yes",
    "no",
    "~",
    "null",
    "\t",
    "\ufeff",
    "\x85",
    "[" * 2000,
    "{a: " * 300,
]


def yamlish() -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(YAMLISH), st.text(WILD, max_size=10))
    line = st.lists(piece, max_size=6).map(" ".join)
    return st.lists(line, max_size=25).map("\n".join)


def check_refusal(e: PackError, text: str) -> None:
    """Every error is `file:line: field: message`, with a line that is in the file."""
    assert e.errors
    lines = len(re.split("\r\n|[\n\r\x85\u2028\u2029]", text)) + 1  # YAML's line breaks
    for err in e.errors:
        m = ERROR_LINE.match(err)
        assert m, f"not file:line: field: message: {err[:200]!r}"
        assert 1 <= int(m["line"]) <= lines, err[:200]


def check_pack(pack: Pack, data: Any) -> None:
    """A pack that loads is whole: every question of the file, each as the schema says."""
    assert isinstance(data, dict) and len(pack.questions) == len(data["questions"])
    for q in pack.questions:
        assert q.prompt.strip() and q.explanation.strip() and 1 <= q.difficulty <= 3
        if q.choices:
            assert sum(c.correct for c in q.choices) == 1


@given(st.one_of(yamlish(), st.text(WILD, max_size=300)))
def test_the_pack_loader_refuses_any_text_with_file_line_and_field(text: str) -> None:
    try:
        pack = parse_pack(text, "f.yaml")
    except PackError as e:
        check_refusal(e, text)
        return
    check_pack(pack, yaml.safe_load(text))


@given(st.one_of(yamlish(), st.text(WILD, max_size=300)))
def test_the_track_loader_refuses_any_text_with_file_line_and_field(text: str) -> None:
    try:
        track = parse_track(text, "f.yaml")
    except PackError as e:
        check_refusal(e, text)
        return
    assert len(track.slots()) == track.questions


def nested(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    )


VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(WILD, max_size=30),
        st.sampled_from(["choice", "short", "open", "code", "", "x" * 20_000]),
    ),
    nested,
    max_leaves=12,
)


def paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here]
    if isinstance(node, dict):
        for k, v in node.items():
            out += paths(v, (*here, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += paths(v, (*here, i))
    return out


@st.composite
def mutated_packs(draw: st.DrawFn) -> Any:
    """The valid test pack with a few structural changes: deletions, replaced values, renamed
    keys, duplicated items, values of the wrong type."""
    data = copy.deepcopy(PACK_DATA)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(paths(data)))
        if not path:
            continue
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        key = path[-1]
        op = draw(st.sampled_from(["delete", "replace", "rename", "duplicate", "wrap"]))
        if op == "delete":
            del parent[key]
        elif op == "replace":
            parent[key] = draw(VALUES)
        elif op == "rename" and isinstance(parent, dict):
            parent[draw(st.text(max_size=12))] = parent.pop(key)
        elif op == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        elif op == "wrap":
            parent[key] = [parent[key]]
    return data


def dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@given(mutated_packs())
async def test_a_mutated_pack_is_refused_whole_or_loaded_whole(
    core: Core, db_path: Path, data: Any
) -> None:
    try:
        text = dump(data)
    except (yaml.YAMLError, UnicodeEncodeError):
        assume(False)
    admin = PEOPLE[0]
    try:
        pack = parse_pack(text, "f.yaml")
    except PackError as e:
        check_refusal(e, text)
        before = db_counts(db_path)
        with pytest.raises(UserError, match="The pack was not imported") as refused:
            await core.banks.import_pack(admin, text, "f.yaml")
        clear(refused.value)
        assert db_counts(db_path) == before  # never half-imported
        return
    check_pack(pack, data)


def test_a_huge_or_nested_pack_is_refused_not_crashed() -> None:
    for text in (
        "x: " + "y" * (MAX_PACK_BYTES + 1),
        "[" * 100_000,
        "{a: " * 50_000,
        "id: 2001-13-45",
        "version: " + "9" * 5000,
        "a: !!binary ===",
    ):
        with pytest.raises(PackError) as e:
            parse_pack(text, "f.yaml")
        check_refusal(e.value, text)


def test_one_bad_pack_refuses_the_whole_folder(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(PACK_TEXT, "utf-8")
    (tmp_path / "bad.yaml").write_text(PACK_TEXT.replace("kind: open", "kind: riddle", 1), "utf-8")
    with pytest.raises(PackError) as e:
        load_packs([tmp_path])
    assert all(err.startswith(str(tmp_path / "bad.yaml")) for err in e.value.errors)


# --- the grader ---------------------------------------------------------------------------------

BANK = QuestionBank.from_dir(TEST_PACKS)
VERDICTS = {"correct", "partial", "wrong"}


@given(question=st.sampled_from(sorted(BANK, key=lambda q: q.id)), text=TEXTS)
async def test_the_grader_grades_anything_between_0_and_1(question: Any, text: str) -> None:
    g = await grade(question, clean(text), options=LEXICAL)  # as the core hands it over
    assert isinstance(g, Grade) and 0.0 <= g.score <= 1.0 and g.verdict in VERDICTS
    assert isinstance(g.feedback, str)


# --- grade-file ---------------------------------------------------------------------------------

KINDS = st.sampled_from(["open", "short", "choice", "", "OPEN", "riddle"])
CELLS = st.one_of(st.text(max_size=40), st.sampled_from(["A", "b", "2", "x;y;z", "a|b;c", "5"]))


@st.composite
def answer_files(draw: st.DrawFn) -> str:
    if draw(st.booleans()):  # arbitrary text as a "CSV"
        return draw(st.text(max_size=400))
    columns = draw(
        st.lists(
            st.sampled_from(
                [
                    "question",
                    "reference_answer",
                    "answer",
                    "kind",
                    "key_points",
                    "choices",
                    "human_grade",
                    "extra",
                ]
            ),
            min_size=1,
            max_size=8,
            unique=True,
        )
    )
    rows = draw(
        st.lists(
            st.fixed_dictionaries({c: KINDS if c == "kind" else CELLS for c in columns}), max_size=8
        )
    )
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=columns)
    w.writeheader()
    w.writerows(rows)
    return out.getvalue()


@given(answer_files())
def test_grade_file_takes_any_file_and_keeps_every_row(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    from interview_bot.cli import grade_file

    folder = tmp_path_factory.mktemp("gf")
    infile, out = folder / "in.csv", folder / "out.csv"
    infile.write_text(text, "utf-8")
    console = Console(file=io.StringIO())
    code = grade_file.run(infile, out, LEXICAL, console)
    assert code in (0, 1, 2)
    if code == 2:
        assert "error:" in console.file.getvalue()  # type: ignore[attr-defined]
        return
    with infile.open(newline="", encoding="utf-8-sig") as f:
        rows_in = list(csv.DictReader(f))
    with out.open(newline="", encoding="utf-8") as f:
        rows_out = list(csv.DictReader(f))
    assert len(rows_out) == len(rows_in)
    assert all(r["verdict"] in (*VERDICTS, "error") for r in rows_out)


# --- Slack: signed payloads of every kind the adapter takes, with anything in their fields ------


class SpyReplies(Replies):
    def __init__(self, core: Core) -> None:
        super().__init__(core)
        self.notices: list[str] = []

    async def notice(self, turn: Turn, text: str) -> None:
        self.notices.append(text)
        await super().notice(turn, text)


class SlackRig:
    """The adapter's handlers in a bolt app that finishes each turn before it answers
    (process_before_response), so every example is complete when `send` returns."""

    def __init__(self, core: Core, fake: FakeSlack) -> None:
        self.fake = fake
        client = make_client("xoxb-test", fake.api_url)
        self.app = AsyncApp(client=client, signing_secret=SECRET, process_before_response=True)
        self.replies = SpyReplies(core)
        self.handlers = Handlers(core, People(), self.replies)
        self.handlers.register(self.app)
        core.outbox.register("slack", SlackPoster(client))  # reveals and daily posts

    async def send(self, body: str) -> int:
        try:
            request = AsyncBoltRequest(body=body, headers=signed(body))
        except UNREADABLE_ERRORS:
            return 400  # bolt cannot parse it: served over HTTP, `refuse_unreadable` says 400
        resp = await self.app.async_dispatch(request)
        return resp.status


@pytest.fixture
def rig(core: Core, fake_slack: FakeSlack) -> SlackRig:
    return SlackRig(core, fake_slack)


JUNK = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(WILD, max_size=20)),
    nested,
    max_leaves=6,
)
PREFIXES = [
    "ib:",
    "ibf:",
    "ibc:",
    "ibs:",
    "ibe:",
    "ibh:",
    "ib:quiz:",
    "ib:daily:",
    "ibs:interview:",
    "ibe:interview:",
    "ibf:interview:",
]


@st.composite
def slack_bodies(draw: st.DrawFn) -> str:
    url = "http://127.0.0.1:9/respond/x"  # replaced with the fake's
    kind = draw(st.sampled_from(["command", "action", "view", "import"]))
    if kind == "command":
        fields = {
            "team_id": TEAM,
            "channel_id": draw(st.sampled_from(["C1", "D1", ""])),
            "user_id": draw(st.sampled_from(["U1", "U2", "U9"])),
            "user_name": draw(st.text(WILD, max_size=20)),
            "command": "/" + draw(st.sampled_from(sorted(COMMANDS))),
            "text": draw(TEXTS),
            "response_url": url,
            "trigger_id": "t",
        }
        return urlencode(fields, encoding="utf-8", errors="surrogatepass")
    if kind == "action":
        action_id = draw(st.sampled_from(PREFIXES)) + draw(st.text(WILD, max_size=40))
        payload = block_action(
            action_id[:255],
            draw(st.one_of(st.none(), st.text(WILD, max_size=10))),
            response_url=url,
        )
        for key in draw(
            st.lists(
                st.sampled_from(["user", "channel", "container", "message", "trigger_id", "value"]),
                max_size=3,
            )
        ):
            if key == "value":
                payload["actions"][0]["value"] = draw(JUNK)
            else:
                payload[key] = draw(JUNK)
        return interactive_body(payload)
    callback = "ib-import" if kind == "import" else "ibm:" + draw(st.text(WILD, max_size=40))
    meta = draw(
        st.one_of(
            st.text(WILD, max_size=30),
            st.builds(json.dumps, JUNK),
            st.just(json.dumps({"c": "C1", "r": url})),
        )
    )
    values = draw(
        st.one_of(
            JUNK,
            st.fixed_dictionaries(
                {
                    "answer": st.fixed_dictionaries(
                        {"text": st.fixed_dictionaries({"value": st.one_of(TEXTS, JUNK)})}
                    )
                }
            ),
            st.fixed_dictionaries(
                {
                    "paste": st.fixed_dictionaries(
                        {"text": st.fixed_dictionaries({"value": st.one_of(yamlish(), JUNK)})}
                    )
                }
            ),
        )
    )
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "t"},
        "user": draw(st.one_of(st.just({"id": "U9", "name": "u9"}), JUNK)),
        "api_app_id": "A1",
        "trigger_id": "t",
        "view": {
            "id": "V1",
            "team_id": TEAM,
            "type": "modal",
            "callback_id": callback,
            "private_metadata": meta,
            "state": {"values": values},
        },
    }
    return interactive_body(payload)


@given(body=slack_bodies())
async def test_slack_payloads_are_answered_never_raised_and_refusals_store_nothing(
    rig: SlackRig, fake_slack: FakeSlack, db_path: Path, caplog: pytest.LogCaptureFixture, body: str
) -> None:
    body = body.replace(
        "http%3A%2F%2F127.0.0.1%3A9%2Frespond%2Fx",
        "http%3A%2F%2F127.0.0.1%3A" + str(fake_slack.port) + "%2Frespond%2Fx",
    )
    fake_slack.users["U9"] = {"is_admin": True}
    before = db_counts(db_path)
    notices = len(rig.replies.notices)
    caplog.clear()
    status = await rig.send(body)
    assert status in (200, 400), f"{status} for {body[:300]}"
    failed = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert not failed, failed  # nothing escaped a handler, nothing went wrong unexplained
    said = rig.replies.notices[notices:]
    assert all(n.strip() and len(n) <= 2000 for n in said)
    if said:  # refused: nothing stored
        assert db_counts(db_path) == before, said


async def test_a_payload_a_handler_cannot_read_is_answered_not_raised(
    rig: SlackRig,
    fake_slack: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The last line of defence: whatever a handler fails to read is acknowledged, logged
    as a warning, and the person is told (bolt never sees a failed listener)."""
    from adapters.slack import ids

    def unreadable(*args: object) -> tuple[str, str]:
        raise KeyError("value")

    monkeypatch.setattr(ids, "parse_choice", unreadable)
    url = fake_slack.response_url("k")
    status = await rig.send(interactive_body(block_action("ib:quiz:r1:A", "A", response_url=url)))
    assert status == 200
    [told] = await fake_slack.wait_for("response", where=lambda c: c.args["key"] == "k")
    assert "could not read that request" in json.dumps(told.args)
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    assert "could not read a on_choice payload" in caplog.text


@pytest.fixture
async def slack_http(core: Core, settings: Settings, fake_slack: FakeSlack) -> AsyncIterator[str]:
    s = settings.model_copy(
        update={
            "slack_bot_token": SecretStr("xoxb-test"),
            "slack_signing_secret": SecretStr(SECRET),
            "slack_port": 0,
        }
    )
    platform = SlackPlatform(
        core,
        slack_config(s),
        client=make_client("xoxb-test", fake_slack.api_url),
        host="127.0.0.1",
        admin_ids=frozenset(),
    )
    core.outbox.register("slack", platform.poster)  # as interview_bot.main.run does
    task = asyncio.create_task(platform.run())
    await asyncio.wait_for(platform.started.wait(), 5)
    try:
        yield f"http://127.0.0.1:{platform.port}/slack/events"
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await platform.close()


RAW = st.one_of(
    st.text(WILD, max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.binary(max_size=200),
    st.builds(lambda p: urlencode({"payload": p}).encode(), st.text(max_size=80)),
    st.builds(lambda p: b"payload=" + p, st.binary(max_size=60)),
    st.builds(lambda j: json.dumps(j).encode(), JUNK),
)


@given(
    raw=RAW,
    sign=st.booleans(),
    content_type=st.sampled_from(
        ["application/x-www-form-urlencoded", "application/json", "text/plain", ""]
    ),
)
async def test_slack_http_endpoint_refuses_what_it_cannot_read(
    slack_http: str,
    db_path: Path,
    caplog: pytest.LogCaptureFixture,
    raw: bytes,
    sign: bool,
    content_type: str,
) -> None:
    """Bytes no Slack would send, signed or not: 400 or 401, never a 500 or a traceback."""
    text = raw.decode("utf-8", "replace")
    headers = signed(text) if sign else {}
    headers["content-type"] = content_type
    before = db_counts(db_path)
    caplog.clear()
    async with aiohttp.ClientSession() as http:
        async with http.post(slack_http, data=text.encode(), headers=headers) as resp:
            assert resp.status in (200, 400, 401, 404), resp.status
            if not sign:
                assert resp.status in (400, 401)
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    assert db_counts(db_path) == before


# --- mentions in what people type never ping ---------------------------------------------------

MENTIONY = st.lists(
    st.one_of(st.sampled_from(MENTIONS), st.text(max_size=5)), min_size=1, max_size=5
).map(" ".join)
LIVE = re.compile(r"<[!@#]")


def command_body(name: str, text: str, user: str, url: str) -> str:
    return urlencode(
        {
            "team_id": TEAM,
            "channel_id": "C1",
            "user_id": user,
            "user_name": "x",
            "command": f"/{name}",
            "text": text,
            "response_url": url,
            "trigger_id": "t",
        }
    )


@settings(max_examples=max(20, settings.default.max_examples // 5))  # 7 requests each
@given(name=MENTIONY, typed=MENTIONY)
async def test_slack_never_pings_from_names_or_text(
    rig: SlackRig, fake_slack: FakeSlack, name: str, typed: str
) -> None:
    fake_slack.users["U7"] = {"profile": {"display_name": name}}
    rig.handlers.people = People()  # names are looked up afresh
    url = fake_slack.response_url("m")
    start = len(fake_slack.calls)
    await rig.send(command_body("quiz", "web", "U7", url))
    post = [c for c in fake_slack.calls[start:] if c.method == "chat.postMessage"]
    if post:
        rid = json.dumps(post[-1].args).split("ib:quiz:")[1].split(":")[0]
        await rig.send(
            interactive_body(block_action(f"ib:quiz:{rid}:A", "A", user="U7", response_url=url))
        )
    await rig.send(command_body("quiz", "stop", "U7", url))
    await rig.send(command_body("leaderboard", "all", "U7", url))
    await rig.send(command_body("quiz", typed, "U7", url))
    await rig.send(command_body("qstats", typed, "U7", url))
    await rig.send(command_body("interview", typed, "U7", url))
    sent = [
        c.args
        for c in fake_slack.calls[start:]
        if c.method in ("response", "chat.postMessage", "chat.postEphemeral", "chat.update")
    ]
    assert sent
    for args in sent:
        flat = json.dumps(args, ensure_ascii=False)
        assert not LIVE.search(flat), flat[:500]
        for att in args.get("attachments") or []:
            for block in att.get("blocks") or []:
                if (block.get("text") or {}).get("type") == "mrkdwn":
                    assert block["text"]["verbatim"] is True


# --- Discord: custom ids and modal submissions ------------------------------------------------

CUSTOM_IDS = st.one_of(
    st.text(WILD, max_size=100),
    st.builds(
        lambda kind, team, action: f"ib:{kind}:{team}:{action}",
        st.sampled_from(["b", "f", "c", "m", "x", ""]),
        st.sampled_from(["t1", "1200", "", "dm", "::"]),
        ACTIONS,
    ),
)
TEMPLATES = [
    re.compile(views.AnswerButton.__discord_ui_compiled_template__.pattern),
    re.compile(views.FormButton.__discord_ui_compiled_template__.pattern),
]


@given(who=st.sampled_from(PEOPLE), custom_id=CUSTOM_IDS, value=TEXTS)
async def test_discord_custom_ids_and_forms_are_parsed_or_refused(
    playable: Core, db_path: Path, who: Where, custom_id: str, value: str
) -> None:
    await _open_a_round_and_an_interview(playable)
    before = db_counts(db_path)
    found: list[tuple[str, str]] = []
    parsed = views.parse_modal_id(custom_id)
    if parsed is not None:
        found.append((parsed[1], value))
    for template in TEMPLATES:
        m = template.fullmatch(custom_id)
        if m is not None:
            found.append((m["action"], m.groupdict().get("value") or value))
    for action, text in found:
        try:
            await answer_action(playable, who, action, text)
        except UserError as e:
            clear(e)
            assert db_counts(db_path) == before


@given(
    st.one_of(
        JUNK,
        st.fixed_dictionaries({"components": JUNK}),
        st.fixed_dictionaries(
            {
                "components": st.lists(
                    st.fixed_dictionaries(
                        {
                            "type": st.integers(0, 20),
                            "component": JUNK,
                            "components": JUNK,
                            "custom_id": st.sampled_from(["answer", "x"]),
                            "value": JUNK,
                        }
                    ),
                    max_size=3,
                )
            }
        ),
    )
)
def test_discord_modal_submissions_of_any_shape_give_text(data: Any) -> None:
    assert isinstance(views.submitted_text(data), str)


# --- Discord: what people type is shown, and pings nobody --------------------------------------


@pytest.fixture
async def discord_fake(
    monkeypatch: pytest.MonkeyPatch, core: Core, settings: Settings
) -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    monkeypatch.setattr(discord.http.Route, "BASE", server.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", server.gateway_url)
    platform = DiscordPlatform(
        core,
        discord_config(
            settings.model_copy(
                update={"discord_token": SecretStr(DISCORD_TOKEN), "discord_guild_id": GUILD_ID}
            )
        ),
        guild_ready_timeout=0.01,
    )
    core.outbox.register("discord", platform.poster)
    task = asyncio.create_task(platform.run())
    ready = asyncio.create_task(platform.bot.wait_until_ready())
    await asyncio.wait([ready, task], timeout=10, return_when=asyncio.FIRST_COMPLETED)
    assert ready.done(), "the bot did not get ready"
    try:
        yield server
    finally:
        await platform.close()
        await asyncio.wait_for(task, 5)
        await server.stop()


def sent_to_discord(fake: FakeDiscord, since: int) -> list[dict[str, Any]]:
    """Every message body the bot sent (callbacks, follow-ups, edits, channel posts)."""
    out = []
    for c in fake.calls[since:]:
        body = c.body if isinstance(c.body, dict) else {}
        if c.path.endswith("/callback"):
            body = body.get("data") or {}
        if "content" in body or "embeds" in body:
            out.append(body)
    return out


@settings(max_examples=max(15, settings.default.max_examples // 10))  # a gateway round each
@given(name=MENTIONY, typed=MENTIONY)
async def test_discord_never_pings_from_names_or_text(
    discord_fake: FakeDiscord, core: Core, clock: FakeClock, name: str, typed: str
) -> None:
    fake = discord_fake
    loud = FakeUser(2_000_000_000_000_000_077, name[:32] or "x")
    start = len(fake.calls)
    ex = await fake.slash("quiz", {"topic": "python", "difficulty": "medium"}, user=loud)
    msgs = await ex.messages(1)
    form = [c["custom_id"] for row in msgs[0].get("components") or [] for c in row["components"]]
    if form:  # a round opened: answer it with the typed text, through the form
        sent = await fake.submit(form[0].replace("ib:f:", "ib:m:", 1), typed or "x", user=loud)
        await sent.messages(1)
    refused = await fake.slash("quiz", {"topic": typed}, user=loud)
    await refused.callback()
    board = await fake.slash("leaderboard", {"period": "all"}, user=loud)
    await board.callback()
    clock.advance(3600)  # the round closes: the reveal names who answered
    await core.rounds.close_due()
    bodies = sent_to_discord(fake, start)
    assert len(bodies) >= 3
    for body in bodies:
        assert body.get("allowed_mentions") == {"parse": []}, body
