"""Channel quiz rounds: one open round per channel, one answer per person, reveal on close."""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace

from bot.clock import Clock, to_ms
from bot.domain.questions import Kind, Question, choice_letter
from bot.domain.records import AnswerRow, Round
from bot.domain.values import Button, Card, Outgoing, Reply, Target, UserError, Visibility, Where
from bot.grading import GradingOptions
from bot.grading.choice import choice_index
from bot.questions.bank import parse_difficulty
from bot.services import rotation
from bot.services.banks import Banks
from bot.services.points import (
    appeal_hint,
    build_row,
    check_length,
    count_answer,
    quiz_points,
    timed_grade,
)
from bot.services.team_settings import TeamSettings
from bot.store.errors import RoundOpen
from bot.store.protocol import Store

QUIZ_KINDS = (Kind.CHOICE, Kind.SHORT)


class Quizzes:
    def __init__(self, store: Store, banks: Banks, settings: TeamSettings, clock: Clock,
                 rng: random.Random | None = None,
                 grading: GradingOptions | None = None) -> None:
        self.grading = grading
        self.store = store
        self.banks = banks
        self.settings = settings
        self.clock = clock
        self.rng = rng or random.Random()
        self._open: dict[str, Round] = {}  # open rounds this process knows; the store decides
        # called with (platform, team) after a round closed: the item analytics' re-check
        self.after_close: Callable[[str, str], Awaitable[None]] | None = None

    async def _round(self, where: Where, round_id: str) -> Round | None:
        rnd = self._open.get(round_id)
        if rnd is None or (rnd.platform, rnd.team) != (where.platform, where.team):
            rnd = await self.store.get_round(where.platform, where.team, round_id)
            if rnd is not None and rnd.closed_ms is None:
                if len(self._open) > 10_000:
                    self._open.clear()
                self._open[round_id] = rnd
        return rnd

    async def start(self, where: Where, topic: str | None = None,
                    difficulty: str | int | None = None) -> Reply:
        """Open a round in the channel and return the public question card."""
        diff = parse_difficulty(difficulty)
        bank = await self.banks.for_team(where.platform, where.team)
        pool = bank.select(topic, diff, kinds=QUIZ_KINDS)
        closed = await self.close_due(channel=(where.platform, where.team, where.channel))
        if await self.store.open_round_in(where.platform, where.team, where.channel, "quiz"):
            raise UserError("A quiz round is already open in this channel: answer it first.")
        eff = await self.settings.get(where.platform, where.team, where.channel)
        now = self.clock.now()
        now_ms = to_ms(now)
        [question] = await rotation.pick(self.store, where.platform, where.team,
                                         f"channel:{where.channel}", pool, 1, now_ms, self.rng)
        rnd = Round(id=uuid.uuid4().hex, platform=where.platform, team=where.team,
                    channel=where.channel, kind="quiz", question_id=question.id,
                    topic=question.topic, started_by=where.user, opened_ms=now_ms,
                    closes_ms=now_ms + eff.quiz_seconds * 1000)
        try:
            await self.store.open_round(rnd)
            self._open[rnd.id] = rnd
        except RoundOpen:
            raise UserError("A quiz round is already open in this channel: answer it first.") \
                from None
        card = question_card(as_shown(question, rnd.id), f"quiz:{rnd.id}",
                             title=f"Quiz · {question.topic}",
                             footer=f"{eff.quiz_seconds} s to answer · one answer each · "
                                    "points for right and fast")
        return Reply(cards=(card,), outgoing=tuple(closed))

    async def answer(self, where: Where, round_id: str, text: str) -> Reply:
        """Take one person's answer to a round; the reply is private to them."""
        check_length(text)
        rnd = await self._round(where, round_id)
        if rnd is None:
            raise UserError("That quiz round does not exist here.")
        now = self.clock.now()
        now_ms = to_ms(now)
        if rnd.closed_ms is not None or now_ms >= rnd.closes_ms:
            raise UserError("That round is closed: answers are no longer taken.")
        bank = await self.banks.for_team(where.platform, where.team)
        question = bank.get(rnd.question_id)
        if question is None:
            raise UserError("That question is no longer in the bank.")
        question = as_shown(question, rnd.id)  # a letter names the choice shown under it
        if not text.strip():
            raise UserError("The answer is empty.")
        context = f"{rnd.kind}:{rnd.id}"
        g = await timed_grade(question, text, self.grading, where)
        eff = await self.settings.get(where.platform, where.team, where.channel)
        elapsed = now_ms - rnd.opened_ms
        points = quiz_points(g, elapsed, rnd.closes_ms - rnd.opened_ms)
        picked = choice_index(question, text) if question.kind is Kind.CHOICE else None
        # a choice is stored by its text, not the letter it was shown under this round, so
        # analytics and re-grading read it whatever order a round showed
        stored = question.choices[picked].text if picked is not None else text
        row = build_row(where, question, stored, g, context=context, source=rnd.kind,
                        ranked=True, points=points, elapsed_ms=elapsed, now=now,
                        tz=eff.timezone)
        rec = await self.store.record_answer(row)
        if not rec.inserted:
            now_round = await self.store.get_round(where.platform, where.team, round_id)
            if now_round is not None and now_round.closed_ms is not None:
                self._open.pop(round_id, None)
                raise UserError("That round is closed: answers are no longer taken.")
            if rnd.kind == "daily":
                raise UserError("You already answered today's question; answers can't be "
                                "changed.")
            raise UserError("You already answered this round: one answer each.")
        count_answer(row)
        if g.correct:
            extra = " You were the first to get it!" if rec.first_correct else ""
            card = Card(title="Right!", text=f"+{points} points ({elapsed / 1000:.1f} s).{extra}",
                        visibility=Visibility.EPHEMERAL, color="good")
        elif g.score > 0:
            card = Card(title="Partly right", text=f"+{points} points. The full answer comes "
                        "when the round closes.", visibility=Visibility.EPHEMERAL, color="warn",
                        footer=appeal_hint(question.id))
        else:
            card = Card(title="Not this time", text="The answer comes when the round closes.",
                        visibility=Visibility.EPHEMERAL, color="bad",
                        footer=appeal_hint(question.id))
        return Reply(cards=(card,))

    async def answer_open_round(self, where: Where, text: str) -> Reply:
        """Answer whatever quiz round is open in the channel (for text-only platforms)."""
        rnd = await self.store.open_round_in(where.platform, where.team, where.channel, "quiz")
        if rnd is None:
            raise UserError("No quiz round is open in this channel. Start one with /quiz.")
        return await self.answer(where, rnd.id, text)

    async def stop(self, where: Where) -> Reply:
        """Close the channel's round now (its starter or an admin) and reveal."""
        rnd = await self.store.open_round_in(where.platform, where.team, where.channel, "quiz")
        if rnd is None:
            raise UserError("No quiz round is open in this channel.")
        if not (where.is_admin or where.user == rnd.started_by):
            raise UserError("Only whoever started the round, or an admin, can stop it.")
        out = await self._close(rnd)
        return Reply(outgoing=tuple(out))

    async def close_due(self, channel: tuple[str, str, str] | None = None) -> list[Outgoing]:
        """Close every round past its time, quiz or daily, each exactly once; the reveals."""
        now_ms = to_ms(self.clock.now())
        out: list[Outgoing] = []
        due = (await self.store.due_rounds_in(*channel, now_ms) if channel
               else await self.store.due_rounds(now_ms))
        for rnd in due:
            out.extend(await self._close(rnd))
        return out

    async def close_round_now(self, rnd: Round) -> list[Outgoing]:
        """Close one round before its time (a new daily post replaces it); its reveal."""
        return await self._close(rnd)

    async def _close(self, rnd: Round) -> list[Outgoing]:
        now_ms = to_ms(self.clock.now())
        self._open.pop(rnd.id, None)
        if not await self.store.close_round(rnd.platform, rnd.team, rnd.id, now_ms):
            return []  # somebody else closed it and revealed
        bank = await self.banks.for_team(rnd.platform, rnd.team)
        question = bank.get(rnd.question_id)
        answers = await self.store.context_answers(rnd.platform, rnd.team,
                                                   f"{rnd.kind}:{rnd.id}")
        target = Target(rnd.platform, rnd.team, rnd.channel)
        out = []
        if question is not None:
            question = as_shown(question, rnd.id)
            name = "Daily question" if rnd.kind == "daily" else "Quiz"
            if rnd.message_ref:
                closed = question_card(question, "", title=f"{name} · {question.topic} (closed)",
                                       footer=f"Closed · {len(answers)} answered")
                out.append(Outgoing(target, closed, edit_ref=rnd.message_ref))
            reveal = reveal_card(question, answers)
            if rnd.kind == "daily":
                reveal = replace(reveal, title=f"Daily question answer · {question.topic}")
            out.append(Outgoing(target, reveal))
        if self.after_close is not None:
            await self.after_close(rnd.platform, rnd.team)
        return out

    async def message_sent(self, where: Where, round_id: str, ref: str) -> None:
        """The adapter posted the round's question as message `ref` (edited on close)."""
        await self.store.set_round_message(where.platform, where.team, round_id, ref)


