"""Runs untrusted code under the operating-system boundary (bubblewrap), fairly, and reports
what each run observed.

`Sandbox.run(program, who=(team, person))` takes the answer's code, the question's setup and
the runs (code snippets whose last expression is observed) and returns plain observations.
It never decides pass or fail: that is the grader's, on the bot's side. Where no boundary can be
had (no bubblewrap, no user namespaces, no Python under /usr), `available` is False, `reason`
says why (logged once), and `run` refuses: untrusted code never runs as the bot or as root.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import signal
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.sandbox import seccomp
from bot.sandbox.bwrap import SANDBOX_ID, Boundary, find_bwrap, find_python
from bot.sandbox.queue import FairQueue

log = logging.getLogger(__name__)

PROGRAM = Path(__file__).with_name("inside.py").read_text("utf-8")
GRACE_SECONDS = 5.0  # after the kill, how long its pipes may take to close
CACHE_SIZE = 512


class SandboxUnavailable(Exception):
    """No operating-system boundary here: code is not run."""


@dataclass(frozen=True, slots=True)
class SandboxLimits:
    cpu_seconds: int = 5
    wall_seconds: float = 10.0
    memory_bytes: int = 512 * 2**20
    output_bytes: int = 256 * 2**10
    file_bytes: int = 8 * 2**20  # one file
    disk_bytes: int = 16 * 2**20  # everything it writes, together (the tmpfs size)
    max_files: int = 256  # files and folders it may create, together
    open_files: int = 64
    processes: int = 1  # RLIMIT_NPROC inside: 1 = no new processes or threads


@dataclass(frozen=True, slots=True)
class Program:
    code: str
    setup: str
    runs: tuple[str, ...]

    def key(self) -> str:
        blob = json.dumps([self.code, self.setup, list(self.runs)]).encode()
        return hashlib.sha256(blob).hexdigest()


@dataclass(frozen=True, slots=True)
class Observation:
    """What one run saw: plain data only (JSON types), as the code inside reported it."""

    value: Any = None
    raised: tuple[str, ...] = ()  # the exception's type and its bases, by name
    message: str = ""
    at: str = ""  # where in the answer it was raised
    printed: str = ""


@dataclass(frozen=True, slots=True)
class RunResult:
    observations: tuple[Observation | None, ...] = ()  # None: that run did not finish
    stopped: str = ""  # why the run was stopped, in words; "" when it finished
    load_error: str = ""  # the answer failed before any run
    output: str = ""  # printed before a load error
    returncode: int | None = None


@dataclass
class _Got:
    observed: dict[int, Observation] = field(default_factory=dict)
    load_error: str = ""
    setup_error: str = ""
    output: str = ""
    done: bool = False


def _text(v: object, limit: int = 2000) -> str:
    return v[:limit] if isinstance(v, str) else ""


def _collect(got: _Got, line: bytes, n_runs: int) -> None:
    try:
        ev = json.loads(line)
    except ValueError:
        return
    if not isinstance(ev, dict):
        return
    kind = ev.get("event")
    if kind == "observed":
        i = ev.get("index")
        if type(i) is int and 0 <= i < n_runs and i not in got.observed:
            raised = ev.get("raised")
            names = tuple(_text(n, 100) for n in raised) if isinstance(raised, list) else ()
            got.observed[i] = Observation(
                ev.get("value"),
                names,
                _text(ev.get("message")),
                _text(ev.get("at")),
                _text(ev.get("printed"), 4000),
            )
    elif kind == "setup_error":
        got.setup_error = _text(ev.get("error")) or "the sandbox could not be set up"
    elif kind == "load_error" and not got.load_error:
        got.load_error = _text(ev.get("error")) or "it failed to load"
        got.output = _text(ev.get("printed"), 4000)
    elif kind == "done":
        got.done = True


class Sandbox:
    """One per process: probes the machine once, then runs programs in turn."""

    def __init__(
        self,
        *,
        limits: SandboxLimits | None = None,
        slots: int | None = None,
        bwrap: str | None = None,
        python: str | None = None,
        enabled: bool = True,
    ) -> None:
        self.limits = limits or SandboxLimits()
        self.queue = FairQueue(slots=slots or max(1, os.cpu_count() or 1))
        self._want = (bwrap, python, enabled)
        self._boundary: Boundary | None = None
        self._reason = ""
        self._probed: asyncio.Future[None] | None = None  # while the probe runs
        self._probe_done = False
        self._cache: OrderedDict[str, RunResult] = OrderedDict()
        self._inflight: dict[str, asyncio.Future[RunResult]] = {}
        self._seccomp = seccomp.program()

    # -- whether there is a boundary ----------------------------------------------------
    @property
    def available(self) -> bool:
        return self._boundary is not None

    @property
    def reason(self) -> str:
        return self._reason

    async def probe(self) -> bool:
        """Find out (once) whether a confined run works here; logs one line when it does not."""
        if self._probe_done:
            return self.available
        if self._probed is None or self._probed.get_loop() is not asyncio.get_running_loop():
            self._probed = asyncio.ensure_future(self._probe())
        await asyncio.shield(self._probed)
        self._probe_done = True
        return self.available

    async def _probe(self) -> None:
        bwrap_path, python_path, enabled = self._want
        if not enabled:
            self._reason = "code answers are switched off (SANDBOX_ENABLED=false)"
        elif not (bwrap := await asyncio.to_thread(find_bwrap, bwrap_path)):
            self._reason = "bubblewrap (bwrap) is not installed"
        elif not (python := await asyncio.to_thread(find_python, python_path)):
            self._reason = (
                "no Python 3 under /usr for the sandbox (set SANDBOX_PYTHON to one "
                "whose standard library is under /usr)"
            )
        else:
            drop = SANDBOX_ID if os.geteuid() == 0 else None
            self._boundary = Boundary(bwrap, python, drop)
            check = await self._spawn(Program("x = 41", "", ("x + 1",)), self.limits)
            obs = check.observations[0] if check.observations else None
            if obs is None or obs.value != 42:
                self._boundary = None
                self._reason = (
                    "bubblewrap could not start a sandbox here (user namespaces "
                    f"refused?): {check.stopped or check.load_error or 'no result'}"
                )
        if self._boundary is None:
            log.warning("sandbox: code questions are off: %s", self._reason)
        else:
            log.info(
                "sandbox: ready (bubblewrap %s, python %s%s)",
                self._boundary.bwrap,
                self._boundary.python,
                ", started as nobody" if drop else "",
            )

    # -- running --------------------------------------------------------------------------
    async def run(
        self,
        program: Program,
        *,
        who: tuple[str, str] = ("", ""),
        limits: SandboxLimits | None = None,
    ) -> RunResult:
        """Observations of `program`'s runs. The same program is run once: a second request
        while it runs waits for the same result, and later ones get it from a small cache.
        Raises SandboxUnavailable (no boundary) or SandboxBusy (too many waiting)."""
        if not await self.probe():
            raise SandboxUnavailable(self._reason)
        key = program.key()
        if (hit := self._cache.get(key)) is not None:
            self._cache.move_to_end(key)
            return hit
        if (running := self._inflight.get(key)) is not None:
            return await asyncio.shield(running)
        fut: asyncio.Future[RunResult] = asyncio.get_running_loop().create_future()
        self._inflight[key] = fut
        try:
            async with self.queue.turn(*who):
                result = await self._spawn(program, limits or self.limits)
        except BaseException as e:
            fut.set_exception(e) if not isinstance(e, asyncio.CancelledError) else fut.cancel()
            with contextlib.suppress(BaseException):
                fut.exception()  # retrieved: no "never retrieved" warning
            raise
        finally:
            self._inflight.pop(key, None)
        fut.set_result(result)
        if not result.stopped:  # a stop may be the machine's fault (load); retry later
            self._cache[key] = result
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return result

    async def _spawn(self, program: Program, limits: SandboxLimits) -> RunResult:
        boundary = self._boundary
        assert boundary is not None
        payload = json.dumps(
            {
                "code": program.code,
                "setup": program.setup,
                "runs": list(program.runs),
                "limits": _limits_json(limits),
                "seccomp": self._seccomp.hex() if self._seccomp else "",
            }
        )
        cmd = boundary.command(program=PROGRAM)
        ids: dict[str, Any] = {}
        if boundary.drop_to is not None:
            ids = {"user": boundary.drop_to, "group": boundary.drop_to, "extra_groups": []}
        starting = asyncio.ensure_future(
            asyncio.create_subprocess_exec(
                *cmd,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env={},
                cwd="/",
                start_new_session=True,
                **ids,
            )
        )
        try:
            # Shielded: cancelling asyncio while it connects the pipes makes it wait for the
            # process forever (its clean-up awaits pipes that never connected), and this run
            # would keep its queue slot. A cancelled start finishes, then is killed.
            proc = await asyncio.shield(starting)
        except OSError as e:
            return RunResult(stopped=f"the sandbox could not start ({e.strerror})")
        except asyncio.CancelledError:
            starting.add_done_callback(_kill_started)
            raise
        return await _supervise(proc, payload.encode(), limits, len(program.runs))


def _kill_started(starting: asyncio.Future[asyncio.subprocess.Process]) -> None:
    """A run whose start was cancelled: kill it once started and close its pipes (the child
    watcher reaps it)."""
    if starting.cancelled() or starting.exception() is not None:
        return
    proc = starting.result()
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    task = asyncio.ensure_future(_reap(proc))
    _reaping.add(task)
    task.add_done_callback(_reaping.discard)


_reaping: set[asyncio.Future[None]] = set()


async def _reap(proc: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(BaseException):
        await asyncio.wait_for(proc.wait(), timeout=GRACE_SECONDS)
    transport = getattr(proc, "_transport", None)
    if transport is not None:
        transport.close()


def _limits_json(limits: SandboxLimits) -> dict[str, int]:
    return {
        "cpu": limits.cpu_seconds,
        "memory": limits.memory_bytes,
        "file": limits.file_bytes,
        "files": limits.open_files,
        "nproc": limits.processes,
        "disk": limits.disk_bytes,
        "inodes": limits.max_files,
    }


async def _supervise(
    proc: asyncio.subprocess.Process, payload: bytes, limits: SandboxLimits, n_runs: int
) -> RunResult:
    got = _Got()
    too_much = asyncio.Event()
    err_tail = bytearray()

    async def feed() -> None:
        assert proc.stdin is not None
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            proc.stdin.write(payload)
            await proc.stdin.drain()
            proc.stdin.close()

    async def read_stdout() -> None:
        assert proc.stdout is not None
        total, buf = 0, b""
        while chunk := await proc.stdout.read(65536):
            total += len(chunk)
            if total > limits.output_bytes:
                too_much.set()
                continue  # keep draining, or the pipe and the wait stall
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for line in lines:
                _collect(got, line, n_runs)

    async def drain_stderr() -> None:
        assert proc.stderr is not None
        total = 0
        while chunk := await proc.stderr.read(65536):
            total += len(chunk)
            if len(err_tail) < 2000:
                err_tail.extend(chunk[: 2000 - len(err_tail)])
            if total > limits.output_bytes:
                too_much.set()

    stopped = ""
    readers = asyncio.gather(feed(), read_stdout(), drain_stderr(), return_exceptions=True)
    exited = asyncio.ensure_future(proc.wait())
    overflow = asyncio.ensure_future(too_much.wait())
    try:
        done, _ = await asyncio.wait(
            {exited, overflow}, timeout=limits.wall_seconds, return_when=asyncio.FIRST_COMPLETED
        )
        if overflow in done:
            stopped = f"it printed more than {limits.output_bytes // 1024} KB"
        elif exited not in done:
            stopped = f"it ran longer than {limits.wall_seconds:g} s (an endless loop?)"
    finally:
        overflow.cancel()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # bubblewrap; everything inside dies with it
        rest = asyncio.gather(readers, exited, return_exceptions=True)
        try:
            await asyncio.wait_for(asyncio.shield(rest), timeout=GRACE_SECONDS)
        except TimeoutError:
            rest.cancel()
            transport = getattr(proc, "_transport", None)
            if transport is not None:
                transport.close()
            log.warning("sandbox: pipes still open %s s after the kill; closed them", GRACE_SECONDS)
    rc = proc.returncode
    if got.setup_error:
        stopped = got.setup_error
    if not stopped and not got.done and not got.load_error:
        stopped = _why_it_died(rc, limits, bytes(err_tail))
    observations = tuple(got.observed.get(i) for i in range(n_runs))
    return RunResult(observations, stopped, got.load_error, got.output, rc)


def _why_it_died(rc: int | None, limits: SandboxLimits, stderr: bytes) -> str:
    if rc is not None and rc < 0:
        sig = -rc
        if sig == signal.SIGXCPU:
            return f"it used more than {limits.cpu_seconds} s of CPU time (an endless loop?)"
        if sig == signal.SIGXFSZ:
            return f"it wrote a file larger than {limits.file_bytes // 2**20} MB"
        if sig in (signal.SIGSEGV, signal.SIGBUS, signal.SIGABRT):
            return f"it crashed ({signal.Signals(sig).name}), perhaps out of memory"
        with contextlib.suppress(ValueError):
            return f"it was killed by {signal.Signals(sig).name}"
    text = stderr.decode("utf-8", "replace")
    if "CPU time limit" in text or rc == 128 + signal.SIGXCPU:
        return f"it used more than {limits.cpu_seconds} s of CPU time (an endless loop?)"
    if "File size limit" in text or rc == 128 + signal.SIGXFSZ:
        return f"it wrote a file larger than {limits.file_bytes // 2**20} MB"
    if rc is not None and rc > 128:
        with contextlib.suppress(ValueError):
            return f"it was killed by {signal.Signals(rc - 128).name}"
    return f"it exited early (exit code {rc})"
