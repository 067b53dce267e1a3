"""Grades before and after a change that must not change any: record, then check.

    python bench/grading/same_grades.py --write /tmp/grades.json   # on the code before
    python bench/grading/same_grades.py --check /tmp/grades.json   # on the code after

Grades the bench sets with the default (static) model: bench/grading/run.py's answers (in
batches of 64 and one by one), hard_answers.yaml against the bank, and every `--every`-th row
of the SemEval sets through grade-file's `grade_rows` (the reference-only path, the one the
word alignment feeds), once with the shared model and once with a model passed in
`GradingOptions(embedder=...)` as bench/grading/model.py does; also with the static model
alone (no cross-encoder) and lexical only. Every grade
(score, verdict, feedback, right, missing) is recorded; `--check` exits 1 on the first
difference, listing up to 10.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]


async def collect(every: int) -> dict[str, list[object]]:
    import hard
    import semeval
    from run import load

    from bot.grading import GradingOptions, grade, grade_many
    from bot.grading.static import StaticEmbedder
    from interview_bot.cli.grade_file import grade_rows

    def row(g: object) -> object:
        return None if g is None else dataclasses.asdict(g)  # type: ignore[call-overload]

    out: dict[str, list[object]] = {}
    questions, answers = load()
    items = [(questions[str(a["q"])], str(a["text"])) for a in answers]
    semeval_rows = [
        {
            "question": r["question"],
            "reference_answer": r["reference_answer"],
            "answer": r["answer"],
        }
        for name in semeval.SETS
        for r in semeval.load(name)[::every]
    ]
    hard_items = [(q, a) for _, q, a in hard.load_hard()]
    for label, opts in (
        ("shared", GradingOptions()),
        ("passed", GradingOptions(embedder=StaticEmbedder())),
        ("static", GradingOptions(cross=False)),
        ("lexical", GradingOptions(semantic=False)),
    ):
        batched = []
        for start in range(0, len(items), 64):
            batched.extend(await grade_many(items[start : start + 64], options=opts))
        out[f"{label}/run/batch"] = [row(g) for g in batched]
        out[f"{label}/run/single"] = [row(await grade(q, a, options=opts)) for q, a in items]
        out[f"{label}/hard"] = [row(g) for g in await grade_many(hard_items, options=opts)]
        out[f"{label}/semeval"] = [row(r.grade) for r in await grade_rows(semeval_rows, opts)]
        out[f"{label}/semeval/single"] = [
            row(await grade(*(await _question(r)), options=opts)) for r in semeval_rows[::10]
        ]
    return out


async def _question(r: dict[str, str]) -> tuple[object, str]:
    from interview_bot.cli.grade_file import row_question

    return row_question(r, {}, None), r["answer"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", type=Path)
    ap.add_argument("--check", type=Path)
    ap.add_argument("--every", type=int, default=4, help="every N-th SemEval row (default 4)")
    args = ap.parse_args()
    got = asyncio.run(collect(args.every))
    n = sum(len(v) for v in got.values())
    if args.write:
        args.write.write_text(json.dumps(got), "utf-8")
        print(f"wrote {n} grades to {args.write}")
    if args.check:
        want = json.loads(args.check.read_text("utf-8"))
        got = json.loads(json.dumps(got))
        diffs = [
            (k, i, w, g)
            for k in want
            for i, (w, g) in enumerate(zip(want[k], got.get(k, []), strict=False))
            if w != g
        ]
        diffs += [
            (k, -1, len(want[k]), len(got.get(k, [])))
            for k in want
            if len(want[k]) != len(got.get(k, []))
        ]
        for d in diffs[:10]:
            print("DIFFERENT", d)
        print(f"{n} grades, {len(diffs)} different")
        raise SystemExit(1 if diffs else 0)


if __name__ == "__main__":
    main()
