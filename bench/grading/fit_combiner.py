"""Fit the reference-only combiner (bot/grading/data/combiner.json) on the `train` splits only.

    python bench/grading/fit_combiner.py [--holdout SHARE --out FILE]

Reads the `train` rows of bench/grading/data/{beetle_5way,scientsbank_3way}.csv (never a test
split), computes the features of `bot.grading.combiner` as the grader does (the local analysis,
and the shipped static model's similarity), and fits a logistic regression (numpy, Newton's
method, a little L2) on the soft target human_score / 5, once with the similarity (and the word
alignment, `combiner.alignment`) and once without. The cuts are chosen on the same training
rows: "correct" where macro-F1 of the label correct is best; "some credit" (read as 0.25) where
the mean of the two sets' Pearson of the score as graded (mapped and capped) is best, at least
0.05 below the first (the map is piecewise linear: this cut sets how steep its middle is).
Deterministic. `--holdout` leaves out the questions `train_cross.py --holdout` holds out (for
`fit_blend.py`, which needs a combiner that has not seen them either).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.domain.questions import Question  # noqa: E402
from bot.grading import combiner  # noqa: E402
from bot.grading.open import analyse  # noqa: E402
from bot.grading.static import StaticEmbedder  # noqa: E402
from interview_bot.cli.grade_file import row_question  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from splits import semeval_held_out  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
L2 = 1e-2


def train_rows(holdout: float = 0.0) -> list[dict[str, str]]:
    """The `train` rows, less the questions `train_cross.py --holdout` holds out."""
    rows: list[dict[str, str]] = []
    for name in ("beetle_5way.csv", "scientsbank_3way.csv"):
        with (DATA / name).open(newline="", encoding="utf-8") as f:
            rows.extend(
                {**r, "set": name}
                for r in csv.DictReader(f)
                if r["split"] == "train"
                and not semeval_held_out(name.split("_")[0], r["question"], holdout)
            )
    return rows


def logistic(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    x = np.c_[x, np.ones(len(x))]
    w = np.zeros(x.shape[1])
    reg = L2 * np.r_[np.ones(len(w) - 1), 0.0]
    for _ in range(50):
        p = 1 / (1 + np.exp(-x @ w))
        grad = x.T @ (p - y) / len(y) + reg * w
        hess = (x * (p * (1 - p))[:, None]).T @ x / len(y) + np.diag(reg)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    return w


def macro_f1(pred: np.ndarray, gold: np.ndarray) -> float:
    f1s = []
    for cls in (True, False):
        tp = np.sum((pred == cls) & (gold == cls))
        fp = np.sum((pred == cls) & (gold != cls))
        fn = np.sum((pred != cls) & (gold == cls))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(f1s))


def best_cut(p: np.ndarray, gold: np.ndarray) -> float:
    cuts = np.round(np.linspace(0.05, 0.95, 181), 3)
    return float(max(cuts, key=lambda c: macro_f1(p >= c, gold)))


def mapped(p: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """`combiner.Fit.score`'s map: lo -> 0.25, hi -> 0.75, piecewise linear."""
    return np.where(
        p < lo,
        0.25 * p / lo,
        np.where(p < hi, 0.25 + 0.5 * (p - lo) / (hi - lo), 0.75 + 0.25 * (p - hi) / (1 - hi)),
    )


def best_partial(
    p: np.ndarray, y: np.ndarray, sets: np.ndarray, cut_c: float, caps: np.ndarray
) -> float:
    """The cut read as 0.25: best mean Pearson over the two sets (train rows) of the score as
    graded (mapped, then capped by the guards)."""
    cuts = [round(c, 3) for c in np.arange(0.1, cut_c - 0.05 + 1e-9, 0.01)]

    def agreement(c: float) -> float:
        s = np.minimum(mapped(p, c, cut_c), caps)
        return float(
            np.mean([np.corrcoef(s[sets == k], y[sets == k])[0, 1] for k in np.unique(sets)])
        )

    return max(cuts, key=agreement)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--holdout", type=float, default=0.0, help="as train_cross.py --holdout")
    ap.add_argument("--out", default=str(combiner.COEFFICIENTS), help="where to write the fits")
    args = ap.parse_args()
    rows = train_rows(args.holdout)
    cache: dict[tuple[str, ...], Question] = {}
    qs = [
        row_question({"question": r["question"], "reference_answer": r["reference_answer"]}, cache)
        for r in rows
    ]
    static = StaticEmbedder()
    sims = static.similarities_sync(
        [(r["answer"], q.reference) for r, q in zip(rows, qs, strict=True)]
    )
    aligned = static.alignments_sync(
        [(q.prompt, q.reference, r["answer"]) for r, q in zip(rows, qs, strict=True)]
    )
    assert sims is not None and aligned is not None
    analyses = [analyse(q, r["answer"]) for r, q in zip(rows, qs, strict=True)]
    caps = np.array([a.cap for a in analyses])
    feats = [
        combiner.features(q.prompt, q.reference, r["answer"], a.lexical, s, al)
        for r, q, a, s, al in zip(rows, qs, analyses, sims, aligned, strict=True)
    ]
    y = np.array([float(r["human_score"]) / 5 for r in rows])
    correct = np.array([r["label"] == "correct" for r in rows])
    sets = np.array([r["set"] for r in rows])
    out: dict[str, object] = {}
    for name, names in (
        ("semantic", combiner.SEMANTIC_FEATURES),
        ("lexical", combiner.LEXICAL_FEATURES),
    ):
        x = np.array([[f[n] for n in names] for f in feats])
        mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
        w = logistic((x - mean) / scale, y)
        p = 1 / (1 + np.exp(-(np.c_[(x - mean) / scale, np.ones(len(x))] @ w)))
        cut_c = best_cut(p, correct)
        cut_p = best_partial(p, y, sets, cut_c, caps)
        out[name] = {
            "names": list(names),
            "mean": [round(v, 6) for v in mean],
            "scale": [round(v, 6) for v in scale],
            "weights": [round(v, 6) for v in w[:-1]],
            "bias": round(float(w[-1]), 6),
            "cut_correct": cut_c,
            "cut_partial": round(cut_p, 3),
        }
        r = float(np.corrcoef(p, y)[0, 1])
        print(
            f"{name}: train pearson {r:.3f}, macro-F1 {macro_f1(p >= cut_c, correct):.3f} "
            f"at {cut_c}; weights "
            + ", ".join(f"{n} {v:+.2f}" for n, v in zip(names, w, strict=False))
        )
    doc = {
        "fitted_on": "train splits of beetle_5way.csv and scientsbank_3way.csv "
        f"({len(rows)} answers), bench/grading/fit_combiner.py",
        "fits": out,
    }
    if args.holdout:
        doc["fitted_on"] += f", less the questions held out by --holdout {args.holdout}"
    Path(args.out).write_text(json.dumps(doc, indent=1) + "\n", "utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
