"""Open answers: key points shown, blended with semantic similarity, guarded against gaming.

`analyse()` is the fast, local part (pure Python, well under a millisecond an answer): key
points, overlap with the reference, and the guards. `finish()` turns an analysis plus an
optional semantic similarity and judge verdict into a `Grade`. `grade_open()` does both for one
answer; `bot.grading.core.grade_many` batches the semantic part across many answers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.domain.questions import Grade, Misconception, Question, Verdict
from bot.grading.combiner import combined_score
from bot.grading.keypoints import (
    AnswerIndex,
    PointResult,
    Rubric,
    match_points,
    reference_recall,
    rubric_for,
)
from bot.grading.roles import mentions, reverses, states_claim, swapped
from bot.grading.scoring import clamp, verdict_for
from bot.grading.text import (
    ARTICLES,
    GLUE,
    STOPWORDS,
    content_stems,
    has_negation,
    prepare,
    split_sentences,
    stem,
    tokens,
)

# Weights and caps: set by reasoning, then checked against bench/grading, where a small grid
# fitted on half of the questions scored the same on the other half (see bench/grading/README).
POINTS_WEIGHT = 0.7  # key points vs. overlap with the reference's own words
RECALL_FULL = 0.6  # using this share of the reference's content words counts as full overlap
LEXICAL_CURVE = 0.6  # raw ** curve: half the points reads as middling, not poor
SEMANTIC_WEIGHT = 0.3  # in the blend with the lexical score
SEMANTIC_FLOOR, SEMANTIC_FULL = 0.2, 0.8  # cosine similarity mapped linearly to 0..1
CONTRADICTION_PENALTY = 0.15  # per key point the answer states the opposite of
STUFFING_CAP = 0.3  # a bare list of keywords: at most a low partial
ECHO_CAP = 0.1  # the question repeated back
RESTATE_SHARE = 0.3  # of the question's words the reference leaves out: a repeat, not a pick
MISCONCEPTION_CAP = 0.2  # states a misconception of the rubric, or swaps the two things compared
SHORT_CAPS = ((2, 0.25), (5, 0.6), (9, 0.85))  # fewer new content words than n -> at most cap
# A sentence of the answer states a misconception when it is at least this similar to the claim
# and closer to it than to every sentence of the reference and every key point (the semantic
# model's similarity, calibrated). Set on bench/grading/dev_answers.yaml (questions that
# hard_answers.yaml does not use): its paraphrases stay 0.04 or more on the reference's side.
# The margin was raised from 0 when the bank's claims doubled (more claims, more near misses
# of right sentences), on the held-out synthetic questions (bench/grading/README.md).
CLAIM_FLOOR = 0.6
CLAIM_MARGIN = 0.05
CLAIM_MIN_WORDS = 3  # content words a sentence needs to be compared with a claim
CLAIM_CANDIDATES = 2  # claims per sentence the cross-encoder chooses among
# The cross-encoder (bot/grading/cross.py), when it runs. Reference only: its probability is the
# score, mapped so that 0.5 (even odds of full credit) reads "correct"; set before measuring.
CROSS_CORRECT, CROSS_PARTIAL = 0.5, 0.2
CROSS_WEIGHT = 0.3  # with key points: in place of the similarity in the blend
CROSS_SHARE = 0.5  # reference only: its mapped score averaged with the combiner's
# With key points: an answer the cross-encoder gives less than this chance of full credit is
# held at CROSS_WRONG_CAP however many of the points' words it uses (a confident wrong answer
# in the right words). Chosen on the held-out synthetic questions, dev_answers.yaml and run.py
# (bench/grading/README, eleventh pass): the highest on a 0.005 grid that keeps run.py at 0.85.
CROSS_WRONG = 0.025
CROSS_WRONG_CAP = 0.2  # the verdict "wrong", as for a misconception of the rubric


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the local grader found in one answer."""

    results: tuple[PointResult, ...]
    lexical: float  # 0..1 before caps
    cap: float  # the most this answer can score, whatever the other graders say
    notes: tuple[str, ...]
    empty: bool
    short: bool = False  # the cap is for length: said only when it lowered the score
    derived: bool = False  # reference only (no key points): the fitted combiner scores it
    answer: str = ""
    aligned: tuple[float, float] | None = None  # reference only: `combiner.alignment`
    cross: float | None = None  # the cross-encoder's P(full credit), when it ran (`cross.py`)

    @property
    def contradicted(self) -> tuple[str, ...]:
        return tuple(r.text for r in self.results if r.contradicted)

    @property
    def right(self) -> tuple[str, ...]:
        return tuple(r.text for r in self.results if r.strength >= 0.5)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(r.text for r in self.results if r.strength < 0.5)


