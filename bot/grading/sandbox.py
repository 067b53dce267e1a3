"""Run untrusted code against tests in a separate, limited process.

Layers, each enough to stop the attacks the tests try, together defence in depth:

- a separate interpreter, `python -I -S` (no site-packages, no PYTHON* variables), started in
  its own session, so a timeout kills its whole process group;
- `resource.setrlimit` in `preexec_fn`: CPU seconds, address space (memory), file size, open
  files, no core dumps, and RLIMIT_NPROC=1 (no new processes or threads);
- a wall-clock timeout, and a cap on what it may print (past it the process is killed);
- a fresh, empty temporary directory as its working directory (and TMPDIR), deleted after;
- an environment holding nothing but a minimal PATH (and TMPDIR): the bot's tokens are not there;
- no network: a new network namespace (`unshare -n`: only a downed loopback) when the machine
  allows it (it does as root, or with unprivileged user namespaces), and in any case the
  runner's audit hook refuses every socket;
- when the bot runs as root, the runner switches to `nobody` before running the answer, so
  RLIMIT_NPROC applies to it, and other processes, their `/proc/<pid>/environ` and root's files
  are out of its reach. That needs a Python whose standard library `nobody` can read: ours, or
  the same version under /usr/bin or /usr/local/bin; without one it stays root (logged);
- the runner's audit hook (`sandbox_runner.py`) refuses starting processes (`os.fork` & co.
  are also replaced by functions that refuse), signals, ctypes, writing, deleting or opening a
  database outside its directory, and reading outside it and the standard library.

An audit hook is not a security boundary on its own (a fresh copy of `_posixsubprocess` can
fork without an event: the kernel's RLIMIT_NPROC refuses that once the code is not root). Nor
does the sandbox stop an answer from lying about its own test results.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import pwd
import resource
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import weakref
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

RUNNER = Path(__file__).with_name("sandbox_runner.py").read_text("utf-8")
MINIMAL_PATH = "/usr/local/bin:/usr/bin:/bin"
CONCURRENT_RUNS = 2  # per event loop; more wait their turn
GRACE_SECONDS = 5.0  # after killing it, how long its pipes may take to close


@dataclass(frozen=True, slots=True)
class SandboxLimits:
    cpu_seconds: int = 5
    wall_seconds: float = 10.0
    memory_bytes: int = 512 * 2**20
    output_bytes: int = 64 * 2**10
    file_bytes: int = 8 * 2**20
    processes: int = 1  # RLIMIT_NPROC: 1 = no new processes or threads (once not root)
    open_files: int = 64


@dataclass(frozen=True, slots=True)
class TestResult:
    name: str
    passed: bool
    detail: str = ""


@dataclass(frozen=True, slots=True)
class RunResult:
    tests: tuple[TestResult, ...] = ()
    stopped: str = ""  # why the run was stopped early, in words; "" when it finished
    load_error: str = ""  # the answer itself failed before any test ran
    blocked: tuple[str, ...] = ()  # what the sandbox refused, in words
    output: str = ""  # what the answer printed (clipped)
    network: str = ""  # how the network was cut: "namespace" or "audit hook"
    uid: int | None = None  # the user the code ran as
    returncode: int | None = None

    @property
    def passed(self) -> int:
        return sum(t.passed for t in self.tests)


@dataclass
class _Collected:
    names: list[str] = field(default_factory=list)
    results: dict[str, TestResult] = field(default_factory=dict)
    running: str = ""
    load_error: str = ""
    blocked: list[str] = field(default_factory=list)
    output: str = ""
    uid: int | None = None
    done: bool = False


_probed: tuple[list[str], str, tuple[int, int] | None] | None = None
_semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary())


def _probe() -> tuple[list[str], str, tuple[int, int] | None]:
    """Facts about this machine, found once: network isolation prefix, python, ids."""
    netns: list[str] = []
    if shutil.which("unshare"):
        for prefix in (["unshare", "-n"], ["unshare", "-r", "-n"]):
            try:
                ok = subprocess.run([*prefix, "true"], capture_output=True, timeout=10)
            except (OSError, subprocess.SubprocessError):
                continue
            if ok.returncode == 0:
                netns = prefix
                break
    python, ids = _pick_interpreter()
    if ids is not None and netns == ["unshare", "-r", "-n"]:
        ids = None
    return netns, python, ids


async def machine() -> tuple[list[str], str, tuple[int, int] | None]:
    """(network-isolation command prefix or [], python to run, (uid, gid) to drop to)."""
    global _probed  # facts about the machine, probed once per process
    if _probed is None:
        _probed = await asyncio.to_thread(_probe)
    return _probed


def _limits_setter(limits: SandboxLimits):  # type: ignore[no-untyped-def]
    """The preexec_fn: only plain setrlimit/nice calls, safe to run between fork and exec."""
    cpu, mem, fsize = limits.cpu_seconds, limits.memory_bytes, limits.file_bytes
    nproc, nofile = limits.processes, limits.open_files

    def set_limits() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.nice(5)

    return set_limits


def _reachable_by_others(path: str) -> bool:
    """Whether a user other than the owner (here: nobody) can read `path`."""
    try:
        p = Path(path).resolve()
        if not all(d.stat().st_mode & stat.S_IXOTH for d in p.parents):
            return False
        mode = p.stat().st_mode
        return bool(mode & stat.S_IROTH) and (not p.is_dir() or bool(mode & stat.S_IXOTH))
    except OSError:
        return False


def _stdlib_of(python: str) -> str | None:
    try:
        out = subprocess.run([python, "-I", "-S", "-c", "import os;print(os.__file__)"],
                             capture_output=True, text=True, timeout=10, env={})
    except (OSError, subprocess.SubprocessError):
        return None
    return str(Path(out.stdout.strip()).parent) if out.returncode == 0 else None


def _pick_interpreter() -> tuple[str, tuple[int, int] | None]:
    """The python to run and, when we are root, the (uid, gid) it drops to.

    Dropping to nobody needs a standard library nobody can read; when ours lives somewhere
    private (say under /root), the same Python version installed system-wide is used if there
    is one, else ours runs without dropping (the audit hook still applies).
    """
    if os.geteuid() != 0:
        return sys.executable, None
    try:
        pw = pwd.getpwnam("nobody")
        ids = pw.pw_uid, pw.pw_gid
    except KeyError:
        ids = 65534, 65534
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [sys.executable, *(f"{d}/{version}" for d in ("/usr/local/bin", "/usr/bin"))]
    for python in dict.fromkeys(candidates):
        if os.access(python, os.X_OK) and (lib := _stdlib_of(python)) and (
                _reachable_by_others(lib)):
            return python, ids
    log.warning("sandbox: no Python whose standard library 'nobody' can read; the code runs "
                "as root, confined by rlimits, the audit hook and the network namespace")
    return sys.executable, None


def _semaphore() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    sem = _semaphores.get(loop)
    if sem is None:
        sem = _semaphores[loop] = asyncio.Semaphore(CONCURRENT_RUNS)
    return sem


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


async def run_tests(code: str, tests: str, limits: SandboxLimits | None = None) -> RunResult:
    """Run `code`, then each `test_*` function of `tests`, in the sandbox. Never raises for
    anything the code does; what happened is in the result."""
    limits = limits or SandboxLimits()
    async with _semaphore():
        workdir = tempfile.mkdtemp(prefix="ib-sandbox-")
        try:
            return await _run(code, tests, limits, workdir)
        finally:
            await asyncio.to_thread(shutil.rmtree, workdir, True)


async def _run(code: str, tests: str, limits: SandboxLimits, workdir: str) -> RunResult:
    nonce = secrets.token_hex(16)
    prefix, python, ids = await machine()
    if ids:
        os.chown(workdir, *ids)
    payload = json.dumps({"code": code, "tests": tests, "nonce": nonce,
                          "uid": ids[0] if ids else None,
                          "gid": ids[1] if ids else None}).encode()
    cmd = [*prefix, python, "-I", "-S", "-B", "-X", "utf8", "-c", RUNNER]
    proc = await asyncio.create_subprocess_exec(
        *cmd, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, cwd=workdir,
        env={"PATH": MINIMAL_PATH, "TMPDIR": workdir},
        start_new_session=True, preexec_fn=_limits_setter(limits))
    got = _Collected()
    too_much = asyncio.Event()

    async def feed() -> None:
        assert proc.stdin is not None
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            proc.stdin.write(payload)
            await proc.stdin.drain()
            proc.stdin.close()

    async def read_stdout() -> None:
        # Always read to EOF (discarding past the cap), or the pipe and the wait stall.
        assert proc.stdout is not None
        total, buf = 0, b""
        marker = nonce.encode() + b" "
        while chunk := await proc.stdout.read(65536):
            total += len(chunk)
            if total > limits.output_bytes:
                too_much.set()
                continue
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for line in lines:
                if line.startswith(marker):
                    _collect(got, line[len(marker):])

    async def drain_stderr() -> None:
        assert proc.stderr is not None
        total = 0
        while chunk := await proc.stderr.read(65536):
            total += len(chunk)
            if total > limits.output_bytes:
                too_much.set()

    stopped = ""
    readers = asyncio.gather(feed(), read_stdout(), drain_stderr(), return_exceptions=True)
    exited = asyncio.ensure_future(proc.wait())
    overflow = asyncio.ensure_future(too_much.wait())
    try:
        done, _ = await asyncio.wait({exited, overflow}, timeout=limits.wall_seconds,
                                     return_when=asyncio.FIRST_COMPLETED)
        if overflow in done:
            stopped = f"it printed more than {limits.output_bytes // 1024} KB"
        elif exited not in done:
            stopped = f"it ran longer than {limits.wall_seconds:g} s (an endless loop?)"
    finally:
        overflow.cancel()
        _kill_group(proc.pid)
        # The readers keep draining (past the cap they discard) until the pipes close, which
        # also lets wait() finish; a stuck pipe is cut after a grace period.
        rest = asyncio.gather(readers, exited, return_exceptions=True)
        try:
            await asyncio.wait_for(asyncio.shield(rest), timeout=GRACE_SECONDS)
        except TimeoutError:
            rest.cancel()
            transport = getattr(proc, "_transport", None)
            if transport is not None:
                transport.close()
            log.warning("sandbox: pipes still open %s s after the kill; closed them",
                        GRACE_SECONDS)
    rc = proc.returncode
    if not stopped and not got.done and not got.load_error:
        stopped = _why_it_died(rc, limits)
    return _result(got, stopped, rc, "namespace" if prefix else "audit hook")


def _collect(got: _Collected, raw: bytes) -> None:
    try:
        ev = json.loads(raw)
    except ValueError:
        return
    kind = ev.get("event")
    if kind == "tests":
        got.names = [str(n) for n in ev.get("names", [])]
    elif kind == "start":
        got.running = str(ev.get("name", ""))
    elif kind == "result":
        name = str(ev.get("name", ""))
        got.results[name] = TestResult(name, bool(ev.get("passed")), str(ev.get("detail", "")))
        got.running = ""
    elif kind == "load_error":
        got.load_error = str(ev.get("error", ""))
    elif kind == "blocked":
        what = str(ev.get("what", ""))
        if what not in got.blocked:
            got.blocked.append(what)
    elif kind == "output":
        got.output = str(ev.get("text", ""))
    elif kind == "user":
        got.uid = ev.get("uid")
    elif kind == "done":
        got.done = True


def _why_it_died(rc: int | None, limits: SandboxLimits) -> str:
    if rc is not None and rc < 0:
        sig = -rc
        if sig in (signal.SIGXCPU, signal.SIGKILL):
            return f"it used more than {limits.cpu_seconds} s of CPU time (an endless loop?)"
        if sig == signal.SIGXFSZ:
            return f"it wrote a file larger than {limits.file_bytes // 2**20} MB"
        if sig in (signal.SIGSEGV, signal.SIGBUS, signal.SIGABRT):
            return f"it crashed ({signal.Signals(sig).name}), perhaps out of memory"
        with contextlib.suppress(ValueError):
            return f"it was killed by {signal.Signals(sig).name}"
    return f"it exited early (exit code {rc})"


def _result(got: _Collected, stopped: str, rc: int | None, network: str) -> RunResult:
    tests: list[TestResult] = []
    for name in got.names:
        if name in got.results:
            tests.append(got.results[name])
        elif name == got.running:
            tests.append(TestResult(name, False, f"stopped: {stopped}" if stopped else "stopped"))
        else:
            tests.append(TestResult(name, False, "not run"))
    return RunResult(tuple(tests), stopped, got.load_error, tuple(got.blocked),
                     got.output, network, got.uid, rc)
