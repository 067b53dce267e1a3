"""The cards rounds and interviews show: questions, reveals, answer feedback and reports.

One place for their wording, so a quiz, a daily question and an interview look alike."""

from __future__ import annotations

import hashlib
import random
from dataclasses import replace

from bot.domain.actions import Action
from bot.domain.questions import Grade, Kind, Question, Verdict, choice_letter
from bot.domain.records import AnswerRow, RoundKind
from bot.domain.values import Button, Card, Color, Visibility
from bot.services.points import appeal_hint

VERDICT_TITLES: dict[str, str] = {
    Verdict.CORRECT: "Right",
    Verdict.PARTIAL: "Partly right",
    Verdict.WRONG: "Not quite",
    Verdict.SKIPPED: "Skipped",
    Verdict.LATE: "Time's up",
}
ROUND_NAMES = {RoundKind.QUIZ: "Quiz", RoundKind.DAILY: "Daily question"}


def as_shown(q: Question, round_id: str) -> Question:
    """The question as round `round_id` shows it: its choices in an order fixed by the round id,
    so every participant, every edit of the post, the grading of a letter, the reveal and a
    restart all see the same order, while two rounds of one question may differ."""
    if q.kind is not Kind.CHOICE or len(q.choices) < 2:
        return q
    order = list(q.choices)
    random.Random(hashlib.sha256(f"{round_id}\0{q.id}".encode()).digest()).shuffle(order)
    return replace(q, choices=tuple(order))


def question_card(
    q: Question,
    action: Action | None,
    *,
    title: str,
    footer: str = "",
    visibility: Visibility = Visibility.PUBLIC,
) -> Card:
    """A question as a card: buttons for choices, an answer form otherwise; no action, no
    buttons (a closed round's post)."""
    diff = "★" * q.difficulty + "☆" * (3 - q.difficulty)
    text = str(action) if action else ""
    interview = action is not None and action.round_kind is None
    if q.kind is Kind.CHOICE:
        lines = [f"**{choice_letter(i)})** {c.text}" for i, c in enumerate(q.choices)]
        buttons = tuple(Button(choice_letter(i), choice_letter(i)) for i in range(len(q.choices)))
        return Card(
            title=f"{title} {diff}",
            text=q.prompt + "\n\n" + "\n".join(lines),
            buttons=buttons if action else (),
            action=text,
            interview_controls=interview,
            visibility=visibility,
            footer=footer,
        )
    return Card(
        title=f"{title} {diff}",
        text=q.prompt,
        action=text,
        answer_form=action is not None,
        code_answer=q.kind is Kind.CODE,
        interview_controls=interview,
        visibility=visibility,
        footer=footer,
    )


def closed_card(q: Question, kind: RoundKind, answered: int) -> Card:
    """The round's post once it closed: the question without buttons."""
    return question_card(
        q,
        None,
        title=f"{ROUND_NAMES[kind]} · {q.topic} (closed)",
        footer=f"Closed · {answered} answered",
    )


def reveal_card(q: Question, kind: RoundKind, answers: list[AnswerRow]) -> Card:
    """The answer, who got it and who was fastest."""
    right = [a for a in answers if a.correct]
    fields: list[tuple[str, str]] = [("Answer", q.answer_text)]
    if right:
        first = next((a for a in right if a.first_correct), right[0])
        names = ", ".join(f"{a.display_name} (+{a.points})" for a in right[:15])
        if len(right) > 15:
            names += f" and {len(right) - 15} more"
        fields.append((f"Got it ({len(right)}/{len(answers)})", names))
        fields.append(("Fastest", f"{first.display_name} in {first.elapsed_ms / 1000:.1f} s"))
    else:
        fields.append(("Got it", f"nobody, of {len(answers)} answer(s)"))
    title = (
        f"Daily question answer · {q.topic}"
        if kind is RoundKind.DAILY
        else f"Round over · {q.topic}"
    )
    return Card(
        title=title,
        text=f"{q.prompt}\n\n{q.explanation}",
        fields=tuple(fields),
        color=Color.GOOD if right else Color.WARN,
    )


def round_feedback_card(
    q: Question, grade: Grade, points: int, elapsed_ms: int, first: bool
) -> Card:
    """What one person hears, privately, after answering a round."""
    if grade.correct:
        extra = " You were the first to get it!" if first else ""
        return Card(
            title="Right!",
            text=f"+{points} points ({elapsed_ms / 1000:.1f} s).{extra}",
            visibility=Visibility.EPHEMERAL,
            color=Color.GOOD,
        )
    if grade.score > 0:
        return Card(
            title="Partly right",
            text=f"+{points} points. The full answer comes when the round closes.",
            visibility=Visibility.EPHEMERAL,
            color=Color.WARN,
            footer=appeal_hint(q.id),
        )
    return Card(
        title="Not this time",
        text="The answer comes when the round closes.",
        visibility=Visibility.EPHEMERAL,
        color=Color.BAD,
        footer=appeal_hint(q.id),
    )


def feedback_card(q: Question, g: Grade, vis: Visibility) -> Card:
    """An interview answer's feedback: what was right, what was missing, a strong answer."""
    title = VERDICT_TITLES.get(g.verdict, g.verdict)
    if g.verdict in (Verdict.CORRECT, Verdict.PARTIAL, Verdict.WRONG):
        title += f" · {round(g.score * 100)}%"
    fields: list[tuple[str, str]] = []
    if g.right:
        fields.append(("What you got right", "\n".join(f"✓ {p}" for p in g.right)))
    if g.missing:
        fields.append(("What was missing", "\n".join(f"✗ {p}" for p in g.missing)))
    if q.kind is Kind.CODE and q.code:
        fields.append(("A reference solution", f"```python\n{q.code.solution.strip()}\n```"))
    elif q.reference:
        fields.append(("A strong answer", q.reference))
    fields.append(("Why it matters", q.explanation))
    color = {Verdict.CORRECT: Color.GOOD, Verdict.PARTIAL: Color.WARN}.get(g.verdict, Color.BAD)
    return Card(title=title, text=g.feedback, fields=tuple(fields), visibility=vis, color=color)


def report_color(pct: int) -> Color:
    return Color.GOOD if pct >= 70 else Color.WARN if pct >= 40 else Color.BAD
