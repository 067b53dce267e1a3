"""Which key points an open answer shows: words, synonyms, stems, typos, and negation.

A key point is shown by any one of its terms. A term of up to three content words needs all of
them, close together and not negated ("is not thread-safe" does not show "thread-safe"; a term
that itself says "not ..." needs the negation). A longer term (a whole sentence, as when the
points are derived from the reference answer) is shown by enough of its content words.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extractOne

from bot.domain.questions import KeyPoint, Question
from bot.grading.scoring import clamp
from bot.grading.text import (
    NEGATIONS,
    STOPWORDS,
    Token,
    content_stems,
    has_negation,
    is_negated,
    split_sentences,
    stem,
    tokens,
)

HARD_TERM_MAX = 3  # terms with more content words than this are matched softly
ECHO_CREDIT = 0.5  # a term made only of the question's own words is weak evidence
MAX_DERIVED_POINTS = 6
FUZZY_MIN_LEN = 6  # stems this long forgive one typo
SOFT_FLOOR, SOFT_FULL = 0.1, 0.45  # share of a long term's words: nothing .. the whole point
# Words too common in our answers to show a point on their own, even when a reference uses them.
GENERIC = frozenset(
    stem(w)
    for w in """
use used uses using make makes made thing things way ways get gets work works allow allows let
lets need needs want good better best different difference mean means example instance also
something someone lot lots kind various type types called call calls just really
""".split()
)


@dataclass(frozen=True, slots=True)
class Term:
    stems: tuple[str, ...]
    joined: str  # "thread safe" also matches "threadsafe" (and the other way round)
    negative: bool  # the term says "not ...": the answer must negate it too
    echo: bool  # every word is already in the question
    soft: bool


@dataclass(frozen=True, slots=True)
class Point:
    text: str
    terms: tuple[Term, ...]


@dataclass(frozen=True, slots=True)
class Rubric:
    """What the grader looks for in answers to one question, prepared once."""

    points: tuple[Point, ...]
    derived: bool  # points came from the reference answer's sentences
    prompt_stems: frozenset[str]
    reference_stems: frozenset[str]  # content stems of the reference, less the prompt's


@dataclass(frozen=True, slots=True)
class PointResult:
    text: str
    strength: float  # 0..1
    contradicted: bool  # the answer says the opposite


class AnswerIndex:
    """An answer's tokens, looked up by stem (and by two words joined)."""

    def __init__(self, text: str) -> None:
        self.tokens: tuple[Token, ...] = tokens(text)
        self.positions: dict[str, list[int]] = {}
        for i, t in enumerate(self.tokens):
            self.positions.setdefault(t.stem, []).append(i)
        self._pairs = [a.word + b.word for a, b in pairwise(self.tokens)]
        self._joined: dict[str, list[int]] = {}
        self._vocab = [s for s in self.positions if len(s) >= FUZZY_MIN_LEN - 1]
        self._fuzzy: dict[str, str | None] = {}

    def find(self, s: str) -> list[int]:
        """Positions of a stem, forgiving one typo in long words."""
        if s in self.positions:
            return self.positions[s]
        if len(s) < FUZZY_MIN_LEN or s[0].isdigit():
            return []
        if s not in self._fuzzy:
            hit = extractOne(s, self._vocab, scorer=Levenshtein.distance, score_cutoff=1)
            self._fuzzy[s] = hit[0] if hit else None
        near = self._fuzzy[s]
        return self.positions[near] if near else []

    def joined(self, s: str) -> list[int]:
        """Positions where two adjacent words written as one have the stem `s`.

        Only pairs that begin with all but the last 3 characters of `s` are stemmed: a Snowball
        English stem keeps all but at most its last 2 characters of the word ("dying" -> "die"),
        and stemming every pair of words was a third of the rubric's time."""
        if s not in self._joined:
            head = s[: max(0, len(s) - 3)]
            self._joined[s] = [
                i for i, w in enumerate(self._pairs) if w.startswith(head) and stem(w) == s
            ]
        return self._joined[s]

    @property
    def stems(self) -> set[str]:
        return set(self.positions)


def _term(text: str, prompt_stems: frozenset[str]) -> Term | None:
    toks = tokens(text)
    if not toks:
        return None
    words = [t.word for t in toks]
    negative = has_negation(words)
    content = [t.stem for t in toks if t.word not in STOPWORDS and t.word not in NEGATIONS]
    if not content:
        content = [t.stem for t in toks if t.word not in NEGATIONS] or [toks[0].stem]
    stems = tuple(dict.fromkeys(content))
    joined = stem("".join(t.word for t in toks if t.word not in NEGATIONS))
    return Term(
        stems, joined, negative, all(s in prompt_stems for s in stems), len(stems) > HARD_TERM_MAX
    )


def _point(kp: KeyPoint, prompt_stems: frozenset[str]) -> Point:
    terms = [t for t in (_term(x, prompt_stems) for x in kp.terms) if t is not None]
    if not terms:  # a point with no usable terms is matched by its own text
        terms = [t for t in [_term(kp.point, prompt_stems)] if t is not None]
    return Point(kp.point, tuple(terms))


