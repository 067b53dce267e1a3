"""Simulated candidates play whole mock interviews through the console harness.

Each interview is a fresh person (so rotation and ability estimates start clean), a topic
from the shipped bank, four questions, answered by one of the candidate kinds of
tests/support/candidates.py in plain messages, with follow-ups and adaptive difficulty as a
person would meet them. Prints, per kind: interviews, the mean score, follow-ups per
interview, the difficulty of the first and last question; over every answer: p50 and p99
latency of an answer (typed line to cards shown, grading and storage included). Ends with one
JSON line. Code questions are left out (no sandbox runs: SANDBOX_ENABLED=false) so the
figures are the interviewer's, not bubblewrap's.

Usage: python bench/interviews.py [--n 1000] [--questions 4] [--semantic]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.console.harness import ConsoleHarness
from bot.clock import FakeClock
from bot.services.container import build_core
from interview_bot.config import Settings
from tests.support.candidates import KINDS, Candidate, play

TOPICS = ("python", "django", "web", "databases", "security", "testing")


class TimedHarness(ConsoleHarness):
    """The harness, timing every line typed."""

    latencies: list[float]

    async def push(self, text: str) -> None:
        t = time.perf_counter()
        await super().push(text)
        self.latencies.append(time.perf_counter() - t)


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000, help="interviews to play")
    ap.add_argument("--questions", type=int, default=4)
    ap.add_argument("--semantic", action="store_true", help="blend the static model in")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            _env_file=None,
            database_url=f"sqlite:///{tmp}/bench.db",  # type: ignore[call-arg]
            semantic_grading=args.semantic,
            sandbox_enabled=False,
        )
        core = await build_core(settings, clock=FakeClock(), rng=random.Random(1))
        h = TimedHarness(core, user="u0")
        h.latencies = []
        scores: dict[str, list[int]] = defaultdict(list)
        follow_ups: dict[str, list[int]] = defaultdict(list)
        first_last: dict[str, list[tuple[int, int]]] = defaultdict(list)
        t0 = time.perf_counter()
        for i in range(args.n):
            kind = KINDS[i % len(KINDS)]
            h.session.user = f"u{i}"
            topic = TOPICS[(i // len(KINDS)) % len(TOPICS)]
            played = await play(
                h,
                Candidate(kind, rng=random.Random(i)),
                f"/interview start {topic} {args.questions}",
            )
            m = re.search(r"\((\d+)%\)", played.report.text)
            scores[kind].append(int(m.group(1)) if m else 0)
            follow_ups[kind].append(played.follow_ups)
            d = [q.difficulty for q in played.questions]
            first_last[kind].append((d[0], d[-1]))
        wall = time.perf_counter() - t0
        await core.close()
    lat = sorted(h.latencies)
    p50 = lat[len(lat) // 2] * 1000
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
    print(
        f"{args.n} interviews of {args.questions} questions in {wall:.1f} s "
        f"({len(lat)} lines typed; semantic {'on' if args.semantic else 'off'})"
    )
    print(f"{'kind':<10} {'n':>5} {'mean %':>7} {'follow-ups':>11} {'first→last ★':>13}")
    out: dict[str, object] = {}
    for kind in KINDS:
        s, f, fl = scores[kind], follow_ups[kind], first_last[kind]
        if not s:
            continue
        first = statistics.mean(a for a, _ in fl)
        last = statistics.mean(b for _, b in fl)
        print(
            f"{kind:<10} {len(s):>5} {statistics.mean(s):>7.1f} {statistics.mean(f):>11.2f} "
            f"{first:>6.2f}→{last:.2f}"
        )
        out[kind] = {
            "interviews": len(s),
            "mean_score_pct": round(statistics.mean(s), 1),
            "follow_ups_per_interview": round(statistics.mean(f), 2),
            "first_difficulty": round(first, 2),
            "last_difficulty": round(last, 2),
        }
    print(f"answer latency: p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    print(
        json.dumps(
            {
                "bench": "interviews",
                "interviews": args.n,
                "questions": args.questions,
                "semantic": args.semantic,
                "wall_s": round(wall, 1),
                "answer_p50_ms": round(p50, 2),
                "answer_p99_ms": round(p99, 2),
                "kinds": out,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
