"""Code answers: run in the sandbox, compared here with what each case expects.

The answer's process only reports what it observed (plain data); the expected values and the
case names never leave the bot, so an answer cannot pass a case it does not solve by patching
the runner, forging results or returning objects that claim to equal anything.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from bot.domain.questions import CodeCase, CodeSpec, Grade, Question, Verdict
from bot.sandbox import Observation, Program, RunResult, Sandbox
from bot.sandbox.plain import plain

log = logging.getLogger(__name__)

MAX_CODE_CHARS = 8000
_FENCE = re.compile(r"^\s*```[\w+-]*\s*\n(.*?)\n?\s*```\s*$", re.DOTALL)
_SHOW = 120

_default: Sandbox | None = None


def default_sandbox() -> Sandbox:
    """The process-wide sandbox (one queue and cache for every team)."""
    global _default  # one per process, like the semantic model
    if _default is None:
        _default = Sandbox()
    return _default


def strip_fences(answer: str) -> str:
    """The code inside a Markdown fence, as chat users often paste it."""
    m = _FENCE.match(answer or "")
    return m.group(1) if m else (answer or "")


def _same(expected: Any, observed: Any) -> bool:
    try:
        return json.dumps(plain(expected), sort_keys=True) == json.dumps(observed, sort_keys=True)
    except (TypeError, ValueError):
        return False


def shown(observed: Any) -> str:
    """An observation as a person reads it (dicts and sets as Python writes them)."""

    def back(v: Any) -> str:
        if isinstance(v, dict):
            if "__dict__" in v and isinstance(v["__dict__"], list):
                return "{" + ", ".join(f"{back(k)}: {back(x)}" for k, x in v["__dict__"]) + "}"
            if "__set__" in v and isinstance(v["__set__"], list):
                return (
                    "{" + ", ".join(back(x) for x in v["__set__"]) + "}"
                    if v["__set__"]
                    else "set()"
                )
            if "__object__" in v:
                return str(v.get("repr", v["__object__"]))
            for tag in ("__int__", "__float__"):
                if tag in v:
                    return str(v[tag])
            if "__bytes__" in v:
                return f"bytes {v['__bytes__'][:40]}"
        if isinstance(v, list):
            return "[" + ", ".join(back(x) for x in v) + "]"
        return repr(v)

    text = back(observed)
    return text if len(text) <= _SHOW else text[: _SHOW - 1] + "…"


def check(case: CodeCase, obs: Observation | None, stopped: str) -> str:
    """'' when the observation meets the case; else why not, in words."""
    if obs is None:
        return f"not run: {stopped}" if stopped else "not run"
    if case.raises:
        if case.raises in obs.raised:
            return ""
        if obs.raised:
            return f"expected {case.raises}, but it raised {obs.raised[0]}: {obs.message}"
        return f"expected {case.raises} to be raised, but it returned {shown(obs.value)}"
    if obs.raised:
        where = f" at {obs.at}" if obs.at else ""
        return f"raised {obs.raised[0]}: {obs.message}{where}".rstrip(": ")
    if case.has_expect and not _same(case.expect, obs.value):
        return f"expected {shown(plain(case.expect))}, got {shown(obs.value)}"
    if case.prints is not None and obs.printed.rstrip() != case.prints.rstrip():
        return f"expected it to print {case.prints.strip()!r}, it printed {obs.printed.strip()!r}"
    return ""


def program_for(spec: CodeSpec, code: str) -> Program:
    return Program(code, spec.setup, tuple(c.run for c in spec.cases))


def results(spec: CodeSpec, run: RunResult) -> list[tuple[str, str]]:
    """(case name, '' or why it failed) for every case, in order."""
    out = []
    for i, case in enumerate(spec.cases):
        obs = run.observations[i] if i < len(run.observations) else None
        why = check(case, obs, run.stopped or run.load_error)
        out.append((case.name, why))
    return out


def report(run: RunResult, checked: list[tuple[str, str]]) -> str:
    """The feedback: cases passed and failed (with why), and anything stopped."""
    n, ok = len(checked), sum(not why for _, why in checked)
    lines = [f"Passed {ok} of {n} test{'s' if n != 1 else ''}."]
    if run.load_error:
        lines.append(f"Your code failed before the tests could run: {run.load_error}")
    elif run.stopped:
        lines.append(f"Stopped: {run.stopped}.")
    for name, why in checked:
        lines.append(f"✓ {name}" if not why else f"✗ {name}: {why}")
    printed = run.output or next((o.printed for o in run.observations if o and o.printed), "")
    if printed.strip():
        out = printed.strip()
        lines.append("It printed: " + (out[:300] + "…" if len(out) > 300 else out))
    return "\n".join(lines)


async def grade_code(
    question: Question,
    answer: str,
    sandbox: Sandbox | None = None,
    *,
    who: tuple[str, str] = ("", ""),
) -> Grade:
    """Run the answer in the sandbox; correct only when every case passes. Raises
    SandboxUnavailable (no boundary here) or SandboxBusy (too many runs waiting)."""
    spec = question.code
    if spec is None:
        return Grade(0.0, Verdict.WRONG, "This question has no tests to run.")
    names = tuple(c.name for c in spec.cases)
    code = strip_fences(answer)
    if not code.strip():
        return Grade(0.0, Verdict.WRONG, "No code to run.", missing=names)
    if len(code) > MAX_CODE_CHARS:
        return Grade(
            0.0,
            Verdict.WRONG,
            f"The code is longer than {MAX_CODE_CHARS} characters.",
            missing=names,
        )
    run = await (sandbox or default_sandbox()).run(program_for(spec, code), who=who)
    checked = results(spec, run)
    passed = tuple(name for name, why in checked if not why)
    failed = tuple(f"{name}: {why}" for name, why in checked if why)
    score = round(len(passed) / len(checked), 3) if checked else 0.0
    verdict = (
        Verdict.CORRECT if checked and not failed else Verdict.PARTIAL if passed else Verdict.WRONG
    )
    return Grade(score, verdict, report(run, checked), right=passed, missing=failed)


def stub_for(signature: str) -> str:
    """A do-nothing answer with the question's signature: each `def` returns None and each
    `class` is empty (a signature may list several, one a line)."""
    lines = []
    for head in (line.strip() for line in signature.strip().splitlines()):
        if not head:
            continue
        code = head.split("  #", 1)[0].rstrip()
        lines.append(head if code.endswith(":") else code + ":")
        lines.append("    pass" if head.startswith("class ") else "    return None")
    # annotations stay unevaluated, so names the signature uses (sqlite3, Callable) need no import
    return "from __future__ import annotations\n\n" + "\n".join(lines) + "\n"


async def problems(question: Question, sandbox: Sandbox | None = None) -> list[str]:
    """What is wrong with a code question's cases: the reference solution fails one, a listed
    wrong solution or a do-nothing stub passes them all. [] when sound."""
    spec = question.code
    if spec is None:
        return []
    box = sandbox or default_sandbox()
    # one "person" per question: checking many questions at once (questions validate gathers
    # them) must not count as one person's runs, whose waiting limit would refuse the fourth
    who = ("questions validate", question.id)
    found: list[str] = []
    run = await box.run(program_for(spec, spec.solution), who=who)
    failing = [f"{name}: {why}" for name, why in results(spec, run) if why]
    if failing:
        found.append("the reference solution fails: " + "; ".join(failing))
    others = [("a do-nothing stub", stub_for(spec.signature))]
    others += [(f"wrong solution {i}", w) for i, w in enumerate(spec.wrong, 1)]
    for label, code in others:
        run = await box.run(program_for(spec, code), who=who)
        if all(not why for _, why in results(spec, run)):
            found.append(f"{label} passes every case")
    return found