_TO_GRADER = re.compile(
    r"\b(?:score|grade|mark|marks|points|rating|verdict)\s*[:=]\s*[\"']?\d"
    r"|[\"']score[\"']\s*:"
    r"|\bignore\b.{0,30}\b(?:rubric|instructions?|reference|previous|above|prompt|rules?)\b"
    r"|\b(?:give|award|assign)\b.{0,30}\b(?:full|maximum|max|top|perfect)\s+"
    r"(?:marks?|score|points|grade)\b"
    r"|\bmark\s+(?:this|it|the answer|my answer)\s+(?:as\s+)?(?:correct|right|full)"
    r"|\b(?:as|you are) the (?:grader|judge|evaluator)\b|(?:^|\n|>)\s*system\s*:|<<<|>>>",
    re.IGNORECASE | re.DOTALL,
)


def addresses_grader(answer: str) -> bool:
    """Words meant for the grader rather than the interviewer: "SCORE: 1.0", "ignore the
    rubric", "give it full marks", a fake JSON verdict or the judge's quoting markers."""
    return bool(_TO_GRADER.search(answer))


_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")
_EXPANSION_GLUE = frozenset(
    stem(w) for w in "stand stands short means abbreviation acronym for".split()
)


def acronym_expansion(prompt: str, answer: str) -> frozenset[str]:
    """Stems of the words in `answer` that spell out an acronym of the prompt ("Global
    Interpreter Lock" for GIL), so that an answer made of them can be told from an answer."""
    words = re.findall(r"[^\W\d_]+", answer)
    found: set[str] = set()
    for acro in sorted(set(_ACRONYM.findall(prompt))):
        for i in range(len(words)):
            n = _spells(acro, words, i)
            if n > 1:
                found.update(stem(w.casefold()) for w in words[i : i + n])
                found.add(stem(acro.casefold()))
                break
    return frozenset(found)


def _spells(acro: str, words: list[str], i: int) -> int:
    """How many words from words[i] spell `acro` by their first one or two letters (REST:
    REpresentational State Transfer), or -1."""
    if not acro:
        return 0
    if i >= len(words) or words[i].upper() == acro:
        return -1
    w = words[i].upper()
    for k in (1, 2):
        if w.startswith(acro[:k]) and len(acro) >= k:
            rest = _spells(acro[k:], words, i + 1)
            if rest >= 0:
                return 1 + rest
    return -1


def _is_keyword_list(text: str) -> bool:
    """A list of terms rather than sentences: hardly any of the words that join a sentence."""
    words = re.findall(r"[^\W\d_]+", re.sub(r"\bi/o\b", "io", prepare(text)))
    if len(words) < 5:
        return False
    glue = sum(w in GLUE or w in ARTICLES for w in words) / len(words)
    if glue < 0.06:
        return True
    # "I/O" and "TCP/IP" do not separate items of a list
    bits = [b for b in re.split(r"[,;\n|]+|(?<!\w)/|/(?!\w)", text) if b.strip()]
    per_bit = len(words) / len(bits)
    if glue < 0.12:  # terse: a list unless written as sentences that are not short items
        sentences = bool(re.search(r"[.;:!?](?:\s|$)", text.strip()))
        return not sentences or (len(bits) >= 3 and per_bit <= 3.5)
    return glue < 0.2 and len(bits) >= 4 and per_bit <= 3


