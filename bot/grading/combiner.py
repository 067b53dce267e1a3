"""The reference-only path: a small logistic combiner of a few features, fitted on real answers.

When a question has a reference answer but no key points (a team's own questions in grade-file,
packs without key points), the score is a logistic regression over the features below, with
coefficients fitted by `bench/grading/fit_combiner.py` on the `train` splits of two public sets
of human-graded students' answers (SemEval-2013 Beetle and SciEntsBank) and shipped as
`data/combiner.json`. Its output is mapped so that the cut that was best for "correct" on the
training answers reads 0.75 (the verdict "correct") and the cut for "some credit" reads 0.25.
There are two fits: with the semantic similarity, and without it (lexical only).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz

from bot.grading.scoring import clamp
from bot.grading.text import NEGATIONS, STOPWORDS, Token, is_negated, stem, tokens

COEFFICIENTS = Path(__file__).resolve().parent / "data" / "combiner.json"

# Pairs of words where one in the answer, in place of the other in the reference, says the
# opposite. General and technical vocabulary; written by hand, not fitted.
_OPPOSITES = """connected:separated connected:disconnected connect:separate closed:open
same:different
increase:decrease more:less higher:lower high:low positive:negative on:off complete:incomplete
parallel:series true:false before:after inside:outside above:below larger:smaller bigger:smaller
big:small faster:slower fast:slow hot:cold gain:lose attract:repel conductor:insulator full:empty
always:never all:none with:without possible:impossible increases:decreases same:opposite
agree:disagree heavier:lighter strong:weak stronger:weaker solid:liquid liquid:gas up:down
first:last start:end forward:backward sink:float wet:dry valid:invalid mutable:immutable
identity:value sync:async synchronous:asynchronous reliable:unreliable stateless:stateful
lazy:eager encrypt:decrypt local:remote client:server read:write accept:reject allow:deny
enable:disable include:exclude success:failure public:private safe:unsafe preemptive:cooperative
blocking:nonblocking connectionless:connection""".split()
OPPOSITES: dict[str, frozenset[str]] = {}
for _pair in _OPPOSITES:
    _a, _b = (stem(w) for w in _pair.split(":"))
    OPPOSITES[_a] = OPPOSITES.get(_a, frozenset()) | {_b}
    OPPOSITES[_b] = OPPOSITES.get(_b, frozenset()) | {_a}

# Chosen on the train splits by fitting on one set and scoring the other (unseen domain):
# "negated" is computed but left out, it lowered that cross-set agreement on both sides.
LEXICAL_FEATURES = ("recall", "recall_own", "novel", "echo", "fuzzy", "lexical", "opposite",
                    "negation")
SEMANTIC_FEATURES = (*LEXICAL_FEATURES, "similarity")


def _content(toks: list[Token]) -> set[str]:
    return {t.stem for t in toks if t.word not in STOPWORDS and t.word not in NEGATIONS}


def contradictions(reference: list[Token], answer: list[Token]) -> tuple[float, float]:
    """(negated, opposite): shares of the reference's words that the answer negates where the
    reference does not (or the reverse), and that it replaces by an opposite ("separated" ->
    "connected")."""
    found: dict[str, list[bool]] = {}
    for i, t in enumerate(answer):
        found.setdefault(t.stem, []).append(is_negated(answer, i))
    negated = opposite = seen = 0
    for i, t in enumerate(reference):
        if t.word in STOPWORDS or t.word in NEGATIONS:
            continue
        seen += 1
        neg = is_negated(reference, i)
        if t.stem in found:
            negated += all(n != neg for n in found[t.stem])
        elif any(o in found and any(n == neg for n in found[o])
                 for o in OPPOSITES.get(t.stem, ())):
            opposite += 1
    return negated / (seen + 1), opposite / (seen + 1)


def features(prompt: str, reference: str, answer: str, lexical: float,
             similarity: float | None) -> dict[str, float]:
    """The combiner's inputs for one answer (pure, a fraction of a millisecond)."""
    rt, at, qt = tokens(reference), tokens(answer), tokens(prompt)
    ref, ans, q = _content(rt), _content(at), _content(qt)
    own = ref - q
    negated, opposite = contradictions(rt, at)
    out = {
        "recall": len(ref & ans) / len(ref) if ref else 0.0,
        "recall_own": len(own & ans) / len(own) if own else (len(ref & ans) / len(ref)
                                                             if ref else 0.0),
        "novel": len(ans - ref - q) / len(ans) if ans else 1.0,
        "echo": len(ans & q) / len(ans) if ans else 0.0,
        "fuzzy": fuzz.token_set_ratio(answer.casefold(), reference.casefold()) / 100,
        "lexical": lexical,
        "negated": negated,
        "opposite": opposite,
        "negation": float(any(t.word in NEGATIONS for t in at))
        - float(any(t.word in NEGATIONS for t in rt)),
    }
    if similarity is not None:
        out["similarity"] = similarity
    return out


@dataclass(frozen=True, slots=True)
class Fit:
    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    cut_correct: float  # probability read as the verdict "correct" (0.75)
    cut_partial: float  # probability read as some credit (0.25)

    def probability(self, f: dict[str, float]) -> float:
        z = self.bias + sum(w * (f[n] - m) / s for n, m, s, w in
                            zip(self.names, self.mean, self.scale, self.weights, strict=True))
        return 1 / (1 + math.exp(-clamp(z, -30, 30)))

    def score(self, f: dict[str, float]) -> float:
        """The probability mapped piecewise-linearly: cut_partial -> 0.25, cut_correct -> 0.75."""
        p = self.probability(f)
        lo, hi = self.cut_partial, self.cut_correct
        if p < lo:
            return 0.25 * p / lo
        if p < hi:
            return 0.25 + 0.5 * (p - lo) / (hi - lo)
        return 0.75 + 0.25 * (p - hi) / (1 - hi)


@lru_cache(maxsize=1)
def fits() -> dict[str, Fit]:
    """The shipped fits: "semantic" and "lexical"."""
    data = json.loads(COEFFICIENTS.read_text("utf-8"))
    return {k: Fit(tuple(v["names"]), tuple(v["mean"]), tuple(v["scale"]), tuple(v["weights"]),
                   float(v["bias"]), float(v["cut_correct"]), float(v["cut_partial"]))
            for k, v in data["fits"].items()}


def combined_score(prompt: str, reference: str, answer: str, lexical: float,
                   similarity: float | None) -> float:
    fit = fits()["semantic" if similarity is not None else "lexical"]
    return round(clamp(fit.score(features(prompt, reference, answer, lexical, similarity))), 3)
