"""The combiner's word alignment, made faster, gives exactly what it gave before.

`_before` is `combiner.alignment` as it was written first (commit 1144bc3: every word encoded
again, Python loops over the answer x reference matrix); the shipped one caches the reference's
side and the word vectors and works in numpy. Checked on SemEval rows and tricky answers.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot.grading.combiner import (
    ALIGN_SAME,
    NEGATIONS,
    STOPWORDS,
    Token,
    Vectors,
    alignment,
    is_negated,
    tokens,
)
from bot.grading.static import StaticModel

DATA = Path(__file__).resolve().parents[2] / "bench" / "grading" / "data"


def _before(prompt: str, reference: str, answer: str, vectors: Vectors) -> tuple[float, float]:
    import numpy as np

    q = {t.stem for t in tokens(prompt)}
    rt, at = tokens(reference), tokens(answer)

    def words(toks: list[Token], skip: set[str]) -> list[tuple[Token, bool]]:
        return [
            (t, is_negated(toks, i))
            for i, t in enumerate(toks)
            if t.word not in STOPWORDS and t.word not in NEGATIONS and t.stem not in skip
        ]

    ref, ans = words(rt, set()), words(at, set())
    if not ref or not ans:
        return 0.0, 0.0
    own = words(rt, q) or ref
    new = words(at, q)
    rv = np.asarray(vectors([t.word for t, _ in ref]))
    av = np.asarray(vectors([t.word for t, _ in ans]))
    sims = av @ rv.T
    same = np.array([[a.stem == r.stem for r, _ in ref] for a, _ in ans])
    sims = np.where(same, 1.0, sims)
    new_rows = [i for i, (t, _) in enumerate(ans) if t.stem not in q]
    align_new = float(np.clip(sims[new_rows].max(axis=1), 0, 1).mean()) if new else 0.0
    own_cols = {r.stem for r, _ in own}
    flipped = 0
    for j, (r, neg) in enumerate(ref):
        if r.stem not in own_cols:
            continue
        i = int(np.argmax(sims[:, j]))
        if sims[i, j] > ALIGN_SAME and ans[i][1] != neg:
            flipped += 1
    counted = sum(r.stem in own_cols for r, _ in ref)
    return align_new, flipped / counted if counted else 0.0


@pytest.fixture(scope="module")
def model() -> StaticModel:
    return StaticModel()


def _rows(name: str, every: int) -> list[tuple[str, str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as f:
        return [
            (r["question"], r["reference_answer"], r["answer"])
            for r in list(csv.DictReader(f))[::every]
        ]


TRICKY = [
    ("Why?", "", "anything"),
    ("Why?", "It is not connected.", ""),
    ("Is it open?", "open open open", "open"),
    ("What is the gap?", "The gap separates them.", "gap gap the gap"),
    (
        "Q",
        "Terminal 1 is not separated from the positive terminal.",
        "terminal 1 is separated, not connected, from the positive terminal",
    ),
    ("Q", "the the of", "a an the"),
    (
        "Explain GIL",
        "The GIL lets one thread run Python bytecode at a time.",
        "No thread can run bytecode in parallel; never two at once. `None` is returned. "
        "zzqxj 3.5 -2 1,000 café naïve",
    ),
    ("Q", "x" * 150, "y" * 150 + " " + "x" * 150),
]


def test_alignment_is_what_it_was(model: StaticModel) -> None:
    rows = _rows("beetle_5way.csv", 13) + _rows("scientsbank_3way.csv", 27) + TRICKY
    fresh = StaticModel.encode.__get__(model)  # no word cache: the first implementation's path
    for prompt, reference, answer in rows:
        want = _before(prompt, reference, answer, fresh)
        assert alignment(prompt, reference, answer, model.word_vectors) == want, answer
        assert alignment(prompt, reference, answer, model.word_vectors) == want, answer


def test_word_vectors_are_the_rows_of_encode(model: StaticModel) -> None:
    import numpy as np

    words = ["thread", "zzqxj", "3.5", "", "thread", "café", "!", "separated"]
    assert np.array_equal(model.word_vectors(words), model.encode(words))
    assert np.array_equal(model.word_vectors(words[::-1]), model.encode(words[::-1]))
    assert model.word_vectors([]).shape == (0, model.vectors.shape[1])