def derive_points(reference: str) -> tuple[KeyPoint, ...]:
    """Key points from a reference answer: its sentences, short ones merged with the next."""
    points: list[str] = []
    carry = ""
    for sentence in split_sentences(reference):
        text = f"{carry} {sentence}".strip() if carry else sentence
        if len(set(content_stems(text))) < 3:
            carry = text
            continue
        points.append(text)
        carry = ""
    if carry:
        if points:
            points[-1] = f"{points[-1]} {carry}"
        else:
            points.append(carry)
    if len(points) > MAX_DERIVED_POINTS:  # fold the tail into the last point
        points = [*points[: MAX_DERIVED_POINTS - 1], " ".join(points[MAX_DERIVED_POINTS - 1 :])]
    return tuple(KeyPoint(p.rstrip(". "), (p,)) for p in points)


@lru_cache(maxsize=4096)
def rubric_for(question: Question) -> Rubric:
    """The question's key points (derived from its reference when it has none)."""
    prompt_stems = frozenset(content_stems(question.prompt))
    kps = question.key_points
    derived = not kps
    if derived:
        kps = derive_points(question.reference)
    points = tuple(_point(kp, prompt_stems) for kp in kps)
    ref = frozenset(content_stems(question.reference)) - prompt_stems - GENERIC
    return Rubric(points, derived, prompt_stems, ref)


def _near(lists: list[list[int]], window: int) -> int | None:
    """The first position of a run where every stem occurs within `window` words, or None."""
    lists = sorted(lists, key=len)
    for p in lists[0]:
        lo, hi = p, p
        ok = True
        for other in lists[1:]:
            k = bisect_left(other, p - window)
            if k == len(other) or other[k] > p + window:
                ok = False
                break
            lo, hi = min(lo, other[k]), max(hi, other[k])
        if ok and hi - lo <= window:
            return lo
    return None


def _hard_match(term: Term, idx: AnswerIndex) -> tuple[bool, bool]:
    """(shown, contradicted) for a term of a few words."""
    starts: list[int] = []
    if len(term.stems) == 1:
        starts = list(idx.find(term.stems[0]))
    else:
        lists = [idx.find(s) for s in term.stems]
        if all(lists):
            window = max(6, 2 * len(term.stems) + 2)
            for p in lists[0]:  # each place the first word occurs
                hit = _near([[p], *lists[1:]], window)
                if hit is not None:
                    starts.append(hit)
    starts += idx.joined(term.joined)
    if len(term.stems) > 1:
        starts += idx.positions.get(term.joined, [])
    shown = contradicted = False
    for p in starts:
        if is_negated(idx.tokens, p) == term.negative:
            shown = True
        else:
            contradicted = True
    if not shown and not contradicted:
        contradicted = _opposite_match(term, idx)
    return shown, contradicted and not shown


def _opposite_match(term: Term, idx: AnswerIndex) -> bool:
    """Whether the answer says the term with one word turned into its opposite, not negated:
    "slower writes" -> "faster writes", "connection-oriented" -> "connectionless"."""
    from bot.grading.combiner import OPPOSITES

    for k, s in enumerate(term.stems):
        others = [o for o in OPPOSITES.get(s, ()) if o in idx.positions]
        if not others:
            continue
        rest = [idx.find(x) for j, x in enumerate(term.stems) if j != k]
        if not all(rest):
            continue
        window = max(6, 2 * len(term.stems) + 2)
        for o in others:
            for p in idx.positions[o]:
                if is_negated(idx.tokens, p) == term.negative and (
                    not rest or _near([[p], *rest], window) is not None
                ):
                    return True
    return False


def _soft_match(term: Term, idx: AnswerIndex, prompt_stems: frozenset[str]) -> float:
    """How much of a long term the answer shows: 0..1."""
    own = [s for s in term.stems if s not in prompt_stems and s not in GENERIC] or list(term.stems)
    hits = sum(1 for s in own if any(not is_negated(idx.tokens, p) for p in idx.find(s)))
    frac = hits / len(own)
    return clamp((frac - SOFT_FLOOR) / (SOFT_FULL - SOFT_FLOOR))


def match_points(rubric: Rubric, idx: AnswerIndex) -> list[PointResult]:
    """Each point's strength (best of its terms) and whether the answer contradicts it."""
    results = []
    for point in rubric.points:
        best, contra = 0.0, False
        for term in point.terms:
            if term.soft:
                best = max(best, _soft_match(term, idx, rubric.prompt_stems))
                continue
            shown, contradicted = _hard_match(term, idx)
            if shown:
                best = max(best, ECHO_CREDIT if term.echo else 1.0)
            contra = contra or contradicted
        results.append(PointResult(point.text, best, contra and best == 0.0))
    return results


def reference_recall(rubric: Rubric, idx: AnswerIndex) -> float:
    """Share of the reference answer's own content words that the answer uses."""
    if not rubric.reference_stems:
        return 0.0
    return len(rubric.reference_stems & idx.stems) / len(rubric.reference_stems)


def point_texts(results: Iterable[PointResult], shown: bool, at: float = 0.5) -> tuple[str, ...]:
    return tuple(r.text for r in results if (r.strength >= at) == shown)
