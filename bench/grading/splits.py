"""Which rows are held out for development, shared by the training and the benches.

`bench/grading/synthetic/*.yaml` holds answers written for training to bank questions that
hard_answers.yaml does not use (correct, most, partial and wrong ones); the questions chosen by
`held_out` (about a fifth) are kept out of training so that thresholds can be chosen on them.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
SYNTHETIC = HERE / "synthetic"
SYNTHETIC_TARGET = {"correct": 1.0, "most": 0.75, "partial": 0.5, "wrong": 0.0}
SYNTHETIC_HOLDOUT = 0.2


def group_of(question: str) -> str:
    """Beetle's near-identical questions ("terminal 1" / "terminal 4", bulbs A and C) as one."""
    return re.sub(r"\d+|\b[a-z]\b", "", question.lower()).strip()


def held_out(key: str, share: float) -> bool:
    """A stable choice of about `share` of the questions (by a hash of their key)."""
    return share > 0 and int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % 1000 < share * 1000


def semeval_held_out(set_name: str, question: str, share: float) -> bool:
    """Whether `train_cross.py --holdout share` (and `fit_combiner.py`) hold out this SemEval
    `train` question; `set_name` is "beetle" or "scientsbank"."""
    return held_out(set_name + group_of(question), share)


def synthetic(bank: Any, share: float = SYNTHETIC_HOLDOUT) -> tuple[list[tuple], list[tuple]]:
    """(fit, held out) lists of (question, answer, kind) from the synthetic files."""
    fit: list[tuple] = []
    dev: list[tuple] = []
    for path in sorted(SYNTHETIC.glob("*.yaml")):
        for item in yaml.safe_load(path.read_text("utf-8")) or []:
            q = bank.get(item["q"])
            if q is None or not q.reference:
                raise SystemExit(f"{path.name}: unknown question {item['q']}")
            for kind in SYNTHETIC_TARGET:
                for text in item.get(kind) or []:
                    (dev if held_out(q.id, share) else fit).append((q, str(text), kind))
    return fit, dev
