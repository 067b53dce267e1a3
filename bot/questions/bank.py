"""QuestionBank: the questions one team can be asked, picked by topic, kind and difficulty."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from bot.domain.questions import (
    Kind,
    Question,
)
from bot.domain.text import clip
from bot.domain.values import UserError
from bot.questions.files import QUESTIONS_DIR, load_packs, load_sources

DIFFICULTY_NAMES = {"easy": 1, "medium": 2, "hard": 3, "1": 1, "2": 2, "3": 3}


def parse_difficulty(value: str | int | None) -> int | None:
    if value is None or value == "":
        return None
    d = DIFFICULTY_NAMES.get(str(value).strip().lower())
    if d is None:
        raise UserError("Difficulty is 1, 2 or 3 (or easy, medium, hard).")
    return d


class QuestionBank:
    """All questions one team can be asked, with selection by filters."""

    def __init__(self, questions: Iterable[Question]) -> None:
        self._by_id: dict[str, Question] = {}
        for q in questions:
            self._by_id[q.id] = q
        self._topics = sorted({q.topic for q in self._by_id.values()})

    @classmethod
    def from_dir(cls, directory: Path = QUESTIONS_DIR) -> QuestionBank:
        seeds = set(load_sources(directory)) or None
        return cls(q for p in load_packs([directory], seeds) for q in p.questions)

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._by_id.values())

    def get(self, qid: str) -> Question | None:
        return self._by_id.get(qid)

    def with_extra(self, questions: Iterable[Question]) -> QuestionBank:
        """This bank plus `questions`; an id already here keeps its question (team ids are
        namespaced by pack, so this is only a second guard: shipped questions win)."""
        return QuestionBank(
            [*self._by_id.values(), *(q for q in questions if q.id not in self._by_id)]
        )

    @property
    def topics(self) -> list[str]:
        return list(self._topics)

    def resolve_topic(self, topic: str | None) -> str | None:
        """Match a typed topic forgivingly (case, unique prefix); unknown lists the topics."""
        if topic is None or not topic.strip():
            return None
        t = topic.strip().lower()
        if t in self._topics:
            return t
        starts = [x for x in self._topics if x.startswith(t)]
        if len(starts) == 1:
            return starts[0]
        raise UserError(f"Unknown topic '{clip(topic, 40)}'. Topics: {', '.join(self._topics)}.")

    def select(
        self,
        topic: str | None = None,
        difficulty: int | None = None,
        tags: Sequence[str] = (),
        kinds: Sequence[Kind] | None = None,
    ) -> list[Question]:
        """Every question matching the filters; a filter matching nothing says what exists."""
        t = self.resolve_topic(topic)
        pool = [
            q
            for q in self._by_id.values()
            if (t is None or q.topic == t)
            and (difficulty is None or q.difficulty == difficulty)
            and all(tag in q.tags for tag in tags)
            and (kinds is None or q.kind in kinds)
        ]
        if not pool:
            raise UserError(self._nothing_matches(t, difficulty, tags, kinds))
        return pool

    def _nothing_matches(
        self,
        topic: str | None,
        difficulty: int | None,
        tags: Sequence[str],
        kinds: Sequence[Kind] | None,
    ) -> str:
        base = [
            q
            for q in self._by_id.values()
            if (topic is None or q.topic == topic) and (kinds is None or q.kind in kinds)
        ]
        parts = []
        if topic:
            parts.append(f"topic {topic}")
        if difficulty:
            parts.append(f"difficulty {difficulty}")
        if tags:
            parts.append("tags " + ", ".join(tags))
        have_d = sorted({q.difficulty for q in base})
        have_tags = sorted({tag for q in base for tag in q.tags})[:30]
        msg = f"No question matches {' and '.join(parts) or 'those filters'}."
        if base:
            msg += f" Difficulties there: {', '.join(map(str, have_d))}."
            if tags and have_tags:
                msg += f" Tags there: {', '.join(have_tags)}."
        else:
            msg += f" Topics: {', '.join(self._topics)}."
        return msg