def analyse(question: Question, answer: str) -> Analysis:
    """Key points, overlap and guards for one answer; pure and fast. An answer that states one
    of the rubric's misconceptions, or swaps the two things the question compares, is held
    down whatever else it gets right."""
    a = _analyse(question, answer)
    if a.empty:
        return a
    if addresses_grader(answer):
        return replace(
            a,
            cap=0.0,
            short=False,
            notes=(
                *a.notes,
                "The answer speaks to the grader; only what it says about the question "
                "counts, and here that is nothing to grade.",
            ),
        )
    wrong = [
        m
        for m in question.misconceptions
        if states_claim(question.prompt, m.claim, answer, question.reference)
    ]
    notes = [misconception_note(m) for m in wrong]
    pair = swapped(question.prompt, question.reference, answer) if not wrong else None
    if pair:
        notes.append(
            f"You seem to have swapped {pair[0]} and {pair[1]}: what you say of one "
            "is true of the other."
        )
    if not notes:
        return a
    results = a.results
    if not wrong and pair:  # what it says of either thing is not to its credit
        results = tuple(replace(r, strength=0.0) if mentions(r.text, pair) else r for r in results)
    return replace(
        a, results=results, cap=min(a.cap, MISCONCEPTION_CAP), notes=(*a.notes, *notes), short=False
    )


@dataclass(frozen=True, slots=True)
class ClaimCheck:
    """Each sentence of an answer against the rubric's misconception claims and against what is
    right (the reference's sentences and the key points), for the semantic model to score."""

    sentences: tuple[str, ...]
    claims: tuple[str, ...]
    truths: tuple[str, ...]

    def pairs(self) -> list[tuple[str, str]]:
        return [(s, t) for s in self.sentences for t in (*self.claims, *self.truths)]


def claim_check(question: Question, a: Analysis, answer: str) -> ClaimCheck | None:
    """What to compare, or None when there is nothing to (no claims, or the answer is already
    held down)."""
    if a.empty or a.cap <= MISCONCEPTION_CAP or not question.misconceptions:
        return None
    truths = tuple(
        dict.fromkeys(
            [*split_sentences(question.reference), *(p.text for p in rubric_for(question).points)]
        )
    )
    sentences = tuple(
        s for s in split_sentences(answer) if len(content_stems(s)) >= CLAIM_MIN_WORDS
    )
    if not truths or not sentences:
        return None
    return ClaimCheck(sentences, tuple(m.claim for m in question.misconceptions), truths)


_REFUTES = re.compile(
    r"\b(?:not (?:true|so|the case|correct|right)|(?:isn't|is not|wasn't) (?:true|so)|myths?"
    r"|misconceptions?|mistakes?|mistaken(?:ly)?|wrong(?:ly)?|false|contrary|untrue"
    r"|(?:people|some|many|they) (?:often |sometimes |wrongly )?(?:think|believe|assume|say)"
    r"|(?:think|believe|assume)s? that)\b",
    re.IGNORECASE,
)


def _negates(text: str) -> bool:
    return has_negation([t.word for t in tokens(text)])


def claim_candidates(
    question: Question, check: ClaimCheck, sims: Sequence[float]
) -> list[list[int]]:
    """Per sentence of the answer, the rubric's misconceptions (indices, most similar first, at
    most CLAIM_CANDIDATES) it is closer to than to anything right (`sims`: one per pair of
    `check.pairs()`). A sentence that negates where the claim does not (or the other way
    round), says it is a myth, or ties the claim's words to the other of the two things the
    question compares, is not taken for it: "an index does not make everything faster" refutes
    the claim in its words, and the model cannot see word order. More than one candidate, so
    that the cross-encoder can choose among claims in like words."""
    width = len(check.claims) + len(check.truths)
    out: list[list[int]] = []
    for i, sentence in enumerate(check.sentences):
        row = sims[i * width : (i + 1) * width]
        to_claims, best_truth = row[: len(check.claims)], max(row[len(check.claims) :])
        order = sorted(range(len(to_claims)), key=lambda j: -to_claims[j])
        picked = [
            k
            for k in order
            if to_claims[k] >= CLAIM_FLOOR
            and to_claims[k] - best_truth > CLAIM_MARGIN
            and _negates(sentence) == _negates(check.claims[k])
            and not reverses(question.prompt, check.claims[k], sentence)
        ]
        out.append(picked[:CLAIM_CANDIDATES] if not _REFUTES.search(sentence) else [])
    return out


def misconception_note(m: Misconception) -> str:
    """What the feedback says of a misconception the answer states: the claim and its why."""
    return f"That is a common misconception: \u201c{m.claim}\u201d" + (
        f" \u2014 {m.why}" if m.why else "."
    )


