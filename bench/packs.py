"""Hostile and big team packs: time and memory of each refusal, and of a pack at the limits.

Each attack of the security review (H2) goes through `Banks.import_pack`, as `/questions
import` does, while a ticker measures how late the event loop runs: the billion-laughs pack
(security-repro/mkbomb.py 600 600 600), the 12 KB stored bomb (mkstored.py 60 1000 1000),
500 KB of tiny values; then the largest pack the limits accept (500 questions, ~490 KB) is
imported, and the bank refreshed after a "restart" (from the stored JSON) and from memory.
Memory is the tracemalloc peak of each step (Python allocations, all threads), from a
second run: times come from a run without tracemalloc, which slows parsing severalfold.
Usage: python bench/packs.py
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml

from bot.clock import FakeClock
from bot.domain.values import UserError, Where
from bot.questions.bank import QuestionBank
from bot.questions.files import QUESTIONS_DIR
from bot.questions.schema import MAX_PACK_BYTES, MAX_QUESTIONS
from bot.services.banks import Banks
from bot.services.container import build_core
from interview_bot.config import Settings

ADMIN = Where("bench", "team", "c1", "boss", "Boss", is_admin=True)


def bomb(nq: int, nk: int, nt: int) -> str:
    terms = "&t [" + ",".join(["w"] * nt) + "]"
    kps = "[&kp {point: p, terms: " + terms + "}" + ",*kp" * (nk - 1) + "]"
    q = (
        "&q {id: a, kind: open, difficulty: 1, prompt: p, explanation: e, reference: r, "
        "key_points: " + kps + "}"
    )
    head = "id: bomb\ntitle: Bomb\ntopic: bomb\nversion: 1\nquestions: ["
    return head + q + ",*q" * (nq - 1) + "]"


def stored_bomb(nq: int, nk: int, nt: int) -> str:
    terms = "&t [" + ",".join(["w"] * nt) + "]"
    kps = "&K [&kp {point: p, terms: " + terms + "}" + ",*kp" * (nk - 1) + "]"
    out = ["id: slow\ntitle: Slow\ntopic: slow\nversion: 1\nquestions:"]
    for i in range(nq):
        out.append(
            f"  - {{id: slow-{i}, kind: open, difficulty: 1, prompt: p{i}, "
            f"explanation: e, reference: r, key_points: {kps if i == 0 else '*K'}}}"
        )
    return "\n".join(out)


def tiny_values() -> str:
    return (
        "id: x\ntitle: t\ntopic: x\nversion: 1\nquestions: [\n"
        + ",\n".join(["0"] * ((MAX_PACK_BYTES - 100) // 3))
        + "]\n"
    )


def biggest() -> str:
    qs = [
        {
            "id": f"q-{i}",
            "kind": "open",
            "difficulty": 1,
            "prompt": "word " * 105,
            "explanation": "why " * 50,
            "reference": "It is so.",
            "key_points": [
                {"point": f"p{j}", "terms": [f"t{j}{k}" for k in range(5)]} for j in range(2)
            ],
        }
        for i in range(MAX_QUESTIONS)
    ]
    return yaml.safe_dump(
        {"id": "big", "title": "Big", "topic": "big", "version": 1, "questions": qs},
        sort_keys=False,
        width=10**9,
    )


async def measured(step: Any, trace: bool = True) -> tuple[Any, float, float, float]:
    """(result, seconds, worst event-loop lag in ms, tracemalloc peak in MB or 0)."""
    lags: list[float] = []
    done = False

    async def ticker() -> None:
        while not done:
            t0 = time.perf_counter()
            await asyncio.sleep(0.005)
            lags.append(time.perf_counter() - t0 - 0.005)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    if trace:
        tracemalloc.start()
    t0 = time.perf_counter()
    try:
        result = await step()
    except UserError as e:
        result = str(e).splitlines()[1]
    took = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else 0.0
    tracemalloc.stop()
    done = True
    await task
    return result, took, 1000 * max(lags, default=0.0), peak


async def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=f"sqlite:///{d}/bench.db",
            semantic_grading=False,
        )
        core = await build_core(
            settings, clock=FakeClock(), bank=QuestionBank.from_dir(QUESTIONS_DIR)
        )
        figures: dict[str, dict[str, Any]] = {}
        for name, text in (
            ("billion_laughs", bomb(600, 600, 600)),
            ("stored_bomb", stored_bomb(60, 1000, 1000)),
            ("tiny_values", tiny_values()),
            ("biggest_accepted", biggest()),
        ):

            async def step(text: str = text, name: str = name) -> str:
                card = await core.banks.import_pack(ADMIN, text, f"{name}.yaml")
                return card.title

            shown, took, lag, _ = await measured(step, trace=False)  # tracemalloc is slow
            _, _, _, peak = await measured(step)
            figures[name] = {
                "bytes": len(text.encode()),
                "seconds": round(took, 3),
                "loop_lag_ms": round(lag, 1),
                "peak_mb": round(peak, 1),
            }
            print(
                f"{name}: {len(text.encode()):,} bytes, {took:.3f} s, loop lag <= {lag:.0f} ms, "
                f"peak {peak:.1f} MB: {shown}"
            )
        stored = [p.pack_id for p in await core.store.team_packs("bench", "team")]
        print(f"stored packs: {stored}")

        restarted = Banks(core.banks.base, core.store, FakeClock())
        _, cold, lag, _ = await measured(lambda: restarted.for_team("bench", "team"), False)
        restarted.forget("bench", "team")
        bank, warm, _, _ = await measured(lambda: restarted.for_team("bench", "team"), False)
        print(
            f"bank refresh after a restart (stored JSON, no YAML): {1000 * cold:.0f} ms "
            f"(loop lag <= {lag:.0f} ms); with the pack in memory: {1000 * warm:.1f} ms; "
            f"{len(bank)} questions"
        )
        await core.close()
    print(
        json.dumps(
            {
                **figures,
                "stored": stored,
                "refresh_cold_ms": round(1000 * cold, 1),
                "refresh_warm_ms": round(1000 * warm, 2),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
