"""The one entry point: `await grade(question, answer) -> Grade`, and `grade_many` for batches.

Choice and short answers are graded at once, in the event loop. Open answers are graded
locally (key points, in microseconds), blended with semantic similarity from the shipped
static model (in a worker thread), and with an LLM judge when one is configured. Code
answers run in the sandbox.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace

import aiohttp

from bot.domain.questions import Grade, Kind, Question
from bot.grading import cross as cross_model
from bot.grading import semantic as sem
from bot.grading.choice import grade_choice
from bot.grading.code import grade_code
from bot.grading.cross import CrossEncoder
from bot.grading.judge import JudgeConfig, Judgement, judge
from bot.grading.open import (
    Analysis,
    analyse,
    claim_candidates,
    claim_check,
    finish,
    hold_for_claims,
    with_cross,
)
from bot.grading.short import grade_short
from bot.grading.static import StaticEmbedder
from bot.sandbox import Sandbox

log = logging.getLogger(__name__)

MAX_ANSWER_CHARS = 4000  # longer text answers are graded on their first this many characters
YIELD_EVERY = 8  # batches give the event loop a turn at least this often (answers)...
YIELD_S = 0.004  # ...and once this long has passed since the last turn (an open answer takes
# about 1 ms here, a long one over 10 ms: eight of them could hold the loop for tens of ms)
JUDGE_CONCURRENCY = 4


@dataclass(frozen=True, slots=True)
class GradingOptions:
    """How open and code answers are graded.

    `semantic`: True or None to blend in semantic similarity (the shipped static model, or the
    PyTorch one when selected), False for lexical only. `judge`: an LLM endpoint, or None.
    `embedder` replaces the shared model (tests, benchmarks); `sandbox` the shared code
    sandbox.
    """

    semantic: bool | None = None
    judge: JudgeConfig | None = None
    sandbox: Sandbox | None = None  # None: the process-wide one
    embedder: sem.SimilarityModel | None = None
    model: str | None = None  # "static" or "minilm-torch"; None: SEMANTIC_MODEL or static
    cross: bool | None = None  # the cross-encoder: None when available (and semantic on)
    cross_encoder: CrossEncoder | None = None  # replaces the shared one (tests, benchmarks)

    def pick_cross(self) -> CrossEncoder | None:
        if self.semantic is False or self.cross is False:
            return None
        return self.cross_encoder or cross_model.shared()

    def pick_embedder(self) -> sem.SimilarityModel | None:
        if self.semantic is False:
            return None
        if self.embedder is not None:
            return self.embedder
        return sem.default_embedder(self.model) if self.model else sem.default_embedder()


LEXICAL = GradingOptions(semantic=False)


async def warm_up(options: GradingOptions | None = None) -> bool:
    """Call once at start-up, when everything is imported: loads the semantic model (off the
    event loop) rather than on the first open answer, then freezes the objects loaded so far
    (`semantic.freeze_loaded`). True when semantic is on."""
    opts = options or GradingOptions()
    embedder = opts.pick_embedder()
    on = bool(embedder and await embedder.load())
    if on and (cross := opts.pick_cross()) is not None:
        await cross.load()
    sem.freeze_loaded()
    return on


async def grade(
    question: Question,
    answer: str,
    *,
    options: GradingOptions | None = None,
    who: tuple[str, str] = ("", ""),
) -> Grade:
    """Grade one answer. Never raises for a bad answer: an unusable one is graded wrong.
    A code answer raises SandboxUnavailable or SandboxBusy when it cannot be run now."""
    return (await grade_many([(question, answer)], options=options, who=who))[0]


async def grade_many(
    items: Sequence[tuple[Question, str]],
    *,
    options: GradingOptions | None = None,
    who: tuple[str, str] = ("", ""),
) -> list[Grade]:
    """Grade many answers; semantic similarity is computed in batches, off the event loop.
    `who` (team, person) gives code runs their fair turn at the sandbox."""
    opts = options or GradingOptions()
    grades: list[Grade | None] = [None] * len(items)
    open_items: list[tuple[int, Question, str, Analysis]] = []
    # each open answer's pair with its reference goes to the cross-encoder's threads as soon as
    # it is analysed, so that the model runs while the rubric reads the next answers
    cross = opts.pick_cross() if opts.pick_embedder() is not None else None
    early: dict[int, Future[float]] = {}
    turn = _Turns()
    for i, (q, raw) in enumerate(items):
        answer = (raw or "")[:MAX_ANSWER_CHARS] if q.kind is not Kind.CODE else (raw or "")
        if q.kind is Kind.CHOICE:
            grades[i] = grade_choice(q, answer)
        elif q.kind is Kind.SHORT:
            grades[i] = grade_short(q, answer)
        elif q.kind is Kind.CODE:
            grades[i] = await grade_code(q, answer, opts.sandbox, who=who)
        else:
            a = analyse(q, answer)
            if cross is not None and not a.empty and q.reference:
                if (f := cross.submit(q.prompt, q.reference, answer)) is not None:
                    early[len(open_items)] = f
            open_items.append((i, q, answer, a))
        await turn.maybe(i)
    if open_items:
        sims, open_items = await _similarities(open_items, opts, early)
        judged = await _judge_all(open_items, opts)
        for k, (i, q, _answer, a) in enumerate(open_items):
            j = judged[k]
            weight = opts.judge.weight if opts.judge and j else 0.0
            extra = j.feedback if j else ""
            grades[i] = finish(q, a, sims[k], j.score if j else None, weight, extra)
            await turn.maybe(k)
    return [g for g in grades if g is not None]


class _Turns:
    """Gives the event loop a turn every YIELD_EVERY items or YIELD_S seconds, whichever first."""

    __slots__ = ("_last",)

    def __init__(self) -> None:
        self._last = time.perf_counter()

    async def maybe(self, i: int) -> None:
        now = time.perf_counter()
        if i % YIELD_EVERY == YIELD_EVERY - 1 or now - self._last >= YIELD_S:
            await asyncio.sleep(0)
            self._last = time.perf_counter()


OpenItem = tuple[int, Question, str, Analysis]


async def _similarities(
    items: list[OpenItem], opts: GradingOptions, early: dict[int, Future[float]] | None = None
) -> tuple[list[float | None], list[OpenItem]]:
    """Each answer's similarity to its reference, and the items with their analyses held down
    where a sentence states one of the rubric's misconceptions (`claim_candidates`, confirmed by
    the cross-encoder when it runs); each answer's pairs do not depend on the others. `early`:
    the cross-encoder's scores of answer and reference that grade_many already started
    (`CrossEncoder.submit`), by item; the other pairs go to the model here, in one batch."""
    early = early or {}
    embedder = opts.pick_embedder()
    todo = [k for k, (_, q, _a, a) in enumerate(items) if not a.empty and q.reference]
    out: list[float | None] = [None] * len(items)
    if embedder is None or not todo:
        return out, items
    checks = {k: c for k in todo if (c := claim_check(items[k][1], items[k][3], items[k][2]))}
    pairs = [(items[k][2], items[k][1].reference) for k in todo]
    spans: dict[int, tuple[int, int]] = {}
    for k, c in checks.items():
        more = c.pairs()
        spans[k] = (len(pairs), len(pairs) + len(more))
        pairs.extend(more)
    # the combiner's word alignment, always in the shipped static model's vectors: in the same
    # worker-thread call as the similarities when that model computes them
    derived = [k for k in todo if items[k][3].derived]
    triples = [(items[k][1].prompt, items[k][1].reference, items[k][2]) for k in derived]
    static = sem.static_embedder()
    aligned: list[tuple[float, float]] | None = None
    if triples and isinstance(embedder, StaticEmbedder) and embedder.path == static.path:
        sims, aligned = await embedder.similarities_and_alignments(pairs, triples)
    else:
        sims = await embedder.similarities(pairs)
        if sims is not None and triples:
            aligned = await static.alignments(triples)
    if sims is None:
        return out, items
    for k, s in zip(todo, sims[: len(todo)], strict=True):
        out[k] = s
    items = list(items)
    cands = {
        k: claim_candidates(items[k][1], checks[k], sims[lo:hi]) for k, (lo, hi) in spans.items()
    }
    # without the cross-encoder: each sentence's most similar claim
    found = {k: list(dict.fromkeys(c[0] for c in sent if c)) for k, sent in cands.items()}
    cross = opts.pick_cross()
    if cross is not None:
        pending = [k for k in todo if k not in early]
        triples = [(items[k][1].prompt, items[k][1].reference, items[k][2]) for k in pending]
        # a misconception the similarities found is confirmed by the cross-encoder: the answer
        # must agree with the claim at least as much as with the reference; of a sentence's
        # candidates, the one it agrees with most is taken
        asked = sorted({(k, m) for k, sent in cands.items() for c in sent for m in c})
        for k, m in asked:
            triples.append((items[k][1].prompt, items[k][1].misconceptions[m].claim, items[k][2]))
        scored = await cross.scores(triples) if triples else []
        if scored is not None:
            first = dict(zip(pending, scored, strict=False))
            for k in todo:
                if k in early:
                    first[k] = await asyncio.wrap_future(early[k])
            scored = [first[k] for k in todo] + scored[len(pending) :]
            for k, p in zip(todo, scored, strict=False):
                i, q, answer, a = items[k]
                items[k] = (i, q, answer, with_cross(a, p))
            ref_p = dict(zip(todo, scored, strict=False))
            claim_p = dict(zip(asked, scored[len(todo) :], strict=True))
            for k, sent in cands.items():
                held = [[m for m in c if claim_p[(k, m)] >= ref_p[k]] for c in sent]
                found[k] = list(
                    dict.fromkeys(max(c, key=lambda m: claim_p[(k, m)]) for c in held if c)
                )
    if derived:
        per: list[tuple[float, float] | None] = [*aligned] if aligned else [None] * len(derived)
        for k, al in zip(derived, per, strict=True):
            i, q, answer, a = items[k]
            items[k] = (i, q, answer, replace(a, aligned=al))
    for k, ms in found.items():
        i, q, answer, a = items[k]
        items[k] = (i, q, answer, hold_for_claims(q, a, ms))
    return out, items


async def _judge_all(items: list[OpenItem], opts: GradingOptions) -> list[Judgement | None]:
    if opts.judge is None:
        return [None] * len(items)
    cfg = opts.judge
    gate = asyncio.Semaphore(JUDGE_CONCURRENCY)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=cfg.timeout)) as s:

        async def one(q: Question, answer: str, a: Analysis) -> Judgement | None:
            if a.empty:
                return None
            async with gate:
                return await judge(q, answer, cfg, session=s)

        return list(await asyncio.gather(*(one(q, ans, a) for _, q, ans, a in items)))
