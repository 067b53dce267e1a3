"""`python -m interview_bot console` as a subprocess, the way a person would use it: a whole
script at once (`run_console`), or line by line with waits on the output (`BotProcess`)."""

from __future__ import annotations

import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.support.env import bot_env

ROOT = Path(__file__).resolve().parents[2]
WAIT = 30.0  # the most any wait on the bot process may take (a safety net, never a sleep)


def run_console(db: Path, script: str, user: str = "alice") -> subprocess.CompletedProcess[str]:
    # the console runs on real time: with hour-long rounds, the full speed bonus (answering
    # within a tenth of the round) leaves six minutes for a loaded machine, not six seconds
    env = bot_env(db, COLUMNS="160", QUIZ_SECONDS="3600")
    return subprocess.run(
        [sys.executable, "-m", "interview_bot", "console", "--user", user],
        input=script,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


class BotProcess:
    """`python -m interview_bot console` on a database file, driven line by line like a person."""

    def __init__(self, db: Path, user: str, **env: str) -> None:
        env = bot_env(
            db, **{"COLUMNS": "200", "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "WARNING", **env}
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "interview_bot", "console", "--user", user],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        self.out = ""
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def send(self, line: str) -> int:
        """Type a line; returns where its output starts."""
        mark = len(self.out)
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return mark

    def expect(self, pattern: re.Pattern[str] | str, since: int) -> str:
        """Wait until the output after `since` matches; returns that output."""
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + WAIT
        while not rx.search(self.out, since):
            left = deadline - time.monotonic()
            try:
                line = self._lines.get(timeout=max(0.01, left))
            except queue.Empty:
                line = ""
            if line is None or left <= 0:
                err = self.proc.stderr.read() if self.proc.stderr and line is None else ""
                raise AssertionError(f"no {rx.pattern!r} in:\n{self.out[since:]}\n{err}")
            self.out += line
        return self.out[since:]

    def say(self, line: str, pattern: re.Pattern[str] | str) -> str:
        return self.expect(pattern, self.send(line))

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(WAIT)
        assert self.proc.returncode == -signal.SIGKILL

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        """Send `sig` (stdin stays open) and wait for the exit; returns the exit code."""
        self.proc.send_signal(sig)
        return self.proc.wait(WAIT)

    def quit(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(WAIT)
        assert self.proc.returncode == 0, self.proc.stderr.read() if self.proc.stderr else ""
