"""The minimal pairs the cross-encoder trains on (bench/grading/flips.py): each version says the
opposite of the sentence it came from, by one edit, in both directions."""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "grading"))

from flips import flips  # noqa: E402


def _all(text: str) -> list[str]:
    return flips(text, 20, random.Random(0))


def test_a_negation_is_added_and_taken_away() -> None:
    assert "B and C are still in a closed path" in _all("B and C are no longer in a closed path")
    assert "Bulb A is no longer in a closed path" in _all("Bulb A is still in a closed path")
    assert _all("They are not connected") == ["They are connected"]
    assert "The pitch does change" in _all("The pitch doesn't change")


def test_an_opposite_word_turns_the_claim_but_not_under_a_negation() -> None:
    assert "The closed switch creates a gap" in _all("The open switch creates a gap")
    # "not connected" -> "not separated" would say the same thing again
    assert not any("separated" in f for f in _all("They are not connected"))


def test_nothing_to_turn_gives_nothing_and_versions_are_distinct() -> None:
    assert _all("Elena should add shelter.") == []
    versions = _all("If bulb A burns out, B and C are no longer in a closed path with the battery")
    assert len(versions) == len(set(versions)) >= 2
    assert flips("Bulb A is still in a closed path", 1, random.Random(0)) == [
        flips("Bulb A is still in a closed path", 1, random.Random(0))[0]
    ]


def test_other_subject_answers_are_right_answers_from_the_other_set_graded_zero() -> None:
    from train_cross import other_subject

    from bot.grading.cross import WordPiece

    def row(s: str, q: str, answer: str, label: str) -> dict[str, str]:
        return {
            "set": s,
            "question_id": q,
            "question": f"question {q}",
            "reference_answer": f"reference {q}",
            "answer": answer,
            "label": label,
        }

    rows = [
        row("beetle", "b1", "the bulb is in a closed path", "correct"),
        row("beetle", "b1", "the bulb is not in a closed path", "contradictory"),
        row("scientsbank", "s1", "the water evaporated leaving the salt", "correct"),
        row("scientsbank", "s1", "salt", "correct"),  # too short to stand for a subject
    ]
    tok = WordPiece.from_table()
    out = other_subject(tok, rows, 4)
    assert len(out) == 2  # one right answer of the other set for each question
    assert all(e[2:] == (0.0, 0.0) for e in out)
    pairs = {tuple(e[0]) for e in out}
    assert tuple(tok.encode("question b1", "reference b1", rows[2]["answer"])[0]) in pairs
    assert tuple(tok.encode("question s1", "reference s1", rows[0]["answer"])[0]) in pairs
    assert other_subject(tok, rows[:2], 4) == []  # one set only: no other subject


def test_same_module_pairs_are_other_items_right_answers_never_this_questions() -> None:
    from train_cross import same_module

    from bot.grading.cross import WordPiece

    def row(s: str, q: str, answer: str, label: str = "correct") -> dict[str, str]:
        return {
            "set": s,
            "question_id": q,
            "question": f"question {q}",
            "reference_answer": f"reference {q}",
            "answer": answer,
            "label": label,
        }

    rows = [
        row("scientsbank", "EM_45b", "the water evaporated leaving the salt behind"),
        row("scientsbank", "EM_45c", "pour it through a screen to keep the gravel"),
        row("scientsbank", "EM_21a", "the sand settles first because it is heavier"),
        row("scientsbank", "EM_21a", "the water evaporated leaving the salt behind"),
        row("scientsbank", "FN_20a", "the magnet pulls the iron filings out"),
        row("beetle", "B1", "the bulb is in a closed path with the battery"),
        row("beetle", "B2", "the switch and the bulb share a path here"),
    ]
    tok = WordPiece.from_table()
    out = same_module(tok, rows, 4)
    assert all(e[2:] == (0.0, 0.0) for e in out)
    pairs = {tuple(e[0]) for e in out}

    def pair(q: str, answer: str) -> tuple[int, ...]:
        return tuple(tok.encode(f"question {q}", f"reference {q}", answer)[0])

    # EM_45b and EM_45c are one item (45): each takes item 21's answers, not the other's
    assert pairs == {
        pair("EM_45b", "the sand settles first because it is heavier"),
        pair("EM_45c", "the sand settles first because it is heavier"),
        pair("EM_45c", "the water evaporated leaving the salt behind"),
        pair("EM_21a", "pour it through a screen to keep the gravel"),
    }  # not 45b's answer to 21a: someone gave it to 21a; FN is another module; no Beetle
    assert len(same_module(tok, rows, 1)) == 3
    assert same_module(tok, rows, 0) == []


def test_off_topic_pairs_take_other_topics_answers_as_many_as_asked() -> None:
    from types import SimpleNamespace

    from train_cross import NON_ANSWERS, off_topic

    from bot.grading.cross import WordPiece

    qs = [
        SimpleNamespace(
            id=f"q{i}", topic=f"t{i % 4}", prompt=f"question {i}", reference=f"reference {i}"
        )
        for i in range(16)
    ]
    written = [(q, f"right answer {q.id}", "correct") for q in qs]
    tok = WordPiece.from_table()
    for n in (4, 6):
        out = off_topic(tok, written, n)
        # per question: n references and n right answers of other topics, n + 1 non-answers
        assert len(out) == len(qs) * (3 * n + 1)
        assert all(e[2:] == (0.0, 0.0) for e in out)
    first = {tuple(e[0]) for e in off_topic(tok, written, 6)[:19]}
    same_topic = [q for q in qs if q.topic == qs[0].topic]
    for o in same_topic:  # never another answer to a question of the same topic
        for text in (o.reference, f"right answer {o.id}"):
            assert tuple(tok.encode(qs[0].prompt, qs[0].reference, text)[0]) not in first
    chit_chat = {tuple(tok.encode(qs[0].prompt, qs[0].reference, a)[0]) for a in NON_ANSWERS}
    assert len(first & chit_chat) == 7
