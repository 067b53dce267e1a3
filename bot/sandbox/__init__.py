"""Untrusted code (answers, a pack's test runs, grade-file code rows) runs here, and only here.

sandbox = Sandbox()
await sandbox.probe()                    # False (and one log line) where no boundary exists
result = await sandbox.run(Program(code, setup, runs), who=(team, person))
result.observations[i].value             # plain data; the grader compares it
"""

from bot.sandbox.queue import FairQueue, SandboxBusy
from bot.sandbox.runner import (
    Observation,
    Program,
    RunResult,
    Sandbox,
    SandboxLimits,
    SandboxUnavailable,
)

__all__ = [
    "FairQueue",
    "Observation",
    "Program",
    "RunResult",
    "Sandbox",
    "SandboxBusy",
    "SandboxLimits",
    "SandboxUnavailable",
]
