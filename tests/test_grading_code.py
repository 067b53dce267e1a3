"""Code answers run in the sandbox: tests reported one by one, every attack stopped or refused,
reported to the user, and the bot (this test process) carries on."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from bot.domain import CodeSpec, Kind, Question
from bot.grading import GradingOptions, SandboxLimits, grade
from bot.grading.code import names_of_tests, strip_fences
from bot.grading.sandbox import run_tests

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the sandbox needs POSIX")

TESTS = '''
def test_counts():
    assert count_words("a A b") == {"a": 2, "b": 1}

def test_empty():
    assert count_words("") == {}
'''
RIGHT = '''
def count_words(text):
    out = {}
    for w in text.lower().split():
        out[w] = out.get(w, 0) + 1
    return out
'''
FAST = GradingOptions(sandbox=SandboxLimits(cpu_seconds=1, wall_seconds=4))
SECRET = "xoxb-secret-token-1234567890"


def code_q(tests: str = TESTS) -> Question:
    return Question(id="coding-count-words", kind=Kind.CODE, topic="coding", difficulty=2,
                    prompt="Write count_words(text)", explanation="",
                    code=CodeSpec("def count_words(text):", RIGHT, tests))


async def run(answer: str, tests: str = TESTS):  # type: ignore[no-untyped-def]
    return await grade(code_q(tests), answer, options=FAST)


async def assert_still_works() -> None:
    """The bot survives: the next answer is graded normally."""
    g = await run(RIGHT)
    assert g.verdict == "correct"


def call(body: str) -> str:
    """An answer whose count_words does `body` (indented) first."""
    lines = "\n".join("    " + line for line in body.strip().splitlines())
    return f"import os\n\ndef count_words(text):\n{lines}\n    return {{}}\n"


async def test_a_right_answer_passes_every_test() -> None:
    g = await run(RIGHT)
    assert (g.verdict, g.score) == ("correct", 1.0)
    assert g.right == ("test_counts", "test_empty")
    assert "Passed 2 of 2 tests." in g.feedback


async def test_each_failing_test_is_named_with_its_assert() -> None:
    g = await run("def count_words(text):\n    return {}\n")
    assert (g.verdict, g.score) == ("partial", 0.5)
    assert g.right == ("test_empty",)
    assert g.missing == ('test_counts: failed: assert count_words("a A b") == {"a": 2, "b": 1}',)
    assert "✗ test_counts" in g.feedback and "✓ test_empty" in g.feedback


async def test_errors_point_at_the_line_of_the_answer() -> None:
    g = await run("def count_words(text):\n    x = 1\n    return text.nope()\n")
    assert g.verdict == "wrong"
    assert "AttributeError" in g.feedback and "line 3 of your code" in g.feedback


async def test_a_syntax_error_is_reported_and_every_test_fails() -> None:
    g = await run("def count_words(text) return {}")
    assert g.verdict == "wrong" and g.score == 0.0
    assert "SyntaxError" in g.feedback
    assert [m.split(":")[0] for m in g.missing] == ["test_counts", "test_empty"]


async def test_markdown_fences_are_removed() -> None:
    assert strip_fences(f"```python\n{RIGHT}\n```") .strip() == RIGHT.strip()
    assert (await run(f"```python\n{RIGHT}```")).verdict == "correct"


def test_names_of_tests_in_order() -> None:
    assert names_of_tests(TESTS) == ["test_counts", "test_empty"]


async def test_empty_answer_is_wrong_without_running() -> None:
    g = await run("   ")
    assert g.verdict == "wrong" and g.feedback == "No code to run."


async def test_infinite_loop_is_stopped() -> None:
    g = await run(call("while True:\n    pass"))
    assert g.verdict == "wrong"
    assert "Stopped:" in g.feedback and "endless loop" in g.feedback
    await assert_still_works()


async def test_sleeping_forever_hits_the_wall_clock_limit() -> None:
    limits = GradingOptions(sandbox=SandboxLimits(cpu_seconds=5, wall_seconds=1))
    g = await grade(code_q(), call("import time\ntime.sleep(60)"), options=limits)
    assert "longer than 1 s" in g.feedback


async def test_earlier_results_survive_a_later_loop() -> None:
    tests = TESTS + "\ndef test_loop():\n    while True:\n        pass\n"
    g = await run(RIGHT, tests)
    assert g.right == ("test_counts", "test_empty")
    assert g.missing[0].startswith("test_loop: stopped")


async def test_fork_bomb_is_refused() -> None:
    g = await run(call("while True:\n    os.fork()"))
    assert g.verdict == "wrong"
    assert "starting processes" in g.feedback
    g = await run(call("import subprocess\nsubprocess.run(['sh', '-c', 'echo hi'])"))
    assert "Not allowed here" in g.feedback
    await assert_still_works()


async def test_huge_allocation_runs_out_of_memory() -> None:
    g = await run(call("x = bytearray(10 ** 12)"))
    assert "ran out of memory" in g.feedback
    g = await run(call("x = []\nwhile True:\n    x.append(' ' * 10 ** 7)"))
    assert "ran out of memory" in g.feedback or "Stopped:" in g.feedback
    await assert_still_works()


async def test_the_bots_tokens_are_not_reachable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", SECRET)
    monkeypatch.setenv("DISCORD_TOKEN", SECRET)
    env = await run(call("print(dict(os.environ))\nassert not os.environ.get('SLACK_BOT_TOKEN')"))
    assert SECRET not in env.feedback
    assert "It printed: {'PATH':" in env.feedback and "TOKEN" not in env.feedback
    proc = await run(call("print(open(f'/proc/{os.getppid()}/environ').read())"))
    assert SECRET not in proc.feedback
    assert "reading files outside its own directory" in proc.feedback
    # Only PATH, TMPDIR (its own directory) and LC_CTYPE (Python's UTF-8 locale coercion adds
    # it) are there.
    tests = ("def test_env():\n    import os\n"
             "    assert set(os.environ) <= {'PATH', 'TMPDIR', 'LC_CTYPE'}\n")
    assert (await run("", tests)).feedback == "No code to run."
    assert (await run("x = 1", tests)).verdict == "correct"


def exists(path: Path | str) -> bool:
    return Path(path).exists()


async def test_writing_outside_its_directory_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "owned.txt"
    g = await run(call(f"open({str(target)!r}, 'w').write('x')"))
    assert not exists(target)
    assert "writing outside its own directory" in g.feedback
    keep = tmp_path / "keep.txt"
    keep.write_text("precious")
    g = await run(call(f"os.remove({str(keep)!r})"))
    assert exists(keep)
    assert "changing files outside its own directory" in g.feedback


async def test_its_own_directory_is_empty_writable_and_removed_after() -> None:
    tests = '''
def test_dir():
    import os
    assert os.listdir(".") == []
    with open("scratch.txt", "w") as f:
        f.write("ok")
    assert open("scratch.txt").read() == "ok"
    print(os.getcwd())
'''
    res = await run_tests("x = 1", tests, FAST.sandbox)
    assert res.passed == 1, res
    assert not exists(res.output.strip())


async def test_sockets_are_refused() -> None:
    connections = 0

    async def on_connect(_r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        w.close()

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        g = await run(call(f"import socket\nsocket.create_connection(('127.0.0.1', {port}))"))
        res = await run_tests(call(f"import socket\nsocket.create_connection(('127.0.0.1', "
                                   f"{port}))"), TESTS, FAST.sandbox)
    finally:
        server.close()
        await server.wait_closed()
    assert connections == 0
    assert "using the network" in g.feedback
    assert res.network in {"namespace", "audit hook"}


async def test_output_flood_is_cut() -> None:
    g = await run(call("while True:\n    os.write(1, b'x' * 65536)"))
    assert "printed more than" in g.feedback
    await assert_still_works()


async def test_it_cannot_signal_the_bot() -> None:
    g = await run(call("import signal\nos.kill(os.getppid(), signal.SIGKILL)"))
    assert "signalling other processes" in g.feedback
    await assert_still_works()


async def test_runs_as_nobody_when_root_and_possible() -> None:
    res = await run_tests("x = 1", "def test_x():\n    assert x == 1\n", FAST.sandbox)
    assert res.passed == 1
    if os.geteuid() != 0:
        assert res.uid == os.getuid()


async def test_a_fork_that_dodges_the_audit_hook_is_refused_by_the_kernel() -> None:
    """importlib can build a fresh _posixsubprocess whose fork_exec raises no audit event;
    once the code runs as a user other than root, RLIMIT_NPROC=1 refuses the fork itself."""
    code = '''
import importlib.util, os
def attack():
    spec = importlib.util.find_spec("_posixsubprocess")
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)
    r, w = os.pipe()
    return fresh.fork_exec([b"/bin/sh", b"-c", b"exit 0"], [b"/bin/sh"], True, (), None, None,
                           -1, -1, -1, -1, -1, -1, r, w, True, False, -1, None, None, None,
                           -1, None, False)
'''
    res = await run_tests(code, "def test_attack():\n    attack()\n", FAST.sandbox)
    if res.uid == 0:
        pytest.skip("the sandbox runs as root here (no Python 'nobody' can read)")
    (t,) = res.tests
    assert not t.passed and "Resource temporarily unavailable" in t.detail


async def test_everyday_standard_library_works_inside() -> None:
    tests = '''
import os, sqlite3, tempfile, json, collections, dataclasses, typing
from unittest import mock

def test_tempfile_lands_in_its_own_directory():
    with tempfile.TemporaryDirectory() as tmp:
        assert tmp.startswith(os.getcwd())
        with open(os.path.join(tmp, "f.txt"), "w") as f:
            f.write("x")

def test_sqlite_in_memory_and_in_its_directory():
    for db in (":memory:", "local.db"):
        con = sqlite3.connect(db)
        con.execute("create table t (x)")
        con.close()

def test_mock():
    m = mock.Mock(return_value=3)
    assert m() == 3
'''
    res = await run_tests("x = 1", tests, FAST.sandbox)
    assert res.passed == 3, res


async def test_a_database_file_outside_is_refused(tmp_path: Path) -> None:
    g = await run(call(f"import sqlite3\nsqlite3.connect({str(tmp_path / 'x.db')!r})"))
    assert "opening a database outside its own directory" in g.feedback
    assert not exists(tmp_path / "x.db")