def hold_for_claims(question: Question, a: Analysis, found: Sequence[int]) -> Analysis:
    """`a` held down for stating the rubric's misconceptions `found`, each named with its why."""
    if not found:
        return a
    notes = [misconception_note(question.misconceptions[k]) for k in found]
    return replace(a, cap=min(a.cap, MISCONCEPTION_CAP), notes=(*a.notes, *notes), short=False)


def _analyse(question: Question, answer: str) -> Analysis:
    rubric = rubric_for(question)
    idx = AnswerIndex(answer)
    content = {t.stem for t in idx.tokens if t.word not in STOPWORDS}
    if not content:
        return Analysis(
            (),
            0.0,
            0.0,
            ("There is no answer to grade.",)
            if not idx.tokens
            else ("The answer says nothing about the topic.",),
            True,
        )
    results = tuple(match_points(rubric, idx))
    if rubric.derived:
        return _analyse_derived(rubric, question, answer, results, content)
    coverage = sum(r.strength for r in results) / len(results) if results else 0.0
    recall = clamp(reference_recall(rubric, idx) / RECALL_FULL)
    lexical = (POINTS_WEIGHT * coverage + (1 - POINTS_WEIGHT) * recall) ** LEXICAL_CURVE

    notes: list[str] = []
    cap = 1.0
    short = False
    novel = content - rubric.prompt_stems
    expansion = acronym_expansion(question.prompt, answer)
    if expansion and len(novel - expansion - _EXPANSION_GLUE) < 2:
        cap = min(cap, ECHO_CAP)
        notes.append("Spelling out the acronym is not an answer: say what it is and what it does.")
    elif len(content & rubric.prompt_stems) >= 2 and len(novel) < max(2, 0.3 * len(content)):
        cap = min(cap, ECHO_CAP)
        notes.append("The answer mostly repeats the question; say what you know about it.")
    elif len(novel) < 2:
        cap = min(cap, ECHO_CAP)
        notes.append("The answer says too little to grade.")
    elif _is_keyword_list(answer):
        cap = min(cap, STUFFING_CAP)
        notes.append(
            "This reads like a list of keywords: explain what each one means and "
            "how they fit together."
        )
    else:
        for limit, short_cap in SHORT_CAPS:
            if len(novel) < limit:
                cap = min(cap, short_cap)
                short = True
                break
    for text in (r.text for r in results if r.contradicted):
        notes.append(f"You seem to say the opposite of: {text}.")
    return Analysis(results, lexical, cap, tuple(notes), False, short)


def _analyse_derived(
    rubric: Rubric,
    question: Question,
    answer: str,
    results: tuple[PointResult, ...],
    content: set[str],
) -> Analysis:
    """Reference only: the combiner weighs overlap, echo, length and contradiction itself
    (fitted on real students' answers, where short correct answers are common), so only the
    guards against gaming cap it here: the question repeated with nothing new, or a keyword
    list. When the reference itself only picks among the question's words ("Does it contain acid
    or sugar?" -> "It contains sugar"), a right answer can too: it is an echo only if it repeats
    most of the question's other words."""
    coverage = sum(r.strength for r in results) / len(results) if results else 0.0
    recall = clamp(reference_recall(rubric, AnswerIndex(answer)) / RECALL_FULL)
    lexical = (POINTS_WEIGHT * coverage + (1 - POINTS_WEIGHT) * recall) ** LEXICAL_CURVE
    notes: list[str] = []
    cap = 1.0
    novel = content - rubric.prompt_stems
    expansion = acronym_expansion(question.prompt, answer)
    if expansion and len(novel - expansion - _EXPANSION_GLUE) < 2:
        cap = ECHO_CAP
        notes.append("Spelling out the acronym is not an answer: say what it is and what it does.")
    elif not novel and (rubric.reference_stems or _restates(question, content, rubric)):
        cap = ECHO_CAP
        notes.append("The answer only repeats the question; say what you know about it.")
    elif _is_keyword_list(answer):
        cap = STUFFING_CAP
        notes.append(
            "This reads like a list of keywords: explain what each one means and "
            "how they fit together."
        )
    return Analysis(results, lexical, cap, tuple(notes), False, derived=True, answer=answer)


def _restates(question: Question, content: set[str], rubric: Rubric) -> bool:
    """Whether the answer holds most of the question's words that the reference leaves out."""
    others = rubric.prompt_stems - set(content_stems(question.reference))
    return len(content & others) >= max(2, RESTATE_SHARE * len(others))


