"""The semantic model's cost: memory, load time, first-answer latency, throughput, loop stalls.

    python bench/grading/model.py [--answers N]

Measures, each in a fresh process so the figures do not mix: the shipped static model alone,
the static model with the int8 cross-encoder (the default when onnxruntime is installed,
`bot/grading/cross.py`) and, when the optional extra is installed (`make semantic`),
all-MiniLM-L6-v2 under PyTorch, in the same run. For each: resident memory added by loading
the model (over a process that has already imported the bot's grading and loaded the question
bank), the time the background load takes and the longest event-loop stall meanwhile, the
latency of the first open answer graded once loaded and the slowest of 50 single answers,
answers/s through `grade_many()` in batches (of `run.py`'s answers, and of the synthetic answers
to the bank's own questions, whose longer references and rubric misconceptions cost more),
and the longest event-loop stall while grading.
Ends with ONE JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

TARGETS = {"rss_mb": 150, "load_s": 2.0, "single_ms": 300, "per_s": 200, "stall_ms": 50}


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def child(model: str, n: int) -> dict[str, float | str]:
    from run import StallMeter, load  # bench/grading/run.py (its folder is on sys.path)
    from splits import synthetic

    from bot.grading import GradingOptions, grade, warm_up
    from bot.grading import semantic as sem
    from bot.questions.bank import QuestionBank

    bank = QuestionBank.from_dir(ROOT / "questions")
    questions, answers = load()
    items = [(questions[str(a["q"])], str(a["text"])) for a in answers if a["text"]]
    fit, dev = synthetic(bank)
    bank_items = [(q, a) for q, a, _ in fit + dev]
    base = rss_mb()
    embedder: sem.SimilarityModel
    opts = GradingOptions(cross=False)
    if model in ("static", "static+cross"):
        from bot.grading.static import StaticEmbedder

        embedder = StaticEmbedder()
        if model == "static+cross":
            from bot.grading.cross import CrossEncoder

            opts = GradingOptions(cross_encoder=CrossEncoder())
    else:
        embedder = sem.Embedder()
    opts = dataclasses.replace(opts, embedder=embedder)
    with StallMeter() as meter:
        t = time.perf_counter()
        # in the background, as the bot does (warm_up also freezes start-up objects for gc)
        task = asyncio.ensure_future(warm_up(opts))
        await asyncio.wait([task])  # the stall meter ticks meanwhile
        load_s = time.perf_counter() - t
        load_stall = meter.max_ms
    if not task.result():
        return {"model": model, "error": str(embedder.failed)}
    if opts.cross_encoder is not None and not opts.cross_encoder.loaded:
        return {"model": model, "error": str(opts.cross_encoder.failed)}
    loaded_rss = rss_mb()
    with StallMeter() as meter:
        t = time.perf_counter()
        await grade(*items[0], options=opts)
        first_ms = (time.perf_counter() - t) * 1000
        singles = []
        for q, a in items[1:51]:
            t = time.perf_counter()
            await grade(q, a, options=opts)
            singles.append((time.perf_counter() - t) * 1000)
        per_s = await batched(items, n, opts)
        graded_rss = rss_mb()  # the model's memory: before the other set's answers add theirs
        # answers to the bank's own questions (longer references, and the rubric's
        # misconceptions checked): the synthetic answers of bench/grading/synthetic/
        bank_per_s = await batched(bank_items, n, opts)
        stall = meter.max_ms
    return {
        "model": model,
        "rss_mb": round(max(graded_rss, loaded_rss) - base, 1),
        "load_s": round(load_s, 2),
        "load_stall_ms": round(load_stall, 1),
        "first_ms": round(first_ms, 1),
        "single_ms": round(max(singles), 1),
        "per_s": round(per_s),
        "bank_per_s": round(bank_per_s),
        "stall_ms": round(stall, 1),
    }


async def batched(items: list[tuple[Any, str]], n: int, opts: Any) -> float:
    """Answers/s grading n answers (items repeated) through grade_many in batches of 64."""
    from bot.grading import grade_many, text

    batch = (items * (n // len(items) + 1))[:n]
    t = time.perf_counter()
    for start in range(0, len(batch), 64):  # as grade-file does
        # each batch starts with no text's tokens kept (`text.tokens`): the run repeats the
        # answers, which a team's own file would not
        text._tokens_kept.cache_clear()
        await grade_many(batch[start : start + 64], options=opts)
    return len(batch) / (time.perf_counter() - t)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--answers", type=int, default=2000, help="answers in the batch run")
    ap.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(child(args.child, args.answers))))
        return
    from bot.grading import cross
    from bot.grading import semantic as sem

    models = ["static"] + (["static+cross"] if cross.available() else [])
    models += ["minilm-torch"] if sem.installed() else []
    rows = []
    for m in models:
        out = subprocess.run(
            [sys.executable, __file__, "--child", m, "--answers", str(args.answers)],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
        if not lines:
            print(f"{m}: failed\n{out.stderr[-2000:]}")
            continue
        rows.append(json.loads(lines[-1]))
    print(
        f"{'model':14} {'+RSS MB':>8} {'load s':>7} {'load stall':>11} {'first ms':>9} "
        f"{'max single':>11} {'answers/s':>10} {'bank ans/s':>11} {'stall ms':>9}"
    )
    for r in rows:
        if "error" in r:
            print(f"{r['model']:14} error: {r['error']}")
            continue
        print(
            f"{r['model']:14} {r['rss_mb']:8.1f} {r['load_s']:7.2f} {r['load_stall_ms']:9.1f}ms "
            f"{r['first_ms']:9.1f} {r['single_ms']:9.1f}ms {r['per_s']:10,} "
            f"{r['bank_per_s']:11,} {r['stall_ms']:9.1f}"
        )
    print(
        f"targets for the default: +RSS <= {TARGETS['rss_mb']} MB, load <= "
        f"{TARGETS['load_s']} s, single answer <= {TARGETS['single_ms']} ms, >= "
        f"{TARGETS['per_s']} answers/s, stall <= {TARGETS['stall_ms']} ms"
    )
    print(json.dumps({r["model"]: r for r in rows}, separators=(",", ":")))


if __name__ == "__main__":
    main()
