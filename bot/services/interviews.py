"""One-to-one mock interviews: start (a topic or a track), answer, follow-ups, hints, skip,
end, reports. Stored as they go, so a restart resumes any of it.

The parts live beside this module: interview_state.py (what is stored per question),
interview_followups.py (follow-ups, hints and the merged grade), interview_pick.py (the next
question, adaptive or pinned), interview_report.py (the report, the history),
interview_cards.py (question and follow-up cards), interview_tracks.py (the tracks on offer).
"""

from __future__ import annotations

import random
import re
import uuid
from dataclasses import replace

from bot.clock import Clock, to_ms
from bot.domain.actions import Action, AnswerContext
from bot.domain.questions import Grade, Kind, Question, Verdict
from bot.domain.records import Advance, Session, SessionStatus
from bot.domain.values import Card, Color, Reply, UserError, Visibility, Where
from bot.grading import GradingOptions
from bot.grading.code import default_sandbox
from bot.questions.bank import QuestionBank, parse_difficulty
from bot.questions.tracks import Track
from bot.sandbox import SandboxBusy, SandboxUnavailable
from bot.services import interview_pick as picking
from bot.services import interview_state as states
from bot.services.banks import Banks
from bot.services.cards import feedback_card
from bot.services.interview_cards import follow_up_card, interim_card, interview_question
from bot.services.interview_followups import (
    HINT_CAP,
    hint_for,
    merged_grade,
    next_follow_up,
    point_question,
)
from bot.services.interview_report import history_card, report_card
from bot.services.interview_state import InterviewState, Step
from bot.services.interview_tracks import TrackBook
from bot.services.points import build_row, check_length, count_answer, timed_grade
from bot.services.rounds import AfterAnswer, run_listeners
from bot.services.team_settings import Effective, TeamSettings
from bot.store.errors import SessionActive
from bot.store.protocol import Store

INTERVIEW_KINDS = (Kind.OPEN, Kind.CODE)
NO_SANDBOX = (
    "Code questions are off on this server: it has no sandbox to run code answers safely in."
)
MAX_QUESTIONS = 30
HISTORY = 10  # past interviews /interview history lists


