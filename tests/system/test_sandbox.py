"""Code answers run under the operating-system sandbox (bubblewrap), and every attack from the
pre-launch security review fails: the verdict cannot be forged, the bot's files, secrets,
processes and network are out of reach, and limits hold. Run with the real sandbox."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.domain.questions import CodeCase
from bot.grading import GradingOptions, grade
from bot.grading.code import problems, stub_for
from bot.sandbox import Program, Sandbox, SandboxUnavailable
from tests.support.sandbox import FAST, RIGHT, code_q, fresh_sandbox

SECRET = "xoxb-FAKE-secret-token-1234567890"


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A world-writable folder on the host, as /tmp or /run often hold sockets in."""
    folder = Path(tempfile.mkdtemp(dir="/tmp"))
    folder.chmod(0o777)
    yield folder
    for f in folder.iterdir():
        f.unlink()
    folder.rmdir()


def exists(path: Path) -> bool:
    return path.exists()


@pytest.fixture
def bot_home() -> Iterator[Path]:
    """A bot's folder the way a careless deployment leaves it: world-readable `.env` and DB."""
    home = Path(tempfile.mkdtemp(prefix="ib-bot-home-", dir="/tmp"))
    home.chmod(0o755)
    (home / ".env").write_text(f"DISCORD_TOKEN={SECRET}\n")
    db = sqlite3.connect(home / "bot.db")
    db.execute("CREATE TABLE totals (user_id TEXT, points INTEGER)")
    db.execute("INSERT INTO totals VALUES (?, 10)", (SECRET,))
    db.commit()
    db.close()
    for f in home.iterdir():
        f.chmod(0o644)
    yield home
    for f in home.iterdir():
        f.unlink()
    home.rmdir()


async def graded(sandbox: Sandbox, answer: str, **kw):  # type: ignore[no-untyped-def]
    return await grade(
        code_q(**kw), answer, options=GradingOptions(semantic=False, sandbox=sandbox)
    )


async def observe(sandbox: Sandbox, code: str, *runs: str):  # type: ignore[no-untyped-def]
    return await sandbox.run(Program(code, "", runs), who=("test", uuid.uuid4().hex))


# -- grading ------------------------------------------------------------------------------


async def test_a_right_answer_passes_every_case_by_name(sandbox: Sandbox) -> None:
    g = await graded(sandbox, RIGHT)
    assert g.verdict == "correct" and g.score == 1.0
    assert "Passed 4 of 4 tests." in g.feedback
    assert "✓ counts words ignoring case" in g.feedback


async def test_a_wrong_answer_is_told_what_was_expected_and_what_came_back(
    sandbox: Sandbox,
) -> None:
    g = await graded(sandbox, "def count_words(text):\n    return {w: 1 for w in text.split()}\n")
    assert g.verdict == "partial"
    assert (
        "✗ counts words ignoring case: expected {'a': 2, 'b': 1}, got {'A': 1, 'a': 1, 'b': 1}"
        in g.feedback
    )


async def test_an_exception_points_at_the_answers_line(sandbox: Sandbox) -> None:
    g = await graded(sandbox, "def count_words(text):\n    return 1 / 0\n")
    assert (
        "raised ZeroDivisionError: division by zero at line 2 of your code: return 1 / 0"
        in g.feedback
    )


async def test_a_syntax_error_fails_every_case(sandbox: Sandbox) -> None:
    g = await graded(sandbox, "def count_words(:\n")
    assert g.verdict == "wrong" and g.score == 0
    assert "SyntaxError" in g.feedback


async def test_fenced_code_is_unwrapped(sandbox: Sandbox) -> None:
    g = await graded(sandbox, f"```python\n{RIGHT}\n```")
    assert g.verdict == "correct"


async def test_expected_exceptions_match_by_base_class(sandbox: Sandbox) -> None:
    cases = (CodeCase("raises a lookup error", "{}['x']", raises="LookupError"),)
    g = await graded(sandbox, "def count_words(text):\n    return {}\n", cases=cases)
    assert g.verdict == "correct"


