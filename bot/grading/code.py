"""Code answers: run in the sandbox against the question's tests; score = share passed."""

from __future__ import annotations

import ast
import re

from bot.domain import Grade, Question
from bot.grading.sandbox import RunResult, SandboxLimits, TestResult, run_tests

MAX_CODE_CHARS = 8000
_FENCE = re.compile(r"^\s*```[\w+-]*\s*\n(.*?)\n?\s*```\s*$", re.DOTALL)


def strip_fences(answer: str) -> str:
    """The code inside a Markdown fence, as chat users often paste it."""
    m = _FENCE.match(answer or "")
    return m.group(1) if m else (answer or "")


def names_of_tests(tests: str) -> list[str]:
    """The `test_*` functions a question's tests define, in order."""
    try:
        tree = ast.parse(tests)
    except SyntaxError:
        return []
    return [n.name for n in tree.body
            if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")]


def _with_names(run: RunResult, names: list[str], detail: str) -> tuple[TestResult, ...]:
    if run.tests:
        return run.tests
    return tuple(TestResult(n, False, detail) for n in names)


def report(run: RunResult, tests: tuple[TestResult, ...]) -> str:
    """The feedback: tests passed and failed (with why), and anything stopped or refused."""
    n, ok = len(tests), sum(t.passed for t in tests)
    lines = [f"Passed {ok} of {n} test{'s' if n != 1 else ''}."]
    if run.load_error:
        lines.append(f"Your code failed before the tests could run: {run.load_error}")
    if run.stopped:
        lines.append(f"Stopped: {run.stopped}.")
    if run.blocked:
        lines.append("Not allowed here: " + "; ".join(run.blocked) + ".")
    for t in tests:
        lines.append(f"✓ {t.name}" if t.passed else f"✗ {t.name}: {t.detail}")
    if run.output.strip():
        out = run.output.strip()
        lines.append("It printed: " + (out[:300] + "…" if len(out) > 300 else out))
    return "\n".join(lines)


async def grade_code(question: Question, answer: str, limits: SandboxLimits | None = None) -> Grade:
    """Run the answer against the tests; correct only when every test passes."""
    spec = question.code
    if spec is None:
        return Grade(0.0, "wrong", "This question has no tests to run.")
    code = strip_fences(answer)
    names = names_of_tests(spec.tests)
    if not code.strip():
        return Grade(0.0, "wrong", "No code to run.", missing=tuple(names))
    if len(code) > MAX_CODE_CHARS:
        return Grade(0.0, "wrong", f"The code is longer than {MAX_CODE_CHARS} characters.",
                     missing=tuple(names))
    run = await run_tests(code, spec.tests, limits)
    tests = _with_names(run, names, "not run" + (f": {run.stopped}" if run.stopped else ""))
    passed = tuple(t.name for t in tests if t.passed)
    failed = tuple(f"{t.name}: {t.detail}" if t.detail else t.name
                   for t in tests if not t.passed)
    score = round(len(passed) / len(tests), 3) if tests else 0.0
    verdict = "correct" if tests and not failed else "partial" if passed else "wrong"
    return Grade(score, verdict, report(run, tests), right=passed, missing=failed)
