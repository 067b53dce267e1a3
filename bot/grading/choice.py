"""Choice questions: exact, naming the choice by its letter, its number or its text."""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from bot.domain.questions import Choice, Grade, Question, Verdict, choice_letter
from bot.grading.text import normalise

_PREFIX = re.compile(
    r"^\s*(?:(?:my|the)\s+)?(?:answer|option|choice)\s*(?:is)?\s*[:=\-]?\s*", re.IGNORECASE
)
_LETTER = re.compile(r"^\(?([a-j])\s*[).:]?\s*(.*)$", re.IGNORECASE | re.DOTALL)
_NUMBER = re.compile(r"^\(?(\d{1,2})\s*[).:]?\s*$")
FUZZY_CHOICE = 90  # a typed choice text this close (0-100) to exactly one choice names it


@lru_cache(maxsize=4096)
def _normalised(choices: tuple[Choice, ...]) -> tuple[str, ...]:
    """Choice texts as compared (cached: a quiz round grades the same choices many times)."""
    return tuple(normalise(c.text) for c in choices)


def choice_index(question: Question, answer: str) -> int | None:
    """The choice an answer names: its text, its letter (`b`, `B)`, `(b)`), its number, or
    a near-exact spelling of its text. None when it names none (or more than one)."""
    choices = question.choices
    n = len(choices)
    a = _PREFIX.sub("", (answer or "").strip()).strip()
    if not a or n == 0:
        return None
    texts = _normalised(choices)
    na = normalise(a)
    if na in texts:  # a choice whose text is "2" is named by "2"
        return texts.index(na)
    if m := _LETTER.match(a):
        i = ord(m.group(1).lower()) - ord("a")
        rest = normalise(m.group(2))
        if i < n and (not rest or rest == texts[i] or fuzz.ratio(rest, texts[i]) >= FUZZY_CHOICE):
            return i
    if (m := _NUMBER.match(a)) and 1 <= int(m.group(1)) <= n:
        return int(m.group(1)) - 1
    scores = sorted(((fuzz.ratio(na, t), i) for i, t in enumerate(texts)), reverse=True)
    best, i = scores[0]
    runner_up = scores[1][0] if n > 1 else 0
    if best >= FUZZY_CHOICE and best - runner_up >= 5:
        return i
    return None


def grade_choice(question: Question, answer: str) -> Grade:
    """Right or wrong; names the choice that was picked and the right one."""
    right = question.right_choice
    picked = choice_index(question, answer)
    n = len(question.choices)
    if picked is None:
        last = choice_letter(n - 1) if n else "A"
        return Grade(
            0.0,
            Verdict.WRONG,
            f"That is not one of the choices: answer with a letter "
            f"(A-{last}), a number (1-{n}) or the choice's text.",
        )
    label = f"{choice_letter(picked)}) {question.choices[picked].text}"
    if picked == right:
        return Grade(1.0, Verdict.CORRECT, f"Right: {label}.", right=(label,))
    return Grade(
        0.0,
        Verdict.WRONG,
        f"Not quite: you picked {label}; the answer is {question.answer_text}.",
        missing=(question.answer_text,),
    )
