"""Shared pieces for the sandbox tests: a code question, its right answer, the real sandbox."""

from __future__ import annotations

from bot.domain.questions import CodeCase, CodeSpec, Kind, Question
from bot.sandbox import Sandbox, SandboxLimits

RIGHT = """
def count_words(text):
    out = {}
    for w in text.lower().split():
        out[w] = out.get(w, 0) + 1
    return out
"""
CASES = (
    CodeCase("counts words ignoring case", 'count_words("a A b")', {"a": 2, "b": 1}),
    CodeCase("an empty text has no words", 'count_words("")', {}),
    CodeCase("one word", 'count_words("Hello")', {"hello": 1}),
    CodeCase("refuses None", "count_words(None)", raises="AttributeError"),
)
FAST = SandboxLimits(cpu_seconds=2, wall_seconds=5)


def code_q(cases: tuple[CodeCase, ...] = CASES, setup: str = "") -> Question:
    return Question(
        id="coding-count-words",
        kind=Kind.CODE,
        topic="coding",
        difficulty=2,
        prompt="Write count_words(text)",
        explanation="Count them.",
        code=CodeSpec("def count_words(text):", RIGHT, cases, setup),
    )


def fresh_sandbox(**kw: object) -> Sandbox:
    return Sandbox(limits=kw.pop("limits", FAST), **kw)  # type: ignore[arg-type]
