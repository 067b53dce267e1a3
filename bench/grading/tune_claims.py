"""Grid over the semantic misconception check's two thresholds, on the development set.

    python bench/grading/tune_claims.py [--file bench/grading/dev_answers.yaml]

For each CLAIM_FLOOR x CLAIM_MARGIN (bot/grading/open.py) it prints the share of misconception
answers held at <= 0.3 and of paraphrases kept at >= 0.65. Run it on dev_answers.yaml (other
questions than hard_answers.yaml), never to pick values on hard_answers.yaml. Ends with ONE JSON
line: the grid.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

from hard import load_hard  # noqa: E402

import bot.grading.open as op  # noqa: E402
from bot.grading import grade_many  # noqa: E402

FLOORS = (0.55, 0.6, 0.65, 0.7)
MARGINS = (-0.03, 0.0, 0.03, 0.06)


async def grid(file: Path) -> list[dict[str, float]]:
    items = load_hard(None, file)
    kinds = [k for k, _, _ in items]
    out: list[dict[str, float]] = []
    saved = op.CLAIM_FLOOR, op.CLAIM_MARGIN
    try:
        for floor in FLOORS:
            for margin in MARGINS:
                op.CLAIM_FLOOR, op.CLAIM_MARGIN = floor, margin
                grades = await grade_many([(q, a) for _, q, a in items])
                wrong = [
                    g.score <= 0.3
                    for k, g in zip(kinds, grades, strict=True)
                    if k == "misconception"
                ]
                right = [
                    g.score >= 0.65 for k, g in zip(kinds, grades, strict=True) if k == "paraphrase"
                ]
                row = {
                    "floor": floor,
                    "margin": margin,
                    "misconception": round(sum(wrong) / max(1, len(wrong)), 3),
                    "paraphrase": round(sum(right) / max(1, len(right)), 3),
                }
                print(
                    f"floor {floor:.2f} margin {margin:+.2f}: misconceptions held "
                    f"{row['misconception']:.1%}, paraphrases kept {row['paraphrase']:.1%}"
                )
                out.append(row)
    finally:
        op.CLAIM_FLOOR, op.CLAIM_MARGIN = saved
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", type=Path, default=HERE / "dev_answers.yaml")
    args = ap.parse_args()
    print(json.dumps(asyncio.run(grid(args.file)), separators=(",", ":")))


if __name__ == "__main__":
    main()
