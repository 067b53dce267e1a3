"""Review items: every question a person got wrong or partly right comes back, scheduled by
FSRS (the `fsrs` package, the algorithm Anki uses), until they know it.

An item is first due a day after the miss (a channel round stays open up to a day, and its
answer is not reviewed while others can still answer). `/review` shows the person's soonest
due item privately; `/review answer TEXT` grades it with the bot's grader and hands the
grade to FSRS as a rating (wrong → Again, partly right → Hard, right → Good), which says when
it is due next. A redelivered answer reschedules once: the store only takes the outcome while
the item is still due as it was when graded.

For the interviewer's code: `await core.reviews.add(where, question, score, at_ms, "interview")`
(or `core.reviews.after_answer` with a Grade) makes a missed interview question an item.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import fsrs

from bot.clock import Clock, from_ms, to_ms
from bot.domain.practice import ReviewItem
from bot.domain.questions import Grade, Kind, Question, Verdict
from bot.domain.values import Attachment, Card, Color, Reply, UserError, Visibility, Where
from bot.grading import GradingOptions
from bot.grading.choice import choice_index
from bot.services.banks import Banks
from bot.services.cards import as_shown, feedback_card, question_card
from bot.services.points import check_length, timed_grade
from bot.store.protocol import Store

FIRST_DUE = timedelta(days=1)
SOURCES = ("quiz", "daily", "interview")
EXPORT_LIMIT = 2000  # items in one export file
EXPORT_NAME = "interview-bot-review.txt"
RIGHT = 0.999  # a score at least this is a right answer (graders give 1.0)

# Anki's defaults, without the random fuzz of intervals (a bot has no pile of cards to spread)
SCHEDULER = fsrs.Scheduler(enable_fuzzing=False)


def rating_for(grade: Grade) -> fsrs.Rating:
    """How a review went, in FSRS's words."""
    if grade.verdict is Verdict.CORRECT or grade.score >= RIGHT:
        return fsrs.Rating.Good
    if grade.score > 0:
        return fsrs.Rating.Hard
    return fsrs.Rating.Again


def new_card(at: datetime) -> fsrs.Card:
    """A fresh FSRS card, first due FIRST_DUE after `at` (ids from our clock, not the wall)."""
    return fsrs.Card(card_id=to_ms(at), due=at + FIRST_DUE)


