"""An interview's state beyond its position, stored as one JSON document per session.

Per question: the first answer and its grade, the hint taken, each follow-up (pending or
answered). For the whole interview: the track and whether difficulty adapts. It is saved
before any card that depends on it is shown, so a restart resumes where it was, a pending
follow-up included (`Store.save_interview_state`, migration 008).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.domain.questions import Grade, Verdict
from bot.domain.records import Session
from bot.store.protocol import Store


@dataclass
class FollowUp:
    """One follow-up question: what it aims at, what was asked, and the reply."""

    point: str  # the key point it probes
    prompt: str
    reason: str  # "missing" (the answer did not show the point) or "misconception"
    asked_ms: int
    reply: str | None = None  # None while it waits for a reply
    score: float = 0.0  # the reply, graded against the point alone
    shown: bool = False  # the reply showed the point
    skipped: bool = False

    @property
    def pending(self) -> bool:
        return self.reply is None and not self.skipped


@dataclass
class Step:
    """One question of the interview, as it went."""

    question_id: str
    answer: str = ""
    grade: dict[str, Any] | None = None  # the first answer's Grade, before follow-ups
    hint: str = ""  # the hint taken ("" none)
    follow_ups: list[FollowUp] = field(default_factory=list)

    @property
    def pending(self) -> FollowUp | None:
        return next((f for f in self.follow_ups if f.pending), None)

    def first_grade(self) -> Grade | None:
        if self.grade is None:
            return None
        g = self.grade
        return Grade(
            float(g["score"]),
            Verdict(g["verdict"]),
            str(g["feedback"]),
            tuple(g["right"]),
            tuple(g["missing"]),
        )

    def keep_grade(self, g: Grade) -> None:
        self.grade = {
            "score": g.score,
            "verdict": str(g.verdict),
            "feedback": g.feedback,
            "right": list(g.right),
            "missing": list(g.missing),
        }


@dataclass
class InterviewState:
    track: str = ""  # the track's id, "" for a plain topic interview
    adaptive: bool = False  # the next question follows the person's estimate
    max_follow_ups: int = 2
    question_seconds: int = 0  # a track's share of its time budget; 0: the team's setting
    slots: list[list[Any]] = field(default_factory=list)  # per question: [topic, [kinds]]
    steps: dict[int, Step] = field(default_factory=dict)

    def step(self, position: int, question_id: str) -> Step:
        """The step at `position`, made when first needed (or when the question changed)."""
        st = self.steps.get(position)
        if st is None or st.question_id != question_id:
            st = self.steps[position] = Step(question_id)
        return st

    def to_json(self) -> str:
        d = asdict(self)
        d["steps"] = {str(k): v for k, v in d["steps"].items()}
        return json.dumps(d, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> InterviewState:
        d = json.loads(text)
        steps = {
            int(k): Step(
                question_id=v["question_id"],
                answer=v.get("answer", ""),
                grade=v.get("grade"),
                hint=v.get("hint", ""),
                follow_ups=[FollowUp(**f) for f in v.get("follow_ups", [])],
            )
            for k, v in d.get("steps", {}).items()
        }
        return cls(
            track=d.get("track", ""),
            adaptive=bool(d.get("adaptive", False)),
            max_follow_ups=int(d.get("max_follow_ups", 2)),
            question_seconds=int(d.get("question_seconds", 0)),
            slots=[list(x) for x in d.get("slots", [])],
            steps=steps,
        )


async def load(store: Store, platform: str, team: str, session_id: str) -> InterviewState:
    text = await store.interview_state(platform, team, session_id)
    return InterviewState.from_json(text) if text else InterviewState()


async def save(store: Store, s: Session, state: InterviewState, ms: int) -> None:
    await store.save_interview_state(s.platform, s.team, s.id, s.user_id, state.to_json(), ms)
