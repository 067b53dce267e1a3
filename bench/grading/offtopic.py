"""Off-topic answers to the bank's open questions: chit-chat, and other questions' references.

    python bench/grading/offtopic.py [--cross auto|off] [--show]

Grades, against every open question of the bank, 10 sentences that answer no question, the
references of 2 questions of other topics and of 1 other question of the same topic (chosen
with fixed seeds), once with the whole rubric and once with the reference alone (how a team's
own question without key points is graded). Prints how many score <= 0.3 (the goal for chit-chat
and other topics: all of them; a same-topic answer can be partly right) and how many get the
verdict "wrong", then ONE JSON line.

What training saw: none of the 10 sentences is among train_cross.py's NON_ANSWERS, though
SemEval's train split has answers like "I don't know" (graded 0). Other topics' references
are trained as off-topic answers, against the questions of the synthetic fit split only; so
each figure is printed again for the other questions ("unseen": never paired with a written or
an off-topic answer in training; their references are still trained against themselves, and
some serve as off-topic answers to other questions). Same-topic answers are never trained on.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import random
import sys
from itertools import product
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.domain.questions import Kind, Question, Verdict  # noqa: E402
from bot.grading import GradingOptions, grade_many  # noqa: E402
from bot.questions.bank import QuestionBank  # noqa: E402

CHIT_CHAT = (
    "My favourite colour is blue and I like long walks.",
    "I don't know.",
    "The weather is nice today in Paris.",
    "Can we skip this one? I never used it.",
    "I had pasta for lunch and it was great.",
    "Football is the best sport in the world.",
    "lol",
    "Ask me something else please.",
    "The capital of France is Paris.",
    "I usually deploy on Fridays and go home early.",
)
OTHER_TOPICS = 2
SEED = 7


def items(bank: QuestionBank) -> list[tuple[str, Question, str]]:
    """(source, question, answer) for every open question with a reference."""
    rng, same = random.Random(SEED), random.Random(SEED + 1)
    qs = sorted((q for q in bank if q.kind is Kind.OPEN and q.reference), key=lambda q: q.id)
    out: list[tuple[str, Question, str]] = []
    for q in qs:
        out += [("chit-chat", q, a) for a in CHIT_CHAT]
        others = [o for o in qs if o.topic != q.topic]
        out += [("other topic", q, o.reference) for o in rng.sample(others, OTHER_TOPICS)]
        near = [o for o in qs if o.topic == q.topic and o.id != q.id]
        if near:
            out.append(("same topic", q, same.choice(near).reference))
    return out


def trained_on(bank: QuestionBank) -> set[str]:
    """The questions train_cross.py pairs with off-topic answers (its synthetic fit split)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from splits import synthetic

    fit, _ = synthetic(bank)
    return {q.id for q, _, _ in fit}


async def run(options: GradingOptions, show: bool) -> dict[str, object]:
    bank = QuestionBank.from_dir(ROOT / "questions")
    base = items(bank)
    seen = trained_on(bank)
    summary: dict[str, object] = {}
    for path, strip in (("rubric", False), ("reference only", True)):
        rows = [
            (s, dataclasses.replace(q, key_points=(), misconceptions=()) if strip else q, a)
            for s, q, a in base
        ]
        grades = await grade_many([(q, a) for _, q, a in rows], options=options)
        for source, unseen in product(("chit-chat", "other topic", "same topic"), (False, True)):
            idx = [
                i for i, r in enumerate(rows) if r[0] == source and not (unseen and r[1].id in seen)
            ]
            label = f"{source}, unseen" if unseen else source
            scores = [grades[i].score for i in idx]
            low = sum(s <= 0.3 for s in scores)
            wrong = sum(grades[i].verdict is Verdict.WRONG for i in idx)
            print(
                f"{path:15} {label:20} n={len(idx):5d}  <= 0.3: {low:5d} ({low / len(idx):6.1%})"
                f"  verdict wrong: {wrong:5d}  mean {sum(scores) / len(scores):.3f}"
                f"  max {max(scores):.3f}"
            )
            summary[f"{path}/{label}"] = {
                "n": len(idx),
                "low": round(low / len(idx), 4),
                "wrong": round(wrong / len(idx), 4),
                "max": round(max(scores), 3),
            }
            if show:
                for i in idx:
                    if grades[i].score > 0.3:
                        _, q, a = rows[i]
                        print(f"    {grades[i].score:.2f} {q.id}: {a[:80]!r}")
    return summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cross", choices=("auto", "off"), default="auto")
    ap.add_argument("--show", action="store_true", help="list the answers above 0.3")
    args = ap.parse_args()
    options = GradingOptions(cross=None if args.cross == "auto" else False)
    summary = asyncio.run(run(options, args.show))
    print(json.dumps({"cross": args.cross, **summary}, separators=(",", ":")))


if __name__ == "__main__":
    main()
