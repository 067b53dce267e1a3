"""Turning a graded answer into the row the store keeps."""

from __future__ import annotations

import time
from datetime import datetime

from bot import metrics
from bot.clock import to_ms
from bot.domain.periods import local_keys
from bot.domain.questions import Grade, Question, Verdict
from bot.domain.records import AnswerRow
from bot.domain.values import UserError, Where
from bot.grading import GradingOptions, grade
from bot.grading.core import MAX_ANSWER_CHARS

POINTS_RIGHT = 10
SPEED_BONUS = 5


def appeal_hint(question_id: str) -> str:
    """The footer of feedback that was not full marks: how to appeal it."""
    return f"Think the grade is wrong? /appeal {question_id} REASON"


def check_length(text: str, limit: int = MAX_ANSWER_CHARS) -> str:
    if len(text) > limit:
        raise UserError(f"That answer is {len(text):,} characters; the limit is {limit:,}.")
    return text


def quiz_points(grade: Grade, elapsed_ms: int, limit_ms: int) -> int:
    """10 for a right answer (partial credit scales), plus up to 5 for speed when right."""
    base = round(POINTS_RIGHT * grade.score)
    if not grade.correct or limit_ms <= 0:
        return base
    share = max(0.0, 1.0 - elapsed_ms / limit_ms)
    return base + round(SPEED_BONUS * share)


def build_row(
    where: Where,
    question: Question,
    text: str,
    grade: Grade,
    *,
    context: str,
    source: str,
    ranked: bool,
    points: int,
    elapsed_ms: int,
    now: datetime,
    tz: str,
    verdict: Verdict | None = None,
) -> AnswerRow:
    day, week, month = local_keys(now, tz)
    return AnswerRow(
        platform=where.platform,
        team=where.team,
        user_id=where.user,
        context=context,
        question_id=question.id,
        source=source,
        channel=where.channel,
        topic=question.topic,
        display_name=where.name,
        answer=text,
        score=grade.score,
        verdict=verdict or grade.verdict,
        correct=grade.correct,
        points=points,
        ranked=ranked,
        elapsed_ms=max(0, elapsed_ms),
        answered_ms=to_ms(now),
        day=day,
        week=week,
        month=month,
        feedback=grade.feedback,
        right_points=grade.right,
        missing_points=grade.missing,
    )


async def timed_grade(
    question: Question, text: str, options: GradingOptions | None = None, where: Where | None = None
) -> Grade:
    """Grade, and record how long it took (the grading latency metric)."""
    start = time.perf_counter()
    who = (f"{where.platform}:{where.team}", where.user) if where else ("", "")
    try:
        return await grade(question, text, options=options, who=who)
    finally:
        metrics.GRADING.labels(question.kind.value).observe(time.perf_counter() - start)


def count_answer(row: AnswerRow) -> None:
    metrics.ANSWERS.labels(row.platform, row.source, row.verdict).inc()
