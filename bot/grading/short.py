"""Short answers: a word or phrase, compared after normalisation, with typos forgiven.

Whole words only ("air" never matches inside "chair"), numbers compared as numbers ("3.0" is
"3"), and a short sentence around the right phrase is fine ("I think it's the GIL") unless it
negates it or hedges between several answers.
"""

from __future__ import annotations

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from bot.domain import Grade, Question
from bot.grading.text import NEGATIONS, STOPWORDS, canonical_number, normalise

EXTRA_WORDS = 5  # words allowed around the right phrase ("it is the ...")
_HEDGES = frozenset({"or", "either", "maybe", "perhaps", "possibly"})


def typos_allowed(text: str) -> int:
    """Edits forgiven in a phrase of this length: none for short words, 1-2 for longer ones."""
    n = len(text.replace(" ", ""))
    return 0 if n <= 4 else 1 if n <= 9 else 2 if n <= 16 else n // 8


def _numbers(words: list[str]) -> list[str]:
    return [w for w in words if canonical_number(w) is not None]


def _close(a: str, b: str) -> tuple[bool, bool]:
    """(same, typo): equal, or within the typo budget of `b` (the accepted form)."""
    if a == b:
        return True, False
    if _numbers(a.split()) != _numbers(b.split()):
        return False, False
    budget = typos_allowed(b)
    ok = budget > 0 and OSA.distance(a, b, score_cutoff=budget) <= budget
    return ok, ok


def match_short(accepted: tuple[str, ...], answer: str) -> tuple[bool, bool, str]:
    """(matched, with a typo, the accepted form it matched)."""
    words = normalise(answer).split()
    if not words:
        return False, False, ""
    joined = " ".join(words)
    alts = [(a, normalise(a)) for a in accepted if normalise(a)]
    for raw, alt in alts:  # whole answer
        same, typo = _close(joined, alt)
        if same:
            return True, typo, raw
    alt_words = {w for _, alt in alts for w in alt.split()}
    negated = any(w in NEGATIONS and w not in alt_words for w in words)
    hedged = bool(_HEDGES & set(words)) and any(
        w not in alt_words and w not in STOPWORDS for w in words)
    if negated or hedged:
        return False, False, ""
    for raw, alt in alts:  # the phrase inside a short sentence, as whole words
        k = len(alt.split())
        if len(words) > k + EXTRA_WORDS:
            continue
        for i in range(len(words) - k + 1):
            same, typo = _close(" ".join(words[i:i + k]), alt)
            if same:
                return True, typo, raw
    return False, False, ""


def grade_short(question: Question, answer: str) -> Grade:
    """Right (1.0) or wrong (0.0), with a word when a typo was forgiven or it was close."""
    if not normalise(answer):
        return Grade(0.0, "wrong", "No answer.", missing=(question.answer_text,))
    ok, typo, form = match_short(question.accepted, answer)
    if ok:
        note = f" (spelled \u201c{form}\u201d)" if typo else ""
        return Grade(1.0, "correct", f"Right{note}.", right=(form,))
    na = normalise(answer)
    near = max((fuzz.ratio(na, normalise(a)) for a in question.accepted), default=0)
    hint = "Close, but not quite" if near >= 70 else "Not quite"
    return Grade(0.0, "wrong", f"{hint}: the answer is {question.answer_text}.",
                 missing=(question.answer_text,))
