"""The sandbox in the documented deployments: the bot as an unprivileged user (Docker's
`USER bot`, systemd's `User=interview-bot`), with unprivileged user namespaces (the sandbox
works, and the code cannot touch the bot user's own files or process) and without them (as
under Docker's default seccomp profile: code is never run, it fails closed)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import bot.sandbox

BOT_UID = 4242
SYSTEM_PYTHON = next(
    (p for p in ("/usr/bin/python3", "/usr/local/bin/python3") if os.access(p, os.X_OK)), None
)
needs_root = pytest.mark.skipif(
    os.geteuid() != 0
    or not shutil.which("setpriv")
    or not SYSTEM_PYTHON
    or not shutil.which("bwrap"),
    reason="needs root (to become another user), setpriv, bubblewrap and a system Python",
)

# What the bot process runs: the sandbox package only (standard library), copied where the
# unprivileged user can read it. It prints what each attack saw, as JSON.
SCRIPT = r'''
import asyncio, json, os, sys
from bot.sandbox import Program, Sandbox, SandboxUnavailable
secret, db = sys.argv[1], sys.argv[2]
attack = f"""
import os, signal, sqlite3
def read_secret():
    return open({secret!r}).read()
def write_db():
    c = sqlite3.connect({db!r})
    c.execute("INSERT INTO totals VALUES ('mallory', 9999)")
    c.commit()
    return 'written'
"""
runs = ("read_secret()", "write_db()", "os.kill(os.getppid(), 9) or os.getppid()",
        "os.getuid()", "open(f'/proc/{os.getppid()}/environ').read()")
async def main():
    box = Sandbox()
    ok = await box.probe()
    out = {"available": ok, "reason": box.reason, "bot_uid": os.getuid()}
    try:
        r = await box.run(Program(attack, "", runs))
        out["observations"] = [None if o is None else {"value": o.value, "raised": list(o.raised)}
                               for o in r.observations]
    except SandboxUnavailable as e:
        out["refused"] = str(e)
    print(json.dumps(out))
asyncio.run(main())
'''


@pytest.fixture
def deployment() -> Iterator[Path]:
    """A copy of the sandbox package, and the bot user's private files, as deployed."""
    top = Path(tempfile.mkdtemp(prefix="ib-deploy-", dir="/tmp"))
    top.chmod(0o755)
    pkg = top / "app" / "bot"
    shutil.copytree(
        Path(bot.sandbox.__file__).parent,
        pkg / "sandbox",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (pkg / "__init__.py").write_text("")
    for d in (top / "app", pkg, pkg / "sandbox"):
        d.chmod(0o755)
    for f in (pkg / "sandbox").iterdir():
        f.chmod(0o644)
    (top / "app" / "run.py").write_text(SCRIPT)
    (top / "app" / "run.py").chmod(0o644)
    home = top / "home"
    home.mkdir(mode=0o700)
    (home / ".env").write_text("DISCORD_TOKEN=FAKE-token-of-the-bot-user\n")
    (home / ".env").chmod(0o600)
    import sqlite3

    c = sqlite3.connect(home / "bot.db")
    c.execute("CREATE TABLE totals (user_id TEXT, points INTEGER)")
    c.commit()
    c.close()
    for p in (home, home / ".env", home / "bot.db"):
        os.chown(p, BOT_UID, BOT_UID)
    yield top
    shutil.rmtree(top, ignore_errors=True)


def run_as_bot(top: Path, *wrap: str) -> dict[str, object]:
    home = top / "home"
    cmd = [
        "setpriv",
        f"--reuid={BOT_UID}",
        f"--regid={BOT_UID}",
        "--clear-groups",
        *wrap,
        str(SYSTEM_PYTHON),
        "-s",
        "-E",
        str(top / "app" / "run.py"),
        str(home / ".env"),
        str(home / "bot.db"),
    ]
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "DISCORD_TOKEN": "FAKE-token-in-env"}
    # -s -E: no user site or PYTHON* variables; the script's folder is on sys.path
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=top / "app", env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@needs_root
def test_as_an_unprivileged_bot_user_with_user_namespaces(deployment: Path) -> None:
    got = run_as_bot(deployment)
    assert got["available"] is True and got["bot_uid"] == BOT_UID
    obs = got["observations"]
    assert isinstance(obs, list)
    secret, db, kill, uid, environ = obs
    assert secret["raised"] and db["raised"]  # the bot user's own files are not there
    assert kill["value"] == 1  # its parent is its namespace's init, not the bot
    assert uid["value"] == 65534
    assert environ["raised"]
    import sqlite3

    rows = (
        sqlite3.connect(deployment / "home" / "bot.db")
        .execute("SELECT count(*) FROM totals")
        .fetchone()
    )
    assert rows == (0,)
    assert "FAKE-token" not in json.dumps(got)


@needs_root
def test_without_user_namespaces_code_is_never_run(deployment: Path) -> None:
    """Docker's default seccomp profile refuses new user namespaces: the bot must not fall
    back to running code as itself."""
    wrap = (
        "bwrap",
        "--unshare-user",
        "--disable-userns",
        "--ro-bind",
        "/",
        "/",
        "--dev",
        "/dev",
        "--proc",
        "/proc",
        "--",
    )
    got = run_as_bot(deployment, *wrap)
    assert got["available"] is False
    assert "could not start a sandbox" in str(got["reason"])
    assert "refused" in got and "observations" not in got


@needs_root
def test_as_root_without_user_namespaces_code_is_never_run_as_root(deployment: Path) -> None:
    wrap_root = [
        "bwrap",
        "--unshare-user",
        "--disable-userns",
        "--uid",
        "0",
        "--gid",
        "0",
        "--ro-bind",
        "/",
        "/",
        "--dev",
        "/dev",
        "--proc",
        "/proc",
        "--",
        str(SYSTEM_PYTHON),
        "-s",
        "-E",
        str(deployment / "app" / "run.py"),
        str(deployment / "home" / ".env"),
        str(deployment / "home" / "bot.db"),
    ]
    out = subprocess.run(
        wrap_root,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=deployment / "app",
        env={"PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["available"] is False and "observations" not in got


def test_the_sandbox_package_needs_only_the_standard_library() -> None:
    """So a deployment can check it with any Python, and the test above can run it."""
    names = {
        line.split()[1].split(".")[0]
        for f in Path(bot.sandbox.__file__).parent.glob("*.py")
        for line in f.read_text().splitlines()
        if line.startswith(("import ", "from ")) and not line.startswith("from __future__")
    }
    assert names - set(sys.stdlib_module_names) <= {"bot"}