def when_text(due: datetime, now: datetime) -> str:
    """'now', 'in 3 h', 'in 2 days' (UTC date for later)."""
    left = due - now
    if left <= timedelta(0):
        return "now"
    minutes = int(left.total_seconds() // 60)
    if minutes < 60:
        return f"in {max(1, minutes)} min"
    if minutes < 48 * 60:
        return f"in {round(minutes / 60)} h"
    return f"in {round(minutes / 1440)} days ({due:%Y-%m-%d} UTC)"


class Reviews:
    """Add, ask, grade and reschedule a person's review items; say what is due; export."""

    def __init__(
        self, store: Store, banks: Banks, clock: Clock, grading: GradingOptions | None = None
    ) -> None:
        self.store = store
        self.banks = banks
        self.clock = clock
        self.grading = grading

    # --- adding ---------------------------------------------------------------------------

    async def add(
        self, where: Where, question: Question, score: float, at_ms: int, source: str
    ) -> bool:
        """Make a missed question (score below 1) one of the person's review items; False
        when it was right, or is already an item."""
        if score >= RIGHT:
            return False
        at = from_ms(at_ms)
        item = ReviewItem(
            platform=where.platform,
            team=where.team,
            user_id=where.user,
            question_id=question.id,
            topic=question.topic,
            source=source if source in SOURCES else "quiz",
            card=new_card(at).to_json(),
            due_ms=to_ms(at + FIRST_DUE),
            reviews=0,
            last_score=max(0.0, min(1.0, score)),
            asked_ms=None,
            created_ms=at_ms,
            updated_ms=at_ms,
        )
        return await self.store.add_review_item(item)

    async def after_answer(
        self, where: Where, question: Question, grade: Grade, at_ms: int, source: str
    ) -> None:
        """Rounds' hook (and the interviewer's): a graded answer that was not right."""
        if grade.verdict in (Verdict.WRONG, Verdict.PARTIAL):
            await self.add(where, question, grade.score, at_ms, source)

    # --- asking and answering -------------------------------------------------------------

    async def _question(self, where: Where, item: ReviewItem) -> Question | None:
        q = (await self.banks.for_team(where.platform, where.team)).get(item.question_id)
        # a choice question's order is fixed per item and review, so the letter typed grades
        return as_shown(q, f"review-{item.reviews}") if q is not None else None

    async def next(self, where: Where) -> Reply:
        """Show the person's soonest due item, privately."""
        now = self.clock.now()
        due = await self.store.review_items(where.platform, where.team, where.user, to_ms(now))
        for item in due:
            q = await self._question(where, item)
            if q is None:
                continue  # the question left the bank: nothing to ask
            await self.store.mark_review_asked(
                where.platform, where.team, where.user, item.question_id, to_ms(now)
            )
            card = question_card(
                q,
                None,
                title=f"Review · {q.topic}",
                footer=f"{len(due)} due · answer with /review answer YOUR ANSWER",
                visibility=Visibility.EPHEMERAL,
            )
            return Reply(cards=(card,))
        return Reply(cards=(await self.status(where),))

    async def answer(self, where: Where, text: str) -> Reply:
        """Grade the answer to the item /review showed, and reschedule it."""
        check_length(text)
        if not text.strip():
            raise UserError("Write your answer after /review answer, e.g. /review answer B.")
        item = await self.store.asked_review(where.platform, where.team, where.user)
        if item is None:
            raise UserError("Nothing to answer: /review shows your next due question.")
        q = await self._question(where, item)
        if q is None:
            raise UserError("That question is no longer in the bank.")
        if q.kind is Kind.CHOICE and choice_index(q, text) is None:
            letters = ", ".join("ABCDEFGHIJ"[: len(q.choices)])
            raise UserError(f"Answer with one of the letters {letters}, or a choice's text.")
        grade = await timed_grade(q, text, self.grading, where)
        now = self.clock.now()
        card, _ = SCHEDULER.review_card(
            fsrs.Card.from_json(item.card), rating_for(grade), review_datetime=now
        )
        done = await self.store.reschedule_review(
            where.platform,
            where.team,
            where.user,
            item.question_id,
            was_due_ms=item.due_ms,
            card=card.to_json(),
            due_ms=to_ms(card.due),
            score=grade.score,
            ms=to_ms(now),
        )
        if not done:
            raise UserError("That review was already answered: /review shows the next one.")
        shown = feedback_card(q, grade, Visibility.EPHEMERAL)
        next_at = f"Next time for this one: {when_text(card.due, now)}. /review for the next."
        return Reply(cards=(replace(shown, footer=next_at),))

    # --- status and export ----------------------------------------------------------------

    async def status(self, where: Where) -> Card:
        """How many of the person's items are due, and when the next one is."""
        now = self.clock.now()
        items = await self.store.review_items(where.platform, where.team, where.user)
        title = "Review"
        if not items:
            return Card(
                title=title,
                text="Nothing to review yet: questions you miss in quizzes, daily questions "
                "and interviews come back here.",
                visibility=Visibility.EPHEMERAL,
            )
        now_ms = to_ms(now)
        due = sum(1 for i in items if i.due_ms <= now_ms)
        later = [i.due_ms for i in items if i.due_ms > now_ms]
        lines = [f"{due} of {len(items)} item(s) due now."]
        if later:
            lines.append(f"The next one after those: {when_text(from_ms(min(later)), now)}.")
        if due:
            lines.append("Use /review to start.")
        r = await self.store.review_reminder(where.platform, where.team, where.user)
        if r is not None:
            lines.append(f"Daily reminder at {r.remind_time} ({r.timezone}).")
        return Card(
            title=title,
            text="\n".join(lines),
            visibility=Visibility.EPHEMERAL,
            color=Color.WARN if due else Color.INFO,
        )

    async def export(self, where: Where) -> Card:
        """The person's missed questions as an Anki text import (front/back, tab-separated),
        the file on a private card (`Card.file`)."""
        items = await self.store.review_items(where.platform, where.team, where.user)
        bank = await self.banks.for_team(where.platform, where.team)
        lines = ["#separator:tab", "#html:false", "#tags column:3"]
        for item in items[:EXPORT_LIMIT]:
            q = bank.get(item.question_id)
            if q is None:
                continue
            front = q.prompt
            if q.kind is Kind.CHOICE:
                front += " " + " ".join(
                    f"({'ABCDEFGHIJ'[i]}) {c.text}" for i, c in enumerate(q.choices)
                )
            back = q.answer_text
            if q.explanation:
                back = f"{back} — {q.explanation}" if back else q.explanation
            tags = f"interview-bot {_tag(q.topic)}"
            lines.append("\t".join((_field(front), _field(back), tags)))
        if len(lines) == 3:
            raise UserError("Nothing to export yet: you have no missed questions.")
        name, count = EXPORT_NAME, len(lines) - 3
        return Card(
            title="Review export",
            text=f"Your {count} missed question(s) as {name}, an Anki text import: "
            "in Anki, File → Import.",
            visibility=Visibility.EPHEMERAL,
            file=Attachment(name, ("\n".join(lines) + "\n").encode("utf-8"), "text/plain"),
        )


def _field(text: str) -> str:
    """One field of Anki's text import: on one line, no tabs; a field with a double quote is
    quoted with its quotes doubled, as Anki's CSV reading expects."""
    flat = " ".join(text.replace("\t", " ").split())
    return '"' + flat.replace('"', '""') + '"' if '"' in flat else flat


def _tag(topic: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in topic) or "topic"