def semantic_score(similarity: float) -> float:
    """Cosine similarity to the reference answer, mapped to 0..1."""
    return clamp((similarity - SEMANTIC_FLOOR) / (SEMANTIC_FULL - SEMANTIC_FLOOR))


def with_cross(a: Analysis, p: float) -> Analysis:
    """`a` with the cross-encoder's probability, held down when it reads the answer as wrong."""
    if a.derived or p >= CROSS_WRONG or a.cap <= CROSS_WRONG_CAP:
        return replace(a, cross=p)
    note = (
        "It uses the right terms, but what it says about them does not match the expected "
        "answer: check each claim against the reference."
    )
    return replace(a, cross=p, cap=CROSS_WRONG_CAP, notes=(*a.notes, note), short=False)


def cross_score(p: float) -> float:
    """The cross-encoder's P(full credit) as a score: CROSS_CORRECT -> 0.75 (the verdict
    "correct"), CROSS_PARTIAL -> 0.25, linear in between and beyond."""
    lo, hi = CROSS_PARTIAL, CROSS_CORRECT
    if p < lo:
        return 0.25 * p / lo
    if p < hi:
        return 0.25 + 0.5 * (p - lo) / (hi - lo)
    return 0.75 + 0.25 * (p - hi) / (1 - hi)


def combine(
    a: Analysis,
    similarity: float | None = None,
    judged: float | None = None,
    judge_weight: float = 0.0,
    question: Question | None = None,
) -> tuple[float, bool]:
    """(score, whether the cap lowered it): lexical, blended with semantic and judge when
    given, then penalties and caps. Reference-only questions are scored by the combiner."""
    if a.empty:
        return 0.0, False
    if a.derived and question is not None:
        score = combined_score(
            question.prompt, question.reference, a.answer, a.lexical, similarity, a.aligned
        )
        if a.cross is not None:
            score = (1 - CROSS_SHARE) * score + CROSS_SHARE * cross_score(a.cross)
    else:
        score = a.lexical
        if a.cross is not None:
            score = (1 - CROSS_WEIGHT) * score + CROSS_WEIGHT * cross_score(a.cross)
        elif similarity is not None:
            score = (1 - SEMANTIC_WEIGHT) * score + SEMANTIC_WEIGHT * semantic_score(similarity)
        score -= CONTRADICTION_PENALTY * len(a.contradicted)
    if judged is not None:
        score = (1 - judge_weight) * score + judge_weight * judged
    return round(clamp(min(score, a.cap)), 3), score > a.cap


def feedback(
    question: Question, a: Analysis, score: float, extra: str = "", capped: bool = False
) -> str:
    """What a person reads: what was right, what was missing, and any warning."""
    lines: list[str] = []
    if a.empty:
        lines.extend(a.notes)
    else:
        if a.right:
            lines.append("You covered: " + "; ".join(a.right) + ".")
        if missing := _missing(a, score):
            label = "Missing" if a.right else "Not shown"
            lines.append(f"{label}: " + "; ".join(missing) + ".")
        lines.extend(a.notes)
        if capped and a.short:
            lines.append("The answer is very short: an interviewer would want it explained.")
    if extra:
        lines.append(extra)
    if not lines:
        lines.append("Good answer." if score >= 0.75 else "Compare with the reference answer.")
    return "\n".join(lines)


def _missing(a: Analysis, score: float) -> tuple[str, ...]:
    """The points not found. With a reference only they are its sentences matched by their words
    alone, so an answer the grade reads as correct though none of them matched (it says it in
    other words) is not told it left them all out."""
    if a.derived and not a.right and verdict_for(score) is Verdict.CORRECT:
        return ()
    return a.missing


def finish(
    question: Question,
    a: Analysis,
    similarity: float | None = None,
    judged: float | None = None,
    judge_weight: float = 0.0,
    extra: str = "",
) -> Grade:
    score, capped = combine(a, similarity, judged, judge_weight, question)
    return Grade(
        score,
        verdict_for(score),
        feedback(question, a, score, extra, capped),
        right=a.right,
        missing=_missing(a, score),
    )


def grade_open(question: Question, answer: str, similarity: float | None = None) -> Grade:
    """Grade one open answer locally (lexical, plus semantic when a similarity is given)."""
    return finish(question, analyse(question, answer), similarity)
