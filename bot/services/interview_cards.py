"""The cards an interview shows besides feedback and the report: a question (with the Hint
button), a follow-up, and the note before a follow-up."""

from __future__ import annotations

from dataclasses import replace

from bot.domain.actions import Action
from bot.domain.questions import Question
from bot.domain.records import Session
from bot.domain.values import Card, Color, Visibility
from bot.services.cards import question_card
from bot.services.interview_state import FollowUp, Step


def interview_question(s: Session, q: Question, limit_s: int) -> Card:
    card = question_card(
        q,
        Action.interview(s.id, s.position),
        title=f"Question {s.position + 1}/{len(s.question_ids)} · {q.topic}",
        footer=f"{limit_s // 60} min to answer · /interview hint for a hint",
        visibility=Visibility(s.visibility),
    )
    return replace(card, hint=True)


def follow_up_card(s: Session, q: Question, step: Step, fu: FollowUp) -> Card:
    k = step.follow_ups.index(fu) + 1
    return Card(
        title=f"Follow-up {k} · question {s.position + 1}/{len(s.question_ids)} · {q.topic}",
        text=fu.prompt,
        action=str(Action.interview(s.id, s.position)),
        answer_form=True,
        interview_controls=True,
        visibility=Visibility(s.visibility),
        footer="Answer in a sentence or two · /interview skip moves to the next question",
    )


def interim_card(step: Step, fu: FollowUp, vis: Visibility, first: bool) -> Card:
    """Before a follow-up: what was covered so far, not yet what was missing."""
    g = step.first_grade()
    covered = [*(g.right if g else ()), *(f.point for f in step.follow_ups if f.shown)]
    text = ("So far you covered: " + "; ".join(covered) + ".") if covered else ""
    if fu.reason == "misconception":
        text += "\nOne thing you said needs a second look."
    title = "Noted" if first else "Thanks"
    return Card(
        title=f"{title} · one more question on this",
        text=text.strip() or "Let me ask you about one part.",
        visibility=vis,
        color=Color.INFO,
    )
