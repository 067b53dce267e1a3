"""How long a code answer takes to grade in the sandbox, alone and under load.

1. Every shipped code question's reference solution, graded through `grade()` (as an interview
   answer is), several rounds: p50 and p99 latency (the target: under 1 s).
2. Under load: one person submits `--flood` answers that each run for the full CPU limit while a
   person of another team answers a normal question; that person's latency with and without
   the flood (fair turns: the ratio should stay near 1 + one run's length / slots).
Baseline in the same run: starting a bare `python -c pass` (the cost any process-per-answer
sandbox pays), so the ratio is comparable across machines.
Usage: python bench/sandbox.py [--rounds 3] [--flood 6]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.domain.questions import Kind
from bot.grading import GradingOptions, grade
from bot.questions.bank import QuestionBank
from bot.sandbox import Program, Sandbox, SandboxLimits


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p * (len(xs) - 1)))]


ROOT = Path(__file__).resolve().parent.parent


def spawn_baseline() -> float:
    """Median time to start and finish a bare `python -I -S -c pass`."""
    times = []
    for _ in range(10):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-I", "-S", "-c", "pass"], check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


async def main(rounds: int, flood: int, bank: QuestionBank, base: float) -> dict[str, float]:
    box = Sandbox(limits=SandboxLimits())
    if not await box.probe():
        raise SystemExit(f"no sandbox here: {box.reason}")
    opts = GradingOptions(semantic=False, sandbox=box)
    qs = [q for q in bank.select(kinds=[Kind.CODE]) if q.code]
    times: list[float] = []
    for r in range(rounds):
        for q in qs:
            assert q.code is not None
            answer = q.code.solution + f"\n# round {r}"  # not the cached result
            t = time.perf_counter()
            g = await grade(q, answer, options=opts, who=("bench", f"p{r}"))
            times.append(time.perf_counter() - t)
            assert g.verdict == "correct", (q.id, g.feedback)

    q = qs[0]
    assert q.code is not None

    async def victim(tag: str) -> float:
        t = time.perf_counter()
        await grade(q, q.code.solution + f"\n# {tag}", options=opts, who=("team-b", "bob"))
        return time.perf_counter() - t

    quiet = statistics.median([await victim(f"quiet{i}") for i in range(3)])
    hog = [
        box.run(Program(f"while True: pass  # {i}", "", ("1",)), who=("team-a", "ann"))
        for i in range(flood)
    ]
    started = [asyncio.ensure_future(h) for h in hog]
    await asyncio.sleep(0.2)
    loaded = await victim("loaded")
    refused = sum(
        isinstance(x, Exception) for x in await asyncio.gather(*started, return_exceptions=True)
    )
    figures = {
        "code_questions": len(qs),
        "gradings": len(times),
        "p50_ms": round(1000 * statistics.median(times), 1),
        "p99_ms": round(1000 * pct(times, 0.99), 1),
        "max_ms": round(1000 * max(times), 1),
        "bare_python_spawn_ms": round(1000 * base, 1),
        "p50_over_spawn": round(statistics.median(times) / base, 2),
        "other_team_quiet_ms": round(1000 * quiet, 1),
        "other_team_under_flood_ms": round(1000 * loaded, 1),
        "flood_runs": flood,
        "flood_refused": refused,
    }
    return figures


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--flood", type=int, default=6)
    a = ap.parse_args()
    f = asyncio.run(
        main(a.rounds, a.flood, QuestionBank.from_dir(ROOT / "questions"), spawn_baseline())
    )
    for k, v in f.items():
        print(f"{k:28} {v}")
    print(json.dumps(f))
