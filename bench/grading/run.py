"""Grading benchmark: how well each grader agrees with a careful interviewer, and how fast.

    python bench/grading/run.py [--passes N] [--show-worst N]

Grades every answer in answers/*.yaml (written for this bench, each with a 0-5 human grade) for
the questions in questions.yaml with the lexical grader, the semantic similarity alone, the
blend of both (static model) and the default grader with the cross-encoder ("cross", when
onnxruntime and its model are there); prints Pearson, Spearman and RMSE (on the 0-5 scale)
per grader, answers per second, the longest event-loop stall while grading, and ends with one
JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.domain.questions import Question  # noqa: E402
from bot.grading import (  # noqa: E402
    LEXICAL,
    GradingOptions,
    cross,
    grade_many,
    warm_up,
)
from bot.grading import semantic as sem  # noqa: E402
from bot.grading.open import semantic_score  # noqa: E402
from bot.questions.parse import parse_pack  # noqa: E402

HERE = Path(__file__).resolve().parent
TRIVIAL = {"empty", "off-topic", "echo"}  # answers any grader should find easy


def load() -> tuple[dict[str, Question], list[dict[str, object]]]:
    pack = parse_pack((HERE / "questions.yaml").read_text("utf-8"), "questions.yaml")
    questions = {q.id: q for q in pack.questions}
    answers: list[dict[str, object]] = []
    for f in sorted((HERE / "answers").glob("*.yaml")):
        for item in yaml.safe_load(f.read_text("utf-8")) or []:
            if item["q"] not in questions:
                raise SystemExit(f"{f.name}: unknown question {item['q']}")
            if not 0 <= int(item["grade"]) <= 5:
                raise SystemExit(f"{f.name}: grade out of 0-5 for {item['q']}")
            answers.append({**item, "text": str(item.get("text") or "")})
    return questions, answers


def ranks(xs: list[float]) -> list[float]:
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    out = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def pearson(xs: list[float], ys: list[float]) -> float:
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else 0.0


def metrics(scores: list[float], human: list[float]) -> dict[str, float]:
    predicted = [5 * s for s in scores]
    return {
        "pearson": round(pearson(predicted, human), 3),
        "spearman": round(pearson(ranks(predicted), ranks(human)), 3),
        "rmse": round(
            math.sqrt(
                statistics.fmean((p - h) ** 2 for p, h in zip(predicted, human, strict=True))
            ),
            3,
        ),
    }


class StallMeter:
    """Measures how late a 2 ms ticker wakes up: the event loop's longest stall."""

    def __init__(self) -> None:
        self.max_ms = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        while True:
            t = time.perf_counter()
            await asyncio.sleep(0.002)
            self.max_ms = max(self.max_ms, (time.perf_counter() - t - 0.002) * 1000)

    def __enter__(self) -> StallMeter:
        self._task = asyncio.get_running_loop().create_task(self._tick())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--passes", type=int, default=5, help="lexical timing passes (default 5)")
    ap.add_argument("--show-worst", type=int, default=0, help="list the N worst disagreements")
    args = ap.parse_args()

    questions, answers = load()
    items = [(questions[str(a["q"])], str(a["text"])) for a in answers]
    human = [float(a["grade"]) for a in answers]  # type: ignore[arg-type]
    kinds = [str(a["kind"]) for a in answers]
    n_derived = sum(1 for q in questions.values() if not q.key_points)
    print(
        f"{len(answers)} answers to {len(questions)} questions "
        f"({n_derived} with key points derived from the reference)"
    )

    results: dict[str, list[float]] = {}
    await warm_up(LEXICAL)  # what the bot does at start-up (freezes start-up objects for gc)
    with StallMeter() as stall_lex:
        t = time.perf_counter()
        for _ in range(args.passes):
            lexical = await grade_many(items, options=LEXICAL)
        lexical_per_s = args.passes * len(items) / (time.perf_counter() - t)
    results["lexical"] = [g.score for g in lexical]

    semantic_per_s: float | None = None
    cross_per_s: float | None = None
    stall_sem = 0.0
    load_s = load_stall = None
    embedder = sem.default_embedder()  # the static model, or SEMANTIC_MODEL's
    if embedder is not None:
        with StallMeter() as meter:
            t = time.perf_counter()
            ok = await embedder.load()
            load_s, load_stall = time.perf_counter() - t, meter.max_ms
        if not ok:
            print(f"semantic model failed to load: {embedder.failed}")
            embedder = None
    if embedder is not None:
        with StallMeter() as meter:
            t = time.perf_counter()
            sims = await embedder.similarities([(a, q.reference) for q, a in items])
            semantic_per_s = len(items) / (time.perf_counter() - t)
            assert sims is not None
            results["semantic"] = [
                semantic_score(s) if a.strip() else 0.0
                for s, (_, a) in zip(sims, items, strict=True)
            ]
            t = time.perf_counter()
            blended = await grade_many(
                items, options=GradingOptions(embedder=embedder, cross=False)
            )
            blended_per_s = len(items) / (time.perf_counter() - t)
            stall_sem = meter.max_ms
        results["blended"] = [g.score for g in blended]
        encoder = cross.shared()
        if encoder is not None and await encoder.load():
            with StallMeter() as meter:
                t = time.perf_counter()
                crossed = await grade_many(items, options=GradingOptions(embedder=embedder))
                cross_per_s = len(items) / (time.perf_counter() - t)
                stall_sem = max(stall_sem, meter.max_ms)
            results["cross"] = [g.score for g in crossed]
    else:
        print("no semantic model: blended = lexical only")
        results["blended"] = results["lexical"]

    print(
        f"\n{'grader':10} {'pearson':>8} {'spearman':>9} {'rmse':>6}   "
        f"{'(non-trivial answers only)':>26}"
    )
    hard = [i for i, k in enumerate(kinds) if k not in TRIVIAL]
    table = {}
    for name, scores in results.items():
        m = metrics(scores, human)
        mh = metrics([scores[i] for i in hard], [human[i] for i in hard])
        table[name] = m
        print(
            f"{name:10} {m['pearson']:8.3f} {m['spearman']:9.3f} {m['rmse']:6.2f}   "
            f"pearson {mh['pearson']:.3f}, rmse {mh['rmse']:.2f} (n={len(hard)})"
        )

    ids = sorted(questions)
    halves = [{q for q in ids[k::2]} for k in (0, 1)]
    default = "cross" if "cross" in results else "blended"
    split = [
        metrics(
            [results[default][i] for i, (q, _) in enumerate(items) if q.id in h],
            [human[i] for i, (q, _) in enumerate(items) if q.id in h],
        )["pearson"]
        for h in halves
    ]
    print(
        f"{default} pearson on each half of the questions (the weights were tuned on one half): "
        f"{split[0]:.3f} / {split[1]:.3f}"
    )

    print("\nmean score (0-5) by kind of answer:")
    by_kind: dict[str, list[int]] = defaultdict(list)
    for i, k in enumerate(kinds):
        by_kind[k].append(i)
    header = "".join(f"{name:>10}" for name in results)
    print(f"{'kind':10} {'n':>4} {'human':>7}{header}")
    for k, idx in sorted(
        by_kind.items(), key=lambda kv: -statistics.fmean(human[i] for i in kv[1])
    ):
        cols = "".join(
            f"{statistics.fmean(5 * results[name][i] for i in idx):10.2f}" for name in results
        )
        print(f"{k:10} {len(idx):4d} {statistics.fmean(human[i] for i in idx):7.2f}{cols}")

    print(
        f"\nlexical:  {lexical_per_s:,.0f} answers/s ({args.passes} passes, event loop "
        f"stall max {stall_lex.max_ms:.1f} ms)"
    )
    if semantic_per_s is not None:
        print(
            f"semantic: {semantic_per_s:,.0f} answers/s batched (model load {load_s:.1f} s, "
            f"loop stall during load {load_stall:.0f} ms)"
        )
        print(f"blended:  {blended_per_s:,.0f} answers/s through grade_many()")
    if cross_per_s is not None:
        print(f"cross:    {cross_per_s:,.0f} answers/s through grade_many() (the default)")
    max_stall = max(stall_lex.max_ms, stall_sem)
    print(f"max event-loop stall while grading: {max_stall:.1f} ms")

    if args.show_worst:
        worst = sorted(range(len(items)), key=lambda i: -abs(5 * results[default][i] - human[i]))
        print(f"\nworst {args.show_worst} ({default}):")
        for i in worst[: args.show_worst]:
            q, a = items[i]
            print(
                f"  {human[i]:.0f} vs {5 * results[default][i]:.1f} [{kinds[i]}] {q.id}: {a[:90]!r}"
            )

    b = table[default]
    print(
        json.dumps(
            {
                "grader": default,
                "static_pearson": table["blended"]["pearson"],
                "pearson": b["pearson"],
                "spearman": b["spearman"],
                "rmse": b["rmse"],
                "lexical_per_s": round(lexical_per_s),
                "semantic_per_s": round(semantic_per_s) if semantic_per_s is not None else None,
                "cross_per_s": round(cross_per_s) if cross_per_s is not None else None,
                "max_loop_stall_ms": round(max_stall, 1),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
