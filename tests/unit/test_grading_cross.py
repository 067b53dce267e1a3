"""The int8 cross-encoder (bot/grading/cross.py): it ships and loads, scores known pairs in the
right order, gives one answer the same grade alone and in a batch, and when onnxruntime or the
model file is missing the grader falls back to the static model, saying so once."""

from __future__ import annotations

import importlib.util
import logging
from dataclasses import replace
from pathlib import Path

import pytest

from bot.domain.questions import Kind, Question, Verdict
from bot.grading import GradingOptions, grade, grade_many
from bot.grading import cross as cross_mod
from bot.grading.cross import MAX_LEN, MODEL, CrossEncoder, WordPiece
from bot.grading.open import CROSS_PARTIAL
from bot.questions.bank import QuestionBank

needs_runtime = pytest.mark.skipif(
    importlib.util.find_spec("onnxruntime") is None, reason="onnxruntime is not installed"
)

PROMPT = "Why does a bulb in a closed circuit light up?"
REFERENCE = "The bulb is in a closed path with the battery, so current flows through it."


def _ref_only(prompt: str = PROMPT, reference: str = REFERENCE) -> Question:
    return Question(
        id="t-ref", kind=Kind.OPEN, topic="t", difficulty=1, prompt=prompt, explanation="",
        reference=reference,
    )  # fmt: skip


@pytest.fixture(scope="module")
def open_questions() -> list[Question]:
    """The bank's open questions with a reference, in id order."""
    bank = QuestionBank.from_dir()
    return sorted((q for q in bank if q.kind is Kind.OPEN and q.reference), key=lambda q: q.id)


@pytest.fixture(scope="module")
def encoder() -> CrossEncoder:
    e = CrossEncoder()
    assert e.load_sync(), e.failed
    return e


def test_the_model_ships_with_the_package_int8_and_small() -> None:
    assert MODEL.exists() and MODEL.stat().st_size < 30_000_000


def test_wordpiece_builds_the_pair_input_and_keeps_to_max_len() -> None:
    tok = WordPiece.from_table()
    inv = {v: k for k, v in tok.vocab.items()}
    ids, types = tok.encode("What is a GIL?", "A lock.", "Interpreters lock")
    assert [inv[i] for i in ids] == [
        "[CLS]", "what", "is", "a", "gil", "?", "[SEP]", "a", "lock", ".", "[SEP]",
        "interpreter", "##s", "lock", "[SEP]",
    ]  # fmt: skip
    assert types == [0] * 11 + [1] * 4
    ids, types = tok.encode("q " * 300, "r " * 300, "a " * 300)
    assert len(ids) == len(types) == MAX_LEN and ids[-1] == tok.sep


@needs_runtime
def test_known_pairs_score_in_the_right_order(encoder: CrossEncoder) -> None:
    q = "Why does the bulb light up when the switch is closed?"
    ref = "Closing the switch completes the circuit, so current flows through the bulb."
    right = [
        "Because closing the switch makes a complete circuit and current goes through the bulb.",
        "When the switch is closed the circuit is complete so there is current in the bulb.",
    ]
    wrong = "The bulb lights because the switch is open and no current flows."
    off = "My favourite colour is blue and I like long walks."
    scores = encoder.scores_sync([(q, ref, a) for a in (*right, wrong, off)])
    assert scores is not None
    # each right answer above the wrong one, the wrong one low, the chit-chat below the model's
    # own "some credit" cut (0.19 with the shipped model), the best right answer far above both;
    # the second right one is a known miss of the shipped model (0.11, below the chit-chat):
    # bench/grading/README, tenth and eleventh passes. The int8 kernels differ by CPU (without
    # AVX-512 VNNI, onnxruntime's 8-bit products can saturate): the best right answer 0.57 and
    # the chit-chat 0.18 on an AVX2-only CPU, hence a margin of 0.3, not more
    assert min(scores[:2]) > scores[2] and scores[2] < 0.15 and scores[3] < CROSS_PARTIAL
    assert max(scores[:2]) > max(scores[2:]) + 0.3


@needs_runtime
async def test_the_same_answer_gets_the_same_grade_alone_and_in_a_batch(
    encoder: CrossEncoder,
) -> None:
    q = _ref_only()
    answers = [
        "Current flows because the bulb and battery form a closed loop.",
        "The bulb lights since it is connected in a complete path to the battery.",
        "Because the switch is open.",
        "Electricity.",
    ]
    opts = GradingOptions(cross_encoder=encoder)
    batched = await grade_many([(q, a) for a in answers], options=opts)
    alone = [await grade(q, a, options=opts) for a in answers]
    assert batched == alone
    assert len({g.score for g in batched}) > 1


