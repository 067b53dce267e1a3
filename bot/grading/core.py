"""The one entry point: `await grade(question, answer) -> Grade`."""

from __future__ import annotations

import re
import unicodedata

from bot.domain import Grade, Kind, Question

MAX_ANSWER_CHARS = 4000


async def grade(question: Question, answer: str) -> Grade:
    """Grade one answer. Never raises for bad input: an unusable answer is graded wrong."""
    answer = answer or ""
    if question.kind is Kind.CHOICE:
        return grade_choice(question, answer)
    if question.kind is Kind.SHORT:
        return grade_short(question, answer)
    return grade_open(question, answer)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    words = [w for w in text.split() if w not in {"a", "an", "the"}]
    return " ".join(words)


def choice_index(question: Question, answer: str) -> int | None:
    """The choice an answer names: its letter, its number or its text."""
    a = answer.strip()
    n = len(question.choices)
    if len(a) == 1 and a.upper() in "ABCDEFGHIJ"[:n]:
        return "ABCDEFGHIJ".index(a.upper())
    if a.isdigit() and 1 <= int(a) <= n:
        return int(a) - 1
    na = normalise(a)
    for i, c in enumerate(question.choices):
        if na and normalise(c.text) == na:
            return i
    return None


def grade_choice(question: Question, answer: str) -> Grade:
    right = question.right_choice
    picked = choice_index(question, answer)
    if picked is None:
        return Grade(0.0, "wrong", "That is not one of the choices.")
    if picked == right:
        return Grade(1.0, "correct", "Right.")
    return Grade(0.0, "wrong", f"Not quite: the answer is {question.answer_text}.")


def grade_short(question: Question, answer: str) -> Grade:
    na = normalise(answer)
    if na and any(na == normalise(a) for a in question.accepted):
        return Grade(1.0, "correct", "Right.")
    return Grade(0.0, "wrong", f"Not quite: the answer is {question.answer_text}.")


def grade_open(question: Question, answer: str) -> Grade:
    words = set(normalise(answer).split())
    right, missing = [], []
    for kp in question.key_points:
        if any(set(normalise(t).split()) <= words for t in kp.terms):
            right.append(kp.point)
        else:
            missing.append(kp.point)
    if not question.key_points:
        score = 1.0 if words else 0.0
    else:
        score = len(right) / len(question.key_points)
    verdict = "correct" if score >= 0.8 else "partial" if score > 0 else "wrong"
    return Grade(round(score, 3), verdict, "", tuple(right), tuple(missing))

