"""Choose how the reference-only path blends the combiner with the cross-encoder's two outputs.

    python bench/grading/train_cross.py --holdout 0.2 --no-export --dump /tmp/holdout.jsonl
    python bench/grading/fit_combiner.py --holdout 0.2 --out /tmp/combiner-holdout.json
    python bench/grading/fit_blend.py /tmp/holdout.jsonl --combiner /tmp/combiner-holdout.json

The first command trains the cross-encoder without a fifth of the SemEval `train` questions and
writes its outputs ("full", and "contradicts" with `--outputs 2`, else 0) for each held-out
row; the second fits the
combiner without them too; this script grades the held-out rows with that combiner alone (as
grade-file does with the cross-encoder off) and tries, on a
grid, score = (1 - share) * combiner + share * cross_score(full) - penalty * contradicts, then
the guards' cap, in the order `bot.grading.open.combine` applies them. It
prints, per setting, the Pearson with the human score on each set's held-out rows and the
macro-F1 of the verdict "correct", and the best setting by the mean of the two Pearsons. Only
`train` rows are read: the model never saw these questions, so its outputs on them are what it
gives on a new question. Ends with ONE JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from semeval import macro_f1, pearson  # noqa: E402

from bot.domain.questions import Question  # noqa: E402
from bot.grading import GradingOptions, combiner  # noqa: E402
from bot.grading.open import CROSS_SHARE, analyse, cross_score  # noqa: E402
from bot.grading.scoring import clamp, verdict_for  # noqa: E402
from interview_bot.cli.grade_file import grade_rows, row_question  # noqa: E402

SHARES = [round(0.1 * i, 1) for i in range(11)]
PENALTIES = [round(0.05 * i, 2) for i in range(13)]


Row = dict[str, Any]


def held_out(dump: str, coefficients: str) -> tuple[list[Row], list[float], list[float]]:
    """The dump's rows (train rows only), each graded by the combiner alone with the combiner
    fitted without them, and the guards' cap on each."""
    combiner.COEFFICIENTS = Path(coefficients)
    combiner.fits.cache_clear()
    rows = [json.loads(line) for line in Path(dump).read_text("utf-8").splitlines()]
    if any(r["split"] != "train" for r in rows):
        raise SystemExit("only train rows may be used here")
    cells = [{k: r[k] for k in ("question", "reference_answer", "answer")} for r in rows]
    # the combiner alone is min(combiner, cap) where the cap is below 1: echo, keyword lists
    graded = asyncio.run(grade_rows(cells, GradingOptions(cross=False)))
    base = [g.grade.score if g.grade else 0.0 for g in graded]
    cache: dict[tuple[str, ...], Question] = {}
    caps = [analyse(row_question(c, cache), c["answer"]).cap for c in cells]
    return rows, base, caps


def per_set(rows: list[Row], scores: Sequence[float]) -> dict[str, float]:
    """Each set's Pearson with the human score and macro-F1 of the verdict "correct"."""
    one: dict[str, float] = {}
    for name in sorted({r["set"] for r in rows}):
        idx = [i for i, r in enumerate(rows) if r["set"] == name]
        one[f"{name}_pearson"] = round(
            pearson([scores[i] for i in idx], [float(rows[i]["human_score"]) for i in idx]), 4
        )
        one[f"{name}_f1"] = round(
            macro_f1(
                [verdict_for(float(scores[i])) == "correct" for i in idx],
                [rows[i]["label"] == "correct" for i in idx],
            ),
            4,
        )
    return one


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dump", help="JSON lines written by train_cross.py --dump")
    ap.add_argument("--combiner", required=True, help="fit_combiner.py --holdout's output")
    args = ap.parse_args()
    rows, base, caps = held_out(args.dump, args.combiner)
    sets = sorted({r["set"] for r in rows})
    results = []
    for share in SHARES:
        for penalty in PENALTIES:
            scores = [
                clamp(
                    min(
                        cap,
                        (1 - share) * b
                        + share * cross_score(r["full"])
                        - penalty * r["contradicts"],
                    )
                )
                for b, cap, r in zip(base, caps, rows, strict=True)
            ]
            one: dict[str, float] = {"share": share, "penalty": penalty}
            one |= per_set(rows, scores)
            one["mean_pearson"] = round(sum(one[f"{n}_pearson"] for n in sets) / len(sets), 4)
            results.append(one)
    for one in results:
        if one["penalty"] in (0.0, 0.1, 0.2, 0.3):
            print("  ".join(f"{k} {v}" for k, v in one.items()))
    best = max(results, key=lambda o: o["mean_pearson"])
    now = next(o for o in results if o["share"] == CROSS_SHARE and o["penalty"] == 0.0)
    print(f"\nbest: {best}\ntoday (share {CROSS_SHARE}, no penalty): {now}")
    print(json.dumps({"rows": len(rows), "best": best, "today": now}, separators=(",", ":")))


if __name__ == "__main__":
    main()
