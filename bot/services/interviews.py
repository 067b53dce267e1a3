"""One-to-one mock interviews: start, answer, skip, end, report. Stored as they go."""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from dataclasses import replace

from bot.clock import Clock, to_ms
from bot.domain.actions import Action, AnswerContext
from bot.domain.keys import Scope
from bot.domain.questions import Grade, Kind, Question, Verdict
from bot.domain.records import Advance, Session, SessionStatus
from bot.domain.text import clip as _clip
from bot.domain.values import Card, Reply, UserError, Visibility, Where
from bot.grading import GradingOptions
from bot.grading.code import default_sandbox
from bot.questions.bank import QuestionBank, parse_difficulty
from bot.sandbox import SandboxBusy, SandboxUnavailable
from bot.services import rotation
from bot.services.banks import Banks
from bot.services.cards import answer_line, feedback_card, question_card, report_color
from bot.services.charts import interview_image
from bot.services.points import build_row, check_length, count_answer, timed_grade
from bot.services.team_settings import TeamSettings
from bot.store.errors import SessionActive
from bot.store.protocol import Store

INTERVIEW_KINDS = (Kind.OPEN, Kind.CODE)
NO_SANDBOX = (
    "Code questions are off on this server: it has no sandbox to run code answers safely in."
)
MAX_QUESTIONS = 30