class Interviews:
    """One person's mock interview, a question at a time, probed and graded like an interviewer."""

    def __init__(
        self,
        store: Store,
        banks: Banks,
        settings: TeamSettings,
        clock: Clock,
        rng: random.Random | None = None,
        grading: GradingOptions | None = None,
        abilities: picking.AbilityModel | None = None,
        estimates: picking.Estimates | None = None,
        tracks: dict[str, Track] | None = None,
    ) -> None:
        self.grading = grading
        self._grading_now: set[tuple[str, int]] = set()  # (session, position) being graded
        self.store = store
        self.banks = banks
        self.settings = settings
        self.clock = clock
        self.rng = rng or random.Random()
        self.abilities = abilities
        # a graded question (follow-ups merged) feeds these, as quiz answers do: the ability
        # estimate and review items (container.py)
        self.after_answer: list[AfterAnswer] = []
        self.picker = picking.Picker(store, self.rng, abilities, estimates)
        self.estimates = estimates
        self.trackbook: TrackBook = banks.tracks  # shipped tracks and each team's own
        if tracks is not None:
            self.trackbook.use(tracks)

    # --- tracks ---------------------------------------------------------------------------

    @property
    def tracks(self) -> dict[str, Track]:
        return self.trackbook.all

    def use_tracks(self, tracks: dict[str, Track]) -> None:
        """Offer these tracks instead of the shipped ones (tests, a team's own)."""
        self.trackbook.use(tracks)

    async def tracks_card(self, where: Where) -> Card:
        """The shipped tracks and the team's own."""
        return await self.trackbook.card(where)

    # --- start and resume -----------------------------------------------------------------

    async def start(
        self,
        where: Where,
        topic: str | None = None,
        difficulty: str | int | None = None,
        count: int | None = None,
        direct: bool = False,
        track: str | None = None,
    ) -> Reply:
        active = await self.store.active_session(where.platform, where.team, where.user)
        if active is not None:
            return await self._resume(where, active)
        diff = parse_difficulty(difficulty)
        if count is not None and not 1 <= count <= MAX_QUESTIONS:
            raise UserError(f"An interview has 1 to {MAX_QUESTIONS} questions.")
        bank = await self.banks.for_team(where.platform, where.team)
        can_code = await self._can_run_code()
        eff = await self.settings.get(where.platform, where.team, where.channel)
        t = await self.trackbook.get(where, track) if track else None
        if t is not None and topic:
            raise UserError("A track sets its own topics: give track=NAME or a topic, not both.")
        n = count or (t.questions if t else eff.interview_questions)
        slots: list[tuple[str | None, tuple[Kind, ...]]]
        if t is not None:
            slots = [(m.topic, _usable(m.kinds, can_code)) for m in t.slots()]
            slots = (slots * (n // len(slots) + 1))[:n]
            seconds = max(30, t.minutes * 60 // n)
        else:
            resolved = bank.resolve_topic(topic)
            slots = [(resolved, INTERVIEW_KINDS if can_code else (Kind.OPEN,))] * n
            seconds = 0
            self._check_pool(bank, resolved, diff, can_code)
        adaptive = diff is None and self.picker.can_adapt
        start_diff = diff if diff is not None else (t.difficulty if t else None)
        now_ms = to_ms(self.clock.now())
        chosen: list[Question] = []
        for slot_topic, kinds in slots:
            q = await self.picker.pick(
                where, bank, slot_topic, kinds, diff, {q.id for q in chosen}, adaptive, start_diff
            )
            if q is not None:
                chosen.append(q)
        if not chosen:
            raise UserError("No interview question fits: try another topic or difficulty.")
        for q in chosen[:1]:
            await picking.mark_asked(self.store, where, q, now_ms)
        vis = Visibility.DIRECT if direct else Visibility.EPHEMERAL
        s = Session(
            id=uuid.uuid4().hex,
            platform=where.platform,
            team=where.team,
            channel=where.channel,
            user_id=where.user,
            display_name=where.name,
            topic=None if t else bank.resolve_topic(topic),
            difficulty=diff,
            question_ids=tuple(q.id for q in chosen),
            position=0,
            status=SessionStatus.ACTIVE,
            visibility=vis.value,
            started_ms=now_ms,
            question_started_ms=now_ms,
        )
        state = InterviewState(
            track=t.id if t else "",
            adaptive=adaptive,
            max_follow_ups=eff.interview_follow_ups,
            question_seconds=seconds,
            slots=[[tp, [str(k) for k in ks]] for tp, ks in slots[: len(chosen)]],
        )
        try:
            await self.store.create_session(s)
        except SessionActive:
            again = await self.store.active_session(where.platform, where.team, where.user)
            if again is None:
                raise
            return await self._resume(where, again)
        await states.save(self.store, s, state, now_ms)
        limit = self._limit(state, eff)
        note = "" if len(chosen) == n else f" (only {len(chosen)} match those filters)"
        how = "adapting to your answers" if adaptive else "at a fixed difficulty"
        subject = t.title if t else (s.topic or "all topics")
        intro = Card(
            title=f"Mock interview · {subject}",
            text=f"{len(chosen)} question(s){note}, about {limit // 60} min each, {how}. "
            "Answer in your own words as you would to an interviewer (here, or in a direct "
            "message to me: a plain message is your answer). You will hear what was right and "
            "what was missing, and I may ask a follow-up. /interview hint gives one hint per "
            f"question (it then counts at most {round(HINT_CAP * 100)} %), /interview skip "
            "passes, /interview end stops.",
            visibility=vis,
        )
        return Reply(cards=(intro, interview_question(s, chosen[0], limit)))

    def _check_pool(
        self, bank: QuestionBank, topic: str | None, diff: int | None, can_code: bool
    ) -> None:
        """Say what exists when nothing fits (code questions need the sandbox)."""
        kinds = INTERVIEW_KINDS if can_code else (Kind.OPEN,)
        try:
            bank.select(topic, diff, kinds=kinds)
        except UserError:
            if can_code:
                raise
            bank.select(topic, diff, kinds=INTERVIEW_KINDS)  # says what exists, if nothing
            raise UserError(NO_SANDBOX + " Pick a topic with open questions.") from None

    async def _resume(self, where: Where, s: Session) -> Reply:
        bank = await self.banks.for_team(where.platform, where.team)
        q = _question_at(bank, s)
        eff = await self.settings.get(where.platform, where.team, where.channel)
        state = await states.load(self.store, s.platform, s.team, s.id)
        step = state.steps.get(s.position)
        pending = step.pending if step and step.question_id == q.id else None
        what = "a follow-up to question" if pending else "question"
        note = Card(
            title="Interview in progress",
            text=f"You are on {what} {s.position + 1} of {len(s.question_ids)}. "
            "Answer it, /interview skip it, or /interview end it to start another.",
            visibility=Visibility(s.visibility),
        )
        limit = self._limit(state, eff)
        if pending is not None and step is not None:
            return Reply(cards=(note, follow_up_card(s, q, step, pending)))
        return Reply(cards=(note, interview_question(s, q, limit)))

    def _limit(self, state: InterviewState, eff: Effective) -> int:
        return state.question_seconds or eff.interview_question_seconds

    async def current(self, where: Where) -> Session | None:
        return await self.store.active_session(where.platform, where.team, where.user)

    # --- answering ------------------------------------------------------------------------

    async def answer(self, where: Where, text: str, action: Action | None = None) -> Reply:
        """Answer the current question or follow-up; `action` (from a card) pins which one."""
        try:
            check_length(text)
        except UserError as e:
            raise UserError(f"{e} Nothing was recorded: shorten it and send it again.") from None
        if not text.strip():
            raise UserError(
                "The answer is empty. Write your answer, or /interview skip the question."
            )
        return await self._advance(where, text, action, skip=False)

    async def skip(self, where: Where, action: Action | None = None) -> Reply:
        """Skip the question, or, while a follow-up waits, only the follow-up."""
        return await self._advance(where, "", action, skip=True)

    async def _advance(
        self, where: Where, text: str, action: Action | None, *, skip: bool
    ) -> Reply:
        s = await self._session_for(where, action)
        bank = await self.banks.for_team(where.platform, where.team)
        q = _question_at(bank, s)
        eff = await self.settings.get(where.platform, where.team, where.channel)
        state = await states.load(self.store, s.platform, s.team, s.id)
        step = state.step(s.position, q.id)
        now_ms = to_ms(self.clock.now())
        limit_s = self._limit(state, eff)
        pending = step.pending
        vis = Visibility(s.visibility)
        if q.kind is Kind.CODE and pending is None:
            text = unfence(text)
        if pending is not None:
            late = now_ms - pending.asked_ms > limit_s * 1000
            if skip or late:
                pending.skipped = True
                return await self._finish(where, s, q, step, state, eff, bank, late=late)
            g = await self._grade(s, point_question(q, pending), text, where)
            pending.reply, pending.score = text, g.score
            pending.shown = pending.point in g.right
        elif step.grade is None or skip:
            elapsed = now_ms - s.question_started_ms
            if skip:
                step.keep_grade(_unanswered(q, Verdict.SKIPPED, "Skipped."))
            elif elapsed > limit_s * 1000:
                step.keep_grade(
                    _unanswered(
                        q,
                        Verdict.LATE,
                        f"Time's up: the limit is {limit_s // 60} min per question, so this "
                        "answer was not graded.",
                    )
                )
            else:
                step.answer = text
                step.keep_grade(await self._grade(s, q, text, where))
        nxt = next_follow_up(q, step, state.max_follow_ups, now_ms)
        if nxt is None:
            return await self._finish(where, s, q, step, state, eff, bank)
        first = not step.follow_ups
        step.follow_ups.append(nxt)
        await states.save(self.store, s, state, now_ms)
        cards = [interim_card(step, nxt, vis, first), follow_up_card(s, q, step, nxt)]
        return Reply(cards=tuple(cards))

    async def _finish(
        self,
        where: Where,
        s: Session,
        q: Question,
        step: Step,
        state: InterviewState,
        eff: Effective,
        bank: QuestionBank,
        *,
        late: bool = False,
        advance: bool = True,
    ) -> Reply:
        """Record the question's merged grade, move on, and show the feedback and what's next."""
        g = merged_grade(q, step)
        now = self.clock.now()
        now_ms = to_ms(now)
        last = s.position + 1 >= len(s.question_ids)
        row = build_row(
            where,
            q,
            step.answer,
            g,
            context=str(AnswerContext.interview(s.id)),
            source="interview",
            ranked=False,
            points=0,
            elapsed_ms=now_ms - s.question_started_ms,
            now=now,
            tz=eff.timezone,
        )
        await states.save(self.store, s, state, now_ms)
        adv = Advance(s.id, s.position, now_ms, finish=last) if advance else None
        rec = await self.store.record_answer(row, adv)
        if not rec.inserted:
            raise UserError("That question was already answered.")
        count_answer(row)
        await run_listeners(self.after_answer, where, q, g, now_ms, "interview")
        vis = Visibility(s.visibility)
        card = feedback_card(q, g, vis)
        if any(f.reply is not None for f in step.follow_ups):
            card = replace(card, title=card.title + " · after a follow-up")
        if late:
            card = replace(card, text="Time's up for the follow-up.\n" + card.text)
        cards = [card]
        if not advance:
            return Reply(cards=tuple(cards))
        if last:
            done = await self.store.get_session(s.platform, s.team, s.id)
            cards.append(await self.report_card(done or s, state))
            return Reply(cards=tuple(cards))
        moved = replace(s, position=s.position + 1)
        offered = await self.trackbook.offered(where.platform, where.team) if state.track else {}
        t = offered.get(state.track)
        nxt = await self.picker.next_question(
            where, moved, state.slots, state.adaptive, t.difficulty if t else None, bank, now_ms
        )
        if nxt is not None:
            cards.append(interview_question(moved, nxt, self._limit(state, eff)))
        return Reply(cards=tuple(cards))

    # --- hints ------------------------------------------------------------------------------

    async def hint(self, where: Where, action: Action | None = None) -> Reply:
        """One hint per question; it caps the question's credit at HINT_CAP."""
        s = await self._session_for(where, action)
        bank = await self.banks.for_team(where.platform, where.team)
        q = _question_at(bank, s)
        state = await states.load(self.store, s.platform, s.team, s.id)
        step = state.step(s.position, q.id)
        vis = Visibility(s.visibility)
        if step.pending is not None:
            raise UserError(
                "Hints are for the question itself. Answer the follow-up, or /interview skip it."
            )
        cap = f"With a hint, this question counts at most {round(HINT_CAP * 100)} %."
        if step.hint:
            return Reply(
                cards=(
                    Card(
                        title="Your hint (one per question)",
                        text=step.hint,
                        footer=cap,
                        visibility=vis,
                    ),
                )
            )
        step.hint = hint_for(q, step)
        await states.save(self.store, s, state, to_ms(self.clock.now()))
        return Reply(
            cards=(
                Card(
                    title=f"Hint · question {s.position + 1}",
                    text=step.hint,
                    footer=cap,
                    visibility=vis,
                    color=Color.WARN,
                ),
            )
        )

    # --- grading, sessions ----------------------------------------------------------------

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

    # --- the end and the reports ------------------------------------------------------------

    async def end(self, where: Where, action: Action | None = None) -> Reply:
        """Finish with a report; `action` (from an End button) pins which interview. A question
        answered but still in its follow-ups counts as it stands."""
        s = await self.store.active_session(where.platform, where.team, where.user)
        if s is None:
            raise UserError("You have no interview in progress.")
        if action is not None and action.id != s.id:
            raise UserError("That interview is over. Start a new one with /interview start.")
        state = await states.load(self.store, s.platform, s.team, s.id)
        bank = await self.banks.for_team(where.platform, where.team)
        cards: list[Card] = []
        step = state.steps.get(s.position)
        q = bank.get(step.question_id) if step else None
        if step is not None and q is not None and step.grade is not None:
            if (pending := step.pending) is not None:
                pending.skipped = True
            eff = await self.settings.get(where.platform, where.team, where.channel)
            try:
                cards.extend(
                    (await self._finish(where, s, q, step, state, eff, bank, advance=False)).cards
                )
            except UserError:
                pass  # recorded already (a second End)
        now_ms = to_ms(self.clock.now())
        await self.store.update_session(
            s.platform, s.team, s.id, status=SessionStatus.ENDED, finished_ms=now_ms
        )
        done = await self.store.get_session(s.platform, s.team, s.id)
        cards.append(await self.report_card(done or s, state))
        return Reply(cards=tuple(cards))

    async def report_card(self, s: Session, state: InterviewState | None = None) -> Card:
        """Score and level per topic, each point with its evidence, and a study plan."""
        bank = await self.banks.for_team(s.platform, s.team)
        if state is None:
            state = await states.load(self.store, s.platform, s.team, s.id)
        where = Where(s.platform, s.team, s.channel, s.user_id, s.display_name)
        level_of = None
        abilities, estimates = self.abilities, self.estimates
        if abilities is not None and estimates is not None:

            async def level_of(topic: str) -> str | None:
                return estimates.level(await abilities.rating(where, topic))

        return await report_card(self.store, bank, s, state, level_of)

    async def history(self, where: Where) -> Reply:
        past = await self.store.user_sessions(where.platform, where.team, where.user, HISTORY)
        return Reply(cards=(await history_card(self.store, past, Visibility.EPHEMERAL),))

    async def past_report(self, where: Where, n: int | None = None) -> Reply:
        """Report N of /interview history (1, the newest, by default) shown again."""
        k = n or 1
        if not 1 <= k <= HISTORY:
            raise UserError(f"Give a number from 1 to {HISTORY}, as /interview history lists.")
        past = await self.store.user_sessions(where.platform, where.team, where.user, k)
        if len(past) < k:
            raise UserError(
                f"You have {len(past)} interview(s) here; /interview history lists them."
            )
        card = await self.report_card(past[k - 1])
        return Reply(cards=(replace(card, visibility=Visibility.EPHEMERAL),))


_FENCE = re.compile(r"```[\w+-]*[ \t]*\n?(.*?)```", re.DOTALL)


def unfence(text: str) -> str:
    """The code of a fenced block (```python … ```), as chat clients send code; else as is."""
    m = _FENCE.search(text)
    return m.group(1).strip("\n") + "\n" if m else text


def _usable(kinds: tuple[Kind, ...], can_code: bool) -> tuple[Kind, ...]:
    out = tuple(k for k in kinds if can_code or k is not Kind.CODE)
    return out or (Kind.OPEN,)


def _unanswered(q: Question, verdict: Verdict, text: str) -> Grade:
    return Grade(0.0, verdict, text, (), tuple(k.point for k in q.key_points))


def _question_at(bank: QuestionBank, s: Session) -> Question:
    q = bank.get(s.question_ids[s.position]) if s.position < len(s.question_ids) else None
    if q is None:
        raise UserError("This interview's question is no longer in the bank; /interview end it.")
    return q
