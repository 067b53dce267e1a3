"""Misconceptions, paraphrases and adversarial answers to the bank's open questions.

    python bench/grading/hard.py [--semantic auto|on|off] [--show] [--questions DIR] [--file F]

Grades every answer in hard_answers.yaml against its bank question (questions/*.yaml, with the
whole rubric) and prints, per kind, how many meet the target: misconceptions <= 0.3 (at least
90 % should), paraphrases >= 0.65, adversarial answers <= 0.3; then whether the same answer got
the same grade graded twice, alone and in a batch. Ends with ONE JSON line.

`--questions DIR` grades against the open questions of another copy of the bank (its other
kinds are skipped), for example one whose questions carry `misconceptions`. `--file F` grades
another set of the same shape: `dev_answers.yaml` is the development set the misconception guard's
thresholds were tuned on (other questions), so that hard_answers.yaml stays a check. `--file
synthetic` grades the held-out questions of `synthetic/` (never trained on; see `splits.py`), the
development set for the cross-encoder's part in the grade.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.domain.questions import Question  # noqa: E402
from bot.grading import GradingOptions, grade, grade_many  # noqa: E402
from bot.questions.bank import QuestionBank  # noqa: E402

HERE = Path(__file__).resolve().parent
FILE = HERE / "hard_answers.yaml"
TARGETS = {  # kind: (passes, goal share)
    "misconception": (lambda s: s <= 0.3, 0.9),
    "paraphrase": (lambda s: s >= 0.65, 0.9),
    "adversarial": (lambda s: s <= 0.3, 1.0),
    "partial": (lambda s: 0.2 < s < 0.8, 0.0),  # only in the synthetic development set
}
SYNTHETIC_KIND = {
    "wrong": "misconception",
    "correct": "paraphrase",
    "partial": "partial",
    "most": "partial",
}


def open_questions(directory: Path) -> QuestionBank:
    """The open questions of the packs in `directory` (other kinds are not parsed)."""
    from bot.questions.parse import parse_pack

    out: list[Question] = []
    for f in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(f.read_text("utf-8"))
        if not isinstance(data, dict) or "questions" not in data:
            continue
        data["questions"] = [q for q in data["questions"] if q.get("kind") == "open"]
        if data["questions"]:
            out.extend(parse_pack(yaml.safe_dump(data, sort_keys=False), str(f)).questions)
    return QuestionBank(out)


def load_hard(
    bank: QuestionBank | None = None, file: Path = FILE
) -> list[tuple[str, Question, str]]:
    """(kind, question, answer) for every answer in hard_answers.yaml (or `file`)."""
    bank = bank or QuestionBank.from_dir(ROOT / "questions")
    data = yaml.safe_load(file.read_text("utf-8"))
    out = []
    for kind, items in data.items():
        for it in items:
            q = bank.get(it["q"])
            if q is None:
                raise SystemExit(f"{file.name}: unknown question {it['q']}")
            out.append((kind, q, str(it["text"])))
    return out


async def run(
    options: GradingOptions, show: bool, bank: QuestionBank | None = None, file: Path = FILE
) -> dict[str, object]:
    if file.name == "synthetic":  # the held-out questions of bench/grading/synthetic/
        sys.path.insert(0, str(HERE))
        from splits import synthetic

        _, dev = synthetic(bank or QuestionBank.from_dir(ROOT / "questions"))
        items = [(SYNTHETIC_KIND[k], q, a) for q, a, k in dev]
    else:
        items = load_hard(bank, file)
    with_claims = sum(bool(q.misconceptions) for _, q, _ in items)
    print(f"{len(items)} answers; {with_claims} to questions whose rubric lists misconceptions")
    grades = await grade_many([(q, a) for _, q, a in items], options=options)
    again = [await grade(q, a, options=options) for _, q, a in items]
    same = sum(g == h for g, h in zip(grades, again, strict=True))
    summary: dict[str, object] = {}
    for kind, (ok, goal) in TARGETS.items():
        idx = [i for i, (k, _, _) in enumerate(items) if k == kind]
        if not idx:
            continue
        scores = [grades[i].score for i in idx]
        met = sum(ok(s) for s in scores)
        share = met / len(idx)
        mean = sum(scores) / len(scores)
        print(
            f"{kind:14} n={len(idx):3d}  meet target {met:3d} ({share:6.1%}, goal "
            f"{goal:.0%}) mean score {mean:.2f}"
        )
        summary[kind] = {"n": len(idx), "met": round(share, 3), "mean": round(mean, 3)}
        if show:
            for i in idx:
                if not ok(grades[i].score):
                    _, q, a = items[i]
                    print(f"    {grades[i].score:.2f} {q.id}: {a[:100]!r}")
    print(f"same grade twice (batch vs alone): {same} of {len(items)}")
    summary["deterministic"] = same == len(items)
    return summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--semantic", choices=("auto", "on", "off"), default="auto")
    ap.add_argument("--show", action="store_true", help="list the answers that miss a target")
    ap.add_argument("--questions", type=Path, help="another copy of the bank's packs")
    ap.add_argument(
        "--file",
        type=Path,
        default=FILE,
        help="answers (default hard_answers.yaml); 'synthetic': the held-out synthetic questions",
    )
    ap.add_argument(
        "--cross",
        choices=("auto", "off"),
        default="auto",
        help="the cross-encoder (auto: if there)",
    )
    args = ap.parse_args()
    sem = {"auto": None, "on": True, "off": False}[args.semantic]
    bank = open_questions(args.questions) if args.questions else None
    summary = asyncio.run(
        run(
            GradingOptions(semantic=sem, cross=None if args.cross == "auto" else False),
            args.show,
            bank,
            args.file,
        )
    )
    print(
        json.dumps(
            {
                "semantic": args.semantic,
                "questions": str(args.questions or "bank"),
                "file": args.file.name,
                **summary,
            },
            separators=(",", ":"),
        )
    )


if __name__ == "__main__":
    main()
