"""Channel quiz rounds: one open round per channel, one answer per person, reveal on close.

The round itself (answering, closing, the reveal) is `bot.services.rounds`; this is how a
quiz starts and stops."""

from __future__ import annotations

import random
import uuid

from bot.clock import Clock, to_ms
from bot.domain.actions import Action
from bot.domain.keys import Scope
from bot.domain.questions import Kind
from bot.domain.records import Round, RoundKind
from bot.domain.values import Card, Posted, Reply, UserError, Where
from bot.questions.bank import parse_difficulty
from bot.services import rotation
from bot.services.banks import Banks
from bot.services.cards import as_shown, question_card
from bot.services.rounds import Rounds
from bot.services.team_settings import TeamSettings
from bot.store.errors import RoundOpen
from bot.store.protocol import Store

QUIZ_KINDS = (Kind.CHOICE, Kind.SHORT)
_ALREADY_OPEN = "A quiz round is already open in this channel: answer it first."


class Quizzes:
    """Start and stop quiz rounds; answers go to the round (`rounds.answer`)."""

    def __init__(
        self,
        rounds: Rounds,
        store: Store,
        banks: Banks,
        settings: TeamSettings,
        clock: Clock,
        rng: random.Random | None = None,
    ) -> None:
        self.rounds = rounds
        self.store = store
        self.banks = banks
        self.settings = settings
        self.clock = clock
        self.rng = rng or random.Random()

    async def start(
        self, where: Where, topic: str | None = None, difficulty: str | int | None = None
    ) -> Reply:
        """Open a round in the channel and return the public question card."""
        diff = parse_difficulty(difficulty)
        bank = await self.banks.for_team(where.platform, where.team)
        pool = bank.select(topic, diff, kinds=QUIZ_KINDS)
        await self.rounds.close_due(channel=(where.platform, where.team, where.channel))
        if await self.rounds.open_in(where, RoundKind.QUIZ):
            raise UserError(_ALREADY_OPEN)
        eff = await self.settings.get(where.platform, where.team, where.channel)
        now_ms = to_ms(self.clock.now())
        [question] = await rotation.pick(
            self.store,
            where.platform,
            where.team,
            Scope.channel(where.channel),
            pool,
            1,
            now_ms,
            self.rng,
        )
        rnd = Round(
            id=uuid.uuid4().hex,
            platform=where.platform,
            team=where.team,
            channel=where.channel,
            kind=RoundKind.QUIZ,
            question_id=question.id,
            topic=question.topic,
            started_by=where.user,
            opened_ms=now_ms,
            closes_ms=now_ms + eff.quiz_seconds * 1000,
        )
        try:
            await self.rounds.open(rnd)
        except RoundOpen:
            raise UserError(_ALREADY_OPEN) from None
        card = question_card(
            as_shown(question, rnd.id),
            Action.quiz(rnd.id),
            title=f"Quiz · {question.topic}",
            footer=f"{eff.quiz_seconds} s to answer · one answer each · points for right and fast",
        )
        return Reply(cards=(card,), posted=self._record_post(rnd))

    def _record_post(self, rnd: Round) -> Posted:
        action = str(Action.quiz(rnd.id))

        async def posted(card: Card, ref: str) -> None:
            if card.action == action:
                await self.rounds.posted(rnd, ref)

        return posted

    async def answer(self, where: Where, round_id: str, text: str) -> Reply:
        """Answer quiz round `round_id` (the card's action names it)."""
        return await self.rounds.answer(where, Action.quiz(round_id), text)

    async def answer_open_round(self, where: Where, text: str) -> Reply:
        """Answer whatever quiz round is open in the channel (for text-only platforms)."""
        rnd = await self.rounds.open_in(where, RoundKind.QUIZ)
        if rnd is None:
            raise UserError("No quiz round is open in this channel. Start one with /quiz.")
        return await self.answer(where, rnd.id, text)

    async def stop(self, where: Where) -> Reply:
        """Close the channel's round now (its starter or an admin) and reveal."""
        rnd = await self.rounds.open_in(where, RoundKind.QUIZ)
        if rnd is None:
            raise UserError("No quiz round is open in this channel.")
        if not (where.is_admin or where.user == rnd.started_by):
            raise UserError("Only whoever started the round, or an admin, can stop it.")
        await self.rounds.close_and_reveal(rnd)
        return Reply()
