"""The life cycle of a channel round, quiz or daily: open, answer, close, reveal.

A round is closed once (the store decides who closed it) and revealed once: the reveal is
owed in the store from the close until a post went out. A process claims it before posting;
a post that fails for a passing reason leaves the claim to lapse, and the ticker tries
again (`close_due`); a channel the bot can no longer post to is given up on. Two processes
on one database therefore never post one reveal twice, and a failed one is not lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from enum import StrEnum

from bot.clock import Clock, to_ms
from bot.domain.actions import Action, AnswerContext
from bot.domain.questions import Grade, Kind, Question
from bot.domain.records import Round, RoundKind
from bot.domain.values import Card, Reply, Target, UserError, Where
from bot.grading import GradingOptions
from bot.grading.choice import choice_index
from bot.ports import ChannelUnavailable
from bot.services.banks import Banks
from bot.services.cards import as_shown, closed_card, reveal_card, round_feedback_card
from bot.services.outbox import Outbox
from bot.services.points import build_row, check_length, count_answer, quiz_points, timed_grade
from bot.services.team_settings import TeamSettings
from bot.store.protocol import Store

log = logging.getLogger(__name__)

# A reveal whose post failed is tried again after this; long enough that a post still in
# the platform client's own retries (Retry-After, back-off) is not claimed by another process.
REVEAL_LEASE_MS = 2 * 60 * 1000
REVEAL_GIVE_UP_MS = 24 * 3600 * 1000  # a reveal still owed after a day is dropped
_CACHE_LIMIT = 10_000
AfterClose = Callable[[str, str], Awaitable[None]]
# called once per newly stored graded answer: (who, question, grade, answered at ms, source)
AfterAnswer = Callable[[Where, Question, Grade, int, str], Awaitable[None]]


class RevealOutcome(StrEnum):
    POSTED = "posted"
    TAKEN = "taken"  # another caller holds or made the reveal
    NOT_HERE = "not here"  # this process runs no adapter for the round's platform
    FAILED = "failed"  # a passing failure: tried again once the claim lapses
    GIVEN_UP = "given up"  # the channel is gone, or the question left the bank


class Rounds:
    """Open, answer, close and reveal rounds of any kind (quizzes and daily build on it)."""

    def __init__(
        self,
        store: Store,
        banks: Banks,
        settings: TeamSettings,
        clock: Clock,
        outbox: Outbox,
        grading: GradingOptions | None = None,
    ) -> None:
        self.store = store
        self.banks = banks
        self.settings = settings
        self.clock = clock
        self.outbox = outbox
        self.grading = grading
        self._open: dict[str, Round] = {}  # open rounds this process knows; the store decides
        # called with (platform, team) after a round closed: the item analytics' re-check
        self.after_close: AfterClose | None = None
        # practice that remembers: the ability estimate (and review items) see each answer
        self.after_answer: list[AfterAnswer] = []

    # --- open -----------------------------------------------------------------------------

    async def open(self, rnd: Round) -> None:
        """Store a new round (RoundOpen when its channel has one of its kind open)."""
        await self.store.open_round(rnd)
        self._remember(rnd)

    async def posted(self, rnd: Round, ref: str | None) -> None:
        """The round's question went out as message `ref`: it is edited when the round closes."""
        if ref:
            await self.store.set_round_message(rnd.platform, rnd.team, rnd.id, ref)

    async def open_in(self, where: Where, kind: RoundKind) -> Round | None:
        return await self.store.open_round_in(where.platform, where.team, where.channel, kind)

    def _remember(self, rnd: Round) -> None:
        if len(self._open) > _CACHE_LIMIT:
            self._open.clear()
        self._open[rnd.id] = rnd

    async def _get(self, where: Where, round_id: str) -> Round | None:
        rnd = self._open.get(round_id)
        if rnd is None or (rnd.platform, rnd.team) != (where.platform, where.team):
            rnd = await self.store.get_round(where.platform, where.team, round_id)
            if rnd is not None and rnd.closed_ms is None:
                self._remember(rnd)
        return rnd

    # --- answer ---------------------------------------------------------------------------

    async def answer(self, where: Where, action: Action, text: str) -> Reply:
        """Take one person's answer to the round `action` names; the reply is theirs alone."""
        check_length(text)
        rnd = await self._get(where, action.id)
        if rnd is None or rnd.kind != action.round_kind:
            raise UserError("That quiz round does not exist here.")
        now = self.clock.now()
        now_ms = to_ms(now)
        if rnd.closed_ms is not None or now_ms >= rnd.closes_ms:
            raise UserError("That round is closed: answers are no longer taken.")
        question = await self.question(rnd)
        if question is None:
            raise UserError("That question is no longer in the bank.")
        if not text.strip():
            raise UserError("The answer is empty.")
        grade = await timed_grade(question, text, self.grading, where)
        eff = await self.settings.get(where.platform, where.team, where.channel)
        elapsed = now_ms - rnd.opened_ms
        points = quiz_points(grade, elapsed, rnd.closes_ms - rnd.opened_ms)
        picked = choice_index(question, text) if question.kind is Kind.CHOICE else None
        # a choice is stored by its text, not the letter it was shown under this round, so
        # analytics and re-grading read it whatever order a round showed
        stored = question.choices[picked].text if picked is not None else text
        row = build_row(
            where,
            question,
            stored,
            grade,
            context=str(AnswerContext.of_round(rnd.kind, rnd.id)),
            source=rnd.kind,
            ranked=True,
            points=points,
            elapsed_ms=elapsed,
            now=now,
            tz=eff.timezone,
        )
        rec = await self.store.record_answer(row)
        if not rec.inserted:
            now_round = await self.store.get_round(where.platform, where.team, rnd.id)
            if now_round is not None and now_round.closed_ms is not None:
                self._open.pop(rnd.id, None)
                raise UserError("That round is closed: answers are no longer taken.")
            if rnd.kind is RoundKind.DAILY:
                raise UserError("You already answered today's question; answers can't be changed.")
            raise UserError("You already answered this round: one answer each.")
        count_answer(row)
        await self._after_answer(where, question, grade, now_ms, str(rnd.kind))
        return Reply(
            cards=(round_feedback_card(question, grade, points, elapsed, rec.first_correct),)
        )

    async def _after_answer(
        self, where: Where, question: Question, grade: Grade, at_ms: int, source: str
    ) -> None:
        await run_listeners(self.after_answer, where, question, grade, at_ms, source)

    async def question(self, rnd: Round) -> Question | None:
        """The round's question as it shows it (choices in the round's order)."""
        q = (await self.banks.for_team(rnd.platform, rnd.team)).get(rnd.question_id)
        return as_shown(q, rnd.id) if q is not None else None

    async def answer_count(self, rnd: Round) -> int:
        return len(
            await self.store.context_answers(
                rnd.platform, rnd.team, str(AnswerContext.of_round(rnd.kind, rnd.id))
            )
        )

    # --- close and reveal -----------------------------------------------------------------

    async def close(self, rnd: Round) -> bool:
        """Close the round now; True only for the caller that closed it."""
        self._open.pop(rnd.id, None)
        if not await self.store.close_round(
            rnd.platform, rnd.team, rnd.id, to_ms(self.clock.now())
        ):
            return False
        if self.after_close is not None:
            await self.after_close(rnd.platform, rnd.team)
        return True

    async def withdraw(self, rnd: Round) -> None:
        """Close a round whose question never reached its channel: it owes no reveal."""
        self._open.pop(rnd.id, None)
        now_ms = to_ms(self.clock.now())
        await self.store.close_round(rnd.platform, rnd.team, rnd.id, now_ms)
        await self.store.mark_revealed(rnd.platform, rnd.team, rnd.id, now_ms)

    async def close_and_reveal(self, rnd: Round) -> None:
        """Close before its time (a stop, a new daily post) and reveal at once."""
        if await self.close(rnd):
            await self.reveal(rnd)

    async def close_due(self, channel: tuple[str, str, str] | None = None) -> None:
        """Close every round past its time, then post every reveal owed (a failed one again,
        once its claim lapsed). With `channel` (platform, team, channel): only that channel's due
        rounds, each closed and revealed at once."""
        now_ms = to_ms(self.clock.now())
        if channel is not None:  # a request path: this channel's rounds only, no team scan
            for rnd in await self.store.due_rounds_in(*channel, now_ms):
                if await self.close(rnd):
                    await self.reveal(rnd)
            return  # reveals owed from earlier failures are the ticker's
        for rnd in await self.store.due_rounds(now_ms):
            await self.close(rnd)
        for rnd in await self.store.owed_reveals(
            now_ms, REVEAL_LEASE_MS, now_ms - REVEAL_GIVE_UP_MS
        ):
            await self.reveal(rnd)

    async def reveal(self, rnd: Round) -> RevealOutcome:
        """Edit the round's post to closed and post the answer, if the reveal is still owed
        and this caller claims it."""
        now_ms = to_ms(self.clock.now())
        if not self.outbox.serves(rnd.platform):
            return RevealOutcome.NOT_HERE  # owed still: the process that runs it posts it
        if not await self.store.claim_reveal(
            rnd.platform, rnd.team, rnd.id, now_ms, REVEAL_LEASE_MS
        ):
            return RevealOutcome.TAKEN
        question = await self.question(rnd)
        if question is None:
            return await self._revealed(rnd, RevealOutcome.GIVEN_UP)
        answers = await self.store.context_answers(
            rnd.platform, rnd.team, str(AnswerContext.of_round(rnd.kind, rnd.id))
        )
        target = Target(rnd.platform, rnd.team, rnd.channel)
        try:
            if rnd.message_ref:
                await self._edit(
                    target, rnd.message_ref, closed_card(question, rnd.kind, len(answers))
                )
            await self.outbox.post(target, reveal_card(question, rnd.kind, answers))
        except ChannelUnavailable as e:
            log.warning(
                "reveal of round %s in %s/%s/%s given up: %s",
                rnd.id,
                rnd.platform,
                rnd.team,
                rnd.channel,
                e,
            )
            return await self._revealed(rnd, RevealOutcome.GIVEN_UP)
        except Exception:
            log.exception(
                "reveal of round %s in %s/%s/%s failed; it will be tried again",
                rnd.id,
                rnd.platform,
                rnd.team,
                rnd.channel,
            )
            return RevealOutcome.FAILED
        return await self._revealed(rnd, RevealOutcome.POSTED)

    async def _edit(self, target: Target, ref: str, card: Card) -> None:
        """The closed post is cosmetic (its message may be gone): it never stops a reveal."""
        try:
            await self.outbox.edit(target, ref, card)
        except Exception:
            log.warning(
                "could not mark message %s in %s/%s/%s closed",
                ref,
                target.platform,
                target.team,
                target.channel,
                exc_info=True,
            )

    async def _revealed(self, rnd: Round, outcome: RevealOutcome) -> RevealOutcome:
        await self.store.mark_revealed(rnd.platform, rnd.team, rnd.id, to_ms(self.clock.now()))
        return outcome


async def run_listeners(
    listeners: list[AfterAnswer],
    where: Where,
    question: Question,
    grade: Grade,
    at_ms: int,
    source: str,
) -> None:
    """An answer is stored: its listeners (ability estimate, review items) run together; a
    failing one is logged, never the person's error."""
    done = await asyncio.gather(
        *(f(where, question, grade, at_ms, source) for f in listeners),
        return_exceptions=True,
    )
    for e in done:
        if isinstance(e, Exception):
            log.error(
                "after-answer listener failed for %s/%s", where.platform, where.team, exc_info=e
            )
