"""Agreement with human grades on two public sets of real students' answers (SemEval-2013).

    python bench/grading/semeval.py [--semantic auto|on|off] [--splits test_uq,test_ud,...]

Grades every answer in bench/grading/data/ (Beetle and SciEntsBank, CC BY-SA 3.0; see
data/README.md) exactly as `interview-bot grade-file` does with the columns `question`,
`reference_answer` and `answer` (the reference-only path: no key points), and prints per set and
split: Pearson and Spearman with `human_score`, the macro-F1 and accuracy of verdict "correct"
against label "correct", and the same for the plain word-overlap baseline (the share of the
reference's content words found in the answer; its "correct" cut is the one that is best on the
`train` split), measured in the same run. Ends with ONE JSON line.

Nothing is fitted here: the `train` split is shown for reference, the test splits are the result.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import math
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.grading import GradingOptions  # noqa: E402
from bot.grading.text import content_stems  # noqa: E402
from interview_bot.cli.grade_file import grade_rows  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
SETS = {"beetle": "beetle_5way.csv", "scientsbank": "scientsbank_3way.csv"}


def load(name: str) -> list[dict[str, str]]:
    with (DATA / SETS[name]).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def pearson(xs: list[float], ys: list[float]) -> float:
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else 0.0


def ranks(xs: list[float]) -> list[float]:
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    out = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2
        i = j + 1
    return out


def macro_f1(pred: list[bool], gold: list[bool]) -> float:
    """Macro-F1 over the two classes `correct` and `not correct`."""
    f1s = []
    for cls in (True, False):
        tp = sum(p == cls and g == cls for p, g in zip(pred, gold, strict=True))
        fp = sum(p == cls and g != cls for p, g in zip(pred, gold, strict=True))
        fn = sum(p != cls and g == cls for p, g in zip(pred, gold, strict=True))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return statistics.fmean(f1s)


def overlap(reference: str, answer: str) -> float:
    """The plain baseline: share of the reference's content words found in the answer."""
    ref = set(content_stems(reference))
    return len(ref & set(content_stems(answer))) / len(ref) if ref else 0.0


def measures(
    scores: list[float], human: list[float], pred: list[bool], gold: list[bool]
) -> dict[str, float]:
    return {
        "pearson": round(pearson(scores, human), 3),
        "spearman": round(pearson(ranks(scores), ranks(human)), 3),
        "macro_f1": round(macro_f1(pred, gold), 3),
        "accuracy": round(sum(p == g for p, g in zip(pred, gold, strict=True)) / len(gold), 3),
    }


def best_cut(scores: list[float], gold: list[bool]) -> float:
    """The overlap cut for "correct" with the best macro-F1 (chosen on train only)."""
    cuts = sorted(set(round(s, 2) for s in scores))
    return max(cuts, key=lambda c: macro_f1([s >= c for s in scores], gold))


async def run_set(
    name: str, options: GradingOptions, splits: set[str] | None
) -> tuple[dict[str, dict[str, object]], float]:
    rows = load(name)
    if splits is not None:
        rows = [r for r in rows if r["split"] in splits or r["split"] == "train"]
    t = time.perf_counter()
    results = await grade_rows(
        [
            {
                "question": r["question"],
                "reference_answer": r["reference_answer"],
                "answer": r["answer"],
            }
            for r in rows
        ],
        options,
    )
    per_s = len(rows) / (time.perf_counter() - t)
    by_split: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_split[r["split"]].append(i)
    base = [overlap(r["reference_answer"], r["answer"]) for r in rows]
    train = by_split["train"]
    cut = best_cut([base[i] for i in train], [rows[i]["label"] == "correct" for i in train])
    out: dict[str, dict[str, object]] = {}
    for split, idx in sorted(by_split.items()):
        human = [float(rows[i]["human_score"]) for i in idx]
        gold = [rows[i]["label"] == "correct" for i in idx]
        grades = [results[i].grade for i in idx]
        scores = [g.score if g else 0.0 for g in grades]
        pred = [bool(g and g.verdict == "correct") for g in grades]
        b = [base[i] for i in idx]
        out[split] = {
            "n": len(idx),
            "grader": measures(scores, human, pred, gold),
            "overlap": measures(b, human, [s >= cut for s in b], gold),
        }
    return out, per_s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--semantic",
        choices=("auto", "on", "off"),
        default="auto",
        help="semantic similarity as grade-file would (auto: when available)",
    )
    ap.add_argument("--splits", default="", help="comma-separated splits (default: all)")
    ap.add_argument(
        "--cross",
        choices=("auto", "off"),
        default="auto",
        help="the cross-encoder (auto: if there)",
    )
    args = ap.parse_args()
    sem = {"auto": None, "on": True, "off": False}[args.semantic]
    options = GradingOptions(semantic=sem, cross=None if args.cross == "auto" else False)
    splits = set(args.splits.split(",")) if args.splits else None

    summary: dict[str, object] = {"semantic": args.semantic}
    for name in SETS:
        table, per_s = asyncio.run(run_set(name, options, splits))
        print(f"\n{name} ({per_s:,.0f} answers/s through grade_rows)")
        print(
            f"{'split':8} {'n':>5}  {'':8} {'pearson':>8} {'spearman':>9} {'macroF1':>8} {'acc':>6}"
        )
        for split, t in table.items():
            for who in ("grader", "overlap"):
                m = t[who]
                assert isinstance(m, dict)
                print(
                    f"{split if who == 'grader' else '':8} "
                    f"{t['n'] if who == 'grader' else '':>5}  {who:8} {m['pearson']:8.3f} "
                    f"{m['spearman']:9.3f} {m['macro_f1']:8.3f} {m['accuracy']:6.3f}"
                )
        summary[name] = table
    beetle, sci = summary["beetle"], summary["scientsbank"]
    assert isinstance(beetle, dict) and isinstance(sci, dict)
    headline = (
        {
            "beetle_test_uq_pearson": beetle["test_uq"]["grader"]["pearson"],
            "beetle_test_uq_overlap_pearson": beetle["test_uq"]["overlap"]["pearson"],
            "scientsbank_test_ud_macro_f1": sci["test_ud"]["grader"]["macro_f1"],
            "scientsbank_test_ud_overlap_macro_f1": sci["test_ud"]["overlap"]["macro_f1"],
        }
        if "test_uq" in beetle and "test_ud" in sci
        else {}
    )
    print(json.dumps({**headline, **summary}, separators=(",", ":")))


if __name__ == "__main__":
    main()