class Interviews:
    """One person's mock interview, a question at a time, graded like an interviewer."""

    def __init__(
        self,
        store: Store,
        banks: Banks,
        settings: TeamSettings,
        clock: Clock,
        rng: random.Random | None = None,
        grading: GradingOptions | None = None,
    ) -> None:
        self.grading = grading
        self._grading_now: set[tuple[str, int]] = set()  # (session, position) being graded
        self.store = store
        self.banks = banks
        self.settings = settings
        self.clock = clock
        self.rng = rng or random.Random()

    async def start(
        self,
        where: Where,
        topic: str | None = None,
        difficulty: str | int | None = None,
        count: int | None = None,
        direct: bool = False,
    ) -> Reply:
        active = await self.store.active_session(where.platform, where.team, where.user)
        if active is not None:
            return await self._resume(where, active)
        diff = parse_difficulty(difficulty)
        if count is not None and not 1 <= count <= MAX_QUESTIONS:
            raise UserError(f"An interview has 1 to {MAX_QUESTIONS} questions.")
        bank = await self.banks.for_team(where.platform, where.team)
        kinds = INTERVIEW_KINDS if await self._can_run_code() else (Kind.OPEN,)
        try:
            pool = bank.select(topic, diff, kinds=kinds)
        except UserError:
            if kinds == INTERVIEW_KINDS:
                raise
            bank.select(topic, diff, kinds=INTERVIEW_KINDS)  # says what exists, if nothing
            raise UserError(NO_SANDBOX + " Pick a topic with open questions.") from None
        eff = await self.settings.get(where.platform, where.team, where.channel)
        n = count or eff.interview_questions
        now_ms = to_ms(self.clock.now())
        qs = await rotation.pick(
            self.store,
            where.platform,
            where.team,
            Scope.user(where.user),
            pool,
            n,
            now_ms,
            self.rng,
        )
        vis = Visibility.DIRECT if direct else Visibility.EPHEMERAL
        s = Session(
            id=uuid.uuid4().hex,
            platform=where.platform,
            team=where.team,
            channel=where.channel,
            user_id=where.user,
            display_name=where.name,
            topic=bank.resolve_topic(topic),
            difficulty=diff,
            question_ids=tuple(q.id for q in qs),
            position=0,
            status=SessionStatus.ACTIVE,
            visibility=vis.value,
            started_ms=now_ms,
            question_started_ms=now_ms,
        )
        try:
            await self.store.create_session(s)
        except SessionActive:
            again = await self.store.active_session(where.platform, where.team, where.user)
            if again is None:
                raise
            return await self._resume(where, again)
        minutes = eff.interview_question_seconds // 60
        note = "" if len(qs) == n else f" (only {len(qs)} match those filters)"
        intro = Card(
            title=f"Mock interview · {s.topic or 'all topics'}",
            text=f"{len(qs)} question(s){note}, about {minutes} min each. Answer in "
            "your own words as you would to an interviewer; you will hear what "
            "was right and what was missing. /interview skip passes, /interview end "
            "stops.",
            visibility=vis,
        )
        return Reply(cards=(intro, self._question(s, qs[0], eff.interview_question_seconds)))

    async def _resume(self, where: Where, s: Session) -> Reply:
        bank = await self.banks.for_team(where.platform, where.team)
        q = _question_at(bank, s)
        eff = await self.settings.get(where.platform, where.team, where.channel)
        note = Card(
            title="Interview in progress",
            text=f"You are on question {s.position + 1} of {len(s.question_ids)}. "
            "Answer it, /interview skip it, or /interview end it to start another.",
            visibility=Visibility(s.visibility),
        )
        return Reply(cards=(note, self._question(s, q, eff.interview_question_seconds)))

    def _question(self, s: Session, q: Question, limit_s: int) -> Card:
        return question_card(
            q,
            Action.interview(s.id, s.position),
            title=f"Question {s.position + 1}/{len(s.question_ids)} · {q.topic}",
            footer=f"{limit_s // 60} min to answer",
            visibility=Visibility(s.visibility),
        )

    async def current(self, where: Where) -> Session | None:
        return await self.store.active_session(where.platform, where.team, where.user)

    async def answer(self, where: Where, text: str, action: Action | None = None) -> Reply:
        """Answer the current question; `action` (from the question's card) pins which one."""
        check_length(text)
        if not text.strip():
            raise UserError(
                "The answer is empty. Write your answer, or /interview skip the question."
            )
        return await self._advance(where, text, action, skip=False)

    async def skip(self, where: Where, action: Action | None = None) -> Reply:
        return await self._advance(where, "", action, skip=True)

    async def _advance(
        self, where: Where, text: str, action: Action | None, *, skip: bool
    ) -> Reply:
        s = await self._session_for(where, action)
        bank = await self.banks.for_team(where.platform, where.team)
        q = _question_at(bank, s)
        eff = await self.settings.get(where.platform, where.team, where.channel)
        now = self.clock.now()
        now_ms = to_ms(now)
        elapsed = now_ms - s.question_started_ms
        if skip:
            g = Grade(0.0, Verdict.SKIPPED, "Skipped.", (), tuple(k.point for k in q.key_points))
        elif elapsed > eff.interview_question_seconds * 1000:
            g = Grade(
                0.0,
                Verdict.LATE,
                "Time's up: the limit is "
                f"{eff.interview_question_seconds // 60} min per question, so this answer "
                "was not graded.",
                (),
                tuple(k.point for k in q.key_points),
            )
        else:
            g = await self._grade(s, q, text, where)
        last = s.position + 1 >= len(s.question_ids)
        row = build_row(
            where,
            q,
            text,
            g,
            context=str(AnswerContext.interview(s.id)),
            source="interview",
            ranked=False,
            points=0,
            elapsed_ms=elapsed,
            now=now,
            tz=eff.timezone,
        )
        rec = await self.store.record_answer(row, Advance(s.id, s.position, now_ms, finish=last))
        if not rec.inserted:
            raise UserError("That question was already answered.")
        count_answer(row)
        vis = Visibility(s.visibility)
        cards = [feedback_card(q, g, vis)]
        if last:
            done = await self.store.get_session(s.platform, s.team, s.id)
            cards.append(await self.report_card(done or s))
        else:
            nxt = bank.get(s.question_ids[s.position + 1])
            moved = replace(s, position=s.position + 1)
            if nxt is not None:
                cards.append(self._question(moved, nxt, eff.interview_question_seconds))
        return Reply(cards=tuple(cards))

    async def _can_run_code(self) -> bool:
        box = (self.grading.sandbox if self.grading else None) or default_sandbox()
        return await box.probe()

    async def _grade(self, s: Session, q: Question, text: str, where: Where) -> Grade:
        """Grade once per question: a second submit while the first is graded is refused."""
        key = (s.id, s.position)
        if key in self._grading_now:
            raise UserError("Your answer to this question is being graded; one moment.")
        self._grading_now.add(key)
        try:
            return await timed_grade(q, text, self.grading, where)
        except SandboxUnavailable:
            raise UserError(
                NO_SANDBOX + " Your answer was not run: /interview skip this question."
            ) from None
        except SandboxBusy as e:
            raise UserError(f"Not graded yet: {e}. Your answer was not run.") from None
        finally:
            self._grading_now.discard(key)

    async def _session_for(self, where: Where, action: Action | None) -> Session:
        s = await self.store.active_session(where.platform, where.team, where.user)
        if action is not None:
            if action.round_kind is not None:
                raise UserError("That is not an interview question.")
            if s is None or s.id != action.id:
                raise UserError("That interview is over. Start a new one with /interview start.")
            if s.position != action.position:
                raise UserError("That question was already answered; answer the current one.")
        if s is None:
            raise UserError("You have no interview in progress. Start one with /interview start.")
        return s

    async def end(self, where: Where, action: Action | None = None) -> Reply:
        """Finish with a report; `action` (from an End button) pins which interview."""
        s = await self.store.active_session(where.platform, where.team, where.user)
        if s is None:
            raise UserError("You have no interview in progress.")
        if action is not None and action.id != s.id:
            raise UserError("That interview is over. Start a new one with /interview start.")
        now_ms = to_ms(self.clock.now())
        await self.store.update_session(
            s.platform, s.team, s.id, status=SessionStatus.ENDED, finished_ms=now_ms
        )
        done = await self.store.get_session(s.platform, s.team, s.id)
        return Reply(cards=(await self.report_card(done or s),))

    async def report_card(self, s: Session) -> Card:
        """Score per topic and, per question, what was right and what was missing."""
        bank = await self.banks.for_team(s.platform, s.team)
        answers = {
            a.question_id: a
            for a in await self.store.context_answers(
                s.platform, s.team, str(AnswerContext.interview(s.id))
            )
        }
        per_topic: dict[str, list[float]] = defaultdict(list)
        lines: list[tuple[str, str]] = []
        for i, qid in enumerate(s.question_ids, 1):
            q = bank.get(qid)
            a = answers.get(qid)
            if q is None or a is None:
                continue
            per_topic[q.topic].append(a.score)
            lines.append((f"{i}. {_clip(q.prompt, 90)}", answer_line(a)))
        total = sum(sum(v) for v in per_topic.values())
        asked = len(answers)
        pct = round(100 * total / asked) if asked else 0
        topics = "; ".join(f"{t} {sum(v):.1f}/{len(v)}" for t, v in sorted(per_topic.items()))
        status = "finished" if s.status is SessionStatus.FINISHED else "ended early"
        minutes = max(1, round(((s.finished_ms or s.question_started_ms) - s.started_ms) / 60000))
        return Card(
            title=f"Interview report · {s.topic or 'all topics'}",
            text=f"Score {total:.1f} of {asked} ({pct}%), {status} after {minutes} min.\n"
            f"By topic: {topics or 'nothing answered'}",
            fields=tuple(lines),
            visibility=Visibility(s.visibility),
            color=report_color(pct),
            image=await interview_image(self.store, s, bank, answers),  # bot/charts
        )


def _question_at(bank: QuestionBank, s: Session) -> Question:
    q = bank.get(s.question_ids[s.position]) if s.position < len(s.question_ids) else None
    if q is None:
        raise UserError("This interview's question is no longer in the bank; /interview end it.")
    return q
