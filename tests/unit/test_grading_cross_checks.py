"""What the cross-encoder decides beside its share of the blend: an answer it reads as wrong is
held low however many of the key points' words it uses, and a misconception the similarities
found is taken only when the cross-encoder agrees the answer says the claim (wiring, with fakes
whose probabilities are known; the shipped model's behaviour is in test_grading_hard.py)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot.grading import GradingOptions, grade
from bot.grading import open as open_mod
from bot.grading.cross import CrossEncoder
from bot.questions.bank import QuestionBank

ROOT = Path(__file__).resolve().parents[2]
BANK = QuestionBank.from_dir(ROOT / "questions")


class ByReference(CrossEncoder):
    """P(full credit) by what the answer is compared with: the reference, or a claim."""

    def __init__(self, reference: float, claim: float) -> None:
        super().__init__()
        self.reference, self.claim = reference, claim
        self.claims_asked = 0

    async def scores(self, triples: Sequence[tuple[str, str, str]]) -> list[float] | None:
        out = []
        for _, ref, _ in triples:
            is_ref = any(q.reference == ref for q in BANK)
            self.claims_asked += not is_ref
            out.append(self.reference if is_ref else self.claim)
        return out


GIL = BANK.get("py-gil-open")
# every key point's words, and wrong about each of them
WRONG_IN_THE_RIGHT_WORDS = (
    "Only one thread at a time is a myth of the past: CPU-bound work runs in parallel on threads "
    "now, so multiprocessing is only needed for I/O-bound waiting, and shared data never needs "
    "a threading.Lock in CPython."
)


async def test_an_answer_the_cross_encoder_reads_as_wrong_is_held_low_and_told_why() -> None:
    assert GIL is not None
    low = await grade(
        GIL, WRONG_IN_THE_RIGHT_WORDS, options=GradingOptions(cross_encoder=ByReference(0.01, 0))
    )
    high = await grade(
        GIL, WRONG_IN_THE_RIGHT_WORDS, options=GradingOptions(cross_encoder=ByReference(0.9, 0))
    )
    assert low.score <= open_mod.CROSS_WRONG_CAP < high.score
    assert low.verdict == "wrong"
    assert "check each claim against the reference" in low.feedback
    assert "check each claim" not in high.feedback


async def test_a_misconception_is_taken_only_when_the_cross_encoder_agrees() -> None:
    q = BANK.get("docker-config-open")
    assert q is not None
    answer = (  # not the claim in its own words: the similarities find it
        "Pass the API key as a build ARG; ARG values disappear when the build finishes, so "
        "secrets baked that way are safe, and a separate image per environment is the "
        "standard practice."
    )
    agrees = ByReference(reference=0.3, claim=0.8)
    held = await grade(q, answer, options=GradingOptions(cross_encoder=agrees))
    assert agrees.claims_asked >= 1
    assert held.score <= 0.2 and "common misconception" in held.feedback
    doubts = ByReference(reference=0.8, claim=0.3)
    spared = await grade(q, answer, options=GradingOptions(cross_encoder=doubts))
    assert "common misconception" not in spared.feedback and spared.score > 0.2


async def test_an_answer_that_names_no_misconception_asks_the_cross_encoder_once() -> None:
    assert GIL is not None
    fake = ByReference(0.9, 0.9)
    await grade(
        GIL,
        "The GIL lets one thread at a time run Python bytecode.",
        options=GradingOptions(cross_encoder=fake),
    )
    assert fake.claims_asked == 0


class PrefersClaim(CrossEncoder):
    """Agrees with the claims that contain `word`, and with nothing else."""

    def __init__(self, word: str) -> None:
        super().__init__()
        self.word = word
        self.claims: list[str] = []

    async def scores(self, triples: Sequence[tuple[str, str, str]]) -> list[float] | None:
        out = []
        for _, ref, _ in triples:
            if not any(q.reference == ref for q in BANK):
                self.claims.append(ref)
            out.append(0.9 if self.word in ref else 0.1)
        return out


async def test_of_two_claims_in_like_words_the_cross_encoder_names_the_one_it_agrees_with() -> None:
    from dataclasses import replace

    from bot.domain.questions import Misconception

    q = BANK.get("async-event-loop-open")
    assert q is not None
    q = replace(
        q,
        misconceptions=(
            Misconception(
                "The event loop runs each coroutine in its own background thread, so they run "
                "in parallel.",
                "one thread",
            ),
            Misconception(
                "The event loop runs each coroutine in its own background process, so they run "
                "in parallel.",
                "one process",
            ),
        ),
    )
    answer = (
        "Coroutines each get their own background worker from the event loop and so execute "
        "simultaneously."
    )
    for word, why in (("process", "one process"), ("thread", "one thread")):
        fake = PrefersClaim(word)
        g = await grade(q, answer, options=GradingOptions(cross_encoder=fake))
        assert len(fake.claims) == 2  # both candidates asked
        assert why in g.feedback and g.score <= 0.2