def as_shown(q: Question, round_id: str) -> Question:
    """The question as round `round_id` shows it: its choices in an order fixed by the round id,
    so every participant, every edit of the post, the grading of a letter, the reveal and a
    restart all see the same order, while two rounds of one question may differ."""
    if q.kind is not Kind.CHOICE or len(q.choices) < 2:
        return q
    order = list(q.choices)
    random.Random(hashlib.sha256(f"{round_id}\0{q.id}".encode()).digest()).shuffle(order)
    return replace(q, choices=tuple(order))


def question_card(q: Question, action: str, *, title: str, footer: str = "",
                  visibility: Visibility = Visibility.PUBLIC) -> Card:
    """A question as a card: buttons for choices, an answer form otherwise."""
    diff = "★" * q.difficulty + "☆" * (3 - q.difficulty)
    if q.kind is Kind.CHOICE:
        lines = [f"**{choice_letter(i)})** {c.text}" for i, c in enumerate(q.choices)]
        buttons = tuple(Button(choice_letter(i), choice_letter(i)) for i in range(len(q.choices)))
        if not action:
            buttons = ()
        return Card(title=f"{title} {diff}", text=q.prompt + "\n\n" + "\n".join(lines),
                    buttons=buttons, action=action, visibility=visibility, footer=footer)
    return Card(title=f"{title} {diff}", text=q.prompt, action=action,
                answer_form=bool(action), code_answer=q.kind is Kind.CODE,
                visibility=visibility, footer=footer)


def reveal_card(q: Question, answers: list[AnswerRow]) -> Card:
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
    return Card(title=f"Round over · {q.topic}", text=f"{q.prompt}\n\n{q.explanation}",
                fields=tuple(fields), color="good" if right else "warn")