async def test_printed_output_is_compared(sandbox: Sandbox) -> None:
    cases = (CodeCase("greets", "count_words('x')", prints="hello x"),)
    ok = await graded(sandbox, "def count_words(t):\n    print('hello', t)\n", cases=cases)
    bad = await graded(sandbox, "def count_words(t):\n    print('hi', t)\n", cases=cases)
    assert ok.verdict == "correct" and bad.verdict == "wrong"
    assert "expected it to print 'hello x', it printed 'hi x'" in bad.feedback


# -- verdicts the answer cannot forge (review H1: four ways, each 4-5 lines) --------------

FORGERIES = {
    "patches the runner's output function": """
import __main__
_real = __main__._emit
def _emit(ev):
    if ev.get("event") == "observed":
        ev = dict(ev, value=True, raised=[], message="")
    _real(ev)
__main__._emit = _emit
def count_words(text):
    return None
""",
    "writes forged result lines and exits": """
import os, json
for i in range(10):
    os.write(1, (json.dumps({"event": "observed", "index": i, "value": {"a": 2, "b": 1},
                             "printed": ""}) + "\\n").encode())
os.write(1, b'{"event": "done"}\\n')
os._exit(0)
""",
    "returns an object equal to anything": """
class Anything(dict):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    __hash__ = None
def count_words(text):
    return Anything()
""",
    "rebinds the builtins the checks would use": """
import builtins
class Any:
    def __eq__(self, o): return True
fake = dict(builtins.__dict__)
fake["dict"] = fake["len"] = lambda *a, **k: Any()
__builtins__ = fake
def count_words(text):
    return Any()
""",
    "flips the old runner's kill switch": """
import sys
try:
    sys._getframe(1).f_locals["busy"][0] = True
except Exception:
    pass
def count_words(text):
    return {}
""",
}


@pytest.mark.parametrize("how", list(FORGERIES))
async def test_an_answer_cannot_pass_cases_it_does_not_solve(sandbox: Sandbox, how: str) -> None:
    g = await graded(sandbox, FORGERIES[how])
    assert g.verdict != "correct", how
    assert g.score <= 0.5, (how, g.feedback)


# -- the bot's files, secrets, processes and network (review C1-C4, M2-M4) -----------------


async def test_the_bots_files_and_database_cannot_be_read(sandbox: Sandbox, bot_home: Path) -> None:
    env, db = bot_home / ".env", bot_home / "bot.db"
    attack = f'''
import os, sqlite3
class Lie(str):
    def startswith(self, *a): return False
    def partition(self, sep): return ("harmless.txt", "", "")
def via_dir_fd():
    os.makedirs("a/b/c/d/e/f/g/h/i/j/k/l", exist_ok=True)
    root = os.open(".", os.O_RDONLY)
    slash = os.open("../" * 12, os.O_RDONLY, dir_fd=root)
    return os.read(os.open("{str(env)[1:]}", os.O_RDONLY, dir_fd=slash), 200)
def via_attach():
    c = sqlite3.connect("file::memory:", uri=True)
    c.execute("ATTACH DATABASE 'file:{db}?immutable=1' AS b")
    return c.execute("SELECT * FROM b.totals").fetchall()
'''
    result = await sandbox.run(
        Program(
            attack,
            "",
            (
                f"open({str(env)!r}).read()",
                f"open(Lie({str(env)!r})).read()",
                "via_dir_fd()",
                "via_attach()",
                f"os.listdir({str(bot_home)!r})",
                "open('/proc/self/environ').read()",
                "open('/proc/1/environ').read()",
                "dict(os.environ)",
                "open('/etc/passwd').read()",
                "os.listdir('/')",
            ),
        )
    )
    seen = repr(result)
    assert SECRET not in seen
    *refused, environ, passwd, top = result.observations
    for obs in refused:
        assert obs is not None and obs.raised, obs  # every attempt failed inside
    assert environ is not None and set(
        environ.value["__dict__"][i][0] for i in range(len(environ.value["__dict__"]))
    ) <= {"PATH", "HOME", "TMPDIR", "LANG", "PWD"}
    assert passwd is not None and "FileNotFoundError" in passwd.raised
    assert top is not None and set(top.value) <= {
        "usr",
        "bin",
        "lib",
        "lib64",
        "sbin",
        "dev",
        "work",
        "lib32",
        "libx32",
    }