@needs_runtime
async def test_pairs_started_while_the_rubric_reads_give_the_batch_grades(
    encoder: CrossEncoder,
) -> None:
    """grade_many starts each answer's pair as soon as the answer is analysed; the grades are
    those of scoring all the pairs in one batch afterwards."""

    class Later(CrossEncoder):
        """The same model, never started early: every pair goes through `scores`."""

        def __init__(self) -> None:
            super().__init__()
            self.__dict__.update(encoder.__dict__)

        def submit(self, question: str, reference: str, answer: str) -> None:  # type: ignore[override]
            return None

    started: list[str] = []

    class Counting(CrossEncoder):
        def __init__(self) -> None:
            super().__init__()
            self.__dict__.update(encoder.__dict__)

        def submit(self, question: str, reference: str, answer: str):  # type: ignore[no-untyped-def]
            started.append(answer)
            return super().submit(question, reference, answer)

    q = _ref_only()
    answers = [
        "Current flows because the bulb and battery form a closed loop.",
        "Because the switch is open.",
        "the the the",  # nothing to grade: no pair
        "Electricity.",
    ]
    early = await grade_many(
        [(q, a) for a in answers], options=GradingOptions(cross_encoder=Counting())
    )
    later = await grade_many(
        [(q, a) for a in answers], options=GradingOptions(cross_encoder=Later())
    )
    assert early == later
    assert started == [a for a in answers if a != "the the the"]


class Fixed(CrossEncoder):
    """Always the same probability (the wiring, not the model)."""

    def __init__(self, p: float) -> None:
        super().__init__()
        self.p = p

    async def scores(self, triples):  # type: ignore[no-untyped-def]
        return [self.p for _ in triples]


async def test_the_cross_encoder_moves_the_reference_only_grade() -> None:
    answer = "Current flows because the bulb and battery form a closed loop."
    low = await grade(_ref_only(), answer, options=GradingOptions(cross_encoder=Fixed(0.01)))
    high = await grade(_ref_only(), answer, options=GradingOptions(cross_encoder=Fixed(0.99)))
    off = await grade(_ref_only(), answer, options=GradingOptions(cross=False))
    assert low.score < off.score < high.score
    assert high.score - low.score > 0.3


async def test_a_missing_model_file_falls_back_to_the_static_model(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    missing = CrossEncoder(tmp_path / "nope.onnx")
    q = _ref_only()
    answers = ["Current flows because the bulb and battery form a closed loop.", "No idea."]
    with caplog.at_level(logging.WARNING, logger="bot.grading.cross"):
        fallback = await grade_many(
            [(q, a) for a in answers], options=GradingOptions(cross_encoder=missing)
        )
        await grade_many([(q, a) for a in answers], options=GradingOptions(cross_encoder=missing))
    static = await grade_many([(q, a) for a in answers], options=GradingOptions(cross=False))
    assert fallback == static
    assert missing.failed and not missing.loaded
    assert len([r for r in caplog.records if "cross-encoder off" in r.getMessage()]) == 1


def test_without_onnxruntime_the_shared_encoder_is_off(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "onnxruntime" else real(name, *a),
    )
    monkeypatch.setattr(cross_mod, "_SHARED", [])
    with caplog.at_level(logging.INFO, logger="bot.grading.cross"):
        assert cross_mod.shared() is None
        assert cross_mod.shared() is None
    assert GradingOptions().pick_cross() is None
    assert len([r for r in caplog.records if "cross-encoder off" in r.getMessage()]) == 1


async def test_lexical_only_runs_no_cross_encoder() -> None:
    class Boom(CrossEncoder):
        async def scores(self, triples):  # type: ignore[no-untyped-def]
            raise AssertionError("the cross-encoder ran")

    opts = GradingOptions(semantic=False, cross_encoder=Boom())
    assert opts.pick_cross() is None
    await grade(_ref_only(), "The circuit is closed.", options=opts)


@needs_runtime
async def test_an_answer_to_no_question_or_to_another_gets_no_credit(
    encoder: CrossEncoder, open_questions: list[Question]
) -> None:
    """Chit-chat, and a good answer to another topic's question, pasted as the answer to every
    4th open question of the bank: with its rubric and with its reference alone. A model that
    learnt "reads like a reference" as "right" gave the second kind half marks."""
    qs = open_questions
    chat = ("I'm not sure, can we skip it?", "We had pizza at the office today.", "ok")
    rows: list[tuple[str, Question, str]] = []
    for i in range(0, len(qs), 4):
        q = qs[i]
        other = next(o for o in qs[i + 7 :] + qs if o.topic != q.topic)
        rows += [("chat", q, a) for a in chat] + [("other", q, other.reference)]
    rows += [(s, replace(q, key_points=(), misconceptions=()), a) for s, q, a in rows]
    grades = await grade_many(
        [(q, a) for _, q, a in rows], options=GradingOptions(cross_encoder=encoder)
    )
    chat_scores = [g.score for (s, _, _), g in zip(rows, grades, strict=True) if s == "chat"]
    other = [g for (s, _, _), g in zip(rows, grades, strict=True) if s == "other"]
    assert max(chat_scores) <= 0.3
    assert sum(g.score <= 0.3 for g in other) >= 0.7 * len(other)
    assert not any(g.verdict is Verdict.CORRECT for g in other)
