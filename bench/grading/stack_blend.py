"""Would a learnt blend of the combiner and the cross-encoder beat the fixed one (CROSS_SHARE)?

    python bench/grading/stack_blend.py /tmp/holdout.jsonl --combiner /tmp/combiner-holdout.json

Inputs as for fit_blend.py (train_cross.py --holdout 0.2 --no-export --dump, fit_combiner.py
--holdout 0.2): held-out SemEval `train` rows only. Fits least-squares blends of the combiner's
score, the cross-encoder's mapped score and features known at grading time (their product, the
"contradicts" output, lengths), with 5-fold cross-validation grouped by question inside the
held-out rows, and prints each set's Pearson and macro-F1 of "correct" on the out-of-fold
predictions beside today's fixed blend, after the guards' cap. Ends with ONE JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_blend import held_out, per_set  # noqa: E402

from bot.grading.open import CROSS_SHARE, cross_score  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dump")
    ap.add_argument("--combiner", required=True)
    args = ap.parse_args()
    rows, base, cap_list = held_out(args.dump, args.combiner)
    b, caps = np.array(base), np.array(cap_list)
    c = np.array([cross_score(r["full"]) for r in rows])
    k = np.array([float(r["contradicts"]) for r in rows])
    y = np.array([float(r["human_score"]) for r in rows]) / 5
    alen = np.array([min(len(r["answer"].split()), 60) / 60 for r in rows])
    rlen = np.array([min(len(r["reference_answer"].split()), 60) / 60 for r in rows])
    groups = sorted({(r["set"], r["question"]) for r in rows})
    random.Random(0).shuffle(groups)
    fold_of = {g: i % 5 for i, g in enumerate(groups)}
    fold = np.array([fold_of[(r["set"], r["question"])] for r in rows])
    result: dict[str, dict[str, float]] = {}

    def report(name: str, raw: np.ndarray) -> None:
        s = np.clip(np.minimum(caps, raw), 0.0, 1.0)
        one = per_set(rows, [float(x) for x in s])
        result[name] = one
        print(f"{name:28s} " + "  ".join(f"{key} {v}" for key, v in one.items()))

    report(f"today (share {CROSS_SHARE})", (1 - CROSS_SHARE) * b + CROSS_SHARE * c)
    report("cross-encoder alone", c)
    report("combiner alone", b)
    blends = {
        "b, c": [b, c],
        "b, c, b*c": [b, c, b * c],
        "b, c, contradicts": [b, c, k],
        "b, c, b*c, k, |b-c|": [b, c, b * c, k, abs(b - c)],
        "... and lengths": [b, c, b * c, k, abs(b - c), alen, rlen, c * alen, c * rlen],
    }
    for name, cols in blends.items():
        x = np.column_stack([np.ones(len(rows)), *cols])
        pred = np.zeros(len(rows))
        for f in range(5):
            fit, test = fold != f, fold == f
            w, *_ = np.linalg.lstsq(x[fit], y[fit], rcond=None)
            pred[test] = x[test] @ w
        report("learnt: " + name, pred)
    print(json.dumps({"rows": len(rows), **result}, separators=(",", ":")))


if __name__ == "__main__":
    main()