async def test_the_bots_environment_is_not_inherited(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", SECRET)
    result = await observe(
        sandbox, "import os", "repr(os.environ)", "open(f'/proc/{os.getppid()}/environ').read()"
    )
    assert SECRET not in repr(result)


async def test_nothing_written_inside_reaches_the_host(sandbox: Sandbox, bot_home: Path) -> None:
    marker = f"/tmp/pwned-{uuid.uuid4().hex}"
    home_plant = Path.home() / ".local/lib/python3.11/site-packages/usercustomize.py"
    before = home_plant.exists()
    result = await observe(
        sandbox,
        "import os",
        f"open({marker!r}, 'w').write('x')",
        f"open({str(bot_home / 'bot.db')!r}, 'wb').write(b'x')",
        f"os.makedirs({str(home_plant.parent)!r}, exist_ok=True)",
        "open('/dev/shm-fill', 'wb').write(b'x' * 1000)",
        "open('in-my-folder.txt', 'w').write('ok')",
    )
    *outside, inside = result.observations
    assert all(o is not None and o.raised for o in outside), outside
    assert inside is not None and inside.value == 2
    assert not await asyncio.to_thread(exists, Path(marker))
    assert await asyncio.to_thread(exists, home_plant) == before
    assert sqlite3.connect(bot_home / "bot.db").execute(
        "SELECT count(*) FROM totals"
    ).fetchone() == (1,)


async def test_the_scratch_folder_is_private_to_each_run(sandbox: Sandbox) -> None:
    await observe(sandbox, "", "open('left-behind.txt', 'w').write('x')")
    again = await observe(sandbox, "import os", "sorted(os.listdir('.'))")
    assert again.observations[0] is not None and again.observations[0].value == []


async def test_no_network_not_even_the_hosts_loopback_or_unix_sockets(
    sandbox: Sandbox, open_folder: Path
) -> None:
    connected: list[str] = []

    async def on_connect(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        connected.append("tcp")
        w.close()

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    unix_path = str(open_folder / "daemon.sock")
    unix = await asyncio.start_unix_server(on_connect, unix_path)
    os.chmod(unix_path, 0o777)
    try:
        result = await observe(
            sandbox,
            "import socket",
            f"socket.create_connection(('127.0.0.1', {port}), timeout=1)",
            f"s = socket.socket(socket.AF_UNIX)\ns.connect({unix_path!r})",
            "socket.getaddrinfo('example.com', 443)",
        )
        await asyncio.sleep(0)
    finally:
        server.close()
        unix.close()
    assert all(o is not None and o.raised for o in result.observations)
    assert connected == []


async def test_it_cannot_signal_the_bot_or_start_processes(sandbox: Sandbox) -> None:
    result = await observe(
        sandbox,
        "import os, signal, threading",
        "p = os.getppid()\nos.kill(p, signal.SIGKILL)\np",
        "os.fork()",
        "threading.Thread(target=print).start()",
        "os.setuid(0)",
        "import ctypes; ctypes.CDLL(None).unshare(0x10000000)",
        "os.getuid(), os.getgid()",
        "import ctypes; ctypes.CDLL(None).mount(b'tmpfs', b'/work', b'tmpfs', 0, None)",
        "open('x.sh', 'w').write('#!/bin/sh\\necho hi\\n')\nos.chmod('x.sh', 0o755)\n"
        "os.execv('./x.sh', ['x.sh'])",
    )
    parent, fork, thread, setuid, unshare, ids, mount, execute = result.observations
    assert parent is not None and parent.value == 1  # its parent is the namespace's own init
    assert fork is not None and "BlockingIOError" in fork.raised
    assert thread is not None and "RuntimeError" in thread.raised
    assert setuid is not None and setuid.raised  # no uid 0 to become
    assert unshare is not None and unshare.value == -1  # seccomp: EPERM
    assert ids is not None and ids.value == [65534, 65534]
    assert mount is not None and mount.value == -1  # no capability left after set-up
    assert execute is not None and "PermissionError" in execute.raised  # scratch is noexec
    os.kill(os.getpid(), 0)  # and the bot lives


async def test_one_run_cannot_kill_another(sandbox: Sandbox) -> None:
    """Review M3: every run has its own pid namespace, so a kill loop finds only itself."""
    killer = (
        "import os, signal\nfor pid in range(2, 4000):\n    try:\n"
        "        os.kill(pid, signal.SIGKILL)\n    except OSError:\n        pass\n"
    )
    busy = RIGHT + "\nfor _ in range(2_000_000):\n    pass\n"
    victim, _ = await asyncio.gather(graded(sandbox, busy), observe(sandbox, killer, "'done'"))
    assert victim.verdict == "correct", victim.feedback


async def test_limits_hold(sandbox: Sandbox) -> None:
    loop, mem, disk, sleep, flood = await asyncio.gather(
        observe(sandbox, "while True: pass", "1"),
        observe(sandbox, "x = bytearray(2**31)", "1"),
        observe(sandbox, "", "[open(f'f{i}', 'wb').write(b'x' * 4_000_000) for i in range(10)]"),
        sandbox.run(
            Program("import time; time.sleep(60)", "", ("1",)),
            who=("test", "sleepy"),
            limits=FAST.__class__(cpu_seconds=2, wall_seconds=1),
        ),
        observe(sandbox, "import os\nwhile True: os.write(1, b'x' * 65536)", "1"),
    )
    files = await observe(sandbox, "", "for i in range(100_000):\n    open(f'f{i}', 'w').close()")
    assert "CPU time" in loop.stopped
    assert "ran out of memory" in mem.load_error
    assert disk.observations[0] is not None and "No space left" in disk.observations[0].message
    assert "longer than 1 s" in sleep.stopped
    assert "printed more than" in flood.stopped
    assert files.observations[0] is not None and "No space left" in files.observations[0].message


# -- fail closed ----------------------------------------------------------------------------


async def test_without_bubblewrap_code_is_never_run(caplog: pytest.LogCaptureFixture) -> None:
    box = Sandbox(bwrap="/nonexistent/bwrap")
    assert not await box.probe()
    assert "bubblewrap (bwrap) is not installed" in box.reason
    assert await box.probe() is False  # probed once
    assert sum("code questions are off" in r.message for r in caplog.records) == 1
    with pytest.raises(SandboxUnavailable):
        await grade(code_q(), RIGHT, options=GradingOptions(semantic=False, sandbox=box))


async def test_switched_off_by_the_operator() -> None:
    box = Sandbox(enabled=False)
    assert not await box.probe()
    assert "SANDBOX_ENABLED=false" in box.reason


# -- the question bank's own checks --------------------------------------------------------


async def test_validation_catches_weak_cases(sandbox: Sandbox) -> None:
    weak = code_q(cases=(CodeCase("returns something", "count_words('a') is not None", True),))
    assert await problems(code_q(), sandbox) == []
    assert "a do-nothing stub passes every case" not in await problems(code_q(), sandbox)
    found = await problems(weak, sandbox)
    assert found == [], found  # the stub returns None: it fails; a real check below
    trivial = code_q(cases=(CodeCase("runs", "count_words('a') and None", None),))
    assert "a do-nothing stub passes every case" in await problems(trivial, sandbox)
    assert stub_for("def f(x):").endswith("def f(x):\n    return None\n")


async def test_same_program_runs_once(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    box = fresh_sandbox()
    spawned = []
    real = box._spawn

    async def counting(program, limits):  # type: ignore[no-untyped-def]
        spawned.append(program)
        return await real(program, limits)

    monkeypatch.setattr(box, "_spawn", counting)
    await box.probe()
    spawned.clear()
    p = Program(RIGHT + f"\n# {uuid.uuid4()}", "", ("count_words('a')",))
    results = await asyncio.gather(*(box.run(p, who=("t", "u")) for _ in range(5)))
    again = await box.run(p, who=("t", "v"))
    assert len(spawned) == 1
    assert {r.observations[0].value["__dict__"][0][0] for r in results if r.observations[0]} == {
        "a"
    }
    assert again is results[0]


def test_the_sandbox_program_is_killed_with_its_supervisor_only() -> None:
    """No run shares a process group with the bot: killing a run never signals the bot."""
    assert os.getpgid(0) == os.getpgrp()
    assert signal.SIGKILL  # the supervisor kills bubblewrap's own group (start_new_session)
