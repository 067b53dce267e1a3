"""What a question is: its kind, choices, key points, code spec, and the grade of an answer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

NO_VALUE: Any = object()  # a code case that expects no particular value


class Kind(StrEnum):
    CHOICE = "choice"
    SHORT = "short"
    OPEN = "open"
    CODE = "code"


@dataclass(frozen=True, slots=True)
class Choice:
    text: str
    correct: bool = False


@dataclass(frozen=True, slots=True)
class KeyPoint:
    """One thing a good answer says, and the words (any of them) that show it."""

    point: str
    terms: tuple[str, ...]
    follow_up: str = ""  # the pack's own follow-up question for an answer that misses it


@dataclass(frozen=True, slots=True)
class CodeCase:
    """One check of a code answer. `run` (Python, in the sandbox) observes something; the bot
    compares the observation with `expect` (plain data), `raises` (an exception type name) and
    `prints` here, so what counts as right never reaches the answer's process."""

    name: str
    run: str
    expect: Any = NO_VALUE
    raises: str = ""
    prints: str | None = None

    @property
    def has_expect(self) -> bool:
        return self.expect is not NO_VALUE


@dataclass(frozen=True, slots=True)
class Misconception:
    """A wrong answer people commonly give, and why it is wrong."""

    claim: str
    why: str


@dataclass(frozen=True, slots=True)
class CodeSpec:
    signature: str
    solution: str
    cases: tuple[CodeCase, ...]
    setup: str = ""  # run after the answer, before each case (imports, helpers)
    wrong: tuple[str, ...] = ()  # plausible wrong solutions the cases must reject


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    kind: Kind
    topic: str
    difficulty: int
    prompt: str
    explanation: str
    seeds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()
    accepted: tuple[str, ...] = ()
    reference: str = ""
    key_points: tuple[KeyPoint, ...] = ()
    code: CodeSpec | None = None
    pack: str = ""
    misconceptions: tuple[Misconception, ...] = ()
    hint: str = ""  # the pack's hint for `/interview hint`; else one is made from a key point

    @property
    def right_choice(self) -> int | None:
        for i, c in enumerate(self.choices):
            if c.correct:
                return i
        return None

    @property
    def answer_text(self) -> str:
        """The right answer in a line or a paragraph, for reveals and reports."""
        if self.kind is Kind.CHOICE and (i := self.right_choice) is not None:
            return f"{choice_letter(i)}) {self.choices[i].text}"
        if self.kind is Kind.SHORT and self.accepted:
            return self.accepted[0]
        if self.kind is Kind.CODE and self.code:
            return self.code.solution
        return self.reference


class Verdict(StrEnum):
    """How an answer was judged; the values are what the store keeps."""

    CORRECT = "correct"
    PARTIAL = "partial"
    WRONG = "wrong"
    SKIPPED = "skipped"  # an interview question passed
    LATE = "late"  # an interview answer after the time limit, not graded


def choice_letter(index: int) -> str:
    return "ABCDEFGHIJ"[index]


@dataclass(frozen=True, slots=True)
class Grade:
    """The result of grading one answer."""

    score: float  # 0..1
    verdict: Verdict
    feedback: str
    right: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.verdict, Verdict):  # graders may pass the plain value
            object.__setattr__(self, "verdict", Verdict(self.verdict))

    @property
    def correct(self) -> bool:
        return self.verdict is Verdict.CORRECT
